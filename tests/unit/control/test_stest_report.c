/* SPDX-License-Identifier: MIT */
/* control/stest_report.c: the report's wire at every length and byte out of place, the
 * signature and what it binds, a validator's checks (the drawn tester taken; a bad
 * signature, a wrong tester, a wrong sender, a height at and past the 30-block window, a
 * testee that is no worker of a quorum this node validates, a replay, a full table each
 * refused), the 2-distinct-testers rule at its edges, a pass resetting, and the vote hook.
 * The registry and the swarm are built by hand: a swarm of 6, two validators outside it. */
#include "test_common_ctl.h"

#include <sodium.h>

#include "quorum_vote.h"
#include "registry.h"
#include "stest_report.h"
#include "storage_test.h"
#include "swarm_view.h"

enum {
	MEMBERS = 6,
	HEIGHT = 100,
	EPOCH = 9
};

struct key {
	uint8_t pk[32], sk[64];
};

static struct key members[MEMBERS]; /* ascending by pk */
static struct key self, other_val, outsider;
static struct ctl_registry reg;
static struct ctl_swarm_view *view;
static struct ctl_srep_table table;
static struct ctl_srep_ctx ctx;

static void
make_key(struct key *k, uint8_t seed_byte)
{
	uint8_t seed[32];

	memset(seed, seed_byte, 32);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static int
cmp_key(const void *a, const void *b)
{
	return memcmp(((const struct key *)a)->pk, ((const struct key *)b)->pk, 32);
}

static void
block_hash(uint64_t h, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)&h, sizeof(h), NULL, 0);
}

static int
setup(void **state)
{
	struct ctl_swarm_node nodes[MEMBERS];
	char err[128];

	(void)state;
	for (int i = 0; i < MEMBERS; i++)
		make_key(&members[i], (uint8_t)(1 + i));
	qsort(members, MEMBERS, sizeof(members[0]), cmp_key);
	make_key(&self, 0x51);
	make_key(&other_val, 0x52);
	make_key(&outsider, 0x53);
	memset(&reg, 0, sizeof(reg));
	reg.have_block = true;
	reg.height = HEIGHT;
	for (uint64_t h = HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1; h <= HEIGHT; h++) {
		struct ctl_registry_recent *e = &reg.recent[h % CTL_REGISTRY_RECENT_BLOCKS];

		e->have = true;
		e->height = h;
		block_hash(h, e->hash);
	}
	/* the current quorum: this node and one more validate; members 0..3 are workers */
	reg.ep.cur.valid = true;
	reg.ep.cur.epoch = EPOCH;
	reg.ep.cur.nv = 2;
	memcpy(reg.ep.cur.validators[0], other_val.pk, 32);
	memcpy(reg.ep.cur.validators[1], self.pk, 32);
	reg.ep.cur.nw = 4;
	for (int i = 0; i < 4; i++)
		memcpy(reg.ep.cur.workers[i], members[i].pk, 32);
	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < MEMBERS; i++)
		memcpy(nodes[i].ed25519, members[i].pk, 32);
	view = ctl_swarm_view_single(nodes, MEMBERS, self.pk, err, sizeof(err));
	assert_non_null(view);
	ctx = (struct ctl_srep_ctx){.reg = &reg, .swarm = view, .self = self.pk, .pairs = 1};
	ctl_srep_table_init(&table, 3);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ctl_swarm_view_free(view);
	return 0;
}

/* The drawn pair (pairs 1) at height h: indexes into members. */
static struct ctl_stest_pair
pair_at(uint64_t h)
{
	struct ctl_stest_pair p[1];
	uint8_t hash[32];

	block_hash(h, hash);
	assert_int_equal(ctl_stest_pairs(MEMBERS, hash, 1, p), 1);
	return p[0];
}

/* A height whose drawn testee is a worker (members 0..3), at or above from. */
static uint64_t
height_with_worker_testee(uint64_t from)
{
	for (uint64_t h = from; h <= HEIGHT; h++)
		if (pair_at(h).testee < 4)
			return h;
	fail_msg("no height from %llu draws a worker", (unsigned long long)from);
	return 0;
}

