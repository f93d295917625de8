/* SPDX-License-Identifier: MIT */
/*
 * dataplane/channel.c on real EAL, rings and mbufs: the test plays
 * snode-control on the SOCK_SEQPACKET socket. A delivery becomes a REQUEST
 * with the circuit's ref and the route's meta bytes; every way the channel
 * refuses (no peer, wrong node key, malformed datagrams, a reply for a worker
 * that does not exist) is counted; requests queued when the peer goes away
 * are counted lost, never leaked.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_mbuf.h>

#include "alloc_count_assert.h"
#include "chan_msg.h"
#include "chan_nodes.h"
#include "chan_pool.h"
#include "channel.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "port.h"
#include "reply.h"

static struct rte_mempool *pool, *big_pool;
static struct dp_worker worker;
static struct dp_channel *ch;
static char dir[64], path[96];
static const uint8_t key_a[32] = {0xaa}, key_b[32] = {0xbb};
static const struct snc_node_keys no_keys;
static struct dp_node_table no_nodes;
static const uint8_t node_b_ed[32] = {0xb0, 0xb1};

static int
connect_ctl(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static ssize_t
recv_ctl(int fd, uint8_t *buf, size_t len)
{
	for (int i = 0; i < 200; i++) {
		struct pollfd p = {fd, POLLIN, 0};

		dp_channel_service(ch, 1);
		if (poll(&p, 1, 10) == 1)
			return recv(fd, buf, len, 0);
	}
	fail_msg("nothing from the dataplane");
	return -1;
}

static void
send_ctl(int fd, uint8_t type, uint16_t flags, const struct chan_ref *ref, const void *body,
	 size_t len)
{
	static uint8_t msg[CHAN_MSG_MAX];
	struct chan_hdr h = {CHAN_VERSION, type, flags, (uint32_t)len, {0}};

	if (ref != NULL)
		h.ref = *ref;
	chan_hdr_encode(&h, msg);
	memcpy(msg + CHAN_HDR_BYTES, body, len);
	assert_int_equal(send(fd, msg, CHAN_HDR_BYTES + len, 0), (ssize_t)(CHAN_HDR_BYTES + len));
	for (int i = 0; i < 5; i++)
		dp_channel_service(ch, 1);
}

/* Connects as snode-control: reads the dataplane's HELLO, answers with key. */
static int
handshake(const uint8_t key[32])
{
	uint8_t buf[128];
	const uint8_t *body;
	struct chan_hdr h;
	int fd = connect_ctl();
	ssize_t n = recv_ctl(fd, buf, sizeof(buf));

	assert_int_equal(chan_hdr_decode(buf, (size_t)n, &h, &body), 0);
	assert_int_equal(h.type, CHAN_HELLO);
	assert_memory_equal(body, key_a, 32);
	send_ctl(fd, CHAN_HELLO, 0, NULL, key, 32);
	return fd;
}

/* The worker's side of the channel, counted by alloc_count (no_heap_allocation_on_the_worker). */
static enum dp_drop_reason
deliver_on_worker(const struct dp_delivery *d, struct rte_mbuf *m)
{
	enum dp_drop_reason r;

	alloc_count_arm();
	r = worker.deliver(&worker, d, m, worker.deliver_arg);
	alloc_count_disarm();
	return r;
}

static unsigned
poll_on_worker(void)
{
	unsigned n;

	alloc_count_arm();
	n = dp_channel_worker_poll(ch, &worker, 0, 0, 0);
	alloc_count_disarm();
	return n;
}

static enum dp_drop_reason
direct_on_worker(const struct dp_node *from, const uint8_t *body, uint32_t len, struct rte_mbuf *m)
{
	enum dp_drop_reason r;

	alloc_count_arm();
	r = worker.direct(&worker, from, body, len, m, worker.direct_arg);
	alloc_count_disarm();
	return r;
}

/* A delivery as create.c makes it: a circuit, a route, a peeled layer. */
static enum dp_drop_reason
deliver(struct dp_circuit *c, enum snc_route_kind kind, const char *blob, struct rte_mbuf **mp)
{
	static uint8_t layer[256];
	static struct snc_route route;
	size_t n = strlen(blob);
	struct dp_delivery d = {.circuit = c, .kind = kind, .route = &route};
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	enum dp_drop_reason r;

	assert_non_null(m);
	memset(&route, 0, sizeof(route));
	route.kind = kind;
	route.json_body = true;
	route.base64_reply = false;
	memcpy(layer, blob, n);
	d.plaintext = layer;
	d.plaintext_len = (uint32_t)n + 2;
	d.payload.blob = layer;
	d.payload.blob_len = n;
	r = deliver_on_worker(&d, m);
	if (r != DP_DROP_NONE)
		rte_pktmbuf_free(m);
	if (mp != NULL)
		*mp = m;
	return r;
}

