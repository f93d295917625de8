/* SPDX-License-Identifier: MIT */
/*
 * dataplane/data_cell.c: DATA crosses client -> A -> B -> C as bytes (no
 * DPDK): the client seals one layer per hop with each kf (the entry's
 * outermost) and masks with the entry's kf; each hop checks, opens its layer
 * and (relays) rewrites for the next link; C gets the chunk. Then every edge
 * of the checks and a forged cell that must not move the seq window.
 */
#include "test_common.h"

#include "cell_mask.h"
#include "data_cell.h"

enum {
	CAP = DP_CELL_SMALL - DP_CELL_DATA_HDR, /* 1212 */
};

static const uint64_t label_client = 0x1111111111111101ull, label_ab = 0x2222222222222202ull,
		      label_bc = 0x3333333333333303ull;
static uint8_t link_ab[32], link_bc[32];

struct path {
	struct dp_circuit a, b, c;
};

static void
hop(struct dp_circuit *c, uint64_t in_label, uint64_t out_label)
{
	memset(c, 0, sizeof(*c));
	c->in_label = in_label;
	c->out_label = out_label;
	randombytes_buf(c->hop_key, 32);
	snc_cell_data_keys(c->hop_key, c->kf, c->kr);
	c->has_kf = 1; /* every hop's CREATE had MORE */
}

static void
make_path(struct path *p)
{
	randombytes_buf(link_ab, 32);
	randombytes_buf(link_bc, 32);
	hop(&p->a, label_client, label_ab);
	p->a.client_link = 1;
	hop(&p->b, label_ab, label_bc);
	hop(&p->c, label_bc, 0);
}

/* The client's DATA cell seq carrying chunk (n bytes) for path p. */
static void
client_cell(const struct path *p, uint32_t seq, uint8_t flags, const uint8_t *chunk, uint32_t n,
	    uint8_t *cell)
{
	uint8_t payload[CAP], mask[5];
	const uint8_t *kf[3] = {p->c.kf, p->b.kf, p->a.kf}; /* innermost first */

	assert_true(n + 48 <= CAP);
	memcpy(payload, chunk, n);
	for (int k = 0; k < 3; k++, n += DP_DATA_LAYER)
		snc_cell_data_seal(kf[k], seq, payload, n, payload);
	snc_cell_mask(p->a.kf, DP_CELL_DATA, label_client, seq, mask);
	assert_int_equal(dp_cell_write_data(cell, DP_CELL_DATA, 0, DP_CELL_FLAG_CLIENT | flags,
					    label_client, seq, mask, payload, n),
			 DP_CELL_DATA_HDR + n);
	randombytes_buf(cell + DP_CELL_DATA_HDR + n, CAP - n);
}

static void
receive(const uint8_t *cell, const uint8_t key[32], uint64_t label, struct dp_cell *out)
{
	uint8_t mask[5];

	assert_int_equal(dp_cell_parse(cell, DP_CELL_SMALL, out), DP_DROP_NONE);
	assert_int_equal(out->kind, DP_CELL_DATA);
	assert_true(out->label == label);
	snc_cell_mask(key, DP_CELL_DATA, label, out->seq, mask);
	assert_int_equal(dp_cell_unmask(out, mask), DP_DROP_NONE);
}

/* One hop: check and open; relays rewrite for key_out. Returns the bytes left. */
static uint32_t
hop_over(uint8_t *cell, struct dp_circuit *c, const uint8_t *key_in, const uint8_t *key_out)
{
	struct dp_cell parsed;
	uint32_t len, used;

	receive(cell, key_in, c->in_label, &parsed);
	assert_int_equal(dp_data_cell_check(c, &parsed), DP_DROP_NONE);
	assert_int_equal(dp_data_cell_open(c, cell, &parsed, &len), DP_DROP_NONE);
	if (key_out == NULL)
		return len;
	used = dp_data_cell_rewrite(cell, &parsed, len, c, key_out);
	assert_int_equal(used, DP_CELL_DATA_HDR + len);
	randombytes_buf(cell + used, DP_CELL_SMALL - used);
	return len;
}

static void
three_hops_open_one_layer_each(void **state)
{
	uint8_t chunk[CAP - 48], cell[DP_CELL_SMALL], seen[3][64];
	struct path p;
	uint32_t len;

	(void)state;
	make_path(&p);
	randombytes_buf(chunk, sizeof(chunk));
	for (uint32_t seq = 0; seq < 3; seq++) {
		client_cell(&p, seq, seq == 2 ? DP_CELL_FLAG_LAST : 0, chunk, sizeof(chunk), cell);
		memcpy(seen[0], cell + DP_CELL_DATA_HDR, 64);
		assert_int_equal(hop_over(cell, &p.a, p.a.kf, link_ab), sizeof(chunk) + 32);
		memcpy(seen[1], cell + DP_CELL_DATA_HDR, 64);
		assert_int_equal(cell[3], seq == 2 ? DP_CELL_FLAG_LAST : 0); /* no CLIENT past A */
		assert_int_equal(hop_over(cell, &p.b, link_ab, link_bc), sizeof(chunk) + 16);
		memcpy(seen[2], cell + DP_CELL_DATA_HDR, 64);
		len = hop_over(cell, &p.c, link_bc, NULL);
		assert_int_equal(len, sizeof(chunk));
		assert_memory_equal(cell + DP_CELL_DATA_HDR, chunk, len);
		assert_memory_not_equal(seen[0], seen[1], 64);
		assert_memory_not_equal(seen[1], seen[2], 64);
	}
	assert_true(p.a.data_done && p.b.data_done && p.c.data_done);
	assert_int_equal(p.c.data_seq, 3);
}