static struct ctl_srep
report(uint64_t h, const struct key *tester, const uint8_t testee[32], uint8_t result)
{
	struct ctl_srep r = {.height = h, .result = result};

	memcpy(r.testee, testee, 32);
	memcpy(r.tester, tester->pk, 32);
	ctl_srep_sign(&r, tester->sk);
	return r;
}

static void
test_wire(void **state)
{
	(void)state;
	uint8_t body[CTL_SREP_WIRE + 1], msg[CTL_SREP_MSG];
	struct ctl_srep r = report(77, &members[1], members[2].pk, CTL_SREP_FAILED), d;

	assert_int_equal(CTL_SREP_WIRE, 139);
	assert_int_equal(CTL_SREP_MSG, 94);
	ctl_srep_encode(&r, body);
	assert_int_equal(body[0], 'R');
	assert_int_equal(body[1], 1);
	assert_int_equal(body[2], 77); /* height LE64 */
	assert_int_equal(body[9], 0);
	assert_memory_equal(body + 10, members[2].pk, 32);
	assert_memory_equal(body + 42, members[1].pk, 32);
	assert_int_equal(body[74], CTL_SREP_FAILED);
	assert_memory_equal(body + 75, r.sig, 64);
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), 0);
	assert_memory_equal(&d.height, &r.height, sizeof(r.height));
	assert_memory_equal(d.sig, r.sig, 64);
	assert_true(ctl_srep_verify(&d));
	/* every other length, one short and one long included */
	for (size_t len = 0; len <= CTL_SREP_WIRE + 1; len++)
		if (len != CTL_SREP_WIRE)
			assert_int_equal(ctl_srep_decode(body, len, &d), -EINVAL);
	assert_int_equal(ctl_srep_decode(NULL, CTL_SREP_WIRE, &d), -EINVAL);
	/* magic, kind, result out of place */
	body[0] = 'V';
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), -EINVAL);
	body[0] = 'R';
	body[1] = 2;
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), -EINVAL);
	body[1] = 1;
	body[74] = 2;
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), -EINVAL);
	body[74] = CTL_SREP_PASSED;
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), 0);
	assert_false(ctl_srep_verify(&d)); /* the result is signed */
	/* the height at its extreme round-trips */
	r.height = UINT64_MAX;
	ctl_srep_encode(&r, body);
	assert_int_equal(ctl_srep_decode(body, CTL_SREP_WIRE, &d), 0);
	assert_true(d.height == UINT64_MAX);
	/* the message is domain-separated */
	ctl_srep_message(&r, msg);
	assert_memory_equal(msg, "snode-stest-report-v1", 21);
	assert_string_equal(ctl_srep_refusal_name(CTL_SREP_BAD_SIGNATURE), "bad_signature");
	assert_string_equal(ctl_srep_refusal_name(CTL_SREP_REFUSALS), "unknown");
}

static void
test_signature_binds_every_field(void **state)
{
	(void)state;
	struct ctl_srep r = report(90, &members[0], members[1].pk, CTL_SREP_FAILED), m;

	assert_true(ctl_srep_verify(&r));
	m = r;
	m.height++;
	assert_false(ctl_srep_verify(&m));
	m = r;
	m.testee[31] ^= 1;
	assert_false(ctl_srep_verify(&m));
	m = r;
	memcpy(m.tester, members[2].pk, 32); /* another tester's name on it */
	assert_false(ctl_srep_verify(&m));
	m = r;
	m.result = CTL_SREP_PASSED;
	assert_false(ctl_srep_verify(&m));
	m = r;
	m.sig[0] ^= 1;
	assert_false(ctl_srep_verify(&m));
}

