/* SPDX-License-Identifier: MIT */
/*
 * control/storage_test_service.c with three nodes in one process over a real
 * redis-server (one key prefix per node and test): each has its store, a
 * registry view of the same file (3 nodes, one swarm, blocks 1..10: test
 * height 6), an RPC server, direct_rpc and the replicator whose dispatch hands
 * 'S' bodies to the service; DIRECT cells go through an in-memory queue
 * delivered from the event loop. Checks: the drawn tester passes a testee that
 * holds the records; nothing is sent without records; a testee without them
 * retries, then answers "other", and after storage-test-failures such tests
 * the testee is failing (ctl_stest_failing); a record that arrives within the
 * retry window passes; different data under the same hash is a wrong proof;
 * every refusal (invalid parameters, invalid height, wrong request from a
 * non-tester and to a non-testee, busy at the 17th, busy for a tester's second at
 * once) is answered and counted;
 * a silent testee times out; stopping with tests and answers in flight frees
 * everything (ASan).
 */
#include <signal.h>
#include <event2/event.h>
#include <sodium.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "msg_hash.h"
#include "replicate.h"
#include "cell_queue.h"
#include "rpc_fixture.h"
#include "storage_test_service.h"
#include "swarm_view_registry.h"
#include "test_common_ctl.h"

enum {
	N = 3,
	TEST_HEIGHT = 6,
	FAILURES = 3,
	RETRY_MS = 800,
	TIMEOUT_MS = 2500
};

struct node {
	struct snc_identity id;
	struct store *st;
	struct ctl_swarm_view *view;
	struct ctl_rpc_server *srv;
	struct ctl_drpc *d;
	struct ctl_replicate *rep;
	struct ctl_stest_service *s;
	bool down; /* cells to it are lost */
};

static struct rpc_fx fx;
static struct node nodes[N];
static struct cell_queue *cells;
static char dir[64], regpath[128];
static int tester, testee, other; /* node indexes of the height's pair, and the third */
static unsigned per_peer;	  /* the services' serving_per_peer (0: the default, 1) */

static void
deliver_to(void *arg, int i, const uint8_t from[32], const uint8_t *cell, size_t len)
{
	struct node *to = &nodes[i];

	(void)arg;
	if (!to->down && to->d != NULL)
		ctl_drpc_on_cell(to->d, from, cell, len);
}

static int
send_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	struct node *from = arg;
	int to = -1;

	for (int i = 0; i < N; i++)
		if (memcmp(nodes[i].id.ed25519_pk, peer, 32) == 0)
			to = i;
	assert_true(to >= 0);
	cell_queue_push(cells, to, from->id.ed25519_pk, cell, len);
	return 0;
}

static int
group_setup(void **state)
{
	FILE *f;
	char ed[65], x[65];

	(void)state;
	ctl_log_set_level(CTL_LOG_WARNING);
	if (fx_redis_up(&fx) != 0)
		return -1;
	cells = cell_queue_new(fx.base, 8192, deliver_to, NULL);
	make_tmpdir(dir, sizeof(dir));
	snprintf(regpath, sizeof(regpath), "%s/registry", dir);
	f = fopen(regpath, "w");
	assert_non_null(f);
	for (int i = 0; i < N; i++) {
		fx_identity(&nodes[i].id);
		sodium_bin2hex(ed, sizeof(ed), nodes[i].id.ed25519_pk, 32);
		sodium_bin2hex(x, sizeof(x), nodes[i].id.x25519_pk, 32);
		fprintf(f, "register %s %s 10.0.0.%d:22020 1\n", ed, x, i + 1);
	}
	for (int h = 1; h <= 10; h++)
		fprintf(f, "block %d %064x\n", h, h * 7919);
	fclose(f);
	return cells != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	cell_queue_free(cells);
	fx_redis_down(&fx);
	unlink(regpath);
	rmdir(dir);
	return 0;
}

