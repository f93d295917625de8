/* SPDX-License-Identifier: MIT */
#include "dp_channel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"

/* One datagram waiting for the socket. */
struct outmsg {
	struct outmsg *next;
	size_t len;
	bool last; /* the final part of a reply */
	uint8_t data[];
};

struct ctl_dp_channel {
	struct event_base *base;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint8_t ed25519_pk[32];
	int fd;
	bool hello_ok, logged_away;
	unsigned backoff_ms;
	struct event *rd, *wr, *retry;
	struct outmsg *head, *tail;
	size_t queued;
	struct chan_assembly rx;
	ctl_dp_request_fn *on_request;
	void *arg;
	ctl_dp_direct_fn *on_direct;
	void *direct_arg;
	ctl_dp_entry_reply_fn *on_entry_reply;
	void *entry_arg;
	ctl_dp_connect_fn *on_connect;
	void *connect_arg;
	struct ctl_dp_channel_stats st;
	uint8_t buf[CHAN_MSG_MAX];
};

static void try_connect(evutil_socket_t fd, short what, void *arg);

static void
free_queue(struct ctl_dp_channel *ch)
{
	while (ch->head != NULL) {
		struct outmsg *m = ch->head;

		ch->head = m->next;
		ch->st.replies_dropped += m->last;
		free(m);
	}
	ch->tail = NULL;
	ch->queued = 0;
}

static void
schedule_retry(struct ctl_dp_channel *ch, unsigned ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(ch->retry, &tv);
}

static void
disconnect(struct ctl_dp_channel *ch, const char *why, unsigned retry_ms)
{
	if (ch->fd >= 0) {
		event_del(ch->rd);
		event_del(ch->wr);
		close(ch->fd);
		ch->fd = -1;
		if (ch->hello_ok)
			ctl_log(CTL_LOG_WARNING, "dataplane channel %s lost: %s", ch->path, why);
	}
	ch->hello_ok = false;
	ch->st.connected = 0;
	free_queue(ch); /* rx is reset on the next connect: a callback may still read it */
	schedule_retry(ch, retry_ms);
}

/* Sends datagrams in order; false when the socket is full (the rest stays queued). */
static bool
flush(struct ctl_dp_channel *ch)
{
	while (ch->head != NULL) {
		struct outmsg *m = ch->head;
		ssize_t n = send(ch->fd, m->data, m->len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			event_add(ch->wr, NULL);
			return false;
		}
		if (n < 0) {
			disconnect(ch, strerror(errno), CTL_DP_BACKOFF_MIN_MS);
			return false;
		}
		ch->head = m->next;
		if (ch->head == NULL)
			ch->tail = NULL;
		ch->queued -= m->len;
		ch->st.replies_sent += m->last;
		free(m);
	}
	event_del(ch->wr);
	return true;
}

static int
enqueue(struct ctl_dp_channel *ch, const struct chan_hdr *h, const uint8_t *body, bool last)
{
	struct outmsg *m = malloc(sizeof(*m) + CHAN_HDR_BYTES + h->body_len);

	if (m == NULL)
		return -ENOMEM;
	m->next = NULL;
	m->len = CHAN_HDR_BYTES + h->body_len;
	m->last = last;
	chan_hdr_encode(h, m->data);
	if (h->body_len > 0)
		memcpy(m->data + CHAN_HDR_BYTES, body, h->body_len);
	if (ch->tail != NULL)
		ch->tail->next = m;
	else
		ch->head = m;
	ch->tail = m;
	ch->queued += m->len;
	return 0;
}

/* Queues a body as parts of at most CHAN_BODY_MAX, all but the last with MORE. 0,
 * -ENOTCONN, -EMSGSIZE, -ENOBUFS (nothing queued) or -ENOMEM (disconnected). */