static void
test_take_checks(void **state)
{
	(void)state;
	uint64_t h = height_with_worker_testee(HEIGHT - 10);
	struct ctl_stest_pair p = pair_at(h);
	const struct key *tester = &members[p.tester];
	const uint8_t *testee = members[p.testee].pk;
	struct ctl_srep r = report(h, tester, testee, CTL_SREP_FAILED), bad;
	const struct key *not_tester = &members[(p.tester + 1) % MEMBERS];

	if (not_tester == &members[p.testee])
		not_tester = &members[(p.tester + 2) % MEMBERS];
	ctl_srep_table_init(&table, 3);
	/* the sender is not the tester named */
	assert_int_equal(ctl_srep_take(&table, &ctx, not_tester->pk, &r), CTL_SREP_WRONG_SENDER);
	/* a bad signature */
	bad = r;
	bad.sig[63] ^= 0x80;
	assert_int_equal(ctl_srep_take(&table, &ctx, tester->pk, &bad), CTL_SREP_BAD_SIGNATURE);
	/* signed by a key that is not the tester's */
	bad = r;
	ctl_srep_sign(&bad, not_tester->sk);
	assert_int_equal(ctl_srep_take(&table, &ctx, tester->pk, &bad), CTL_SREP_BAD_SIGNATURE);
	/* a member the draw did not name, reporting in its own name */
	bad = report(h, not_tester, testee, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, not_tester->pk, &bad), CTL_SREP_WRONG_TESTER);
	/* a node outside the swarm */
	bad = report(h, &outsider, testee, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, outsider.pk, &bad), CTL_SREP_WRONG_TESTER);
	/* nothing refused went in */
	assert_false(ctl_srep_failing(&table, testee));
	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++)
		assert_false(table.w[i].used);
	/* the drawn tester: taken; the same again is a replay */
	assert_int_equal(ctl_srep_take(&table, &ctx, tester->pk, &r), CTL_SREP_TAKEN);
	assert_int_equal(ctl_srep_take(&table, &ctx, tester->pk, &r), CTL_SREP_DUPLICATE);
}

/* The registry's option storage-test-pairs, not the validator's own setting, decides
 * which testers are drawn. */
static void
test_registry_pairs(void **state)
{
	(void)state;
	struct ctl_stest_pair p[12];
	uint8_t hash[32];
	uint64_t h;
	size_t i = 0, k;
	struct ctl_srep r;

	/* a height whose second..12th pairs name a worker testee that pair 1 does not */
	for (h = HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1; h <= HEIGHT; h++) {
		block_hash(h, hash);
		k = ctl_stest_pairs(MEMBERS, hash, 12, p);
		for (i = 1; i < k; i++)
			if (p[i].testee < 4 && p[i].tester != p[0].tester)
				break;
		if (i < k)
			break;
	}
	assert_true(h <= HEIGHT);
	r = report(h, &members[p[i].tester], members[p[i].testee].pk, CTL_SREP_FAILED);
	ctl_srep_table_init(&table, 3);
	assert_int_equal(ctl_srep_take(&table, &ctx, r.tester, &r), CTL_SREP_WRONG_TESTER);
	reg.stest_pairs = 12; /* the log says 12: own pairs 1 no longer counts */
	assert_int_equal(ctl_srep_take(&table, &ctx, r.tester, &r), CTL_SREP_TAKEN);
	ctl_srep_table_init(&table, 3);
	ctx.pairs = 12; /* and the other way round: own 12, the log's 1 */
	reg.stest_pairs = 1;
	assert_int_equal(ctl_srep_take(&table, &ctx, r.tester, &r), CTL_SREP_WRONG_TESTER);
	reg.stest_pairs = 0;
	ctx.pairs = 1;
}