static void
node_up(int i, const struct ctl_stest_conf *c)
{
	struct node *n = &nodes[i];
	struct ctl_rpc_server_conf rc = {0};
	struct ctl_drpc_conf dc = {.id = &n->id, .send = send_cell, .send_arg = n};
	struct ctl_stest_service_conf tc = {
		.base = fx.base, .self = n->id.ed25519_pk, .c = *c, .serving_per_peer = per_peer};
	char err[256];

	n->st = fx_store_new(&fx, 's');
	n->view = ctl_swarm_view_registry_load(regpath, n->id.ed25519_pk, 22021, err, sizeof(err));
	assert_non_null(n->view);
	rc.ed25519_sk = n->id.ed25519_sk;
	rc.store = n->st;
	rc.swarm = n->view;
	n->srv = ctl_rpc_server_new(&rc, err, sizeof(err));
	assert_non_null(n->srv);
	n->d = ctl_drpc_new(fx.base, &dc);
	assert_non_null(n->d);
	n->rep = ctl_replicate_new(fx.base, n->d, n->view, n->srv, n->id.ed25519_pk, 1000);
	assert_non_null(n->rep);
	tc.d = n->d;
	tc.repl = n->rep;
	tc.swarm = n->view;
	tc.store = n->st;
	n->s = ctl_stest_service_start(&tc, err, sizeof(err));
	assert_non_null(n->s);
	n->down = false;
}

/* The test height's pair, from the members as the view sorts them. */
static void
find_pair(unsigned pairs)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(nodes[0].view);
	struct ctl_stest_pair p[CTL_STEST_PAIRS_MAX];
	struct ctl_swarm sw;
	uint8_t h[32];

	assert_int_equal(ctl_swarm_view_swarm_of_node(nodes[0].view, nodes[0].id.ed25519_pk, &sw),
			 0);
	assert_int_equal(sw.n, N); /* one swarm of all three */
	assert_true(ctl_registry_block_hash(reg, TEST_HEIGHT, h));
	assert_int_equal(ctl_stest_pairs(sw.n, h, pairs, p), pairs);
	for (int i = 0; i < N; i++) {
		if (memcmp(sw.nodes[p[0].tester].ed25519, nodes[i].id.ed25519_pk, 32) == 0)
			tester = i;
		if (memcmp(sw.nodes[p[0].testee].ed25519, nodes[i].id.ed25519_pk, 32) == 0)
			testee = i;
	}
	other = 3 - tester - testee;
}

static int
setup(void **state)
{
	struct ctl_stest_conf c;

	(void)state;
	ctl_config_stest_defaults(&c);
	c.interval_ms = 86400000; /* rounds only when the test asks */
	c.records = 2;
	c.timeout_ms = TIMEOUT_MS;
	c.retry_ms = RETRY_MS;
	c.failures = FAILURES;
	for (int i = 0; i < N; i++)
		node_up(i, &c);
	find_pair(1);
	return 0;
}

/* setup with one tester allowed every slot: the global bound (16) reached by one peer */
static int
setup_wide_peer(void **state)
{
	per_peer = CTL_STEST_SERVING_MAX;
	return setup(state);
}

static int
teardown(void **state)
{
	(void)state;
	per_peer = 0;
	/* the order node.c uses */
	for (int i = 0; i < N; i++)
		ctl_stest_service_stop(nodes[i].s);
	for (int i = 0; i < N; i++) {
		ctl_rpc_server_free(nodes[i].srv);
		ctl_replicate_free(nodes[i].rep);
		ctl_drpc_free(nodes[i].d);
	}
	for (int i = 0; i < N; i++) {
		store_free(nodes[i].st);
		ctl_swarm_view_free(nodes[i].view);
		ctl_stest_service_free(nodes[i].s);
	}
	cell_queue_clear(cells);
	return 0;
}

/* ---- records ---------------------------------------------------------------- */

struct put_wait {
	bool done;
	int rc;
};

static void
put_cb(void *arg, const struct store_status *st, const struct store_put_result *res)
{
	struct put_wait *w = arg;

	(void)res;
	w->rc = st->rc;
	w->done = true;
}

