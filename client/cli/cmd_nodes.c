/* SPDX-License-Identifier: MIT */
/*
 * snode-cli nodes: the node list kept in HOME/nodes.json (whitepaper 4.5).
 *   nodes bootstrap --seed URL [--seed URL...]   the first list, from seed nodes
 *   nodes refresh [--from N]                      through onion requests to N known nodes
 *   nodes show                                    what the client uses now
 * A new list is written only when every source gave the same one.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "home.h"
#include "node_list.h"
#include "path.h"
#include "seed.h"

static const char refresh_body[] = "{\"method\":\"oxend_request\",\"params\":{\"endpoint\":"
				   "\"get_service_nodes\",\"params\":" SCL_NODE_LIST_PARAMS "}}";

int
cli_nodes_save(struct cli_args *a, const struct scl_nodes *ns, struct scl_error *err)
{
	const char *home = cli_home(a->home, a->home_buf, sizeof(a->home_buf));
	char path[PATH_MAX], *text = scl_node_list_dump(ns);
	size_t len;
	int rc;

	if (text == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	if (home == NULL) {
		free(text);
		return scl_fail(err, SCL_E_USAGE, "no home: give --home DIR");
	}
	mkdir(home, 0700);
	snprintf(path, sizeof(path), "%s/nodes.json", home);
	len = strlen(text);
	text[len] = '\n'; /* the dump's NUL: the file ends with a newline */
	rc = cli_file_replace(path, text, len + 1, err);
	free(text);
	return rc;
}

static size_t
swarms(const struct scl_nodes *ns)
{
	size_t n = 0;

	for (size_t i = 0; i < ns->n; i++) {
		bool seen = ns->v[i].swarm == SCL_SWARM_NONE;

		for (size_t j = 0; j < i && !seen; j++)
			seen = ns->v[j].swarm == ns->v[i].swarm;
		n += !seen;
	}
	return n;
}

static int
report(struct cli_args *a, const char *what, const struct scl_nodes *ns, size_t sources)
{
	if (a->json)
		return cli_json_out(json_pack("{s:s, s:I, s:I, s:I}", "nodes", what, "count",
					      (json_int_t)ns->n, "swarms", (json_int_t)swarms(ns),
					      "sources", (json_int_t)sources));
	printf("%s: %zu node(s) in %zu swarm(s)%s\n", what, ns->n, swarms(ns),
	       sources > 0 ? "" : " (HOME/nodes.json or the registry)");
	if (sources > 0)
		printf("  every one of the %zu source(s) gave this same list\n", sources);
	return 0;
}

static int
bootstrap(struct cli_args *a)
{
	struct scl_error err = {0};
	struct scl_nodes ns;

	scl_nodes_init(&ns);
	if (scl_seed_bootstrap(a->seeds, a->n_seeds, a->copts.timeout_ms, true, &ns, &err) != 0 ||
	    cli_nodes_save(a, &ns, &err) != 0) {
		scl_nodes_free(&ns);
		return cli_error(a, &err);
	}
	report(a, "bootstrapped", &ns, a->n_seeds);
	scl_nodes_free(&ns);
	return 0;
}

/* One known node's list, asked over a random path that ends at it. */
static int
ask(struct scl_client *c, size_t dest, struct scl_nodes *out, struct scl_error *err)
{
	size_t path[SCL_PATH_HOPS], hops = c->nodes.n < SCL_PATH_HOPS ? c->nodes.n : SCL_PATH_HOPS;
	struct scl_result res;
	char hex[17], what[32];
	int rc;

	if (scl_path_pick(&c->nodes, dest, hops, c->fails, path, err) != 0)
		return -1;
	rc = scl_client_path_call(c, path, hops, refresh_body, strlen(refresh_body), &res, err);
	if (rc == 0 && (rc = scl_result_check(&res, "get_service_nodes", err)) == 0) {
		sodium_bin2hex(hex, sizeof(hex), c->nodes.v[dest].ed25519, 8);
		snprintf(what, sizeof(what), "node %s", hex);
		rc = scl_node_list_parse(out, what, res.body, res.body_len, err);
	}
	scl_result_free(&res);
	return rc;
}

int
cli_nodes_ask(struct scl_client *c, size_t from, struct scl_nodes *out, struct scl_error *err)
{
	struct scl_nodes other;
	size_t *order = calloc(c->nodes.n ? c->nodes.n : 1, sizeof(*order));
	int rc = 0;

	if (order == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < c->nodes.n; i++) { /* a random order: the first `from` are asked */
		size_t j = randombytes_uniform((uint32_t)(i + 1));

		order[i] = order[j];
		order[j] = i;
	}
	scl_nodes_init(&other);
	for (size_t i = 0; i < from && rc == 0; i++) {
		rc = ask(c, order[i], i == 0 ? out : &other, err);
		if (rc == 0 && i > 0 && !scl_node_list_same(out, &other))
			rc = scl_fail(err, SCL_E_NODES,
				      "the asked nodes disagree (%zu and %zu nodes): list kept",
				      out->n, other.n);
	}
	if (rc == 0 && from == 0)
		rc = scl_fail(err, SCL_E_NODES, "no known node to ask");
	free(order);
	scl_nodes_free(&other);
	return rc;
}

static int
refresh(struct cli_args *a)
{
	struct scl_error err = {0};
	struct scl_client c;
	struct scl_nodes first;
	size_t from = a->from > 0 ? (size_t)a->from : CLI_REFRESH_FROM;
	int rc;

	a->refresh_after_s = 0; /* this command refreshes: not once more before it */
	if (cli_client(a, &c, &err) != 0)
		return cli_error(a, &err);
	if (from > c.nodes.n)
		from = c.nodes.n;
	scl_nodes_init(&first);
	rc = cli_nodes_ask(&c, from, &first, &err);
	if (rc == 0)
		rc = cli_nodes_save(a, &first, &err);
	if (rc == 0)
		report(a, "refreshed", &first, from);
	scl_nodes_free(&first);
	scl_client_free(&c);
	return rc == 0 ? 0 : cli_error(a, &err);
}

static int
show(struct cli_args *a)
{
	struct scl_error err = {0};
	struct scl_client c;

	a->refresh_after_s = 0; /* shows the list as it is */
	if (cli_client(a, &c, &err) != 0)
		return cli_error(a, &err);
	report(a, "known", &c.nodes, 0);
	scl_client_free(&c);
	return 0;
}

int
cmd_nodes(struct cli_args *a, int argc, char **argv)
{
	struct scl_error err = {0};
	const char *sub = argc > 0 ? argv[0] : "";

	if (argc > 1) {
		scl_fail(&err, SCL_E_USAGE, "unexpected argument '%s'", argv[1]);
		return cli_error(a, &err);
	}
	if (strcmp(sub, "bootstrap") == 0)
		return bootstrap(a);
	if (strcmp(sub, "refresh") == 0)
		return refresh(a);
	if (strcmp(sub, "show") == 0)
		return show(a);
	scl_fail(&err, SCL_E_USAGE, "nodes: bootstrap, refresh or show");
	return cli_error(a, &err);
}
