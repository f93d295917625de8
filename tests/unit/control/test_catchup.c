/* SPDX-License-Identifier: MIT */
/*
 * control/catchup*.c with three swarm members and one outsider in one process
 * over a real redis-server (one key prefix per node): each has its own store,
 * swarm view (the same three members), direct_rpc and catch-up; DIRECT cells
 * go through an in-memory queue delivered from the event loop. Checks: a pull
 * over many pages copies every live record (fields kept) and counts pages and
 * records on both sides; a second pull inserts nothing; records with a wrong
 * hash or an expiry too far ahead are refused; expired ones are not sent; an
 * outsider and a malformed request are refused; no reachable peer means no
 * pull; a silent peer fails the pull and the next tick starts again; losing
 * most peers marks a pull as needed; freeing with a pull in flight is clean.
 * Tombstones and revocation lists travel in pages: a record deleted at node
 * 0 goes from node 1 by its pull, node 0 refuses node 1's copy before that,
 * a revoked token is added; a version-1 request is refused and counted.
 */
#include <event2/event.h>
#include <sodium.h>

#include "bulk.h"
#include "catchup.h"
#include "catchup_int.h"
#include "msg_hash.h"
#include "revoke.h"
#include "catchup_net.h"
#include "sync_page.h"
#include "test_common_ctl.h"

enum {
	N = CU_N,
	OUT = 3,
	N_MSGS = 300,
	PAGE = 64,
	DAY_MS = 86400000
};

_Static_assert((int)N_MSGS <= (int)CU_DATA_SLOTS, "cu_msg keeps every body");

static uint64_t skew; /* added to the catch-up's clock: moves past retry delays */

static uint64_t
clock_ms(void *arg)
{
	(void)arg;
	return fx_wall_ms() + skew;
}

static void
node_up(int i, const struct ctl_swarm_node *members)
{
	struct ctl_catchup_conf cc = {
		.now_ms = clock_ms, .page_records = PAGE, .call_timeout_ms = 1500};
	char err[256];

	cu_node_up(i, 'c',
		   ctl_swarm_view_single(members, 3, nodes[i].id.ed25519_pk, err, sizeof(err)),
		   &cc);
}

static int
setup(void **state)
{
	struct ctl_swarm_node members[3];

	(void)state;
	if (cu_net_up() != 0)
		return -1;
	memset(members, 0, sizeof(members));
	for (int i = 0; i < 3; i++)
		memcpy(members[i].ed25519, nodes[i].id.ed25519_pk, 32);
	for (int i = 0; i < N; i++) /* node OUT is in no swarm of the members' views */
		node_up(i, members);
	return 0;
}

struct scan_wait {
	bool done;
	uint64_t next;
	size_t n;
};

static void
on_scan(void *arg, const struct store_status *st, uint64_t next, const struct store_bulk_page *page)
{
	struct scan_wait *w = arg;

	assert_int_equal(st->rc, 0);
	w->next = next;
	w->n += page->n; /* messages only */
	w->done = true;
}

/* Live records in node's store. */
static size_t
count(int node)
{
	struct scan_wait w = {0};

	do {
		w.done = false;
		assert_int_equal(store_bulk_scan(nodes[node].st, w.next, STORE_BULK_RECORDS_MAX,
						 1 << 30, (int64_t)fx_wall_ms(), on_scan, &w),
				 0);
		assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	} while (w.next != 0);
	return w.n;
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
reach_only(int who)
{
	for (int i = 0; i < N; i++)
		reach[i] = i == who;
}

/* Node 1 pulls N_MSGS records of node 0 over several pages; a second pull inserts nothing. */
static void
test_pull_pages(void **state)
{
	static struct store_msg m[N_MSGS];
	struct ctl_catchup_stats a, b;

	(void)state;
	for (int i = 0; i < N_MSGS; i++)
		cu_msg(&m[i], i, i % 3 == 0 ? -5 : i % 3, (int64_t)fx_wall_ms() + DAY_MS + i);
	cu_put(0, m, N_MSGS);
	reach_only(0);
	assert_true(ctl_catchup_needed(nodes[1].cu)); /* at start */
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &b);
	ctl_catchup_stats(nodes[0].cu, &a);
	assert_int_equal(b.pulls_done, 1);
	assert_int_equal(b.inserted, N_MSGS);
	assert_true(b.pages_received >= N_MSGS / (PAGE + 4));
	assert_int_equal(b.pages_received, a.pages_served);
	assert_int_equal(a.records_sent, N_MSGS);
	assert_false(ctl_catchup_needed(nodes[1].cu));
	assert_int_equal(count(1), N_MSGS);
	/* again: everything present */
	ctl_catchup_need(nodes[1].cu);
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &b);
	assert_int_equal(b.pulls_done, 2);
	assert_int_equal(b.inserted, N_MSGS);
	assert_int_equal(b.present, N_MSGS);
}

