/* SPDX-License-Identifier: MIT */
/*
 * control/dp_channel.c against a real SOCK_SEQPACKET socket: the test plays
 * the dataplane's end (listen, HELLO, REQUEST, read REPLY parts) while the
 * channel runs on a libevent base that the test pumps.
 */
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "chan_nodes.h"
#include "dp_channel.h"
#include "dp_nodes.h"
#include "swarm_view_registry.h"
#include "log.h"
#include "test_common_ctl.h"

static char dir[40], path[80];
static struct event_base *base;
static const uint8_t key_a[32] = {0xaa}, key_b[32] = {0xbb};
static int lfd = -1;

static struct ctl_dp_request last;
static uint8_t last_body[256];
static int requests;
static struct ctl_dp_channel *reply_on; /* when set, every request is answered at once */

static void
on_request(void *arg, const struct ctl_dp_request *req)
{
	(void)arg;
	last = *req;
	assert_true(req->len <= sizeof(last_body));
	memcpy(last_body, req->body, req->len);
	requests++;
	if (reply_on != NULL)
		assert_int_equal(ctl_dp_channel_reply(reply_on, &req->ref, CHAN_F_BASE64, req->body,
						      req->len),
				 0);
}

static void
pump(int ms)
{
	struct timeval tv = {0, ms * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int
listen_dp(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* Accepts the channel's connection, pumping the loop until it connects. */
static int
accept_dp(void)
{
	for (int i = 0; i < 100; i++) {
		struct pollfd p = {lfd, POLLIN, 0};

		pump(20);
		if (poll(&p, 1, 0) == 1)
			return accept(lfd, NULL, NULL);
	}
	fail_msg("the channel never connected");
	return -1;
}

/* Receives one datagram with a 2 s limit; returns its length (0: closed). */
static ssize_t
recv_dp(int fd, uint8_t *buf, size_t len)
{
	struct pollfd p = {fd, POLLIN, 0};

	assert_int_equal(poll(&p, 1, 2000), 1);
	return recv(fd, buf, len, 0);
}

static void
send_msg(int fd, uint8_t type, uint16_t flags, const struct chan_ref *ref, const void *body,
	 size_t len)
{
	uint8_t msg[CHAN_MSG_MAX];
	struct chan_hdr h = {CHAN_VERSION, type, flags, (uint32_t)len, {0}};

	if (ref != NULL)
		h.ref = *ref;
	chan_hdr_encode(&h, msg);
	memcpy(msg + CHAN_HDR_BYTES, body, len);
	assert_int_equal(send(fd, msg, CHAN_HDR_BYTES + len, 0), (ssize_t)(CHAN_HDR_BYTES + len));
}

/* Accepts, checks the channel's HELLO, answers with key; returns the connection. */
static int
handshake(struct ctl_dp_channel *ch, const uint8_t key[32])
{
	uint8_t buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	int fd = accept_dp();
	ssize_t n = recv_dp(fd, buf, sizeof(buf));

	assert_int_equal(chan_hdr_decode(buf, (size_t)n, &h, &body), 0);
	assert_int_equal(h.type, CHAN_HELLO);
	assert_memory_equal(body, key_a, 32);
	send_msg(fd, CHAN_HELLO, 0, NULL, key, 32);
	pump(20);
	(void)ch;
	return fd;
}

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/dp.sock", dir);
	base = event_base_new();
	lfd = listen_dp();
	requests = 0;
	reply_on = NULL;
	return base == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	close(lfd);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
	return 0;
}

static void
connects_and_checks_the_node_key(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	struct ctl_dp_channel_stats st;
	int fd;

	(void)state;
	assert_non_null(ch);
	assert_false(ctl_dp_channel_connected(ch));
	fd = handshake(ch, key_a);
	assert_true(ctl_dp_channel_connected(ch));
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.connects, 1);
	assert_int_equal(st.connected, 1);
	close(fd);
	ctl_dp_channel_free(ch);
}

static void
another_node_key_is_refused(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	struct ctl_dp_channel_stats st;
	uint8_t buf[64];
	int fd;

	(void)state;
	fd = handshake(ch, key_b);
	assert_false(ctl_dp_channel_connected(ch));
	assert_int_equal(recv_dp(fd, buf, sizeof(buf)), 0); /* closed by the channel */
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.hello_mismatch, 1);
	assert_int_equal(st.connects, 0);
	assert_int_equal(ctl_dp_channel_reply(ch, &(struct chan_ref){1, 2, 3, 0}, 0,
					      (const uint8_t *)"x", 1),
			 -ENOTCONN);
	close(fd);
	ctl_dp_channel_free(ch);
}

