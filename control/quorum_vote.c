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
ctl_vote_encode(uint8_t out[CTL_VOTE_WIRE], enum ctl_quorum_change change, uint64_t epoch,
		const uint8_t worker[32], uint8_t index, const uint8_t sig[CTL_QUORUM_SIG])
{
	out[0] = CTL_VOTE_MAGIC;
	out[1] = (uint8_t)change;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)(epoch >> (8 * i));
	memcpy(out + 10, worker, 32);
	out[42] = index;
	memcpy(out + 43, sig, CTL_QUORUM_SIG);
}

int
ctl_vote_decode(const uint8_t *body, size_t len, enum ctl_quorum_change *change, uint64_t *epoch,
		uint8_t worker[32], uint8_t *index, uint8_t sig[CTL_QUORUM_SIG])
{
	if (len != CTL_VOTE_WIRE || body[0] != CTL_VOTE_MAGIC ||
	    body[1] < CTL_QUORUM_DECOMMISSION || body[1] > CTL_QUORUM_DEREGISTER)
		return -EINVAL;
	*change = (enum ctl_quorum_change)body[1];
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

/* 0 when the registry no longer knows key, else its status */
static uint8_t
status_in(const struct ctl_registry *reg, const uint8_t key[32])
{
	const struct ctl_registry_node *nd = ctl_registry_find(reg, key);

	return nd != NULL ? (uint8_t)nd->status : 0;
}

/* The registry applied a record for s's change and worker of s's epoch or a later one. */
static bool
record_used(const struct ctl_registry *reg, const struct ctl_vote_slot *s)
{
	const struct ctl_registry_node *nd = ctl_registry_find(reg, s->worker);
	size_t k = (size_t)(s->change - CTL_QUORUM_DECOMMISSION);

	return nd != NULL && nd->record_used[k] && nd->record_epoch[k] >= s->epoch;
}

/* The status and credit of q's workers (at the next block) into row k. */
static void
workers_now(struct ctl_vote *v, const struct ctl_registry *reg, const struct ctl_quorum *q, int k)
{
	for (size_t i = 0; i < q->nw; i++) {
		const struct ctl_registry_node *nd = ctl_registry_find(reg, q->workers[i]);

		v->status[k][i] = nd != NULL ? (uint8_t)nd->status : 0;
		v->credit[k][i] = nd != NULL ? ctl_registry_credit(reg, nd, v->next_height) : 0;
	}
}

void
ctl_vote_on_registry(struct ctl_vote *v, const struct ctl_registry *reg)
{
	bool new_epoch = reg->ep.cur.valid && (!v->cur.valid || v->cur.epoch != reg->ep.cur.epoch);

	v->cur = reg->ep.cur;
	if (new_epoch)
		log_role(v);
	v->prev = reg->ep.prev;
	v->next_height = reg->have_block ? reg->height + 1 : 1;
	v->block_seconds = reg->block_seconds;
	workers_now(v, reg, &v->cur, 0);
	workers_now(v, reg, &v->prev, 1);
	/* a record submitted for a block that came without it was dropped by the producer
	 * (late, or a copy): submit it again while its worker still wants it */
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		struct ctl_vote_slot *sl = &v->slots[i];

		if (!sl->used || !sl->submitted || !reg->have_block ||
		    reg->height < sl->submitted_at)
			continue;
		if (ctl_vote_wanted(sl->change, status_in(reg, sl->worker)))
			sl->submitted = false;
	}
	/* votes whose quorum the registry no longer keeps, or whose record (or a later one
	 * for the same change) it applied, can never be used again */
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++)
		if (v->slots[i].used &&
		    (quorum(v, v->slots[i].epoch) == NULL || record_used(reg, &v->slots[i])))
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

static bool
slot_is(const struct ctl_vote_slot *s, enum ctl_quorum_change change, uint64_t epoch,
	const uint8_t worker[32])
{
	return s->used && s->change == change && s->epoch == epoch &&
	       memcmp(s->worker, worker, 32) == 0;
}

static struct ctl_vote_slot *
find_slot(struct ctl_vote *v, enum ctl_quorum_change change, uint64_t epoch,
	  const uint8_t worker[32])
{
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++)
		if (slot_is(&v->slots[i], change, epoch, worker))
			return &v->slots[i];
	return NULL;
}

