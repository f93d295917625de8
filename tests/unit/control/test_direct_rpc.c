/* SPDX-License-Identifier: MIT */
/*
 * control/direct_rpc.c between two (or three) in-memory nodes: cells go into
 * a queue that the test delivers, as the dataplane would, attributed to the
 * sending node. Checks: a large request and answer cross in fragments, done
 * is called exactly once (answer, timeout at its edge, shutdown), cancel and
 * late answers, misattributed or forged messages, whole messages handed to
 * the peer-ping path, and the in-flight and size limits at their edges.
 */
#include "direct_rpc.h"
#include "test_common_ctl.h"

#include <signal.h>
#include <sodium.h>

struct cellq {
	uint8_t from[32], to[32];
	uint8_t *cell;
	size_t len;
};

static struct cellq q[4096];
static size_t qn;
static bool drop_all; /* the network loses everything */
static int fail_send; /* the channel refuses: this errno */
static uint64_t clock_ms = 1700000000000ULL;

struct node {
	struct snc_identity id;
	struct ctl_drpc *d;
	int whole;
};

static struct node A, B, C;

static uint64_t
clk(void *arg)
{
	(void)arg;
	return clock_ms;
}

static int
send_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	struct node *from = arg;

	if (fail_send != 0)
		return fail_send;
	assert_true(len <= CTL_FRAG_CELL_MAX);
	if (drop_all)
		return 0;
	assert_true(qn < 4096);
	memcpy(q[qn].from, from->id.ed25519_pk, 32);
	memcpy(q[qn].to, peer, 32);
	q[qn].cell = malloc(len);
	memcpy(q[qn].cell, cell, len);
	q[qn++].len = len;
	return 0;
}

static struct node *
by_key(const uint8_t *k)
{
	struct node *all[] = {&A, &B, &C};

	for (int i = 0; i < 3; i++)
		if (memcmp(all[i]->id.ed25519_pk, k, 32) == 0)
			return all[i];
	return NULL;
}

/* Delivers queued cells (and those they cause) until none is left. */
static void
pump(void)
{
	for (size_t i = 0; i < qn; i++) {
		struct node *to = by_key(q[i].to);

		ctl_drpc_on_cell(to->d, q[i].from, q[i].cell, q[i].len);
		free(q[i].cell);
	}
	qn = 0;
}

static void
on_whole(void *arg, const uint8_t peer[32], const uint8_t *msg, size_t len)
{
	(void)peer;
	(void)msg;
	(void)len;
	((struct node *)arg)->whole++;
}

/* Echo handler: answers "re:" + body. */
static void
echo(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body, size_t len)
{
	struct node *n = arg;
	uint8_t *out = malloc(len + 3);

	memcpy(out, "re:", 3);
	memcpy(out + 3, body, len);
	assert_int_equal(ctl_drpc_respond(n->d, peer, id, out, len + 3), 0);
	free(out);
}

static void
node_up(struct node *n)
{
	struct ctl_drpc_conf c = {.id = &n->id,
				  .send = send_cell,
				  .send_arg = n,
				  .whole = on_whole,
				  .whole_arg = n,
				  .now_ms = clk};

	uint8_t seed[SNC_SEED_BYTES];

	randombytes_buf(seed, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(&n->id, seed), 0);
	n->whole = 0;
	n->d = ctl_drpc_new(NULL, &c);
	assert_non_null(n->d);
	ctl_drpc_set_handler(n->d, echo, n);
}

static int
setup(void **state)
{
	(void)state;
	node_up(&A);
	node_up(&B);
	node_up(&C);
	qn = 0;
	drop_all = false;
	fail_send = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pump();
	ctl_drpc_free(A.d);
	ctl_drpc_free(B.d);
	ctl_drpc_free(C.d);
	return 0;
}

struct result {
	int calls, rc;
	uint8_t *body;
	size_t len;
};

