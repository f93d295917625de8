/* SPDX-License-Identifier: MIT */
/* Swarm catch-up: when a pull is needed, and the pull itself (see catchup.h). */
#include "catchup_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>

#include "bulk.h"
#include "log.h"
#include "msg_hash.h"
#include "sync_page.h"

uint64_t
cu_now(const struct ctl_catchup *c)
{
	struct timespec ts;

	if (c->conf.now_ms != NULL)
		return c->conf.now_ms(c->conf.now_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct cu_op *
cu_op_new(struct ctl_catchup *c)
{
	struct cu_op *op = calloc(1, sizeof(*op));

	if (op == NULL)
		return NULL;
	op->c = c;
	op->next = c->ops;
	if (c->ops != NULL)
		c->ops->prev = op;
	c->ops = op;
	return op;
}

void
cu_op_free(struct cu_op *op)
{
	if (op->c != NULL) {
		if (op->prev != NULL)
			op->prev->next = op->next;
		else
			op->c->ops = op->next;
		if (op->next != NULL)
			op->next->prev = op->prev;
	}
	free(op);
}

const char *
cu_short_hex(const uint8_t *key, char out[17])
{
	sodium_bin2hex(out, 17, key, 8);
	return out;
}

static void request_page(struct ctl_catchup *c);

static void
pull_end(struct ctl_catchup *c, const char *failure)
{
	const struct ctl_catchup_stats *s = &c->st, *b = &c->at_start;
	uint64_t wait = CTL_CATCHUP_RETRY_MAX_MS;
	char hex[17];

	c->pulling = false;
	if (failure != NULL) {
		if (c->failures < 16 && (uint64_t)CTL_CATCHUP_TICK_MS << c->failures < wait)
			wait = (uint64_t)CTL_CATCHUP_TICK_MS << c->failures;
		c->failures++;
		c->retry_at = cu_now(c) + wait;
		c->st.pulls_failed++;
		ctl_log(CTL_LOG_WARNING,
			"catch-up from %s... failed after %" PRIu64 " pages: %s (again in %" PRIu64
			" ms)",
			cu_short_hex(c->peer, hex), c->pages, failure, wait);
		return;
	}
	c->failures = 0;
	c->st.pulls_done++;
	c->need = false;
	ctl_log(CTL_LOG_NOTICE,
		"catch-up from %s... done: %" PRIu64 " pages, %" PRIu64 " inserted, %" PRIu64
		" present, %" PRIu64 " expiry raised, %" PRIu64 " refused, %" PRIu64 " ms; %" PRIu64
		" expiry lowered, %" PRIu64 " deleted by tombstones, %" PRIu64
		" tombstoned, %" PRIu64 " tokens revoked, %" PRIu64 " unrevoked",
		cu_short_hex(c->peer, hex), c->pages, s->inserted - b->inserted,
		s->present - b->present, s->raised - b->raised,
		s->rejected - b->rejected + s->full - b->full, cu_now(c) - c->started_ms,
		s->lowered - b->lowered, s->tombs_deleted - b->tombs_deleted,
		s->tombstoned - b->tombstoned, s->revocations_added - b->revocations_added,
		s->unrevokes_applied - b->unrevokes_applied);
}

static void
next_page(struct ctl_catchup *c)
{
	if (c->last_page)
		pull_end(c, NULL);
	else
		request_page(c);
}

void
cu_count_codes(struct ctl_catchup *c, const uint8_t *codes, size_t n)
{
	uint64_t *to[STORE_BULK_CODES] = {
		[STORE_BULK_INSERTED] = &c->st.inserted,
		[STORE_BULK_PRESENT] = &c->st.present,
		[STORE_BULK_RAISED] = &c->st.raised,
		[STORE_BULK_EXPIRED] = &c->st.expired,
		[STORE_BULK_SUPERSEDED] = &c->st.superseded,
		[STORE_BULK_ACCOUNT_FULL] = &c->st.full,
		[STORE_BULK_STORE_FULL] = &c->st.full,
		[STORE_BULK_LOWERED] = &c->st.lowered,
		[STORE_BULK_TOMBSTONED] = &c->st.tombstoned,
	};

	for (size_t i = 0; i < n; i++)
		(*to[codes[i]])++;
}

void
cu_count_tombs_revs(struct ctl_catchup *c, const uint8_t *codes, size_t nt, size_t nr)
{
	uint64_t *to[STORE_BULK_TOMB_CODES] = {
		[STORE_BULK_TOMB_DELETED] = &c->st.tombs_deleted,
		[STORE_BULK_TOMB_RECORDED] = &c->st.tombs_recorded,
		[STORE_BULK_TOMB_NEWER] = &c->st.tombs_newer,
		[STORE_BULK_TOMB_ENDED] = &c->st.tombs_ended,
	};

	for (size_t i = 0; i < nt; i++)
		(*to[codes[i]])++;
	for (size_t i = 0; i < nr; i++) {
		c->st.revocations_added += codes[nt + 2 * i];
		c->st.unrevokes_applied += codes[nt + 2 * i + 1];
	}
}

static void
on_put(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct cu_op *op = arg;
	struct ctl_catchup *c = op->c;
	size_t nm = op->n, nt = op->n_tombs, nr = op->n_revs;

	cu_op_free(op);
	if (c == NULL)
		return;
	if (st->rc != 0 || n != nm + nt + 2 * nr) {
		pull_end(c, st->rc != 0 ? st->text : "storage answered a wrong number of codes");
		return;
	}
	cu_count_codes(c, codes, nm);
	cu_count_tombs_revs(c, codes + nm, nt, nr);
	next_page(c);
}

bool
cu_acceptable(const struct ctl_catchup *c, const struct store_msg *m, uint64_t now)
{
	char hash[STORE_HASH_BUF];

	return snc_msg_hash_compute(m->pubkey, m->ns, m->data, m->len, hash) == 0 &&
	       strcmp(hash, m->hash) == 0 && ctl_swarm_view_serves(c->conf.swarm, m->pubkey) &&
	       m->expiry_ms <= (int64_t)now + CTL_CATCHUP_EXPIRY_AHEAD_MS &&
	       m->expiry_set_ms <= (int64_t)now + CTL_CATCHUP_CLOCK_AHEAD_MS &&
	       m->timestamp_ms <= (int64_t)now + CTL_CATCHUP_TIMESTAMP_AHEAD_MS;
}

bool
cu_tomb_acceptable(const struct ctl_catchup *c, const struct store_tomb *t, uint64_t now)
{
	/* a deleted message expired at most 30 days after its expiry was last set, which
	 * was before the deletion */
	return ctl_swarm_view_serves(c->conf.swarm, t->pubkey) &&
	       t->until_ms <= (int64_t)now + CTL_CATCHUP_EXPIRY_AHEAD_MS &&
	       t->deleted_ms <= (int64_t)now + CTL_CATCHUP_CLOCK_AHEAD_MS &&
	       t->until_ms <=
		       t->deleted_ms + CTL_RPC_TTL_MAX_PRIVATE_MS + CTL_CATCHUP_PUSH_AHEAD_MS;
}

bool
cu_revs_times_ok(const struct store_revs *r, int64_t latest)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->stamps[i] < 0 || store_revoke_stamp_ms(r->stamps[i]) > latest)
			return false;
	for (size_t i = 0; i < r->n_un; i++)
		if (r->un_ms[i] < 0 || r->un_ms[i] > latest)
			return false;
	return true;
}

