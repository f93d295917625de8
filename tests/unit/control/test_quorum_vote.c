/* SPDX-License-Identifier: MIT */
/* control/quorum_vote.c: the 10 validators of a real replayed quorum, each a
 * ctl_vote, exchanging votes over an in-memory bus. A silent worker gets 7
 * votes, the record lands in the registry's pending queue (a file, through
 * registry_append's ctl_registry_pending_put) for the next block, and that
 * line is accepted by the registry that drew the quorum; nothing is voted
 * before fail-after, nor for a worker that answers or is decommissioned.
 * Every refusal of a received vote is counted; a failed append is retried. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>
#include <unistd.h>

#include "quorum_nodes.h"
#include "quorum_vote.h"
#include "registry_append.h"

enum {
	NODES = QN_NODES,
	FAIL_AFTER = 1000
};

static struct ctl_registry reg;
static struct ctl_quorum q1; /* epoch 1's, copied: the registry's moves */
static const struct ctl_quorum *q = &q1;
static struct ctl_vote votes[CTL_QUORUM_VALIDATORS];
static uint8_t silent[32]; /* the failing worker */
static char dir[64], pending[128], regpath[128];
static struct ctl_registry_spec spec; /* the queue: regpath.pending */
static bool submit_down;
static bool bus_down;

static void
apply(const char *line)
{
	char why[200];

	if (ctl_registry_apply_line(&reg, line, why, sizeof(why)) != 0)
		fail_msg("%s: %s", line, why);
}

/* reach: only the silent worker fails, unreachable for as long as asked */
static bool
reach(void *arg, const uint8_t key[32], uint64_t now_ms, uint64_t *unreachable_for)
{
	(void)arg;
	(void)now_ms;
	*unreachable_for = UINT64_MAX;
	return memcmp(key, silent, 32) == 0;
}

/* send: straight into the validator's ctl_vote (the DIRECT layer names the sender) */
static int
send_vote(void *arg, const uint8_t peer[32], const uint8_t *body, size_t len)
{
	const uint8_t *from = arg;
	int to = ctl_quorum_validator_index(q, peer);

	if (bus_down)
		return -ENOTCONN;
	assert_true(to >= 0);
	(void)ctl_vote_receive(&votes[to], from, body, len);
	return 0;
}

/* the snode-control side: the registry's pending queue */
static int
submit_pending(void *arg, const char *line)
{
	char err[200];

	(void)arg;
	if (submit_down)
		return -EIO;
	return ctl_registry_pending_put(&spec, &line, 1, err, sizeof(err));
}

static void
block(uint64_t h)
{
	char line[QN_LINE_MAX];

	qn_block_line(h, line);
	apply(line);
}

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	make_tmpdir(dir, sizeof(dir));
	snprintf(pending, sizeof(pending), "%s/registry.pending", dir);
	snprintf(regpath, sizeof(regpath), "%s/registry", dir);
	{
		char err[200];

		assert_int_equal(ctl_registry_spec_parse(regpath, &spec, err, sizeof(err)), 0);
	}
	ctl_registry_init(&reg);
	apply("option epoch-blocks 4");
	qn_keys();
	for (int i = 0; i < NODES; i++) {
		char line[QN_LINE_MAX];

		qn_register_line(i, 1, line);
		apply(line);
	}
	block(1);
	block(4); /* epoch 1: 10 validators, 10 workers */
	assert_non_null(ctl_registry_quorum(&reg, 1));
	q1 = *ctl_registry_quorum(&reg, 1);
	assert_int_equal(q->nw, 10);
	memcpy(silent, q->workers[3], 32);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++) {
		struct ctl_vote_conf c = {.fail_after_ms = FAIL_AFTER,
					  .reach = reach,
					  .send = send_vote,
					  .submit = submit_pending};

		assert_int_equal(
			snc_identity_from_seed(&c.id, qn_seeds[qn_node_of(q->validators[i])]), 0);
		c.send_arg = votes[i].conf.id.ed25519_pk; /* set again below, after init */
		assert_int_equal(ctl_vote_init(&votes[i], &c, 0), 0);
		votes[i].conf.send_arg = votes[i].conf.id.ed25519_pk;
		ctl_vote_on_registry(&votes[i], &reg);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_wipe(&votes[i]);
	ctl_registry_free(&reg);
	unlink(pending);
	rmdir(dir);
	return 0;
}

