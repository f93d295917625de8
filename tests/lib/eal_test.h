/* SPDX-License-Identifier: MIT */
/*
 * Starts real DPDK EAL for a test in software mode: no hugepages, no PCI, a
 * per-process unique --file-prefix, no telemetry socket, and the vdevs asked for.
 */
#ifndef EAL_TEST_H
#define EAL_TEST_H

/* vdevs: NULL-terminated list of --vdev arguments. Returns 0 or -1. */
int eal_test_init(const char *test_name, const char *const *vdevs);

void eal_test_cleanup(void);

struct rte_mbuf;

/* What a net_ring port transmitted since the last read (its rx side), up to n mbufs. */
unsigned short eal_test_sent_on(unsigned short port, struct rte_mbuf **pkts, unsigned short n);

void eal_test_free_all(struct rte_mbuf **pkts, unsigned short n);

/* The big-endian 32-bit value at p (an address in a frame). */
unsigned eal_test_be32_at(const unsigned char *p);

#endif