static struct dp_circuit *
circuit(uint64_t label)
{
	struct dp_addr prev = {0x0a000064, 40000};
	struct dp_circuit *c = dp_circuit_add(&worker.circuits, label, &prev, 0);

	assert_non_null(c);
	c->reply_mode = 1;
	return c;
}

static void
no_peer_means_channel_down(void **state)
{
	(void)state;
	assert_false(dp_channel_connected(ch));
	assert_int_equal(deliver(circuit(1), SNC_ROUTE_DESTINATION, "{}", NULL),
			 DP_DROP_CHANNEL_DOWN);
}

static void
another_node_key_is_refused(void **state)
{
	struct dp_channel_stats st;
	uint8_t buf[64];
	int fd;

	(void)state;
	fd = handshake(key_b);
	assert_false(dp_channel_connected(ch));
	assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.hello_mismatch, 1);
	close(fd);
}

static void
delivery_becomes_a_request_with_ref_and_meta(void **state)
{
	static const char rpc[] = "{\"method\":\"info\",\"params\":{}}";
	uint8_t buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	struct dp_channel_stats st;
	int fd;

	(void)state;
	fd = handshake(key_a);
	assert_true(dp_channel_connected(ch));
	assert_int_equal(deliver(circuit(0x1122334455667788ull), SNC_ROUTE_DESTINATION, rpc, NULL),
			 DP_DROP_NONE);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body),
			 0);
	assert_int_equal(h.type, CHAN_REQUEST);
	assert_true(h.ref.label == 0x1122334455667788ull);
	assert_int_equal(h.ref.ip, 0x0a000064);
	assert_int_equal(h.ref.port, 40000);
	assert_int_equal(h.ref.worker, worker.lcore);
	assert_int_equal(h.body_len, 4 + strlen(rpc));
	assert_int_equal(body[0], CHAN_ROUTE_DESTINATION);
	assert_int_equal(body[1], 1);		  /* the circuit's reply mode */
	assert_int_equal(body[2], CHAN_OPT_JSON); /* json: true, base64: false */
	assert_memory_equal(body + 4, rpc, strlen(rpc));
	/* a proxy's request carries the whole layer and always asks for base64 */
	assert_int_equal(deliver(circuit(2), SNC_ROUTE_PROXY, "{\"x\":1}", NULL), DP_DROP_NONE);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body),
			 0);
	assert_int_equal(body[0], CHAN_ROUTE_PROXY);
	assert_int_equal(body[2], CHAN_OPT_BASE64);
	assert_int_equal(h.body_len, 4 + 7 + 2);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.requests_sent, 2);
	close(fd);
}

/* A reply reaches the worker that owns the circuit and is queued for sending. */
static void
reply_is_handed_to_the_owning_worker(void **state)
{
	static const char answer[] = "{\"body\":\"x\",\"status\":200}";
	struct chan_ref ref = {0x77, 0x0a000064, 40000, (uint16_t)worker.lcore};
	struct chan_ref orphan = {0x78, 0x0a000064, 40000, 200};
	struct dp_channel_stats st;
	int fd;

	(void)state;
	circuit(0x77);
	fd = handshake(key_a);
	send_ctl(fd, CHAN_REPLY, 0, &ref, answer, strlen(answer));
	send_ctl(fd, CHAN_REPLY, 0, &orphan, answer, strlen(answer));
	dp_channel_stats(ch, &st);
	assert_int_equal(st.replies, 1);
	assert_int_equal(st.replies_orphaned, 1);
	assert_int_equal(poll_on_worker(), 1);
	assert_int_equal(dp_reply_pending(&worker), 1);
	close(fd);
}

static void
malformed_datagram_closes_the_connection(void **state)
{
	static const uint8_t junk[30] = {1, 9};
	struct chan_ref ref = {1, 1, 1, 0};
	struct dp_channel_stats st;
	uint8_t buf[64];
	int fd;

	(void)state;
	fd = handshake(key_a);
	assert_int_equal(send(fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
	assert_false(dp_channel_connected(ch));
	close(fd);
	/* a REQUEST is not something snode-control may send */
	fd = handshake(key_a);
	send_ctl(fd, CHAN_REQUEST, 0, &ref, "abcd", 4);
	assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.bad_messages, 2);
	close(fd);
}

/* A request reassembled from DATA cells, longer than an mbuf and than one
 * datagram, reaches snode-control in MORE parts that reassemble exactly, and
 * its mbuf goes back to the pool at once. */
static void
long_request_is_sent_in_parts(void **state)
{
	size_t len = 3 * CHAN_BODY_MAX + 100;
	uint8_t *blob = malloc(len), buf[CHAN_MSG_MAX];
	struct snc_route route = {.kind = SNC_ROUTE_DESTINATION, .base64_reply = true};
	struct dp_delivery d = {
		.circuit = circuit(0x55), .kind = SNC_ROUTE_DESTINATION, .route = &route};
	unsigned before = rte_mempool_in_use_count(pool);
	struct chan_assembly a = {0};
	const uint8_t *body;
	struct chan_hdr h;
	int fd, rc = 0, parts = 0;

	(void)state;
	for (size_t i = 0; i < len; i++)
		blob[i] = (uint8_t)(i * 13);
	d.payload.blob = blob;
	d.payload.blob_len = len;
	d.plaintext = blob;
	d.plaintext_len = (uint32_t)len;
	fd = handshake(key_a);
	assert_int_equal(deliver_on_worker(&d, rte_pktmbuf_alloc(pool)), DP_DROP_NONE);
	assert_int_equal(rte_mempool_in_use_count(pool), before);
	while (rc == 0) {
		assert_int_equal(
			chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body), 0);
		rc = chan_assembly_add(&a, &h, body);
		parts++;
	}
	assert_int_equal(rc, 1);
	assert_int_equal(parts, 4);
	assert_int_equal(a.len, 4 + len);
	assert_int_equal(a.buf[0], CHAN_ROUTE_DESTINATION);
	assert_int_equal(a.buf[2], CHAN_OPT_BASE64);
	assert_memory_equal(a.buf + 4, blob, len);
	assert_true(a.first.ref.label == 0x55);
	chan_assembly_free(&a);
	free(blob);
	close(fd);
}

