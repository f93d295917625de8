/* SPDX-License-Identifier: MIT */
#include "http_onion.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "aead.h"
#include "chan_msg.h"
#include "dp_channel.h"
#include "onion_dest.h"
#include "onion_layer.h"
#include "onion_proxy.h"
#include "payload.h"
#include "rpc_server.h"

enum {
	HASH_BUCKETS = 4096, /* pending relayed requests, by id */
};

/* A relayed request waiting for its path's reply cells. */
struct relay_req {
	struct relay_req *next; /* hash chain */
	struct ctl_onion_entry *e;
	uint64_t id;
	struct event *timer;
	ctl_http_answer_fn *answer;
	void *arg;
	uint8_t next_ed25519[32]; /* for "Next node not found" */
	uint32_t seq;		  /* next expected cell */
	uint8_t *buf;
	size_t len, cap;
};

/* A request this node answers itself (destination): the hop key for the reply. */
struct dest_req {
	ctl_http_answer_fn *answer;
	void *arg;
	enum snc_enc_type type;
	uint8_t key[32];
	bool json, base64;
};

struct ctl_onion_entry {
	struct event_base *base;
	struct snc_node_keys keys;
	uint8_t ed25519_pk[32];
	struct ctl_rpc_server *rpc;
	struct ctl_dp_channel *channel;
	struct ctl_proxy *proxy;
	unsigned timeout_ms;
	uint64_t next_id;
	struct relay_req *bucket[HASH_BUCKETS];
	struct ctl_onion_entry_stats st;
};

struct ctl_onion_entry *
ctl_onion_entry_new(const struct ctl_onion_entry_conf *conf)
{
	struct ctl_onion_entry *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->base = conf->base;
	e->rpc = conf->rpc;
	e->channel = conf->channel;
	e->proxy = conf->proxy;
	e->timeout_ms = conf->timeout_ms;
	memcpy(e->ed25519_pk, conf->ed25519_sk + 32, 32);
	if (crypto_sign_ed25519_sk_to_curve25519(e->keys.x25519_sk, conf->ed25519_sk) != 0 ||
	    crypto_scalarmult_base(e->keys.x25519_pk, e->keys.x25519_sk) != 0) {
		free(e);
		return NULL;
	}
	randombytes_buf(&e->next_id, sizeof(e->next_id)); /* ids of a restarted control differ */
	if (conf->channel != NULL)
		ctl_dp_channel_on_entry_reply(conf->channel, ctl_onion_entry_on_reply, e);
	return e;
}

/* ---- answers ---- */

/* Encrypts {"status", "body"} for the client with the layer's key and answers 200. */
static void
answer_sealed(ctl_http_answer_fn *answer, void *arg, enum snc_enc_type type, const uint8_t key[32],
	      bool base64, int code, bool json, const char *body, size_t len)
{
	size_t plain_len, sealed_len, got = 0;
	char *plain = ctl_onion_wrap_reply(code, body, len, json, &plain_len);
	uint8_t *sealed = NULL;
	char *b64 = NULL;

	sealed_len = plain != NULL ? snc_enc_type_sealed_len(type, plain_len) : 0;
	if (plain == NULL || (sealed = malloc(sealed_len + 1)) == NULL ||
	    snc_aead_seal(type, key, (const uint8_t *)plain, plain_len, sealed, sealed_len, &got) !=
		    0) {
		answer(arg, 500, false, "request failed", 14);
		goto out;
	}
	if (!base64) {
		answer(arg, 200, false, (const char *)sealed, got);
		goto out;
	}
	b64 = malloc(sodium_base64_encoded_len(got, sodium_base64_VARIANT_ORIGINAL));
	if (b64 == NULL) {
		answer(arg, 500, false, "request failed", 14);
		goto out;
	}
	sodium_bin2base64(b64, sodium_base64_encoded_len(got, sodium_base64_VARIANT_ORIGINAL),
			  sealed, got, sodium_base64_VARIANT_ORIGINAL);
	answer(arg, 200, false, b64, strlen(b64));
out:
	free(b64);
	free(sealed);
	free(plain);
}

