/* SPDX-License-Identifier: MIT */
/* channel/chan_msg.c: the header layout of docs/channel.md, every decode error, part reassembly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chan_msg.h"

static uint8_t msg[CHAN_MSG_MAX + 1];

static size_t
make(uint8_t type, uint16_t flags, const struct chan_ref *ref, size_t body_len)
{
	struct chan_hdr h = {CHAN_VERSION, type, flags, (uint32_t)body_len, *ref};

	chan_hdr_encode(&h, msg);
	memset(msg + CHAN_HDR_BYTES, 0x5a, body_len);
	return CHAN_HDR_BYTES + body_len;
}

/* The vector in docs/channel.md. */
static void
header_layout_is_little_endian(void **state)
{
	static const uint8_t want[CHAN_HDR_BYTES] = {
		0x01, 0x03, 0x03, 0x00, 0x05, 0x00, 0x00, 0x00, 0x08, 0x07, 0x06, 0x05,
		0x04, 0x03, 0x02, 0x01, 0x01, 0x00, 0x00, 0x0a, 0x0e, 0x56, 0x02, 0x00};
	struct chan_hdr h = {CHAN_VERSION,
			     CHAN_REPLY,
			     CHAN_F_MORE | CHAN_F_BASE64,
			     5,
			     {0x0102030405060708ull, 0x0a000001, 22030, 2}};
	uint8_t out[CHAN_HDR_BYTES + 5] = {0};
	const uint8_t *body;
	struct chan_hdr back;

	(void)state;
	chan_hdr_encode(&h, out);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(chan_hdr_decode(out, sizeof(out), &back, &body), 0);
	assert_true(back.ref.label == h.ref.label && back.ref.ip == h.ref.ip &&
		    back.ref.port == 22030 && back.ref.worker == 2 && back.flags == h.flags &&
		    back.body_len == 5 && back.type == CHAN_REPLY);
	assert_ptr_equal(body, out + CHAN_HDR_BYTES);
}

static void
every_malformed_header_is_refused(void **state)
{
	struct chan_ref ref = {1, 2, 3, 4};
	const uint8_t *body;
	struct chan_hdr h;
	size_t n;

	(void)state;
	n = make(CHAN_REQUEST, 0, &ref, 10);
	assert_int_equal(chan_hdr_decode(msg, CHAN_HDR_BYTES - 1, &h, &body), -EMSGSIZE);
	assert_int_equal(chan_hdr_decode(msg, n - 1, &h, &body), -EMSGSIZE); /* body_len lies */
	msg[0] = 2;
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EPROTO);
	n = make(0, 0, &ref, 0);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(5, 0, &ref, 0);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_REPLY, 1u << 2, &ref, 0); /* undefined flag */
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_HELLO, 0, &ref, 31);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_HELLO, CHAN_F_MORE, &ref, 32);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_HELLO, 0, &ref, 32);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), 0);
	n = make(CHAN_DIRECT, 0, &ref, 31); /* no room for the peer key */
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_DIRECT, CHAN_F_MORE, &ref, 40);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), -EBADMSG);
	n = make(CHAN_DIRECT, 0, &ref, 32);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), 0);
	assert_string_equal(chan_strerror(-EPROTO), "unknown channel version");
}

static void
datagram_size_limit_edge(void **state)
{
	struct chan_ref ref = {1, 2, 3, 4};
	const uint8_t *body;
	struct chan_hdr h;
	size_t n = make(CHAN_REPLY, 0, &ref, CHAN_BODY_MAX);

	(void)state;
	assert_int_equal(n, CHAN_MSG_MAX);
	assert_int_equal(chan_hdr_decode(msg, n, &h, &body), 0);
	/* one byte more than a datagram may carry */
	make(CHAN_REPLY, 0, &ref, CHAN_BODY_MAX + 1);
	assert_int_equal(chan_hdr_decode(msg, CHAN_MSG_MAX + 1, &h, &body), -EMSGSIZE);
}

static int
add(struct chan_assembly *a, uint8_t type, uint16_t flags, const struct chan_ref *ref, size_t len)
{
	const uint8_t *body;
	struct chan_hdr h;

	assert_int_equal(chan_hdr_decode(msg, make(type, flags, ref, len), &h, &body), 0);
	return chan_assembly_add(a, &h, body);
}

