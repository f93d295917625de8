/* SPDX-License-Identifier: MIT */
#include "client.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "onion_req.h"
#include "transport.h"

enum {
	ATTEMPTS_MAX = 10,
	SWARM_CAP = 64,
};

void
scl_client_opts_default(struct scl_client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	o->attempts = 3;
	o->reply_mode = SCL_REPLY_MODE_LAYERED;
	o->enc = SNC_ENC_AES_GCM;
	o->hops = SCL_PATH_HOPS;
}

int
scl_client_init(struct scl_client *c, struct scl_nodes *nodes, const struct scl_client_opts *o,
		struct scl_error *err)
{
	memset(c, 0, sizeof(*c));
	if (o->timeout_ms < 1 || o->attempts < 1 || o->attempts > ATTEMPTS_MAX || o->hops < 1 ||
	    o->hops > SCL_PATH_HOPS || o->reply_mode < 0 || o->reply_mode > 1 ||
	    o->enc >= SNC_ENC_TYPE_COUNT)
		return scl_fail(err, SCL_E_USAGE, "bad client options");
	c->nodes = *nodes;
	scl_nodes_init(nodes);
	c->o = *o;
	return 0;
}

void
scl_client_free(struct scl_client *c)
{
	scl_nodes_free(&c->nodes);
	free(c->fails);
	memset(c, 0, sizeof(*c));
}

void
scl_result_free(struct scl_result *res)
{
	free(res->body);
	memset(res, 0, sizeof(*res));
}