/* A wrong hash, a far expiry and a timestamp 2 hours ahead are refused; an expired record is
 * not even sent. */
static void
test_refused_records(void **state)
{
	struct store_msg m[4];
	struct ctl_catchup_stats before, after;

	(void)state;
	cu_msg(&m[0], 1000, 0, (int64_t)fx_wall_ms() + DAY_MS);
	memcpy(m[0].hash, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 43); /* well formed */
	cu_msg(&m[1], 1001, 0, (int64_t)fx_wall_ms() + 40LL * DAY_MS);
	cu_msg(&m[2], 1002, 0, (int64_t)fx_wall_ms() + 150); /* expired by the time of the pull */
	cu_msg(&m[3], 1003, 0, (int64_t)fx_wall_ms() + DAY_MS);
	m[3].timestamp_ms = (int64_t)fx_wall_ms() + 2 * CTL_CATCHUP_TIMESTAMP_AHEAD_MS;
	cu_put(2, m, 4);
	redis_test_loop_for(fx.base, 200);
	reach_only(2);
	ctl_catchup_stats(nodes[1].cu, &before);
	ctl_catchup_need(nodes[1].cu);
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &after);
	assert_int_equal(after.pulls_done, before.pulls_done + 1);
	assert_int_equal(after.rejected - before.rejected, 3);
	assert_int_equal(after.inserted, before.inserted);
	assert_int_equal(count(1), N_MSGS);
}

/* The bounds of pulled tombstones and revocation lists at their edges: a revocation or
 * unrevocation time at most now + 10 s (the later one wins: one dated ahead would undo the
 * owner's next revocations), a tombstone ending at most 30 days (+ 10 s) after its
 * deletion. */
static void
test_pulled_times_bounded(void **state)
{
	const int64_t now = 1800000000000LL, tol = CTL_CATCHUP_PUSH_AHEAD_MS;
	static struct store_revs r;
	struct store_tomb t = {.deleted_ms = now - 1000};
	struct store_msg m;

	(void)state;
	cu_msg(&m, 1, 0, now + DAY_MS); /* an account the swarm serves */
	memcpy(r.pubkey, m.pubkey, sizeof(r.pubkey));
	memcpy(t.pubkey, m.pubkey, sizeof(t.pubkey));
	r.n_un = 1;
	r.un_ms[0] = now + tol;
	assert_true(cu_revs_acceptable(nodes[1].cu, &r, (uint64_t)now));
	r.un_ms[0] = now + tol + 1;
	assert_false(cu_revs_acceptable(nodes[1].cu, &r, (uint64_t)now));
	r.n_un = 0;
	r.n = 1;
	r.stamps[0] = (now + tol + 1) * 1000;
	assert_false(cu_revs_acceptable(nodes[1].cu, &r, (uint64_t)now));
	r.stamps[0] = (now + tol) * 1000;
	assert_true(cu_revs_acceptable(nodes[1].cu, &r, (uint64_t)now));
	t.until_ms = t.deleted_ms + CTL_RPC_TTL_MAX_PRIVATE_MS + tol;
	assert_true(cu_tomb_acceptable(nodes[1].cu, &t, (uint64_t)now));
	t.until_ms++;
	assert_false(cu_tomb_acceptable(nodes[1].cu, &t, (uint64_t)now));
}

struct call_wait {
	bool done;
	int rc;
	struct ctl_sync_answer a;
};

static void
on_answer(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct call_wait *w = arg;

	w->rc = rc;
	if (rc == 0)
		assert_int_equal(ctl_sync_answer_decode(body, len, &w->a), 0);
	w->done = true;
}

static void
raw_call(int from, int to, const uint8_t *req, size_t len, struct call_wait *w)
{
	uint64_t id;

	memset(w, 0, sizeof(*w));
	assert_int_equal(ctl_drpc_call(nodes[from].d, nodes[to].id.ed25519_pk, req, len, 2000,
				       on_answer, w, &id),
			 0);
	assert_true(redis_test_loop_until(fx.base, &w->done, FX_WAIT_MS));
	assert_int_equal(w->rc, 0);
}

