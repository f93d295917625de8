/* SPDX-License-Identifier: MIT */
/*
 * Golden tests (tests/cli/test_dataplane_golden.sh) compare the frames a
 * relay writes with a recorded pcap byte for byte. What differs between runs
 * is the worker's random stream (re-padding, circuit labels): with
 * SNODE_DP_TEST_RNG_SEED=<64 hex> in the environment each worker's AES-CTR key
 * (rng.h) is BLAKE2b-256(key = seed, lcore id), its counter block 0, instead of random. Padding and
 * labels are then predictable, which no deployment may allow: the variable is refused (the
 * dataplane does not start) unless the port is a net_pcap, net_ring or net_null vdev, and it is
 * logged as a warning.
 */
#ifndef DP_TEST_RNG_H
#define DP_TEST_RNG_H

#include <stdint.h>

#include "worker.h"

#define DP_TEST_RNG_ENV "SNODE_DP_TEST_RNG_SEED"

/* 0 when the variable is absent or applied; -1 after one line on stderr. */
int dp_test_rng_apply(struct dp_worker *w, uint16_t port);

#endif
