/* SPDX-License-Identifier: MIT */
/*
 * control/direct_frag.c: fragment counts at the piece and message-size edges,
 * split then reassemble in any order, every malformed header field, and each
 * limit of the reassembler (partials per sender, slots, bytes, timeout) at its
 * edge, with the counter each drop bumps.
 */
#include "direct_frag.h"
#include "test_common_ctl.h"

static const uint8_t A[32] = {1}, B[32] = {2};

/* What the split produced, and what the reassembler delivered. */
struct cells {
	uint8_t (*cell)[CTL_FRAG_CELL_MAX];
	size_t *len;
	size_t n, cap;
};

static int
collect(void *arg, const uint8_t *cell, size_t len)
{
	struct cells *c = arg;

	assert_true(len <= CTL_FRAG_CELL_MAX);
	assert_true(c->n < c->cap);
	memcpy(c->cell[c->n], cell, len);
	c->len[c->n++] = len;
	return 0;
}

static uint8_t *got;
static size_t got_len;
static int deliveries;

static void
on_deliver(void *arg, const uint8_t from[32], const uint8_t *msg, size_t len)
{
	(void)arg;
	assert_memory_equal(from, A, 32);
	free(got);
	got = malloc(len);
	memcpy(got, msg, len);
	got_len = len;
	deliveries++;
}

static void
cells_init(struct cells *c, size_t cap)
{
	c->cell = calloc(cap, sizeof(*c->cell));
	c->len = calloc(cap, sizeof(*c->len));
	c->n = 0;
	c->cap = cap;
}

static void
cells_free(struct cells *c)
{
	free(c->cell);
	free(c->len);
}

static uint8_t *
pattern(size_t len)
{
	uint8_t *m = malloc(len);

	for (size_t i = 0; i < len; i++)
		m[i] = (uint8_t)(i * 7 + i / 251);
	return m;
}

static int
teardown(void **state)
{
	(void)state;
	free(got);
	got = NULL;
	got_len = 0;
	deliveries = 0;
	return 0;
}

static void
counts_at_the_edges(void **state)
{
	(void)state;
	assert_int_equal(CTL_FRAG_PIECE, 1196);
	assert_int_equal(ctl_frag_count(0), 0);
	assert_int_equal(ctl_frag_count(1), 1);
	assert_int_equal(ctl_frag_count(CTL_FRAG_PIECE), 1);
	assert_int_equal(ctl_frag_count(CTL_FRAG_PIECE + 1), 2);
	assert_int_equal(ctl_frag_count(CTL_FRAG_MSG_MAX), CTL_FRAG_COUNT_MAX);
	assert_int_equal(CTL_FRAG_COUNT_MAX, 877);
	assert_int_equal(ctl_frag_count(CTL_FRAG_MSG_MAX + 1), 0);
	assert_int_equal(ctl_frag_split(1, (const uint8_t *)"", 0, collect, NULL), -EINVAL);
}

/* Splits len bytes, feeds the cells last first, checks one exact delivery. */
static void
round_trip(size_t len)
{
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(NULL);
	uint8_t *msg = pattern(len);
	struct cells c;
	struct ctl_frag_stats st;

	cells_init(&c, CTL_FRAG_COUNT_MAX);
	deliveries = 0;
	assert_int_equal(ctl_frag_split(0x0102030405060708ULL, msg, len, collect, &c), 0);
	assert_int_equal(c.n, ctl_frag_count(len));
	for (size_t i = c.n; i-- > 0;) {
		assert_int_equal(deliveries, 0);
		assert_int_equal(ctl_frag_add(r, A, c.cell[i], c.len[i], 1000, on_deliver, NULL),
				 0);
	}
	assert_int_equal(deliveries, 1);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, msg, len);
	assert_int_equal(ctl_frag_partials(r, NULL), 0);
	ctl_frag_stats(r, &st);
	assert_int_equal(st.fragments, c.n);
	assert_int_equal(st.delivered, 1);
	cells_free(&c);
	free(msg);
	ctl_frag_reasm_free(r);
}

static void
split_and_reassemble(void **state)
{
	(void)state;
	round_trip(1);
	round_trip(CTL_FRAG_PIECE);
	round_trip(CTL_FRAG_PIECE + 1);
	round_trip(3 * CTL_FRAG_PIECE);
	round_trip(CTL_FRAG_MSG_MAX);
}

