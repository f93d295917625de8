/* SPDX-License-Identifier: MIT */
/* Swarm catch-up, serving side: pages of our store for members of a swarm (see catchup.h). */
#include "catchup_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "rpc_params.h"
#include "sync_page.h"

static void
refuse(struct ctl_catchup *c, const uint8_t peer[32], uint64_t id, enum ctl_sync_status status)
{
	uint8_t hdr[CTL_SYNC_ANS_HDR];

	c->st.pages_refused++;
	ctl_sync_answer_status(hdr, status);
	(void)ctl_drpc_respond(c->conf.d, peer, id, hdr, sizeof(hdr));
}

/* True when the account is held by swarm_id (else counted filtered). */
static bool
held_by(struct ctl_catchup *c, const uint8_t *pubkey, uint64_t swarm_id)
{
	struct ctl_swarm sw;

	if (ctl_swarm_view_swarm_of(c->conf.swarm, pubkey, &sw) == 0 && sw.id == swarm_id)
		return true;
	c->st.records_filtered++;
	return false;
}

/* The entries of in whose accounts swarm_id holds, into out (its arrays sized as in's). */
static void
filter(struct ctl_catchup *c, const struct store_bulk_page *in, uint64_t swarm_id,
       struct store_bulk_page *out, struct store_msg *recs, struct store_tomb *tombs,
       struct store_revs *revs)
{
	*out = (struct store_bulk_page){.recs = recs, .tombs = tombs, .revs = revs};
	for (size_t i = 0; i < in->n; i++)
		if (held_by(c, in->recs[i].pubkey, swarm_id))
			recs[out->n++] = in->recs[i];
	for (size_t i = 0; i < in->n_tombs; i++)
		if (held_by(c, in->tombs[i].pubkey, swarm_id))
			tombs[out->n_tombs++] = in->tombs[i];
	for (size_t i = 0; i < in->n_revs; i++)
		if (held_by(c, in->revs[i].pubkey, swarm_id))
			revs[out->n_revs++] = in->revs[i];
}

/* Sends the page's part for the asking swarm; false when it cannot be built. */
static bool
answer_page(struct ctl_catchup *c, struct cu_op *op, uint64_t next,
	    const struct store_bulk_page *page)
{
	struct store_msg *recs = calloc(page->n + 1, sizeof(*recs));
	struct store_tomb *tombs = calloc(page->n_tombs + 1, sizeof(*tombs));
	struct store_revs *revs = calloc(page->n_revs + 1, sizeof(*revs));
	struct store_bulk_page keep;
	bool ok = false;
	uint8_t *body;
	size_t len;

	/* -E2BIG needs one SCAN step of several maximal messages past the budget */
	if (recs != NULL && tombs != NULL && revs != NULL) {
		filter(c, page, op->swarm_id, &keep, recs, tombs, revs);
		ok = ctl_sync_page_encode(&keep, next, &body, &len) == 0;
	}
	if (ok) {
		c->st.pages_served++;
		c->st.records_sent += keep.n;
		c->st.tombs_sent += keep.n_tombs;
		c->st.revs_sent += keep.n_revs;
		(void)ctl_drpc_respond(c->conf.d, op->peer, op->id, body, len);
		free(body);
	}
	free(recs);
	free(tombs);
	free(revs);
	return ok;
}

static void
on_scanned(void *arg, const struct store_status *st, uint64_t next,
	   const struct store_bulk_page *page)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;

	if (c != NULL && (st->rc != 0 || !answer_page(c, op, next, page)))
		refuse(c, op->peer, op->id, CTL_SYNC_UNAVAILABLE);
	cu_op_free(op);
}

void
ctl_catchup_on_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body,
		       size_t len)
{
	struct ctl_catchup *c = arg;
	struct ctl_swarm sw;
	uint64_t cursor;
	struct cu_op *op;
	int rc;

	if (len > 2 && body[2] == CTL_SYNC_OP_PUSH) {
		cu_serve_push(c, peer, id, body, len);
		return;
	}
	rc = ctl_sync_req_decode(body, len, &cursor);
	if (rc != 0) {
		c->st.old_version += rc == -EPROTONOSUPPORT;
		refuse(c, peer, id, CTL_SYNC_BAD_REQUEST);
		return;
	}
	if (ctl_swarm_view_swarm_of_node(c->conf.swarm, peer, &sw) != 0) {
		refuse(c, peer, id, CTL_SYNC_NOT_MEMBER);
		return;
	}
	op = cu_op_new(c);
	if (op == NULL) {
		refuse(c, peer, id, CTL_SYNC_UNAVAILABLE);
		return;
	}
	memcpy(op->peer, peer, 32);
	op->id = id;
	op->swarm_id = sw.id;
	if (store_bulk_scan(c->conf.store, cursor, c->conf.page_records, c->conf.page_bytes,
			    (int64_t)cu_now(c), on_scanned, op) != 0) {
		cu_op_free(op);
		refuse(c, peer, id, CTL_SYNC_UNAVAILABLE);
	}
}

