/* SPDX-License-Identifier: MIT */
/*
 * dataplane/node_swap.c on real EAL (software mode) and DPDK's QSBR RCU:
 * reader threads look nodes up in the current table on every iteration, as
 * worker lcores do, while the main thread builds and publishes hundreds of
 * tables from NODES bodies; no reader ever sees a table that is freed or half
 * built, and every old table is freed once the readers passed. A retired table
 * is kept until every online thread reported a quiescent state; when every
 * retired slot waits, a new table is refused (busy) and nothing changes.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <sodium.h>

#include "chan_nodes.h"
#include "eal_test.h"
#include "node_swap.h"
#include "snc.h"

enum {
	NODES = 64,   /* distinct nodes; a table holds a prefix of them */
	READERS = 2,  /* reader threads (QSBR thread ids 0 and 1) */
	TABLES = 300, /* tables published while they read */
};

static uint8_t self_sk[32], self_pk[32], self_ed[32];
static uint8_t ed[NODES][32], xpk[NODES][32];
static const uint8_t gw[6] = {2, 0, 0, 0, 0, 0x99};
static uint8_t body[CHAN_NODES_HDR_BYTES + NODES * CHAN_NODES_ENTRY_BYTES];

/* Table g: nodes 0..(1 + g % NODES)-1, node i at 10.0.i.1, every port 1000 + g. */
static size_t
make(uint64_t g)
{
	uint32_t n = 1 + (uint32_t)(g % NODES);
	struct chan_nodes_hdr h = {n, g};

	chan_nodes_encode_hdr(&h, body);
	for (uint32_t i = 0; i < n; i++) {
		struct chan_node_entry e = {.ip = 0x0a000001 | i << 8,
					    .port = (uint16_t)(1000 + g)};

		memcpy(e.ed25519, ed[i], 32);
		memcpy(e.x25519, xpk[i], 32);
		chan_nodes_encode_entry(&e, body, i);
	}
	return chan_nodes_body_len(n);
}

struct reader {
	struct dp_node_swap *swap;
	unsigned tid;
	volatile bool *stop;
	uint64_t iterations, errors, tables_seen;
	pthread_t th;
};

/* Every node of the table is found both ways with the table's own port and address. */
static bool
table_is_whole(const struct dp_node_table *t)
{
	uint16_t port;

	if (t->n == 0 || t->n > NODES)
		return false;
	port = t->nodes[0].port;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct dp_node *a = dp_node_by_ed25519(t, ed[i]);

		if (a == NULL || a->port != port || a->ip != (0x0a000001 | i << 8) ||
		    dp_node_by_addr(t, a->ip, port) != a || memcmp(a->mac, gw, 6) != 0)
			return false;
	}
	return true;
}

static void *
read_loop(void *arg)
{
	struct reader *r = arg;
	const struct dp_node_table *last = NULL;

	dp_node_swap_online(r->swap, r->tid);
	while (!*r->stop) {
		const struct dp_node_table *t = dp_node_swap_enter(r->swap, r->tid);

		if (t->n > 0 && !table_is_whole(t)) /* n == 0: the empty start table */
			r->errors++;
		r->tables_seen += t != last;
		last = t;
		r->iterations++;
	}
	dp_node_swap_offline(r->swap, r->tid);
	return NULL;
}

static void
readers_never_see_a_freed_or_partial_table(void **state)
{
	struct dp_node_table start;
	struct dp_node_swap swap;
	struct reader rd[READERS];
	volatile bool stop = false;
	uint64_t busy;

	(void)state;
	assert_int_equal(dp_node_table_init(&start, 1, self_sk, self_pk), 0);
	assert_int_equal(dp_node_swap_init(&swap, &start, READERS), 0);
	for (unsigned i = 0; i < READERS; i++) {
		rd[i] = (struct reader){.swap = &swap, .tid = i, .stop = &stop};
		assert_int_equal(pthread_create(&rd[i].th, NULL, read_loop, &rd[i]), 0);
	}
	/* Every table is published: a busy refusal (every retired slot waits for a reader the
	 * scheduler has not run yet, common on a loaded 2-core machine) is retried until the
	 * readers pass, for at most 10 s a table, so nothing here depends on timing. */
	for (uint64_t g = 1; g <= TABLES; g++) {
		size_t len = make(g);
		enum dp_nodes_reject r = DP_NODES_BUSY;

		for (int tries = 0; r == DP_NODES_BUSY && tries < 10000; tries++) {
			r = dp_node_swap_apply(&swap, body, len, gw, self_ed, NODES);
			if (r == DP_NODES_BUSY)
				rte_delay_us_sleep(1000);
		}
		assert_int_equal(r, DP_NODES_OK);
		rte_delay_us_sleep(100);
		dp_node_swap_reclaim(&swap);
	}
	rte_delay_us_sleep(10000);
	stop = true;
	for (unsigned i = 0; i < READERS; i++) {
		assert_int_equal(pthread_join(rd[i].th, NULL), 0);
		assert_int_equal(rd[i].errors, 0);
		assert_true(rd[i].iterations > TABLES);
		assert_true(rd[i].tables_seen > 10); /* they really read while tables changed */
	}
	busy = swap.st.rejected[DP_NODES_BUSY];
	assert_int_equal(swap.st.applied, TABLES);
	assert_int_equal(swap.st.received, TABLES + busy); /* refusals changed nothing */
	dp_node_swap_reclaim(&swap);			   /* offline readers hold nothing */
	assert_int_equal(swap.st.pending, 0);
	assert_int_equal(swap.st.freed, swap.st.applied);
	assert_true(table_is_whole(dp_node_swap_current(&swap)));
	/* link keys are reused from the current table: only a node new to it costs an X25519
	 * (table 300 has one node more than table 299) */
	assert_int_equal(swap.st.last.keys_computed, 1);
	assert_int_equal(swap.st.last.keys_reused + swap.st.last.keys_computed, swap.st.size);
	dp_node_swap_free(&swap);
	dp_node_table_free(&start);
}

