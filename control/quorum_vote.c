/* SPDX-License-Identifier: MIT */
/*
 * Obligations-quorum votes (quorum_vote.h, docs/quorums.md): decide, sign,
 * share, collect, and submit a record at 7 votes.
 */
#include "quorum_vote.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stest_report.h"
#include "storage_test.h"

int
ctl_vote_init(struct ctl_vote *v, const struct ctl_vote_conf *conf, uint64_t now_ms)
{
	memset(v, 0, sizeof(*v));
	if (conf->reach == NULL || conf->send == NULL || conf->submit == NULL)
		return -EINVAL;
	v->conf = *conf;
	if (v->conf.fail_after_ms == 0)
		v->conf.fail_after_ms = CTL_VOTE_FAIL_AFTER_MS;
	v->started_ms = now_ms;
	return 0;
}

void
ctl_vote_wipe(struct ctl_vote *v)
{
	snc_identity_wipe(&v->conf.id);
	sodium_memzero(v, sizeof(*v));
}

/* ---- wire --------------------------------------------------------------- */

void
ctl_vote_encode(uint8_t out[CTL_VOTE_WIRE], uint64_t epoch, const uint8_t worker[32], uint8_t index,
		const uint8_t sig[CTL_QUORUM_SIG])
{
	out[0] = CTL_VOTE_MAGIC;
	out[1] = CTL_QUORUM_DECOMMISSION;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)(epoch >> (8 * i));
	memcpy(out + 10, worker, 32);
	out[42] = index;
	memcpy(out + 43, sig, CTL_QUORUM_SIG);
}

int
ctl_vote_decode(const uint8_t *body, size_t len, uint64_t *epoch, uint8_t worker[32],
		uint8_t *index, uint8_t sig[CTL_QUORUM_SIG])
{
	/* only decommission votes exist today */
	if (len != CTL_VOTE_WIRE || body[0] != CTL_VOTE_MAGIC || body[1] != CTL_QUORUM_DECOMMISSION)
		return -EINVAL;
	*epoch = 0;
	for (int i = 7; i >= 0; i--)
		*epoch = *epoch << 8 | body[2 + i];
	memcpy(worker, body + 10, 32);
	*index = body[42];
	memcpy(sig, body + 43, CTL_QUORUM_SIG);
	return 0;
}

/* ---- quorums ------------------------------------------------------------ */

static const struct ctl_quorum *
quorum(const struct ctl_vote *v, uint64_t epoch)
{
	if (v->cur.valid && v->cur.epoch == epoch)
		return &v->cur;
	if (v->prev.valid && v->prev.epoch == epoch)
		return &v->prev;
	return NULL;
}

/* One line per new epoch: what this node is in its quorum. */
static void
log_role(const struct ctl_vote *v)
{
	int val = ctl_quorum_validator_index(&v->cur, v->conf.id.ed25519_pk);
	int work = ctl_quorum_worker_index(&v->cur, v->conf.id.ed25519_pk);

	char role[32] = "neither";

	if (val >= 0 || work >= 0)
		snprintf(role, sizeof(role), "%s %d", val >= 0 ? "validator" : "worker",
			 val >= 0 ? val : work);
	ctl_log(CTL_LOG_INFO, "quorum of epoch %llu: %u validators, %u workers; this node: %s",
		(unsigned long long)v->cur.epoch, v->cur.nv, v->cur.nw, role);
}

void
ctl_vote_on_registry(struct ctl_vote *v, const struct ctl_registry *reg)
{
	bool new_epoch = reg->ep.cur.valid && (!v->cur.valid || v->cur.epoch != reg->ep.cur.epoch);

	v->cur = reg->ep.cur;
	if (new_epoch)
		log_role(v);
	v->prev = reg->ep.prev;
	for (size_t i = 0; i < v->cur.nw; i++) {
		const struct ctl_registry_node *nd = ctl_registry_find(reg, v->cur.workers[i]);

		v->active[i] = nd != NULL && nd->status == CTL_REGISTRY_ACTIVE;
	}
	for (size_t i = 0; i < v->prev.nw; i++) {
		const struct ctl_registry_node *nd = ctl_registry_find(reg, v->prev.workers[i]);

		v->active_prev[i] = nd != NULL && nd->status == CTL_REGISTRY_ACTIVE;
	}
	v->next_height = reg->have_block ? reg->height + 1 : 1;
	/* a record submitted for a block that came without it was dropped by the producer
	 * (late, or a copy): submit it again while its worker is still active */
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		struct ctl_vote_slot *sl = &v->slots[i];
		const struct ctl_registry_node *nd;

		if (!sl->used || !sl->submitted || !reg->have_block ||
		    reg->height < sl->submitted_at)
			continue;
		nd = ctl_registry_find(reg, sl->worker);
		if (nd != NULL && nd->status == CTL_REGISTRY_ACTIVE)
			sl->submitted = false;
	}
	/* votes whose quorum the registry no longer keeps can never be used */
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++)
		if (v->slots[i].used && quorum(v, v->slots[i].epoch) == NULL)
			memset(&v->slots[i], 0, sizeof(v->slots[i]));
}

