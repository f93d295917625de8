/* SPDX-License-Identifier: MIT */
/* snode-cli: Session accounts, one-to-one messages and groups over snode (docs/snode-cli.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "home.h"
#include "node_list.h"
#include "nodes.h"
#include "onion_req.h"
#include "seed.h"
#include "snc.h"

static const char usage_text[] =
	"usage: snode-cli [options] COMMAND\n"
	"  account create [--name N]       new account; prints its recovery phrase\n"
	"  account restore --phrase \"...\" [--name N]\n"
	"  account show [--show-phrase]    the Session ID (05...)\n"
	"  send --to 05... --text T [--ttl S]\n"
	"  receive [--new]                 retrieve, decrypt and verify (--new: only what came\n"
	"                                  after the last `receive --new`)\n"
	"  delete --hash H [--hash H...]   delete-all [--all-namespaces]\n"
	"  expire --hash H [--hash H...] --ttl S\n"
	"  nodes bootstrap --seed URL [--seed URL...]   node list from seed nodes (all agree)\n"
	"  nodes refresh [--from N]        through onion requests to N known nodes (all agree)\n"
	"  nodes show\n"
	"  group create --group G --member 05... (2-99 times)   sends each member an invitation\n"
	"  group join --group G            imports the newest invitation to G (also key updates)\n"
	"  group send --group G --text T   group receive --group G   group show --group G\n"
	"  group remove --group G --member 05...   revoke the token, rotate the key\n"
	"  group invite --group G          (admin) sends the invitations again\n"
	"options: --home DIR (or $SNODE_CLI_HOME), --account NAME, --registry FILE\n"
	"  (or $SNODE_CLI_REGISTRY, else HOME/nodes.json, else HOME/registry), --json,\n"
	"  --timeout MS,\n"
	"  --attempts N, --mode 0|1 (reply mode), --verbose (one line per attempt),\n"
	"  --refresh-after S (HOME/nodes.json older than S seconds is refreshed first;\n"
	"  default 3600, 0 never)\n"
	"exit: 0 ok, 2 usage, 3 account/phrase, 4 nodes/no route, 5 timeout,\n"
	"  6 clock skew, 7 unauthorised, 8 node error/bad reply, 9 system\n";

static const int exit_codes[SCL_E_COUNT] = {
	[SCL_OK] = 0,	     [SCL_E_USAGE] = 2,	 [SCL_E_PHRASE] = 3,
	[SCL_E_ACCOUNT] = 3, [SCL_E_NODES] = 4,	 [SCL_E_NO_ROUTE] = 4,
	[SCL_E_TIMEOUT] = 5, [SCL_E_CLOCK] = 6,	 [SCL_E_UNAUTHORISED] = 7,
	[SCL_E_REPLY] = 8,   [SCL_E_SERVER] = 8, [SCL_E_SYSTEM] = 9,
};

int
cli_error(const struct cli_args *a, const struct scl_error *err)
{
	fprintf(stderr, "snode-cli: %s: %s\n", scl_err_name(err->code), err->msg);
	if (a != NULL && a->json)
		cli_json_out(json_pack("{s:s, s:s}", "error", scl_err_name(err->code), "message",
				       err->msg));
	return (unsigned)err->code < SCL_E_COUNT ? exit_codes[err->code] : 9;
}

int
cli_json_out(json_t *doc)
{
	if (doc != NULL) {
		json_dumpf(doc, stdout, JSON_COMPACT);
		fputc('\n', stdout);
	}
	json_decref(doc);
	return 0;
}

/* The wall clock, shifted by $SNODE_CLI_CLOCK_SKEW_MS (tests: a client with a wrong clock). */
uint64_t
cli_now_ms(void)
{
	const char *skew = getenv("SNODE_CLI_CLOCK_SKEW_MS");
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 +
	       (uint64_t)(skew != NULL ? strtoll(skew, NULL, 10) : 0);
}

int
cli_parse_session_id(const char *s, uint8_t out[33], struct scl_error *err)
{
	size_t got = 0;

	if (s == NULL || strlen(s) != 66 || strncmp(s, "05", 2) != 0 ||
	    sodium_hex2bin(out, 33, s, 66, NULL, &got, NULL) != 0 || got != 33)
		return scl_fail(err, SCL_E_USAGE,
				"bad Session ID '%.80s': expected 05 and 64 hex digits",
				s != NULL ? s : "");
	return 0;
}

