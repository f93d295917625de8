/* SPDX-License-Identifier: MIT */
/* Request/response over fragmented DIRECT messages (see direct_rpc.h). */
#include "direct_rpc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>

struct call {
	struct call *next;
	uint64_t id;
	uint8_t peer[32];
	uint64_t deadline_ms;
	ctl_drpc_done_fn *done;
	void *arg;
};

struct ctl_drpc {
	struct snc_identity id;
	struct ctl_drpc_conf conf;
	struct snc_direct_verifier *verifier;
	struct ctl_frag_reasm *frag;
	struct event *timer;
	ctl_drpc_request_fn *on_request;
	void *request_arg;
	struct call *calls; /* waiting for an answer, newest first */
	size_t n_calls;
	uint64_t next_id;
	struct ctl_drpc_stats st;
};

static uint64_t
wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
now(const struct ctl_drpc *d)
{
	return d->conf.now_ms(d->conf.now_arg);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_drpc_tick(arg);
}

struct ctl_drpc *
ctl_drpc_new(struct event_base *base, const struct ctl_drpc_conf *conf)
{
	struct ctl_drpc *d;
	struct timeval tv = {0, CTL_DRPC_TICK_MS * 1000};

	if (conf == NULL || conf->id == NULL || conf->send == NULL)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->id = *conf->id;
	d->conf = *conf;
	d->conf.id = &d->id;
	d->conf.frag = NULL;
	if (d->conf.timeout_ms == 0)
		d->conf.timeout_ms = CTL_DRPC_TIMEOUT_MS;
	if (d->conf.now_ms == NULL)
		d->conf.now_ms = wall_ms;
	/* ids are per sender: a random start makes a restarted node's ids unlikely to
	 * match answers still in flight to its previous run */
	randombytes_buf(&d->next_id, sizeof(d->next_id));
	d->verifier = malloc(sizeof(*d->verifier));
	d->frag = ctl_frag_reasm_new(conf->frag);
	if (base != NULL)
		d->timer = event_new(base, -1, EV_PERSIST, on_timer, d);
	if (d->verifier == NULL || d->frag == NULL || (base != NULL && d->timer == NULL) ||
	    snc_direct_verifier_init(d->verifier, 0) != 0) {
		ctl_drpc_free(d);
		return NULL;
	}
	if (d->timer != NULL)
		event_add(d->timer, &tv);
	return d;
}

void
ctl_drpc_free(struct ctl_drpc *d)
{
	struct call *c;

	if (d == NULL)
		return;
	/* one at a time from the head: a done may cancel or add calls */
	while ((c = d->calls) != NULL) {
		d->calls = c->next;
		d->n_calls--;
		d->st.shutdown++;
		c->done(c->arg, -ESHUTDOWN, NULL, 0);
		free(c);
	}
	if (d->timer != NULL)
		event_free(d->timer);
	ctl_frag_reasm_free(d->frag);
	free(d->verifier);
	snc_identity_wipe(&d->id);
	free(d);
}

void
ctl_drpc_set_handler(struct ctl_drpc *d, ctl_drpc_request_fn *fn, void *arg)
{
	d->on_request = fn;
	d->request_arg = arg;
}

struct emit_ctx {
	struct ctl_drpc *d;
	const uint8_t *peer;
};

static int
emit(void *arg, const uint8_t *cell, size_t len)
{
	struct emit_ctx *e = arg;

	return e->d->conf.send(e->d->conf.send_arg, e->peer, cell, len);
}

/* Seals kind || id || body for peer and sends its fragments. */
static int
send_msg(struct ctl_drpc *d, const uint8_t peer[32], uint8_t kind, uint64_t id, const uint8_t *body,
	 size_t len)
{
	size_t plen = CTL_DRPC_ENVELOPE + len, slen;
	uint8_t *buf, *sealed;
	struct emit_ctx e = {d, peer};
	uint64_t msg_id;
	int rc;

	if (len > CTL_DRPC_BODY_MAX)
		return -EMSGSIZE;
	buf = malloc(plen + plen + SNC_DIRECT_OVERHEAD);
	if (buf == NULL)
		return -ENOMEM;
	sealed = buf + plen;
	buf[0] = kind;
	for (int i = 0; i < 8; i++)
		buf[1 + i] = (uint8_t)(id >> (56 - 8 * i));
	if (len > 0)
		memcpy(buf + CTL_DRPC_ENVELOPE, body, len);
	randombytes_buf(&msg_id, sizeof(msg_id));
	rc = snc_direct_seal(&d->id, peer, now(d), NULL, buf, plen, sealed,
			     plen + SNC_DIRECT_OVERHEAD, &slen);
	if (rc == 0)
		rc = ctl_frag_split(msg_id, sealed, slen, emit, &e);
	free(buf);
	if (rc != 0)
		d->st.send_failed++;
	return rc;
}

