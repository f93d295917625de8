/* SPDX-License-Identifier: MIT */
/*
 * Registry events: the strict line parser and the state machine that
 * replays them (see registry.h). Replay must give every node the same state,
 * so nothing here depends on time, memory addresses or the order of anything
 * but the log: nodes are kept sorted by key and the swarm assignment sees
 * them in that order, as oxend's active_service_nodes_infos does.
 */
#include "registry.h"
#include "registry_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decomm_credit.h"
#include "storage_test.h"
#include "swarm_assign.h"

enum {
	TOKENS_MAX = 6, /* register has the most fields */
};

void
ctl_registry_init(struct ctl_registry *r)
{
	memset(r, 0, sizeof(*r));
}

void
ctl_registry_free(struct ctl_registry *r)
{
	free(r->nodes);
	memset(r, 0, sizeof(*r));
}

int
ctl_registry_copy(struct ctl_registry *dst, const struct ctl_registry *src)
{
	struct ctl_registry_node *nodes = calloc(src->n + 1, sizeof(*nodes));

	if (nodes == NULL)
		return -ENOMEM;
	*dst = *src;
	if (src->n > 0)
		memcpy(nodes, src->nodes, src->n * sizeof(*nodes));
	dst->nodes = nodes;
	dst->cap = src->n + 1;
	return 0;
}

/* ---- parsing ------------------------------------------------------------ */

/* Splits buf in place at spaces, tabs and CRs; returns the count, or
 * TOKENS_MAX + 1 when there are more. */
static size_t
tokenize(char *buf, char *tok[TOKENS_MAX])
{
	char *save = NULL;
	size_t n = 0;

	for (char *t = strtok_r(buf, " \t\r", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n == TOKENS_MAX)
			return TOKENS_MAX + 1;
		tok[n++] = t;
	}
	return n;
}

static bool
hex32(const char *s, uint8_t out[32])
{
	size_t got = 0;
	const char *end = NULL;

	return strlen(s) == 64 && sodium_hex2bin(out, 32, s, 64, NULL, &got, &end) == 0 &&
	       got == 32 && end == s + 64;
}