static void
on_done(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct result *r = arg;

	r->calls++;
	r->rc = rc;
	free(r->body);
	r->body = malloc(len + 1);
	if (len > 0)
		memcpy(r->body, body, len);
	r->len = len;
}

static void
a_large_request_and_answer_cross_in_fragments(void **state)
{
	size_t len = 100000;
	uint8_t *body = malloc(len);
	struct result r = {0};
	struct ctl_drpc_stats st;
	struct ctl_frag_stats fs;
	uint64_t id;

	(void)state;
	randombytes_buf(body, len);
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, body, len, 0, on_done, &r, &id), 0);
	assert_int_equal(r.calls, 0); /* never from inside the call */
	assert_int_equal(qn, ctl_frag_count(len + CTL_DRPC_ENVELOPE + SNC_DIRECT_OVERHEAD));
	pump();
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.len, len + 3);
	assert_memory_equal(r.body, "re:", 3);
	assert_memory_equal(r.body + 3, body, len);
	assert_int_equal(ctl_drpc_pending(A.d), 0);
	ctl_drpc_stats(B.d, &st);
	assert_int_equal(st.requests_in, 1);
	assert_int_equal(st.responses_out, 1);
	ctl_drpc_frag_stats(B.d, &fs);
	assert_int_equal(fs.delivered, 1);
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.answered, 1);
	/* an empty body works too */
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, body, 0, 0, on_done, &r, NULL), 0);
	pump();
	assert_int_equal(r.calls, 2);
	assert_int_equal(r.len, 3);
	free(r.body);
	free(body);
}

static void
timeout_at_its_edge_then_late_answer(void **state)
{
	struct result r = {0};
	struct ctl_drpc_stats st;

	(void)state;
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"x", 1, 0, on_done, &r, NULL),
		0);
	clock_ms += CTL_DRPC_TIMEOUT_MS; /* the edge: still waiting */
	ctl_drpc_tick(A.d);
	assert_int_equal(r.calls, 0);
	clock_ms += 1;
	ctl_drpc_tick(A.d);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, -ETIMEDOUT);
	ctl_drpc_tick(A.d);
	clock_ms -= CTL_DRPC_TIMEOUT_MS + 1; /* the answer itself is fresh */
	pump();				     /* B answers now: too late */
	assert_int_equal(r.calls, 1);
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.timed_out, 1);
	assert_int_equal(st.late, 1);
	/* a per-call timeout */
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"x", 1, 10, on_done, &r, NULL),
		0);
	clock_ms += 11;
	ctl_drpc_tick(A.d);
	assert_int_equal(r.calls, 2);
	free(r.body);
}

static void
shutdown_and_cancel(void **state)
{
	struct result r1 = {0}, r2 = {0};
	struct ctl_drpc_stats st;
	uint64_t id;

	(void)state;
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"1", 1, 0, on_done, &r1, &id),
		0);
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"2", 1, 0, on_done, &r2, NULL),
		0);
	assert_true(ctl_drpc_cancel(A.d, id));
	assert_false(ctl_drpc_cancel(A.d, id));
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.cancelled, 1);
	ctl_drpc_free(A.d);
	assert_int_equal(r1.calls, 0);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.rc, -ESHUTDOWN);
	for (size_t i = 0; i < qn; i++) /* A is gone: drop what was queued */
		free(q[i].cell);
	qn = 0;
	node_up(&A);
	free(r2.body);
}

static void
answers_from_the_wrong_peer_are_late(void **state)
{
	struct result r = {0};
	struct ctl_drpc_stats st;

	(void)state;
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"x", 1, 0, on_done, &r, NULL),
		0);
	/* the request reaches C instead (misrouted): C's answer must not complete it */
	memcpy(q[0].to, C.id.ed25519_pk, 32);
	pump(); /* C cannot open a message sealed for B: rejected */
	ctl_drpc_stats(C.d, &st);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(r.calls, 0);
	assert_int_equal(ctl_drpc_pending(A.d), 1);
	clock_ms += CTL_DRPC_TIMEOUT_MS + 1;
	ctl_drpc_tick(A.d);
	assert_int_equal(r.calls, 1);
	free(r.body);
}

