/* SPDX-License-Identifier: MIT */
/* control/swarm_view_registry.c: the swarms of a replayed registry as the
 * RPC sees them (closest swarm at the edges of its range, members and their
 * fields, who serves what, decommissioned and unknown nodes), reloads through
 * check() and through the timer (the logged lines, an error keeping the old
 * swarms), allocation failures, and, through the storage RPC with a real
 * redis-server, a 421 that names the account's swarm and its members. */
#include "test_common_ctl.h"
#include "test_rpc_common.h"

#include <event2/event.h>
#include <inttypes.h>
#include <unistd.h>

#include "log.h"
#include "registry_file.h"
#include "rpc_fixture.h"
#include "swarm_space.h"
#include "swarm_view_registry.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static int alloc_fail_at; /* 0: never; k: the k-th calloc/realloc fails */
static int alloc_calls;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (alloc_fail_at > 0 && ++alloc_calls == alloc_fail_at)
		return NULL;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	if (alloc_fail_at > 0 && ++alloc_calls == alloc_fail_at)
		return NULL;
	return __real_realloc(p, size);
}

static char dir[64], path[128];
static FILE *log_out;
static struct rpc_fx fx; /* a redis-server for the binary, a server for the RPC case */

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/registry", dir);
	log_out = tmpfile();
	ctl_log_set_output(log_out, false);
	return log_out != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	ctl_log_set_output(stderr, false);
	fclose(log_out);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* Everything logged since the last call. */
static const char *
logged(void)
{
	static char buf[8192];
	size_t n;

	fflush(log_out);
	rewind(log_out);
	n = fread(buf, 1, sizeof(buf) - 1, log_out);
	buf[n] = '\0';
	rewind(log_out);
	assert_int_equal(ftruncate(fileno(log_out), 0), 0);
	return buf;
}

static void
key_of(const char *what, int i, uint8_t out[32])
{
	char t[32];

	snprintf(t, sizeof(t), "%s %d", what, i);
	crypto_hash_sha256(out, (const uint8_t *)t, strlen(t));
}

