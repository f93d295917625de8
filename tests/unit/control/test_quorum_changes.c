/* SPDX-License-Identifier: MIT */
/* Recommission and deregister (control/quorum_vote.c, quorum_vote_decide.c,
 * registry_credit.c; docs/quorums.md): 20 nodes, each a ctl_vote, exchanging votes over an
 * in-memory bus against one replayed registry with blocks of 1200 s (2 h of credit = 6
 * blocks). A failing worker is decommissioned; while it fails and has credit nobody votes;
 * once it passes it is recommissioned by 7 votes and the registry applies the record; failing
 * again with less than the 2 h minimum it is deregistered at once; a decommissioned worker
 * whose credit runs out is deregistered. The registry refuses these records on the wrong
 * line (another change), with another epoch, and with 6 signatures. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>

#include "quorum_nodes.h"
#include "quorum_vote.h"

enum {
	NODES = QN_NODES,
	FAIL_AFTER = 1000,
	LINES = 64,
};

static struct ctl_registry reg;
static struct ctl_vote votes[NODES];
static uint8_t worker[32]; /* the node tested */
static bool worker_up;	   /* it passes */
static char lines[LINES][CTL_REGISTRY_RECORD_LINE_MAX];
static size_t nlines;

static int
apply(const char *line, char *why, size_t whylen)
{
	return ctl_registry_apply_line(&reg, line, why, whylen);
}

static void
must_apply(const char *line)
{
	char why[200];

	if (apply(line, why, sizeof(why)) != 0)
		fail_msg("%s: %s", line, why);
}

static bool
reach(void *arg, const uint8_t key[32], uint64_t now_ms, uint64_t *unreachable_for)
{
	(void)arg;
	(void)now_ms;
	*unreachable_for = UINT64_MAX;
	return !worker_up && memcmp(key, worker, 32) == 0;
}

static bool
pass(void *arg, const uint8_t key[32], uint64_t now_ms)
{
	(void)arg;
	(void)now_ms;
	return worker_up && memcmp(key, worker, 32) == 0;
}

static int
send_vote(void *arg, const uint8_t peer[32], const uint8_t *body, size_t len)
{
	int to = qn_node_of(peer);

	assert_true(to >= 0);
	(void)ctl_vote_receive(&votes[to], arg, body, len);
	return 0;
}

static int
submit(void *arg, const char *line)
{
	(void)arg;
	assert_true(nlines < LINES);
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
	return 0;
}

static void
block(uint64_t h)
{
	char line[QN_LINE_MAX];

	qn_block_line(h, line);
	must_apply(line);
	for (int i = 0; i < NODES; i++)
		ctl_vote_on_registry(&votes[i], &reg);
}

/* Every node runs a round; the lines submitted (cleared first). */
static size_t
round_all(void)
{
	nlines = 0;
	for (int i = 0; i < NODES; i++)
		ctl_vote_round(&votes[i], FAIL_AFTER);
	return nlines;
}

/* The first submitted line that the registry applies at its next height, then its block. */
static const char *
apply_first_submitted(const char *verb)
{
	uint64_t h = reg.height + 1;

	for (size_t i = 0; i < nlines; i++) {
		char why[200];

		if (strncmp(lines[i], verb, strlen(verb)) != 0)
			continue;
		if (apply(lines[i], why, sizeof(why)) == 0) {
			block(h);
			return lines[i];
		}
	}
	fail_msg("no %s line applies (%zu submitted)", verb, nlines);
	return NULL;
}