static void
misattributed_and_unknown_cells_are_counted(void **state)
{
	uint8_t junk[3] = {0x07, 1, 2}, whole[2] = {0x01, 0};
	struct ctl_drpc_stats st;

	(void)state;
	/* sealed by C, but the dataplane says it came from B */
	assert_int_equal(ctl_drpc_respond(C.d, A.id.ed25519_pk, 1, (const uint8_t *)"x", 1), 0);
	memcpy(q[0].from, B.id.ed25519_pk, 32);
	pump();
	ctl_drpc_on_cell(A.d, B.id.ed25519_pk, junk, sizeof(junk));
	ctl_drpc_on_cell(A.d, B.id.ed25519_pk, junk, 0);
	ctl_drpc_on_cell(A.d, B.id.ed25519_pk, whole, sizeof(whole));
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.unknown_kind, 2);
	assert_int_equal(A.whole, 1);
	assert_int_equal(st.late, 0);
}

static void
a_request_without_handler_is_counted(void **state)
{
	struct result r = {0};
	struct ctl_drpc_stats st;

	(void)state;
	ctl_drpc_set_handler(B.d, NULL, NULL);
	assert_int_equal(
		ctl_drpc_call(A.d, B.id.ed25519_pk, (const uint8_t *)"x", 1, 0, on_done, &r, NULL),
		0);
	pump();
	ctl_drpc_stats(B.d, &st);
	assert_int_equal(st.unhandled, 1);
	assert_int_equal(r.calls, 0);
	ctl_drpc_free(A.d); /* shutdown completes it */
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, -ESHUTDOWN);
	node_up(&A);
	free(r.body);
}

static void
limits_at_their_edges(void **state)
{
	static uint8_t big[CTL_DRPC_BODY_MAX + 1];
	struct result *r = calloc(CTL_DRPC_PENDING_MAX + 1, sizeof(*r));
	struct ctl_drpc_stats st;

	(void)state;
	drop_all = true;
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, big, CTL_DRPC_BODY_MAX + 1, 0, on_done,
				       &r[0], NULL),
			 -EMSGSIZE);
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, big, CTL_DRPC_BODY_MAX, 0, on_done,
				       &r[0], NULL),
			 0);
	for (size_t i = 1; i < CTL_DRPC_PENDING_MAX; i++)
		assert_int_equal(
			ctl_drpc_call(A.d, B.id.ed25519_pk, big, 1, 0, on_done, &r[i], NULL), 0);
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, big, 1, 0, on_done,
				       &r[CTL_DRPC_PENDING_MAX], NULL),
			 -EBUSY);
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.busy, 1);
	/* the channel refusing a cell refuses the call; done is never called */
	fail_send = -ENOTCONN;
	clock_ms += CTL_DRPC_TIMEOUT_MS + 1;
	ctl_drpc_tick(A.d); /* frees every slot */
	assert_int_equal(ctl_drpc_call(A.d, B.id.ed25519_pk, big, 1, 0, on_done, &r[0], NULL),
			 -ENOTCONN);
	for (size_t i = 0; i <= CTL_DRPC_PENDING_MAX; i++) {
		assert_int_equal(r[i].calls, i < CTL_DRPC_PENDING_MAX ? 1 : 0);
		free(r[i].body);
	}
	ctl_drpc_stats(A.d, &st);
	assert_int_equal(st.send_failed, 1);
	fail_send = 0;
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_large_request_and_answer_cross_in_fragments,
						setup, teardown),
		cmocka_unit_test_setup_teardown(timeout_at_its_edge_then_late_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(shutdown_and_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(answers_from_the_wrong_peer_are_late, setup,
						teardown),
		cmocka_unit_test_setup_teardown(misattributed_and_unknown_cells_are_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_request_without_handler_is_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(limits_at_their_edges, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
