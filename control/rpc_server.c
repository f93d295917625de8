/* SPDX-License-Identifier: MIT */
/*
 * The storage RPC server object and request lifetimes (see rpc_server.h):
 * decoding a body, the list of requests waiting on Redis, answering each
 * exactly once, and dropping late Redis answers after the server is freed.
 */
#include "rpc_server.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ed_x_cache.h"
#include "rpc_call.h"
#include "rpc_swarm.h"

static uint64_t
wall_clock(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ctl_rpc_server *
ctl_rpc_server_new(const struct ctl_rpc_server_conf *conf, char *err, size_t errlen)
{
	struct ctl_rpc_server *s;

	if (conf == NULL || conf->ed25519_sk == NULL || conf->store == NULL ||
	    conf->swarm == NULL) {
		snprintf(err, errlen, "rpc server: node key, store and swarm view are required");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s != NULL && (s->ed_x_cache = malloc(sizeof(*s->ed_x_cache))) == NULL) {
		free(s);
		s = NULL;
	}
	if (s == NULL) {
		snprintf(err, errlen, "rpc server: out of memory");
		return NULL;
	}
	memcpy(s->sk, conf->ed25519_sk, sizeof(s->sk));
	/* libsodium's secret key ends with the public key. */
	sodium_bin2hex(s->own_hex, sizeof(s->own_hex), s->sk + 32, 32);
	s->store = conf->store;
	s->swarm = conf->swarm;
	s->testnet = conf->testnet;
	s->now_ms = conf->now_ms != NULL ? conf->now_ms : wall_clock;
	s->now_arg = conf->now_arg;
	snc_ed_x_cache_init(s->ed_x_cache);
	memcpy(s->version, conf->version, sizeof(s->version));
	memcpy(s->hf, conf->hf, sizeof(s->hf));
	s->https_port = conf->https_port;
	return s;
}

static void
unlink_req(struct rpc_req *r)
{
	struct ctl_rpc_server *s = r->srv;

	if (r->prev != NULL)
		r->prev->next = r->next;
	else if (s != NULL && s->inflight == r)
		s->inflight = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
}

void
ctl_rpc_server_free(struct ctl_rpc_server *s)
{
	static const char text[] = "server shutting down";
	struct rpc_req *r;

	if (s == NULL)
		return;
	/* Everyone still waiting gets an answer now; the store's late callbacks
	 * find their request detached (srv NULL) and only free it. */
	while ((r = s->inflight) != NULL) {
		rpc_swarm_cancel(r); /* no peer result may arrive for it any more */
		unlink_req(r);
		r->srv = NULL;
		r->done(r->arg, 503, false, text, sizeof(text) - 1);
		r->done = NULL;
		if (!r->busy)
			rpc_server_req_free(r);
	}
	sodium_memzero(s->sk, sizeof(s->sk));
	free(s->ed_x_cache);
	free(s);
}

void
rpc_server_req_free(struct rpc_req *r)
{
	ctl_rpc_params_free(&r->req);
	rpc_swarm_free(r);
	json_decref(r->results);
	free(r);
}

void
rpc_server_answer(struct rpc_req *r, int code, json_t *json, const char *text)
{
	ctl_rpc_done_fn *done = r->done;
	void *arg = r->arg;
	char *dump = NULL;

	unlink_req(r);
	if (json != NULL) {
		/* Sorted keys: the reference's nlohmann objects print in key order. */
		dump = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(json);
		if (dump == NULL) {
			code = 500;
			text = "request failed";
		}
	}
	rpc_server_req_free(r);
	if (text == NULL)
		text = "request failed";
	/* Nothing of the server or request is touched after done: it may free both. */
	if (dump != NULL)
		done(arg, code, true, dump, strlen(dump));
	else
		done(arg, code, false, text, strlen(text));
	free(dump);
}

/* A new request in the in-flight list; NULL on no memory. */
static struct rpc_req *
req_new(struct ctl_rpc_server *s, ctl_rpc_done_fn *done, void *arg)
{
	struct rpc_req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->srv = s;
	r->done = done;
	r->arg = arg;
	r->next = s->inflight;
	if (s->inflight != NULL)
		s->inflight->prev = r;
	s->inflight = r;
	s->stats.requests++;
	return r;
}

int
ctl_rpc_handle(struct ctl_rpc_server *s, const char *body, size_t len, ctl_rpc_done_fn *done,
	       void *arg)
{
	struct ctl_rpc_status st;
	struct rpc_req *r;

	if (s == NULL || done == NULL)
		return -EINVAL;
	if ((r = req_new(s, done, arg)) == NULL)
		return -ENOMEM;
	if (ctl_rpc_params_parse(body != NULL ? body : "", body != NULL ? len : 0, s->testnet,
				 &r->req, &st) != 0) {
		rpc_server_answer(r, st.code, NULL, st.text);
		return 0;
	}
	if (r->req.method == CTL_RPC_BATCH || r->req.method == CTL_RPC_SEQUENCE) {
		r->results = json_array();
		if (r->results == NULL) {
			rpc_server_answer(r, 500, NULL, "request failed");
			return 0;
		}
	}
	rpc_call_start(r);
	return 0;
}

void
ctl_rpc_server_stats(const struct ctl_rpc_server *s, struct ctl_rpc_server_stats *out)
{
	struct rpc_req *r;

	*out = s->stats;
	out->in_flight = 0;
	for (r = s->inflight; r != NULL; r = r->next)
		out->in_flight += r->busy;
}

void
ctl_rpc_server_set_forwarder(struct ctl_rpc_server *s, const struct ctl_rpc_forwarder *f)
{
	s->fwd = f;
}

int
ctl_rpc_handle_forwarded(struct ctl_rpc_server *s, const uint8_t peer[32], const char *body,
			 size_t len, ctl_rpc_done_fn *done, void *arg)
{
	struct ctl_rpc_status st;
	struct rpc_req *r;

	if (s == NULL || done == NULL || peer == NULL)
		return -EINVAL;
	if ((r = req_new(s, done, arg)) == NULL)
		return -ENOMEM;
	r->forwarded = true;
	memcpy(r->forwarder, peer, 32);
	s->stats.forwarded_in++;
	if (ctl_rpc_params_parse(body != NULL ? body : "", body != NULL ? len : 0, s->testnet,
				 &r->req, &st) != 0) {
		rpc_server_answer(r, st.code, NULL, st.text);
		return 0;
	}
	/* only what the reference forwards: one recursive call, never a batch */
	if (!rpc_swarm_recursive(r->req.method)) {
		s->stats.forward_rejected++;
		rpc_server_answer(r, 400, NULL, "invalid request: not a forwardable method");
		return 0;
	}
	rpc_call_start(r);
	return 0;
}