static void
answer_codes(struct ctl_catchup *c, const uint8_t peer[32], uint64_t id, const uint8_t *codes,
	     size_t n)
{
	uint8_t *out = malloc(CTL_SYNC_ANS_HDR + n);

	if (out == NULL)
		return; /* the sender times out and keeps the records */
	ctl_sync_codes_encode(codes, n, out);
	(void)ctl_drpc_respond(c->conf.d, peer, id, out, CTL_SYNC_ANS_HDR + n);
	free(out);
}

static void
free_push(struct cu_op *op)
{
	free(op->codes);
	free(op->map);
	cu_op_free(op);
}

/* The store's codes (messages, tombstones, two per list) into the answer's places. */
static void
on_push_stored(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;
	size_t nm = op->n, nt = op->n_tombs, nr = op->n_revs;

	if (c != NULL && st->rc == 0 && n == nm + nt + 2 * nr) {
		for (size_t i = 0; i < nm + nt; i++)
			op->codes[op->map[i]] = codes[i];
		for (size_t i = 0; i < nr; i++)
			op->codes[op->map[nm + nt + i]] = 0; /* the list is taken */
		cu_count_codes(c, codes, nm);
		cu_count_tombs_revs(c, codes + nm, nt, nr);
		answer_codes(c, op->peer, op->id, op->codes, op->total);
	} else if (c != NULL) {
		c->st.pushes_refused++;
		refuse(c, op->peer, op->id, CTL_SYNC_UNAVAILABLE);
	}
	free_push(op);
}

/* A pushed message within the push bounds (catchup.h CTL_CATCHUP_PUSH_AHEAD_MS); the refusal
 * counted. Times are checked first, so the sums below cannot overflow. */
static bool
push_times_ok(struct ctl_catchup *c, const struct store_msg *m, int64_t now)
{
	const int64_t tol = CTL_CATCHUP_PUSH_AHEAD_MS;
	int64_t cap;

	if (m->timestamp_ms > now + tol || m->expiry_set_ms > now + tol) {
		c->st.push_too_new++;
		return false;
	}
	cap = m->timestamp_ms + (ctl_rpc_params_ns_public_inbox(m->ns)
					 ? CTL_RPC_TTL_MAX_PUBLIC_MS
					 : CTL_RPC_TTL_MAX_PRIVATE_MS);
	/* set again after its store (expire, a duplicate store): 30 days from then */
	if (m->expiry_set_ms > m->timestamp_ms + tol &&
	    m->expiry_set_ms + CTL_RPC_TTL_MAX_PRIVATE_MS > cap)
		cap = m->expiry_set_ms + CTL_RPC_TTL_MAX_PRIVATE_MS;
	if (m->expiry_ms > cap + tol) {
		c->st.push_ttl++;
		return false;
	}
	return true;
}

/* The sender held the account's swarm (now or recently); else counted. */
static bool
push_holder(struct ctl_catchup *c, const uint8_t peer[32], const uint8_t *pubkey)
{
	if (ctl_swarm_view_held_recently(c->conf.swarm, peer, c->self, pubkey))
		return true;
	c->st.push_not_holder++;
	return false;
}

/* A pushed message this node takes from peer (each refusal counted once). */
static bool
push_msg_ok(struct ctl_catchup *c, const uint8_t peer[32], const struct store_msg *m, uint64_t now)
{
	if (!push_holder(c, peer, m->pubkey) || !push_times_ok(c, m, (int64_t)now))
		return false;
	if (!cu_acceptable(c, m, now)) {
		c->st.rejected++;
		return false;
	}
	return true;
}

/* A pushed tombstone: deleted by now + 10 s, ending at most 30 days (+ 10 s) after (a message's
 * expiry is at most that after it was last set, which was before its deletion). */
static bool
push_tomb_ok(struct ctl_catchup *c, const uint8_t peer[32], const struct store_tomb *t,
	     uint64_t now)
{
	const int64_t tol = CTL_CATCHUP_PUSH_AHEAD_MS;

	if (!push_holder(c, peer, t->pubkey))
		return false;
	if (t->deleted_ms > (int64_t)now + tol) {
		c->st.push_too_new++;
		return false;
	}
	if (t->until_ms > t->deleted_ms + CTL_RPC_TTL_MAX_PRIVATE_MS + tol) {
		c->st.push_ttl++;
		return false;
	}
	if (!cu_tomb_acceptable(c, t, now)) {
		c->st.rejected++;
		return false;
	}
	return true;
}