static size_t
pending_lines(char lines[][CTL_REGISTRY_RECORD_LINE_MAX], size_t max)
{
	FILE *f = fopen(pending, "r");
	size_t n = 0;

	if (f == NULL)
		return 0;
	while (n < max && fgets(lines[n], CTL_REGISTRY_RECORD_LINE_MAX, f) != NULL)
		n++;
	fclose(f);
	return n;
}

static void
test_init_refusals(void **state)
{
	struct ctl_vote v;
	struct ctl_vote_conf c = {.reach = reach, .send = send_vote};

	(void)state;
	assert_int_equal(ctl_vote_init(&v, &c, 0), -EINVAL); /* no submit */
	c.submit = submit_pending;
	c.reach = NULL;
	assert_int_equal(ctl_vote_init(&v, &c, 0), -EINVAL);
	c.reach = reach;
	c.send = NULL;
	assert_int_equal(ctl_vote_init(&v, &c, 0), -EINVAL);
	c.send = send_vote;
	assert_int_equal(ctl_vote_init(&v, &c, 0), 0);
	assert_int_equal(v.conf.fail_after_ms, CTL_VOTE_FAIL_AFTER_MS);
}

static void
test_wire(void **state)
{
	uint8_t body[CTL_VOTE_WIRE], w[32], sig[64], w2[32], sig2[64], idx;
	enum ctl_quorum_change c;
	uint64_t e;

	(void)state;
	memset(w, 7, 32);
	memset(sig, 9, 64);
	ctl_vote_encode(body, CTL_QUORUM_RECOMMISSION, 0x0102030405060708ull, w, 4, sig);
	assert_int_equal(body[0], 'V');
	assert_int_equal(ctl_vote_decode(body, sizeof(body), &c, &e, w2, &idx, sig2), 0);
	assert_int_equal(c, CTL_QUORUM_RECOMMISSION);
	assert_true(e == 0x0102030405060708ull);
	assert_int_equal(idx, 4);
	assert_memory_equal(w2, w, 32);
	assert_memory_equal(sig2, sig, 64);
	assert_int_equal(ctl_vote_decode(body, sizeof(body) - 1, &c, &e, w2, &idx, sig2), -EINVAL);
	body[1] = CTL_QUORUM_DEREGISTER; /* the last change */
	assert_int_equal(ctl_vote_decode(body, sizeof(body), &c, &e, w2, &idx, sig2), 0);
	assert_int_equal(c, CTL_QUORUM_DEREGISTER);
	body[1] = CTL_QUORUM_DEREGISTER + 1;
	assert_int_equal(ctl_vote_decode(body, sizeof(body), &c, &e, w2, &idx, sig2), -EINVAL);
	body[1] = 0;
	assert_int_equal(ctl_vote_decode(body, sizeof(body), &c, &e, w2, &idx, sig2), -EINVAL);
	body[1] = CTL_QUORUM_DECOMMISSION;
	body[0] = '{';
	assert_int_equal(ctl_vote_decode(body, sizeof(body), &c, &e, w2, &idx, sig2), -EINVAL);
}