int
ctl_drpc_call(struct ctl_drpc *d, const uint8_t peer[32], const uint8_t *body, size_t len,
	      uint64_t timeout_ms, ctl_drpc_done_fn *done, void *arg, uint64_t *id)
{
	struct call *c;
	int rc;

	if (len > CTL_DRPC_BODY_MAX)
		return -EMSGSIZE;
	if (d->n_calls >= CTL_DRPC_PENDING_MAX) {
		d->st.busy++;
		return -EBUSY;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->id = d->next_id++;
	memcpy(c->peer, peer, 32);
	c->deadline_ms = now(d) + (timeout_ms != 0 ? timeout_ms : d->conf.timeout_ms);
	c->done = done;
	c->arg = arg;
	if ((rc = send_msg(d, peer, CTL_DRPC_KIND_REQUEST, c->id, body, len)) != 0) {
		free(c);
		return rc;
	}
	c->next = d->calls;
	d->calls = c;
	d->n_calls++;
	d->st.calls++;
	if (id != NULL)
		*id = c->id;
	return 0;
}

/* Unlinks and returns the call with id (and peer, when given). */
static struct call *
take(struct ctl_drpc *d, uint64_t id, const uint8_t *peer)
{
	for (struct call **pp = &d->calls; *pp != NULL; pp = &(*pp)->next) {
		struct call *c = *pp;

		if (c->id == id && (peer == NULL || memcmp(c->peer, peer, 32) == 0)) {
			*pp = c->next;
			d->n_calls--;
			return c;
		}
	}
	return NULL;
}

bool
ctl_drpc_cancel(struct ctl_drpc *d, uint64_t id)
{
	struct call *c = take(d, id, NULL);

	if (c == NULL)
		return false;
	d->st.cancelled++;
	free(c);
	return true;
}

int
ctl_drpc_respond(struct ctl_drpc *d, const uint8_t peer[32], uint64_t id, const uint8_t *body,
		 size_t len)
{
	int rc = send_msg(d, peer, CTL_DRPC_KIND_RESPONSE, id, body, len);

	if (rc == 0)
		d->st.responses_out++;
	return rc;
}

void
ctl_drpc_tick(struct ctl_drpc *d)
{
	uint64_t t = now(d);

	ctl_frag_expire(d->frag, t);
	for (;;) {
		struct call *c = d->calls;

		while (c != NULL && c->deadline_ms >= t)
			c = c->next;
		if (c == NULL)
			return;
		/* unlinked before done: done may call, cancel or free anything else */
		take(d, c->id, c->peer);
		d->st.timed_out++;
		c->done(c->arg, -ETIMEDOUT, NULL, 0);
		free(c);
	}
}

/* A reassembled sealed message from the node from. */
static void
on_message(void *arg, const uint8_t from[32], const uint8_t *msg, size_t len)
{
	struct ctl_drpc *d = arg;
	uint8_t *payload = malloc(len), sender[32];
	uint64_t ts, id = 0;
	struct call *c;
	size_t plen;

	if (payload == NULL)
		return;
	if (snc_direct_open(d->verifier, &d->id, now(d), msg, len, payload, len, &plen, sender,
			    &ts) != 0 ||
	    sodium_memcmp(sender, from, 32) != 0 || plen < CTL_DRPC_ENVELOPE ||
	    (payload[0] != CTL_DRPC_KIND_REQUEST && payload[0] != CTL_DRPC_KIND_RESPONSE)) {
		d->st.rejected++;
		free(payload);
		return;
	}
	for (int i = 0; i < 8; i++)
		id = id << 8 | payload[1 + i];
	if (payload[0] == CTL_DRPC_KIND_REQUEST) {
		d->st.requests_in++;
		if (d->on_request == NULL)
			d->st.unhandled++;
		else
			d->on_request(d->request_arg, from, id, payload + CTL_DRPC_ENVELOPE,
				      plen - CTL_DRPC_ENVELOPE);
	} else if ((c = take(d, id, from)) == NULL) {
		d->st.late++;
	} else {
		d->st.answered++;
		c->done(c->arg, 0, payload + CTL_DRPC_ENVELOPE, plen - CTL_DRPC_ENVELOPE);
		free(c);
	}
	free(payload);
}

void
ctl_drpc_on_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	struct ctl_drpc *d = arg;

	if (len > 0 && cell[0] == CTL_FRAG_KIND)
		ctl_frag_add(d->frag, peer, cell, len, now(d), on_message, d);
	else if (len > 0 && cell[0] == SNC_DIRECT_VERSION && d->conf.whole != NULL)
		d->conf.whole(d->conf.whole_arg, peer, cell, len);
	else
		d->st.unknown_kind++;
}

size_t
ctl_drpc_pending(const struct ctl_drpc *d)
{
	return d->n_calls;
}

void
ctl_drpc_stats(const struct ctl_drpc *d, struct ctl_drpc_stats *out)
{
	*out = d->st;
}

void
ctl_drpc_frag_stats(const struct ctl_drpc *d, struct ctl_frag_stats *out)
{
	ctl_frag_stats(d->frag, out);
}

void
ctl_drpc_open_stats(const struct ctl_drpc *d, struct snc_direct_stats *out)
{
	*out = d->verifier->stats;
}
