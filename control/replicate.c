/* SPDX-License-Identifier: MIT */
/* Recursive storage calls sent to the swarm peers and served for them (see replicate.h). */
#include "replicate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "quorum_vote.h"
#include "stest_report.h"
#include "storage_test.h"
#include "sync_page.h"

struct fan;

/* One peer's part of a fan-out. */
struct peer_call {
	struct fan *fan;
	uint8_t pk[32];
	uint64_t id;
	bool waiting;
};

struct fan {
	struct ctl_replicate *rep;
	struct fan *prev, *next;
	struct peer_call *calls;
	size_t n, pending;
	json_t *peers; /* {hex: result} so far */
	ctl_rpc_fanout_done_fn *done;
	void *done_arg;
	struct event *soon; /* completes a fan whose every send failed, outside start */
};

struct ctl_replicate {
	struct event_base *base;
	struct ctl_drpc *d;
	const struct ctl_swarm_view *swarm;
	struct ctl_rpc_server *rpc;
	uint8_t self[32];
	uint64_t timeout_ms;
	struct ctl_rpc_forwarder fwd;
	struct fan *fans;
	struct ctl_replicate_stats st;
	ctl_drpc_request_fn *bulk; /* catch-up pages (first byte CTL_SYNC_MAGIC) */
	void *bulk_arg;
	ctl_drpc_request_fn *votes; /* quorum votes (first byte CTL_VOTE_MAGIC) */
	void *votes_arg;
	ctl_drpc_request_fn *stest; /* storage-proof tests (first byte CTL_STEST_MAGIC) */
	void *stest_arg;
	ctl_drpc_request_fn *sreport; /* storage-test reports (first byte CTL_SREP_MAGIC) */
	void *sreport_arg;
};

/* A forwarded call being served: where its answer goes. */
struct serving {
	struct ctl_replicate *rep;
	uint8_t peer[32];
	uint64_t id;
};

static void
fan_free(struct fan *f)
{
	struct ctl_replicate *rep = f->rep;

	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		rep->fans = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	for (size_t i = 0; i < f->n; i++)
		if (f->calls[i].waiting)
			ctl_drpc_cancel(rep->d, f->calls[i].id);
	if (f->soon != NULL)
		event_free(f->soon);
	json_decref(f->peers);
	free(f->calls);
	free(f);
}

static void
fan_complete(struct fan *f)
{
	ctl_rpc_fanout_done_fn *done = f->done;
	void *arg = f->done_arg;
	json_t *peers = f->peers;

	f->peers = NULL;
	fan_free(f);
	done(arg, peers); /* last: it may start or cancel other fans */
}

static json_t *
failed(const char *why)
{
	return json_pack("{sbsb}", "failed", 1, why, 1);
}

/* The per-peer result of an answer body (see replicate.h). */
static json_t *
peer_result(struct ctl_replicate *rep, const uint8_t *body, size_t len)
{
	char code[8];
	unsigned status;
	json_t *j;

	if (len < CTL_REPL_ANSWER_HDR || body[2] > 1) {
		rep->st.peer_bad++;
		return failed("bad_peer_response");
	}
	status = (unsigned)body[0] << 8 | body[1];
	body += CTL_REPL_ANSWER_HDR;
	len -= CTL_REPL_ANSWER_HDR;
	if (status != 200) {
		rep->st.peer_error++;
		snprintf(code, sizeof(code), "%u", status);
		/* not "s+#": jansson 2.14 reads past a body that is not NUL-terminated with it
		 * (a segfault on a 421 carrying the swarm list); NULL reason (not UTF-8): bad */
		j = json_pack("{sbssso}", "failed", 1, "code", code, "reason",
			      json_stringn((const char *)body, len));
		return j != NULL ? j : failed("bad_peer_response");
	}
	j = json_loadb((const char *)body, len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		rep->st.peer_bad++;
		return failed("bad_peer_response");
	}
	rep->st.peer_ok++;
	return j;
}

static void
on_peer_done(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct peer_call *pc = arg;
	struct fan *f = pc->fan;
	struct ctl_replicate *rep = f->rep;
	char hex[65];
	json_t *res;

	pc->waiting = false;
	if (rc != 0) {
		rep->st.peer_timeout++;
		res = failed("timeout");
	} else {
		res = peer_result(rep, body, len);
	}
	sodium_bin2hex(hex, sizeof(hex), pc->pk, 32);
	json_object_set_new(f->peers, hex, res);
	if (--f->pending == 0)
		fan_complete(f);
}

static void
on_soon(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fan_complete(arg);
}

/* Sends body to peer i of f; a failed send is that peer's timeout, at once. */
static void
call_peer(struct fan *f, size_t i, const char *body, size_t len)
{
	struct ctl_replicate *rep = f->rep;
	struct peer_call *pc = &f->calls[i];
	char hex[65];

	pc->fan = f;
	rep->st.peer_calls++;
	if (ctl_drpc_call(rep->d, pc->pk, (const uint8_t *)body, len, rep->timeout_ms, on_peer_done,
			  pc, &pc->id) == 0) {
		pc->waiting = true;
		return;
	}
	rep->st.peer_unsent++;
	rep->st.peer_timeout++;
	sodium_bin2hex(hex, sizeof(hex), pc->pk, 32);
	json_object_set_new(f->peers, hex, failed("timeout"));
	f->pending--;
}