static void
append(const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* register line for ed25519/x25519 keys at 10.0.0.i:(22000 + i). */
static void
append_register_keys(const uint8_t ed[32], const uint8_t x[32], int i, uint64_t h)
{
	char e[65], xh[65], l[300];

	sodium_bin2hex(e, sizeof(e), ed, 32);
	sodium_bin2hex(xh, sizeof(xh), x, 32);
	snprintf(l, sizeof(l), "register %s %s 10.0.0.%d:%d %" PRIu64 "\n", e, xh, i, 22000 + i, h);
	append(l);
}

static void
append_register(int i, uint64_t h)
{
	uint8_t ed[32], x[32];

	key_of("ed", i, ed);
	key_of("x", i, x);
	append_register_keys(ed, x, i, h);
}

static void
append_change(const char *what, int i, uint64_t h)
{
	uint8_t ed[32];
	char e[65], l[200];

	key_of("ed", i, ed);
	sodium_bin2hex(e, sizeof(e), ed, 32);
	snprintf(l, sizeof(l), "%s %s %" PRIu64 " -\n", what, e, h);
	append(l);
}

static void
append_block(uint64_t h)
{
	uint8_t d[32];
	char hex[65], l[120];

	key_of("block", (int)h, d);
	sodium_bin2hex(hex, sizeof(hex), d, 32);
	snprintf(l, sizeof(l), "block %" PRIu64 " %s\n", h, hex);
	append(l);
}

/* An account pubkey (05 || 32 bytes) whose swarm-space point is p. */
static void
account_at(uint64_t p, uint8_t pk[33])
{
	memset(pk, 0, 33);
	pk[0] = 0x05;
	for (int i = 0; i < 8; i++)
		pk[25 + i] = (uint8_t)(p >> (56 - 8 * i));
	assert_int_equal(snc_swarm_space_point(pk), p);
}

/* 15 nodes, node 14 decommissioned at block 2: two swarms of the 14 active. */
static void
write_network(void)
{
	append("option unverified-records\n"); /* "-" records (docs/quorums.md) */
	for (int i = 0; i < 15; i++)
		append_register(i, 1);
	append_block(1);
	append_change("decommission", 14, 2);
	append_block(2);
}

static struct ctl_swarm_view *
load(int self)
{
	char err[512];
	uint8_t me[32];
	struct ctl_swarm_view *v;

	key_of("ed", self, me);
	v = ctl_swarm_view_registry_load(path, me, 443, err, sizeof(err));
	if (v == NULL)
		fail_msg("%s", err);
	return v;
}

/* The expected members of swarm id (from the registry state itself). */
static size_t
members_of(const struct ctl_registry *reg, uint64_t id, const struct ctl_registry_node **out)
{
	size_t n = 0;

	for (size_t i = 0; i < reg->n; i++)
		if (reg->nodes[i].status == CTL_REGISTRY_ACTIVE && reg->nodes[i].swarm_id == id)
			out[n++] = &reg->nodes[i];
	return n;
}

static void
check_swarm(const struct ctl_swarm_view *v, uint64_t point, uint64_t id)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(v);
	const struct ctl_registry_node *want[CTL_REGISTRY_NODES_MAX];
	struct ctl_swarm sw;
	uint8_t pk[33];
	size_t n = members_of(reg, id, want);

	account_at(point, pk);
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
	if (sw.id != id)
		fail_msg("point %" PRIx64 ": swarm %" PRIx64 ", want %" PRIx64, point, sw.id, id);
	assert_int_equal(sw.n, n);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		assert_memory_equal(sw.nodes[i].ed25519, want[i]->ed25519, 32);
		assert_memory_equal(sw.nodes[i].x25519, want[i]->x25519, 32);
		assert_int_equal(sw.nodes[i].ip, want[i]->ip);
		assert_int_equal(sw.nodes[i].port, want[i]->port);
		assert_int_equal(sw.nodes[i].https_port, 443);
		if (i > 0)
			assert_true(memcmp(sw.nodes[i - 1].ed25519, sw.nodes[i].ed25519, 32) < 0);
	}
}

/* ---- the view --------------------------------------------------------- */

static void
test_swarms(void **state)
{
	static const uint64_t hi = 0x7fffffffffffffffULL;
	struct ctl_swarm_view_registry_info info;
	const struct ctl_registry_node *me;
	struct ctl_swarm_view *v;
	uint8_t k[32], pk[33];
	char want[300];

	(void)state;
	write_network();
	v = load(3);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_true(info.have_block);
	assert_int_equal(info.height, 2);
	assert_int_equal(info.nodes, 15);
	assert_int_equal(info.active, 14);
	assert_int_equal(info.swarms, 2);
	key_of("ed", 3, k);
	me = ctl_registry_find(ctl_swarm_view_registry_state(v), k);
	assert_int_equal(info.self_swarm, me->swarm_id);
	snprintf(want, sizeof(want),
		 "registry %s loaded: block 2, 15 nodes (14 active), 2 swarms; this node: swarm "
		 "%" PRIx64 "\n",
		 path, me->swarm_id);
	assert_string_equal(logged(), want);
	/* ids 0 and 2^63 - 1; each point goes to the nearer, ties to the lower */
	check_swarm(v, 0, 0);
	check_swarm(v, 0x3fffffffffffffffULL, 0); /* 2^62 - 1 from 0, 2^62 from hi */
	check_swarm(v, 0x4000000000000000ULL, hi);
	check_swarm(v, hi, hi);
	check_swarm(v, 0xbfffffffffffffffULL, hi); /* 2^62 from hi, 2^62 + 1 from 0 */
	check_swarm(v, 0xc000000000000000ULL, 0);  /* wrapping: nearer to 0 */
	check_swarm(v, UINT64_MAX, 0);
	/* serves exactly the accounts of its own swarm; the netid is ignored */
	account_at(me->swarm_id == 0 ? 5 : hi, pk);
	assert_true(ctl_swarm_view_serves(v, pk));
	pk[0] = 0x03;
	assert_true(ctl_swarm_view_serves(v, pk));
	account_at(me->swarm_id == 0 ? hi : 5, pk);
	assert_false(ctl_swarm_view_serves(v, pk));
	ctl_swarm_view_free(v);
}

