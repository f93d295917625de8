/* SPDX-License-Identifier: MIT */
/* Signed storage-test reports: wire, checks, judgement (stest_report.h). */
#include "stest_report.h"
#include "le64.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry.h"
#include "storage_test.h"
#include "swarm_view.h"

static const char domain[CTL_SREP_DOMAIN_LEN + 1] = "snode-stest-report-v1";

/* ---- wire and signature --------------------------------------------------------------- */

void
ctl_srep_message(const struct ctl_srep *r, uint8_t out[CTL_SREP_MSG])
{
	memcpy(out, domain, CTL_SREP_DOMAIN_LEN);
	ctl_le64_put(out + CTL_SREP_DOMAIN_LEN, r->height);
	memcpy(out + CTL_SREP_DOMAIN_LEN + 8, r->testee, 32);
	memcpy(out + CTL_SREP_DOMAIN_LEN + 40, r->tester, 32);
	out[CTL_SREP_MSG - 1] = r->result;
}

void
ctl_srep_sign(struct ctl_srep *r, const uint8_t sk[64])
{
	uint8_t msg[CTL_SREP_MSG];

	ctl_srep_message(r, msg);
	crypto_sign_detached(r->sig, NULL, msg, sizeof(msg), sk);
}

bool
ctl_srep_verify(const struct ctl_srep *r)
{
	uint8_t msg[CTL_SREP_MSG];

	ctl_srep_message(r, msg);
	return crypto_sign_verify_detached(r->sig, msg, sizeof(msg), r->tester) == 0;
}

void
ctl_srep_encode(const struct ctl_srep *r, uint8_t out[CTL_SREP_WIRE])
{
	out[0] = CTL_SREP_MAGIC;
	out[1] = CTL_SREP_KIND;
	ctl_le64_put(out + 2, r->height);
	memcpy(out + 10, r->testee, 32);
	memcpy(out + 42, r->tester, 32);
	out[74] = r->result;
	memcpy(out + 75, r->sig, CTL_SREP_SIG);
}

int
ctl_srep_decode(const uint8_t *body, size_t len, struct ctl_srep *r)
{
	if (body == NULL || len != CTL_SREP_WIRE || body[0] != CTL_SREP_MAGIC ||
	    body[1] != CTL_SREP_KIND || body[74] > CTL_SREP_FAILED)
		return -EINVAL;
	r->height = ctl_le64_get(body + 2);
	memcpy(r->testee, body + 10, 32);
	memcpy(r->tester, body + 42, 32);
	r->result = body[74];
	memcpy(r->sig, body + 75, CTL_SREP_SIG);
	return 0;
}

const char *
ctl_srep_refusal_name(enum ctl_srep_refusal why)
{
	static const char *const names[CTL_SREP_REFUSALS] = {
		"taken",	"malformed",	 "wrong_sender", "stale_height", "not_worker",
		"wrong_tester", "bad_signature", "duplicate",	 "table_full",
	};

	return (unsigned)why < CTL_SREP_REFUSALS ? names[why] : "unknown";
}

/* ---- quorums ------------------------------------------------------------------------- */

/* testee is a worker of a quorum (current or previous) that self validates. */
static bool
validates(const struct ctl_registry *reg, const uint8_t *self, const uint8_t testee[32])
{
	const struct ctl_quorum *q[2] = {&reg->ep.cur, &reg->ep.prev};

	for (int i = 0; i < 2; i++)
		if (q[i]->valid && ctl_quorum_worker_index(q[i], testee) >= 0 &&
		    ctl_quorum_validator_index(q[i], self) >= 0)
			return true;
	return false;
}

static bool
is_worker(const struct ctl_registry *reg, const uint8_t key[32])
{
	return (reg->ep.cur.valid && ctl_quorum_worker_index(&reg->ep.cur, key) >= 0) ||
	       (reg->ep.prev.valid && ctl_quorum_worker_index(&reg->ep.prev, key) >= 0);
}

size_t
ctl_srep_validators_of(const struct ctl_registry *reg, const uint8_t testee[32], uint8_t (*out)[32])
{
	const struct ctl_quorum *q[2] = {&reg->ep.cur, &reg->ep.prev};
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		if (!q[i]->valid || ctl_quorum_worker_index(q[i], testee) < 0)
			continue;
		for (size_t v = 0; v < q[i]->nv; v++) {
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = memcmp(out[j], q[i]->validators[v], 32) == 0;
			if (!dup)
				memcpy(out[n++], q[i]->validators[v], 32);
		}
	}
	return n;
}

/* ---- checks -------------------------------------------------------------------------- */

/* The pair draw of r's height over the testee's swarm names (tester, testee). */
static bool
drawn(const struct ctl_srep_ctx *ctx, const struct ctl_srep *r, const uint8_t hash[32])
{
	struct ctl_swarm sw;
	uint8_t(*keys)[32];
	bool ok;

	if (ctl_swarm_view_swarm_of_node(ctx->swarm, r->testee, &sw) != 0 || sw.n < 2 ||
	    sw.n > CTL_STEST_MEMBERS_MAX)
		return false;
	keys = malloc(sw.n * 32);
	if (keys == NULL)
		return false; /* refused as wrong_tester: the sender retries with the next test */
	for (size_t i = 0; i < sw.n; i++)
		memcpy(keys[i], sw.nodes[i].ed25519, 32);
	ok = ctl_stest_check_pair((const uint8_t(*)[32])keys, sw.n, hash,
				  ctl_registry_stest_pairs(ctx->reg, ctx->pairs), r->tester,
				  r->testee) == CTL_STEST_OK;
	free(keys);
	return ok;
}