static void
test_take_heights(void **state)
{
	(void)state;
	uint64_t oldest = HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1; /* 71: the window's edge */
	struct ctl_stest_pair p = pair_at(oldest), q;
	struct ctl_srep r;

	ctl_srep_table_init(&table, 3);
	/* every member a worker here, so that the draw at the window's edge names a worker */
	reg.ep.cur.nw = MEMBERS;
	for (int i = 0; i < MEMBERS; i++)
		memcpy(reg.ep.cur.workers[i], members[i].pk, 32);
	/* 30 behind the last block and ahead of it: stale */
	r = report(oldest - 1, &members[0], members[1].pk, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[0].pk, &r), CTL_SREP_STALE_HEIGHT);
	r = report(HEIGHT + 1, &members[0], members[1].pk, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[0].pk, &r), CTL_SREP_STALE_HEIGHT);
	/* a height skipped inside the window */
	q = pair_at(HEIGHT - 1);
	r = report(HEIGHT - 1, &members[q.tester], members[q.testee].pk, CTL_SREP_FAILED);
	reg.recent[(HEIGHT - 1) % CTL_REGISTRY_RECENT_BLOCKS].have = false;
	assert_int_equal(ctl_srep_take(&table, &ctx, members[q.tester].pk, &r),
			 CTL_SREP_STALE_HEIGHT);
	reg.recent[(HEIGHT - 1) % CTL_REGISTRY_RECENT_BLOCKS].have = true;
	/* the oldest height of the window: taken */
	r = report(oldest, &members[p.tester], members[p.testee].pk, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[p.tester].pk, &r), CTL_SREP_TAKEN);
	/* the newest: taken; then the oldest again, from the same tester, is older */
	q = pair_at(HEIGHT);
	r = report(HEIGHT, &members[q.tester], members[q.testee].pk, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[q.tester].pk, &r), CTL_SREP_TAKEN);
	reg.ep.cur.nw = 4;
}

static void
test_take_not_worker(void **state)
{
	(void)state;
	struct ctl_srep r;
	uint64_t h;
	struct ctl_stest_pair p;

	ctl_srep_table_init(&table, 3);
	/* a height whose testee is a swarm member but no worker (members 4, 5) */
	for (h = HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1; h <= HEIGHT; h++)
		if (pair_at(h).testee >= 4)
			break;
	assert_true(h <= HEIGHT);
	p = pair_at(h);
	r = report(h, &members[p.tester], members[p.testee].pk, CTL_SREP_FAILED);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[p.tester].pk, &r),
			 CTL_SREP_NOT_WORKER);
	/* a worker, but of a quorum this node does not validate */
	h = height_with_worker_testee(HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1);
	p = pair_at(h);
	r = report(h, &members[p.tester], members[p.testee].pk, CTL_SREP_FAILED);
	memcpy(reg.ep.cur.validators[1], outsider.pk, 32);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[p.tester].pk, &r),
			 CTL_SREP_NOT_WORKER);
	/* ... and of the previous epoch's quorum, which it does validate: taken */
	reg.ep.prev = reg.ep.cur;
	reg.ep.prev.epoch = EPOCH - 1;
	memcpy(reg.ep.prev.validators[1], self.pk, 32);
	assert_int_equal(ctl_srep_take(&table, &ctx, members[p.tester].pk, &r), CTL_SREP_TAKEN);
	/* the validators a tester sends to: both quorums', once each */
	{
		uint8_t to[2 * CTL_QUORUM_VALIDATORS][32];

		assert_int_equal(ctl_srep_validators_of(&reg, members[p.testee].pk, to), 3);
		assert_int_equal(ctl_srep_validators_of(&reg, members[5].pk, to), 0);
	}
	memcpy(reg.ep.cur.validators[1], self.pk, 32);
	memset(&reg.ep.prev, 0, sizeof(reg.ep.prev));
}