static struct ctl_vote_slot *
slot_for(struct ctl_vote *v, enum ctl_quorum_change change, uint64_t epoch,
	 const uint8_t worker[32])
{
	struct ctl_vote_slot *free_slot = NULL;

	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		struct ctl_vote_slot *s = &v->slots[i];

		if (slot_is(s, change, epoch, worker))
			return s;
		if (!s->used && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot != NULL) {
		free_slot->used = true;
		free_slot->change = (uint8_t)change;
		free_slot->epoch = epoch;
		memcpy(free_slot->worker, worker, 32);
	}
	return free_slot; /* NULL: only when 2 epochs x 50 workers x 2 changes are full */
}

/* The status of worker in the quorum of epoch (0: unknown). */
static uint8_t
worker_status(const struct ctl_vote *v, uint64_t epoch, const uint8_t worker[32])
{
	int k = v->cur.valid && v->cur.epoch == epoch ? 0 : 1;
	const struct ctl_quorum *q = k == 0 ? &v->cur : &v->prev;
	int w = q->valid && q->epoch == epoch ? ctl_quorum_worker_index(q, worker) : -1;

	return w >= 0 ? v->status[k][w] : 0;
}

static const char *
change_name(uint8_t change)
{
	return change == CTL_QUORUM_DECOMMISSION   ? "decommission"
	       : change == CTL_QUORUM_RECOMMISSION ? "recommission"
						   : "deregister";
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
	snprintf(line, sizeof(line), "%s %s %llu %s", change_name(s->change), key,
		 (unsigned long long)v->next_height, text);
	rc = v->conf.submit(v->conf.submit_arg, line);
	if (rc != 0)
		return rc;
	s->submitted = true;
	s->submitted_at = v->next_height;
	ctl_log(CTL_LOG_NOTICE,
		"quorum: %u votes of epoch %llu to %s %.16s: submitted for block %llu",
		count(s->have), (unsigned long long)s->epoch, change_name(s->change), key,
		(unsigned long long)v->next_height);
	return 0;
}

/* Submits a slot that holds enough votes and has no record waiting, while its worker
 * still wants the change (a recommission of an active node would only be dropped). */
static void
maybe_submit(struct ctl_vote *v, struct ctl_vote_slot *s)
{
	int rc;

	if (s->submitted || count(s->have) < CTL_QUORUM_VOTES_NEEDED ||
	    !ctl_vote_wanted(s->change, worker_status(v, s->epoch, s->worker)))
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
keep(struct ctl_vote *v, enum ctl_quorum_change change, uint64_t epoch, const uint8_t worker[32],
     uint8_t index, const uint8_t sig[CTL_QUORUM_SIG])
{
	struct ctl_vote_slot *s = slot_for(v, change, epoch, worker);
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
	enum ctl_quorum_change change;
	const struct ctl_quorum *q;
	uint64_t epoch;
	int rc;

	if (ctl_vote_decode(body, len, &change, &epoch, worker, &index, sig) != 0 ||
	    (q = quorum(v, epoch)) == NULL || index >= q->nv ||
	    memcmp(q->validators[index], peer, 32) != 0 || ctl_quorum_worker_index(q, worker) < 0) {
		v->st.refused++;
		return -EINVAL;
	}
	ctl_quorum_vote_message(msg, change, worker, epoch);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), peer) != 0) {
		v->st.refused++;
		return -EINVAL;
	}
	/* A validator could otherwise fill every slot with signed votes for changes
	 * nobody wants (a recommission of an active node) and starve the real ones;
	 * a vote wanted later is resent by its validator every round. */
	if (!ctl_vote_wanted(change, worker_status(v, epoch, worker))) {
		v->st.unwanted++;
		return -EINVAL;
	}
	rc = keep(v, change, epoch, worker, index, sig);
	if (rc == -EALREADY)
		v->st.duplicate++;
	else if (rc == 0)
		v->st.received++;
	else if (rc == -ENOSPC)
		v->st.slots_full++;
	return rc == -ENOSPC ? -EINVAL : rc;
}

