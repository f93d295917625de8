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
on_push_stored(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;

	if (c != NULL && st->rc == 0) {
		for (size_t i = 0; i < n; i++)
			op->codes[op->map[i]] = codes[i];
		cu_count_codes(c, codes, n);
		answer_codes(c, op->peer, op->id, op->codes, op->n);
	} else if (c != NULL) {
		c->st.pushes_refused++;
		refuse(c, op->peer, op->id, CTL_SYNC_UNAVAILABLE);
	}
	free(op->codes);
	free(op->map);
	cu_op_free(op);
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

/* A pushed message this node takes from peer (each refusal counted once). */
static bool
push_msg_ok(struct ctl_catchup *c, const uint8_t peer[32], const struct store_msg *m, uint64_t now)
{
	if (!ctl_swarm_view_held_recently(c->conf.swarm, peer, c->self, m->pubkey)) {
		c->st.push_not_holder++;
		return false;
	}
	if (!push_times_ok(c, m, (int64_t)now))
		return false;
	if (!cu_acceptable(c, m, now)) {
		c->st.rejected++;
		return false;
	}
	return true;
}

/* Stores the acceptable records of a; the others are answered REFUSED. */
static void
store_push(struct ctl_catchup *c, struct cu_op *op, struct ctl_sync_answer *a)
{
	uint64_t now = cu_now(c);
	size_t k = 0;

	for (size_t i = 0; i < a->n; i++) {
		op->codes[i] = CTL_SYNC_CODE_REFUSED;
		if (push_msg_ok(c, op->peer, &a->recs[i], now)) {
			op->map[k] = i;
			a->recs[k++] = a->recs[i];
		}
	}
	if (k == 0 ||
	    store_bulk_put(c->conf.store, a->recs, k, (int64_t)now, on_push_stored, op) != 0) {
		if (k == 0)
			answer_codes(c, op->peer, op->id, op->codes, op->n);
		else
			refuse(c, op->peer, op->id, CTL_SYNC_UNAVAILABLE);
		free(op->codes);
		free(op->map);
		cu_op_free(op);
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
		op->codes = malloc(a.n);
		op->map = calloc(a.n, sizeof(*op->map));
		op->n = a.n;
		memcpy(op->peer, peer, 32);
		op->id = id;
	}
	if (op == NULL || op->codes == NULL || op->map == NULL) {
		if (op != NULL) {
			free(op->codes);
			free(op->map);
			cu_op_free(op);
		}
		refuse(c, peer, id, CTL_SYNC_UNAVAILABLE);
	} else {
		store_push(c, op, &a); /* the store copies the records */
	}
	ctl_sync_answer_free(&a);
}