/* Canonical decimal: digits only, no leading zero (but "0"), at most max. */
static bool
decimal(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (; *s != '\0'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "a.b.c.d:port", port 1..65535. */
static bool
ip_port(const char *s, uint32_t *ip, uint16_t *port)
{
	const char *colon = strchr(s, ':');
	char host[INET_ADDRSTRLEN];
	struct in_addr in;
	uint64_t p;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1 || !decimal(colon + 1, 65535, &p) || p == 0)
		return false;
	*ip = ntohl(in.s_addr);
	*port = (uint16_t)p;
	return true;
}

static int
bad(char *why, size_t whylen, const char *text)
{
	snprintf(why, whylen, "%s", text);
	return -EINVAL;
}

static int
parse_register(char **tok, size_t n, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	if (n != 5)
		return bad(why, whylen,
			   "expected: register <ed25519> <x25519> <ip>:<port> <height>");
	if (!hex32(tok[1], ev->key))
		return bad(why, whylen, "bad Ed25519 key (64 hex digits)");
	if (!hex32(tok[2], ev->x25519))
		return bad(why, whylen, "bad X25519 key (64 hex digits)");
	if (!ip_port(tok[3], &ev->ip, &ev->port))
		return bad(why, whylen, "bad address (a.b.c.d:port, port 1-65535)");
	if (!decimal(tok[4], UINT64_MAX, &ev->height))
		return bad(why, whylen, "bad height (decimal, no leading zeros, below 2^64)");
	ev->kind = CTL_REGISTRY_REGISTER;
	return 0;
}

static int
parse_block(char **tok, size_t n, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	if (n != 3)
		return bad(why, whylen, "expected: block <height> <hash>");
	if (!decimal(tok[1], UINT64_MAX, &ev->height))
		return bad(why, whylen, "bad height (decimal, no leading zeros, below 2^64)");
	if (!hex32(tok[2], ev->hash))
		return bad(why, whylen, "bad block hash (64 hex digits)");
	ev->kind = CTL_REGISTRY_BLOCK;
	return 0;
}

static int
parse_change(char **tok, size_t n, enum ctl_registry_kind kind, struct ctl_registry_event *ev,
	     char *why, size_t whylen)
{
	if (n != 4) {
		snprintf(why, whylen, "expected: %s <ed25519> <height> <quorum record>", tok[0]);
		return -EINVAL;
	}
	if (!hex32(tok[1], ev->key))
		return bad(why, whylen, "bad Ed25519 key (64 hex digits)");
	if (!decimal(tok[2], UINT64_MAX, &ev->height))
		return bad(why, whylen, "bad height (decimal, no leading zeros, below 2^64)");
	/* "-": no record, accepted only under option unverified-records (apply) */
	if (strcmp(tok[3], "-") != 0) {
		int rc = ctl_quorum_record_parse(tok[3], &ev->record, why, whylen);

		if (rc != 0)
			return rc;
		ev->has_record = true;
	}
	ev->kind = kind;
	return 0;
}

static int
parse_commit(char **tok, size_t n, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	size_t got = 0;
	const char *end = NULL;

	if (n != 5)
		return bad(why, whylen, "expected: commit <ed25519> <height> <hash> <signature>");
	if (!hex32(tok[1], ev->key))
		return bad(why, whylen, "bad Ed25519 key (64 hex digits)");
	if (!decimal(tok[2], UINT64_MAX, &ev->height))
		return bad(why, whylen, "bad height (decimal, no leading zeros, below 2^64)");
	if (!hex32(tok[3], ev->hash))
		return bad(why, whylen, "bad commit hash (64 hex digits)");
	if (strlen(tok[4]) != 128 ||
	    sodium_hex2bin(ev->sig, 64, tok[4], 128, NULL, &got, &end) != 0 || got != 64)
		return bad(why, whylen, "bad signature (128 hex digits)");
	ev->kind = CTL_REGISTRY_COMMIT;
	return 0;
}

static int
parse_reveal(char **tok, size_t n, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	if (n != 4)
		return bad(why, whylen, "expected: reveal <ed25519> <height> <secret>");
	if (!hex32(tok[1], ev->key))
		return bad(why, whylen, "bad Ed25519 key (64 hex digits)");
	if (!decimal(tok[2], UINT64_MAX, &ev->height))
		return bad(why, whylen, "bad height (decimal, no leading zeros, below 2^64)");
	if (!hex32(tok[3], ev->hash))
		return bad(why, whylen, "bad secret (64 hex digits)");
	ev->kind = CTL_REGISTRY_REVEAL;
	return 0;
}

static int
parse_option(char **tok, size_t n, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	ev->kind = CTL_REGISTRY_OPTION;
	if (n == 2 && strcmp(tok[1], "unverified-records") == 0) {
		ev->option = CTL_REGISTRY_OPT_UNVERIFIED;
		return 0;
	}
	if (n == 3 && strcmp(tok[1], "epoch-blocks") == 0) {
		ev->option = CTL_REGISTRY_OPT_EPOCH_BLOCKS;
		if (!decimal(tok[2], CTL_REGISTRY_EPOCH_BLOCKS_MAX, &ev->value) || ev->value == 0)
			return bad(why, whylen, "bad epoch-blocks (1 to 1073741824)");
		return 0;
	}
	if (n == 3 && strcmp(tok[1], "block-seconds") == 0) {
		ev->option = CTL_REGISTRY_OPT_BLOCK_SECONDS;
		if (!decimal(tok[2], CTL_CREDIT_BLOCK_SECONDS_MAX, &ev->value) || ev->value == 0)
			return bad(why, whylen, "bad block-seconds (1 to 86400)");
		return 0;
	}
	if (n == 3 && strcmp(tok[1], "storage-test-pairs") == 0) {
		ev->option = CTL_REGISTRY_OPT_STEST_PAIRS;
		if (!decimal(tok[2], CTL_STEST_PAIRS_MAX, &ev->value) || ev->value == 0)
			return bad(why, whylen, "bad storage-test-pairs (1 to 64)");
		return 0;
	}
	ev->kind = CTL_REGISTRY_NONE;
	return bad(why, whylen,
		   "expected: option epoch-blocks <N> | option unverified-records | option "
		   "block-seconds <S> | option storage-test-pairs <N>");
}

static bool
is_change(const char *word)
{
	return strcmp(word, "decommission") == 0 || strcmp(word, "recommission") == 0 ||
	       strcmp(word, "deregister") == 0;
}

int
ctl_registry_parse(const char *line, struct ctl_registry_event *ev, char *why, size_t whylen)
{
	static const struct {
		const char *name;
		enum ctl_registry_kind kind;
	} changes[] = {
		{"decommission", CTL_REGISTRY_DECOMMISSION},
		{"recommission", CTL_REGISTRY_RECOMMISSION},
		{"deregister", CTL_REGISTRY_DEREGISTER},
	};
	char buf[CTL_REGISTRY_RECORD_LINE_MAX], *tok[TOKENS_MAX];
	size_t len = strlen(line), n;

	memset(ev, 0, sizeof(*ev));
	if (len >= CTL_REGISTRY_RECORD_LINE_MAX) {
		snprintf(why, whylen, "line longer than %d bytes",
			 CTL_REGISTRY_RECORD_LINE_MAX - 1);
		return -EINVAL;
	}
	memcpy(buf, line, len + 1);
	buf[strcspn(buf, "#")] = '\0';
	n = tokenize(buf, tok);
	/* only a state change (which carries a record) may be longer than 511 */
	if (len >= CTL_REGISTRY_LINE_MAX && (n == 0 || !is_change(tok[0]))) {
		snprintf(why, whylen, "line longer than %d bytes", CTL_REGISTRY_LINE_MAX - 1);
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	if (n > TOKENS_MAX)
		return bad(why, whylen, "too many fields");
	if (strcmp(tok[0], "register") == 0)
		return parse_register(tok, n, ev, why, whylen);
	if (strcmp(tok[0], "block") == 0)
		return parse_block(tok, n, ev, why, whylen);
	if (strcmp(tok[0], "commit") == 0)
		return parse_commit(tok, n, ev, why, whylen);
	if (strcmp(tok[0], "reveal") == 0)
		return parse_reveal(tok, n, ev, why, whylen);
	if (strcmp(tok[0], "option") == 0)
		return parse_option(tok, n, ev, why, whylen);
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (strcmp(tok[0], changes[i].name) == 0)
			return parse_change(tok, n, changes[i].kind, ev, why, whylen);
	snprintf(why, whylen, "unknown event '%.32s'", tok[0]);
	return -EINVAL;
}

/* ---- replay ------------------------------------------------------------- */

/* The index of key in r->nodes, or where it would go (*found false). */
static size_t
locate(const struct ctl_registry *r, const uint8_t key[32], bool *found)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(r->nodes[mid].ed25519, key, 32);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const struct ctl_registry_node *
ctl_registry_find(const struct ctl_registry *r, const uint8_t ed25519[32])
{
	bool found;
	size_t i = locate(r, ed25519, &found);

	return found ? &r->nodes[i] : NULL;
}

size_t
ctl_registry_count(const struct ctl_registry *r, enum ctl_registry_status status)
{
	size_t c = 0;

	for (size_t i = 0; i < r->n; i++)
		c += r->nodes[i].status == status;
	return c;
}

struct ctl_registry_node *
ctl_registry_node_mut(struct ctl_registry *r, const uint8_t key[32])
{
	bool found;
	size_t i = locate(r, key, &found);

	return found ? &r->nodes[i] : NULL;
}

/* The first 16 hex digits of a key: enough to find it, short enough for a line. */
const char *
ctl_registry_short_key(const uint8_t key[32], char out[17])
{
	sodium_bin2hex(out, 17, key, 8);
	return out;
}

/* A node event at height h must belong to the open block, or open the next one. */
static int
check_event_height(const struct ctl_registry *r, uint64_t h, char *why, size_t whylen)
{
	if (r->open && h != r->open_height) {
		snprintf(why, whylen,
			 "height %" PRIu64 ", but the events above are for %" PRIu64
			 " (its block line is missing)",
			 h, r->open_height);
		return -EINVAL;
	}
	if (r->have_block && h <= r->height) {
		snprintf(why, whylen, "height %" PRIu64 " is not above the last block %" PRIu64, h,
			 r->height);
		return -EINVAL;
	}
	return 0;
}

/* update: the event registers a node or changes a state (commits and reveals do not) */
static void
mark_open(struct ctl_registry *r, uint64_t h, bool update)
{
	r->open = true;
	r->open_height = h;
	r->open_update |= update;
}

static int
grow(struct ctl_registry *r)
{
	size_t cap = r->cap == 0 ? 64 : r->cap * 2;
	struct ctl_registry_node *p;

	if (r->n < r->cap)
		return 0;
	if (cap > CTL_REGISTRY_NODES_MAX)
		cap = CTL_REGISTRY_NODES_MAX;
	p = realloc(r->nodes, cap * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	r->nodes = p;
	r->cap = cap;
	return 0;
}

static bool
x25519_taken(const struct ctl_registry *r, const uint8_t x[32])
{
	for (size_t i = 0; i < r->n; i++)
		if (memcmp(r->nodes[i].x25519, x, 32) == 0)
			return true;
	return false;
}

static int
apply_register(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
	       size_t whylen)
{
	char hex[17];
	bool found;
	size_t at = locate(r, ev->key, &found);
	struct ctl_registry_node *nd;

	if (found) {
		snprintf(why, whylen, "node %s is already registered",
			 ctl_registry_short_key(ev->key, hex));
		return -EINVAL;
	}
	if (x25519_taken(r, ev->x25519)) {
		snprintf(why, whylen, "X25519 key of node %s is another node's",
			 ctl_registry_short_key(ev->key, hex));
		return -EINVAL;
	}
	if (r->n == CTL_REGISTRY_NODES_MAX) {
		snprintf(why, whylen, "more than %d nodes", CTL_REGISTRY_NODES_MAX);
		return -E2BIG;
	}
	if (grow(r) != 0) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	memmove(&r->nodes[at + 1], &r->nodes[at], (r->n - at) * sizeof(*nd));
	r->n++;
	nd = &r->nodes[at];
	memset(nd, 0, sizeof(*nd));
	memcpy(nd->ed25519, ev->key, 32);
	memcpy(nd->x25519, ev->x25519, 32);
	nd->ip = ev->ip;
	nd->port = ev->port;
	nd->status = CTL_REGISTRY_ACTIVE;
	nd->registered = ev->height;
	nd->active_since = ev->height;
	nd->swarm_id = SWARM_ID_UNASSIGNED; /* new: placed by the block's assignment */
	return 0;
}

/* The record of a state change: 7 valid votes of the quorum of this epoch or
 * the one before (docs/quorums.md), or "-" when the log allows it. */
static int
check_record(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why, size_t whylen)
{
	static const enum ctl_quorum_change change[] = {
		[CTL_REGISTRY_DECOMMISSION] = CTL_QUORUM_DECOMMISSION,
		[CTL_REGISTRY_RECOMMISSION] = CTL_QUORUM_RECOMMISSION,
		[CTL_REGISTRY_DEREGISTER] = CTL_QUORUM_DEREGISTER,
	};
	uint64_t e = ctl_registry_epoch_of(r, ev->height), re = ev->record.epoch;
	const struct ctl_quorum *q = ctl_registry_quorum(r, re);
	int rc;

	if (!ev->has_record) {
		if (r->unverified)
			return 0;
		return bad(why, whylen, "quorum record '-' needs 'option unverified-records'");
	}
	if ((re != e && re + 1 != e) || q == NULL) {
		snprintf(why, whylen,
			 "quorum of epoch %" PRIu64
			 " is not kept (votes live for this epoch and the next)",
			 re);
		return -EINVAL;
	}
	rc = ctl_quorum_record_verify(&ev->record, q, change[ev->kind], ev->key, why, whylen);
	r->records += rc == 0;
	return rc;
}

/* A record for this change of an epoch not above the last one applied to the node, or
 * of an epoch not after its registration: a quorum is drawn before the epoch's first
 * line, so such a record was made for an earlier registration of the same key. */
static int
check_replay(const struct ctl_registry *r, const struct ctl_registry_node *nd,
	     const struct ctl_registry_event *ev, const char *name, char *why, size_t whylen)
{
	size_t k = (size_t)(ev->kind - CTL_REGISTRY_DECOMMISSION);
	char hex[17];

	if (ev->has_record && ev->record.epoch <= ctl_registry_epoch_of(r, nd->registered)) {
		snprintf(why, whylen,
			 "%s: node %s registered at height %" PRIu64 "; a record of epoch %" PRIu64
			 " was made before that",
			 name, ctl_registry_short_key(ev->key, hex), nd->registered,
			 ev->record.epoch);
		return -EINVAL;
	}
	if (!ev->has_record || !nd->record_used[k] || ev->record.epoch > nd->record_epoch[k])
		return 0;
	snprintf(why, whylen,
		 "%s: node %s had a %s record of epoch %" PRIu64 " applied; one of epoch %" PRIu64
		 " is a replay",
		 name, ctl_registry_short_key(ev->key, hex), name, nd->record_epoch[k],
		 ev->record.epoch);
	return -EINVAL;
}

/* decommission / recommission / deregister of a known node in the right state. */
static int
apply_change(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why, size_t whylen)
{
	static const char *const names[] = {
		[CTL_REGISTRY_DECOMMISSION] = "decommission",
		[CTL_REGISTRY_RECOMMISSION] = "recommission",
		[CTL_REGISTRY_DEREGISTER] = "deregister",
	};
	const char *name = names[ev->kind];
	char hex[17];
	bool found;
	int rc;
	size_t at = locate(r, ev->key, &found);
	struct ctl_registry_node *nd;

	if (!found) {
		snprintf(why, whylen, "%s: node %s is not registered", name,
			 ctl_registry_short_key(ev->key, hex));
		return -EINVAL;
	}
	nd = &r->nodes[at];
	if (ev->kind == CTL_REGISTRY_DECOMMISSION && nd->status != CTL_REGISTRY_ACTIVE) {
		snprintf(why, whylen, "decommission: node %s is already decommissioned",
			 ctl_registry_short_key(ev->key, hex));
		return -EINVAL;
	}
	if (ev->kind == CTL_REGISTRY_RECOMMISSION && nd->status != CTL_REGISTRY_DECOMMISSIONED) {
		snprintf(why, whylen, "recommission: node %s is not decommissioned",
			 ctl_registry_short_key(ev->key, hex));
		return -EINVAL;
	}
	if ((rc = check_replay(r, nd, ev, name, why, whylen)) != 0 ||
	    (rc = check_record(r, ev, why, whylen)) != 0)
		return rc;
	if (ev->has_record) {
		nd->record_used[ev->kind - CTL_REGISTRY_DECOMMISSION] = true;
		nd->record_epoch[ev->kind - CTL_REGISTRY_DECOMMISSION] = ev->record.epoch;
	}
	if (ev->kind == CTL_REGISTRY_DEREGISTER) {
		memmove(nd, nd + 1, (r->n - at - 1) * sizeof(*nd));
		r->n--;
		return 0;
	}
	ctl_registry_credit_change(r, nd, ev->kind, ev->height);
	nd->status = ev->kind == CTL_REGISTRY_DECOMMISSION ? CTL_REGISTRY_DECOMMISSIONED
							   : CTL_REGISTRY_ACTIVE;
	/* oxend (HF >= 13) clears the swarm on decommission; a recommissioned
	 * node therefore comes back unassigned. */
	nd->swarm_id = SWARM_ID_UNASSIGNED;
	return 0;
}

/* calc_swarm_changes over the active nodes, seeded by the block hash. */
static int
assign_swarms(struct ctl_registry *r, const struct ctl_registry_event *blk, char *why,
	      size_t whylen)
{
	struct swarm_node *in = calloc(r->n + 1, sizeof(*in));
	size_t k = 0;
	char err[200];
	int rc;

	if (in == NULL) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].status == CTL_REGISTRY_ACTIVE) {
			memcpy(in[k].ed25519, r->nodes[i].ed25519, 32);
			in[k++].swarm_id = r->nodes[i].swarm_id;
		}
	rc = swarm_assign_calc(in, k, swarm_assign_seed(blk->hash), NULL, err, sizeof(err));
	if (rc == -EDOM) {
		/* oxend throws out of the block here; there is no answer to copy,
		 * so every node keeps its swarm (docs/swarms.md). */
		r->refused++;
		r->refused_height = blk->height;
	} else if (rc != 0) {
		snprintf(why, whylen, "swarm assignment: %s", err);
		free(in);
		return rc;
	}
	for (size_t i = 0, j = 0; rc == 0 && i < r->n; i++)
		if (r->nodes[i].status == CTL_REGISTRY_ACTIVE)
			r->nodes[i].swarm_id = in[j++].swarm_id;
	r->updates += rc == 0;
	free(in);
	return 0;
}

/* Keeps the last CTL_REGISTRY_RECENT_BLOCKS hashes (a fixed ring: heights may skip). */
static void
remember_block(struct ctl_registry *r, uint64_t height, const uint8_t hash[32])
{
	struct ctl_registry_recent *e = &r->recent[height % CTL_REGISTRY_RECENT_BLOCKS];

	e->have = true;
	e->height = height;
	memcpy(e->hash, hash, 32);
}

bool
ctl_registry_block_hash(const struct ctl_registry *r, uint64_t height, uint8_t out[32])
{
	const struct ctl_registry_recent *e = &r->recent[height % CTL_REGISTRY_RECENT_BLOCKS];

	if (!r->have_block || height > r->height ||
	    r->height - height >= CTL_REGISTRY_RECENT_BLOCKS || !e->have || e->height != height)
		return false;
	memcpy(out, e->hash, 32);
	return true;
}

static int
apply_block(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why, size_t whylen)
{
	int rc;

	if (r->open && ev->height != r->open_height) {
		snprintf(why, whylen, "block %" PRIu64 ", but the events above are for %" PRIu64,
			 ev->height, r->open_height);
		return -EINVAL;
	}
	if (r->have_block && ev->height <= r->height) {
		snprintf(why, whylen, "block %" PRIu64 " is not above the last block %" PRIu64,
			 ev->height, r->height);
		return -EINVAL;
	}
	if (r->open_update && (rc = assign_swarms(r, ev, why, whylen)) != 0)
		return rc;
	r->have_block = true;
	r->height = ev->height;
	memcpy(r->hash, ev->hash, 32);
	remember_block(r, ev->height, ev->hash);
	r->open = false;
	r->open_update = false;
	r->blocks++;
	return 0;
}

/* Options set the rules of the whole log, so they come before its first event. */
static int
apply_option(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why, size_t whylen)
{
	static const char *const names[] = {
		[CTL_REGISTRY_OPT_EPOCH_BLOCKS] = "epoch-blocks",
		[CTL_REGISTRY_OPT_UNVERIFIED] = "unverified-records",
		[CTL_REGISTRY_OPT_BLOCK_SECONDS] = "block-seconds",
		[CTL_REGISTRY_OPT_STEST_PAIRS] = "storage-test-pairs",
	};
	const char *name = names[ev->option];

	if (r->started) {
		snprintf(why, whylen, "option %s after the first event", name);
		return -EINVAL;
	}
	if ((ev->option == CTL_REGISTRY_OPT_UNVERIFIED && r->unverified) ||
	    (ev->option == CTL_REGISTRY_OPT_EPOCH_BLOCKS && r->epoch_blocks != 0) ||
	    (ev->option == CTL_REGISTRY_OPT_BLOCK_SECONDS && r->block_seconds != 0) ||
	    (ev->option == CTL_REGISTRY_OPT_STEST_PAIRS && r->stest_pairs != 0)) {
		snprintf(why, whylen, "option %s given twice", name);
		return -EINVAL;
	}
	if (ev->option == CTL_REGISTRY_OPT_UNVERIFIED)
		r->unverified = true;
	else if (ev->option == CTL_REGISTRY_OPT_BLOCK_SECONDS)
		r->block_seconds = ev->value;
	else if (ev->option == CTL_REGISTRY_OPT_STEST_PAIRS)
		r->stest_pairs = ev->value;
	else
		r->epoch_blocks = ev->value;
	return 0;
}

/* A node event: in the open block, applied, the block marked open. */
static int
apply_node_event(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
		 size_t whylen)
{
	int rc = check_event_height(r, ev->height, why, whylen);

	if (rc != 0)
		return rc;
	switch (ev->kind) {
	case CTL_REGISTRY_REGISTER:
		rc = apply_register(r, ev, why, whylen);
		break;
	case CTL_REGISTRY_COMMIT:
		rc = ctl_registry_apply_commit(r, ev, why, whylen);
		break;
	case CTL_REGISTRY_REVEAL:
		rc = ctl_registry_apply_reveal(r, ev, why, whylen);
		break;
	default:
		rc = apply_change(r, ev, why, whylen);
		break;
	}
	if (rc == 0)
		mark_open(r, ev->height,
			  ev->kind != CTL_REGISTRY_COMMIT && ev->kind != CTL_REGISTRY_REVEAL);
	return rc;
}

int
ctl_registry_apply(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
		   size_t whylen)
{
	struct ctl_registry_epochs saved;
	int rc;

	switch (ev->kind) {
	case CTL_REGISTRY_NONE:
		return 0;
	case CTL_REGISTRY_OPTION:
		return apply_option(r, ev, why, whylen);
	case CTL_REGISTRY_BLOCK:
	case CTL_REGISTRY_REGISTER:
	case CTL_REGISTRY_DECOMMISSION:
	case CTL_REGISTRY_RECOMMISSION:
	case CTL_REGISTRY_DEREGISTER:
	case CTL_REGISTRY_COMMIT:
	case CTL_REGISTRY_REVEAL:
		break;
	default:
		return bad(why, whylen, "unknown event kind");
	}
	/* the first line of a new epoch draws its quorum; undone if the line fails */
	saved = r->ep;
	ctl_registry_enter_epoch(r, ev->height);
	if (ev->kind == CTL_REGISTRY_BLOCK)
		rc = apply_block(r, ev, why, whylen);
	else
		rc = apply_node_event(r, ev, why, whylen);
	if (rc != 0) {
		r->ep = saved;
		return rc;
	}
	r->started = true;
	return 0;
}

int
ctl_registry_apply_line(struct ctl_registry *r, const char *line, char *why, size_t whylen)
{
	struct ctl_registry_event ev;
	int rc = ctl_registry_parse(line, &ev, why, whylen);

	return rc != 0 ? rc : ctl_registry_apply(r, &ev, why, whylen);
}