/* Segments a request of payload len bytes takes (one datagram each: header, part). */
static unsigned
req_segs(size_t len)
{
	size_t per = dp_chan_seg_data() - CHAN_HDR_BYTES;

	return (unsigned)((4 + len + per - 1) / per);
}

static enum dp_drop_reason
deliver_long(struct dp_delivery *d, uint64_t label, size_t len)
{
	d->circuit = circuit(label);
	d->payload.blob_len = len;
	return deliver_on_worker(d, rte_pktmbuf_alloc(pool));
}

/*
 * Long requests share the request pool (DP_CHAN_SEGS segments) while they wait for
 * the socket: 10 MiB ones while they fit, then one that takes exactly the segments
 * left fits and one a byte longer is channel_full (nothing taken); over the
 * channel's total: too big. snode-control then reads every one whole, and every
 * segment is back in the pool.
 */
static void
long_requests_budget_edge(void **state)
{
	size_t len = 10 * 1024 * 1024, per = dp_chan_seg_data() - CHAN_HDR_BYTES, edge;
	uint8_t *blob = calloc(1, CHAN_TOTAL_MAX), *buf = malloc(CHAN_MSG_MAX);
	struct snc_route route = {.kind = SNC_ROUTE_DESTINATION};
	struct dp_delivery d = {.kind = SNC_ROUTE_DESTINATION, .route = &route};
	unsigned before = rte_mempool_in_use_count(pool), queued = 0, left = DP_CHAN_SEGS;
	struct chan_assembly a = {0};
	struct dp_channel_stats st;
	struct rte_mbuf *m;
	int fd, got = 0;

	(void)state;
	d.payload.blob = blob;
	fd = handshake(key_a);
	for (; left >= req_segs(len); left -= req_segs(len), queued++)
		assert_int_equal(deliver_long(&d, 0x100 + queued, len), DP_DROP_NONE);
	assert_true(left > 0 && queued >= 2);
	edge = left * per - CHAN_REQ_META_BYTES; /* fills the last segment to the byte */
	assert_int_equal(req_segs(edge), left);
	assert_int_equal(req_segs(edge + 1), left + 1);
	m = rte_pktmbuf_alloc(pool);
	d.circuit = circuit(0x200);
	d.payload.blob_len = edge + 1;
	assert_int_equal(deliver_on_worker(&d, m), DP_DROP_CHANNEL_FULL);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.request_segs, DP_CHAN_SEGS - left);
	d.payload.blob_len = edge;
	assert_int_equal(deliver_on_worker(&d, m), DP_DROP_NONE);
	queued++;
	dp_channel_stats(ch, &st);
	assert_int_equal(st.request_segs, DP_CHAN_SEGS);
	m = rte_pktmbuf_alloc(pool);
	d.payload.blob_len = CHAN_TOTAL_MAX - 4 + 1;
	assert_int_equal(deliver_on_worker(&d, m), DP_DROP_DATA_TOO_BIG);
	rte_pktmbuf_free(m);
	/* snode-control reads them: each whole, the edge one last */
	while (got < (int)queued) {
		const uint8_t *body;
		struct chan_hdr h;
		int rc;

		assert_int_equal(
			chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, CHAN_MSG_MAX), &h, &body),
			0);
		assert_true(h.body_len <= per);
		rc = chan_assembly_add(&a, &h, body);
		assert_true(rc >= 0);
		if (rc == 1) {
			got++;
			assert_int_equal(a.len, 4 + (got < (int)queued ? len : edge));
			chan_assembly_reset(&a);
		}
	}
	for (int i = 0; i < 5; i++)
		dp_channel_service(ch, 1);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.requests_sent, queued);
	assert_int_equal(st.request_segs, 0);
	assert_int_equal(rte_mempool_in_use_count(pool), before);
	chan_assembly_free(&a);
	close(fd);
	free(buf);
	free(blob);
}

