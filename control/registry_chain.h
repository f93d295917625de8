/* SPDX-License-Identifier: MIT */
/*
 * The testnet block producer's rules (`snode-tool chain run`): what the next
 * block of a registry log holds, from the replayed state and the lines taken
 * from the pending queue (registry_append.h). Deterministic: the same state
 * and lines give the same block.
 *
 * The next block is H = the last block + 1 (1 for a log without blocks). Its
 * hash is BLAKE2b-256(previous hash || H as 8 bytes little-endian), the
 * previous hash being 32 zero bytes before the first block: anyone can
 * recompute the chain of hashes, and the swarm assignments it seeds, from
 * the log alone.
 *
 * Each pending line is a node event (register, decommission, recommission,
 * deregister) parsed and applied by registry.c, quorum record included, in a
 * copy of the state that already holds the lines accepted before it:
 *   height H         accepted when the parser takes it, else dropped
 *   height above H   deferred: back to the queue, for its block
 *   height below H   dropped (its block is past)
 *   anything else    dropped (a block line, a comment, a bad line)
 * Every drop is reported through the log function with its reason.
 */
#ifndef CTL_REGISTRY_CHAIN_H
#define CTL_REGISTRY_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* BLAKE2b-256(prev || le64(height)). */
void ctl_chain_block_hash(const uint8_t prev[32], uint64_t height, uint8_t out[32]);

typedef void ctl_chain_log_fn(void *arg, const char *line);

struct ctl_chain_block {
	uint64_t height;
	uint8_t hash[32];
	char **lines; /* the accepted events, then the block line: append these */
	size_t n;
	char **deferred; /* lines for a later block: put back in the queue */
	size_t n_deferred;
	size_t accepted, dropped;
};

/*
 * Builds the next block over state from pending[0..n). Returns 0, -EOVERFLOW
 * (the last block is 2^64 - 1), -EINVAL (state has events without their
 * block line) or -ENOMEM, with a reason in err. Free with
 * ctl_chain_block_free.
 */
int ctl_chain_build(const struct ctl_registry *state, char *const *pending, size_t n,
		    ctl_chain_log_fn *log, void *log_arg, struct ctl_chain_block *out, char *err,
		    size_t errlen);

void ctl_chain_block_free(struct ctl_chain_block *b);

#endif
