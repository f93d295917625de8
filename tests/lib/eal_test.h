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

#endif