/* Sends a REPLY of len bytes for circuit label, in MORE parts as snode-control does. */
static void
send_reply(int fd, uint64_t label, const uint8_t *body, size_t len)
{
	struct chan_ref ref = {label, 0x0a000064, 40000, (uint16_t)worker.lcore};

	for (size_t off = 0; off < len || off == 0;) {
		size_t n = len - off < CHAN_BODY_MAX ? len - off : CHAN_BODY_MAX;

		send_ctl(fd, CHAN_REPLY, off + n < len ? CHAN_F_MORE : 0, &ref, body + off, n);
		off += n;
		if (n == 0)
			break;
	}
}

/*
 * Replies wait for their worker in chains from the reply pool: one that takes
 * exactly the segments left fits, one a byte longer is reply_no_room (the
 * connection stays); the worker frees every segment as it takes them, and after
 * 20 rounds of long replies and long requests both pools are as they started.
 */
static void
long_replies_budget_edge_and_no_leak(void **state)
{
	size_t room = dp_chan_seg_data(), len = 10 * 1024 * 1024, edge;
	unsigned segs = (unsigned)((32 + len + room - 1) / room), left = DP_CHAN_SEGS, n = 0;
	uint8_t *blob = calloc(1, CHAN_TOTAL_MAX);
	struct snc_route route = {.kind = SNC_ROUTE_DESTINATION};
	struct dp_delivery d = {.kind = SNC_ROUTE_DESTINATION, .route = &route};
	unsigned before = rte_mempool_in_use_count(pool);
	struct dp_channel_stats st;
	uint8_t *buf = malloc(CHAN_MSG_MAX);
	int fd;

	(void)state;
	while (dp_reply_pending(&worker) > 0) /* what earlier cases left queued */
		dp_reply_pump(&worker, 0, 0, 0);
	fd = handshake(key_a);
	for (; left >= segs; left -= segs, n++)
		send_reply(fd, 0x300 + n, blob, len);
	edge = left * room - 32; /* the head record, then the body to the last byte */
	send_reply(fd, 0x3ff, blob, edge + 1);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.reply_no_room, 1);
	assert_int_equal(st.reply_segs, DP_CHAN_SEGS - left);
	assert_true(dp_channel_connected(ch));
	send_reply(fd, 0x3ff, blob, edge);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.replies, n + 1);
	assert_int_equal(st.reply_segs, DP_CHAN_SEGS);
	/* no circuits for them: each is a no_circuit drop on the worker, its chain freed */
	memset(&worker.stats, 0, sizeof(worker.stats));
	while (poll_on_worker() > 0)
		;
	assert_int_equal(worker.stats.drops[DP_DROP_NO_CIRCUIT], n + 1);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.reply_segs, 0);
	/* many rounds both ways: a 1 MiB request read whole, a 1 MiB reply taken by the worker */
	d.payload.blob = blob;
	for (int i = 0; i < 20; i++) {
		struct chan_assembly a = {0};
		const uint8_t *body;
		struct chan_hdr h;
		int rc = 0;

		assert_int_equal(deliver_long(&d, 0x400 + (uint64_t)i, 1 << 20), DP_DROP_NONE);
		while (rc == 0) {
			assert_int_equal(chan_hdr_decode(buf,
							 (size_t)recv_ctl(fd, buf, CHAN_MSG_MAX),
							 &h, &body),
					 0);
			rc = chan_assembly_add(&a, &h, body);
		}
		assert_int_equal(rc, 1);
		chan_assembly_free(&a);
		send_reply(fd, 0x400 + (uint64_t)i, blob, 1 << 20);
		assert_int_equal(poll_on_worker(), 1);
		assert_int_equal(dp_reply_pending(&worker), 1); /* taken: queued for sending */
		while (dp_reply_pending(&worker) > 0) /* (its previous hop is unknown here) */
			dp_reply_pump(&worker, 0, 0, 0);
	}
	assert_int_equal(worker.stats.drops[DP_DROP_NO_CIRCUIT], n + 1);
	assert_int_equal(dp_reply_arena_used(&worker), 0);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.request_segs, 0);
	assert_int_equal(st.reply_segs, 0);
	assert_int_equal(rte_mempool_in_use_count(pool), before);
	close(fd);
	free(buf);
	free(blob);
}

/* DIRECT both ways: a DIRECT cell from a known node reaches snode-control with
 * the node's key; a DIRECT from snode-control leaves as a cell to that node. */