static struct fan *
fan_new(struct ctl_replicate *rep, const struct ctl_swarm *sw)
{
	struct fan *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->rep = rep;
	f->calls = calloc(sw->n, sizeof(*f->calls));
	f->peers = json_object();
	f->soon = evtimer_new(rep->base, on_soon, f);
	f->next = rep->fans;
	if (rep->fans != NULL)
		rep->fans->prev = f;
	rep->fans = f;
	if (f->calls == NULL || f->peers == NULL || f->soon == NULL) {
		fan_free(f);
		return NULL;
	}
	for (size_t i = 0; i < sw->n; i++)
		if (memcmp(sw->nodes[i].ed25519, rep->self, 32) != 0)
			memcpy(f->calls[f->n++].pk, sw->nodes[i].ed25519, 32);
	return f;
}

static void *
fan_start(void *arg, const uint8_t *pubkey, const char *body, size_t len,
	  ctl_rpc_fanout_done_fn *done, void *done_arg)
{
	struct ctl_replicate *rep = arg;
	struct timeval now = {0, 0};
	struct ctl_swarm sw;
	struct fan *f;

	if (ctl_swarm_view_swarm_of(rep->swarm, pubkey, &sw) != 0 || sw.n == 0 ||
	    (f = fan_new(rep, &sw)) == NULL)
		return NULL;
	if (f->n == 0) { /* this node alone */
		fan_free(f);
		return NULL;
	}
	f->done = done;
	f->done_arg = done_arg;
	f->pending = f->n;
	rep->st.fanouts++;
	for (size_t i = 0; i < f->n; i++)
		call_peer(f, i, body, len);
	if (f->pending == 0) /* nothing went out: complete from the loop, not from here */
		evtimer_add(f->soon, &now);
	return f;
}

static void
fan_cancel(void *arg, void *handle)
{
	(void)arg;
	fan_free(handle);
}

/* The forwarded call's answer to the peer: status, JSON flag, body. */
static void
on_served(void *arg, int code, bool json, const char *body, size_t len)
{
	struct serving *s = arg;
	uint8_t *out = malloc(CTL_REPL_ANSWER_HDR + len);

	s->rep->st.served++;
	if (out == NULL) {
		s->rep->st.answer_failed++;
		free(s);
		return;
	}
	out[0] = (uint8_t)(code >> 8);
	out[1] = (uint8_t)code;
	out[2] = json ? 1 : 0;
	memcpy(out + CTL_REPL_ANSWER_HDR, body, len);
	if (ctl_drpc_respond(s->rep->d, s->peer, s->id, out, CTL_REPL_ANSWER_HDR + len) != 0)
		s->rep->st.answer_failed++;
	free(out);
	free(s);
}

static void
on_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body, size_t len)
{
	struct ctl_replicate *rep = arg;
	struct serving *s;

	if (len > 0 && body[0] == CTL_SYNC_MAGIC) {
		if (rep->bulk != NULL)
			rep->bulk(rep->bulk_arg, peer, id, body, len);
		return; /* without a taker the peer times out */
	}
	if (len > 0 && body[0] == CTL_VOTE_MAGIC) {
		if (rep->votes != NULL)
			rep->votes(rep->votes_arg, peer, id, body, len);
		return;
	}
	if (len > 0 && body[0] == CTL_STEST_MAGIC) {
		if (rep->stest != NULL)
			rep->stest(rep->stest_arg, peer, id, body, len);
		return;
	}
	if (len > 0 && body[0] == CTL_SREP_MAGIC) {
		if (rep->sreport != NULL)
			rep->sreport(rep->sreport_arg, peer, id, body, len);
		return;
	}
	s = malloc(sizeof(*s));
	if (s == NULL)
		return; /* the peer times out */
	s->rep = rep;
	memcpy(s->peer, peer, 32);
	s->id = id;
	if (ctl_rpc_handle_forwarded(rep->rpc, peer, (const char *)body, len, on_served, s) != 0)
		free(s);
}

struct ctl_replicate *
ctl_replicate_new(struct event_base *base, struct ctl_drpc *d, const struct ctl_swarm_view *swarm,
		  struct ctl_rpc_server *rpc, const uint8_t self[32], uint64_t timeout_ms)
{
	struct ctl_replicate *r;

	if (base == NULL || d == NULL || swarm == NULL || rpc == NULL)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->base = base;
	r->d = d;
	r->swarm = swarm;
	r->rpc = rpc;
	memcpy(r->self, self, 32);
	r->timeout_ms = timeout_ms;
	r->fwd.start = fan_start;
	r->fwd.cancel = fan_cancel;
	r->fwd.arg = r;
	ctl_drpc_set_handler(d, on_request, r);
	ctl_rpc_server_set_forwarder(rpc, &r->fwd);
	return r;
}

void
ctl_replicate_free(struct ctl_replicate *r)
{
	if (r == NULL)
		return;
	/* the RPC server cancelled its fans when it was freed; any left are dropped */
	while (r->fans != NULL)
		fan_free(r->fans);
	ctl_drpc_set_handler(r->d, NULL, NULL);
	free(r);
}

void
ctl_replicate_set_votes(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg)
{
	r->votes = fn;
	r->votes_arg = arg;
}

void
ctl_replicate_set_stest(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg)
{
	r->stest = fn;
	r->stest_arg = arg;
}

void
ctl_replicate_set_sreport(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg)
{
	r->sreport = fn;
	r->sreport_arg = arg;
}

void
ctl_replicate_set_bulk(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg)
{
	r->bulk = fn;
	r->bulk_arg = arg;
}

void
ctl_replicate_stats(const struct ctl_replicate *r, struct ctl_replicate_stats *out)
{
	*out = r->st;
}
