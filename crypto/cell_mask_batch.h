/* SPDX-License-Identifier: MIT */
/*
 * The cell layer's short keyed hashes (cell_mask.h) for a whole burst at once: header
 * masks and the per-circuit data keys. Same results as snc_cell_mask and
 * snc_cell_data_keys; on a CPU with AVX-512F eight at a time (blake2b_x8.c: 3.7-4.2x
 * libsodium's one at a time, snode-bench-crypto), else one by one.
 */
#ifndef SNC_CELL_MASK_BATCH_H
#define SNC_CELL_MASK_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cell_mask.h"

/* A long-lived mask key (a node's link key) with its BLAKE2b key block compressed ahead:
 * on the 8-way path a mask under it costs one compression instead of two. */
struct snc_mask_key {
	uint64_t h[8]; /* the keyed state (blake2b_x8.h), valid when ready */
	uint8_t ready; /* 0 without the 8-way path: the jobs' keys are used */
};

/* Fills k for key (at table build time, not per cell). Secret: wipe it with the key. */
void snc_mask_key_init(struct snc_mask_key *k, const uint8_t key[32]);

struct snc_mask_job {
	const uint8_t *key; /* 32 bytes */
	uint64_t label;
	uint32_t seq;
	uint8_t kind;
	uint8_t *mask;			/* SNC_CELL_MASK_BYTES out */
	const struct snc_mask_key *pre; /* key's precomputed state, or NULL */
};

/* jobs[i].mask = snc_cell_mask(jobs[i].key, kind, label, seq), for n jobs. A group of 8
 * whose jobs all have a ready pre (the same key's) skips the key block. */
void snc_cell_mask_batch(size_t n, const struct snc_mask_job *jobs);

/* snc_cell_data_keys(hop_key[i], kf[i], kr[i]) for n circuits. kf[i] NULL: that circuit
 * needs no kf (no DATA follows its CREATE); a group of 8 none of which wants kf runs one
 * compression less. */
void snc_cell_data_keys_batch(size_t n, const uint8_t *const hop_key[], uint8_t *const kf[],
			      uint8_t *const kr[]);

/* "avx512f-8way" or "libsodium": what the batches run on. */
const char *snc_cell_mask_batch_impl(void);

/* Tests and benchmarks: force the one-by-one path (true) or the automatic choice (false). */
void snc_cell_mask_batch_force_scalar(bool scalar);

#endif