static void
direct_messages_both_ways(void **state)
{
	static const uint8_t msg[] = "sealed direct message";
	uint8_t buf[CHAN_MSG_MAX], out[32 + 40], big[32 + 1217] = {0};
	const struct dp_node *b = dp_node_by_ed25519(&no_nodes, node_b_ed);
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct dp_channel_stats st;
	const uint8_t *body;
	struct chan_hdr h;
	uint8_t *p;
	uint32_t used;
	int fd;

	(void)state;
	assert_non_null(b);
	fd = handshake(key_a);
	p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	used = dp_cell_write_direct(p + DP_PKT_HDR_LEN, 0, msg, sizeof(msg));
	assert_int_equal(used, DP_CELL_DIRECT_HDR + sizeof(msg));
	assert_int_equal(
		direct_on_worker(b, p + DP_PKT_HDR_LEN + DP_CELL_DIRECT_HDR, sizeof(msg), m),
		DP_DROP_NONE);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body),
			 0);
	assert_int_equal(h.type, CHAN_DIRECT);
	assert_int_equal(h.body_len, 32 + sizeof(msg));
	assert_memory_equal(body, node_b_ed, 32);
	assert_memory_equal(body + 32, msg, sizeof(msg));
	/* out: to B (sent), to a node nobody knows (dropped), one byte over a cell (refused) */
	memcpy(out, node_b_ed, 32);
	memcpy(out + 32, "hello B", 7);
	send_ctl(fd, CHAN_DIRECT, 0, NULL, out, 32 + 7);
	memset(out, 0x77, 32);
	send_ctl(fd, CHAN_DIRECT, 0, NULL, out, 32 + 7);
	memcpy(big, node_b_ed, 32);
	send_ctl(fd, CHAN_DIRECT, 0, NULL, big, sizeof(big));
	dp_channel_stats(ch, &st);
	assert_int_equal(st.directs, 2);
	assert_int_equal(st.direct_too_big, 1);
	assert_true(dp_channel_connected(ch)); /* none of these is a protocol error */
	memset(&worker.stats, 0, sizeof(worker.stats));
	assert_int_equal(poll_on_worker(), 2);
	assert_int_equal(worker.stats.direct_out, 1);
	assert_int_equal(worker.stats.drops[DP_DROP_UNKNOWN_NEXT_HOP], 1);
	assert_int_equal(worker.stats.tx, 1); /* net_null0 took the cell */
	close(fd);
}

/* An ENTRY body: next node, ephemeral key, enc_type, hop_no, a 3-byte blob. */
static size_t
entry_body(uint8_t *b, const uint8_t next[32], uint8_t enc_type, uint8_t hop_no)
{
	memcpy(b, next, 32);
	memset(b + 32, 0x11, 32);
	b[64] = enc_type;
	b[65] = hop_no;
	b[66] = b[67] = 0;
	memcpy(b + CHAN_ENTRY_META_BYTES, "abc", 3);
	return CHAN_ENTRY_META_BYTES + 3;
}

/* The next ENTRY_REPLY from the dataplane: its id, seq, flags, reason and payload length. */
static void
expect_entry_reply(int fd, uint64_t id, uint32_t seq, uint8_t flags, uint8_t reason,
		   uint32_t payload_len)
{
	uint8_t buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;

	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body),
			 0);
	assert_int_equal(h.type, CHAN_ENTRY_REPLY);
	assert_true(h.ref.label == id);
	assert_int_equal(h.body_len, CHAN_ENTRY_REPLY_META_BYTES + payload_len);
	assert_int_equal(body[0] | body[1] << 8 | body[2] << 16 | body[3] << 24, seq);
	assert_int_equal(body[4], flags);
	assert_int_equal(body[5], reason);
}

/* HTTP entry requests (entry.c): an ENTRY becomes a CREATE to the next node on an entry
 * circuit; the ones the dataplane cannot send come back as FAIL with a reason; a REPLY
 * cell on the entry circuit goes to snode-control as an ENTRY_REPLY. */