static void
test_silent_worker_voted_out(void **state)
{
	static char lines[16][CTL_REGISTRY_RECORD_LINE_MAX];
	char key[65], line[CTL_REGISTRY_RECORD_LINE_MAX], why[200];
	size_t n;

	(void)state;
	/* a clock set back before the start judges nobody */
	votes[0].started_ms = 50;
	assert_false(ctl_vote_should_fail(&votes[0], silent, 10));
	votes[0].started_ms = 0;
	assert_true(ctl_vote_should_fail(&votes[0], silent, FAIL_AFTER));
	/* before fail-after nobody is judged */
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER - 1);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		assert_int_equal(votes[i].st.made, 0);
	/* six validators vote: no record yet */
	for (int i = 0; i < 6; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER);
	assert_int_equal(pending_lines(lines, 16), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(votes[i].st.made, 1); /* the silent worker only */
	assert_int_equal(votes[9].st.received, 6);
	/* the seventh: every validator holds 7, and each submits once */
	ctl_vote_round(&votes[6], FAIL_AFTER);
	n = pending_lines(lines, 16);
	assert_int_equal(n, CTL_QUORUM_VALIDATORS);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		assert_int_equal(votes[i].st.submitted, 1);
	sodium_bin2hex(key, sizeof(key), silent, 32);
	snprintf(line, sizeof(line), "decommission %s 5 ", key); /* for the next block */
	assert_memory_equal(lines[0], line, strlen(line));
	/* the producer's step: the line as queued; the registry accepts the record */
	memcpy(line, lines[0], strlen(lines[0]) + 1);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(ctl_registry_apply_line(&reg, line, why, sizeof(why)), 0);
	assert_int_equal(ctl_registry_find(&reg, silent)->status, CTL_REGISTRY_DECOMMISSIONED);
	assert_int_equal(reg.records, 1);
	/* a second copy is refused by the state rule */
	assert_int_equal(ctl_registry_apply_line(&reg, line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "already decommissioned"));
	block(5);
	/* later rounds: submitted, nothing more; the decommissioned worker gets no vote */
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_on_registry(&votes[i], &reg);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER * 2);
	assert_int_equal(pending_lines(lines, 16), CTL_QUORUM_VALIDATORS);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		assert_true(votes[i].st.made <= 1);
}

static void
test_receive_refusals(void **state)
{
	struct ctl_vote *v = &votes[0];
	uint8_t body[CTL_VOTE_WIRE], msg[CTL_QUORUM_VOTE_MSG], sig[64], sk[64], p[32];
	int signer = qn_node_of(q->validators[1]);
	uint64_t refused = v->st.refused;

	(void)state;
	crypto_sign_seed_keypair(p, sk, qn_seeds[signer]);
	ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, q->workers[0], 1);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 1, q->workers[0], 1, sig);
	/* sent by another node than validator 1 */
	assert_int_equal(ctl_vote_receive(v, q->validators[2], body, sizeof(body)), -EINVAL);
	/* an unknown epoch, an index beyond the validators, a worker not tested */
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 7, q->workers[0], 1, sig);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), -EINVAL);
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 1, q->workers[0], 10, sig);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), -EINVAL);
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 1, q->validators[5], 1, sig);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), -EINVAL);
	/* a signature over another worker */
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 1, q->workers[1], 1, sig);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), -EINVAL);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, 3), -EINVAL);
	assert_int_equal(v->st.refused, refused + 6);
	/* the good one, then again */
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, 1, q->workers[0], 1, sig);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), 0);
	assert_int_equal(ctl_vote_receive(v, q->validators[1], body, sizeof(body)), -EALREADY);
	assert_int_equal(v->st.duplicate, 1);
}

/* The pending file cannot be written: counted, retried with the next (resent) vote. */
static void
test_submit_retried(void **state)
{
	static char lines[2][CTL_REGISTRY_RECORD_LINE_MAX];

	uint64_t before = votes[9].st.submitted;

	(void)state;
	unlink(pending);
	memcpy(silent, q->workers[6], 32);
	bus_down = true; /* each validator keeps its own vote only */
	for (int i = 0; i < 7; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER * 3);
	bus_down = false;
	submit_down = true;
	for (int i = 0; i < 7; i++) /* resent: validator 9 reaches 7 and fails to queue */
		ctl_vote_round(&votes[i], FAIL_AFTER * 3);
	assert_true(votes[9].st.submit_failed >= 1);
	assert_int_equal(votes[9].st.submitted, before);
	submit_down = false;
	unlink(pending);
	ctl_vote_round(&votes[0], FAIL_AFTER * 3); /* a resend reaches 9: appended now */
	assert_int_equal(votes[9].st.submitted, before + 1);
	assert_true(pending_lines(lines, 2) >= 1);
}