int
cli_load_account(struct cli_args *a, struct snc_identity *id, struct scl_error *err)
{
	const char *home = cli_home(a->home, a->home_buf, sizeof(a->home_buf));

	if (home == NULL)
		return scl_fail(err, SCL_E_USAGE,
				"no home directory: give --home or SNODE_CLI_HOME");
	return cli_account_load(home, a->account != NULL ? a->account : "default", id, err);
}

/* --first-path: comma-separated Ed25519 hex prefixes (for tests), the destination last. */
static int
first_path(struct scl_client *c, const char *list, struct scl_error *err)
{
	char buf[512], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return scl_fail(err, SCL_E_USAGE, "--first-path too long");
	strcpy(buf, list);
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		size_t hit = SIZE_MAX, n = strlen(t);
		char hex[65];

		for (size_t i = 0; i < c->nodes.n; i++) {
			sodium_bin2hex(hex, sizeof(hex), c->nodes.v[i].ed25519, 32);
			if (n > 0 && n <= 64 && strncmp(hex, t, n) == 0)
				hit = hit == SIZE_MAX ? i : SIZE_MAX - 1;
		}
		if (hit >= SIZE_MAX - 1 || c->first_path_n == SCL_PATH_HOPS)
			return scl_fail(err, SCL_E_USAGE, "--first-path: '%s' names no single node",
					t);
		c->first_path[c->first_path_n++] = hit;
	}
	return 0;
}

/* HOME/nodes.json (node_list.h). */
static int
load_node_list(struct scl_nodes *ns, const char *path, struct scl_error *err)
{
	FILE *f = fopen(path, "r");
	char *text = malloc(SCL_NODES_FILE_MAX + 1);
	size_t len = 0;
	int rc;

	if (f == NULL || text == NULL) {
		free(text);
		if (f != NULL)
			fclose(f);
		return scl_fail(err, SCL_E_NODES, "%s: cannot read: %s", path, strerror(errno));
	}
	len = fread(text, 1, SCL_NODES_FILE_MAX + 1, f);
	fclose(f);
	if (len > SCL_NODES_FILE_MAX)
		rc = scl_fail(err, SCL_E_NODES, "%s: larger than %d bytes", path,
			      SCL_NODES_FILE_MAX);
	else
		rc = scl_node_list_parse(ns, path, text, len, err);
	free(text);
	return rc;
}

/* HOME/nodes.json older than --refresh-after is refreshed through onion requests before the
 * command (whitepaper 4.5: clients keep their list fresh), asking min(3, known) nodes that
 * must agree. A failed refresh keeps the list, says so on stderr and touches the file, so
 * the next try is --refresh-after later: the command still runs with the old list. */
static void
refresh_if_stale(struct cli_args *a, struct scl_client *c, const char *path)
{
	size_t from = c->nodes.n < CLI_REFRESH_FROM ? c->nodes.n : CLI_REFRESH_FROM;
	struct scl_error err = {0};
	struct scl_client fresh_c;
	struct scl_nodes fresh;
	struct stat st;
	time_t age;

	if (a->refresh_after_s <= 0 || stat(path, &st) != 0)
		return;
	age = time(NULL) - st.st_mtime;
	if (age < a->refresh_after_s)
		return;
	scl_nodes_init(&fresh);
	if (cli_nodes_ask(c, from, &fresh, &err) == 0 && cli_nodes_save(a, &fresh, &err) == 0 &&
	    scl_client_init(&fresh_c, &fresh, &a->copts, &err) == 0) {
		if (a->verbose)
			fprintf(stderr,
				"node list %lld s old: refreshed from %zu node(s): %zu node(s)\n",
				(long long)age, from, fresh_c.nodes.n);
		scl_client_free(c);
		*c = fresh_c;
	} else {
		/* Marked as tried: the next commands do not each wait for the same failure. */
		utime(path, NULL);
		fprintf(stderr,
			"snode-cli: node list %lld s old, refresh failed (%s): using it; next try "
			"in %ld s\n",
			(long long)age, err.msg, a->refresh_after_s);
	}
	scl_nodes_free(&fresh);
}