enum ctl_srep_refusal
ctl_srep_take(struct ctl_srep_table *t, const struct ctl_srep_ctx *ctx, const uint8_t peer[32],
	      const struct ctl_srep *r)
{
	uint8_t hash[32];

	if (memcmp(peer, r->tester, 32) != 0)
		return CTL_SREP_WRONG_SENDER;
	if (!ctl_registry_block_hash(ctx->reg, r->height, hash))
		return CTL_SREP_STALE_HEIGHT;
	if (!validates(ctx->reg, ctx->self, r->testee))
		return CTL_SREP_NOT_WORKER;
	if (!drawn(ctx, r, hash))
		return CTL_SREP_WRONG_TESTER;
	if (!ctl_srep_verify(r))
		return CTL_SREP_BAD_SIGNATURE;
	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++) /* room: drop former workers */
		if (t->w[i].used && !is_worker(ctx->reg, t->w[i].key))
			memset(&t->w[i], 0, sizeof(t->w[i]));
	return ctl_srep_table_add(t, r);
}

/* ---- the table ----------------------------------------------------------------------- */

void
ctl_srep_table_init(struct ctl_srep_table *t, uint32_t failures)
{
	memset(t, 0, sizeof(*t));
	if (failures > CTL_SREP_FAILURES_MAX)
		failures = CTL_SREP_FAILURES_MAX; /* the config refuses more */
	t->failures = failures;
	t->window = failures == 0 ? 0 : 2 * (failures < 2 ? 2 : failures);
}

static struct ctl_srep_worker *
worker_of(struct ctl_srep_table *t, const uint8_t key[32], bool create)
{
	struct ctl_srep_worker *free_w = NULL;

	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++) {
		struct ctl_srep_worker *w = &t->w[i];

		if (w->used && memcmp(w->key, key, 32) == 0)
			return w;
		if (!w->used && free_w == NULL)
			free_w = w;
	}
	if (!create || free_w == NULL)
		return NULL;
	free_w->used = true;
	memcpy(free_w->key, key, 32);
	return free_w;
}

static uint32_t
tester_tag(const uint8_t tester[32])
{
	return (uint32_t)tester[0] | (uint32_t)tester[1] << 8 | (uint32_t)tester[2] << 16 |
	       (uint32_t)tester[3] << 24;
}

/* A report older than the worker's newest, or a tester's second at the newest height. */
static bool
replayed(const struct ctl_srep_worker *w, const struct ctl_srep *r)
{
	if (w->n_at == 0 || r->height > w->height)
		return false;
	if (r->height < w->height)
		return true;
	for (size_t i = 0; i < w->n_at; i++)
		if (memcmp(w->at[i], r->tester, 32) == 0)
			return true;
	return w->n_at >= CTL_SREP_SAME_HEIGHT_MAX; /* more testers than pairs can name */
}

enum ctl_srep_refusal
ctl_srep_table_add(struct ctl_srep_table *t, const struct ctl_srep *r)
{
	struct ctl_srep_worker *w = worker_of(t, r->testee, true);

	if (w == NULL)
		return CTL_SREP_TABLE_FULL;
	if (replayed(w, r))
		return CTL_SREP_DUPLICATE;
	if (w->n_at == 0 || r->height > w->height) {
		w->height = r->height;
		w->n_at = 0;
	}
	memcpy(w->at[w->n_at++], r->tester, 32);
	if (t->window > 0) {
		w->window[w->head] = (struct ctl_srep_mark){.tag = tester_tag(r->tester),
							    .failed = r->result == CTL_SREP_FAILED};
		w->head = (w->head + 1) % t->window;
		if (w->count < t->window)
			w->count++;
	}
	return CTL_SREP_TAKEN;
}

/* N of the last 2N reports failed (N below 2 as 2), and not all from one tester. */
static bool
worker_failing(const struct ctl_srep_table *t, const struct ctl_srep_worker *w)
{
	uint32_t n = t->window / 2, failed = 0, first = 0;
	bool two = false;

	for (uint32_t i = 0; i < w->count; i++) {
		const struct ctl_srep_mark *m = &w->window[i];

		if (!m->failed)
			continue;
		if (failed++ == 0)
			first = m->tag;
		else if (m->tag != first)
			two = true;
	}
	return t->window > 0 && failed >= n && two;
}

bool
ctl_srep_failing(const struct ctl_srep_table *t, const uint8_t key[32])
{
	if (t == NULL)
		return false;
	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++)
		if (t->w[i].used && memcmp(t->w[i].key, key, 32) == 0)
			return worker_failing(t, &t->w[i]);
	return false;
}

size_t
ctl_srep_failing_count(const struct ctl_srep_table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++)
		if (t->w[i].used && worker_failing(t, &t->w[i]))
			n++;
	return n;
}