/* Message k (account k, namespace k - 1) with data, stored at node i; hash_of: another
 * message's hash instead of its own (a node that keeps other bytes under that name). */
static void
put(int i, int k, const char *data, const char *hash_of)
{
	struct store_msg m = {0};
	struct put_wait w = {0};

	m.pubkey[0] = 0x05;
	memset(m.pubkey + 1, k, 32);
	m.ns = k - 1;
	assert_int_equal(
		snc_msg_hash_compute(m.pubkey, m.ns, (const uint8_t *)data, strlen(data), m.hash),
		0);
	if (hash_of != NULL)
		assert_int_equal(snc_msg_hash_compute(m.pubkey, m.ns, (const uint8_t *)hash_of,
						      strlen(hash_of), m.hash),
				 0);
	m.timestamp_ms = 1700000000000;
	m.expiry_ms = 4000000000000; /* far after the test */
	m.data = (const uint8_t *)data;
	m.len = strlen(data);
	assert_int_equal(store_msg_put(nodes[i].st, &m, put_cb, &w), 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.rc, 0);
}

static struct ctl_stest_stats
stats(int i)
{
	struct ctl_stest_stats s;

	ctl_stest_service_stats(nodes[i].s, &s);
	return s;
}

/* Runs the loop until node i's tester counters show n more results than before. */
static void
wait_results(int i, uint64_t n)
{
	for (int w = 0; w < FX_WAIT_MS && stats(i).passed + stats(i).failed < n; w += 10)
		redis_test_loop_for(fx.base, 10);
	assert_int_equal(stats(i).passed + stats(i).failed, n);
}

/* ---- tests ------------------------------------------------------------------ */

static void
passes_with_the_records(void **state)
{
	(void)state;
	for (int i = 0; i < N; i++) {
		put(i, 1, "one", NULL);
		put(i, 2, "two, in namespace 1", NULL);
		put(i, 3, "", NULL);
	}
	for (int i = 0; i < N; i++)
		ctl_stest_service_round(nodes[i].s);
	wait_results(tester, 1);
	assert_int_equal(stats(tester).passed, 1);
	assert_int_equal(stats(tester).started, 1);
	assert_int_equal(stats(testee).answered_ok, 1);
	assert_int_equal(stats(testee).requests_in, 1);
	/* only the drawn tester tests (pairs 1) */
	assert_int_equal(stats(testee).started, 0);
	assert_int_equal(stats(other).started, 0);
	assert_int_equal(stats(other).requests_in, 0);
	assert_int_equal(stats(tester).in_flight, 0);
	assert_false(ctl_stest_failing(ctl_stest_service_results(nodes[tester].s),
				       nodes[testee].id.ed25519_pk));
}

static void
nothing_to_test(void **state)
{
	(void)state;
	ctl_stest_service_round(nodes[tester].s);
	for (int w = 0; w < FX_WAIT_MS && stats(tester).no_records == 0; w += 10)
		redis_test_loop_for(fx.base, 10);
	assert_int_equal(stats(tester).no_records, 1);
	assert_int_equal(stats(tester).started, 0);
	assert_int_equal(stats(testee).requests_in, 0);
	assert_int_equal(stats(tester).in_flight, 0);
}

static void
missing_records_fail_then_vote(void **state)
{
	const struct ctl_stest_results *r = ctl_stest_service_results(nodes[tester].s);

	(void)state;
	put(tester, 1, "only at the tester", NULL);
	for (uint64_t k = 1; k <= FAILURES; k++) {
		assert_false(ctl_stest_failing(r, nodes[testee].id.ed25519_pk));
		ctl_stest_service_round(nodes[tester].s);
		wait_results(tester, k);
		assert_int_equal(stats(tester).fail_other, k);
		assert_int_equal(ctl_stest_results_streak(r, nodes[testee].id.ed25519_pk), k);
	}
	assert_true(ctl_stest_failing(r, nodes[testee].id.ed25519_pk));
	assert_int_equal(stats(tester).failing, 1);
	assert_int_equal(stats(testee).answered_other, FAILURES);
	assert_true(stats(testee).retries >= FAILURES); /* it looked again before giving up */
	/* the record arrives: the next test passes and ends the streak */
	put(testee, 1, "only at the tester", NULL);
	ctl_stest_service_round(nodes[tester].s);
	wait_results(tester, FAILURES + 1);
	assert_int_equal(stats(tester).passed, 1);
	assert_false(ctl_stest_failing(r, nodes[testee].id.ed25519_pk));
}