static void
entry_requests_both_ways(void **state)
{
	static const uint8_t nobody[32] = {0x77};
	static const struct dp_addr channel = {0, 0};
	uint8_t body[CHAN_ENTRY_META_BYTES + 8];
	struct chan_ref ref = {.label = 0x1234};
	struct dp_channel_stats st;
	struct dp_circuit *c;
	struct dp_cell cell;
	struct rte_mbuf *m;
	uint8_t *p;
	int fd;

	(void)state;
	fd = handshake(key_a);
	memset(&worker.stats, 0, sizeof(worker.stats));
	send_ctl(fd, CHAN_ENTRY, 0, &ref, body, entry_body(body, node_b_ed, 1, 1));
	ref.label = 0x1235;
	send_ctl(fd, CHAN_ENTRY, 0, &ref, body, entry_body(body, nobody, 0, 1));
	ref.label = 0x1236;
	send_ctl(fd, CHAN_ENTRY, 0, &ref, body, entry_body(body, node_b_ed, SNC_ENC_TYPE_COUNT, 1));
	ref.label = 0x1237;
	send_ctl(fd, CHAN_ENTRY, 0, &ref, body,
		 entry_body(body, node_b_ed, 0, DP_CELL_MAX_HOPS + 1));
	dp_channel_stats(ch, &st);
	assert_int_equal(st.entries, 4);
	assert_int_equal(poll_on_worker(), 4);
	assert_int_equal(worker.stats.entry_out, 1);
	assert_int_equal(worker.stats.tx, 1); /* net_null0 took the CREATE */
	assert_int_equal(worker.stats.drops[DP_DROP_UNKNOWN_NEXT_HOP], 1);
	assert_int_equal(worker.stats.drops[DP_DROP_BAD_ENC_TYPE], 1);
	assert_int_equal(worker.stats.drops[DP_DROP_TOO_MANY_HOPS], 1);
	expect_entry_reply(fd, 0x1235, 0, CHAN_ENTRY_FAIL, CHAN_ENTRY_UNKNOWN_NEXT_HOP, 0);
	expect_entry_reply(fd, 0x1236, 0, CHAN_ENTRY_FAIL, CHAN_ENTRY_BAD, 0);
	expect_entry_reply(fd, 0x1237, 0, CHAN_ENTRY_FAIL, CHAN_ENTRY_BAD, 0);
	/* the circuit of the one sent: previous hop the channel, Session-compatible replies */
	c = dp_circuit_find_in(&worker.circuits, 0x1234, &channel, 0);
	assert_non_null(c);
	assert_true(c->entry && c->out_label != 0 && c->reply_mode == 0 && c->enc_type == 1);
	/* a REPLY cell of that circuit (as reply.c hands it over): payload at offset 62 */
	m = rte_pktmbuf_alloc(pool);
	p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	memcpy(p + DP_PKT_HDR_LEN + DP_CELL_DATA_HDR, "reply bytes", 11);
	cell = (struct dp_cell){.kind = DP_CELL_REPLY,
				.flags = DP_CELL_FLAG_LAST,
				.seq = 5,
				.data = p + DP_PKT_HDR_LEN + DP_CELL_DATA_HDR,
				.data_len = 11};
	assert_int_equal(worker.entry_reply(&worker, 0x1234, &cell, m, worker.entry_arg),
			 DP_DROP_NONE);
	expect_entry_reply(fd, 0x1234, 5, CHAN_ENTRY_LAST, 0, 11);
	dp_circuit_remove(&worker.circuits, c);
	close(fd);
	for (int i = 0; i < 10; i++)
		dp_channel_service(ch, 1);
	/* without snode-control the cell is refused (the caller frees it) */
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(worker.entry_reply(&worker, 1, &cell, m, worker.entry_arg),
			 DP_DROP_CHANNEL_DOWN);
	rte_pktmbuf_free(m);
}

/* An ENTRY whose blob is too big for a small CREATE goes in the smallest class that
 * holds it (a medium cell up to 8,136 bytes, a large one up to 64,944), in a big mbuf;
 * its circuit keeps the class for the reply; without big mbufs it comes back busy. */
static void
entry_layers_bigger_than_a_small_cell(void **state)
{
	static const struct dp_addr channel = {0, 0};
	static const struct {
		uint32_t blob;
		uint8_t cls;
	} cases[] = {{1176, 0}, {1177, 1}, {8136, 1}, {8137, 2}, {CHAN_ENTRY_BLOB_MAX, 2}};
	static uint8_t body[CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX + 1], huge[CHAN_BODY_MAX];
	struct chan_ref ref = {.label = 0x2000};
	struct dp_circuit *c;
	int fd;

	(void)state;
	fd = handshake(key_a);
	memset(&worker.stats, 0, sizeof(worker.stats));
	entry_body(body, node_b_ed, 1, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ref.label = 0x2000 + i;
		send_ctl(fd, CHAN_ENTRY, 0, &ref, body, CHAN_ENTRY_META_BYTES + cases[i].blob);
		assert_int_equal(poll_on_worker(), 1);
		c = dp_circuit_find_in(&worker.circuits, ref.label, &channel, 0);
		assert_non_null(c);
		assert_int_equal(c->size_class, cases[i].cls);
		dp_circuit_remove(&worker.circuits, c);
	}
	assert_int_equal(worker.stats.entry_out, 5);
	assert_int_equal(worker.stats.tx, 5);

	assert_int_equal(rte_mempool_avail_count(big_pool), 4);
	/* --big-mbufs 0: the medium one cannot go */
	worker.big_pool = NULL;
	ref.label = 0x2100;
	send_ctl(fd, CHAN_ENTRY, 0, &ref, body, CHAN_ENTRY_META_BYTES + 2000);
	assert_int_equal(poll_on_worker(), 1);
	worker.big_pool = big_pool;
	expect_entry_reply(fd, 0x2100, 0, CHAN_ENTRY_FAIL, CHAN_ENTRY_BUSY, 0);
	/* one byte over the largest blob (and so the longest datagram, which would take two
	 * segments): malformed, the connection closes; nothing reaches the worker */
	for (int i = 0; i < 2; i++) {
		struct dp_channel_stats st;
		uint8_t buf[64];

		if (i == 1)
			fd = handshake(key_a);
		send_ctl(fd, CHAN_ENTRY, 0, &ref, i == 0 ? body : huge,
			 i == 0 ? sizeof(body) : sizeof(huge));
		assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
		dp_channel_stats(ch, &st);
		assert_int_equal(st.bad_messages, (uint64_t)i + 1);
		assert_int_equal(poll_on_worker(), 0);
		if (i == 0)
			close(fd);
	}
	close(fd);
	for (int i = 0; i < 10; i++)
		dp_channel_service(ch, 1);
}