bool
cu_revs_acceptable(const struct ctl_catchup *c, const struct store_revs *r, uint64_t now)
{
	/* 10 s as for pushes, even from a current member: the later of a revoke and an
	 * unrevoke wins, so one dated ahead would undo the owner's next revocations */
	return ctl_swarm_view_serves(c->conf.swarm, r->pubkey) &&
	       cu_revs_times_ok(r, (int64_t)now + CTL_CATCHUP_PUSH_AHEAD_MS);
}

/* Keeps the acceptable entries of a (at the front of each part). */
static void
keep_acceptable(struct ctl_catchup *c, struct ctl_sync_answer *a, uint64_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < a->n; i++)
		if (cu_acceptable(c, &a->recs[i], now))
			a->recs[k++] = a->recs[i];
		else
			c->st.rejected++;
	a->n = k;
	k = 0;
	for (size_t i = 0; i < a->n_tombs; i++)
		if (cu_tomb_acceptable(c, &a->tombs[i], now))
			a->tombs[k++] = a->tombs[i];
		else
			c->st.rejected++;
	a->n_tombs = k;
	k = 0;
	for (size_t i = 0; i < a->n_revs; i++)
		if (cu_revs_acceptable(c, &a->revs[i], now))
			a->revs[k++] = a->revs[i];
		else
			c->st.rejected++;
	a->n_revs = k;
}

