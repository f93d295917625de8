/* SPDX-License-Identifier: MIT */
/*
 * The segment pools of the local channel (docs/channel.md, "Inside the
 * dataplane"): long requests (worker -> service) and replies (service ->
 * worker) travel as chains of mbufs from a pool made at start, so no lcore
 * calls malloc or free for them; a full pool is a counted drop. The mbuf
 * headers live in EAL memory (about 200 bytes each); their data buffers are one
 * anonymous mapping outside it (pinned external buffers), so the pool's 64 MiB
 * costs address space until used and fits any EAL -m. No per-lcore cache: a
 * segment freed on one lcore is at once available to all, so the budget is
 * exact (every get and put is one compare-and-swap on the pool's ring).
 */
#ifndef DP_CHAN_POOL_H
#define DP_CHAN_POOL_H

#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

enum {
	DP_CHAN_SEG_ROOM = 65408, /* data room of a segment (a multiple of 128, <= 65,535) */
	DP_CHAN_SEGS = 1024,	  /* segments per pool: 64 MiB of data room */
	DP_CHAN_CHAIN_MAX = 256,  /* segments of one chain (a 10 MiB message takes 162) */
};

struct dp_chan_pool {
	struct rte_mempool *mp;
	void *mem; /* the data buffers: DP_CHAN_SEG_ROOM x segs bytes, mmap'd */
	size_t mem_len;
};

/* Creates a pool of segs segments named name; 0, or -ENOMEM / -rte_errno. */
int dp_chan_pool_create(struct dp_chan_pool *p, const char *name, unsigned segs);

/* Frees the pool and its buffers: every mbuf of it must be back (or never used again). */
void dp_chan_pool_free(struct dp_chan_pool *p);

/* Bytes of data one segment holds (its room less the mbuf headroom). */
uint32_t dp_chan_seg_data(void);

/* Segments in use (taken and not yet freed). */
unsigned dp_chan_pool_in_use(const struct dp_chan_pool *p);

/*
 * Takes n segments at once and links them into one chain (nb_segs n, lengths 0);
 * NULL when fewer than n are free (nothing is taken) or n is not 1..DP_CHAN_CHAIN_MAX.
 */
struct rte_mbuf *dp_chan_chain_alloc(const struct dp_chan_pool *p, unsigned n);

#endif