static void
request_reaches_the_callback_and_the_reply_comes_back(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	struct chan_ref ref = {0x0102030405060708ull, 0x0a000001, 22030, 3};
	uint8_t req[4 + 5] = {CHAN_ROUTE_DESTINATION, 1, CHAN_OPT_JSON, 0, 'h', 'e', 'l', 'l', 'o'};
	uint8_t buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	int fd;

	(void)state;
	reply_on = ch;
	fd = handshake(ch, key_a);
	send_msg(fd, CHAN_REQUEST, 0, &ref, req, sizeof(req));
	pump(20);
	assert_int_equal(requests, 1);
	assert_int_equal(last.route, CHAN_ROUTE_DESTINATION);
	assert_int_equal(last.reply_mode, 1);
	assert_int_equal(last.opts, CHAN_OPT_JSON);
	assert_int_equal(last.len, 5);
	assert_memory_equal(last_body, "hello", 5);
	assert_true(last.ref.label == ref.label && last.ref.ip == ref.ip &&
		    last.ref.port == ref.port && last.ref.worker == ref.worker);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_dp(fd, buf, sizeof(buf)), &h, &body), 0);
	assert_int_equal(h.type, CHAN_REPLY);
	assert_int_equal(h.flags, CHAN_F_BASE64);
	assert_true(h.ref.label == ref.label && h.ref.worker == 3);
	assert_int_equal(h.body_len, 5);
	assert_memory_equal(body, "hello", 5);
	close(fd);
	ctl_dp_channel_free(ch);
}

/* A reply longer than one datagram arrives as MORE parts that reassemble exactly. */
static void
long_reply_is_split_into_parts(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	struct chan_ref ref = {7, 1, 2, 0};
	size_t len = 3 * CHAN_BODY_MAX + 1;
	uint8_t *big = malloc(len), buf[CHAN_MSG_MAX];
	struct chan_assembly a = {0};
	const uint8_t *body;
	struct chan_hdr h;
	int fd, rc = 0, parts = 0;

	(void)state;
	for (size_t i = 0; i < len; i++)
		big[i] = (uint8_t)(i * 7);
	fd = handshake(ch, key_a);
	assert_int_equal(ctl_dp_channel_reply(ch, &ref, 0, big, len), 0);
	while (rc == 0) {
		pump(5);
		assert_int_equal(
			chan_hdr_decode(buf, (size_t)recv_dp(fd, buf, sizeof(buf)), &h, &body), 0);
		assert_int_equal(h.flags & CHAN_F_MORE, parts < 3 ? CHAN_F_MORE : 0);
		rc = chan_assembly_add(&a, &h, body);
		parts++;
	}
	assert_int_equal(rc, 1);
	assert_int_equal(parts, 4);
	assert_int_equal(a.len, len);
	assert_memory_equal(a.buf, big, len);
	assert_int_equal(ctl_dp_channel_reply(ch, &ref, 0, big, CHAN_TOTAL_MAX + 1), -EMSGSIZE);
	chan_assembly_free(&a);
	free(big);
	close(fd);
	ctl_dp_channel_free(ch);
}

static uint8_t direct_peer[32], direct_msg[64];
static size_t direct_len;
static int directs;

static void
on_direct(void *arg, const uint8_t peer[32], const uint8_t *msg, size_t len)
{
	(void)arg;
	memcpy(direct_peer, peer, 32);
	assert_true(len <= sizeof(direct_msg));
	memcpy(direct_msg, msg, len);
	direct_len = len;
	directs++;
}

/* DIRECT both ways: the peer key first, then the message; one small cell at most. */
static void
direct_messages_both_ways(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	uint8_t in[32 + 5], buf[CHAN_MSG_MAX], big[CTL_DP_DIRECT_MAX + 1] = {0};
	struct ctl_dp_channel_stats st;
	const uint8_t *body;
	struct chan_hdr h;
	int fd;

	(void)state;
	directs = 0;
	assert_int_equal(ctl_dp_channel_send_direct(ch, key_b, (const uint8_t *)"x", 1), -ENOTCONN);
	fd = handshake(ch, key_a);
	/* without a handler a DIRECT is counted and dropped, the connection stays */
	memcpy(in, key_b, 32);
	memcpy(in + 32, "hello", 5);
	send_msg(fd, CHAN_DIRECT, 0, NULL, in, sizeof(in));
	pump(20);
	assert_true(ctl_dp_channel_connected(ch));
	ctl_dp_channel_on_direct(ch, on_direct, NULL);
	send_msg(fd, CHAN_DIRECT, 0, NULL, in, sizeof(in));
	pump(20);
	assert_int_equal(directs, 1);
	assert_memory_equal(direct_peer, key_b, 32);
	assert_int_equal(direct_len, 5);
	assert_memory_equal(direct_msg, "hello", 5);
	/* out: exactly one small cell's worth, not one byte more */
	assert_int_equal(ctl_dp_channel_send_direct(ch, key_b, big, CTL_DP_DIRECT_MAX), 0);
	assert_int_equal(ctl_dp_channel_send_direct(ch, key_b, big, CTL_DP_DIRECT_MAX + 1),
			 -EMSGSIZE);
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv_dp(fd, buf, sizeof(buf)), &h, &body), 0);
	assert_int_equal(h.type, CHAN_DIRECT);
	assert_int_equal(h.body_len, 32 + CTL_DP_DIRECT_MAX);
	assert_memory_equal(body, key_b, 32);
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.directs_in, 1);
	assert_int_equal(st.directs_out, 1);
	assert_int_equal(st.directs_dropped, 3); /* not connected, no handler, too big */
	close(fd);
	ctl_dp_channel_free(ch);
}