int
cli_client(struct cli_args *a, struct scl_client *c, struct scl_error *err)
{
	const char *home = cli_home(a->home, a->home_buf, sizeof(a->home_buf));
	const char *reg = a->registry != NULL ? a->registry : getenv("SNODE_CLI_REGISTRY");
	char path[PATH_MAX];
	struct scl_nodes nodes;
	bool from_list = false;

	scl_nodes_init(&nodes);
	if (reg == NULL || *reg == '\0') {
		if (home == NULL)
			return scl_fail(err, SCL_E_NODES, "no node list: give --registry FILE");
		snprintf(path, sizeof(path), "%s/nodes.json", home);
		if (access(path, F_OK) == 0) { /* what `snode-cli nodes` keeps */
			if (load_node_list(&nodes, path, err) != 0)
				return -1;
			from_list = true;
			goto have_nodes;
		}
		snprintf(path, sizeof(path), "%s/registry", home);
		reg = path;
	}
	if (scl_nodes_load_registry(&nodes, reg, err) != 0)
		return -1;
have_nodes:
	a->copts.trace = a->verbose ? stderr : NULL;
	if (scl_client_init(c, &nodes, &a->copts, err) != 0) {
		scl_nodes_free(&nodes);
		return -1;
	}
	if (from_list)
		refresh_if_stale(a, c, path);
	if (a->first_path != NULL && first_path(c, a->first_path, err) != 0) {
		scl_client_free(c);
		return -1;
	}
	return 0;
}

enum {
	O_HOME = 256,
	O_ACCOUNT,
	O_NAME,
	O_PHRASE,
	O_REGISTRY,
	O_TO,
	O_TEXT,
	O_HASH,
	O_TTL,
	O_JSON,
	O_TIMEOUT,
	O_ATTEMPTS,
	O_MODE,
	O_VERBOSE,
	O_SHOW_PHRASE,
	O_ALL_NS,
	O_FIRST_PATH,
	O_SEED,
	O_FROM,
	O_MEMBER,
	O_GROUP,
	O_REFRESH_AFTER,
	O_NEW,
	O_HELP,
};

static const struct option long_opts[] = {
	{"home", required_argument, NULL, O_HOME},
	{"account", required_argument, NULL, O_ACCOUNT},
	{"name", required_argument, NULL, O_NAME},
	{"phrase", required_argument, NULL, O_PHRASE},
	{"registry", required_argument, NULL, O_REGISTRY},
	{"to", required_argument, NULL, O_TO},
	{"text", required_argument, NULL, O_TEXT},
	{"hash", required_argument, NULL, O_HASH},
	{"ttl", required_argument, NULL, O_TTL},
	{"json", no_argument, NULL, O_JSON},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"attempts", required_argument, NULL, O_ATTEMPTS},
	{"mode", required_argument, NULL, O_MODE},
	{"verbose", no_argument, NULL, O_VERBOSE},
	{"show-phrase", no_argument, NULL, O_SHOW_PHRASE},
	{"all-namespaces", no_argument, NULL, O_ALL_NS},
	{"first-path", required_argument, NULL, O_FIRST_PATH},
	{"seed", required_argument, NULL, O_SEED},
	{"from", required_argument, NULL, O_FROM},
	{"member", required_argument, NULL, O_MEMBER},
	{"group", required_argument, NULL, O_GROUP},
	{"refresh-after", required_argument, NULL, O_REFRESH_AFTER},
	{"new", no_argument, NULL, O_NEW},
	{"help", no_argument, NULL, O_HELP},
	{NULL, 0, NULL, 0},
};

/* A decimal in [lo, hi], or -1 with err. */
static int
number(const char *s, long lo, long hi, const char *what, long *out, struct scl_error *err)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return scl_fail(err, SCL_E_USAGE, "%s must be a number from %ld to %ld", what, lo,
				hi);
	*out = v;
	return 0;
}

