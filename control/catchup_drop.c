/* SPDX-License-Identifier: MIT */
/*
 * The erase pass (see catchup.h): after this node's swarm changed, every
 * record it no longer serves is pushed to a reachable member of the swarm
 * that holds it now and erased once that member answered that it holds it
 * (inserted, present, expiry raised or lowered, expired, superseded, or
 * deleted there: tombstoned). Records no member took (none reachable,
 * refused, full, no answer) are kept.
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
	free(c->gone_data);
	c->gone = NULL;
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

	return a->swarm < b->swarm ? -1 : a->swarm > b->swarm;
}

/* Copies the records of recs this node does not serve into c->gone, grouped by swarm. */
static int
collect(struct ctl_catchup *c, const struct store_msg *recs, size_t n)
{
	size_t bytes = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		if (!ctl_swarm_view_serves(c->conf.swarm, recs[i].pubkey))
			bytes += recs[i].len;
	c->gone = calloc(n > 0 ? n : 1, sizeof(*c->gone));
	c->gone_data = malloc(bytes > 0 ? bytes : 1);
	if (c->gone == NULL || c->gone_data == NULL)
		return -ENOMEM;
	bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct ctl_swarm sw;

		if (ctl_swarm_view_serves(c->conf.swarm, recs[i].pubkey))
			continue;
		ctl_swarm_view_swarm_of(c->conf.swarm, recs[i].pubkey, &sw);
		c->gone[k].m = recs[i];
		c->gone[k].m.data = c->gone_data + bytes;
		if (recs[i].len > 0)
			memcpy(c->gone_data + bytes, recs[i].data, recs[i].len);
		bytes += recs[i].len;
		c->gone[k++].swarm = sw.id;
	}
	qsort(c->gone, k, sizeof(*c->gone), by_swarm);
	c->n_gone = k;
	return 0;
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
	/* messages only: tombstones and revocation lists stay (docs/replication.md) */
	if (collect(c, page->recs, page->n) != 0) {
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

/* The member holds the record now (or knows it is gone: expired, superseded, deleted). */
static bool
taken(uint8_t code)
{
	return code <= STORE_BULK_SUPERSEDED || code == STORE_BULK_LOWERED ||
	       code == STORE_BULK_TOMBSTONED;
}

/* The member answered codes for the batch: erase what it holds now. */
static void
erase_taken(struct ctl_catchup *c, const uint8_t *codes)
{
	struct store_msg *drop = calloc(c->batch, sizeof(*drop));
	struct cu_op *op;
	size_t k = 0;

	for (size_t i = 0; drop != NULL && i < c->batch; i++)
		if (taken(codes[i]))
			drop[k++] = c->gone[c->at + i].m;
	op = k > 0 && drop != NULL ? cu_op_new(c) : NULL;
	if (op != NULL) {
		op->n = k;
		if (store_bulk_drop(c->conf.store, drop, k, on_dropped, op) == 0) {
			free(drop);
			return;
		}
		cu_op_free(op);
	}
	free(drop);
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
member_for(struct ctl_catchup *c, uint64_t swarm, const struct store_msg *m, uint8_t peer[32])
{
	struct ctl_swarm sw;

	if (swarm == CTL_SWARM_VIEW_NO_SWARM ||
	    ctl_swarm_view_swarm_of(c->conf.swarm, m->pubkey, &sw) != 0)
		return false;
	for (size_t i = 0; i < sw.n; i++)
		if (memcmp(sw.nodes[i].ed25519, c->self, 32) != 0 &&
		    c->conf.reachable(c->conf.reachable_arg, sw.nodes[i].ed25519)) {
			memcpy(peer, sw.nodes[i].ed25519, 32);
			return true;
		}
	return false;
}

/* Pushes the next group of records of one swarm; false when it could not go out. */
static bool
push_batch(struct ctl_catchup *c)
{
	const struct cu_gone *g = &c->gone[c->at];
	struct store_msg *recs;
	uint8_t peer[32], *body;
	size_t len;
	int rc;

	c->batch = 1;
	while (c->at + c->batch < c->n_gone && g[c->batch].swarm == g->swarm)
		c->batch++;
	if (!member_for(c, g->swarm, &g->m, peer))
		return false;
	recs = calloc(c->batch, sizeof(*recs));
	if (recs == NULL)
		return false;
	for (size_t i = 0; i < c->batch; i++)
		recs[i] = g[i].m;
	rc = ctl_sync_push_encode(recs, c->batch, &body, &len);
	free(recs);
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