static void
test_decommissioned_and_unknown_self(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t pk[33];

	(void)state;
	write_network();
	/* node 14 is decommissioned: known, in no swarm, serves nothing */
	v = load(14);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.self_swarm, CTL_SWARM_VIEW_NO_SWARM);
	assert_non_null(strstr(logged(), "; this node: in no swarm\n"));
	for (uint64_t p = 0; p < 16; p++) {
		account_at(p << 60, pk);
		assert_false(ctl_swarm_view_serves(v, pk));
		assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
		for (size_t i = 0; i < sw.n; i++) /* and in no member list */
			assert_true(sw.nodes[i].port != 22014);
	}
	/* known (a hand-off from it is accepted) but a member of no swarm */
	uint8_t ed[32];
	key_of("ed", 14, ed);
	assert_true(ctl_swarm_view_knows_node(v, ed));
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed, &sw), -ENOENT);
	key_of("ed", 3, ed);
	assert_true(ctl_swarm_view_knows_node(v, ed));
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed, &sw), 0);
	assert_true(sw.n >= 5);
	key_of("ed", 99, ed);
	assert_false(ctl_swarm_view_knows_node(v, ed));
	ctl_swarm_view_free(v);
	/* a node the registry does not know */
	v = load(99);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.self_swarm, CTL_SWARM_VIEW_NO_SWARM);
	account_at(0, pk);
	assert_false(ctl_swarm_view_serves(v, pk));
	ctl_swarm_view_free(v);
}

static void
test_no_swarm(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t pk[33];
	char want[300];

	(void)state;
	append("# nothing yet\n");
	v = load(0);
	account_at(0, pk);
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), -ENOENT);
	assert_int_equal(sw.id, CTL_SWARM_VIEW_NO_SWARM);
	assert_int_equal(sw.n, 0);
	assert_false(ctl_swarm_view_serves(v, pk));
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_false(info.have_block);
	assert_int_equal(info.swarms, 0);
	snprintf(want, sizeof(want),
		 "registry %s loaded: block 0, 0 nodes (0 active), 0 swarms; this node: in no "
		 "swarm\n",
		 path);
	assert_string_equal(logged(), want);
	ctl_swarm_view_free(v);
}

static void
test_load_error(void **state)
{
	char err[512], want[300];
	uint8_t me[32] = {0};

	(void)state;
	append_register(0, 1);
	append("block 1 zz\n");
	assert_null(ctl_swarm_view_registry_load(path, me, 443, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2: bad block hash (64 hex digits)", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_null(ctl_swarm_view_registry_load(path, me, 443, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_string_equal(logged(), "");
}

static void
test_not_a_registry_view(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_node one = {.port = 1};
	struct event_base *base = event_base_new();
	struct ctl_swarm_view *v;
	bool reloaded = true;
	char err[200];

	(void)state;
	v = ctl_swarm_view_single(&one, 1, one.ed25519, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), -EINVAL);
	assert_false(reloaded);
	assert_null(ctl_swarm_view_registry_state(v));
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), -EINVAL);
	assert_int_equal(ctl_swarm_view_registry_watch(v, base), -EINVAL);
	assert_int_equal(ctl_swarm_view_registry_check(NULL, &reloaded), -EINVAL);
	ctl_swarm_view_free(v);
	event_base_free(base);
}

/* ---- reloads ---------------------------------------------------------- */

