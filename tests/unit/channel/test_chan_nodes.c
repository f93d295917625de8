/* SPDX-License-Identifier: MIT */
/* channel/chan_nodes.c: the NODES body of docs/channel.md (vector), every decode
 * error, the count limit at its edge, and a largest table through MORE parts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chan_msg.h"
#include "chan_nodes.h"

static const struct chan_node_entry one = {.ed25519 = {0x11, [31] = 0x1f},
					   .x25519 = {0x22, [31] = 0x2f},
					   .ip = 0x0a4d0102,
					   .port = 22030};

/* The vector in docs/channel.md: generation 0x0102030405060708, one node. */
static void
layout_matches_the_doc(void **state)
{
	static const uint8_t want_hdr[CHAN_NODES_HDR_BYTES] = {
		0x01, 0, 0, 0, 0x01, 0, 0, 0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
	static const uint8_t want_tail[8] = {0x02, 0x01, 0x4d, 0x0a, 0x0e, 0x56, 0, 0};
	uint8_t body[CHAN_NODES_HDR_BYTES + CHAN_NODES_ENTRY_BYTES];
	struct chan_nodes_hdr h = {1, 0x0102030405060708ull}, back;
	struct chan_node_entry e;

	(void)state;
	assert_int_equal(chan_nodes_body_len(1), sizeof(body));
	chan_nodes_encode_hdr(&h, body);
	chan_nodes_encode_entry(&one, body, 0);
	assert_memory_equal(body, want_hdr, sizeof(want_hdr));
	assert_int_equal(body[16], 0x11);
	assert_int_equal(body[16 + 32], 0x22);
	assert_memory_equal(body + 16 + 64, want_tail, sizeof(want_tail));
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body), &back), 0);
	assert_int_equal(back.count, 1);
	assert_true(back.generation == h.generation);
	assert_int_equal(chan_nodes_decode_entry(body, 0, &e), 0);
	assert_memory_equal(&e, &one, offsetof(struct chan_node_entry, ip));
	assert_true(e.ip == one.ip && e.port == one.port);
}

static void
every_malformed_body_is_refused(void **state)
{
	uint8_t body[CHAN_NODES_HDR_BYTES + 2 * CHAN_NODES_ENTRY_BYTES];
	struct chan_nodes_hdr h = {2, 9};
	struct chan_node_entry e = one;

	(void)state;
	chan_nodes_encode_hdr(&h, body);
	chan_nodes_encode_entry(&one, body, 0);
	chan_nodes_encode_entry(&one, body, 1);
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body), &h), 0);
	assert_int_equal(chan_nodes_decode_hdr(body, CHAN_NODES_HDR_BYTES - 1, &h), -EBADMSG);
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body) - 1, &h), -EBADMSG);
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body) - CHAN_NODES_ENTRY_BYTES, &h),
			 -EBADMSG); /* count says 2, one arrived */
	for (int i = 1; i < 4; i++) {
		body[i] = 1;
		assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body), &h), -EBADMSG);
		body[i] = 0;
	}
	body[0] = CHAN_NODES_FORMAT + 1;
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body), &h), -EPROTO);
	body[0] = CHAN_NODES_FORMAT;
	/* entries: ip 0, port 0, reserved bytes */
	e.ip = 0;
	chan_nodes_encode_entry(&e, body, 1);
	assert_int_equal(chan_nodes_decode_entry(body, 1, &e), -EBADMSG);
	e = one;
	e.port = 0;
	chan_nodes_encode_entry(&e, body, 1);
	assert_int_equal(chan_nodes_decode_entry(body, 1, &e), -EBADMSG);
	chan_nodes_encode_entry(&one, body, 1);
	body[CHAN_NODES_HDR_BYTES + 2 * CHAN_NODES_ENTRY_BYTES - 1] = 1;
	assert_int_equal(chan_nodes_decode_entry(body, 1, &e), -EBADMSG);
	body[CHAN_NODES_HDR_BYTES + 2 * CHAN_NODES_ENTRY_BYTES - 2] = 1;
	body[CHAN_NODES_HDR_BYTES + 2 * CHAN_NODES_ENTRY_BYTES - 1] = 0;
	assert_int_equal(chan_nodes_decode_entry(body, 1, &e), -EBADMSG);
	assert_int_equal(chan_nodes_decode_entry(body, 0, &e), 0);
}

