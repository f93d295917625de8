/* SPDX-License-Identifier: MIT */
/*
 * Swarm changes (control/catchup*.c) with four nodes in one process over a
 * real redis-server, each with a swarm view the test switches between
 * layouts (what a registry reload does): swarm A = {0, 1} holds accounts
 * whose key byte 1 is odd, swarm B = {2} the even ones; node 3 is in no
 * swarm. Checks: when B dissolves (its accounts go to A, node 2 to a new
 * swarm C), node 2 hands every record to a member of A, which stores it,
 * and erases it (also the one A had deleted: tombstoned there); with no
 * member of A reachable it keeps them; a node that joins A pulls A's records;
 * a push from a node in no swarm is refused.
 */
#include <event2/event.h>
#include <sodium.h>

#include "bulk.h"
#include "catchup.h"
#include "msg_hash.h"
#include "catchup_net.h"
#include "sync_page.h"
#include "test_common_ctl.h"

enum {
	N = CU_N,
	N_MSGS = 40,
	DAY_MS = 86400000
};

_Static_assert((int)N_MSGS <= (int)CU_DATA_SLOTS, "cu_msg keeps every body");

static int layout = 1; /* 1: A={0,1} B={2}; 2: A={0,1} (all accounts) C={2}; 3: A={0,1,3} C={2} */
static struct ctl_swarm_node members[N];

static uint64_t pinned; /* node 0's clock when not 0 */

static uint64_t
clock0(void *arg)
{
	(void)arg;
	return pinned != 0 ? pinned : fx_wall_ms();
}

/* ---- the test's swarm view: swarms by layout ---- */

/* Node i's swarm id in the current layout (NO_SWARM: none). */
static uint64_t
swarm_of_idx(int i)
{
	if (i <= 1)
		return 1;
	if (i == 2)
		return layout == 1 ? 2 : 3;
	return layout == 3 ? 1 : CTL_SWARM_VIEW_NO_SWARM;
}

static void
fill(uint64_t id, struct ctl_swarm *out)
{
	static struct ctl_swarm_node list[3][N];
	size_t n = 0;

	for (int i = 0; i < N; i++)
		if (swarm_of_idx(i) == id)
			list[id - 1][n++] = members[i];
	out->id = id;
	out->nodes = list[id - 1];
	out->n = n;
}

static int
v_swarm_of(const void *impl, const uint8_t *pubkey, struct ctl_swarm *out)
{
	(void)impl;
	fill(layout == 1 && pubkey[1] % 2 == 0 ? 2 : 1, out);
	return 0;
}

static int
v_swarm_of_node(const void *impl, const uint8_t ed25519[32], struct ctl_swarm *out)
{
	(void)impl;
	for (int i = 0; i < N; i++)
		if (memcmp(members[i].ed25519, ed25519, 32) == 0 &&
		    swarm_of_idx(i) != CTL_SWARM_VIEW_NO_SWARM) {
			fill(swarm_of_idx(i), out);
			return 0;
		}
	return -ENOENT;
}

static bool
v_serves(const void *impl, const uint8_t *pubkey)
{
	struct ctl_swarm sw;

	v_swarm_of(impl, pubkey, &sw);
	return swarm_of_idx(*(const int *)impl) == sw.id;
}

/* Node 3 is unknown (not registered) in layout 1. */
static bool
v_knows_node(const void *impl, const uint8_t ed25519[32])
{
	(void)impl;
	for (int i = 0; i < N; i++)
		if (memcmp(members[i].ed25519, ed25519, 32) == 0)
			return i < 3 || layout != 1;
	return false;
}

/* From layout 2 on, node 2 held B's (even) accounts before: it may hand them off. */
static bool
v_held_before(const void *impl, const uint8_t ed25519[32], const uint8_t *pubkey)
{
	(void)impl;
	return layout != 1 && memcmp(members[2].ed25519, ed25519, 32) == 0 &&
	       (pubkey == NULL || pubkey[1] % 2 == 0);
}

static void
v_free(void *impl)
{
	free(impl);
}

static const struct ctl_swarm_view_ops layout_ops = {
	.swarm_of = v_swarm_of,
	.serves = v_serves,
	.swarm_of_node = v_swarm_of_node,
	.knows_node = v_knows_node,
	.held_before = v_held_before,
	.free = v_free,
};