static void
answer_text(ctl_http_answer_fn *answer, void *arg, int code, const char *text)
{
	answer(arg, code, false, text, strlen(text));
}

/* ---- destination: the storage RPC here ---- */

static void
on_rpc_done(void *arg, int code, bool json, const char *body, size_t len)
{
	struct dest_req *d = arg;

	answer_sealed(d->answer, d->arg, d->type, d->key, d->base64, code, d->json && json, body,
		      len);
	sodium_memzero(d->key, sizeof(d->key));
	free(d);
}

static void
destination(struct ctl_onion_entry *e, const struct snc_route *r, const struct snc_payload *p,
	    enum snc_enc_type type, const uint8_t key[32], ctl_http_answer_fn *answer, void *arg)
{
	struct dest_req *d = malloc(sizeof(*d));

	e->st.destination++;
	if (d == NULL) {
		answer_text(answer, arg, 500, "request failed");
		return;
	}
	*d = (struct dest_req){answer, arg, type, {0}, r->json_body, r->base64_reply};
	memcpy(d->key, key, 32);
	if (ctl_rpc_handle(e->rpc, (const char *)p->blob, p->blob_len, on_rpc_done, d) != 0) {
		sodium_memzero(d->key, sizeof(d->key));
		free(d);
		answer_text(answer, arg, 500, "request failed");
	}
}

/* ---- relay: through the dataplane ---- */

static struct relay_req **
slot_of(struct ctl_onion_entry *e, uint64_t id)
{
	struct relay_req **pp = &e->bucket[id % HASH_BUCKETS];

	while (*pp != NULL && (*pp)->id != id)
		pp = &(*pp)->next;
	return pp;
}

/* Unlinks and frees r; the caller has answered. */
static void
finish(struct relay_req *r)
{
	struct relay_req **pp = slot_of(r->e, r->id);

	if (*pp == r)
		*pp = r->next;
	r->e->st.pending--;
	event_free(r->timer);
	free(r->buf);
	free(r);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct relay_req *r = arg;

	(void)fd;
	(void)what;
	r->e->st.relay_timeouts++;
	answer_text(r->answer, r->arg, 504, "Request time out");
	finish(r);
}

static void
fail(struct relay_req *r, uint8_t reason)
{
	char hex[65], text[96];

	r->e->st.relay_failed++;
	if (reason == CHAN_ENTRY_UNKNOWN_NEXT_HOP) {
		sodium_bin2hex(hex, sizeof(hex), r->next_ed25519, 32);
		snprintf(text, sizeof(text), "Next node not found: %s", hex);
		answer_text(r->answer, r->arg, 502, text);
	} else if (reason == CHAN_ENTRY_BUSY) {
		answer_text(r->answer, r->arg, 503, "Server busy, try again later");
	} else {
		answer_text(r->answer, r->arg, 502, "Invalid response from snode");
	}
	finish(r);
}