/* A pushed revocation list: every time by now + 10 s. */
static bool
push_revs_ok(struct ctl_catchup *c, const uint8_t peer[32], const struct store_revs *r,
	     uint64_t now)
{
	if (!push_holder(c, peer, r->pubkey))
		return false;
	if (!cu_revs_times_ok(r, (int64_t)now + CTL_CATCHUP_PUSH_AHEAD_MS)) {
		c->st.push_too_new++;
		return false;
	}
	if (!cu_revs_acceptable(c, r, now)) {
		c->st.rejected++;
		return false;
	}
	return true;
}

/* Keeps the acceptable entries of a at the front of each part; op->map[k]: the answer's place
 * of the k-th kept entry (messages, then tombstones, then lists). */
static void
push_filter(struct ctl_catchup *c, struct cu_op *op, struct ctl_sync_answer *a, uint64_t now)
{
	size_t k = 0, km = 0, kt = 0, kr = 0, at = 0;

	for (size_t i = 0; i < a->n; i++, at++)
		if (push_msg_ok(c, op->peer, &a->recs[i], now)) {
			op->map[k++] = at;
			a->recs[km++] = a->recs[i];
		}
	for (size_t i = 0; i < a->n_tombs; i++, at++)
		if (push_tomb_ok(c, op->peer, &a->tombs[i], now)) {
			op->map[k++] = at;
			a->tombs[kt++] = a->tombs[i];
		}
	for (size_t i = 0; i < a->n_revs; i++, at++)
		if (push_revs_ok(c, op->peer, &a->revs[i], now)) {
			op->map[k++] = at;
			a->revs[kr++] = a->revs[i];
		}
	op->n = a->n = km;
	op->n_tombs = a->n_tombs = kt;
	op->n_revs = a->n_revs = kr;
}

/* Stores the acceptable entries of a; the others are answered REFUSED. */
static void
store_push(struct ctl_catchup *c, struct cu_op *op, struct ctl_sync_answer *a)
{
	uint64_t now = cu_now(c);
	struct store_bulk_page p;

	memset(op->codes, CTL_SYNC_CODE_REFUSED, op->total);
	push_filter(c, op, a, now);
	p = (struct store_bulk_page){a->recs, a->n, a->tombs, a->n_tombs, a->revs, a->n_revs};
	if (a->n + a->n_tombs + a->n_revs == 0) {
		answer_codes(c, op->peer, op->id, op->codes, op->total);
		free_push(op);
	} else if (store_bulk_put_page(c->conf.store, &p, (int64_t)now, on_push_stored, op) != 0) {
		refuse(c, op->peer, op->id, CTL_SYNC_UNAVAILABLE);
		free_push(op);
	}
}

void
cu_serve_push(struct ctl_catchup *c, const uint8_t peer[32], uint64_t id, const uint8_t *body,
	      size_t len)
{
	struct ctl_sync_answer a;
	struct cu_op *op;
	int rc;

	c->st.pushes_received++;
	/* a node of this node's swarm now, or one that was in a swarm of a recent past layout
	 * (a leaving node may be decommissioned, or its swarm dissolved); each record is checked
	 * against its own account's swarm below */
	if (!ctl_swarm_view_held_recently(c->conf.swarm, peer, c->self, NULL)) {
		c->st.pushes_refused++;
		c->st.push_not_holder++;
		refuse(c, peer, id, CTL_SYNC_NOT_MEMBER);
		return;
	}
	rc = ctl_sync_push_decode(body, len, &a);
	if (rc != 0) {
		c->st.pushes_refused++;
		c->st.old_version += rc == -EPROTONOSUPPORT;
		refuse(c, peer, id, CTL_SYNC_BAD_REQUEST);
		return;
	}
	op = cu_op_new(c);
	if (op != NULL) {
		op->total = a.n + a.n_tombs + a.n_revs;
		op->codes = malloc(op->total);
		op->map = calloc(op->total, sizeof(*op->map));
		memcpy(op->peer, peer, 32);
		op->id = id;
	}
	if (op == NULL || op->codes == NULL || op->map == NULL) {
		if (op != NULL)
			free_push(op);
		refuse(c, peer, id, CTL_SYNC_UNAVAILABLE);
	} else {
		store_push(c, op, &a); /* the store copies the records */
	}
	ctl_sync_answer_free(&a);
}