static void
a_record_within_the_retry_window_passes(void **state)
{
	(void)state;
	put(tester, 4, "on its way", NULL);
	ctl_stest_service_round(nodes[tester].s);
	for (int w = 0; w < FX_WAIT_MS && stats(testee).retries == 0; w += 10)
		redis_test_loop_for(fx.base, 10);
	assert_true(stats(testee).retries > 0);
	put(testee, 4, "on its way", NULL);
	wait_results(tester, 1);
	assert_int_equal(stats(tester).passed, 1);
	assert_int_equal(stats(testee).answered_other, 0);
}

static void
other_bytes_are_a_wrong_proof(void **state)
{
	(void)state;
	put(tester, 5, "the real data", NULL);
	put(testee, 5, "something else", "the real data"); /* under the real data's hash */
	ctl_stest_service_round(nodes[tester].s);
	wait_results(tester, 1);
	assert_int_equal(stats(tester).fail_mismatch, 1);
	assert_int_equal(stats(testee).answered_ok, 1);
}

static void
a_silent_testee_times_out(void **state)
{
	(void)state;
	put(tester, 6, "nobody hears", NULL);
	nodes[testee].down = true;
	ctl_stest_service_round(nodes[tester].s);
	ctl_stest_service_round(nodes[tester].s); /* still running: not started twice */
	wait_results(tester, 1);
	assert_int_equal(stats(tester).started, 1);
	assert_int_equal(stats(tester).fail_timeout, 1);
}

/* ---- refusals, with hand-made requests ------------------------------------------ */

struct call_wait {
	bool done;
	int rc;
	enum ctl_stest_code code;
};

static void
call_done(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct call_wait *w = arg;
	uint8_t proof[CTL_STEST_PROOF];

	w->rc = rc;
	if (rc == 0)
		assert_int_equal(ctl_stest_answer_decode(body, len, &w->code, proof), 0);
	w->done = true;
}

static void
call_start(int from, int to, const uint8_t *body, size_t len, struct call_wait *w)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(ctl_drpc_call(nodes[from].d, nodes[to].id.ed25519_pk, body, len,
				       TIMEOUT_MS * 2, call_done, w, NULL),
			 0);
}

static enum ctl_stest_code
call(int from, int to, const uint8_t *body, size_t len)
{
	struct call_wait w;

	call_start(from, to, body, len, &w);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.rc, 0);
	return w.code;
}

static size_t
request(uint64_t height, uint8_t out[CTL_STEST_REQ_MAX])
{
	struct ctl_stest_request rq = {.height = height, .n = 1};

	rq.rec[0].account[0] = 0x05;
	memset(rq.rec[0].account + 1, 0x42, 32);
	memset(rq.rec[0].hash, 0x43, 32); /* a record nobody has */
	return ctl_stest_request_encode(&rq, out);
}