static void
test_check_reloads(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	bool reloaded = true;
	struct ctl_swarm sw;
	uint8_t pk[33];
	char want[400];
	const char *got;

	(void)state;
	for (int i = 0; i < 7; i++)
		append_register(i, 1);
	append_block(1);
	v = load(0);
	logged();
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_false(reloaded); /* unchanged */
	assert_string_equal(logged(), "");
	/* seven more: two swarms */
	for (int i = 7; i < 14; i++)
		append_register(i, 3);
	append_block(3);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(reloaded);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.swarms, 2);
	assert_int_equal(info.reloads, 1);
	assert_int_equal(info.height, 3);
	snprintf(want, sizeof(want),
		 "registry %s reloaded: block 3, 14 nodes (14 active), 2 swarms; this node: swarm "
		 "%" PRIx64 "\n",
		 path, info.self_swarm);
	assert_string_equal(logged(), want);
	/* a bad line: logged with its place, the swarms stay */
	append_change("recommission", 1, 4);
	append_block(4);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), -EINVAL);
	assert_false(reloaded);
	got = logged();
	snprintf(want, sizeof(want), "registry not reloaded: %s:17: recommission: node ", path);
	if (strncmp(got, want, strlen(want)) != 0 ||
	    strstr(got, " is not decommissioned; keeping block 3\n") == NULL)
		fail_msg("logged: %s", got);
	account_at(0x7fffffffffffffffULL, pk);
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
	assert_int_equal(sw.id, 0x7fffffffffffffffULL);
	/* reported once */
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_string_equal(logged(), "");
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.errors, 1);
	assert_int_equal(info.height, 3);
	ctl_swarm_view_free(v);
}

static void
count_reload(void *arg, const struct ctl_registry *reg)
{
	int *calls = arg;

	assert_int_equal(reg->height, 3);
	(*calls)++;
}

/* Reload listeners: each of the 4 is called once per reload, a 5th is refused. */
static void
test_reload_listeners(void **state)
{
	struct ctl_swarm_view *v;
	bool reloaded;
	int calls[CTL_SWARM_VIEW_RELOAD_LISTENERS + 1] = {0};

	(void)state;
	for (int i = 0; i < 7; i++)
		append_register(i, 1);
	append_block(1);
	v = load(0);
	for (int i = 0; i < CTL_SWARM_VIEW_RELOAD_LISTENERS; i++)
		assert_int_equal(ctl_swarm_view_registry_on_reload(v, count_reload, &calls[i]), 0);
	assert_int_equal(ctl_swarm_view_registry_on_reload(v, count_reload, &calls[4]), -ENOSPC);
	assert_int_equal(ctl_swarm_view_registry_on_reload(v, NULL, NULL), -EINVAL);
	append_register(7, 3);
	append_block(3);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(reloaded);
	for (int i = 0; i < CTL_SWARM_VIEW_RELOAD_LISTENERS; i++)
		assert_int_equal(calls[i], 1);
	assert_int_equal(calls[4], 0);
	ctl_swarm_view_free(v);
}

/* 14 nodes in two swarms; 10 leave: the assignment is refused, logged once. */
static void
test_refused_logged(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	bool reloaded;
	char want[400];
	const char *got;

	(void)state;
	append("option unverified-records\n");
	for (int i = 0; i < 14; i++)
		append_register(i, 1);
	append_block(1);
	v = load(13);
	logged();
	for (int i = 0; i < 10; i++)
		append_change("deregister", i, 2);
	append_block(2);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(reloaded);
	got = logged();
	snprintf(want, sizeof(want),
		 "registry %s: 1 swarm assignment(s) refused (fewer than 5 active nodes over "
		 "several swarms), the last at block 2: swarms kept\n",
		 path);
	if (strstr(got, want) == NULL)
		fail_msg("logged: %s", got);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.active, 4);
	assert_int_equal(info.swarms, 2); /* the four kept their two swarms */
	append_block(3);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(strstr(logged(), "refused") == NULL); /* not again */
	ctl_swarm_view_free(v);
}

static bool
reload_now(struct ctl_swarm_view *v)
{
	bool reloaded = false;

	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	return reloaded;
}