/* ---- the decision --------------------------------------------------------- */

bool
ctl_vote_should_fail(const struct ctl_vote *v, const uint8_t key[32], uint64_t now_ms)
{
	uint64_t unreachable_for = 0;

	/* storage-proof tests (docs/storage-tests.md): failed N in a row, as this node tested it;
	 * the streak is itself the evidence, so no start-up grace */
	if (ctl_stest_failing(v->conf.stest, key) || ctl_srep_failing(v->conf.sreport, key))
		return true;
	/* like oxend's first 2 h: no judgement before this node could have seen a pong */
	if (now_ms < v->started_ms || now_ms - v->started_ms < v->conf.fail_after_ms)
		return false; /* (a wall clock set back counts as just started) */
	if (!v->conf.reach(v->conf.reach_arg, key, now_ms, &unreachable_for))
		return false;
	return unreachable_for >= v->conf.fail_after_ms;
}

/* ---- collecting ----------------------------------------------------------- */

static const struct ctl_vote_slot *
find_slot(const struct ctl_vote *v, uint64_t epoch, const uint8_t worker[32])
{
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		const struct ctl_vote_slot *s = &v->slots[i];

		if (s->used && s->epoch == epoch && memcmp(s->worker, worker, 32) == 0)
			return s;
	}
	return NULL;
}

static struct ctl_vote_slot *
slot_for(struct ctl_vote *v, uint64_t epoch, const uint8_t worker[32])
{
	struct ctl_vote_slot *free_slot = NULL;

	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		struct ctl_vote_slot *s = &v->slots[i];

		if (s->used && s->epoch == epoch && memcmp(s->worker, worker, 32) == 0)
			return s;
		if (!s->used && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot != NULL) {
		free_slot->used = true;
		free_slot->epoch = epoch;
		memcpy(free_slot->worker, worker, 32);
	}
	return free_slot; /* NULL: cannot happen with 2 epochs x 50 workers */
}

static unsigned
count(uint16_t bits)
{
	unsigned c = 0;

	for (; bits != 0; bits &= (uint16_t)(bits - 1))
		c++;
	return c;
}