static uint8_t
status_of(const uint8_t key[32])
{
	const struct ctl_registry_node *nd = ctl_registry_find(&reg, key);

	return nd != NULL ? (uint8_t)nd->status : 0;
}

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	ctl_registry_init(&reg);
	must_apply("option epoch-blocks 4");
	must_apply("option block-seconds 1200");
	qn_keys();
	for (int i = 0; i < NODES; i++) {
		char line[QN_LINE_MAX];

		qn_register_line(i, 1, line);
		must_apply(line);
	}
	for (int i = 0; i < NODES; i++) {
		struct ctl_vote_conf c = {.fail_after_ms = FAIL_AFTER,
					  .reach = reach,
					  .send = send_vote,
					  .submit = submit,
					  .pass = pass};

		assert_int_equal(snc_identity_from_seed(&c.id, qn_seeds[i]), 0);
		assert_int_equal(ctl_vote_init(&votes[i], &c, 0), 0);
		votes[i].conf.send_arg = votes[i].conf.id.ed25519_pk;
	}
	block(1);
	block(4); /* epoch 1: 10 validators, the 10 others its workers */
	assert_int_equal(reg.ep.cur.nw, 10);
	memcpy(worker, reg.ep.cur.workers[3], 32);
	worker_up = false;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NODES; i++)
		ctl_vote_wipe(&votes[i]);
	ctl_registry_free(&reg);
	return 0;
}

/* Decommissioned at height 5 with 6 blocks of credit (2 h: the initial credit, nothing
 * earned in 4 blocks). */
static char decomm_line[CTL_REGISTRY_RECORD_LINE_MAX];

/* A register line for node key at height h, as setup writes them. */
static void
reregister(const uint8_t key[32], uint64_t h)
{
	int i = qn_node_of(key);
	char line[QN_LINE_MAX];

	assert_true(i >= 0);
	qn_register_line(i, h, line);
	must_apply(line);
}

static void
decommission(void)
{
	const struct ctl_registry_node *nd;

	assert_true(round_all() >= 1);
	snprintf(decomm_line, sizeof(decomm_line), "%s", apply_first_submitted("decommission "));
	assert_int_equal(status_of(worker), CTL_REGISTRY_DECOMMISSIONED);
	nd = ctl_registry_find(&reg, worker);
	assert_int_equal(nd->decomm_credit, 6);
	assert_int_equal(nd->decomm_height, 5);
}

/* "<verb> <key> <height> <record>": the record */
static const char *
record_of(const char *line)
{
	const char *p = line;

	for (int i = 0; i < 3; i++)
		p = strchr(p, ' ') + 1;
	return p;
}

/* A validly signed vote for a change the worker's status does not call for (the
 * recommission of an active worker) is refused and counted, not kept: such votes
 * could otherwise fill the slots the real ones need. */
static void
test_unwanted_vote_refused(void **state)
{
	const struct ctl_quorum *q = &reg.ep.cur;
	uint8_t msg[CTL_QUORUM_VOTE_MSG], sig[CTL_QUORUM_SIG], body[CTL_VOTE_WIRE], sk[64], pk0[32];
	int from = qn_node_of(q->validators[0]), to = qn_node_of(q->validators[1]);

	(void)state;
	assert_true(from >= 0 && to >= 0);
	assert_int_equal(status_of(worker), CTL_REGISTRY_ACTIVE);
	crypto_sign_seed_keypair(pk0, sk, qn_seeds[from]);
	ctl_quorum_vote_message(msg, CTL_QUORUM_RECOMMISSION, worker, q->epoch);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	ctl_vote_encode(body, CTL_QUORUM_RECOMMISSION, q->epoch, worker, 0, sig);
	assert_int_equal(ctl_vote_receive(&votes[to], pk0, body, sizeof(body)), -EINVAL);
	assert_int_equal(votes[to].st.unwanted, 1);
	assert_int_equal(votes[to].st.received, 0);
	/* the same validator's decommission vote of that worker is kept */
	ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, worker, q->epoch);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	ctl_vote_encode(body, CTL_QUORUM_DECOMMISSION, q->epoch, worker, 0, sig);
	assert_int_equal(ctl_vote_receive(&votes[to], pk0, body, sizeof(body)), 0);
	assert_int_equal(votes[to].st.received, 1);
	assert_int_equal(votes[to].st.unwanted, 1);
	sodium_memzero(sk, sizeof(sk));
}

