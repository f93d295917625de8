/* SPDX-License-Identifier: MIT */
/*
 * dataplane/node_update.c: a node table built from a NODES body: MACs from the
 * file, else the gateway, else left out; this node left out; link keys reused
 * when the X25519 key is unchanged and computed otherwise; bad keys and
 * duplicate addresses left out; malformed bodies and counts past the
 * capacity refused whole, at their edges.
 */
#include "test_common.h"

#include "cell_mask.h"
#include "chan_nodes.h"
#include "node_update.h"

enum {
	N = 6
};

static uint8_t self_sk[32], self_pk[32], self_ed[32];
static uint8_t ed[N][32], xpk[N][32];
static const uint8_t gw[6] = {2, 0, 0, 0, 0, 0x99}, file_mac[6] = {2, 0, 0, 0, 0, 0x11};
static uint8_t body[CHAN_NODES_HDR_BYTES + (N + 1) * CHAN_NODES_ENTRY_BYTES];

static int
setup(void **state)
{
	uint8_t sk[32];

	(void)state;
	crypto_box_keypair(self_pk, self_sk);
	randombytes_buf(self_ed, 32);
	for (int i = 0; i < N; i++) {
		randombytes_buf(ed[i], 32);
		crypto_box_keypair(xpk[i], sk);
	}
	return 0;
}

/* A body of the first n nodes (node i at 10.77.i.2:22030), generation gen. */
static size_t
make(uint32_t n, uint64_t gen)
{
	struct chan_nodes_hdr h = {n, gen};

	chan_nodes_encode_hdr(&h, body);
	for (uint32_t i = 0; i < n; i++) {
		struct chan_node_entry e = {.ip = 0x0a4d0002 | i << 8, .port = 22030};

		memcpy(e.ed25519, ed[i], 32);
		memcpy(e.x25519, xpk[i], 32);
		chan_nodes_encode_entry(&e, body, i);
	}
	return chan_nodes_body_len(n);
}

static void
set_entry(uint32_t i, const uint8_t *e_ed, const uint8_t *e_x, uint32_t ip)
{
	struct chan_node_entry e = {.ip = ip, .port = 22030};

	memcpy(e.ed25519, e_ed, 32);
	memcpy(e.x25519, e_x, 32);
	chan_nodes_encode_entry(&e, body, i);
}

static struct dp_node_update_ctx
ctx_of(const struct dp_node_table *cur, const struct dp_node_table *file, const uint8_t *gwmac)
{
	return (struct dp_node_update_ctx){cur,	    file, gwmac, self_ed, self_sk,
					   self_pk, 1000, NULL,	 NULL};
}

static void
macs_from_the_file_then_the_gateway(void **state)
{
	struct dp_node_table file, *t;
	struct dp_node_update_ctx c;
	struct dp_node_update_stats st;
	size_t len = make(N, 7);

	(void)state;
	assert_int_equal(dp_node_table_init(&file, 4, self_sk, self_pk), 0);
	assert_int_equal(dp_node_table_add(&file, ed[0], xpk[0], 0x01020304, 1, file_mac), 0);
	c = ctx_of(NULL, &file, gw);
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, N);
	assert_true(st.generation == 7 && st.count == N && st.no_mac == 0);
	/* the file gives node 0's MAC only: its address comes from the message */
	assert_memory_equal(dp_node_by_ed25519(t, ed[0])->mac, file_mac, 6);
	assert_int_equal(dp_node_by_ed25519(t, ed[0])->ip, 0x0a4d0002);
	assert_memory_equal(dp_node_by_ed25519(t, ed[1])->mac, gw, 6);
	assert_non_null(dp_node_by_addr(t, 0x0a4d0102, 22030));
	dp_node_table_destroy(t);
	/* without a gateway the others have no MAC: left out, counted */
	c = ctx_of(NULL, &file, NULL);
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, 1);
	assert_int_equal(st.no_mac, N - 1);
	assert_null(dp_node_by_ed25519(t, ed[1]));
	dp_node_table_destroy(t);
	dp_node_table_free(&file);
}

static const uint8_t gw2[6] = {2, 0, 0, 0, 0, 0x22};

/* A gateway per subnet, as ports.c gives one per port: 10.77.1.0/24 and 10.77.2.0/24. */
static const uint8_t *
gateway_by_subnet(const void *arg, uint32_t ip)
{
	assert_ptr_equal(arg, gw2);
	return (ip & 0xffffff00u) == 0x0a4d0100	  ? gw
	       : (ip & 0xffffff00u) == 0x0a4d0200 ? gw2
						  : NULL;
}

/* With several ports each node's gateway is its port's: the callback, not gateway_mac. */
static void
gateway_per_port(void **state)
{
	struct dp_node_table file, *t;
	struct dp_node_update_ctx c;
	struct dp_node_update_stats st;
	size_t len = make(N, 8);

	(void)state;
	assert_int_equal(dp_node_table_init(&file, 4, self_sk, self_pk), 0);
	assert_int_equal(dp_node_table_add(&file, ed[0], xpk[0], 0x01020304, 1, file_mac), 0);
	c = ctx_of(NULL, &file, gw);
	c.gateway_for = gateway_by_subnet;
	c.gateway_arg = gw2;
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_memory_equal(dp_node_by_ed25519(t, ed[0])->mac, file_mac, 6); /* the file first */
	assert_memory_equal(dp_node_by_ed25519(t, ed[1])->mac, gw, 6);
	assert_memory_equal(dp_node_by_ed25519(t, ed[2])->mac, gw2, 6);
	assert_null(dp_node_by_ed25519(t, ed[3])); /* its port has no gateway: gateway_mac unused */
	assert_int_equal(st.no_mac, N - 3);
	assert_int_equal(t->n, 3);
	dp_node_table_destroy(t);
	dp_node_table_free(&file);
}