static void
parts_reassemble_and_mismatches_are_refused(void **state)
{
	struct chan_ref ref = {9, 1, 1, 0}, other = {10, 1, 1, 0};
	struct chan_assembly a = {0};

	(void)state;
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE | CHAN_F_BASE64, &ref, 100), 0);
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE | CHAN_F_BASE64, &ref, 0), 0);
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_BASE64, &ref, 7), 1);
	assert_int_equal(a.len, 107);
	assert_int_equal(a.first.body_len, 107);
	assert_int_equal(a.first.flags, CHAN_F_BASE64);
	chan_assembly_reset(&a);
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE, &ref, 10), 0);
	assert_int_equal(add(&a, CHAN_REPLY, 0, &other, 10), -EBADMSG);
	chan_assembly_reset(&a);
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE, &ref, 10), 0);
	assert_int_equal(add(&a, CHAN_REQUEST, 0, &ref, 10), -EBADMSG);
	chan_assembly_free(&a);
}

/* Exactly CHAN_TOTAL_MAX reassembles; one byte more is -E2BIG. */
static void
total_limit_edge(void **state)
{
	struct chan_ref ref = {1, 1, 1, 1};
	struct chan_assembly a = {0};
	size_t left = CHAN_TOTAL_MAX;

	(void)state;
	while (left > CHAN_BODY_MAX) {
		assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE, &ref, CHAN_BODY_MAX), 0);
		left -= CHAN_BODY_MAX;
	}
	assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE, &ref, left), 0);
	assert_int_equal(a.len, CHAN_TOTAL_MAX);
	assert_int_equal(add(&a, CHAN_REPLY, 0, &ref, 0), 1);
	chan_assembly_reset(&a);
	left = CHAN_TOTAL_MAX;
	while (left > CHAN_BODY_MAX) {
		assert_int_equal(add(&a, CHAN_REPLY, CHAN_F_MORE, &ref, CHAN_BODY_MAX), 0);
		left -= CHAN_BODY_MAX;
	}
	assert_int_equal(add(&a, CHAN_REPLY, 0, &ref, left + 1), -E2BIG);
	chan_assembly_free(&a);
}

/* ENTRY and ENTRY_REPLY (the HTTP entry): one datagram each, sizes at their edges. */
static void
entry_messages(void **state)
{
	struct chan_ref ref = {7, 0, 0, 0};
	const uint8_t *body;
	struct chan_hdr h;

	(void)state;
	assert_int_equal(
		chan_hdr_decode(msg, make(CHAN_ENTRY, 0, &ref, CHAN_ENTRY_META_BYTES), &h, &body),
		0);
	assert_int_equal(h.type, CHAN_ENTRY);
	assert_int_equal(chan_hdr_decode(msg, make(CHAN_ENTRY, 0, &ref, CHAN_ENTRY_META_BYTES - 1),
					 &h, &body),
			 -EBADMSG);
	assert_int_equal(chan_hdr_decode(msg,
					 make(CHAN_ENTRY, 0, &ref,
					      CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX),
					 &h, &body),
			 0);
	assert_int_equal(chan_hdr_decode(msg,
					 make(CHAN_ENTRY, 0, &ref,
					      CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX + 1),
					 &h, &body),
			 -EBADMSG);
	assert_int_equal(chan_hdr_decode(msg,
					 make(CHAN_ENTRY, CHAN_F_MORE, &ref, CHAN_ENTRY_META_BYTES),
					 &h, &body),
			 -EBADMSG);
	assert_int_equal(
		chan_hdr_decode(msg, make(CHAN_ENTRY_REPLY, 0, &ref, CHAN_ENTRY_REPLY_META_BYTES),
				&h, &body),
		0);
	assert_true(h.ref.label == 7);
	assert_int_equal(
		chan_hdr_decode(msg,
				make(CHAN_ENTRY_REPLY, 0, &ref, CHAN_ENTRY_REPLY_META_BYTES - 1),
				&h, &body),
		-EBADMSG);
	assert_int_equal(chan_hdr_decode(msg,
					 make(CHAN_ENTRY_REPLY, CHAN_F_BASE64, &ref,
					      CHAN_ENTRY_REPLY_META_BYTES),
					 &h, &body),
			 -EBADMSG);
	assert_int_equal(chan_hdr_decode(msg, make(CHAN_NODES + 1, 0, &ref, 8), &h, &body),
			 -EBADMSG); /* the next type number is unknown */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_layout_is_little_endian),
		cmocka_unit_test(every_malformed_header_is_refused),
		cmocka_unit_test(datagram_size_limit_edge),
		cmocka_unit_test(parts_reassemble_and_mismatches_are_refused),
		cmocka_unit_test(total_limit_edge),
		cmocka_unit_test(entry_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