/*
 * Past layouts (hand-offs, docs/replication.md): a decommissioned node held its old swarm's
 * accounts (and only those) for CTL_SWARM_VIEW_PAST_HEIGHTS blocks after the block that
 * changed the swarms, not one more; reloads that change no swarm keep nothing; at most
 * CTL_SWARM_VIEW_PAST_LAYOUTS are kept.
 */
static void
test_past_layouts(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t ed13[32], ed0[32], mine[33], other[33];
	uint64_t h = 3;

	(void)state;
	append("option unverified-records\n");
	for (int i = 0; i < 14; i++)
		append_register(i, 1);
	append_block(1);
	v = load(0);
	key_of("ed", 13, ed13);
	key_of("ed", 0, ed0);
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed13, &sw), 0);
	account_at(sw.id, mine); /* the swarm's own point: held by it */
	account_at(sw.id == 0 ? 0x7fffffffffffffffULL : 0, other);
	assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, other));
	append_block(2); /* no swarm changes: nothing kept */
	assert_true(reload_now(v));
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.past, 0);
	append_change("decommission", 13, 3);
	append_block(3);
	assert_true(reload_now(v));
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.past, 1);
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed13, &sw), -ENOENT);
	for (; h <= 3 + CTL_SWARM_VIEW_PAST_HEIGHTS; h++) {
		if (h > 3) {
			append_block(h);
			assert_true(reload_now(v));
		}
		assert_true(ctl_swarm_view_held_recently(v, ed13, ed0, mine));
		assert_true(ctl_swarm_view_held_recently(v, ed13, ed0, NULL));
		assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, other));
	}
	append_block(h); /* one block more: forgotten */
	assert_true(reload_now(v));
	assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, mine));
	assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, NULL));
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.past, 0);
	/* five changes in a row: four kept, the first forgotten */
	for (int k = 0; k < 5; k++) {
		append_change(k % 2 == 0 ? "recommission" : "decommission", 13, ++h);
		append_block(h);
		assert_true(reload_now(v));
	}
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.past, CTL_SWARM_VIEW_PAST_LAYOUTS);
	/* node 13 is active now (recommissioned last): a member, in the current layout */
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed13, &sw), 0);
	ctl_swarm_view_free(v);
}

/* A deregistered node is not a past holder any more, though its old layout is kept. */
static void
test_past_layout_not_for_deregistered(void **state)
{
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t ed13[32], ed0[32], mine[33];

	(void)state;
	append("option unverified-records\n");
	for (int i = 0; i < 14; i++)
		append_register(i, 1);
	append_block(1);
	v = load(0);
	key_of("ed", 13, ed13);
	key_of("ed", 0, ed0);
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, ed13, &sw), 0);
	account_at(sw.id, mine);
	append_change("decommission", 13, 2);
	append_block(2);
	assert_true(reload_now(v));
	assert_true(ctl_swarm_view_held_recently(v, ed13, ed0, mine));
	append_change("deregister", 13, 3);
	append_block(3);
	assert_true(reload_now(v));
	assert_false(ctl_swarm_view_knows_node(v, ed13));
	assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, mine));
	assert_false(ctl_swarm_view_held_recently(v, ed13, ed0, NULL));
	ctl_swarm_view_free(v);
}

/* The timer notices a change within about a second, without any call. */
static void
test_timer(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct event_base *base = event_base_new();
	struct ctl_swarm_view *v;

	(void)state;
	for (int i = 0; i < 5; i++)
		append_register(i, 1);
	append_block(1);
	v = load(0);
	assert_int_equal(ctl_swarm_view_registry_watch(v, base), 0);
	assert_int_equal(ctl_swarm_view_registry_watch(v, base), -EINVAL); /* once */
	append_register(5, 2);
	append_block(2);
	for (int waited = 0; waited < 50; waited++) { /* up to 5 s */
		struct timeval tick = {0, 100000};

		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
		assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
		if (info.reloads > 0)
			break;
	}
	assert_int_equal(info.reloads, 1);
	assert_int_equal(info.nodes, 6);
	ctl_swarm_view_free(v); /* frees the timer */
	event_base_free(base);
}