/* Requests queued when snode-control goes away are freed and counted. */
static void
requests_queued_when_the_peer_leaves_are_counted_lost(void **state)
{
	unsigned before = rte_mempool_in_use_count(pool);
	struct dp_channel_stats st;
	int fd;

	(void)state;
	fd = handshake(key_a);
	assert_int_equal(deliver(circuit(3), SNC_ROUTE_DESTINATION, "{}", NULL), DP_DROP_NONE);
	assert_int_equal(deliver(circuit(4), SNC_ROUTE_DESTINATION, "{}", NULL), DP_DROP_NONE);
	close(fd);
	for (int i = 0; i < 10; i++)
		dp_channel_service(ch, 1);
	dp_channel_stats(ch, &st);
	assert_false(dp_channel_connected(ch));
	assert_int_equal(st.requests_lost + st.requests_sent, 2);
	assert_int_equal(rte_mempool_in_use_count(pool), before);
}

static uint8_t *nodes_got;
static size_t nodes_len;
static int nodes_calls;

static void
on_nodes(void *arg, const uint8_t *body, size_t len)
{
	(void)arg;
	free(nodes_got);
	nodes_got = malloc(len);
	assert_non_null(nodes_got);
	memcpy(nodes_got, body, len);
	nodes_len = len;
	nodes_calls++;
}

/* A node table of 2,000 entries in three MORE parts reaches the NODES callback whole;
 * a NODES part with BASE64, or before HELLO, closes the connection. */
static void
node_table_in_parts_reaches_the_callback(void **state)
{
	size_t len = chan_nodes_body_len(2000);
	uint8_t *body = malloc(len), buf[64];
	struct chan_nodes_hdr h = {2000, 5};
	struct dp_channel_stats st;
	int fd;

	(void)state;
	assert_non_null(body);
	chan_nodes_encode_hdr(&h, body);
	for (uint32_t i = 0; i < 2000; i++)
		chan_nodes_encode_entry(&(struct chan_node_entry){{(uint8_t)i}, {1}, i + 1, 22030},
					body, i);
	nodes_calls = 0;
	dp_channel_on_nodes(ch, on_nodes, NULL);
	fd = handshake(key_a);
	for (size_t off = 0; off < len;) {
		size_t n = len - off < CHAN_BODY_MAX ? len - off : CHAN_BODY_MAX;

		send_ctl(fd, CHAN_NODES, off + n < len ? CHAN_F_MORE : 0, NULL, body + off, n);
		off += n;
		assert_int_equal(nodes_calls, off < len ? 0 : 1);
	}
	assert_int_equal(nodes_len, len);
	assert_memory_equal(nodes_got, body, len);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.node_tables, 1);
	assert_int_equal(st.bad_messages, 0);
	send_ctl(fd, CHAN_NODES, CHAN_F_BASE64, NULL, body, 16);
	assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
	close(fd);
	fd = connect_ctl(); /* no HELLO yet */
	(void)recv_ctl(fd, buf, sizeof(buf));
	send_ctl(fd, CHAN_NODES, 0, NULL, body, 16);
	assert_int_equal(recv_ctl(fd, buf, sizeof(buf)), 0);
	dp_channel_stats(ch, &st);
	assert_int_equal(st.bad_messages, 2);
	assert_int_equal(nodes_calls, 1);
	close(fd);
	free(body);
	free(nodes_got);
	nodes_got = NULL;
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/snode-dpch.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dp.sock", dir);
	ch = dp_channel_new(path, key_a, err, sizeof(err));
	if (ch == NULL)
		fail_msg("%s", err);
	worker.deliver = NULL;
	assert_int_equal(dp_channel_attach(ch, &worker), 0);
	assert_int_equal(dp_channel_attach(ch, &worker), -EINVAL); /* once per worker */
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dp_channel_free(ch);
	assert_int_equal(access(path, F_OK), -1); /* the socket file is removed */
	rmdir(dir);
	return 0;
}

/* A DIRECT cell from node B through the worker's burst path (loop.c) reaches
 * snode-control as a DIRECT message. */
