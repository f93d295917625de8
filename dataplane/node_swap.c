/* SPDX-License-Identifier: MIT */
#include "node_swap.h"

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

int
dp_node_swap_init(struct dp_node_swap *s, struct dp_node_table *initial, unsigned threads)
{
	size_t sz = rte_rcu_qsbr_get_memsize(threads);

	memset(s, 0, sizeof(*s));
	s->qs = rte_zmalloc("dp_node_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (s->qs == NULL || rte_rcu_qsbr_init(s->qs, threads) != 0) {
		rte_free(s->qs);
		s->qs = NULL;
		return -ENOMEM;
	}
	for (unsigned i = 0; i < threads; i++)
		rte_rcu_qsbr_thread_register(s->qs, i);
	s->current = s->file = initial;
	s->st.size = initial->n;
	return 0;
}

static void
destroy(struct dp_node_swap *s, struct dp_node_table *t)
{
	if (t != s->file)
		dp_node_table_destroy(t);
}

void
dp_node_swap_free(struct dp_node_swap *s)
{
	for (unsigned i = 0; i < s->nretired; i++)
		destroy(s, s->retired[i]);
	if (s->current != NULL)
		destroy(s, s->current);
	rte_free(s->qs);
	memset(s, 0, sizeof(*s));
}

void
dp_node_swap_online(struct dp_node_swap *s, unsigned tid)
{
	rte_rcu_qsbr_thread_online(s->qs, tid);
}

void
dp_node_swap_offline(struct dp_node_swap *s, unsigned tid)
{
	rte_rcu_qsbr_thread_offline(s->qs, tid);
}

const struct dp_node_table *
dp_node_swap_current(const struct dp_node_swap *s)
{
	return s->current; /* only the main lcore writes it */
}

void
dp_node_swap_reclaim(struct dp_node_swap *s)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < s->nretired; i++) {
		if (rte_rcu_qsbr_check(s->qs, s->tokens[i], false) == 1) {
			destroy(s, s->retired[i]);
			s->st.freed++;
		} else {
			s->retired[kept] = s->retired[i];
			s->tokens[kept++] = s->tokens[i];
		}
	}
	s->nretired = kept;
	s->st.pending = kept;
}

enum dp_nodes_reject
dp_node_swap_publish(struct dp_node_swap *s, struct dp_node_table *next, uint64_t generation)
{
	struct dp_node_table *old = s->current;

	dp_node_swap_reclaim(s);
	if (s->nretired == DP_NODE_SWAP_RETIRED) {
		dp_node_table_destroy(next);
		return DP_NODES_BUSY;
	}
	next->swap_seq = ++s->seq; /* before the release: workers read it with the pointer */
	__atomic_store_n(&s->current, next, __ATOMIC_RELEASE);
	/* the token is taken after the store: a worker that reports a quiescent
	 * state for it loads the new pointer afterwards */
	s->tokens[s->nretired] = rte_rcu_qsbr_start(s->qs);
	s->retired[s->nretired++] = old;
	s->st.pending = s->nretired;
	s->st.generation = generation;
	s->st.size = next->n;
	return DP_NODES_OK;
}

enum dp_nodes_reject
dp_node_swap_apply(struct dp_node_swap *s, const uint8_t *body, size_t len,
		   const uint8_t *gateway_mac, const uint8_t self_ed25519[32], uint32_t cap)
{
	const struct dp_node_table *cur = dp_node_swap_current(s);
	struct dp_node_update_ctx ctx = {.current = cur,
					 .file = s->file,
					 .gateway_mac = gateway_mac,
					 .gateway_for = s->gateway_for,
					 .gateway_arg = s->gateway_arg,
					 .self_ed25519 = self_ed25519,
					 .self_x25519_sk = cur->self_sk,
					 .self_x25519_pk = cur->self_pk,
					 .cap = cap};
	struct dp_node_table *next;
	enum dp_nodes_reject r;

	s->st.received++;
	r = dp_node_update_build(body, len, &ctx, &next, &s->st.last);
	if (r == DP_NODES_OK)
		r = dp_node_swap_publish(s, next, s->st.last.generation);
	if (r == DP_NODES_OK)
		s->st.applied++;
	else
		s->st.rejected[r]++;
	return r;
}
