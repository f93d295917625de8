/* SPDX-License-Identifier: MIT */
#define ALLOW_EXPERIMENTAL_API 1 /* rte_pktmbuf_pool_create_extbuf (DPDK 20.05+) */
#include "chan_pool.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

int
dp_chan_pool_create(struct dp_chan_pool *p, const char *name, unsigned segs)
{
	struct rte_pktmbuf_extmem ext;

	memset(p, 0, sizeof(*p));
	p->mem_len = (size_t)DP_CHAN_SEG_ROOM * segs;
	/* no backing until written: an idle channel costs address space only */
	p->mem = mmap(NULL, p->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->mem == MAP_FAILED) {
		p->mem = NULL;
		return -ENOMEM;
	}
	/* these mbufs only carry channel bytes between lcores, never to a device */
	ext = (struct rte_pktmbuf_extmem){p->mem, RTE_BAD_IOVA, p->mem_len, DP_CHAN_SEG_ROOM};
	p->mp = rte_pktmbuf_pool_create_extbuf(name, segs, 0, 0, DP_CHAN_SEG_ROOM,
					       (int)rte_socket_id(), &ext, 1);
	if (p->mp == NULL) {
		int err = rte_errno;

		dp_chan_pool_free(p);
		return -(err != 0 ? err : ENOMEM);
	}
	return 0;
}

void
dp_chan_pool_free(struct dp_chan_pool *p)
{
	rte_mempool_free(p->mp);
	if (p->mem != NULL)
		munmap(p->mem, p->mem_len);
	memset(p, 0, sizeof(*p));
}

uint32_t
dp_chan_seg_data(void)
{
	return DP_CHAN_SEG_ROOM - RTE_PKTMBUF_HEADROOM;
}

unsigned
dp_chan_pool_in_use(const struct dp_chan_pool *p)
{
	return p->mp != NULL ? rte_mempool_in_use_count(p->mp) : 0;
}

struct rte_mbuf *
dp_chan_chain_alloc(const struct dp_chan_pool *p, unsigned n)
{
	struct rte_mbuf *segs[DP_CHAN_CHAIN_MAX];

	if (n == 0 || n > DP_CHAN_CHAIN_MAX || rte_pktmbuf_alloc_bulk(p->mp, segs, n) != 0)
		return NULL;
	for (unsigned i = 0; i + 1 < n; i++)
		segs[i]->next = segs[i + 1];
	segs[0]->nb_segs = (uint16_t)n;
	return segs[0];
}