static void
header_layout(void **state)
{
	static const uint8_t want[CTL_FRAG_HDR] = {0x02, 0,    0,    1,	   0,	 2,    0,
						   0,	 0x04, 0xad, 0x11, 0x22, 0x33, 0x44,
						   0x55, 0x66, 0x77, 0x88, 0,	 0};
	uint8_t *msg = pattern(CTL_FRAG_PIECE + 1);
	struct ctl_frag_hdr h;
	struct cells c;

	(void)state;
	cells_init(&c, 2);
	assert_int_equal(
		ctl_frag_split(0x1122334455667788ULL, msg, CTL_FRAG_PIECE + 1, collect, &c), 0);
	assert_int_equal(c.len[1], CTL_FRAG_HDR + 1);
	assert_memory_equal(c.cell[1], want, CTL_FRAG_HDR); /* index 1 of 2, total 1197 */
	assert_int_equal(ctl_frag_parse(c.cell[1], c.len[1], &h), 0);
	assert_int_equal(h.index, 1);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.total, CTL_FRAG_PIECE + 1);
	assert_true(h.id == 0x1122334455667788ULL);
	cells_free(&c);
	free(msg);
}

/* A two-fragment message's first cell, with byte at changed to v. */
static void
expect_malformed(size_t at, uint8_t v, size_t len_delta)
{
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(NULL);
	uint8_t *msg = pattern(2 * CTL_FRAG_PIECE);
	struct ctl_frag_stats st;
	struct cells c;

	cells_init(&c, 2);
	assert_int_equal(ctl_frag_split(9, msg, 2 * CTL_FRAG_PIECE, collect, &c), 0);
	if (at < CTL_FRAG_HDR)
		c.cell[0][at] = v;
	assert_int_equal(ctl_frag_add(r, A, c.cell[0], c.len[0] - len_delta, 0, on_deliver, NULL),
			 -EBADMSG);
	ctl_frag_stats(r, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(ctl_frag_partials(r, NULL), 0);
	cells_free(&c);
	free(msg);
	ctl_frag_reasm_free(r);
}

static void
malformed_headers_are_counted(void **state)
{
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(NULL);
	struct ctl_frag_stats st;

	(void)state;
	expect_malformed(0, 0x01, 0);		 /* a whole sealed message's first byte */
	expect_malformed(1, 0x01, 0);		 /* reserved */
	expect_malformed(19, 0x01, 0);		 /* reserved */
	expect_malformed(3, 2, 0);		 /* index == count */
	expect_malformed(5, 3, 0);		 /* count not what total needs */
	expect_malformed(5, 0, 0);		 /* count 0 */
	expect_malformed(8, 0, 0);		 /* total changed: count no longer fits */
	expect_malformed(CTL_FRAG_HDR, 0, 1);	 /* one byte short of its piece */
	expect_malformed(CTL_FRAG_HDR, 0, 1196); /* header only */
	expect_malformed(CTL_FRAG_HDR, 0, 1197); /* shorter than a header */
	assert_int_equal(ctl_frag_add(r, A, NULL, 0, 0, on_deliver, NULL), -EBADMSG);
	ctl_frag_stats(r, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(deliveries, 0);
	ctl_frag_reasm_free(r);
}

static void
duplicates_and_inconsistent_fragments(void **state)
{
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(NULL);
	uint8_t *msg = pattern(3 * CTL_FRAG_PIECE);
	struct ctl_frag_stats st;
	struct cells c, d;

	(void)state;
	cells_init(&c, 3);
	cells_init(&d, 2);
	assert_int_equal(ctl_frag_split(5, msg, 3 * CTL_FRAG_PIECE, collect, &c), 0);
	assert_int_equal(ctl_frag_add(r, A, c.cell[0], c.len[0], 0, on_deliver, NULL), 0);
	assert_int_equal(ctl_frag_add(r, A, c.cell[0], c.len[0], 0, on_deliver, NULL), -EALREADY);
	/* the same id with another length: the partial goes too */
	assert_int_equal(ctl_frag_split(5, msg, 2 * CTL_FRAG_PIECE, collect, &d), 0);
	assert_int_equal(ctl_frag_add(r, A, d.cell[1], d.len[1], 0, on_deliver, NULL), -EBADMSG);
	assert_int_equal(ctl_frag_partials(r, NULL), 0);
	/* the same id from another sender is another message */
	assert_int_equal(ctl_frag_add(r, A, c.cell[1], c.len[1], 0, on_deliver, NULL), 0);
	assert_int_equal(ctl_frag_add(r, B, c.cell[1], c.len[1], 0, on_deliver, NULL), 0);
	assert_int_equal(ctl_frag_partials(r, NULL), 2);
	ctl_frag_stats(r, &st);
	assert_int_equal(st.duplicate, 1);
	assert_int_equal(st.inconsistent, 1);
	assert_int_equal(deliveries, 0);
	cells_free(&c);
	cells_free(&d);
	free(msg);
	ctl_frag_reasm_free(r);
}

/* The first of two fragments of a message with id from sender. */
static int
start_msg(struct ctl_frag_reasm *r, const uint8_t *from, uint64_t id, size_t len, uint64_t now)
{
	uint8_t *msg = pattern(len);
	struct cells c;
	int rc;

	cells_init(&c, CTL_FRAG_COUNT_MAX);
	assert_int_equal(ctl_frag_split(id, msg, len, collect, &c), 0);
	rc = ctl_frag_add(r, from, c.cell[0], c.len[0], now, on_deliver, NULL);
	cells_free(&c);
	free(msg);
	return rc;
}

static void
per_sender_and_slot_limits(void **state)
{
	struct ctl_frag_limits lim = {4, 3, CTL_FRAG_BYTES, 5000};
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(&lim);
	struct ctl_frag_stats st;
	uint8_t c3[32] = {3};

	(void)state;
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(start_msg(r, A, i, 2000, 0), 0);
	assert_int_equal(start_msg(r, A, 3, 2000, 0), -ENOBUFS);  /* 4th of one sender */
	assert_int_equal(start_msg(r, B, 0, 2000, 0), 0);	  /* 4th slot */
	assert_int_equal(start_msg(r, c3, 0, 2000, 0), -ENOBUFS); /* no slot left */
	ctl_frag_stats(r, &st);
	assert_int_equal(st.over_budget, 2);
	assert_int_equal(ctl_frag_partials(r, NULL), 4);
	ctl_frag_reasm_free(r);
	lim.per_sender = 5;
	assert_null(ctl_frag_reasm_new(&lim));
	lim.partials = CTL_FRAG_PARTIALS + 1;
	assert_null(ctl_frag_reasm_new(&lim));
}

static void
byte_budget_edge(void **state)
{
	struct ctl_frag_limits lim = {8, 8, 5000, 5000};
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(&lim);
	size_t bytes;

	(void)state;
	assert_int_equal(start_msg(r, A, 1, 3000, 0), 0);
	assert_int_equal(start_msg(r, A, 2, 2001, 0), -ENOBUFS); /* 5001 */
	assert_int_equal(start_msg(r, A, 3, 2000, 0), 0);	 /* exactly 5000 */
	assert_int_equal(ctl_frag_partials(r, &bytes), 2);
	assert_int_equal(bytes, 5000);
	ctl_frag_reasm_free(r);
}

static void
timeout_edge(void **state)
{
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(NULL);
	struct ctl_frag_stats st;
	size_t bytes;

	(void)state;
	assert_int_equal(start_msg(r, A, 1, 2000, 10000), 0);
	ctl_frag_expire(r, 10000 + CTL_FRAG_TIMEOUT_MS); /* the edge itself: still held */
	assert_int_equal(ctl_frag_partials(r, NULL), 1);
	ctl_frag_expire(r, 10000 + CTL_FRAG_TIMEOUT_MS + 1);
	assert_int_equal(ctl_frag_partials(r, &bytes), 0);
	assert_int_equal(bytes, 0);
	ctl_frag_stats(r, &st);
	assert_int_equal(st.timed_out, 1);
	/* an add runs the expiry too */
	assert_int_equal(start_msg(r, A, 2, 2000, 0), 0);
	assert_int_equal(start_msg(r, B, 2, 2000, CTL_FRAG_TIMEOUT_MS + 1), 0);
	assert_int_equal(ctl_frag_partials(r, NULL), 1);
	ctl_frag_reasm_free(r); /* frees what is still held */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(counts_at_the_edges, teardown),
		cmocka_unit_test_teardown(split_and_reassemble, teardown),
		cmocka_unit_test_teardown(header_layout, teardown),
		cmocka_unit_test_teardown(malformed_headers_are_counted, teardown),
		cmocka_unit_test_teardown(duplicates_and_inconsistent_fragments, teardown),
		cmocka_unit_test_teardown(per_sender_and_slot_limits, teardown),
		cmocka_unit_test_teardown(byte_budget_edge, teardown),
		cmocka_unit_test_teardown(timeout_edge, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