static int
send_parts(struct ctl_dp_channel *ch, uint8_t type, uint16_t flags, const struct chan_ref *ref,
	   const uint8_t *body, size_t len, bool count_last)
{
	size_t parts = len == 0 ? 1 : (len + CHAN_BODY_MAX - 1) / CHAN_BODY_MAX;

	if (!ch->hello_ok)
		return -ENOTCONN;
	if (len > CHAN_TOTAL_MAX)
		return -EMSGSIZE;
	if (ch->queued + len + parts * CHAN_HDR_BYTES > CTL_DP_OUTQ_MAX)
		return -ENOBUFS;
	for (size_t off = 0, i = 0; i < parts; i++) {
		size_t n = len - off < CHAN_BODY_MAX ? len - off : CHAN_BODY_MAX;
		bool last = i + 1 == parts;
		struct chan_hdr h = {.version = CHAN_VERSION,
				     .type = type,
				     .flags = (uint16_t)(flags | (last ? 0 : CHAN_F_MORE)),
				     .body_len = (uint32_t)n,
				     .ref = *ref};

		if (enqueue(ch, &h, body + off, last && count_last) != 0) {
			/* a body cut short would stall the dataplane's reassembly */
			disconnect(ch, "out of memory queueing a message", CTL_DP_BACKOFF_MIN_MS);
			return -ENOMEM;
		}
		off += n;
	}
	flush(ch);
	return 0;
}

int
ctl_dp_channel_reply(struct ctl_dp_channel *ch, const struct chan_ref *ref, uint16_t flags,
		     const uint8_t *body, size_t len)
{
	int rc = send_parts(ch, CHAN_REPLY, flags, ref, body, len, true);

	if (rc != 0 && rc != -ENOMEM)
		ch->st.replies_dropped++;
	return rc;
}

int
ctl_dp_channel_send_nodes(struct ctl_dp_channel *ch, const uint8_t *body, size_t len)
{
	static const struct chan_ref none;
	int rc = send_parts(ch, CHAN_NODES, 0, &none, body, len, false);

	if (rc == 0)
		ch->st.node_tables_out++;
	else
		ch->st.node_tables_dropped++;
	return rc;
}

void
ctl_dp_channel_on_connect(struct ctl_dp_channel *ch, ctl_dp_connect_fn *fn, void *arg)
{
	ch->on_connect = fn;
	ch->connect_arg = arg;
}

static void
on_hello(struct ctl_dp_channel *ch, const uint8_t *pk)
{
	if (memcmp(pk, ch->ed25519_pk, 32) != 0) {
		ch->st.hello_mismatch++;
		ctl_log(CTL_LOG_ERR,
			"dataplane on %s serves another node key: check data-dir and dp-socket",
			ch->path);
		disconnect(ch, "node key mismatch", CTL_DP_BACKOFF_MAX_MS);
		return;
	}
	ch->hello_ok = true;
	ch->logged_away = false;
	ch->backoff_ms = CTL_DP_BACKOFF_MIN_MS;
	ch->st.connected = 1;
	ch->st.connects++;
	ctl_log(CTL_LOG_NOTICE, "dataplane channel %s connected", ch->path);
	if (ch->on_connect != NULL)
		ch->on_connect(ch->connect_arg);
}

static void
on_request(struct ctl_dp_channel *ch, const struct chan_assembly *a)
{
	struct ctl_dp_request req = {.ref = a->first.ref,
				     .route = a->buf[0],
				     .reply_mode = a->buf[1],
				     .opts = a->buf[2],
				     .body = a->buf + CHAN_REQ_META_BYTES,
				     .len = a->len - CHAN_REQ_META_BYTES};

	ch->st.requests++;
	ch->on_request(ch->arg, &req);
}

static void
on_direct(struct ctl_dp_channel *ch, const uint8_t *body, size_t len)
{
	if (ch->on_direct == NULL) {
		ch->st.directs_dropped++;
		return;
	}
	ch->st.directs_in++;
	ch->on_direct(ch->direct_arg, body, body + CHAN_DIRECT_PEER_BYTES,
		      len - CHAN_DIRECT_PEER_BYTES);
}

