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
#include "chan_pool.h"
#include "entry.h"
#include "log.h"
#include "loop.h"
#include "reply.h"

enum {
	SOCKBUF_BYTES = 4 * 1024 * 1024, /* absorbs a burst of requests or a long reply */
};

/*
 * What the worker rings carry: a chain of segments from the reply pool whose
 * first HEAD_BYTES hold this record, then the body, continued in the next
 * segments. The request ring carries chains of ready datagrams: an mbuf with
 * one datagram (a short request, DIRECT or ENTRY_REPLY in the cell's own mbuf),
 * or a chain from the request pool with one datagram (header, part) a segment.
 */
struct dp_chan_head {
	struct chan_ref ref;
	uint32_t len; /* body bytes */
	uint16_t flags;
	uint8_t type; /* CHAN_REPLY, CHAN_DIRECT (body: peer key, message) or CHAN_ENTRY */
};
enum {
	HEAD_BYTES = 32, /* the body starts 8-byte aligned */
};
_Static_assert(sizeof(struct dp_chan_head) <= HEAD_BYTES, "the head record fits");
_Static_assert(HEAD_BYTES + CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX <=
		       DP_CHAN_SEG_ROOM - RTE_PKTMBUF_HEADROOM,
	       "an ENTRY (and a DIRECT) body is contiguous in one segment");
_Static_assert((HEAD_BYTES + CHAN_TOTAL_MAX) / (DP_CHAN_SEG_ROOM - RTE_PKTMBUF_HEADROOM) + 1 <=
		       DP_CHAN_CHAIN_MAX,
	       "the longest reply fits one chain");
_Static_assert(CHAN_TOTAL_MAX / (DP_CHAN_SEG_ROOM - RTE_PKTMBUF_HEADROOM - CHAN_HDR_BYTES) + 1 <=
		       DP_CHAN_CHAIN_MAX,
	       "the longest request fits one chain");

struct dp_channel {
	int lfd, cfd;
	bool peer_hello; /* the peer named our node key */
	uint32_t connected;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint8_t ed25519_pk[32];
	struct rte_ring *req;
	struct rte_ring *replies[RTE_MAX_LCORE];
	int direct_lcore;	      /* the worker that sends DIRECT cells: the first attached */
	struct rte_mbuf *pending;     /* a chain of datagrams the socket refused for now */
	struct rte_mbuf *pending_seg; /* its next datagram to send */
	struct dp_chan_pool reqs;     /* long requests: workers take, the service frees */
	struct dp_chan_pool reps;     /* replies: the service takes, workers free */
	struct chan_assembly rx;
	dp_channel_nodes_fn *on_nodes; /* whole NODES bodies (node tables) */
	void *nodes_arg;
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
	int rc;

