/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* accept4 */
#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "chan_msg.h"
#include "log.h"
#include "reply.h"

enum {
	SOCKBUF_BYTES = 4 * 1024 * 1024, /* absorbs a burst of requests or a long reply */
};

/* A request too long for its mbuf (reassembled from DATA cells), sent in parts.
 * On the ring its pointer carries BIG_TAG in bit 0 (mbufs are aligned). */
struct dp_chan_big {
	struct chan_ref ref;
	uint32_t len;
	uint8_t body[]; /* meta bytes, then the payload */
};
#define BIG_TAG ((uintptr_t)1)

/* A reply on its way from the service to the worker that owns the circuit. */
struct dp_chan_reply {
	struct chan_ref ref;
	uint16_t flags;
	uint32_t len;
	uint8_t body[];
};

struct dp_channel {
	int lfd, cfd;
	bool peer_hello; /* the peer named our node key */
	uint32_t connected;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint8_t ed25519_pk[32];
	struct rte_ring *req;
	struct rte_ring *replies[RTE_MAX_LCORE];
	void *pending;	    /* a request (mbuf or tagged big) the socket refused for now */
	size_t pending_off; /* big: body bytes already sent */
	uint64_t big_bytes; /* bytes of big requests queued (atomic: workers add) */
	struct chan_assembly rx;
	struct dp_channel_stats st;
	uint8_t buf[CHAN_MSG_MAX];
};

