/* SPDX-License-Identifier: MIT */
/* dataplane/cell.c: the vectors of docs/wire-format.md, every drop reason, every bound. */
#include "test_common.h"

#include "cell.h"

static uint8_t buf[DP_CELL_LARGE];

static void
hex_prefix(const char *hex, size_t n)
{
	uint8_t want[128];

	unhex(hex, want, n);
	assert_memory_equal(buf, want, n);
}

/* Forges a length field on the wire: v XOR mask, big-endian. */
static void
put_masked_be32(uint8_t *p, uint32_t v, const uint8_t mask[4])
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i)) ^ mask[i];
}

static void
create_vector(void **state)
{
	const uint8_t mask[5] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5}, blob[3] = {0xaa, 0xbb, 0xcc};
	uint8_t eph[32];
	struct dp_cell c;

	(void)state;
	memset(eph, 0x11, 32);
	assert_int_equal(
		dp_cell_write_create(buf, 0, 0, 0x0102030405060708ull, 0, 1, eph, 1, mask, blob, 3),
		59);
	hex_prefix("0101000001020304050607080001000011111111111111111111111111111111111111111111"
		   "11111111111111111111a1a2a3a7a4000000aabbcc",
		   59);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(c.kind, DP_CELL_CREATE);
	assert_true(c.label == 0x0102030405060708ull);
	assert_int_equal(c.reply_mode, DP_CELL_REPLY_LAYERED);
	assert_memory_equal(c.eph_key, eph, 32);
	assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
	assert_int_equal(c.data_len, 3);
	assert_int_equal(c.hop_no, 1);
	assert_memory_equal(c.data, blob, 3);
}

static void
data_reply_direct_vectors(void **state)
{
	const uint8_t zero[5] = {0}, m0f[5] = {0x0f, 0x0f, 0x0f, 0x0f, 0};
	struct dp_cell c;

	(void)state;
	assert_int_equal(dp_cell_write_data(buf, DP_CELL_DATA, 1, DP_CELL_FLAG_LAST,
					    0xfffffffffffffffeull, 7, zero,
					    (const uint8_t *)"\x00\xff", 2),
			 22);
	hex_prefix("01020101fffffffffffffffe000000070000000200ff", 22);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_MEDIUM, &c), DP_DROP_NONE);
	assert_int_equal(dp_cell_unmask(&c, zero), DP_DROP_NONE);
	assert_int_equal(c.seq, 7);
	assert_int_equal(c.data_len, 2);
	assert_int_equal(c.flags, DP_CELL_FLAG_LAST);

	assert_int_equal(
		dp_cell_write_data(buf, DP_CELL_REPLY, 0, DP_CELL_FLAG_CLIENT, 1, 0, m0f, NULL, 0),
		20);
	hex_prefix("010300800000000000000001000000000f0f0f0f", 20);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(dp_cell_unmask(&c, m0f), DP_DROP_NONE);
	assert_int_equal(c.data_len, 0);

	assert_int_equal(dp_cell_write_direct(buf, 0, (const uint8_t *)"\x01\x02\x03", 3), 19);
	hex_prefix("01040000000000000000000000000003010203", 19);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(c.data_len, 3);
}

static void
header_errors(void **state)
{
	const uint8_t mask[5] = {0}, eph[32] = {1};
	struct dp_cell c;

	(void)state;
	dp_cell_write_create(buf, 0, 0, 9, 0, 0, eph, 0, mask, NULL, 0);
	for (size_t len = 0; len < DP_CELL_HDR; len++)
		assert_int_equal(dp_cell_parse(buf, len, &c), DP_DROP_BAD_SIZE);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL - 1, &c), DP_DROP_BAD_SIZE);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL + 1, &c), DP_DROP_BAD_SIZE);
	buf[0] = 2;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_VERSION);
	buf[0] = 1, buf[1] = 0;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_KIND);
	buf[1] = 5;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_KIND);
	buf[1] = 1, buf[2] = 3;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_CLASS);
	buf[2] = 0, buf[3] = 0x02;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_FLAGS);
	buf[3] = 0x81;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	memset(buf + 4, 0, 8); /* label 0 on CREATE */
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_LABEL);
	dp_cell_write_direct(buf, 0, NULL, 0);
	buf[11] = 1; /* label on DIRECT */
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_LABEL);
	buf[11] = 0, buf[3] = 0x80; /* DIRECT has no flags */
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_FLAGS);
}

static void
create_field_errors(void **state)
{
	const uint8_t mask[5] = {0}, eph[32] = {1};
	struct dp_cell c;

	(void)state;
	dp_cell_write_create(buf, 0, 0, 9, 0, 0, eph, 0, mask, NULL, 0);
	buf[12] = 3;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_ENC_TYPE);
	buf[12] = 2, buf[13] = 2;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_REPLY_MODE);
	buf[13] = 0, buf[15] = 1;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_FLAGS);
	buf[15] = 0, buf[55] = 1;
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_FLAGS);
}