static void
test_alloc_failures(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v = NULL;
	bool reloaded;
	char err[512], want[300];
	uint8_t me[32];
	int k, rc;

	(void)state;
	write_network();
	key_of("ed", 3, me);
	snprintf(want, sizeof(want), "%s: out of memory", path);
	/* every allocation of a load fails in turn: a clean refusal each time */
	for (k = 1; v == NULL; k++) {
		alloc_calls = 0;
		alloc_fail_at = k;
		v = ctl_swarm_view_registry_load(path, me, 443, err, sizeof(err));
		alloc_fail_at = 0;
		if (v == NULL && strstr(err, "memory") == NULL)
			fail_msg("allocation %d: %s", k, err);
		assert_true(k < 100);
	}
	assert_true(k > 8); /* view, state, reader, nodes, workspaces, layout */
	logged();
	/* and of a reload: the old swarms stay, the next look tries again */
	append_register(20, 3);
	append_block(3);
	for (k = 1;; k++) {
		alloc_calls = 0;
		alloc_fail_at = k;
		rc = ctl_swarm_view_registry_check(v, &reloaded);
		alloc_fail_at = 0;
		if (rc == 0)
			break;
		assert_int_equal(rc, -ENOMEM);
		assert_false(reloaded);
		assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
		assert_int_equal(info.nodes, info.height == 3 ? 16 : 15);
		assert_int_equal(info.swarms, 2);
		assert_non_null(strstr(logged(), "memory"));
		assert_true(k < 100);
	}
	assert_true(reloaded);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.nodes, 16);
	assert_int_equal(info.errors, (uint64_t)k - 1);
	ctl_swarm_view_free(v);
}

/* ---- through the storage RPC ------------------------------------------ */

static uint64_t
fx_now(void *arg)
{
	return ((struct rpc_fx *)arg)->now;
}

static int
rpc_group_up(void **state)
{
	(void)state;
	return fx_redis_up(&fx);
}

static int
rpc_group_down(void **state)
{
	(void)state;
	fx_redis_down(&fx);
	return 0;
}

/* The fixture's server, rebuilt over a registry view of 14 nodes of which
 * this node is one: two swarms. */
static void
rpc_over_registry(void)
{
	struct ctl_rpc_server_conf conf = {0};
	char err[512];

	assert_int_equal(fx_server_up(&fx, NULL), 0);
	ctl_rpc_server_free(fx.srv);
	ctl_swarm_view_free(fx.view);
	for (int i = 0; i < 13; i++) {
		uint8_t pk[32], sk[64], x[32];

		crypto_sign_keypair(pk, sk);
		assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(x, pk), 0);
		append_register_keys(pk, x, i, 1);
	}
	{
		uint8_t x[32];

		assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(x, fx.node_pk), 0);
		append_register_keys(fx.node_pk, x, 13, 1);
	}
	append_block(1);
	fx.view = ctl_swarm_view_registry_load(path, fx.node_pk, 22021, err, sizeof(err));
	if (fx.view == NULL)
		fail_msg("%s", err);
	conf.ed25519_sk = fx.node_sk;
	conf.store = fx.st;
	conf.swarm = fx.view;
	conf.now_ms = fx_now;
	conf.now_arg = &fx;
	conf.version[0] = 2;
	conf.version[1] = 11;
	conf.version[2] = 3;
	conf.hf[0] = 21;
	conf.hf[1] = 1;
	fx.srv = ctl_rpc_server_new(&conf, err, sizeof(err));
	assert_non_null(fx.srv);
}

/* A 05 account whose swarm is (or is not) this node's. */
static void
account_in(bool mine, uint64_t self_swarm, struct acct *a)
{
	for (int tries = 0; tries < 200; tries++) {
		uint8_t pk[33];
		struct ctl_swarm sw;

		acct_make(a, 0x05);
		sodium_hex2bin(pk, 33, a->pubkey, 66, NULL, NULL, NULL);
		assert_int_equal(ctl_swarm_view_swarm_of(fx.view, pk, &sw), 0);
		if ((sw.id == self_swarm) == mine)
			return;
	}
	fail_msg("no account found");
}

