/* SPDX-License-Identifier: MIT */
#include "linear.h"

#include <string.h>

#include <rte_mbuf.h>

#include "worker.h"

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

/* Bytes of data one mbuf of pool holds after its headroom. */
static uint32_t
room(struct rte_mempool *pool)
{
	return pool != NULL ? rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM : 0;
}

/* The pool to copy a frame of len bytes into: the one its first segment came from
 * (the port's rx pool) when one mbuf of it holds the frame, else the big pool; NULL:
 * none can hold it (*why says which drop). */
static struct rte_mempool *
pick(const struct dp_worker *w, const struct rte_mbuf *m, uint32_t len, enum dp_drop_reason *why)
{
	if (len <= room(m->pool))
		return m->pool;
	if (w->big_pool == NULL) {
		*why = DP_DROP_SEG_NOMBUF; /* --big-mbufs 0 */
		return NULL;
	}
	if (len > room(w->big_pool)) {
		*why = DP_DROP_NOT_CELL; /* over Ethernet/IPv4/UDP and a large cell */
		return NULL;
	}
	return w->big_pool;
}

struct rte_mbuf *
dp_linear_take(struct dp_worker *w, struct rte_mbuf *m)
{
	enum dp_drop_reason why = DP_DROP_SEG_NOMBUF;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_mempool *pool;
	struct rte_mbuf *one;
	const void *bytes;
	uint8_t *dst;

	if (m->nb_segs == 1)
		return m;
	pool = pick(w, m, len, &why);
	one = pool != NULL ? rte_pktmbuf_alloc(pool) : NULL;
	if (one == NULL) {
		drop(w, m, why);
		return NULL;
	}
	dst = (uint8_t *)rte_pktmbuf_append(one, (uint16_t)len);       /* fits: pick checked */
	bytes = dst != NULL ? rte_pktmbuf_read(m, 0, len, dst) : NULL; /* across the segments */
	if (bytes == NULL) { /* cannot happen: pick checked the length against the room */
		rte_pktmbuf_free(one);
		drop(w, m, DP_DROP_NOT_CELL);
		return NULL;
	}
	if (bytes != dst) /* all of it in the first segment: read gave a pointer there */
		memcpy(dst, bytes, len);
	one->port = m->port;
	one->packet_type = m->packet_type;
	one->hash = m->hash;
	rte_pktmbuf_free(m);
	w->stats.rx_linearized++;
	return one;
}