/* Garbage from the dataplane closes the connection; the channel then reconnects. */
static void
malformed_message_closes_and_reconnects(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	static const uint8_t junk[10] = {9, 9, 9};
	struct ctl_dp_channel_stats st;
	uint8_t buf[64];
	int fd, fd2;

	(void)state;
	fd = handshake(ch, key_a);
	assert_int_equal(send(fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	pump(20);
	assert_false(ctl_dp_channel_connected(ch));
	assert_int_equal(recv_dp(fd, buf, sizeof(buf)), 0);
	/* a REQUEST too short for its meta bytes is malformed too */
	fd2 = handshake(ch, key_a);
	send_msg(fd2, CHAN_REQUEST, 0, &(struct chan_ref){1, 1, 1, 0}, "abc", 3);
	pump(20);
	assert_int_equal(requests, 0);
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.bad_messages, 2);
	assert_int_equal(st.connects, 2);
	close(fd);
	close(fd2);
	ctl_dp_channel_free(ch);
}

/* The dataplane goes away and comes back at the same path. */
static void
dataplane_restart_is_followed(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	struct ctl_dp_channel_stats st;
	int fd;

	(void)state;
	fd = handshake(ch, key_a);
	close(fd);
	close(lfd);
	unlink(path);
	pump(300); /* refused connects back off meanwhile */
	assert_false(ctl_dp_channel_connected(ch));
	lfd = listen_dp();
	fd = handshake(ch, key_a);
	assert_true(ctl_dp_channel_connected(ch));
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.connects, 2);
	close(fd);
	ctl_dp_channel_free(ch);
}

/* While the dataplane does not read, replies queue up to the limit, then are
 * refused; once it reads, everything queued arrives in order. */
static void
full_socket_queues_replies_in_order_up_to_the_limit(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	uint8_t *part = calloc(1, CHAN_BODY_MAX), buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	uint64_t sent = 0;
	int fd, rc;

	(void)state;
	fd = handshake(ch, key_a);
	while ((rc = ctl_dp_channel_reply(ch, &(struct chan_ref){sent, 0, 0, 0}, 0, part,
					  CHAN_BODY_MAX)) == 0)
		sent++;
	assert_int_equal(rc, -ENOBUFS);
	/* the limit is 64 MiB of queue, plus what the kernel buffers took */
	assert_true(sent * CHAN_MSG_MAX >= CTL_DP_OUTQ_MAX);
	for (uint64_t i = 0; i < sent; i++) {
		pump(0);
		assert_int_equal(
			chan_hdr_decode(buf, (size_t)recv_dp(fd, buf, sizeof(buf)), &h, &body), 0);
		assert_true(h.ref.label == i);
	}
	free(part);
	close(fd);
	ctl_dp_channel_free(ch);
}