static json_t *
unsigned_store(const struct acct *a)
{
	return json_pack("{sssIsIss}", "pubkey", a->pubkey, "timestamp", (json_int_t)fx.now, "ttl",
			 (json_int_t)100000, "data", "aGVsbG8=");
}

static void
test_rpc_misdirected_421(void **state)
{
	const struct ctl_registry_node *want[CTL_REGISTRY_NODES_MAX];
	struct ctl_swarm_view_registry_info info;
	const struct ctl_registry *reg;
	struct acct other, mine;
	struct answer r;
	uint64_t other_id;
	char id_hex[20];
	size_t n;
	json_t *snodes;

	(void)state;
	rpc_over_registry();
	assert_int_equal(ctl_swarm_view_registry_info(fx.view, &info), 0);
	assert_int_equal(info.swarms, 2);
	assert_int_not_equal(info.self_swarm, CTL_SWARM_VIEW_NO_SWARM);
	other_id = info.self_swarm == 0 ? 0x7fffffffffffffffULL : 0;
	account_in(false, info.self_swarm, &other);
	account_in(true, info.self_swarm, &mine);

	/* another swarm's account: 421 naming that swarm and its members */
	fx_expect(&fx, 421, "store", unsigned_store(&other), &r);
	assert_true(r.json);
	snprintf(id_hex, sizeof(id_hex), "%" PRIx64, other_id);
	assert_string_equal(json_string_value(json_object_get(r.j, "swarm")), id_hex);
	reg = ctl_swarm_view_registry_state(fx.view);
	n = members_of(reg, other_id, want);
	snodes = json_object_get(r.j, "snodes");
	assert_int_equal(json_array_size(snodes), n);
	assert_true(n == 7);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(snodes, i);
		char ed[65], x[65], ip[20];

		sodium_bin2hex(ed, sizeof(ed), want[i]->ed25519, 32);
		sodium_bin2hex(x, sizeof(x), want[i]->x25519, 32);
		snprintf(ip, sizeof(ip), "10.0.0.%u", want[i]->ip & 0xff);
		assert_string_equal(json_string_value(json_object_get(e, "pubkey_ed25519")), ed);
		assert_string_equal(json_string_value(json_object_get(e, "pubkey_x25519")), x);
		assert_string_equal(json_string_value(json_object_get(e, "ip")), ip);
		assert_int_equal(json_integer_value(json_object_get(e, "port_omq")), want[i]->port);
		assert_int_equal(json_integer_value(json_object_get(e, "port_https")), 22021);
		assert_string_equal(json_string_value(json_object_get(e, "port")), "22021");
		assert_memory_not_equal(want[i]->ed25519, fx.node_pk, 32); /* not this node */
	}
	answer_free(&r);
	/* get_swarm names the same swarm */
	fx_expect(&fx, 200, "get_swarm", json_pack("{ss}", "pubkey", other.pubkey), &r);
	assert_string_equal(json_string_value(json_object_get(r.j, "swarm")), id_hex);
	assert_int_equal(json_array_size(json_object_get(r.j, "snodes")), n);
	answer_free(&r);
	/* this swarm's account: stored here */
	fx_expect(&fx, 200, "store", unsigned_store(&mine), &r);
	assert_non_null(json_object_get(fx_mine(&fx, r.j), "hash"));
	answer_free(&r);
	fx_server_down(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_swarms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decommissioned_and_unknown_self, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_swarm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_registry_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_listeners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_layouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_layout_not_for_deregistered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpc_misdirected_421, setup, teardown),
	};

	/* one redis-server for the binary (the RPC case needs it) */
	return cmocka_run_group_tests_name("swarm_view_registry", tests, rpc_group_up,
					   rpc_group_down);
}