static struct ctl_swarm_view *
layout_view(int self)
{
	struct ctl_swarm_view *v = calloc(1, sizeof(*v));
	int *impl = malloc(sizeof(*impl));

	assert_non_null(v);
	assert_non_null(impl);
	*impl = self;
	v->ops = &layout_ops;
	v->impl = impl;
	return v;
}

static void
node_up(int i)
{
	struct ctl_catchup_conf cc = {.call_timeout_ms = 1500, .drop_retry_ms = 1};

	if (i == 0)
		cc.now_ms = clock0;
	cu_node_up(i, 'h', layout_view(i), &cc);
}

static int
setup(void **state)
{
	(void)state;
	if (cu_net_up() != 0)
		return -1;
	for (int i = 0; i < N; i++) {
		memset(&members[i], 0, sizeof(members[i]));
		memcpy(members[i].ed25519, nodes[i].id.ed25519_pk, 32);
	}
	for (int i = 0; i < N; i++)
		node_up(i);
	return 0;
}

struct codes_wait {
	bool done;
	uint8_t status, codes[16];
	size_t n;
};

static void
on_codes(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct codes_wait *w = arg;

	assert_int_equal(rc, 0);
	assert_int_equal(ctl_sync_codes_decode(body, len, &w->status, w->codes, 16, &w->n), 0);
	w->done = true;
}

static void
push_from(int from, const struct store_msg *recs, size_t n, struct codes_wait *w)
{
	uint8_t *body;
	size_t len;
	uint64_t id;

	memset(w, 0, sizeof(*w));
	assert_int_equal(ctl_sync_push_encode(recs, n, &body, &len), 0);
	assert_int_equal(ctl_drpc_call(nodes[from].d, nodes[0].id.ed25519_pk, body, len, 1500,
				       on_codes, w, &id),
			 0);
	free(body);
	assert_true(redis_test_loop_until(fx.base, &w->done, FX_WAIT_MS));
}

/* B's tombstone and revocation list (accounts even: B's until it dissolves). */
static struct store_msg gone_msg; /* deleted at node 2 (B) */
static uint8_t rev_acct[33];	  /* its list: token X revoked, Y unrevoked */
static uint8_t tok_x[36], tok_y[36];

struct scan_wait {
	bool done;
	uint64_t next;
	size_t n;
	bool tomb, x_listed, y_unrevoked; /* B's tombstone and list seen */
	size_t tombs, lists;
};

static void
on_scan(void *arg, const struct store_status *st, uint64_t next, const struct store_bulk_page *page)
{
	struct scan_wait *w = arg;

	assert_int_equal(st->rc, 0);
	w->next = next;
	w->n += page->n; /* messages only */
	w->tombs += page->n_tombs;
	w->lists += page->n_revs;
	for (size_t i = 0; i < page->n_tombs; i++)
		w->tomb |= strcmp(page->tombs[i].hash, gone_msg.hash) == 0;
	for (size_t i = 0; i < page->n_revs; i++) {
		const struct store_revs *r = &page->revs[i];

		if (memcmp(r->pubkey, rev_acct, 33) != 0)
			continue;
		w->x_listed = r->n == 1 && memcmp(r->tokens[0], tok_x, 36) == 0;
		w->y_unrevoked = r->n_un == 1 && memcmp(r->un_tokens[0], tok_y, 36) == 0;
	}
	w->done = true;
}

/* Live records in node's store (w: what else the scan saw). */
static size_t
scan_node(int node, struct scan_wait *out)
{
	struct scan_wait w = {0};

	do {
		w.done = false;
		assert_int_equal(store_bulk_scan(nodes[node].st, w.next, STORE_BULK_RECORDS_MAX,
						 1 << 30, (int64_t)fx_wall_ms(), on_scan, &w),
				 0);
		assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	} while (w.next != 0);
	if (out != NULL)
		*out = w;
	return w.n;
}

static size_t
count(int node)
{
	return scan_node(node, NULL);
}

static void
on_revoked(void *arg, const struct store_status *st, uint64_t count)
{
	(void)count;
	assert_int_equal(st->rc, 0);
	*(bool *)arg = true;
}