static void
test_table_full(void **state)
{
	(void)state;
	struct ctl_srep r = {.height = 80, .result = CTL_SREP_FAILED};
	uint64_t h = height_with_worker_testee(HEIGHT - CTL_REGISTRY_RECENT_BLOCKS + 1);
	struct ctl_stest_pair p = pair_at(h);
	struct ctl_srep ok = report(h, &members[p.tester], members[p.testee].pk, CTL_SREP_FAILED);

	ctl_srep_table_init(&table, 3);
	memcpy(r.tester, members[0].pk, 32);
	for (int i = 0; i < CTL_SREP_WORKERS_MAX; i++) {
		memset(r.testee, 0, 32);
		r.testee[0] = (uint8_t)i;
		r.testee[1] = 0xee;
		assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN);
	}
	r.testee[0] = 0xff; /* one more */
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TABLE_FULL);
	r.testee[0] = 7; /* one held: still taken */
	r.height++;
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN);
	/* a checked report makes room: none of those keys is a quorum's worker any more */
	assert_int_equal(ctl_srep_take(&table, &ctx, members[p.tester].pk, &ok), CTL_SREP_TAKEN);
	r.testee[0] = 7;
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN); /* dropped, anew */
}

/* Reports of one worker straight into the table (the checks are above). */
static void
add(uint64_t h, const struct key *tester, uint8_t result)
{
	struct ctl_srep r = {.height = h, .result = result};

	memcpy(r.testee, members[3].pk, 32);
	memcpy(r.tester, tester->pk, 32);
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN);
}

static void
test_two_distinct_testers(void **state)
{
	(void)state;
	const uint8_t *w = members[3].pk;
	const struct key *a = &members[0], *b = &members[1];
	uint64_t h = 10;

	ctl_srep_table_init(&table, 3); /* failing: 3 of the last 6 failed, 2+ testers */
	assert_false(ctl_srep_failing(NULL, w));
	/* one tester alone never makes a node fail, however many reports */
	for (int i = 0; i < 10; i++)
		add(h++, a, CTL_SREP_FAILED);
	assert_false(ctl_srep_failing(&table, w));
	/* a second tester's failure: A's five and B's one */
	add(h++, b, CTL_SREP_FAILED);
	assert_true(ctl_srep_failing(&table, w));
	assert_int_equal(ctl_srep_failing_count(&table), 1);
	for (int i = 0; i < 5; i++)
		add(h++, a, CTL_SREP_FAILED); /* B's failure still in the last 6 */
	assert_true(ctl_srep_failing(&table, w));
	add(h++, a, CTL_SREP_FAILED); /* A's six: one tester's only */
	assert_false(ctl_srep_failing(&table, w));
	assert_int_equal(ctl_srep_failing_count(&table), 0);
}

/* Passes: a recovered node stops failing after N + 1 passes in a row, and one
 * tester reporting passes for a failing node cannot keep it passing. */
static void
test_passes_in_the_window(void **state)
{
	(void)state;
	const uint8_t *w = members[3].pk;
	const struct key *a = &members[0], *b = &members[1], *c = &members[2];
	uint64_t h = 100;

	ctl_srep_table_init(&table, 3);
	/* at the edge: 2 failures of 2 testers among 6 are one short of 3 */
	add(h++, a, CTL_SREP_FAILED);
	add(h++, b, CTL_SREP_FAILED);
	add(h++, c, CTL_SREP_PASSED);
	assert_false(ctl_srep_failing(&table, w));
	add(h++, a, CTL_SREP_FAILED); /* F F P F */
	assert_true(ctl_srep_failing(&table, w));
	/* a colluding tester C passes between every honest failure: still failing */
	for (int i = 0; i < 6; i++) {
		add(h++, c, CTL_SREP_PASSED);
		add(h++, (i & 1) ? a : b, CTL_SREP_FAILED);
		assert_true(ctl_srep_failing(&table, w));
	}
	/* recovered after 6 failures in a row: 3 passes keep 3 failures in the last 6,
	 * the 4th pass (N + 1) leaves 2 */
	for (int i = 0; i < 6; i++)
		add(h++, (i & 1) ? a : b, CTL_SREP_FAILED);
	for (int i = 0; i < 3; i++) {
		add(h++, a, CTL_SREP_PASSED);
		assert_true(ctl_srep_failing(&table, w));
	}
	add(h++, b, CTL_SREP_PASSED);
	assert_false(ctl_srep_failing(&table, w));

	/* N = 1 counts as 2 (window 4): one report is one tester */
	ctl_srep_table_init(&table, 1);
	add(h++, a, CTL_SREP_FAILED);
	assert_false(ctl_srep_failing(&table, w));
	add(h++, b, CTL_SREP_FAILED);
	assert_true(ctl_srep_failing(&table, w));
	/* N = 0: never */
	ctl_srep_table_init(&table, 0);
	add(h++, a, CTL_SREP_FAILED);
	add(h++, b, CTL_SREP_FAILED);
	assert_false(ctl_srep_failing(&table, w));
	/* N at its maximum: the window is 2,000 reports */
	ctl_srep_table_init(&table, CTL_SREP_FAILURES_MAX);
	for (int i = 0; i < CTL_SREP_FAILURES_MAX - 1; i++)
		add(h++, (i & 1) ? a : b, CTL_SREP_FAILED);
	for (int i = 0; i < CTL_SREP_FAILURES_MAX; i++)
		add(h++, c, CTL_SREP_PASSED);
	assert_false(ctl_srep_failing(&table, w)); /* 999 of 1,999 */
	add(h++, a, CTL_SREP_FAILED);
	assert_true(ctl_srep_failing(&table, w)); /* 1,000 of 2,000 */
	add(h++, c, CTL_SREP_PASSED);
	assert_false(ctl_srep_failing(&table, w)); /* the oldest failure left the window */
}