static void
test_not_a_validator(void **state)
{
	struct ctl_vote v;
	struct ctl_vote_conf c = {
		.fail_after_ms = 1, .reach = reach, .send = send_vote, .submit = submit_pending};

	(void)state;
	assert_int_equal(snc_identity_from_seed(&c.id, qn_seeds[qn_node_of(q->workers[0])]), 0);
	assert_int_equal(ctl_vote_init(&v, &c, 0), 0);
	ctl_vote_on_registry(&v, &reg);
	ctl_vote_round(&v, 1000000);
	assert_int_equal(v.st.rounds, 0);
	assert_int_equal(v.st.made, 0);
	ctl_vote_wipe(&v);
}

/* Epoch 2 begins before a vote of epoch 1 is done: epoch 1's validators still vote on its
 * workers, and the record (epoch 1) is accepted in epoch 2. */
static void
test_previous_epoch(void **state)
{
	static char lines[16][CTL_REGISTRY_RECORD_LINE_MAX];
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[200], key[65], want[120];
	size_t n, k;

	(void)state;
	unlink(pending);
	memcpy(silent, q->workers[8], 32);
	block(8); /* epoch 2 */
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++) {
		ctl_vote_on_registry(&votes[i], &reg);
		assert_int_equal(votes[i].prev.epoch, 1);
	}
	for (int i = 0; i < 7; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER * 4);
	n = pending_lines(lines, 16);
	/* (the records of the workers voted on before, never applied, are queued again too) */
	sodium_bin2hex(key, sizeof(key), silent, 32);
	snprintf(want, sizeof(want), "decommission %s 9 1,", key); /* block 9, epoch 1 */
	for (k = 0; k < n && strncmp(lines[k], want, strlen(want)) != 0; k++)
		;
	assert_true(k < n);
	memcpy(line, lines[k], strlen(lines[k]) + 1);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(ctl_registry_apply_line(&reg, line, why, sizeof(why)), 0);
	assert_int_equal(ctl_registry_find(&reg, silent)->status, CTL_REGISTRY_DECOMMISSIONED);
	block(9);
}

static bool
has_line(char lines[][CTL_REGISTRY_RECORD_LINE_MAX], size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* A record the producer dropped (its block came without it) is queued again for the next
 * block while the worker is still active. */
static void
test_resubmitted(void **state)
{
	static char lines[256][CTL_REGISTRY_RECORD_LINE_MAX];
	char want[120], key[65];
	size_t n;

	(void)state;
	unlink(pending);
	memcpy(silent, q->workers[9], 32); /* still active */
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_on_registry(&votes[i], &reg); /* at block 9 */
	unlink(pending);			       /* (the earlier records, queued again) */
	for (int i = 0; i < 7; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER * 5);
	n = pending_lines(lines, 256);
	sodium_bin2hex(key, sizeof(key), silent, 32);
	snprintf(want, sizeof(want), "decommission %s 10 ", key);
	assert_true(has_line(lines, n, want));
	block(10); /* without it */
	unlink(pending);
	for (int i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		ctl_vote_on_registry(&votes[i], &reg);
	ctl_vote_round(&votes[0], FAIL_AFTER * 5); /* its resend makes every holder queue again */
	n = pending_lines(lines, 256);
	snprintf(want, sizeof(want), "decommission %s 11 ", key);
	assert_true(has_line(lines, n, want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_silent_worker_voted_out),
		cmocka_unit_test(test_receive_refusals),
		cmocka_unit_test(test_submit_retried),
		cmocka_unit_test(test_not_a_validator),
		cmocka_unit_test(test_previous_epoch),
		cmocka_unit_test(test_resubmitted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