static void
direct_cell_through_the_burst(void **state)
{
	static const uint8_t msg[] = "direct through the loop";
	const struct dp_iface b = {
		.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0xb}}, .ip = 0x0a00000b, .port = 22030};
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint64_t in = worker.stats.direct_in;
	uint8_t buf[CHAN_MSG_MAX], *p;
	const uint8_t *body;
	struct chan_hdr h;
	int fd;

	(void)state;
	fd = handshake(key_a);
	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	assert_non_null(p);
	dp_cell_write_direct(p + DP_PKT_HDR_LEN, 0, msg, sizeof(msg));
	dp_pkt_write_headers(m, &b, &worker.iface.mac, worker.iface.ip, worker.iface.port,
			     DP_CELL_SMALL);
	alloc_count_arm();
	dp_loop_burst(&worker, 0, 0, &m, 1, 0);
	alloc_count_disarm();
	assert_int_equal(worker.stats.direct_in - in, 1);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_ctl(fd, buf, sizeof(buf)), &h, &body),
			 0);
	assert_int_equal(h.type, CHAN_DIRECT);
	assert_memory_equal(body, node_b_ed, 32);
	assert_memory_equal(body + 32, msg, sizeof(msg));
	close(fd);
}

/* Once warmed up, the worker's side of the channel (a request into its own mbuf or a
 * chain from the request pool, a reply taken from its ring, DIRECT both ways, ENTRY
 * and ENTRY_REPLY) makes no heap allocation or free. */
static void
no_heap_allocation_on_the_worker(void **state)
{
	static void (*const cases[])(void **) = {delivery_becomes_a_request_with_ref_and_meta,
						 reply_is_handed_to_the_owning_worker,
						 long_request_is_sent_in_parts,
						 direct_messages_both_ways,
						 direct_cell_through_the_burst,
						 entry_requests_both_ways};
	void *(*volatile get)(size_t) = malloc; /* not folded away by the compiler */

	if (!alloc_count_usable()) /* ASan owns malloc */
		return;
	teardown(state); /* each case on a channel of its own */
	for (int round = 0; round < 2; round++) {
		alloc_count_reset(); /* round 0 warms up (one-time set-ups), round 1 counts */
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			dp_circuit_age(&worker.circuits, UINT64_MAX,
				       UINT32_MAX); /* labels reused */
			setup(state);
			cases[i](state);
			/* a reply a case left queued, its circuits: gone, off the count */
			dp_reply_free(&worker);
			assert_int_equal(dp_reply_init(&worker, pool), 0);
			teardown(state);
		}
	}
	setup(state);
	assert_no_alloc_counted();
	alloc_count_arm(); /* the counter is not blind */
	free(get(1));
	alloc_count_disarm();
	assert_int_equal(alloc_count_allocs(), 1);
}

int
main(void)
{
	static const char *const vdevs[] = {"net_null0", NULL};
	static const uint8_t b_x[32] = {9}, b_mac[6] = {2, 0, 0, 0, 0, 0xb};
	struct dp_worker_conf conf;
	struct dp_iface iface = {.ip = 0x0a000001, .port = 22030};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_peer_means_channel_down, setup, teardown),
		cmocka_unit_test_setup_teardown(node_table_in_parts_reaches_the_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(another_node_key_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(delivery_becomes_a_request_with_ref_and_meta, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reply_is_handed_to_the_owning_worker, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_datagram_closes_the_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			requests_queued_when_the_peer_leaves_are_counted_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(long_request_is_sent_in_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(long_requests_budget_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(long_replies_budget_edge_and_no_leak, setup,
						teardown),
		cmocka_unit_test_setup_teardown(direct_messages_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_cell_through_the_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(entry_requests_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(entry_layers_bigger_than_a_small_cell, setup,
						teardown),
		cmocka_unit_test_setup_teardown(no_heap_allocation_on_the_worker, setup, teardown),
	};
	int rc;

	if (eal_test_init("channel", vdevs) != 0)
		return 1;
	pool = dp_mempool_create("test_channel", 1024, 0);
	big_pool = dp_mempool_big_create("test_channel_big", 4, 0);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	if (pool == NULL || big_pool == NULL ||
	    dp_node_table_init(&no_nodes, 4, no_keys.x25519_sk, no_keys.x25519_pk) ||
	    dp_worker_init(&worker, rte_lcore_id(), &conf, &iface, &no_keys, &no_nodes, 0) != 0 ||
	    dp_reply_init(&worker, pool) != 0 || (worker.big_pool = big_pool) == NULL ||
	    dp_node_table_add(&no_nodes, node_b_ed, b_x, 0x0a00000b, 22030, b_mac) != 0 ||
	    dp_port_configure(0, &(struct dp_port_conf){1, 1, 256, 256}, pool) != 0 ||
	    dp_port_start(0) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_port_shutdown(0);
	dp_reply_free(&worker);
	dp_worker_free(&worker);
	dp_node_table_free(&no_nodes);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	eal_test_cleanup();
	return rc;
}