static void
test_recommission_then_deregister(void **state)
{
	static char recomm[CTL_REGISTRY_RECORD_LINE_MAX];
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[200], key[65];
	uint64_t records;

	(void)state;
	sodium_bin2hex(key, sizeof(key), worker, 32);
	decommission();
	/* still failing, credit 5 at height 6: nobody votes */
	assert_int_equal(round_all(), 0);
	/* it passes: recommission votes, a record, applied */
	worker_up = true;
	assert_true(round_all() >= 1);
	records = reg.records;
	snprintf(recomm, sizeof(recomm), "%s", apply_first_submitted("recommission "));
	assert_int_equal(status_of(worker), CTL_REGISTRY_ACTIVE);
	assert_int_equal(reg.records, records + 1);
	/* 6 - 2 * 1 blocks down = 4 carried: below the 2 h minimum of 6 */
	assert_int_equal(ctl_registry_find(&reg, worker)->carried, 4);
	/* the same record again: the registry's state rules first */
	snprintf(line, sizeof(line), "recommission %s %" PRIu64 " %s", key, reg.height + 1,
		 record_of(recomm));
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "is not decommissioned"));
	/* the recommission record on a deregister line: signed for another change */
	snprintf(line, sizeof(line), "deregister %s %" PRIu64 " %s", key, reg.height + 1,
		 record_of(recomm));
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "does not verify"));
	/* the decommission record of the same epoch again: a replay (the same bytes whoever
	 * assembles them), refused; the validators dropped its votes (nothing resent) */
	snprintf(line, sizeof(line), "decommission %s %" PRIu64 " %s", key, reg.height + 1,
		 record_of(decomm_line));
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "is a replay"));
	/* passing and active: nothing to vote, nothing resubmitted */
	assert_int_equal(round_all(), 0);
	/* failing again with 4 blocks of credit: deregistered, not decommissioned */
	worker_up = false;
	assert_true(round_all() >= 1);
	for (size_t i = 0; i < nlines; i++)
		assert_int_equal(strncmp(lines[i], "deregister ", 11), 0);
	snprintf(recomm, sizeof(recomm), "%s", apply_first_submitted("deregister "));
	assert_int_equal(status_of(worker), 0);
	assert_int_equal(reg.n, NODES - 1);
	assert_int_equal(ctl_registry_count(&reg, CTL_REGISTRY_ACTIVE), NODES - 1);
	/* the key registers again: the old deregister record (its epoch still kept) is
	 * refused, it was made for the earlier registration */
	reregister(worker, reg.height + 1);
	block(reg.height + 1);
	snprintf(line, sizeof(line), "deregister %s %" PRIu64 " %s", key, reg.height + 1,
		 record_of(recomm));
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "was made before that"));
	assert_int_equal(status_of(worker), CTL_REGISTRY_ACTIVE);
}

static void
test_deregister_when_credit_runs_out(void **state)
{
	uint64_t h;

	(void)state;
	decommission();
	/* credit 6 at height 5: 0 left at 11, nobody votes through block 10 */
	for (h = 6; h <= 10; h++) {
		assert_int_equal(round_all(), 0);
		block(h);
	}
	assert_int_equal(ctl_registry_credit(&reg, ctl_registry_find(&reg, worker), 11), 0);
	assert_int_equal(round_all(), 0);
	block(11);
	/* -1 at 12: the validators of epoch 2 (the worker is one of its workers: decommissioned
	 * nodes are never validators, and 10 workers take every other node) vote it out; those
	 * of epoch 1 too, whose record the registry no longer keeps */
	assert_int_equal(ctl_registry_credit(&reg, ctl_registry_find(&reg, worker), 12), -1);
	assert_true(ctl_quorum_worker_index(&reg.ep.cur, worker) >= 0);
	assert_true(round_all() >= 1);
	(void)apply_first_submitted("deregister ");
	assert_null(ctl_registry_find(&reg, worker));
	assert_int_equal(ctl_registry_count(&reg, CTL_REGISTRY_DECOMMISSIONED), 0);
}