/* Sends this node's vote to the other validators of quorum q. */
static void
share(struct ctl_vote *v, const struct ctl_quorum *q, int me, enum ctl_quorum_change change,
      const uint8_t worker[32], const uint8_t sig[CTL_QUORUM_SIG])
{
	uint8_t body[CTL_VOTE_WIRE];

	ctl_vote_encode(body, change, q->epoch, worker, (uint8_t)me, sig);
	for (size_t i = 0; i < q->nv; i++) {
		if ((int)i == me)
			continue;
		if (v->conf.send(v->conf.send_arg, q->validators[i], body, sizeof(body)) == 0)
			v->st.sent++;
		else
			v->st.send_failed++;
	}
}

/* Resends this node's votes on worker whose change the worker still wants (status); a
 * validator that missed one (not yet reachable, a lost cell) still gets it, and every
 * validator can submit. Submits a record dropped by the producer again. Returns the
 * changes this node has voted (bit c). */
static unsigned
resend(struct ctl_vote *v, const struct ctl_quorum *q, int me, const uint8_t worker[32],
       uint8_t status)
{
	unsigned mine = 0;

	for (uint8_t c = CTL_QUORUM_DECOMMISSION; c <= CTL_QUORUM_DEREGISTER; c++) {
		struct ctl_vote_slot *s = find_slot(v, c, q->epoch, worker);

		if (s == NULL || !ctl_vote_wanted(c, status))
			continue;
		maybe_submit(v, s);
		if (s->have & (1u << me)) {
			share(v, q, me, c, worker, s->sig[me]);
			mine |= 1u << c;
		}
	}
	return mine;
}

/* Votes as a validator of q (row k of the status and credit). */
static void
round_of(struct ctl_vote *v, const struct ctl_quorum *q, int k, uint64_t now_ms)
{
	int me = ctl_quorum_validator_index(q, v->conf.id.ed25519_pk);

	if (me < 0)
		return;
	v->st.rounds++;
	for (size_t w = 0; w < q->nw; w++) {
		const uint8_t *worker = q->workers[w];
		uint8_t msg[CTL_QUORUM_VOTE_MSG], sig[CTL_QUORUM_SIG];
		unsigned mine;
		enum ctl_quorum_change c;

		if (v->status[k][w] == 0)
			continue;
		mine = resend(v, q, me, worker, v->status[k][w]);
		c = ctl_vote_decide(v, v->status[k][w], v->credit[k][w], worker, now_ms);
		if (c == 0 || (mine & (1u << c)))
			continue;
		ctl_quorum_vote_message(msg, c, worker, q->epoch);
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), v->conf.id.ed25519_sk);
		v->st.made++;
		v->own_gen++;
		share(v, q, me, c, worker, sig);
		if (keep(v, c, q->epoch, worker, (uint8_t)me, sig) == -ENOSPC)
			v->st.slots_full++;
	}
}

void
ctl_vote_round(struct ctl_vote *v, uint64_t now_ms)
{
	/* the quorum before this one still counts: its record is valid for one more epoch,
	 * so a vote that started late there can still finish */
	if (v->prev.valid)
		round_of(v, &v->prev, 1, now_ms);
	if (v->cur.valid)
		round_of(v, &v->cur, 0, now_ms);
}

int
ctl_vote_restore(struct ctl_vote *v, enum ctl_quorum_change change, uint64_t epoch,
		 const uint8_t worker[32], uint8_t index, const uint8_t sig[CTL_QUORUM_SIG])
{
	const struct ctl_quorum *q = quorum(v, epoch);
	uint8_t msg[CTL_QUORUM_VOTE_MSG];

	if (q == NULL || ctl_quorum_validator_index(q, v->conf.id.ed25519_pk) != (int)index ||
	    ctl_quorum_worker_index(q, worker) < 0)
		return -ESTALE;
	ctl_quorum_vote_message(msg, change, worker, epoch);
	if (change < CTL_QUORUM_DECOMMISSION || change > CTL_QUORUM_DEREGISTER ||
	    crypto_sign_verify_detached(sig, msg, sizeof(msg), v->conf.id.ed25519_pk) != 0)
		return -EINVAL;
	return keep(v, change, epoch, worker, index, sig) == -ENOSPC ? -ENOSPC : 0;
}