/* Merges the acceptable entries of a page. */
static void
insert_page(struct ctl_catchup *c, struct ctl_sync_answer *a)
{
	uint64_t now = cu_now(c);
	struct store_bulk_page p;
	struct cu_op *op;
	int rc;

	keep_acceptable(c, a, now);
	if (a->n + a->n_tombs + a->n_revs == 0) {
		next_page(c);
		return;
	}
	op = cu_op_new(c);
	if (op == NULL) {
		pull_end(c, "out of memory");
		return;
	}
	op->n = a->n;
	op->n_tombs = a->n_tombs;
	op->n_revs = a->n_revs;
	p = (struct store_bulk_page){.recs = a->recs,
				     .n = a->n,
				     .tombs = a->tombs,
				     .n_tombs = a->n_tombs,
				     .revs = a->revs,
				     .n_revs = a->n_revs};
	rc = store_bulk_put_page(c->conf.store, &p, (int64_t)now, on_put, op);
	if (rc != 0) {
		cu_op_free(op);
		pull_end(c, rc == -ENOTCONN ? "storage not connected" : "storage refused the page");
	}
}

static const char *
status_text(uint8_t status)
{
	switch (status) {
	case CTL_SYNC_NOT_MEMBER:
		return "the peer does not count this node in a swarm";
	case CTL_SYNC_UNAVAILABLE:
		return "the peer's storage is unavailable";
	case CTL_SYNC_BAD_REQUEST:
		return "the peer refused the request (a node older than page version 3 does)";
	default:
		return "the peer refused the request";
	}
}

static void
on_page(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct ctl_catchup *c = arg;
	struct ctl_sync_answer a;

	c->call_waiting = false;
	if (rc != 0) {
		pull_end(c, rc == -ETIMEDOUT ? "no answer in time" : "request failed");
		return;
	}
	rc = ctl_sync_answer_decode(body, len, &a);
	if (rc != 0 || a.status != CTL_SYNC_OK) {
		c->st.pages_rejected++;
		c->st.old_version += rc == -EPROTONOSUPPORT;
		pull_end(c, rc == -EPROTONOSUPPORT
				    ? "the peer sends version 1 or 2 pages (an older node)"
			    : rc != 0 ? "unreadable page"
				      : status_text(a.status));
		ctl_sync_answer_free(&a);
		return;
	}
	c->st.pages_received++;
	c->pages++;
	c->cursor = a.next;
	c->last_page = a.last;
	insert_page(c, &a); /* the store copies what it sends */
	ctl_sync_answer_free(&a);
}

static void
request_page(struct ctl_catchup *c)
{
	uint8_t req[CTL_SYNC_REQ_LEN];
	int rc;

	ctl_sync_req_encode(req, c->cursor);
	c->st.pages_requested++;
	rc = ctl_drpc_call(c->conf.d, c->peer, req, sizeof(req), c->conf.call_timeout_ms, on_page,
			   c, &c->call_id);
	if (rc != 0)
		pull_end(c, "cannot send the request");
	else
		c->call_waiting = true;
}

/* The next reachable member of this node's swarm after the last one tried. */
static bool
pick_peer(struct ctl_catchup *c, const struct ctl_swarm *sw)
{
	for (size_t k = 0; k < sw->n; k++) {
		const uint8_t *pk = sw->nodes[(c->rr + k) % sw->n].ed25519;

		if (memcmp(pk, c->self, 32) != 0 && c->conf.reachable(c->conf.reachable_arg, pk)) {
			memcpy(c->peer, pk, 32);
			c->rr = (c->rr + k + 1) % sw->n;
			return true;
		}
	}
	return false;
}

static void
pull_start(struct ctl_catchup *c, const struct ctl_swarm *sw)
{
	char hex[17];

	if (!pick_peer(c, sw))
		return;
	c->pulling = true;
	c->cursor = 0;
	c->pages = 0;
	c->last_page = false;
	c->started_ms = cu_now(c);
	c->at_start = c->st;
	c->st.pulls_started++;
	ctl_log(CTL_LOG_NOTICE, "catch-up: pulling swarm %016" PRIx64 " from %s...", sw->id,
		cu_short_hex(c->peer, hex));
	request_page(c);
}