static void
on_deleted(void *arg, const struct store_status *st, const struct store_hash_list *deleted)
{
	struct cu_put_wait *w = arg;

	w->rc = st->rc;
	w->n = deleted != NULL ? deleted->n : 0;
	w->done = true;
}

static void
on_revoked(void *arg, const struct store_status *st, uint64_t count)
{
	struct cu_put_wait *w = arg;

	w->rc = st->rc;
	w->n = (size_t)count;
	w->done = true;
}

static void
on_checked(void *arg, const struct store_status *st, bool revoked)
{
	struct cu_put_wait *w = arg;

	w->rc = st->rc;
	w->n = revoked;
	w->done = true;
}

/* Node 0 deletes a record node 1 also holds and revokes a token: node 0's pull from node 1
 * refuses the copy (tombstoned); node 1's pull from node 0 deletes it and adds the token. Then
 * the token's unrevocation is caught up the same way. */
static void
test_tombstones_and_revocations(void **state)
{
	struct ctl_catchup_stats a0, a1, b0, b1;
	uint8_t token[36];
	struct store_msg m;
	struct cu_put_wait w = {0};
	const char *h[1];

	(void)state;
	cu_msg(&m, 5, 0, (int64_t)fx_wall_ms() + DAY_MS);
	m.expiry_set_ms = 1; /* set before the deletion below */
	cu_put(0, &m, 1);
	cu_put(1, &m, 1);
	h[0] = m.hash;
	assert_int_equal(store_msg_delete(nodes[0].st, m.pubkey, h, 1, on_deleted, &w), 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.n, 1);
	memset(token, 0x5a, sizeof(token));
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_revoke_add(nodes[0].st, m.pubkey, token, 1, on_revoked, &w), 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	ctl_catchup_stats(nodes[0].cu, &a0);
	ctl_catchup_stats(nodes[1].cu, &a1);
	reach_only(1);
	ctl_catchup_need(nodes[0].cu);
	tick_until_idle(0);
	ctl_catchup_stats(nodes[0].cu, &b0);
	assert_int_equal(b0.pulls_done - a0.pulls_done, 1);
	assert_int_equal(b0.tombstoned - a0.tombstoned, 1);
	reach_only(0);
	ctl_catchup_need(nodes[1].cu);
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &b1);
	ctl_catchup_stats(nodes[0].cu, &b0);
	assert_int_equal(b1.tombs_deleted - a1.tombs_deleted, 1);
	assert_int_equal(b1.revocations_added - a1.revocations_added, 1);
	assert_true(b0.tombs_sent - a0.tombs_sent >= 1);
	assert_true(b0.revs_sent - a0.revs_sent >= 1);
	/* node 1 now refuses the copy too */
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_bulk_put(nodes[1].st, &m, 1, (int64_t)fx_wall_ms(), cu_on_put, &w),
			 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.codes[0], STORE_BULK_TOMBSTONED);
	/* node 0 unrevokes the token while node 1 is away: node 1's pull unlists it
	 * (unrevokes_applied), and node 0's pull from node 1 does not bring it back */
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_revoke_remove(nodes[0].st, m.pubkey, token, 1, on_revoked, &w), 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.n, 1);
	reach_only(1);
	ctl_catchup_need(nodes[0].cu);
	tick_until_idle(0);
	ctl_catchup_stats(nodes[0].cu, &a0);
	assert_int_equal(a0.revocations_added, b0.revocations_added);
	reach_only(0);
	ctl_catchup_need(nodes[1].cu);
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &a1);
	assert_int_equal(a1.unrevokes_applied - b1.unrevokes_applied, 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_revoke_check(nodes[1].st, m.pubkey, token, on_checked, &w), 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.n, 0); /* not revoked any more */
}