/* Receives one NODES body (all its parts) from fd; returns the part count. */
static int
recv_nodes(int fd, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t buf[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	int parts = 0;

	*len = 0;
	do {
		ssize_t n = recv_dp(fd, buf, sizeof(buf));

		assert_int_equal(chan_hdr_decode(buf, (size_t)n, &h, &body), 0);
		assert_int_equal(h.type, CHAN_NODES);
		assert_true(*len + h.body_len <= cap);
		memcpy(out + *len, body, h.body_len);
		*len += h.body_len;
		parts++;
	} while (h.flags & CHAN_F_MORE);
	return parts;
}

static int connects_seen;

static void
count_connect(void *arg)
{
	(void)arg;
	connects_seen++;
}

/* A table longer than one datagram goes in MORE parts; connects are reported. */
static void
node_table_is_sent_in_parts(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	size_t len = chan_nodes_body_len(2000), got_len;
	uint8_t *body = malloc(len), *got = malloc(len);
	struct chan_nodes_hdr h = {2000, 42};
	struct ctl_dp_channel_stats st;
	int fd;

	(void)state;
	assert_int_equal(ctl_dp_channel_send_nodes(ch, body, len), -ENOTCONN);
	connects_seen = 0;
	ctl_dp_channel_on_connect(ch, count_connect, NULL);
	chan_nodes_encode_hdr(&h, body);
	for (uint32_t i = 0; i < 2000; i++)
		chan_nodes_encode_entry(&(struct chan_node_entry){{(uint8_t)i}, {1}, i + 1, 22030},
					body, i);
	fd = handshake(ch, key_a);
	assert_int_equal(connects_seen, 1);
	assert_int_equal(ctl_dp_channel_send_nodes(ch, body, len), 0);
	assert_int_equal(recv_nodes(fd, got, len, &got_len), 3); /* 144,016 bytes */
	assert_int_equal(got_len, len);
	assert_memory_equal(got, body, len);
	assert_int_equal(chan_nodes_decode_hdr(got, got_len, &h), 0);
	assert_true(h.count == 2000 && h.generation == 42);
	ctl_dp_channel_stats(ch, &st);
	assert_int_equal(st.node_tables_out, 1);
	assert_int_equal(st.node_tables_dropped, 1);
	close(fd);
	ctl_dp_channel_free(ch);
	free(body);
	free(got);
}

static void
write_registry(const char *file, int nodes, int blocks)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	for (int b = 1; b <= blocks; b++) {
		for (int i = (b == 1 ? 0 : nodes + b - 2); i < (b == 1 ? nodes : nodes + b - 1);
		     i++) {
			fprintf(f, "register ");
			for (int k = 0; k < 32; k++)
				fprintf(f, "%02x", k == 0 ? 0x10 + i : k);
			fprintf(f, " ");
			for (int k = 0; k < 32; k++)
				fprintf(f, "%02x", k == 0 ? 0x40 + i : 9);
			fprintf(f, " 10.77.%d.2:22030 %d\n", i, b);
		}
		fprintf(f, "block %d ", b);
		for (int k = 0; k < 32; k++)
			fprintf(f, "%02x", b);
		fprintf(f, "\n");
	}
	fclose(f);
}

/* The registry's table (without this node) on connect, and again after a reload
 * with one node more and the next generation. */
static void
registry_table_follows_connects_and_reloads(void **state)
{
	struct ctl_dp_channel *ch = ctl_dp_channel_new(base, path, key_a, on_request, NULL);
	char reg[96], err[256];
	uint8_t self[32], got[4096];
	struct ctl_dp_nodes dn;
	struct chan_nodes_hdr h;
	struct chan_node_entry e;
	struct ctl_swarm_view *v;
	bool reloaded;
	size_t len;
	int fd;

	(void)state;
	snprintf(reg, sizeof(reg), "%s/registry", dir);
	write_registry(reg, 3, 1);
	for (int k = 0; k < 32; k++)
		self[k] = k == 0 ? 0x11 : k; /* node 1 */
	v = ctl_swarm_view_registry_load(reg, self, 22021, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(ctl_dp_nodes_start(&dn, ch, v, self), 0);
	fd = handshake(ch, key_a);
	assert_int_equal(recv_nodes(fd, got, sizeof(got), &len), 1);
	assert_int_equal(chan_nodes_decode_hdr(got, len, &h), 0);
	assert_true(h.count == 2 && h.generation == 1);
	assert_int_equal(chan_nodes_decode_entry(got, 1, &e), 0);
	assert_int_equal(e.ed25519[0], 0x12); /* ascending keys, node 1 left out */
	assert_int_equal(e.x25519[0], 0x42);
	assert_true(e.ip == (10u << 24 | 77u << 16 | 2u << 8 | 2u) && e.port == 22030);
	write_registry(reg, 3, 2); /* block 2 registers node 3 */
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(reloaded);
	assert_int_equal(recv_nodes(fd, got, sizeof(got), &len), 1);
	assert_int_equal(chan_nodes_decode_hdr(got, len, &h), 0);
	assert_true(h.count == 3 && h.generation == 2);
	assert_int_equal(dn.sent, 2);
	/* a reconnect sends the same generation again */
	close(fd);
	pump(50);
	fd = handshake(ch, key_a);
	assert_int_equal(recv_nodes(fd, got, sizeof(got), &len), 1);
	assert_int_equal(chan_nodes_decode_hdr(got, len, &h), 0);
	assert_true(h.count == 3 && h.generation == 2);
	close(fd);
	ctl_dp_channel_free(ch);
	ctl_swarm_view_free(v);
	unlink(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(connects_and_checks_the_node_key, setup, teardown),
		cmocka_unit_test_setup_teardown(another_node_key_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
			request_reaches_the_callback_and_the_reply_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(long_reply_is_split_into_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_message_closes_and_reconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(dataplane_restart_is_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_messages_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(full_socket_queues_replies_in_order_up_to_the_limit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(node_table_is_sent_in_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(registry_table_follows_connects_and_reloads, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