/* Node 2 (B) deleted gone_msg (a tombstone), revoked X, revoked and unrevoked Y. */
static void
b_tombstone_and_list(void)
{
	struct store_tomb t = {0};
	struct store_bulk_page p = {.tombs = &t, .n_tombs = 1};
	struct cu_put_wait w = {0};
	bool done = false;

	cu_msg(&gone_msg, 0, 3, (int64_t)fx_wall_ms() + DAY_MS);
	gone_msg.pubkey[1] = 100; /* even: B's */
	snc_msg_hash_compute(gone_msg.pubkey, 3, gone_msg.data, gone_msg.len, gone_msg.hash);
	memcpy(t.pubkey, gone_msg.pubkey, 33);
	strcpy(t.hash, gone_msg.hash);
	t.ns = 3;
	t.deleted_ms = (int64_t)fx_wall_ms();
	t.until_ms = gone_msg.expiry_ms;
	assert_int_equal(store_bulk_put_page(nodes[2].st, &p, (int64_t)fx_wall_ms(), cu_on_put, &w),
			 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	memset(rev_acct, 0x22, 33);
	rev_acct[0] = 0x03;
	rev_acct[1] = 102; /* even: B's */
	memset(tok_x, 'x', 36);
	memset(tok_y, 'y', 36);
	assert_int_equal(store_revoke_add(nodes[2].st, rev_acct, tok_x, 1, on_revoked, &done), 0);
	assert_true(redis_test_loop_until(fx.base, &done, FX_WAIT_MS));
	done = false;
	assert_int_equal(store_revoke_add(nodes[2].st, rev_acct, tok_y, 1, on_revoked, &done), 0);
	assert_true(redis_test_loop_until(fx.base, &done, FX_WAIT_MS));
	done = false;
	assert_int_equal(store_revoke_remove(nodes[2].st, rev_acct, tok_y, 1, on_revoked, &done),
			 0);
	assert_true(redis_test_loop_until(fx.base, &done, FX_WAIT_MS));
}

/* Ticks node i once and runs the loop until its catch-up is idle. */
static void
tick_until_idle(int i)
{
	ctl_catchup_tick(nodes[i].cu);
	for (int w = 0; w < FX_WAIT_MS && ctl_catchup_busy(nodes[i].cu); w += 5)
		redis_test_loop_for(fx.base, 5);
	assert_false(ctl_catchup_busy(nodes[i].cu));
}

static void
reach_all(bool r)
{
	for (int i = 0; i < N; i++)
		reach[i] = r;
}

static struct store_msg m[N_MSGS];

static void
on_refused(void *arg, int rc, const uint8_t *body, size_t len)
{
	uint8_t status = 0, codes[4];
	size_t n;

	assert_int_equal(rc, 0);
	assert_int_equal(ctl_sync_codes_decode(body, len, &status, codes, 4, &n), 0);
	assert_int_equal(status, CTL_SYNC_NOT_MEMBER);
	*(bool *)arg = true;
}

/* Layout 1: A's accounts (odd) on 0 and 1, B's (even) on 2; the start-up passes change nothing. */
static void
test_start(void **state)
{
	struct store_msg odd[N_MSGS], even[N_MSGS];
	size_t no = 0, ne = 0;
	struct ctl_catchup_stats s;

	(void)state;
	for (int i = 0; i < N_MSGS; i++) {
		cu_msg(&m[i], i, i % 2, (int64_t)fx_wall_ms() + DAY_MS);
		m[i].pubkey[1] = (uint8_t)i; /* its parity picks the swarm */
		snc_msg_hash_compute(m[i].pubkey, m[i].ns, m[i].data, m[i].len, m[i].hash);
		if (i % 2)
			odd[no++] = m[i];
		else
			even[ne++] = m[i];
	}
	cu_put(0, odd, no);
	cu_put(1, odd, no);
	cu_put(2, even, ne);
	b_tombstone_and_list();
	reach_all(true);
	for (int i = 0; i < N; i++)
		tick_until_idle(i); /* pulls (nothing new) and erase passes (nothing to erase) */
	for (int i = 0; i < N; i++)
		tick_until_idle(i); /* erase passes wait for the pulls */
	assert_int_equal(count(0), N_MSGS / 2);
	assert_int_equal(count(2), N_MSGS / 2);
	ctl_catchup_stats(nodes[2].cu, &s);
	assert_int_equal(s.drop_passes, 1);
	assert_int_equal(s.handed_off + s.kept, 0);
}

/* Layout 2: B dissolves. With no member of A reachable node 2 keeps everything. */
static void
test_dissolve_unreachable_keeps(void **state)
{
	struct ctl_catchup_stats s;

	(void)state;
	layout = 2;
	reach_all(false);
	tick_until_idle(2);
	tick_until_idle(2);
	ctl_catchup_stats(nodes[2].cu, &s);
	assert_true(s.drop_passes >= 2); /* it runs again after drop_retry_ms (1 ms here) */
	assert_true(s.kept >= N_MSGS / 2);
	assert_int_equal(s.handed_off, 0);
	assert_int_equal(count(2), N_MSGS / 2);
}

/* A deleted m[0] (node 2's) while it was not A's: a tombstone on nodes 0 and 1. */
static void
tombstone_first(void)
{
	struct store_tomb t = {0};
	struct store_bulk_page p = {.tombs = &t, .n_tombs = 1};

	memcpy(t.pubkey, m[0].pubkey, 33);
	strcpy(t.hash, m[0].hash);
	t.ns = m[0].ns;
	t.deleted_ms = (int64_t)fx_wall_ms();
	t.until_ms = m[0].expiry_ms;
	for (int i = 0; i < 2; i++) {
		struct cu_put_wait w = {0};

		assert_int_equal(
			store_bulk_put_page(nodes[i].st, &p, (int64_t)fx_wall_ms(), cu_on_put, &w),
			0);
		assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
		assert_int_equal(w.codes[0], STORE_BULK_TOMB_RECORDED);
	}
}

/* The pass runs again (drop_retry_ms) and hands them to A, which stores them; node 2 erases
 * all, the one A refuses as deleted (tombstoned) too. B's tombstone and revocation list (with
 * its unrevocation) go with them in the same push, are merged at node 0 and erased at node 2:
 * a stale copy of the message B deleted is refused by A afterwards. */
static void
test_dissolve_hands_off(void **state)
{
	struct ctl_catchup_stats s, a0, a1, before;
	struct scan_wait sw0, sw2;
	struct codes_wait cw;

	(void)state;
	ctl_catchup_stats(nodes[2].cu, &before);
	tombstone_first();
	reach_all(true);
	redis_test_loop_for(fx.base, 5); /* past drop_retry_ms */
	tick_until_idle(2);
	ctl_catchup_stats(nodes[2].cu, &s);
	assert_int_equal(s.handed_off, N_MSGS / 2 + 2); /* and B's tombstone and list */
	assert_int_equal(s.dropped, N_MSGS / 2 + 2);
	assert_int_equal(s.pushes_failed, 0);
	assert_int_equal(count(2), 0);
	ctl_catchup_stats(nodes[0].cu, &a0);
	ctl_catchup_stats(nodes[1].cu, &a1);
	assert_int_equal(s.kept, before.kept); /* the tombstoned one is not kept either */
	assert_int_equal(a0.pushes_received + a1.pushes_received, 1); /* one swarm: one batch */
	assert_int_equal(a0.inserted + a1.inserted, N_MSGS / 2 - 1);
	assert_int_equal(a0.tombstoned + a1.tombstoned, 1);
	/* the member that took them holds A's and B's records now, but the deleted one */
	assert_int_equal(count(0) + count(1), N_MSGS / 2 * 3 - 1);
	assert_int_equal(a0.tombs_recorded, 1);
	assert_int_equal(a0.revocations_added, 1);
	scan_node(0, &sw0);
	assert_true(sw0.tomb && sw0.x_listed && sw0.y_unrevoked);
	scan_node(2, &sw2);
	assert_int_equal(sw2.tombs + sw2.lists, 0);
	/* a stale copy of what B deleted does not come back */
	gone_msg.expiry_set_ms = gone_msg.timestamp_ms;
	push_from(2, &gone_msg, 1, &cw);
	assert_int_equal(cw.status, CTL_SYNC_OK);
	assert_int_equal(cw.codes[0], STORE_BULK_TOMBSTONED);
}

/* Layout 3: node 3 joins A and pulls everything A holds. */
static void
test_join_pulls(void **state)
{
	struct ctl_catchup_stats s;

	(void)state;
	layout = 3;
	/* node 1 first pulls what node 0 got from node 2 */
	reach_all(false);
	reach[0] = true;
	ctl_catchup_need(nodes[1].cu);
	tick_until_idle(1);
	/* node 3 joined A (its swarm id changed): it pulls from node 1 */
	reach[0] = false;
	reach[1] = true;
	tick_until_idle(3);
	ctl_catchup_stats(nodes[3].cu, &s);
	assert_true(s.pulls_done >= 1);
	assert_int_equal(count(3), N_MSGS - 1); /* m[0] was deleted in A */
	assert_int_equal(count(1), N_MSGS - 1);
}

/* A push from a node the view does not know is refused and nothing is stored. */
static void
test_push_from_outsider(void **state)
{
	struct ctl_catchup_stats before, after;
	uint8_t *body;
	size_t len;
	uint64_t id;
	bool done = false;

	(void)state;
	layout = 1; /* node 3 is unknown again */
	ctl_catchup_stats(nodes[0].cu, &before);
	assert_int_equal(ctl_sync_push_encode(m, 2, &body, &len), 0);
	assert_int_equal(ctl_drpc_call(nodes[3].d, nodes[0].id.ed25519_pk, body, len, 1500,
				       on_refused, &done, &id),
			 0);
	free(body);
	assert_true(redis_test_loop_until(fx.base, &done, FX_WAIT_MS));
	ctl_catchup_stats(nodes[0].cu, &after);
	assert_int_equal(after.pushes_refused, before.pushes_refused + 1);
	assert_int_equal(after.inserted, before.inserted);
}

/* A record for the bounds test: account byte 1 = acct (even: B's), its own data. */
static void
bound_rec(struct store_msg *r, int k, uint8_t acct, int32_t ns, int64_t ts, int64_t es,
	  int64_t expiry)
{
	static char text[16][24];

	memset(r, 0, sizeof(*r));
	r->pubkey[0] = 0x05;
	memset(r->pubkey + 1, 0x40 + k, 32);
	r->pubkey[1] = acct;
	snprintf(text[k], sizeof(text[k]), "bounds %d", k);
	r->data = (const uint8_t *)text[k];
	r->len = strlen(text[k]);
	r->ns = ns;
	r->timestamp_ms = ts;
	r->expiry_set_ms = es;
	r->expiry_ms = expiry;
	snc_msg_hash_compute(r->pubkey, ns, r->data, r->len, r->hash);
}

/*
 * Layout 2: node 2 held B's accounts before, so its push of them is taken, each record within
 * the push bounds at their edges (times <= now + 10 s; expiry <= timestamp + the namespace's
 * TTL + 10 s, or expiry set again later + 30 days + 10 s); a record of A's accounts (never
 * node 2's) is refused; a node that was in no swarm (3) is refused as a whole.
 */
static void
test_push_bounds(void **state)
{
	const int64_t tol = 10000, d14 = 14LL * DAY_MS, d30 = 30LL * DAY_MS;
	struct ctl_catchup_stats before, after;
	struct store_msg r[11];
	struct codes_wait w;
	int64_t now;

	(void)state;
	layout = 2;
	pinned = fx_wall_ms();
	now = (int64_t)pinned;
	bound_rec(&r[0], 0, 2, 1, now + tol, now, now + DAY_MS);	  /* ts at the edge */
	bound_rec(&r[1], 1, 2, 1, now + tol + 1, now, now + DAY_MS);	  /* too new */
	bound_rec(&r[2], 2, 2, 1, now, now + tol + 1, now + DAY_MS);	  /* es too new */
	bound_rec(&r[3], 3, 4, 0, now - 5, now - 5, now - 5 + d14 + tol); /* public, edge */
	bound_rec(&r[4], 4, 4, 0, now - 5, now - 5, now - 5 + d14 + tol + 1);
	bound_rec(&r[5], 5, 4, 1, now - 5, now - 5, now - 5 + d30 + tol); /* private, edge */
	bound_rec(&r[6], 6, 4, 1, now - 5, now - 5, now - 5 + d30 + tol + 1);
	bound_rec(&r[7], 7, 6, 0, now - DAY_MS, now, now + d30 + tol); /* set again, edge */
	bound_rec(&r[8], 8, 6, 0, now - DAY_MS, now, now + d30 + tol + 1);
	bound_rec(&r[9], 9, 3, 1, now, now, now + DAY_MS); /* A's: not node 2's */
	/* set within 10 s of its store: the namespace's 14 days hold */
	bound_rec(&r[10], 10, 6, 0, now - DAY_MS, now - DAY_MS + tol, now - DAY_MS + d14 + tol + 1);
	ctl_catchup_stats(nodes[0].cu, &before);
	push_from(2, r, 11, &w);
	assert_int_equal(w.status, CTL_SYNC_OK);
	assert_int_equal(w.n, 11);
	{
		const uint8_t want[11] = {0, 9, 9, 0, 9, 0, 9, 0, 9, 9, 9};

		for (int i = 0; i < 11; i++)
			if (w.codes[i] != want[i])
				fail_msg("record %d: code %u, want %u", i, w.codes[i], want[i]);
	}
	ctl_catchup_stats(nodes[0].cu, &after);
	assert_int_equal(after.push_too_new - before.push_too_new, 2);
	assert_int_equal(after.push_ttl - before.push_ttl, 4);
	assert_int_equal(after.push_not_holder - before.push_not_holder, 1);
	assert_int_equal(after.inserted - before.inserted, 4);
	/* tombstones and lists: deleted / stamped at now + 10 s taken, 1 ms later refused; a
	 * tombstone ending 30 days + 10 s after its deletion taken, 1 ms later refused; a list of
	 * an account node 2 never held refused */
	{
		static struct store_tomb t[4];
		static struct store_revs l[3];
		struct store_bulk_page pg = {.tombs = t, .n_tombs = 4, .revs = l, .n_revs = 3};
		const uint8_t want[7] = {1, 9, 1, 9, 0, 9, 9};
		const int64_t dt[4] = {now + tol, now + tol + 1, now, now};
		const int64_t until[4] = {now + DAY_MS, now + DAY_MS, now + d30 + tol,
					  now + d30 + tol + 1};
		uint8_t *body;
		size_t len;
		uint64_t id;

		for (int i = 0; i < 4; i++) {
			bound_rec(&r[0], 11 + i, 8, 1, now, now, now + DAY_MS);
			memcpy(t[i].pubkey, r[0].pubkey, 33);
			strcpy(t[i].hash, r[0].hash);
			t[i].ns = 1;
			t[i].deleted_ms = dt[i];
			t[i].until_ms = until[i];
		}
		for (int i = 0; i < 3; i++) {
			memset(&l[i], 0, sizeof(l[i]));
			l[i].pubkey[0] = 0x03;
			memset(l[i].pubkey + 1, 0x60 + i, 32);
			l[i].pubkey[1] = i == 2 ? 9 : 10; /* 9: A's */
			l[i].n = 1;
			memset(l[i].tokens[0], 0x70 + i, 36);
			l[i].stamps[0] = (now + tol + (i == 1)) * 1000 + 999;
		}
		ctl_catchup_stats(nodes[0].cu, &before);
		memset(&w, 0, sizeof(w));
		assert_int_equal(ctl_sync_push_encode_page(&pg, &body, &len), 0);
		assert_int_equal(ctl_drpc_call(nodes[2].d, nodes[0].id.ed25519_pk, body, len, 1500,
					       on_codes, &w, &id),
				 0);
		free(body);
		assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
		assert_int_equal(w.status, CTL_SYNC_OK);
		assert_int_equal(w.n, 7);
		for (int i = 0; i < 7; i++)
			if (w.codes[i] != want[i])
				fail_msg("entry %d: code %u, want %u", i, w.codes[i], want[i]);
		ctl_catchup_stats(nodes[0].cu, &after);
		assert_int_equal(after.push_too_new - before.push_too_new, 2);
		assert_int_equal(after.push_ttl - before.push_ttl, 1);
		assert_int_equal(after.push_not_holder - before.push_not_holder, 1);
		assert_int_equal(after.tombs_recorded - before.tombs_recorded, 2);
		assert_int_equal(after.revocations_added - before.revocations_added, 1);
	}
	/* node 3 was in no swarm: the whole push refused */
	push_from(3, r, 1, &w);
	assert_int_equal(w.status, CTL_SYNC_NOT_MEMBER);
	ctl_catchup_stats(nodes[0].cu, &before);
	assert_int_equal(before.pushes_refused - after.pushes_refused, 1);
	assert_int_equal(before.push_not_holder - after.push_not_holder, 1);
	pinned = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_dissolve_unreachable_keeps),
		cmocka_unit_test(test_dissolve_hands_off),
		cmocka_unit_test(test_join_pulls),
		cmocka_unit_test(test_push_from_outsider),
		cmocka_unit_test(test_push_bounds),
	};

	return cmocka_run_group_tests(tests, setup, cu_net_down);
}