static void
a_retired_table_waits_for_every_online_thread(void **state)
{
	struct dp_node_table start;
	struct dp_node_swap swap;
	const struct dp_node_table *t;

	(void)state;
	assert_int_equal(dp_node_table_init(&start, 1, self_sk, self_pk), 0);
	assert_int_equal(dp_node_swap_init(&swap, &start, 2), 0);
	dp_node_swap_online(&swap, 0);
	dp_node_swap_online(&swap, 1);
	assert_ptr_equal(dp_node_swap_enter(&swap, 0), &start);
	assert_int_equal(dp_node_swap_apply(&swap, body, make(5), gw, self_ed, NODES), DP_NODES_OK);
	assert_int_equal(swap.st.size, 6);
	assert_int_equal(swap.st.generation, 5);
	dp_node_swap_reclaim(&swap);
	assert_int_equal(swap.st.pending, 1); /* neither thread passed */
	t = dp_node_swap_enter(&swap, 0);     /* thread 0 passes and sees the new table */
	assert_int_equal(t->n, 6);
	assert_int_equal(start.swap_seq, 0); /* the file's; each published one its number */
	assert_int_equal(t->swap_seq, 1);    /* (arp_warm.h tells tables apart by it) */
	dp_node_swap_reclaim(&swap);
	assert_int_equal(swap.st.pending, 1); /* thread 1 has not */
	(void)dp_node_swap_enter(&swap, 1);
	dp_node_swap_reclaim(&swap);
	assert_int_equal(swap.st.pending, 0);
	assert_int_equal(swap.st.freed, 1);
	/* every retired slot waiting: the next table is refused, the current one stays */
	for (uint64_t g = 6; g < 6 + DP_NODE_SWAP_RETIRED; g++)
		assert_int_equal(dp_node_swap_apply(&swap, body, make(g), gw, self_ed, NODES),
				 DP_NODES_OK);
	assert_int_equal(swap.st.pending, DP_NODE_SWAP_RETIRED);
	t = dp_node_swap_current(&swap);
	assert_int_equal(t->swap_seq, 1 + DP_NODE_SWAP_RETIRED);
	assert_int_equal(dp_node_swap_apply(&swap, body, make(99), gw, self_ed, NODES),
			 DP_NODES_BUSY);
	assert_ptr_equal(dp_node_swap_current(&swap), t);
	assert_int_equal(swap.st.rejected[DP_NODES_BUSY], 1);
	assert_int_equal(swap.st.generation, 6 + DP_NODE_SWAP_RETIRED - 1);
	/* a malformed body is refused and counted the same way */
	assert_int_equal(dp_node_swap_apply(&swap, body, 3, gw, self_ed, NODES),
			 DP_NODES_MALFORMED);
	assert_int_equal(swap.st.rejected[DP_NODES_MALFORMED], 1);
	dp_node_swap_offline(&swap, 0);
	dp_node_swap_offline(&swap, 1);
	dp_node_swap_reclaim(&swap);
	assert_int_equal(swap.st.pending, 0);
	assert_int_equal(swap.st.freed, 1 + DP_NODE_SWAP_RETIRED);
	dp_node_swap_free(&swap);
	dp_node_table_free(&start);
}

int
main(void)
{
	static const char *const vdevs[] = {NULL};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readers_never_see_a_freed_or_partial_table),
		cmocka_unit_test(a_retired_table_waits_for_every_online_thread),
	};
	uint8_t sk[32];
	int rc;

	if (snc_init() != 0 || eal_test_init("node_swap", vdevs) != 0)
		return 1;
	crypto_box_keypair(self_pk, self_sk);
	randombytes_buf(self_ed, 32);
	for (int i = 0; i < NODES; i++) {
		randombytes_buf(ed[i], 32);
		crypto_box_keypair(xpk[i], sk);
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	eal_test_cleanup();
	return rc;
}
