/* SPDX-License-Identifier: MIT */
/*
 * Multi-segment frames made one segment before anything looks at them. A NIC
 * with scattered rx (a port whose MTU makes frames larger than its rx mbufs:
 * jumbo frames, port.h) hands over a frame as a chain of mbufs; the cell code
 * and reassembly (reasm.h) work on one contiguous datagram, so the chain is
 * copied into one mbuf: one of the pool its first segment came from (the port's
 * rx pool) when the frame fits, else a big one (mempool.h), and the chain is freed. No big mbuf
 * free, or none at all (--big-mbufs 0): the frame is dropped, counted `seg_nombuf`. A chain longer
 * than a big mbuf holds cannot be a cell datagram: `not_cell`.
 */
#ifndef DP_LINEAR_H
#define DP_LINEAR_H

struct rte_mbuf;
struct dp_worker;

/*
 * m itself when it has one segment; else the same bytes in one segment (a
 * fresh mbuf with m's port, packet type and RSS hash; m freed), or NULL when
 * m was dropped (counted in w's stats).
 */
struct rte_mbuf *dp_linear_take(struct dp_worker *w, struct rte_mbuf *m);

#endif