static void
empty_table_is_valid(void **state)
{
	uint8_t body[CHAN_NODES_HDR_BYTES];
	struct chan_nodes_hdr h = {0, 1};

	(void)state;
	chan_nodes_encode_hdr(&h, body);
	h.count = 99;
	assert_int_equal(chan_nodes_decode_hdr(body, sizeof(body), &h), 0);
	assert_int_equal(h.count, 0);
}

/* CHAN_NODES_MAX entries, sent as the control plane does (MORE parts of at most
 * CHAN_BODY_MAX), reassembled and decoded; one more is -E2BIG. */
static void
largest_table_through_parts(void **state)
{
	size_t len = chan_nodes_body_len(CHAN_NODES_MAX);
	uint8_t *body = malloc(len), *msg = malloc(CHAN_MSG_MAX);
	struct chan_nodes_hdr h = {CHAN_NODES_MAX, 3};
	struct chan_assembly a = {0};
	struct chan_node_entry e = one;
	int rc = 0, parts = 0;

	(void)state;
	assert_non_null(body);
	assert_non_null(msg);
	assert_true(len == CHAN_NODES_BODY_MAX && len <= CHAN_TOTAL_MAX);
	chan_nodes_encode_hdr(&h, body);
	for (uint32_t i = 0; i < CHAN_NODES_MAX; i++) {
		e.ip = i + 1;
		chan_nodes_encode_entry(&e, body, i);
	}
	for (size_t off = 0; off < len; parts++) {
		size_t n = len - off < CHAN_BODY_MAX ? len - off : CHAN_BODY_MAX;
		struct chan_hdr mh = {CHAN_VERSION,
				      CHAN_NODES,
				      off + n < len ? CHAN_F_MORE : 0,
				      (uint32_t)n,
				      {0}};
		const uint8_t *p;

		chan_hdr_encode(&mh, msg);
		memcpy(msg + CHAN_HDR_BYTES, body + off, n);
		assert_int_equal(chan_hdr_decode(msg, CHAN_HDR_BYTES + n, &mh, &p), 0);
		rc = chan_assembly_add(&a, &mh, p);
		off += n;
		assert_int_equal(rc, off < len ? 0 : 1);
	}
	assert_int_equal(parts, (len + CHAN_BODY_MAX - 1) / CHAN_BODY_MAX);
	assert_int_equal(a.first.type, CHAN_NODES);
	assert_int_equal(chan_nodes_decode_hdr(a.buf, a.len, &h), 0);
	assert_int_equal(h.count, CHAN_NODES_MAX);
	assert_int_equal(chan_nodes_decode_entry(a.buf, CHAN_NODES_MAX - 1, &e), 0);
	assert_int_equal(e.ip, CHAN_NODES_MAX);
	/* one entry more than the limit: refused by count before the length */
	h.count = CHAN_NODES_MAX + 1;
	chan_nodes_encode_hdr(&h, body);
	assert_int_equal(chan_nodes_decode_hdr(body, len, &h), -E2BIG);
	chan_assembly_free(&a);
	free(body);
	free(msg);
}

/* NODES parts take MORE only. */
static void
nodes_header_flags(void **state)
{
	uint8_t msg[CHAN_HDR_BYTES + CHAN_NODES_HDR_BYTES] = {0};
	struct chan_hdr h = {CHAN_VERSION, CHAN_NODES, CHAN_F_BASE64, CHAN_NODES_HDR_BYTES, {0}};
	const uint8_t *p;

	(void)state;
	chan_hdr_encode(&h, msg);
	assert_int_equal(chan_hdr_decode(msg, sizeof(msg), &h, &p), -EBADMSG);
	h.flags = CHAN_F_MORE;
	chan_hdr_encode(&h, msg);
	assert_int_equal(chan_hdr_decode(msg, sizeof(msg), &h, &p), 0);
	assert_int_equal(h.type, CHAN_NODES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_matches_the_doc),
		cmocka_unit_test(every_malformed_body_is_refused),
		cmocka_unit_test(empty_table_is_valid),
		cmocka_unit_test(largest_table_through_parts),
		cmocka_unit_test(nodes_header_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
