/* SPDX-License-Identifier: MIT */
/*
 * The erase pass (see catchup.h): after this node's swarm changed, every
 * entry it no longer serves (message, tombstone, revocation list with its
 * unrevocations) is pushed to a reachable member of the swarm that holds it
 * now and erased once that member answered that it holds it (a message
 * inserted, present, expiry raised or lowered, expired, superseded, or
 * deleted there: tombstoned; a tombstone or a list merged). Entries no member
 * took (none reachable, refused, full, no answer) are kept.
 */
#include "catchup_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "log.h"
#include "sync_page.h"

static void scan_page(struct ctl_catchup *c);
static void handoff_next(struct ctl_catchup *c);

static void
free_gone(struct ctl_catchup *c)
{
	free(c->gone);
	free(c->gone_msgs);
	free(c->gone_tombs);
	free(c->gone_revs);
	free(c->gone_data);
	c->gone = NULL;
	c->gone_msgs = NULL;
	c->gone_tombs = NULL;
	c->gone_revs = NULL;
	c->gone_data = NULL;
	c->n_gone = c->at = c->batch = 0;
}

static void
pass_end(struct ctl_catchup *c, const char *failure)
{
	const struct ctl_catchup_stats *s = &c->st, *b = &c->pass_start;

	c->dropping = false;
	free_gone(c);
	if (failure != NULL) {
		c->drop_needed = true; /* again at a later tick */
		ctl_log(CTL_LOG_WARNING, "erase pass stopped: %s", failure);
		return;
	}
	if (s->kept != b->kept)
		c->drop_retry_at = cu_now(c) + c->conf.drop_retry_ms;
	if (s->handed_off != b->handed_off || s->kept != b->kept)
		ctl_log(CTL_LOG_NOTICE,
			"erase pass: %" PRIu64 " records handed to their swarm and erased, %" PRIu64
			" kept (no member took them)",
			s->handed_off - b->handed_off, s->kept - b->kept);
}

static int
by_swarm(const void *x, const void *y)
{
	const struct cu_gone *a = x, *b = y;

	if (a->swarm != b->swarm)
		return a->swarm < b->swarm ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Adds entry idx of kind for pubkey to c->gone when this node no longer serves it. */
static bool
gone_add(struct ctl_catchup *c, enum cu_kind kind, size_t idx, const uint8_t *pubkey)
{
	struct ctl_swarm sw;

	if (ctl_swarm_view_serves(c->conf.swarm, pubkey))
		return false;
	ctl_swarm_view_swarm_of(c->conf.swarm, pubkey, &sw);
	c->gone[c->n_gone++] = (struct cu_gone){kind, idx, sw.id};
	return true;
}

/* Copies the entries of the page this node does not serve, grouped by swarm. */
static int
collect(struct ctl_catchup *c, const struct store_bulk_page *p)
{
	size_t bytes = 0, total = p->n + p->n_tombs + p->n_revs, km = 0, kt = 0, kr = 0;

	for (size_t i = 0; i < p->n; i++)
		if (!ctl_swarm_view_serves(c->conf.swarm, p->recs[i].pubkey))
			bytes += p->recs[i].len;
	c->gone = calloc(total + 1, sizeof(*c->gone));
	c->gone_msgs = calloc(p->n + 1, sizeof(*c->gone_msgs));
	c->gone_tombs = calloc(p->n_tombs + 1, sizeof(*c->gone_tombs));
	c->gone_revs = calloc(p->n_revs + 1, sizeof(*c->gone_revs));
	c->gone_data = malloc(bytes + 1);
	if (c->gone == NULL || c->gone_msgs == NULL || c->gone_tombs == NULL ||
	    c->gone_revs == NULL || c->gone_data == NULL)
		return -ENOMEM;
	bytes = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!gone_add(c, CU_MSG, km, p->recs[i].pubkey))
			continue;
		c->gone_msgs[km] = p->recs[i];
		c->gone_msgs[km++].data = c->gone_data + bytes;
		if (p->recs[i].len > 0)
			memcpy(c->gone_data + bytes, p->recs[i].data, p->recs[i].len);
		bytes += p->recs[i].len;
	}
	for (size_t i = 0; i < p->n_tombs; i++)
		if (gone_add(c, CU_TOMB, kt, p->tombs[i].pubkey))
			c->gone_tombs[kt++] = p->tombs[i];
	for (size_t i = 0; i < p->n_revs; i++)
		if (gone_add(c, CU_REVS, kr, p->revs[i].pubkey))
			c->gone_revs[kr++] = p->revs[i];
	qsort(c->gone, c->n_gone, sizeof(*c->gone), by_swarm);
	return 0;
}