	if (ch == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ch->lfd = ch->cfd = -1;
	ch->direct_lcore = -1;
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
	if ((rc = dp_chan_pool_create(&ch->reqs, "dp_chan_qsegs", DP_CHAN_SEGS)) != 0 ||
	    (rc = dp_chan_pool_create(&ch->reps, "dp_chan_rsegs", DP_CHAN_SEGS)) != 0) {
		snprintf(err, errlen, "channel segment pools: %s", rte_strerror(-rc));
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
		rte_pktmbuf_free(obj);
	rte_ring_free(r);
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
		rte_pktmbuf_free(ch->pending);
		ch->pending = ch->pending_seg = NULL;
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
		rte_pktmbuf_free(obj);
	rte_ring_free(ch->req);
	for (unsigned i = 0; i < RTE_MAX_LCORE; i++)
		if (ch->replies[i] != NULL)
			free_replies(ch->replies[i]);
	/* the workers have stopped: anything still out is a leak */
	if (dp_chan_pool_in_use(&ch->reqs) + dp_chan_pool_in_use(&ch->reps) > 0)
		DP_LOG(WARNING, "channel segments in use at exit: %u request, %u reply",
		       dp_chan_pool_in_use(&ch->reqs), dp_chan_pool_in_use(&ch->reps));
	dp_chan_pool_free(&ch->reqs);
	dp_chan_pool_free(&ch->reps);
	chan_assembly_free(&ch->rx);
	free(ch);
}

void
dp_channel_on_nodes(struct dp_channel *ch, dp_channel_nodes_fn *fn, void *arg)
{
	ch->on_nodes = fn;
	ch->nodes_arg = arg;
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
	out->request_segs = dp_chan_pool_in_use(&ch->reqs);
	out->reply_segs = dp_chan_pool_in_use(&ch->reps);
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

/* Bytes [off, off + n) of meta then body, to dst. */
static void
copy_span(uint8_t *dst, const uint8_t *meta, const uint8_t *body, uint32_t off, uint32_t n)
{
	if (off < CHAN_REQ_META_BYTES) {
		uint32_t k = CHAN_REQ_META_BYTES - off < n ? CHAN_REQ_META_BYTES - off : n;

		memcpy(dst, meta + off, k);
		dst += k;
		off += k;
		n -= k;
	}
	if (n > 0)
		memcpy(dst, body + (off - CHAN_REQ_META_BYTES), n);
}

/* Segments a request of total body bytes takes: one datagram (header, part) each. */
static unsigned
request_segs(uint32_t total)
{
	uint32_t per = dp_chan_seg_data() - CHAN_HDR_BYTES;

	return (total + per - 1) / per;
}

/*
 * A request longer than one datagram or one mbuf: written as its MORE parts, one
 * datagram a segment of a chain from the request pool (DP_CHAN_SEGS segments shared
 * by all workers; none free: channel_full). The service sends them in order.
 */
static enum dp_drop_reason
queue_big(struct dp_channel *ch, const struct dp_delivery *d, const struct chan_hdr *h, bool dest,
	  const uint8_t *body, struct rte_mbuf *m)
{
	uint32_t per = dp_chan_seg_data() - CHAN_HDR_BYTES, total = h->body_len, off = 0;
	struct rte_mbuf *head = dp_chan_chain_alloc(&ch->reqs, request_segs(total));
	uint8_t meta[CHAN_REQ_META_BYTES];

	if (head == NULL)
		return DP_DROP_CHANNEL_FULL;
	write_meta(meta, d, dest);
	for (struct rte_mbuf *s = head; s != NULL; s = s->next) {
		struct chan_hdr part = *h;
		uint8_t *p = rte_pktmbuf_mtod(s, uint8_t *);

		part.body_len = total - off < per ? total - off : per;
		part.flags = off + part.body_len < total ? CHAN_F_MORE : 0;
		chan_hdr_encode(&part, p);
		copy_span(p + CHAN_HDR_BYTES, meta, body, off, part.body_len);
		s->data_len = (uint16_t)(CHAN_HDR_BYTES + part.body_len);
		head->pkt_len += s->data_len;
		off += part.body_len;
	}
	if (rte_ring_mp_enqueue(ch->req, head) != 0) {
		rte_pktmbuf_free(head);
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
		return queue_big(ch, d, &h, dest, body, m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(CHAN_HDR_BYTES + h.body_len));
	chan_hdr_encode(&h, p);
	write_meta(p + CHAN_HDR_BYTES, d, dest);
	memcpy(p + CHAN_HDR_BYTES + CHAN_REQ_META_BYTES, body, len);
	if (rte_ring_mp_enqueue(ch->req, m) != 0)
		return DP_DROP_CHANNEL_FULL;
	return DP_DROP_NONE;
}

/* A DIRECT cell from a node: DIRECT message (header, peer key, message) written
 * over the cell in its own mbuf. The message sits after the header parts that
 * come first, so it moves down with memmove. */
static enum dp_drop_reason
direct_in(struct dp_worker *w, const struct dp_node *from, const uint8_t *body, uint32_t len,
	  struct rte_mbuf *m, void *arg)
{
	struct dp_channel *ch = arg;
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = CHAN_DIRECT,
			     .body_len =
				     CHAN_DIRECT_PEER_BYTES + len}; /* ref 0 (docs/channel.md) */
	uint8_t *start = rte_pktmbuf_mtod(m, uint8_t *);

	(void)w;
	if (!dp_channel_connected(ch))
		return DP_DROP_CHANNEL_DOWN;
	if (body < start + CHAN_HDR_BYTES + CHAN_DIRECT_PEER_BYTES)
		return DP_DROP_NOT_SUPPORTED; /* cannot happen: the cell has 58 bytes before it */
	memmove(start + CHAN_HDR_BYTES + CHAN_DIRECT_PEER_BYTES, body, len);
	chan_hdr_encode(&h, start);
	memcpy(start + CHAN_HDR_BYTES, from->ed25519, CHAN_DIRECT_PEER_BYTES);
	rte_pktmbuf_data_len(m) = (uint16_t)(CHAN_HDR_BYTES + h.body_len);
	rte_pktmbuf_pkt_len(m) = rte_pktmbuf_data_len(m);
	if (rte_ring_mp_enqueue(ch->req, m) != 0)
		return DP_DROP_CHANNEL_FULL;
	return DP_DROP_NONE;
}

/* Header and meta of an ENTRY_REPLY, at p. */
static void
write_entry_reply(uint8_t *p, uint64_t id, unsigned lcore, uint32_t seq, uint8_t flags,
		  uint8_t reason, uint32_t len)
{
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = CHAN_ENTRY_REPLY,
			     .body_len = CHAN_ENTRY_REPLY_META_BYTES + len,
			     .ref = {.label = id, .worker = (uint16_t)lcore}};
	uint8_t *meta = p + CHAN_HDR_BYTES;

	chan_hdr_encode(&h, p);
	for (int i = 0; i < 4; i++)
		meta[i] = (uint8_t)(seq >> (8 * i));
	meta[4] = flags;
	meta[5] = reason;
	meta[6] = meta[7] = 0;
}

/* A REPLY cell for the HTTP entry: its payload moves down in its own mbuf behind an
 * ENTRY_REPLY header (the cell has 62 bytes before the payload, the message 32). */
static enum dp_drop_reason
entry_reply(struct dp_worker *w, uint64_t id, const struct dp_cell *cell, struct rte_mbuf *m,
	    void *arg)
{
	struct dp_channel *ch = arg;
	uint8_t *start = rte_pktmbuf_mtod(m, uint8_t *);
	const uint32_t off = CHAN_HDR_BYTES + CHAN_ENTRY_REPLY_META_BYTES;

	if (!dp_channel_connected(ch))
		return DP_DROP_CHANNEL_DOWN;
	if (cell->data < start + off)
		return DP_DROP_NOT_SUPPORTED; /* cannot happen: see above */
	memmove(start + off, cell->data, cell->data_len);
	write_entry_reply(start, id, w->lcore, cell->seq,
			  (cell->flags & DP_CELL_FLAG_LAST) ? CHAN_ENTRY_LAST : 0, 0,
			  cell->data_len);
	rte_pktmbuf_data_len(m) = (uint16_t)(off + cell->data_len);
	rte_pktmbuf_pkt_len(m) = rte_pktmbuf_data_len(m);
	if (rte_ring_mp_enqueue(ch->req, m) != 0)
		return DP_DROP_CHANNEL_FULL;
	return DP_DROP_NONE;
}

/* Tells snode-control that an ENTRY was not sent (so it answers at once, not by timeout). */
static void
entry_failed(struct dp_channel *ch, struct dp_worker *w, uint64_t id, enum dp_drop_reason why)
{
	struct rte_mempool *pool = dp_reply_pool(w);
	struct rte_mbuf *m = pool != NULL ? rte_pktmbuf_alloc(pool) : NULL;
	uint8_t reason = why == DP_DROP_UNKNOWN_NEXT_HOP ? CHAN_ENTRY_UNKNOWN_NEXT_HOP
			 : why == DP_DROP_CIRCUIT_FULL || why == DP_DROP_TX_FULL ? CHAN_ENTRY_BUSY
										 : CHAN_ENTRY_BAD;
	uint8_t *p = m != NULL ? (uint8_t *)rte_pktmbuf_append(
					 m, CHAN_HDR_BYTES + CHAN_ENTRY_REPLY_META_BYTES)
			       : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m); /* snode-control answers by its timeout */
		return;
	}
	write_entry_reply(p, id, w->lcore, 0, CHAN_ENTRY_FAIL, reason, 0);
	if (rte_ring_mp_enqueue(ch->req, m) != 0)
		rte_pktmbuf_free(m);
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
	w->direct = direct_in;
	w->direct_arg = ch;
	w->entry_reply = entry_reply;
	w->entry_arg = ch;
	if (ch->direct_lcore < 0)
		ch->direct_lcore = (int)w->lcore;
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

/* Copies the head record and body into the chain from the reply pool. */
static void
fill_reply(struct rte_mbuf *head, const struct chan_hdr *h, const uint8_t *body, size_t len)
{
	struct dp_chan_head rec = {h->ref, (uint32_t)len, h->flags, h->type};
	uint32_t room = dp_chan_seg_data(), at = HEAD_BYTES;
	size_t off = 0;

	memset(rte_pktmbuf_mtod(head, uint8_t *), 0, HEAD_BYTES);
	memcpy(rte_pktmbuf_mtod(head, uint8_t *), &rec, sizeof(rec));
	for (struct rte_mbuf *s = head; s != NULL; s = s->next, at = 0) {
		uint32_t n = len - off < room - at ? (uint32_t)(len - off) : room - at;

		if (n > 0)
			memcpy(rte_pktmbuf_mtod_offset(s, uint8_t *, at), body + off, n);
		s->data_len = (uint16_t)(at + n);
		off += n;
	}
	head->pkt_len = (uint32_t)(HEAD_BYTES + len);
}

/*
 * A reply, DIRECT or ENTRY to send, for the worker on lcore, copied into a chain
 * from the reply pool (none free: reply_no_room); false when it has no ring or
 * it is full.
 */
static bool
to_worker(struct dp_channel *ch, unsigned lcore, const struct chan_hdr *h, const uint8_t *body,
	  size_t len)
{
	struct rte_ring *ring = lcore < RTE_MAX_LCORE ? ch->replies[lcore] : NULL;
	uint32_t room = dp_chan_seg_data();
	struct rte_mbuf *m;

	if (ring == NULL) {
		ch->st.replies_orphaned++;
		return false;
	}
	m = dp_chan_chain_alloc(&ch->reps, (unsigned)((HEAD_BYTES + len + room - 1) / room));
	if (m == NULL) {
		ch->st.reply_no_room++;
		return false;
	}
	fill_reply(m, h, body, len);
	if (rte_ring_sp_enqueue(ring, m) != 0) {
		rte_pktmbuf_free(m);
		ch->st.reply_ring_full++;
		return false;
	}
	return true;
}

/* A DIRECT from snode-control: peer key and message, sent by the DIRECT worker. */
static void
direct_out(struct dp_channel *ch, const struct chan_hdr *h, const uint8_t *body)
{
	if (h->body_len - CHAN_DIRECT_PEER_BYTES > DP_CELL_SMALL - DP_CELL_DIRECT_HDR)
		ch->st.direct_too_big++;
	else if (ch->direct_lcore < 0)
		ch->st.replies_orphaned++;
	else if (to_worker(ch, (unsigned)ch->direct_lcore, h, body, h->body_len))
		ch->st.directs++;
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
	if (rc == 0 && h.type == CHAN_DIRECT && ch->peer_hello && !ch->rx.active) {
		direct_out(ch, &h, body);
		return true;
	}
	if (rc == 0 && h.type == CHAN_ENTRY && ch->peer_hello && !ch->rx.active) {
		/* the DIRECT worker sends them too: one lcore owns every entry circuit */
		if (ch->direct_lcore < 0)
			ch->st.replies_orphaned++;
		else if (to_worker(ch, (unsigned)ch->direct_lcore, &h, body, h.body_len))
			ch->st.entries++;
		return true;
	}
	if (rc == 0 && ((h.type != CHAN_REPLY && h.type != CHAN_NODES) || !ch->peer_hello))
		rc = -EBADMSG;
	if (rc == 0)
		rc = chan_assembly_add(&ch->rx, &h, body);
	if (rc < 0) {
		ch->st.bad_messages++;
		close_conn(ch, chan_strerror(rc));
		return false;
	}
	if (rc == 1 && ch->rx.first.type == CHAN_NODES) {
		ch->st.node_tables++;
		if (ch->on_nodes != NULL)
			ch->on_nodes(ch->nodes_arg, ch->rx.buf, ch->rx.len);
	} else if (rc == 1 &&
		   to_worker(ch, ch->rx.first.ref.worker, &ch->rx.first, ch->rx.buf, ch->rx.len)) {
		ch->st.replies++;
	}
	if (rc == 1)
		chan_assembly_reset(&ch->rx);
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

/* Sends the datagrams of one queued chain, one a segment, from ch->pending_seg;
 * false when the socket is full (the rest waits) or the connection closed. */
static bool
send_request(struct dp_channel *ch, struct rte_mbuf *m)
{
	if (ch->pending != m) {
		ch->pending = m;
		ch->pending_seg = m;
	}
	for (; ch->pending_seg != NULL; ch->pending_seg = ch->pending_seg->next) {
		struct rte_mbuf *s = ch->pending_seg;
		ssize_t n = send(ch->cfd, rte_pktmbuf_mtod(s, void *), rte_pktmbuf_data_len(s),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return false;
		if (n < 0) {
			close_conn(ch, strerror(errno)); /* counts the pending request lost */
			return false;
		}
	}
	ch->pending = NULL;
	rte_pktmbuf_free(m);
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
		rte_pktmbuf_free(obj);
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

/* Builds and queues the DIRECT cell of one message for snode-control. */
static enum dp_drop_reason
send_direct(struct dp_worker *w, const uint8_t *body, uint32_t len)
{
	const struct dp_node *to = dp_node_by_ed25519(w->nodes, body);
	struct rte_mempool *pool = dp_reply_pool(w);
	struct rte_mbuf *m;
	uint32_t used;
	uint8_t *p;

	if (to == NULL)
		return DP_DROP_UNKNOWN_NEXT_HOP;
	if (pool == NULL || w->ntx >= DP_BURST || (m = rte_pktmbuf_alloc(pool)) == NULL)
		return DP_DROP_TX_FULL;
	p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	used = p == NULL
		       ? 0
		       : dp_cell_write_direct(p + DP_PKT_HDR_LEN, 0, body + CHAN_DIRECT_PEER_BYTES,
					      len - CHAN_DIRECT_PEER_BYTES);
	if (used == 0) {
		rte_pktmbuf_free(m);
		return DP_DROP_BAD_LENGTH;
	}
	dp_worker_random(w, p + DP_PKT_HDR_LEN + used, DP_CELL_SMALL - used);
	dp_pkt_write_headers(m, dp_worker_out(w, to->ip), (const struct rte_ether_addr *)to->mac,
			     to->ip, to->port, DP_CELL_SMALL);
	w->tx[w->ntx++] = m;
	w->stats.direct_out++;
	return DP_DROP_NONE;
}

unsigned
dp_channel_worker_poll(struct dp_channel *ch, struct dp_worker *w, uint16_t port, uint16_t queue,
		       uint64_t now_ns)
{
	struct rte_ring *ring = ch->replies[w->lcore];
	void *objs[DP_CHANNEL_REPLY_BURST];
	unsigned n = ring != NULL
			     ? rte_ring_sc_dequeue_burst(ring, objs, DP_CHANNEL_REPLY_BURST, NULL)
			     : 0;

	w->ntx = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct dp_chan_head r;
		/* a DIRECT or a valid ENTRY is always in the first segment (asserted above) */
		const uint8_t *body = rte_pktmbuf_mtod_offset(m, const uint8_t *, HEAD_BYTES);
		struct dp_addr prev;
		uint32_t flags;
		enum dp_drop_reason why;

		memcpy(&r, rte_pktmbuf_mtod(m, const void *), sizeof(r));
		prev = (struct dp_addr){r.ref.ip, r.ref.port};
		flags = (r.flags & CHAN_F_BASE64) ? DP_REPLY_BASE64 : 0;
		if (r.type != CHAN_REPLY && HEAD_BYTES + r.len > rte_pktmbuf_data_len(m)) {
			/* cannot happen (chan_hdr_decode refuses longer ENTRYs): never read past */
			why = DP_DROP_BAD_LENGTH;
			if (r.type == CHAN_ENTRY)
				entry_failed(ch, w, r.ref.label, why);
		} else if (r.type == CHAN_ENTRY) {
			why = dp_entry_send(w, r.ref.label, body, r.len, now_ns);
			if (why != DP_DROP_NONE)
				entry_failed(ch, w, r.ref.label, why);
		} else if (r.type == CHAN_DIRECT) {
			why = send_direct(w, body, r.len);
		} else {
			why = dp_reply_submit_mbuf(w, r.ref.label, &prev, flags, m, HEAD_BYTES,
						   r.len, now_ns);
		}
		if (why != DP_DROP_NONE)
			dp_stats_drop(&w->stats, why);
		rte_pktmbuf_free(m); /* back to the reply pool */
	}
	dp_loop_flush(w, port, queue);
	return n;
}