static void
masked_lengths_and_hops_at_their_edges(void **state)
{
	const uint8_t mask[5] = {0x10, 0x20, 0x30, 0x40, 0x50}, eph[32] = {1};
	static uint8_t blob[DP_CELL_LARGE];
	struct dp_cell c;

	(void)state;
	for (uint8_t cls = 0; cls < DP_CELL_CLASS_COUNT; cls++) {
		uint32_t size = dp_cell_class_size(cls), max = size - DP_CELL_CREATE_HDR;
		assert_int_equal(
			dp_cell_write_create(buf, cls, 0, 5, 1, 0, eph, 15, mask, blob, max), size);
		assert_int_equal(dp_cell_parse(buf, size, &c), DP_DROP_NONE);
		assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
		assert_int_equal(c.data_len, max);
		assert_int_equal(c.hop_no, 15);
		assert_int_equal(
			dp_cell_write_create(buf, cls, 0, 5, 1, 0, eph, 0, mask, blob, max + 1), 0);
		/* A length one past the cell, forged on the wire. */
		dp_cell_write_create(buf, cls, 0, 5, 1, 0, eph, 0, mask, blob, max);
		put_masked_be32(buf + 48, max + 1, mask);
		assert_int_equal(dp_cell_parse(buf, size, &c), DP_DROP_NONE);
		assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_BAD_LENGTH);
	}
	assert_int_equal(dp_cell_write_create(buf, 0, 0, 5, 1, 0, eph, 16, mask, blob, 1), 0);
	dp_cell_write_create(buf, 0, 0, 5, 1, 0, eph, 15, mask, blob, 1);
	buf[52] ^= 0x1f; /* hop 15 -> 16 */
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_TOO_MANY_HOPS);
	/* The wrong mask reveals garbage: almost surely past the cell. */
	dp_cell_write_create(buf, 0, 0, 5, 1, 0, eph, 1, mask, blob, 10);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(dp_cell_unmask(&c, (const uint8_t[5]){0}), DP_DROP_BAD_LENGTH);
}

static void
direct_and_data_bounds(void **state)
{
	const uint8_t mask[5] = {0};
	static uint8_t body[DP_CELL_LARGE];
	struct dp_cell c;

	(void)state;
	assert_int_equal(dp_cell_write_direct(buf, 0, body, DP_CELL_SMALL - DP_CELL_DIRECT_HDR),
			 DP_CELL_SMALL);
	assert_int_equal(dp_cell_write_direct(buf, 0, body, DP_CELL_SMALL - DP_CELL_DIRECT_HDR + 1),
			 0);
	dp_cell_write_direct(buf, 0, body, 1);
	put_masked_be32(buf + 12, DP_CELL_SMALL - DP_CELL_DIRECT_HDR + 1, mask);
	assert_int_equal(dp_cell_parse(buf, DP_CELL_SMALL, &c), DP_DROP_BAD_LENGTH);
	assert_int_equal(dp_cell_write_data(buf, DP_CELL_DATA, 2, 0, 1, 0, mask, body,
					    DP_CELL_LARGE - DP_CELL_DATA_HDR),
			 DP_CELL_LARGE);
	assert_int_equal(dp_cell_write_data(buf, DP_CELL_DATA, 2, 0, 1, 0, mask, body,
					    DP_CELL_LARGE - DP_CELL_DATA_HDR + 1),
			 0);
	assert_int_equal(dp_cell_write_data(buf, DP_CELL_CREATE, 0, 0, 1, 0, mask, body, 1), 0);
	assert_int_equal(dp_cell_write_data(buf, DP_CELL_DATA, 0, 0, 0, 0, mask, body, 1), 0);
}

/* A CREATE written with a zero mask and masked afterwards (a burst's masks come later,
 * create.c) is the CREATE written with the mask. */
static void
mask_applied_later_is_the_same_cell(void **state)
{
	static uint8_t a[DP_CELL_SMALL], b[DP_CELL_SMALL];
	const uint8_t mask[DP_CELL_MASK_BYTES] = {0x11, 0x22, 0x33, 0x44, 0x55}, zero[5] = {0};
	uint8_t eph[32], blob[100];

	(void)state;
	randombytes_buf(eph, sizeof(eph));
	randombytes_buf(blob, sizeof(blob));
	assert_int_equal(dp_cell_write_create(a, 0, 0, 77, 1, 1, eph, 3, mask, blob, 100),
			 DP_CELL_CREATE_HDR + 100);
	assert_int_equal(dp_cell_write_create(b, 0, 0, 77, 1, 1, eph, 3, zero, blob, 100),
			 DP_CELL_CREATE_HDR + 100);
	assert_memory_not_equal(a, b, DP_CELL_CREATE_HDR);
	dp_cell_create_apply_mask(b, mask);
	assert_memory_equal(a, b, DP_CELL_CREATE_HDR + 100);
}

static void
class_choice(void **state)
{
	(void)state;
	assert_int_equal(dp_cell_class_for(DP_CELL_CREATE_HDR, 0), 0);
	assert_int_equal(dp_cell_class_for(DP_CELL_CREATE_HDR, DP_CELL_SMALL - DP_CELL_CREATE_HDR),
			 0);
	assert_int_equal(
		dp_cell_class_for(DP_CELL_CREATE_HDR, DP_CELL_SMALL - DP_CELL_CREATE_HDR + 1), 1);
	assert_int_equal(dp_cell_class_for(DP_CELL_CREATE_HDR, DP_CELL_LARGE - DP_CELL_CREATE_HDR),
			 2);
	assert_int_equal(
		dp_cell_class_for(DP_CELL_CREATE_HDR, DP_CELL_LARGE - DP_CELL_CREATE_HDR + 1), -1);
	assert_int_equal(dp_cell_class_for(DP_CELL_CREATE_HDR, UINT32_MAX), -1);
	assert_int_equal(dp_cell_class_size(3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_vector),
		cmocka_unit_test(data_reply_direct_vectors),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(create_field_errors),
		cmocka_unit_test(masked_lengths_and_hops_at_their_edges),
		cmocka_unit_test(direct_and_data_bounds),
		cmocka_unit_test(class_choice),
		cmocka_unit_test(mask_applied_later_is_the_same_cell),
	};
	return RUN_GROUP("dataplane/cell", tests);
}