/* "decommission <key> <next height> <record>" to the pending queue. */
static int
submit(struct ctl_vote *v, struct ctl_vote_slot *s)
{
	struct ctl_quorum_record rec = {.epoch = s->epoch};
	char line[CTL_REGISTRY_RECORD_LINE_MAX], key[65], text[CTL_QUORUM_RECORD_TEXT_MAX];
	int rc;

	for (uint8_t i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		if (s->have & (1u << i)) {
			rec.v[rec.n].index = i;
			memcpy(rec.v[rec.n++].sig, s->sig[i], CTL_QUORUM_SIG);
		}
	if (ctl_quorum_record_format(&rec, text, sizeof(text)) != 0)
		return -ENOSPC;
	sodium_bin2hex(key, sizeof(key), s->worker, 32);
	snprintf(line, sizeof(line), "decommission %s %llu %s", key,
		 (unsigned long long)v->next_height, text);
	rc = v->conf.submit(v->conf.submit_arg, line);
	if (rc != 0)
		return rc;
	s->submitted = true;
	s->submitted_at = v->next_height;
	ctl_log(CTL_LOG_NOTICE,
		"quorum: %u votes of epoch %llu to decommission %.16s: submitted for block %llu",
		count(s->have), (unsigned long long)s->epoch, key,
		(unsigned long long)v->next_height);
	return 0;
}

/* Submits a slot that holds enough votes and has no record waiting. */
static void
maybe_submit(struct ctl_vote *v, struct ctl_vote_slot *s)
{
	int rc;

	if (s->submitted || count(s->have) < CTL_QUORUM_VOTES_NEEDED)
		return;
	rc = submit(v, s);
	if (rc == 0) {
		v->st.submitted++;
	} else {
		v->st.submit_failed++; /* retried with the next vote or round */
		ctl_log(CTL_LOG_WARNING, "quorum: cannot submit a record: %s", strerror(-rc));
	}
}

/* Keeps a checked vote; submits at the threshold. */
static int
keep(struct ctl_vote *v, uint64_t epoch, const uint8_t worker[32], uint8_t index,
     const uint8_t sig[CTL_QUORUM_SIG])
{
	struct ctl_vote_slot *s = slot_for(v, epoch, worker);
	bool dup;

	if (s == NULL)
		return -ENOSPC;
	dup = (s->have & (1u << index)) != 0;
	if (!dup) {
		s->have |= (uint16_t)(1u << index);
		memcpy(s->sig[index], sig, CTL_QUORUM_SIG);
	}
	maybe_submit(v, s);
	return dup ? -EALREADY : 0;
}

int
ctl_vote_receive(struct ctl_vote *v, const uint8_t peer[32], const uint8_t *body, size_t len)
{
	uint8_t worker[32], sig[CTL_QUORUM_SIG], index, msg[CTL_QUORUM_VOTE_MSG];
	const struct ctl_quorum *q;
	uint64_t epoch;
	int rc;

	if (ctl_vote_decode(body, len, &epoch, worker, &index, sig) != 0 ||
	    (q = quorum(v, epoch)) == NULL || index >= q->nv ||
	    memcmp(q->validators[index], peer, 32) != 0 || ctl_quorum_worker_index(q, worker) < 0) {
		v->st.refused++;
		return -EINVAL;
	}
	ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, worker, epoch);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), peer) != 0) {
		v->st.refused++;
		return -EINVAL;
	}
	rc = keep(v, epoch, worker, index, sig);
	if (rc == -EALREADY)
		v->st.duplicate++;
	else if (rc == 0)
		v->st.received++;
	return rc == -ENOSPC ? -EINVAL : rc;
}

/* Sends this node's vote to the other validators of quorum q. */
static void
share(struct ctl_vote *v, const struct ctl_quorum *q, int me, const uint8_t worker[32],
      const uint8_t sig[CTL_QUORUM_SIG])
{
	uint8_t body[CTL_VOTE_WIRE];

	ctl_vote_encode(body, q->epoch, worker, (uint8_t)me, sig);
	for (size_t i = 0; i < q->nv; i++) {
		if ((int)i == me)
			continue;
		if (v->conf.send(v->conf.send_arg, q->validators[i], body, sizeof(body)) == 0)
			v->st.sent++;
		else
			v->st.send_failed++;
	}
}

/* Votes as a validator of q on its active workers (active[w]). */
static void
round_of(struct ctl_vote *v, const struct ctl_quorum *q, const uint8_t *active, uint64_t now_ms)
{
	int me = ctl_quorum_validator_index(q, v->conf.id.ed25519_pk);

	if (me < 0)
		return;
	v->st.rounds++;
	for (size_t w = 0; w < q->nw; w++) {
		const uint8_t *worker = q->workers[w];
		const struct ctl_vote_slot *s = find_slot(v, q->epoch, worker);
		uint8_t msg[CTL_QUORUM_VOTE_MSG], sig[CTL_QUORUM_SIG];

		if (!active[w])
			continue;
		if (s != NULL)
			maybe_submit(v,
				     (struct ctl_vote_slot *)(uintptr_t)s); /* a dropped record */
		if (s != NULL && (s->have & (1u << me))) {
			/* resent every round while the worker is active: a validator
			 * that missed it (not yet reachable, a lost cell) still gets it,
			 * and every validator can submit */
			share(v, q, me, worker, s->sig[me]);
			continue;
		}
		if (!ctl_vote_should_fail(v, worker, now_ms))
			continue;
		ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, worker, q->epoch);
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), v->conf.id.ed25519_sk);
		v->st.made++;
		share(v, q, me, worker, sig);
		(void)keep(v, q->epoch, worker, (uint8_t)me, sig);
	}
}

void
ctl_vote_round(struct ctl_vote *v, uint64_t now_ms)
{
	/* the quorum before this one still counts: its record is valid for one more epoch,
	 * so a vote that started late there can still finish */
	if (v->prev.valid)
		round_of(v, &v->prev, v->active_prev, now_ms);
	if (v->cur.valid)
		round_of(v, &v->cur, v->active, now_ms);
}