/* One datagram; false when the connection was closed. */
static bool
on_datagram(struct ctl_dp_channel *ch, const uint8_t *msg, size_t len)
{
	const uint8_t *body;
	struct chan_hdr h;
	int rc = chan_hdr_decode(msg, len, &h, &body);

	if (rc == 0 && h.type == CHAN_HELLO) {
		on_hello(ch, body);
		return ch->fd >= 0;
	}
	if (rc == 0 && h.type == CHAN_DIRECT && ch->hello_ok && !ch->rx.active) {
		on_direct(ch, body, h.body_len);
		return ch->fd >= 0;
	}
	if (rc == 0 && h.type == CHAN_ENTRY_REPLY && ch->hello_ok && !ch->rx.active) {
		ch->st.entry_replies_in++;
		if (ch->on_entry_reply != NULL)
			ch->on_entry_reply(ch->entry_arg, h.ref.label, body, h.body_len);
		return ch->fd >= 0;
	}
	if (rc == 0 && (h.type != CHAN_REQUEST || !ch->hello_ok))
		rc = -EBADMSG;
	if (rc == 0)
		rc = chan_assembly_add(&ch->rx, &h, body);
	if (rc == 1 && ch->rx.len < CHAN_REQ_META_BYTES)
		rc = -EBADMSG;
	if (rc < 0) {
		ch->st.bad_messages++;
		ctl_log(CTL_LOG_ERR, "dataplane channel %s: %s", ch->path, chan_strerror(rc));
		disconnect(ch, chan_strerror(rc), CTL_DP_BACKOFF_MIN_MS);
		return false;
	}
	if (rc == 1) {
		on_request(ch, &ch->rx);
		chan_assembly_reset(&ch->rx);
	}
	return ch->fd >= 0;
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_dp_channel *ch = arg;

	(void)what;
	for (int i = 0; i < 256 && ch->fd == fd; i++) { /* then let other events run */
		ssize_t n = recv(fd, ch->buf, sizeof(ch->buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n == 0) {
			disconnect(ch, "the dataplane closed the connection",
				   CTL_DP_BACKOFF_MIN_MS);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				disconnect(ch, strerror(errno), CTL_DP_BACKOFF_MIN_MS);
			return;
		}
		if (!on_datagram(ch, ch->buf, (size_t)n))
			return;
	}
}

static void
on_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flush(arg);
}

static void
log_away(struct ctl_dp_channel *ch, const char *why)
{
	if (!ch->logged_away)
		ctl_log(CTL_LOG_INFO, "dataplane channel %s not available (%s): retrying", ch->path,
			why);
	ch->logged_away = true;
}