/* Records verified and refused at replay: another change, another epoch, 6 signatures. */
static void
test_records_refused(void **state)
{
	static char dec[CTL_REGISTRY_RECORD_LINE_MAX], rec6[CTL_REGISTRY_RECORD_LINE_MAX];
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[200], key[65];
	const char *r;
	char *cut;
	int commas = 0;

	(void)state;
	sodium_bin2hex(key, sizeof(key), worker, 32);
	decommission();
	worker_up = true;
	assert_true(round_all() >= 1);
	snprintf(dec, sizeof(dec), "%s", lines[0]); /* a recommission line, not applied */
	assert_int_equal(strncmp(dec, "recommission ", 13), 0);
	r = record_of(dec);
	/* on a decommission line: the state rule first */
	snprintf(line, sizeof(line), "decommission %s 6 %s", key, r);
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "already decommissioned"));
	/* on a deregister line: the change is in what was signed */
	snprintf(line, sizeof(line), "deregister %s 6 %s", key, r);
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "signature of validator"));
	/* another quorum: epoch 0 had no workers, epoch 2 is not reached */
	assert_int_equal(strncmp(r, "1,", 2), 0);
	snprintf(line, sizeof(line), "recommission %s 6 0%s", key, r + 1);
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	/* (epoch 0 is that of the registrations: drawn before them, empty) */
	assert_non_null(strstr(why, "was made before that"));
	snprintf(line, sizeof(line), "recommission %s 6 2%s", key, r + 1);
	assert_int_equal(apply(line, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "quorum of epoch 2 is not kept"));
	/* 6 signatures */
	snprintf(rec6, sizeof(rec6), "recommission %s 6 %s", key, r);
	for (cut = strchr(rec6, ','); cut != NULL && commas < 6; cut = strchr(cut + 1, ','))
		commas++;
	if (cut != NULL)
		*cut = '\0'; /* "1," and 6 votes */
	assert_int_equal(apply(rec6, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "6 signatures, 7 needed"));
	/* nothing of that changed the node; the record itself still applies */
	assert_int_equal(status_of(worker), CTL_REGISTRY_DECOMMISSIONED);
	snprintf(line, sizeof(line), "recommission %s 6 %s", key, r);
	assert_int_equal(apply(line, why, sizeof(why)), 0);
}

/* A vote restored (after a restart) is resent and counts; a forged or stale one does not. */
static void
test_restore(void **state)
{
	struct ctl_vote *v = NULL;
	uint8_t msg[CTL_QUORUM_VOTE_MSG], sig[64];
	int me = -1;

	(void)state;
	for (int i = 0; i < NODES && v == NULL; i++)
		if ((me = ctl_quorum_validator_index(&reg.ep.cur, qn_pk[i])) >= 0)
			v = &votes[i];
	assert_non_null(v);
	ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, worker, 1);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), v->conf.id.ed25519_sk);
	assert_int_equal(ctl_vote_restore(v, CTL_QUORUM_DECOMMISSION, 0, worker, (uint8_t)me, sig),
			 -ESTALE); /* epoch 0: not kept */
	assert_int_equal(ctl_vote_restore(v, CTL_QUORUM_DECOMMISSION, 1, worker,
					  (uint8_t)((me + 1) % 10), sig),
			 -ESTALE); /* not this node's index */
	assert_int_equal(ctl_vote_restore(v, CTL_QUORUM_RECOMMISSION, 1, worker, (uint8_t)me, sig),
			 -EINVAL); /* signed for another change */
	assert_int_equal(ctl_vote_restore(v, CTL_QUORUM_DECOMMISSION, 1, worker, (uint8_t)me, sig),
			 0);
	/* the restored vote is resent at the next round, before this node judges anyone */
	v->started_ms = FAIL_AFTER; /* just restarted */
	nlines = 0;
	ctl_vote_round(v, FAIL_AFTER);
	assert_true(v->st.sent >= 9);
	assert_int_equal(v->st.made, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recommission_then_deregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deregister_when_credit_runs_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_records_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwanted_vote_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