/* Swarm changes: joining one needs a pull, leaving one an erase pass. */
static void
watch_swarm(struct ctl_catchup *c, const struct ctl_swarm *sw)
{
	if (sw->id == c->swarm_id)
		return;
	if (c->swarm_id != CTL_SWARM_VIEW_NO_SWARM)
		c->drop_needed = true;
	if (sw->id != CTL_SWARM_VIEW_NO_SWARM)
		c->need = true;
	c->swarm_id = sw->id;
}

/* More than half of the swarm's peers unreachable: this node may be the one cut off. */
static void
watch_peers(struct ctl_catchup *c, const struct ctl_swarm *sw)
{
	size_t peers = 0, lost = 0;
	bool cut;

	for (size_t i = 0; i < sw->n; i++) {
		if (memcmp(sw->nodes[i].ed25519, c->self, 32) == 0)
			continue;
		peers++;
		lost += !c->conf.reachable(c->conf.reachable_arg, sw->nodes[i].ed25519);
	}
	cut = peers > 0 && 2 * lost > peers;
	if (cut && !c->cut_off)
		c->need = true;
	c->cut_off = cut;
}

void
ctl_catchup_tick(struct ctl_catchup *c)
{
	struct ctl_swarm sw;

	ctl_swarm_view_swarm_of_node(c->conf.swarm, c->self, &sw);
	watch_swarm(c, &sw);
	watch_peers(c, &sw);
	if (c->need && !c->pulling && sw.n <= 1)
		c->need = false; /* no swarm, or this node alone in it: nothing to pull */
	if (c->need && !c->pulling && cu_now(c) >= c->retry_at)
		pull_start(c, &sw);
	if (c->drop_retry_at != 0 && cu_now(c) >= c->drop_retry_at) {
		c->drop_retry_at = 0;
		c->drop_needed = true;
	}
	/* erase only once this node holds what its (new) swarm has */
	if (c->drop_needed && !c->dropping && !c->pulling && !c->need)
		cu_drop_start(c);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_catchup_tick(arg);
}

struct ctl_catchup *
ctl_catchup_new(struct event_base *base, const struct ctl_catchup_conf *conf)
{
	struct timeval tv = {CTL_CATCHUP_TICK_MS / 1000, CTL_CATCHUP_TICK_MS % 1000 * 1000};
	struct ctl_catchup *c;

	if (conf == NULL || conf->d == NULL || conf->store == NULL || conf->swarm == NULL ||
	    conf->self == NULL || conf->reachable == NULL ||
	    conf->page_records > STORE_BULK_RECORDS_MAX)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->conf = *conf;
	memcpy(c->self, conf->self, 32);
	c->conf.self = c->self;
	if (c->conf.page_records == 0)
		c->conf.page_records = CTL_CATCHUP_PAGE_RECORDS;
	if (c->conf.page_bytes == 0)
		c->conf.page_bytes = CTL_CATCHUP_PAGE_BYTES;
	if (c->conf.drop_retry_ms == 0)
		c->conf.drop_retry_ms = CTL_CATCHUP_DROP_RETRY_MS;
	if (c->conf.call_timeout_ms == 0)
		c->conf.call_timeout_ms = CTL_CATCHUP_CALL_TIMEOUT_MS;
	/* a node that starts may have missed stores, and may hold records it no longer serves */
	c->need = true;
	c->drop_needed = true;
	c->swarm_id = CTL_SWARM_VIEW_NO_SWARM;
	if (base != NULL && ((c->timer = event_new(base, -1, EV_PERSIST, on_timer, c)) == NULL ||
			     event_add(c->timer, &tv) != 0)) {
		ctl_catchup_free(c);
		return NULL;
	}
	return c;
}

void
ctl_catchup_free(struct ctl_catchup *c)
{
	if (c == NULL)
		return;
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->call_waiting)
		ctl_drpc_cancel(c->conf.d, c->call_id);
	cu_drop_cancel(c);
	for (struct cu_op *op = c->ops; op != NULL; op = op->next)
		op->c = NULL; /* their storage callbacks come later and only free them */
	free(c);
}

void
ctl_catchup_need(struct ctl_catchup *c)
{
	c->need = true;
}

bool
ctl_catchup_busy(const struct ctl_catchup *c)
{
	return c->pulling || c->dropping;
}

bool
ctl_catchup_needed(const struct ctl_catchup *c)
{
	return c->need;
}

void
ctl_catchup_stats(const struct ctl_catchup *c, struct ctl_catchup_stats *out)
{
	*out = c->st;
}