static void
test_same_height(void **state)
{
	(void)state;
	struct ctl_srep r = {.height = 50, .result = CTL_SREP_FAILED};

	ctl_srep_table_init(&table, 3);
	memcpy(r.testee, members[3].pk, 32);
	/* k pairs a height: testers differ at one height, each once */
	for (int i = 0; i < CTL_SREP_SAME_HEIGHT_MAX; i++) {
		memset(r.tester, 0, 32);
		r.tester[0] = (uint8_t)(i + 1);
		assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN);
		assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_DUPLICATE);
	}
	r.tester[0] = 0xfe; /* one more than pairs can name at one height */
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_DUPLICATE);
	r.height--; /* older */
	r.tester[0] = 0xfd;
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_DUPLICATE);
	r.height += 2; /* newer: the list starts again */
	r.tester[0] = 1;
	assert_int_equal(ctl_srep_table_add(&table, &r), CTL_SREP_TAKEN);
}

static void
test_vote_hook(void **state)
{
	(void)state;
	struct ctl_vote v;
	struct ctl_vote_conf vc = {.reach = (ctl_vote_reach_fn *)(uintptr_t)1,
				   .send = (ctl_vote_send_fn *)(uintptr_t)1,
				   .submit = (ctl_vote_submit_fn *)(uintptr_t)1,
				   .fail_after_ms = 1000000,
				   .sreport = &table};

	ctl_srep_table_init(&table, 2);
	assert_int_equal(ctl_vote_init(&v, &vc, 5000), 0);
	add(60, &members[0], CTL_SREP_FAILED);
	assert_false(ctl_vote_should_fail(&v, members[3].pk, 5001)); /* grace: reach not asked */
	add(61, &members[1], CTL_SREP_FAILED);
	assert_true(ctl_vote_should_fail(&v, members[3].pk, 5001)); /* reports: no grace */
	add(62, &members[1], CTL_SREP_PASSED);
	add(63, &members[1], CTL_SREP_PASSED);
	assert_true(ctl_vote_should_fail(&v, members[3].pk, 5001)); /* 2 of the last 4 */
	add(64, &members[1], CTL_SREP_PASSED);
	assert_false(ctl_vote_should_fail(&v, members[3].pk, 5001));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_signature_binds_every_field),
		cmocka_unit_test(test_take_checks),
		cmocka_unit_test(test_take_heights),
		cmocka_unit_test(test_take_not_worker),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_registry_pairs),
		cmocka_unit_test(test_two_distinct_testers),
		cmocka_unit_test(test_passes_in_the_window),
		cmocka_unit_test(test_same_height),
		cmocka_unit_test(test_vote_hook),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