/* The pubkey of a gone entry. */
static const uint8_t *
gone_pubkey(const struct ctl_catchup *c, const struct cu_gone *g)
{
	switch (g->kind) {
	case CU_MSG:
		return c->gone_msgs[g->idx].pubkey;
	case CU_TOMB:
		return c->gone_tombs[g->idx].pubkey;
	default:
		return c->gone_revs[g->idx].pubkey;
	}
}

/* A page built from gone entries, owning its arrays. */
struct batch {
	struct store_msg *m;
	struct store_tomb *t;
	struct store_revs *r;
	struct store_bulk_page p;
};

/* The page of gone[from, from + n) (grouped by kind, as by_swarm sorts) in b (free_batch). */
static int
batch_page(struct ctl_catchup *c, const struct cu_gone *gone, size_t n, struct batch *b)
{
	size_t of[3] = {0};

	for (size_t i = 0; i < n; i++)
		of[gone[i].kind]++;
	b->m = calloc(of[CU_MSG] + 1, sizeof(*b->m));
	b->t = calloc(of[CU_TOMB] + 1, sizeof(*b->t));
	b->r = calloc(of[CU_REVS] + 1, sizeof(*b->r)); /* a list is 4.5 KB */
	b->p = (struct store_bulk_page){.recs = b->m, .tombs = b->t, .revs = b->r};
	if (b->m == NULL || b->t == NULL || b->r == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct cu_gone *g = &gone[i];

		if (g->kind == CU_MSG)
			b->m[b->p.n++] = c->gone_msgs[g->idx];
		else if (g->kind == CU_TOMB)
			b->t[b->p.n_tombs++] = c->gone_tombs[g->idx];
		else
			b->r[b->p.n_revs++] = c->gone_revs[g->idx];
	}
	return 0;
}

static void
free_batch(struct batch *b)
{
	free(b->m);
	free(b->t);
	free(b->r);
}

static void
on_scanned(void *arg, const struct store_status *st, uint64_t next,
	   const struct store_bulk_page *page)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;

	cu_op_free(op);
	if (c == NULL)
		return;
	if (st->rc != 0) {
		pass_end(c, st->text);
		return;
	}
	c->drop_cursor = next;
	c->drop_last = next == 0;
	free_gone(c);
	if (collect(c, page) != 0) {
		pass_end(c, "out of memory");
		return;
	}
	handoff_next(c);
}

static void
scan_page(struct ctl_catchup *c)
{
	struct cu_op *op = cu_op_new(c);

	if (op == NULL ||
	    store_bulk_scan(c->conf.store, c->drop_cursor, CTL_CATCHUP_DROP_RECORDS,
			    c->conf.page_bytes, (int64_t)cu_now(c), on_scanned, op) != 0) {
		if (op != NULL)
			cu_op_free(op);
		pass_end(c, "storage not available");
	}
}

static void
batch_done(struct ctl_catchup *c, size_t handed)
{
	c->st.handed_off += handed;
	c->st.kept += c->batch - handed;
	c->at += c->batch;
	c->batch = 0;
	handoff_next(c);
}

static void
on_dropped(void *arg, const struct store_status *st, uint64_t removed)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;
	size_t handed = op->n;

	cu_op_free(op);
	if (c == NULL)
		return;
	if (st->rc != 0) {
		c->st.kept += c->batch;
		pass_end(c, st->text);
		return;
	}
	c->st.dropped += removed;
	batch_done(c, handed);
}

/* The member holds the entry now (a message: or knows it is gone: expired, superseded,
 * deleted; a tombstone or a list: merged). */
static bool
taken(enum cu_kind kind, uint8_t code)
{
	if (kind == CU_TOMB)
		return code < STORE_BULK_TOMB_CODES;
	if (kind == CU_REVS)
		return code == 0;
	return code <= STORE_BULK_SUPERSEDED || code == STORE_BULK_LOWERED ||
	       code == STORE_BULK_TOMBSTONED;
}