/* Appends one cell's payload; false when the reply is too long. */
static bool
append(struct relay_req *r, const uint8_t *p, size_t n)
{
	if (n > CTL_ONION_REPLY_MAX - r->len)
		return false;
	if (r->len + n > r->cap) {
		size_t cap = r->cap == 0 ? 4096 : r->cap;
		uint8_t *b;

		while (cap < r->len + n)
			cap *= 2;
		if ((b = realloc(r->buf, cap)) == NULL)
			return false;
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	return true;
}

void
ctl_onion_entry_on_reply(void *arg, uint64_t id, const uint8_t *body, size_t len)
{
	struct ctl_onion_entry *e = arg;
	struct relay_req *r = *slot_of(e, id);
	uint32_t seq;

	if (r == NULL || len < CHAN_ENTRY_REPLY_META_BYTES)
		return; /* answered already (timeout) or a stale id */
	seq = (uint32_t)body[0] | (uint32_t)body[1] << 8 | (uint32_t)body[2] << 16 |
	      (uint32_t)body[3] << 24;
	if (body[4] & CHAN_ENTRY_FAIL) {
		fail(r, body[5]);
		return;
	}
	/* mode 0 cells come in order, each once (relays drop reordered ones): a gap is a
	 * lost cell, and the reply cannot be whole */
	if (seq != r->seq++ ||
	    !append(r, body + CHAN_ENTRY_REPLY_META_BYTES, len - CHAN_ENTRY_REPLY_META_BYTES)) {
		fail(r, 0);
		return;
	}
	if (body[4] & CHAN_ENTRY_LAST) {
		e->st.relay_replies++;
		r->answer(r->arg, 200, false, (const char *)r->buf, r->len);
		finish(r);
	}
}

static void
relay(struct ctl_onion_entry *e, const struct snc_route *r, const struct snc_payload *p, int hop_no,
      ctl_http_answer_fn *answer, void *arg)
{
	uint8_t msg[CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX];
	struct timeval tv = {e->timeout_ms / 1000, (e->timeout_ms % 1000) * 1000};
	struct relay_req *q;
	char text[128];

	if (p->blob_len > CHAN_ENTRY_BLOB_MAX) {
		/* a large cell's CREATE carries at most this (wire-format.md) */
		e->st.relay_failed++;
		snprintf(text, sizeof(text),
			 "Onion request too large for snode's cells: %zu bytes for the next hop, "
			 "at most %d",
			 p->blob_len, CHAN_ENTRY_BLOB_MAX);
		answer_text(answer, arg, 502, text);
		return;
	}
	if (e->st.pending >= CTL_ONION_PENDING_MAX || (q = calloc(1, sizeof(*q))) == NULL) {
		e->st.busy++;
		answer_text(answer, arg, 503, "Server busy, try again later");
		return;
	}
	*q = (struct relay_req){.e = e, .id = ++e->next_id, .answer = answer, .arg = arg};
	memcpy(q->next_ed25519, r->next_ed25519, 32);
	memcpy(msg, r->next_ed25519, 32);
	memcpy(msg + 32, r->eph_pk, 32);
	msg[64] = (uint8_t)r->enc_type;
	msg[65] = (uint8_t)(hop_no + 1); /* the next hop's number, as SS increments it */
	msg[66] = msg[67] = 0;
	memcpy(msg + CHAN_ENTRY_META_BYTES, p->blob, p->blob_len);
	q->timer = evtimer_new(e->base, on_timeout, q);
	if (q->timer == NULL ||
	    ctl_dp_channel_send_entry(e->channel, q->id, msg,
				      CHAN_ENTRY_META_BYTES + p->blob_len) != 0) {
		if (q->timer != NULL)
			event_free(q->timer);
		free(q);
		e->st.busy++;
		answer_text(answer, arg, 503, "Server busy, try again later");
		return;
	}
	q->next = e->bucket[q->id % HASH_BUCKETS];
	e->bucket[q->id % HASH_BUCKETS] = q;
	e->st.pending++;
	e->st.relayed++;
	evtimer_add(q->timer, &tv);
}

/* ---- one request ---- */

static bool
ready(const struct ctl_onion_entry *e)
{
	return e->channel != NULL && ctl_dp_channel_connected(e->channel);
}

static void
not_ready(struct ctl_onion_entry *e, ctl_http_answer_fn *answer, void *arg)
{
	char hex[65], text[96];

	e->st.not_ready++;
	sodium_bin2hex(hex, sizeof(hex), e->ed25519_pk, 32);
	snprintf(text, sizeof(text), "Snode not ready: %s", hex);
	answer_text(answer, arg, 503, text);
}

/* ---- proxy: this node is the exit (a 1-hop path to a server) ---- */

struct proxy_req {
	ctl_http_answer_fn *answer;
	void *arg;
};

/* The server's status and body, unmodified (facts 1.4). */
static void
on_proxy_done(void *arg, int status, const uint8_t *body, size_t len)
{
	struct proxy_req *q = arg;

	q->answer(q->arg, status, false, (const char *)body, len);
	free(q);
}

static void
proxy(struct ctl_onion_entry *e, const struct snc_route *r, const uint8_t *pt, size_t pt_len,
      ctl_http_answer_fn *answer, void *arg)
{
	struct proxy_req *q = malloc(sizeof(*q));
	int rc;

	e->st.proxied++;
	if (q == NULL) {
		answer_text(answer, arg, 500, "request failed");
		return;
	}
	*q = (struct proxy_req){answer, arg};
	rc = e->proxy != NULL ? ctl_proxy_post(e->proxy, r, pt, pt_len, on_proxy_done, q) : -ENOSYS;
	if (rc == 0)
		return;
	free(q);
	if (rc == -EBUSY || rc == -ENOSYS)
		answer_text(answer, arg, 503, "Server busy, try again later");
	else
		answer_text(answer, arg, 500, "request failed");
}

/* The peeled layer: what SS's process_inner_request decides, in its order. */
static void
route(struct ctl_onion_entry *e, const uint8_t *pt, size_t pt_len, enum snc_enc_type type,
      const uint8_t key[32], int hop_no, ctl_http_answer_fn *answer, void *arg)
{
	struct snc_payload p;
	struct snc_route r;

	if (snc_payload_parse(pt, pt_len, &p) != 0 ||
	    snc_route_parse(p.json, p.json_len, &r) != 0) {
		e->st.bad_json++;
		answer_sealed(answer, arg, type, key, true, 400, false, "Invalid json", 12);
		return;
	}
	if (r.kind == SNC_ROUTE_DESTINATION) {
		destination(e, &r, &p, type, key, answer, arg);
	} else if (r.kind == SNC_ROUTE_PROXY && !snc_route_proxy_url_ok(&r)) {
		e->st.proxy_refused++;
		answer_sealed(answer, arg, type, key, true, 400, false, "Invalid url", 11);
	} else if (r.kind == SNC_ROUTE_PROXY) {
		proxy(e, &r, pt, pt_len, answer, arg);
	} else if (!ready(e)) {
		not_ready(e, answer, arg);
	} else {
		relay(e, &r, &p, hop_no, answer, arg);
	}
}

void
ctl_onion_entry_handle(struct ctl_onion_entry *e, const uint8_t *body, size_t len,
		       ctl_http_answer_fn *answer, void *arg)
{
	struct ctl_onion_entry_req req;
	char why[160], text[200];
	uint8_t key[32], *pt;
	size_t pt_len = 0;

	e->st.requests++;
	if (e->channel != NULL && !ctl_dp_channel_connected(e->channel)) {
		not_ready(e, answer, arg); /* SS checks readiness before anything else */
		return;
	}
	if (ctl_onion_entry_parse(body, len, &req, why, sizeof(why)) != 0) {
		e->st.parse_errors++;
		snprintf(text, sizeof(text), "Error parsing onion request: %s", why);
		answer_text(answer, arg, 400, text);
		return;
	}
	pt = malloc(req.blob_len + 1);
	if (pt == NULL) {
		answer_text(answer, arg, 500, "request failed");
		return;
	}
	if (snc_onion_layer_decrypt(&e->keys, req.route.enc_type, req.route.eph_pk, req.blob,
				    req.blob_len, pt, req.blob_len + 1, &pt_len, key) != 0) {
		e->st.bad_ciphertext++;
		answer_text(answer, arg, 400, "Invalid ciphertext");
	} else {
		route(e, pt, pt_len, req.route.enc_type, key, req.route.hop_no, answer, arg);
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(pt, req.blob_len + 1);
	free(pt);
}

void
ctl_onion_entry_free(struct ctl_onion_entry *e)
{
	if (e == NULL)
		return;
	for (unsigned i = 0; i < HASH_BUCKETS; i++)
		while (e->bucket[i] != NULL) {
			struct relay_req *r = e->bucket[i];

			answer_text(r->answer, r->arg, 503, "server shutting down");
			finish(r);
		}
	if (e->channel != NULL)
		ctl_dp_channel_on_entry_reply(e->channel, NULL, NULL);
	sodium_memzero(&e->keys, sizeof(e->keys));
	free(e);
}

void
ctl_onion_entry_stats(const struct ctl_onion_entry *e, struct ctl_onion_entry_stats *out)
{
	*out = e->st;
}