static struct dp_cell
from_prev(uint32_t seq, uint32_t len, uint8_t flags)
{
	struct dp_cell c = {
		.kind = DP_CELL_DATA, .flags = flags, .seq = seq, .data_len = len, .data_cap = CAP};
	return c;
}

static void
check_every_edge(void **state)
{
	struct dp_cell cell;
	struct path p;

	(void)state;
	make_path(&p);
	/* CLIENT exactly on the client's link. */
	cell = from_prev(0, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.a, &cell), DP_DROP_BAD_FLAGS);
	cell = from_prev(0, 16, DP_CELL_FLAG_CLIENT);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_BAD_FLAGS);
	assert_int_equal(dp_data_cell_check(&p.a, &cell), DP_DROP_NONE);
	/* Class; a payload without even our tag. */
	cell = from_prev(0, 16, 0);
	cell.size_class = 2;
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_BAD_CLASS);
	cell = from_prev(0, 15, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_BAD_LENGTH);
	/* Relays: increasing, gaps allowed, bound, nothing after LAST. */
	p.b.data_seq = 5;
	cell = from_prev(4, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_DATA_SEQ);
	cell = from_prev(9, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_NONE);
	cell = from_prev(DP_DATA_MAX_CELLS - 1, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_NONE);
	cell = from_prev(DP_DATA_MAX_CELLS, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_DATA_SEQ);
	p.b.data_done = 1;
	cell = from_prev(9, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.b, &cell), DP_DROP_DATA_SEQ);
	/* The destination: exactly the next seq. */
	p.c.data_seq = 2;
	cell = from_prev(3, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.c, &cell), DP_DROP_DATA_SEQ);
	cell = from_prev(1, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.c, &cell), DP_DROP_DATA_SEQ);
	cell = from_prev(2, 16, 0);
	assert_int_equal(dp_data_cell_check(&p.c, &cell), DP_DROP_NONE);
}

static void
forged_cell_does_not_move_the_window(void **state)
{
	uint8_t chunk[100], cell[DP_CELL_SMALL];
	struct dp_cell parsed;
	struct path p;
	uint32_t len = 77;

	(void)state;
	make_path(&p);
	randombytes_buf(chunk, sizeof(chunk));
	client_cell(&p, 7, 0, chunk, sizeof(chunk), cell);
	cell[DP_CELL_DATA_HDR + 5] ^= 1;
	receive(cell, p.a.kf, label_client, &parsed);
	assert_int_equal(dp_data_cell_check(&p.a, &parsed), DP_DROP_NONE);
	assert_int_equal(dp_data_cell_open(&p.a, cell, &parsed, &len), DP_DROP_BAD_MAC);
	assert_int_equal(p.a.data_seq, 0);
	assert_int_equal(len, 77);
	/* The genuine cell with that seq still passes. */
	client_cell(&p, 7, 0, chunk, sizeof(chunk), cell);
	assert_int_equal(hop_over(cell, &p.a, p.a.kf, link_ab), sizeof(chunk) + 32);
	assert_int_equal(p.a.data_seq, 8);
}

static void
prev_key_by_link(void **state)
{
	struct dp_node_table t;
	uint8_t sk[32], pk[32], peer_sk[32], peer_pk[32], ed[32] = {9}, mac[6] = {2};
	struct path p;

	(void)state;
	make_path(&p);
	randombytes_buf(sk, 32);
	randombytes_buf(peer_sk, 32);
	crypto_scalarmult_base(pk, sk);
	crypto_scalarmult_base(peer_pk, peer_sk);
	assert_int_equal(dp_node_table_init(&t, 4, sk, pk), 0);
	assert_int_equal(dp_node_table_add(&t, ed, peer_pk, 0x0a000001, 22030, mac), 0);
	const struct snc_mask_key *pre = (const void *)&t; /* must be overwritten */
	assert_ptr_equal(dp_data_cell_prev_key(&p.a, &t, &pre), p.a.kf);
	assert_null(pre); /* a client's link: the circuit's key, nothing precomputed */
	p.b.prev = (struct dp_addr){0x0a000001, 22030};
	assert_memory_equal(dp_data_cell_prev_key(&p.b, &t, &pre),
			    dp_node_by_addr(&t, 0x0a000001, 22030)->link_key, 32);
	assert_ptr_equal(pre, &dp_node_by_addr(&t, 0x0a000001, 22030)->link_pre);
	p.b.prev.ip++;
	assert_null(dp_data_cell_prev_key(&p.b, &t, &pre));
	dp_node_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_hops_open_one_layer_each),
		cmocka_unit_test(check_every_edge),
		cmocka_unit_test(forged_cell_does_not_move_the_window),
		cmocka_unit_test(prev_key_by_link),
	};
	return RUN_GROUP("dataplane/data_cell", tests);
}