/* The member answered codes for the batch: erase what it holds now. */
static void
erase_taken(struct ctl_catchup *c, const uint8_t *codes)
{
	struct cu_gone *took = calloc(c->batch, sizeof(*took));
	struct cu_op *op = NULL;
	struct batch b;
	size_t k = 0;

	for (size_t i = 0; took != NULL && i < c->batch; i++)
		if (taken(c->gone[c->at + i].kind, codes[i]))
			took[k++] = c->gone[c->at + i];
	if (k > 0 && took != NULL) {
		if (batch_page(c, took, k, &b) == 0 && (op = cu_op_new(c)) != NULL) {
			op->n = k;
			if (store_bulk_drop_page(c->conf.store, &b.p, on_dropped, op) != 0) {
				cu_op_free(op);
				op = NULL;
			}
		}
		free_batch(&b);
	}
	free(took);
	if (op == NULL)
		batch_done(c, 0);
}

static void
on_pushed(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct ctl_catchup *c = arg;
	uint8_t codes[CTL_SYNC_RECORDS_MAX], status = 0;
	size_t n = 0;

	c->call2_waiting = false;
	if (rc != 0 || ctl_sync_codes_decode(body, len, &status, codes, sizeof(codes), &n) != 0 ||
	    status != CTL_SYNC_OK || n != c->batch) {
		c->st.pushes_failed++;
		batch_done(c, 0);
		return;
	}
	erase_taken(c, codes);
}

/* A reachable member of swarm (not this node) in peer; false if none. */
static bool
member_for(struct ctl_catchup *c, uint64_t swarm, const uint8_t *pubkey, uint8_t peer[32])
{
	struct ctl_swarm sw;

	if (swarm == CTL_SWARM_VIEW_NO_SWARM ||
	    ctl_swarm_view_swarm_of(c->conf.swarm, pubkey, &sw) != 0)
		return false;
	for (size_t i = 0; i < sw.n; i++)
		if (memcmp(sw.nodes[i].ed25519, c->self, 32) != 0 &&
		    c->conf.reachable(c->conf.reachable_arg, sw.nodes[i].ed25519)) {
			memcpy(peer, sw.nodes[i].ed25519, 32);
			return true;
		}
	return false;
}

/* Pushes the next group of entries of one swarm; false when it could not go out. */
static bool
push_batch(struct ctl_catchup *c)
{
	const struct cu_gone *g = &c->gone[c->at];
	struct batch b;
	uint8_t peer[32], *body;
	size_t len;
	int rc;

	c->batch = 1;
	while (c->at + c->batch < c->n_gone && g[c->batch].swarm == g->swarm)
		c->batch++;
	if (!member_for(c, g->swarm, gone_pubkey(c, g), peer))
		return false;
	rc = batch_page(c, g, c->batch, &b);
	if (rc == 0)
		rc = ctl_sync_push_encode_page(&b.p, &body, &len);
	free_batch(&b);
	if (rc != 0)
		return false;
	c->st.pushes_sent++;
	rc = ctl_drpc_call(c->conf.d, peer, body, len, c->conf.call_timeout_ms, on_pushed, c,
			   &c->call2_id);
	free(body);
	if (rc != 0) {
		c->st.pushes_failed++;
		return false;
	}
	c->call2_waiting = true;
	return true;
}

static void
handoff_next(struct ctl_catchup *c)
{
	while (c->at < c->n_gone) {
		if (push_batch(c))
			return;
		c->st.kept += c->batch;
		c->at += c->batch;
		c->batch = 0;
	}
	if (c->drop_last)
		pass_end(c, NULL);
	else
		scan_page(c);
}

void
cu_drop_start(struct ctl_catchup *c)
{
	c->drop_needed = false;
	c->dropping = true;
	c->drop_cursor = 0;
	c->drop_last = false;
	c->pass_start = c->st;
	c->st.drop_passes++;
	scan_page(c);
}

void
cu_drop_cancel(struct ctl_catchup *c)
{
	if (c->call2_waiting)
		ctl_drpc_cancel(c->conf.d, c->call2_id);
	c->call2_waiting = false;
	free_gone(c);
}