static void
self_is_left_out(void **state)
{
	struct dp_node_update_ctx c = ctx_of(NULL, NULL, gw);
	struct dp_node_update_stats st;
	struct dp_node_table *t;
	size_t len = make(3, 1);

	(void)state;
	set_entry(1, self_ed, self_pk, 0x0a000009);
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, 2);
	assert_int_equal(st.self, 1);
	assert_null(dp_node_by_ed25519(t, self_ed));
	dp_node_table_destroy(t);
}

static void
link_keys_are_reused_when_the_key_is_unchanged(void **state)
{
	struct dp_node_update_ctx c = ctx_of(NULL, NULL, gw);
	struct dp_node_update_stats st;
	struct dp_node_table *first, *second;
	uint8_t want[32], sk[32], newx[32];
	size_t len = make(N, 1);

	(void)state;
	assert_int_equal(dp_node_update_build(body, len, &c, &first, &st), DP_NODES_OK);
	assert_int_equal(st.keys_computed, N);
	assert_int_equal(st.keys_reused, 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(snc_cell_link_key(self_sk, self_pk, xpk[i], want), 0);
		assert_memory_equal(dp_node_by_ed25519(first, ed[i])->link_key, want, 32);
	}
	/* node 2 has a new X25519 key (a re-registered node): only it is computed */
	crypto_box_keypair(newx, sk);
	set_entry(2, ed[2], newx, 0x0a4d0202);
	c = ctx_of(first, NULL, gw);
	assert_int_equal(dp_node_update_build(body, len, &c, &second, &st), DP_NODES_OK);
	assert_int_equal(st.keys_reused, N - 1);
	assert_int_equal(st.keys_computed, 1);
	assert_int_equal(snc_cell_link_key(self_sk, self_pk, newx, want), 0);
	assert_memory_equal(dp_node_by_ed25519(second, ed[2])->link_key, want, 32);
	assert_memory_equal(dp_node_by_ed25519(second, ed[3])->link_key,
			    dp_node_by_ed25519(first, ed[3])->link_key, 32);
	dp_node_table_destroy(first);
	dp_node_table_destroy(second);
}

static void
bad_keys_and_duplicate_addresses_are_left_out(void **state)
{
	static const uint8_t low_order[32] = {0}; /* X25519 with it gives all zeros */
	struct dp_node_update_ctx c = ctx_of(NULL, NULL, gw);
	struct dp_node_update_stats st;
	struct dp_node_table *t;
	size_t len = make(4, 1);

	(void)state;
	set_entry(1, ed[1], low_order, 0x0a4d0102);
	set_entry(3, ed[3], xpk[3], 0x0a4d0002); /* node 0's address */
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, 2);
	assert_int_equal(st.bad_key, 1);
	assert_int_equal(st.duplicate, 1);
	assert_non_null(dp_node_by_ed25519(t, ed[0]));
	assert_non_null(dp_node_by_ed25519(t, ed[2]));
	dp_node_table_destroy(t);
	/* the same node twice: the second is a duplicate */
	len = make(2, 1);
	set_entry(1, ed[0], xpk[0], 0x0a000077);
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, 1);
	assert_int_equal(st.duplicate, 1);
	dp_node_table_destroy(t);
}

static void
malformed_and_too_many_are_refused_whole(void **state)
{
	struct dp_node_update_ctx c = ctx_of(NULL, NULL, gw);
	struct dp_node_update_stats st;
	struct dp_node_table *t = (struct dp_node_table *)1;
	size_t len = make(N, 1);

	(void)state;
	assert_int_equal(dp_node_update_build(body, len - 1, &c, &t, &st), DP_NODES_MALFORMED);
	assert_null(t);
	body[0] = 2; /* a format this build does not know */
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_MALFORMED);
	len = make(N, 1);
	set_entry(N - 1, ed[N - 1], xpk[N - 1], 0); /* the last entry has no address */
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_MALFORMED);
	assert_null(t);
	/* the capacity at its edge */
	len = make(N, 1);
	c.cap = N;
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	dp_node_table_destroy(t);
	c.cap = N - 1;
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_TOO_MANY);
	assert_null(t);
	/* an empty table is a table */
	len = make(0, 9);
	assert_int_equal(dp_node_update_build(body, len, &c, &t, &st), DP_NODES_OK);
	assert_int_equal(t->n, 0);
	dp_node_table_destroy(t);
	assert_string_equal(dp_nodes_reject_name(DP_NODES_BUSY), "busy");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(macs_from_the_file_then_the_gateway),
		cmocka_unit_test(gateway_per_port),
		cmocka_unit_test(self_is_left_out),
		cmocka_unit_test(link_keys_are_reused_when_the_key_is_unchanged),
		cmocka_unit_test(bad_keys_and_duplicate_addresses_are_left_out),
		cmocka_unit_test(malformed_and_too_many_are_refused_whole),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests(tests, setup, NULL);
}