static void
every_refusal_is_answered_and_counted(void **state)
{
	uint8_t b[CTL_STEST_REQ_MAX];
	size_t len = request(TEST_HEIGHT, b);
	struct ctl_stest_stats s;
	static struct call_wait w[CTL_STEST_SERVING_MAX + 1];

	(void)state;
	assert_int_equal(call(tester, testee, b, len - 1), CTL_STEST_INVALID_PARAMS);
	assert_int_equal(call(tester, testee, (const uint8_t *)"S", 1), CTL_STEST_INVALID_PARAMS);
	request(11, b); /* above the last block */
	assert_int_equal(call(tester, testee, b, len), CTL_STEST_INVALID_HEIGHT);
	request(0, b); /* within 30 of the last, but no such block */
	assert_int_equal(call(tester, testee, b, len), CTL_STEST_INVALID_HEIGHT);
	request(TEST_HEIGHT, b);
	assert_int_equal(call(other, testee, b, len), CTL_STEST_WRONG_REQUEST); /* not the tester */
	assert_int_equal(call(tester, other, b, len), CTL_STEST_WRONG_REQUEST); /* not the testee */
	/* 16 answered at once (each waiting for its unknown record), the 17th: busy */
	for (int i = 0; i <= CTL_STEST_SERVING_MAX; i++)
		call_start(tester, testee, b, len, &w[i]);
	assert_true(redis_test_loop_until(fx.base, &w[CTL_STEST_SERVING_MAX].done, FX_WAIT_MS));
	assert_int_equal(w[CTL_STEST_SERVING_MAX].code, CTL_STEST_BUSY);
	assert_int_equal(stats(testee).serving, CTL_STEST_SERVING_MAX);
	for (int i = 0; i < CTL_STEST_SERVING_MAX; i++) {
		assert_true(redis_test_loop_until(fx.base, &w[i].done, FX_WAIT_MS));
		assert_int_equal(w[i].code, CTL_STEST_OTHER);
	}
	s = stats(testee);
	assert_int_equal(s.refused_invalid_params, 2);
	assert_int_equal(s.refused_invalid_height, 2);
	assert_int_equal(s.refused_wrong_request, 1);
	assert_int_equal(stats(other).refused_wrong_request, 1);
	assert_int_equal(s.refused_busy, 1);
	assert_int_equal(s.answered_other, CTL_STEST_SERVING_MAX);
	assert_int_equal(s.serving, 0);
}

/* One tester holds one slot: its second request while the first waits for an unknown
 * record is answered busy (to it only, counted refused_peer_busy); the first still ends. */
static void
one_tester_holds_one_slot(void **state)
{
	uint8_t b[CTL_STEST_REQ_MAX];
	size_t len = request(TEST_HEIGHT, b);
	static struct call_wait w[2];
	struct ctl_stest_stats s;

	(void)state;
	call_start(tester, testee, b, len, &w[0]);
	call_start(tester, testee, b, len, &w[1]);
	assert_true(redis_test_loop_until(fx.base, &w[1].done, FX_WAIT_MS));
	assert_int_equal(w[1].code, CTL_STEST_BUSY);
	assert_int_equal(stats(testee).serving, 1);
	assert_true(redis_test_loop_until(fx.base, &w[0].done, FX_WAIT_MS));
	assert_int_equal(w[0].code, CTL_STEST_OTHER);
	s = stats(testee);
	assert_int_equal(s.refused_peer_busy, 1);
	assert_int_equal(s.refused_busy, 0);
	assert_int_equal(s.answered_other, 1);
	assert_int_equal(s.serving, 0);
}

static void
stop_with_tests_in_flight(void **state)
{
	uint8_t b[CTL_STEST_REQ_MAX];
	size_t len = request(TEST_HEIGHT, b);
	struct call_wait w;

	(void)state;
	put(tester, 7, "in flight", NULL);
	ctl_stest_service_round(nodes[tester].s); /* a test waiting for the testee's retries */
	call_start(tester, testee, b, len, &w);	  /* an answer waiting for a retry */
	for (int i = 0; i < 20 && stats(testee).serving < 2; i++)
		redis_test_loop_for(fx.base, 10);
	assert_int_equal(stats(testee).serving, 2);
	assert_int_equal(stats(tester).in_flight, 1);
	/* teardown stops and frees everything with both in flight */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(passes_with_the_records, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_to_test, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_records_fail_then_vote, setup, teardown),
		cmocka_unit_test_setup_teardown(a_record_within_the_retry_window_passes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_bytes_are_a_wrong_proof, setup, teardown),
		cmocka_unit_test_setup_teardown(a_silent_testee_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(every_refusal_is_answered_and_counted,
						setup_wide_peer, teardown),
		cmocka_unit_test_setup_teardown(one_tester_holds_one_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_with_tests_in_flight, setup_wide_peer,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