static int
listen_at(struct dp_channel *ch, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(ch->path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "channel path too long (max %zu bytes): %s",
			 sizeof(sa.sun_path) - 1, ch->path);
		return -1;
	}
	memcpy(sa.sun_path, ch->path, strlen(ch->path) + 1);
	ch->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(ch->path);
	if (ch->lfd < 0 || bind(ch->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ch->lfd, 4) != 0) {
		snprintf(err, errlen, "channel %s: %s", ch->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct dp_channel *
dp_channel_new(const char *path, const uint8_t ed25519_pk[32], char *err, size_t errlen)
{
	struct dp_channel *ch = calloc(1, sizeof(*ch));

	if (ch == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ch->lfd = ch->cfd = -1;
	snprintf(ch->path, sizeof(ch->path), "%s", path);
	memcpy(ch->ed25519_pk, ed25519_pk, 32);
	if (listen_at(ch, err, errlen) != 0) {
		dp_channel_free(ch);
		return NULL;
	}
	ch->req = rte_ring_create("dp_chan_req", DP_CHANNEL_RING, (int)rte_socket_id(),
				  RING_F_SC_DEQ);
	if (ch->req == NULL) {
		snprintf(err, errlen, "channel ring: %s", rte_strerror(rte_errno));
		dp_channel_free(ch);
		return NULL;
	}
	return ch;
}

static void
free_replies(struct rte_ring *r)
{
	void *obj;

	while (rte_ring_dequeue(r, &obj) == 0)
		free(obj);
	rte_ring_free(r);
}

static bool
is_big(const void *obj)
{
	return ((uintptr_t)obj & BIG_TAG) != 0;
}

static struct dp_chan_big *
big_of(void *obj)
{
	return (struct dp_chan_big *)((uintptr_t)obj & ~BIG_TAG);
}

static void
free_request(struct dp_channel *ch, void *obj)
{
	if (!is_big(obj)) {
		rte_pktmbuf_free(obj);
		return;
	}
	__atomic_fetch_sub(&ch->big_bytes, big_of(obj)->len, __ATOMIC_RELAXED);
	free(big_of(obj));
}

static void
close_conn(struct dp_channel *ch, const char *why)
{
	if (ch->cfd < 0)
		return;
	__atomic_store_n(&ch->connected, 0, __ATOMIC_RELEASE);
	close(ch->cfd);
	ch->cfd = -1;
	ch->peer_hello = false;
	chan_assembly_reset(&ch->rx);
	if (ch->pending != NULL) {
		free_request(ch, ch->pending);
		ch->pending = NULL;
		ch->pending_off = 0;
		ch->st.requests_lost++;
	}
	DP_LOG(WARNING, "control channel closed: %s", why);
}

void
dp_channel_free(struct dp_channel *ch)
{
	void *obj;

	if (ch == NULL)
		return;
	close_conn(ch, "shutting down");
	if (ch->lfd >= 0) {
		close(ch->lfd);
		unlink(ch->path);
	}
	while (ch->req != NULL && rte_ring_dequeue(ch->req, &obj) == 0)
		free_request(ch, obj);
	rte_ring_free(ch->req);
	for (unsigned i = 0; i < RTE_MAX_LCORE; i++)
		if (ch->replies[i] != NULL)
			free_replies(ch->replies[i]);
	chan_assembly_free(&ch->rx);
	free(ch);
}

bool
dp_channel_connected(const struct dp_channel *ch)
{
	return __atomic_load_n(&ch->connected, __ATOMIC_ACQUIRE) != 0;
}

void
dp_channel_stats(const struct dp_channel *ch, struct dp_channel_stats *out)
{
	*out = ch->st;
	out->connected = dp_channel_connected(ch);
}

static void
write_meta(uint8_t *p, const struct dp_delivery *d, bool dest)
{
	p[0] = dest ? CHAN_ROUTE_DESTINATION : CHAN_ROUTE_PROXY;
	p[1] = d->circuit->reply_mode;
	p[2] = (uint8_t)((dest && d->route->json_body ? CHAN_OPT_JSON : 0) |
			 (!dest || d->route->base64_reply ? CHAN_OPT_BASE64 : 0));
	p[3] = 0;
}

/* A request longer than one datagram or one mbuf: copied to the heap, within a
 * byte budget shared by all workers, and sent in parts by the service. */
static enum dp_drop_reason
queue_big(struct dp_channel *ch, const struct dp_delivery *d, const struct chan_ref *ref, bool dest,
	  const uint8_t *body, uint32_t len, struct rte_mbuf *m)
{
	uint32_t total = CHAN_REQ_META_BYTES + len;
	struct dp_chan_big *b;

	if (__atomic_add_fetch(&ch->big_bytes, total, __ATOMIC_RELAXED) > DP_CHANNEL_BIG_BYTES ||
	    (b = malloc(sizeof(*b) + total)) == NULL) {
		__atomic_fetch_sub(&ch->big_bytes, total, __ATOMIC_RELAXED);
		return DP_DROP_CHANNEL_FULL;
	}
	b->ref = *ref;
	b->len = total;
	write_meta(b->body, d, dest);
	memcpy(b->body + CHAN_REQ_META_BYTES, body, len);
	if (rte_ring_mp_enqueue(ch->req, (void *)((uintptr_t)b | BIG_TAG)) != 0) {
		__atomic_fetch_sub(&ch->big_bytes, total, __ATOMIC_RELAXED);
		free(b);
		return DP_DROP_CHANNEL_FULL;
	}
	rte_pktmbuf_free(m);
	return DP_DROP_NONE;
}

/* The REQUEST body: meta (route, reply mode, options), then the RPC body for a
 * destination or the whole layer for a proxy (it is POSTed as is). Short ones
 * are written into the CREATE's own mbuf. */
static enum dp_drop_reason
deliver(struct dp_worker *w, const struct dp_delivery *d, struct rte_mbuf *m, void *arg)
{
	struct dp_channel *ch = arg;
	bool dest = d->kind == SNC_ROUTE_DESTINATION;
	const uint8_t *body = dest ? d->payload.blob : d->plaintext;
	uint32_t len = dest ? (uint32_t)d->payload.blob_len : d->plaintext_len;
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = CHAN_REQUEST,
			     .body_len = CHAN_REQ_META_BYTES + len,
			     .ref = {d->circuit->in_label, d->circuit->prev.ip,
				     d->circuit->prev.port, (uint16_t)w->lcore}};
	uint8_t *p;

	if (!dp_channel_connected(ch))
		return DP_DROP_CHANNEL_DOWN;
	if (len > CHAN_TOTAL_MAX - CHAN_REQ_META_BYTES)
		return DP_DROP_DATA_TOO_BIG;
	rte_pktmbuf_reset(m);
	if (h.body_len > CHAN_BODY_MAX || CHAN_HDR_BYTES + h.body_len > rte_pktmbuf_tailroom(m))
		return queue_big(ch, d, &h.ref, dest, body, len, m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(CHAN_HDR_BYTES + h.body_len));
	chan_hdr_encode(&h, p);
	write_meta(p + CHAN_HDR_BYTES, d, dest);
	memcpy(p + CHAN_HDR_BYTES + CHAN_REQ_META_BYTES, body, len);
	if (rte_ring_mp_enqueue(ch->req, m) != 0)
		return DP_DROP_CHANNEL_FULL;
	return DP_DROP_NONE;
}

int
dp_channel_attach(struct dp_channel *ch, struct dp_worker *w)
{
	char name[RTE_RING_NAMESIZE];

	if (w->lcore >= RTE_MAX_LCORE || ch->replies[w->lcore] != NULL)
		return -EINVAL;
	snprintf(name, sizeof(name), "dp_chan_rep_%u", w->lcore);
	ch->replies[w->lcore] = rte_ring_create(name, DP_CHANNEL_REPLY_RING, (int)rte_socket_id(),
						RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (ch->replies[w->lcore] == NULL)
		return -rte_errno;
	w->deliver = deliver;
	w->deliver_arg = ch;
	return 0;
}

static void
send_hello(struct dp_channel *ch)
{
	uint8_t msg[CHAN_HDR_BYTES + 32];
	struct chan_hdr h = {.version = CHAN_VERSION, .type = CHAN_HELLO, .body_len = 32};

	chan_hdr_encode(&h, msg);
	memcpy(msg + CHAN_HDR_BYTES, ch->ed25519_pk, 32);
	if (send(ch->cfd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(msg))
		close_conn(ch, "cannot send HELLO");
}

static void
accept_one(struct dp_channel *ch)
{
	int fd = accept4(ch->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), sz = SOCKBUF_BYTES;

	if (fd < 0)
		return;
	if (ch->cfd >= 0)
		close_conn(ch, "replaced by a new connection");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	ch->cfd = fd;
	ch->st.connections++;
	send_hello(ch);
}

static void
hand_to_worker(struct dp_channel *ch, const struct chan_assembly *a)
{
	const struct chan_ref *ref = &a->first.ref;
	struct rte_ring *ring = ref->worker < RTE_MAX_LCORE ? ch->replies[ref->worker] : NULL;
	struct dp_chan_reply *r;

	if (ring == NULL) {
		ch->st.replies_orphaned++;
		return;
	}
	r = malloc(sizeof(*r) + a->len);
	if (r == NULL) {
		ch->st.reply_ring_full++;
		return;
	}
	r->ref = *ref;
	r->flags = a->first.flags;
	r->len = (uint32_t)a->len;
	memcpy(r->body, a->buf, a->len);
	if (rte_ring_sp_enqueue(ring, r) != 0) {
		free(r);
		ch->st.reply_ring_full++;
		return;
	}
	ch->st.replies++;
}

/* One datagram from snode-control; false when the connection must close. */
static bool
on_message(struct dp_channel *ch, const uint8_t *msg, size_t len)
{
	const uint8_t *body;
	struct chan_hdr h;
	int rc = chan_hdr_decode(msg, len, &h, &body);

	if (rc == 0 && h.type == CHAN_HELLO) {
		if (memcmp(body, ch->ed25519_pk, 32) != 0) {
			ch->st.hello_mismatch++;
			close_conn(ch, "snode-control serves another node key");
			return false;
		}
		ch->peer_hello = true;
		__atomic_store_n(&ch->connected, 1, __ATOMIC_RELEASE);
		DP_LOG(INFO, "snode-control connected on %s", ch->path);
		return true;
	}
	if (rc == 0 && (h.type != CHAN_REPLY || !ch->peer_hello))
		rc = -EBADMSG;
	if (rc == 0)
		rc = chan_assembly_add(&ch->rx, &h, body);
	if (rc < 0) {
		ch->st.bad_messages++;
		close_conn(ch, chan_strerror(rc));
		return false;
	}
	if (rc == 1) {
		hand_to_worker(ch, &ch->rx);
		chan_assembly_reset(&ch->rx);
	}
	return true;
}

static void
read_all(struct dp_channel *ch)
{
	for (;;) {
		ssize_t n = recv(ch->cfd, ch->buf, sizeof(ch->buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n == 0) {
			close_conn(ch, "snode-control closed the connection");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				close_conn(ch, strerror(errno));
			return;
		}
		if (!on_message(ch, ch->buf, (size_t)n)) /* n > CHAN_MSG_MAX: -EMSGSIZE */
			return;
	}
}

/* Sends the parts of a big request from ch->pending_off; false when the socket
 * is full (the rest waits) or the connection closed. */
static bool
send_big(struct dp_channel *ch, struct dp_chan_big *b)
{
	while (ch->pending_off < b->len) {
		size_t n = b->len - ch->pending_off < CHAN_BODY_MAX ? b->len - ch->pending_off
								    : CHAN_BODY_MAX;
		bool last = ch->pending_off + n == b->len;
		struct chan_hdr h = {.version = CHAN_VERSION,
				     .type = CHAN_REQUEST,
				     .flags = last ? 0 : CHAN_F_MORE,
				     .body_len = (uint32_t)n,
				     .ref = b->ref};
		uint8_t hdr[CHAN_HDR_BYTES];
		struct iovec iov[2] = {{hdr, sizeof(hdr)}, {b->body + ch->pending_off, n}};
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t sent;

		chan_hdr_encode(&h, hdr);
		sent = sendmsg(ch->cfd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return false;
		if (sent < 0) {
			close_conn(ch, strerror(errno)); /* counts the pending request lost */
			return false;
		}
		ch->pending_off += n;
	}
	return true;
}

/* Sends one queued request; false when the socket is full (kept) or closed. */
static bool
send_request(struct dp_channel *ch, void *obj)
{
	ssize_t n = 0;

	ch->pending = obj;
	if (is_big(obj)) {
		if (!send_big(ch, big_of(obj)))
			return false;
	} else {
		n = send(ch->cfd, rte_pktmbuf_mtod((struct rte_mbuf *)obj, void *),
			 rte_pktmbuf_data_len((struct rte_mbuf *)obj), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return false;
		if (n < 0) {
			close_conn(ch, strerror(errno));
			return false;
		}
	}
	ch->pending = NULL;
	ch->pending_off = 0;
	free_request(ch, obj);
	ch->st.requests_sent++;
	return true;
}

static void
send_queued(struct dp_channel *ch)
{
	void *obj;

	if (ch->pending != NULL && !send_request(ch, ch->pending))
		return;
	while (ch->cfd >= 0 && rte_ring_sc_dequeue(ch->req, &obj) == 0) {
		if (!send_request(ch, obj))
			return;
	}
}

/* Requests queued while the connection went away cannot be answered. */
static void
drop_queued(struct dp_channel *ch)
{
	void *obj;

	while (rte_ring_sc_dequeue(ch->req, &obj) == 0) {
		free_request(ch, obj);
		ch->st.requests_lost++;
	}
}

void
dp_channel_service(struct dp_channel *ch, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = ch->lfd, .events = POLLIN}, {.fd = ch->cfd, .events = POLLIN}};
	nfds_t n = ch->cfd >= 0 ? 2 : 1;

	if (ch->pending != NULL)
		p[1].events |= POLLOUT;
	if (rte_ring_count(ch->req) > 0)
		timeout_ms = 0;
	if (poll(p, n, timeout_ms) < 0)
		return;
	if (p[0].revents & POLLIN)
		accept_one(ch);
	if (ch->cfd >= 0 && n == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
		read_all(ch);
	if (ch->cfd >= 0)
		send_queued(ch);
	else
		drop_queued(ch);
}

unsigned
dp_channel_worker_poll(struct dp_channel *ch, struct dp_worker *w, uint64_t now_ns)
{
	struct rte_ring *ring = ch->replies[w->lcore];
	void *objs[DP_CHANNEL_REPLY_BURST];
	unsigned n = ring != NULL
			     ? rte_ring_sc_dequeue_burst(ring, objs, DP_CHANNEL_REPLY_BURST, NULL)
			     : 0;

	for (unsigned i = 0; i < n; i++) {
		struct dp_chan_reply *r = objs[i];
		struct dp_addr prev = {r->ref.ip, r->ref.port};
		uint32_t flags = (r->flags & CHAN_F_BASE64) ? DP_REPLY_BASE64 : 0;
		enum dp_drop_reason why =
			dp_reply_submit(w, r->ref.label, &prev, flags, r->body, r->len, now_ns);

		if (why != DP_DROP_NONE)
			dp_stats_drop(&w->stats, why);
		free(r);
	}
	return n;
}
