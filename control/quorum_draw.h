/* SPDX-License-Identifier: MIT */
/*
 * The obligations quorum of an epoch (docs/quorums.md): 10 validators from
 * the active nodes and the workers they test from the active and the
 * decommissioned ones, drawn as oxend's generate_quorums does from a seed
 * with mt19937_64 shuffles. Pure functions over positions: the registry maps
 * them to keys, so every node replaying the same log draws the same quorum.
 */
#ifndef CTL_QUORUM_DRAW_H
#define CTL_QUORUM_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CTL_QUORUM_VALIDATORS = 10,	 /* STATE_CHANGE_QUORUM_SIZE */
	CTL_QUORUM_VOTES_NEEDED = 7,	 /* STATE_CHANGE_MIN_VOTES_TO_CHANGE_STATE */
	CTL_QUORUM_MIN_WORKERS = 50,	 /* STATE_CHANGE_MIN_NODES_TO_TEST */
	CTL_QUORUM_NTH_TESTED = 100,	 /* STATE_CHANGE_NTH_OF_THE_NETWORK_TO_TEST */
	CTL_QUORUM_WORKERS_MAX = 50,	 /* max(50, 4096 / 100) with 4096 nodes at most */
	CTL_QUORUM_LIST_MAX = 4096,	 /* CTL_REGISTRY_NODES_MAX */
	CTL_QUORUM_TYPE_OBLIGATIONS = 0, /* added to the seed, as oxend's quorum_type */
	CTL_QUORUM_EPOCH_BLOCKS_DEFAULT = 10,
};

/* One epoch's quorum, keys copied (it outlives the nodes' order). */
struct ctl_quorum {
	bool valid;
	uint64_t epoch;
	uint8_t seed[32];
	uint8_t nv, nw; /* validators, workers */
	uint8_t validators[CTL_QUORUM_VALIDATORS][32];
	uint8_t workers[CTL_QUORUM_WORKERS_MAX][32];
};

/* Validators and workers for na active and nd decommissioned nodes. */
void ctl_quorum_sizes(size_t na, size_t nd, size_t *nv, size_t *nw);

/* The 64-bit shuffle seed: the first 8 bytes little-endian, plus the quorum type. */
uint64_t ctl_quorum_seed64(const uint8_t seed[32]);

/*
 * idx[0..na+nd): the shuffled positions in the list "active ascending, then
 * decommissioned ascending"; idx[0..nv) are validators (always active),
 * idx[nv..nv+nw) workers. na + nd <= CTL_QUORUM_LIST_MAX, else -EINVAL.
 */
int ctl_quorum_shuffle(size_t na, size_t nd, uint64_t seed64, uint16_t *idx);

/* A key's position among q's workers, or -1. */
int ctl_quorum_worker_index(const struct ctl_quorum *q, const uint8_t key[32]);
/* A key's position among q's validators, or -1. */
int ctl_quorum_validator_index(const struct ctl_quorum *q, const uint8_t key[32]);

#endif