static int
one_option(struct cli_args *a, int opt, const char *arg, struct scl_error *err)
{
	long v = 0;

	switch (opt) {
	case O_HOME:
		a->home = arg;
		return 0;
	case O_ACCOUNT:
		a->account = arg;
		return 0;
	case O_NAME:
		a->name = arg;
		return 0;
	case O_PHRASE:
		a->phrase = arg;
		return 0;
	case O_REGISTRY:
		a->registry = arg;
		return 0;
	case O_TO:
		a->to = arg;
		return 0;
	case O_TEXT:
		a->text = arg;
		return 0;
	case O_FIRST_PATH:
		a->first_path = arg;
		return 0;
	case O_JSON:
		a->json = true;
		return 0;
	case O_VERBOSE:
		a->verbose = true;
		return 0;
	case O_SHOW_PHRASE:
		a->show_phrase = true;
		return 0;
	case O_ALL_NS:
		a->all_ns = true;
		return 0;
	case O_HASH:
		if (a->n_hashes == CLI_HASHES_MAX)
			return scl_fail(err, SCL_E_USAGE, "at most %d --hash", CLI_HASHES_MAX);
		a->hashes[a->n_hashes++] = arg;
		return 0;
	case O_SEED:
		if (a->n_seeds == SCL_SEEDS_MAX)
			return scl_fail(err, SCL_E_USAGE, "at most %d --seed", SCL_SEEDS_MAX);
		a->seeds[a->n_seeds++] = arg;
		return 0;
	case O_MEMBER:
		if (a->n_members == CLI_MEMBERS_MAX)
			return scl_fail(err, SCL_E_USAGE, "at most %d --member", CLI_MEMBERS_MAX);
		a->members[a->n_members++] = arg;
		return 0;
	case O_GROUP:
		a->group = arg;
		return 0;
	case O_FROM:
		return number(arg, 1, 16, "--from", &a->from, err);
	case O_REFRESH_AFTER:
		return number(arg, 0, 365L * 86400, "--refresh-after (seconds)",
			      &a->refresh_after_s, err);
	case O_NEW:
		a->only_new = true;
		return 0;
	case O_TTL:
		return number(arg, CLI_TTL_MIN_S, CLI_TTL_MAX_S, "--ttl (seconds)", &a->ttl_s, err);
	case O_TIMEOUT:
		if (number(arg, 1, 600000, "--timeout (ms)", &v, err) != 0)
			return -1;
		a->copts.timeout_ms = (int)v;
		return 0;
	case O_ATTEMPTS:
		if (number(arg, 1, 10, "--attempts", &v, err) != 0)
			return -1;
		a->copts.attempts = (int)v;
		return 0;
	case O_MODE:
		if (number(arg, 0, 1, "--mode", &v, err) != 0)
			return -1;
		a->copts.reply_mode = (int)v;
		return 0;
	default:
		return scl_fail(err, SCL_E_USAGE, "unknown option (see --help)");
	}
}

static int
dispatch(struct cli_args *a, int argc, char **argv)
{
	struct scl_error err = {0};
	const char *cmd = argc > 0 ? argv[0] : "";

	if (strcmp(cmd, "account") == 0)
		return cmd_account(a, argc - 1, argv + 1);
	if (strcmp(cmd, "nodes") == 0)
		return cmd_nodes(a, argc - 1, argv + 1);
	if (strcmp(cmd, "group") == 0)
		return cmd_group(a, argc - 1, argv + 1);
	if (argc != 1) {
		scl_fail(&err, SCL_E_USAGE,
			 argc == 0 ? "no command (see --help)" : "unexpected argument '%s'",
			 argc > 1 ? argv[1] : "");
		return cli_error(a, &err);
	}
	if (strcmp(cmd, "send") == 0)
		return cmd_send(a);
	if (strcmp(cmd, "receive") == 0)
		return cmd_receive(a);
	if (strcmp(cmd, "delete") == 0)
		return cmd_delete(a, false);
	if (strcmp(cmd, "delete-all") == 0)
		return cmd_delete(a, true);
	if (strcmp(cmd, "expire") == 0)
		return cmd_expire(a);
	scl_fail(&err, SCL_E_USAGE, "unknown command '%.40s' (see --help)", cmd);
	return cli_error(a, &err);
}

int
main(int argc, char **argv)
{
	static struct cli_args a;
	struct scl_error err = {0};
	int opt;

	/* libcurl runs with CURLOPT_NOSIGNAL: a TLS write to a node that closed
	 * first must be an error of that request, not the end of the process. */
	signal(SIGPIPE, SIG_IGN);
	scl_client_opts_default(&a.copts);
	a.ttl_s = 0;
	a.refresh_after_s = CLI_REFRESH_AFTER_S;
	if (snc_init() != 0) {
		scl_fail(&err, SCL_E_SYSTEM, "crypto init failed: %s", snc_init_error());
		return cli_error(NULL, &err);
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (opt == O_HELP) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (opt == '?' || one_option(&a, opt, optarg, &err) != 0) {
			if (opt == '?')
				scl_fail(&err, SCL_E_USAGE, "unknown or incomplete option '%s'",
					 argv[optind - 1]);
			return cli_error(&a, &err);
		}
	}
	return dispatch(&a, argc - optind, argv + optind);
}