static void
try_connect(evutil_socket_t unused, short what, void *arg)
{
	struct ctl_dp_channel *ch = arg;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct chan_hdr hello = {.version = CHAN_VERSION, .type = CHAN_HELLO, .body_len = 32};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	(void)unused;
	(void)what;
	memcpy(sa.sun_path, ch->path, sizeof(ch->path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		log_away(ch, strerror(errno));
		if (fd >= 0)
			close(fd);
		schedule_retry(ch, ch->backoff_ms);
		ch->backoff_ms = ch->backoff_ms * 2 > CTL_DP_BACKOFF_MAX_MS ? CTL_DP_BACKOFF_MAX_MS
									    : ch->backoff_ms * 2;
		return;
	}
	ch->fd = fd;
	chan_assembly_reset(&ch->rx);
	event_assign(ch->rd, ch->base, fd, EV_READ | EV_PERSIST, on_readable, ch);
	event_assign(ch->wr, ch->base, fd, EV_WRITE | EV_PERSIST, on_writable, ch);
	event_add(ch->rd, NULL);
	if (enqueue(ch, &hello, ch->ed25519_pk, false) != 0)
		disconnect(ch, "out of memory", CTL_DP_BACKOFF_MIN_MS);
	else
		flush(ch);
}

struct ctl_dp_channel *
ctl_dp_channel_new(struct event_base *base, const char *path, const uint8_t ed25519_pk[32],
		   ctl_dp_request_fn *on_req, void *arg)
{
	struct ctl_dp_channel *ch = calloc(1, sizeof(*ch));

	if (ch == NULL || strlen(path) >= sizeof(ch->path)) {
		free(ch);
		return NULL;
	}
	ch->base = base;
	ch->fd = -1;
	ch->backoff_ms = CTL_DP_BACKOFF_MIN_MS;
	ch->on_request = on_req;
	ch->arg = arg;
	memcpy(ch->path, path, strlen(path) + 1);
	memcpy(ch->ed25519_pk, ed25519_pk, 32);
	ch->rd = event_new(base, -1, 0, NULL, NULL);
	ch->wr = event_new(base, -1, 0, NULL, NULL);
	ch->retry = evtimer_new(base, try_connect, ch);
	if (ch->rd == NULL || ch->wr == NULL || ch->retry == NULL) {
		ctl_dp_channel_free(ch);
		return NULL;
	}
	schedule_retry(ch, 0);
	return ch;
}

void
ctl_dp_channel_free(struct ctl_dp_channel *ch)
{
	if (ch == NULL)
		return;
	if (ch->fd >= 0) {
		event_del(ch->rd);
		event_del(ch->wr);
		close(ch->fd);
	}
	free_queue(ch);
	if (ch->rd != NULL)
		event_free(ch->rd);
	if (ch->wr != NULL)
		event_free(ch->wr);
	if (ch->retry != NULL)
		event_free(ch->retry);
	chan_assembly_free(&ch->rx);
	free(ch);
}

void
ctl_dp_channel_on_direct(struct ctl_dp_channel *ch, ctl_dp_direct_fn *fn, void *arg)
{
	ch->on_direct = fn;
	ch->direct_arg = arg;
}

int
ctl_dp_channel_send_direct(struct ctl_dp_channel *ch, const uint8_t peer[32], const uint8_t *msg,
			   size_t len)
{
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = CHAN_DIRECT,
			     .body_len = (uint32_t)(CHAN_DIRECT_PEER_BYTES + len)};
	uint8_t body[CHAN_DIRECT_PEER_BYTES + CTL_DP_DIRECT_MAX];
	int rc = 0;

	if (!ch->hello_ok)
		rc = -ENOTCONN;
	else if (len > CTL_DP_DIRECT_MAX)
		rc = -EMSGSIZE;
	else if (ch->queued + CHAN_HDR_BYTES + h.body_len > CTL_DP_OUTQ_MAX)
		rc = -ENOBUFS;
	if (rc != 0) {
		ch->st.directs_dropped++;
		return rc;
	}
	memcpy(body, peer, CHAN_DIRECT_PEER_BYTES);
	memcpy(body + CHAN_DIRECT_PEER_BYTES, msg, len);
	if (enqueue(ch, &h, body, false) != 0) {
		ch->st.directs_dropped++;
		return -ENOMEM;
	}
	ch->st.directs_out++;
	flush(ch);
	return 0;
}

void
ctl_dp_channel_on_entry_reply(struct ctl_dp_channel *ch, ctl_dp_entry_reply_fn *fn, void *arg)
{
	ch->on_entry_reply = fn;
	ch->entry_arg = arg;
}

int
ctl_dp_channel_send_entry(struct ctl_dp_channel *ch, uint64_t id, const uint8_t *body, size_t len)
{
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = CHAN_ENTRY,
			     .body_len = (uint32_t)len,
			     .ref = {.label = id}};
	int rc = 0;

	if (!ch->hello_ok)
		rc = -ENOTCONN;
	else if (len < CHAN_ENTRY_META_BYTES || len > CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX)
		rc = -EMSGSIZE;
	else if (ch->queued + CHAN_HDR_BYTES + len > CTL_DP_OUTQ_MAX)
		rc = -ENOBUFS;
	if (rc == 0 && enqueue(ch, &h, body, false) != 0)
		rc = -ENOMEM;
	if (rc != 0) {
		ch->st.entries_dropped++;
		return rc;
	}
	ch->st.entries_out++;
	flush(ch);
	return 0;
}

bool
ctl_dp_channel_connected(const struct ctl_dp_channel *ch)
{
	return ch->hello_ok;
}

void
ctl_dp_channel_stats(const struct ctl_dp_channel *ch, struct ctl_dp_channel_stats *out)
{
	*out = ch->st;
}