/* The failure counts follow the node list, which a 421 may grow. */
static int
fails_sync(struct scl_client *c)
{
	uint8_t *v;

	if (c->fails_n == c->nodes.n && c->fails != NULL)
		return 0;
	free(c->fails); /* indexes moved: forget the old counts */
	v = calloc(c->nodes.n + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	c->fails = v;
	c->fails_n = c->nodes.n;
	return 0;
}

static void
trace_path(const struct scl_client *c, int attempt, const size_t *path, size_t n, const char *what)
{
	if (c->o.trace == NULL)
		return;
	fprintf(c->o.trace, "attempt %d: path", attempt);
	for (size_t i = 0; i < n; i++) {
		char hex[17];

		sodium_bin2hex(hex, sizeof(hex), c->nodes.v[path[i]].ed25519, 8);
		fprintf(c->o.trace, " %s", hex);
	}
	fprintf(c->o.trace, ": %s\n", what);
}

/* Opens the collected cells and parses the destination's answer into res. */
static int
open_reply(const struct scl_circuit *circ, const struct scl_reply_cells *rc, struct scl_result *res,
	   struct scl_error *err)
{
	size_t *lens = calloc(rc->n, sizeof(*lens)), reply_len = 0;
	char *reply = NULL;
	int ret = lens == NULL ? scl_fail(err, SCL_E_SYSTEM, "out of memory") : 0;

	for (size_t i = 0; i < rc->n && ret == 0; i++) {
		if (rc->cell[i] == NULL)
			ret = scl_fail(err, SCL_E_REPLY, "reply cell %zu is missing", i);
		lens[i] = SCL_CELL_BYTES;
	}
	if (ret == 0)
		ret = scl_onion_reply_open(circ, (const uint8_t *const *)rc->cell, lens, rc->n,
					   &reply, &reply_len, err);
	if (ret == 0)
		ret = scl_onion_reply_parse(reply, reply_len, &res->status, &res->body,
					    &res->body_len, err);
	res->cells = rc->n;
	free(reply);
	free(lens);
	return ret;
}

static int
exchange(struct scl_client *c, const size_t *path, size_t n, const char *body, size_t len,
	 struct scl_result *res, struct scl_error *err)
{
	struct snc_onion_node hops[SCL_PATH_HOPS];
	struct scl_circuit circ;
	struct scl_reply_cells rc;
	uint8_t *cells = NULL;
	size_t n_cells = 0;
	int ret;

	for (size_t i = 0; i < n; i++) {
		memcpy(hops[i].ed25519, c->nodes.v[path[i]].ed25519, 32);
		memcpy(hops[i].x25519, c->nodes.v[path[i]].x25519, 32);
	}
	if (scl_onion_req_build(hops, n, c->o.enc, c->o.reply_mode, (const uint8_t *)body, len,
				&circ, &cells, &n_cells, err) != 0)
		return -1;
	ret = scl_transport_exchange(c->nodes.v[path[0]].ip, c->nodes.v[path[0]].port, cells,
				     n_cells, circ.label, c->o.timeout_ms, &rc, err);
	free(cells);
	if (ret == 0)
		ret = open_reply(&circ, &rc, res, err);
	scl_reply_cells_free(&rc);
	scl_circuit_free(&circ);
	if (ret == 0) {
		memcpy(res->path, path, n * sizeof(*path));
		res->path_len = n;
	}
	return ret;
}

int
scl_client_path_call(struct scl_client *c, const size_t *path, size_t n, const char *body,
		     size_t len, struct scl_result *res, struct scl_error *err)
{
	memset(res, 0, sizeof(*res));
	if (n == 0 || n > SCL_PATH_HOPS)
		return scl_fail(err, SCL_E_USAGE, "a path has 1 to %d nodes", SCL_PATH_HOPS);
	for (size_t i = 0; i < n; i++)
		if (path[i] >= c->nodes.n)
			return scl_fail(err, SCL_E_USAGE, "no node %zu in the list", path[i]);
	res->attempts = 1;
	return exchange(c, path, n, body, len, res, err);
}

/* A random swarm member among those on the fewest failed paths. */
static int
pick_dest(struct scl_client *c, const uint8_t pubkey[33], size_t *dest, struct scl_error *err)
{
	size_t idx[SWARM_CAP], ok[SWARM_CAP], n_ok = 0;
	unsigned best = UINT32_MAX;
	uint64_t swarm;
	int n = scl_nodes_swarm_of(&c->nodes, pubkey, &swarm, idx, SWARM_CAP, err);

	if (n < 0)
		return -1;
	if (n == 0)
		return scl_fail(err, SCL_E_NO_ROUTE, "no route: the account's swarm has no node");
	for (int i = 0; i < n; i++)
		if (c->fails[idx[i]] < best)
			best = c->fails[idx[i]];
	for (int i = 0; i < n; i++)
		if (c->fails[idx[i]] == best)
			ok[n_ok++] = idx[i];
	*dest = ok[randombytes_uniform((uint32_t)n_ok)];
	return 0;
}

/* The path of attempt a: the forced first path, else a random one. */
static int
choose_path(struct scl_client *c, const uint8_t pubkey[33], int a, size_t *path, size_t *n,
	    struct scl_error *err)
{
	size_t dest = 0;

	if (a == 1 && c->first_path_n > 0) {
		memcpy(path, c->first_path, c->first_path_n * sizeof(*path));
		*n = c->first_path_n;
		return 0;
	}
	if (pick_dest(c, pubkey, &dest, err) != 0)
		return -1;
	*n = c->o.hops < c->nodes.n ? c->o.hops : c->nodes.n;
	return scl_path_pick(&c->nodes, dest, *n, c->fails, path, err);
}

int
scl_client_account_call(struct scl_client *c, const uint8_t pubkey[33], const char *body,
			size_t len, struct scl_result *res, struct scl_error *err)
{
	size_t path[SCL_PATH_HOPS], n = 0;

	memset(res, 0, sizeof(*res));
	for (int a = 1; a <= c->o.attempts; a++) {
		if (fails_sync(c) != 0)
			return scl_fail(err, SCL_E_SYSTEM, "out of memory");
		if (choose_path(c, pubkey, a, path, &n, err) != 0)
			return -1;
		if (exchange(c, path, n, body, len, res, err) != 0) {
			trace_path(c, a, path, n, err->msg);
			/* A dead or unreachable node, or a damaged reply: try around the path. */
			if (err->code != SCL_E_TIMEOUT && err->code != SCL_E_REPLY &&
			    err->code != SCL_E_NO_ROUTE)
				return -1;
			for (size_t i = 0; i < n; i++)
				if (c->fails[path[i]] < UINT8_MAX)
					c->fails[path[i]]++;
			continue;
		}
		res->attempts = a;
		trace_path(c, a, path, n, res->status == 421 ? "421, swarm updated" : "answered");
		if (res->status != 421)
			return 0;
		if (scl_nodes_apply_swarm(&c->nodes, res->body, res->body_len, err) < 0)
			return -1;
		if (a < c->o.attempts)
			scl_result_free(res);
	}
	if (res->status == 421)
		return 0; /* the caller sees the last 421 */
	{
		char last[SCL_ERROR_MSG];

		memcpy(last, err->msg, sizeof(last));
		return scl_fail(err, err->code, "%d attempt(s) failed; the last: %s", c->o.attempts,
				last);
	}
}

int
scl_result_check(const struct scl_result *res, const char *what, struct scl_error *err)
{
	enum scl_err code = SCL_E_SERVER;

	if (res->status >= 200 && res->status < 300)
		return 0;
	if (res->status == 401 || res->status == 403)
		code = SCL_E_UNAUTHORISED;
	else if (res->status == 406)
		code = SCL_E_CLOCK;
	else if (res->status == 421)
		code = SCL_E_NO_ROUTE;
	return scl_fail(err, code, "%s: the node answered %d: %.200s", what, res->status,
			res->body != NULL ? res->body : "");
}