/* An outsider gets NOT_MEMBER, a malformed request BAD_REQUEST; both counted. */
static void
test_refused_requests(void **state)
{
	uint8_t req[CTL_SYNC_REQ_LEN + 1];
	struct ctl_catchup_stats before, after;
	struct call_wait w;

	(void)state;
	ctl_catchup_stats(nodes[0].cu, &before);
	ctl_sync_req_encode(req, 0);
	raw_call(OUT, 0, req, CTL_SYNC_REQ_LEN, &w);
	assert_int_equal(w.a.status, CTL_SYNC_NOT_MEMBER);
	req[CTL_SYNC_REQ_LEN] = 0;
	raw_call(2, 0, req, CTL_SYNC_REQ_LEN + 1, &w);
	assert_int_equal(w.a.status, CTL_SYNC_BAD_REQUEST);
	ctl_sync_req_encode(req, 0);
	req[1] = 1; /* an older node's request */
	raw_call(2, 0, req, CTL_SYNC_REQ_LEN, &w);
	assert_int_equal(w.a.status, CTL_SYNC_BAD_REQUEST);
	req[1] = CTL_SYNC_VERSION;
	ctl_catchup_stats(nodes[0].cu, &after);
	assert_int_equal(after.pages_refused - before.pages_refused, 3);
	assert_int_equal(after.old_version - before.old_version, 1);
	assert_int_equal(after.pages_served, before.pages_served);
	/* a member asking directly gets a page */
	raw_call(2, 0, req, CTL_SYNC_REQ_LEN, &w);
	assert_int_equal(w.a.status, CTL_SYNC_OK);
	assert_true(w.a.n > 0);
	ctl_sync_answer_free(&w.a);
}

/* No reachable member: no pull. A silent member: the pull fails and stays needed. */
static void
test_unreachable_and_silent(void **state)
{
	struct ctl_catchup_stats s;

	(void)state;
	reach_only(-1);
	ctl_catchup_need(nodes[1].cu);
	ctl_catchup_tick(nodes[1].cu);
	assert_false(ctl_catchup_busy(nodes[1].cu));
	assert_true(ctl_catchup_needed(nodes[1].cu));
	reach_only(0);
	nodes[0].down = true;
	ctl_catchup_stats(nodes[1].cu, &s);
	uint64_t failed = s.pulls_failed, done = s.pulls_done;
	tick_until_idle(1); /* times out after 1.5 s */
	ctl_catchup_stats(nodes[1].cu, &s);
	assert_int_equal(s.pulls_failed, failed + 1);
	assert_true(ctl_catchup_needed(nodes[1].cu));
	nodes[0].down = false;
	tick_until_idle(1); /* within the 1 s retry delay: no pull */
	ctl_catchup_stats(nodes[1].cu, &s);
	assert_int_equal(s.pulls_started, s.pulls_done + s.pulls_failed);
	assert_int_equal(s.pulls_done, done);
	skew += 1000;
	tick_until_idle(1);
	ctl_catchup_stats(nodes[1].cu, &s);
	assert_int_equal(s.pulls_done, done + 1);
	assert_false(ctl_catchup_needed(nodes[1].cu));
}

/* Losing more than half of the swarm's peers at once marks a pull as needed. */
static void
test_cut_off(void **state)
{
	(void)state;
	reach[0] = reach[1] = reach[2] = true;
	ctl_catchup_tick(nodes[1].cu);
	assert_false(ctl_catchup_needed(nodes[1].cu));
	reach[0] = false; /* one of two peers: not more than half */
	ctl_catchup_tick(nodes[1].cu);
	assert_false(ctl_catchup_needed(nodes[1].cu));
	reach[2] = false;
	ctl_catchup_tick(nodes[1].cu);
	assert_true(ctl_catchup_needed(nodes[1].cu));
}

/* Freed while a page is on its way: the call is withdrawn, nothing runs later. */
static void
test_free_in_flight(void **state)
{
	struct ctl_catchup_conf cc = {.d = nodes[1].d,
				      .store = nodes[1].st,
				      .swarm = nodes[1].view,
				      .self = nodes[1].id.ed25519_pk,
				      .reachable = cu_reachable};
	struct ctl_catchup *c;

	(void)state;
	reach_only(0);
	c = ctl_catchup_new(NULL, &cc);
	assert_non_null(c);
	ctl_catchup_tick(c);
	assert_true(ctl_catchup_busy(c));
	ctl_catchup_free(c);
	redis_test_loop_for(fx.base, 100);
	assert_int_equal(ctl_drpc_pending(nodes[1].d), 0);
	/* bad confs */
	cc.reachable = NULL;
	assert_null(ctl_catchup_new(NULL, &cc));
	cc.reachable = cu_reachable;
	cc.page_records = STORE_BULK_RECORDS_MAX + 1;
	assert_null(ctl_catchup_new(NULL, &cc));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pull_pages),
		cmocka_unit_test(test_refused_records),
		cmocka_unit_test(test_pulled_times_bounded),
		cmocka_unit_test(test_refused_requests),
		cmocka_unit_test(test_tombstones_and_revocations),
		cmocka_unit_test(test_unreachable_and_silent),
		cmocka_unit_test(test_cut_off),
		cmocka_unit_test(test_free_in_flight),
	};

	return cmocka_run_group_tests(tests, setup, cu_net_down);
}
