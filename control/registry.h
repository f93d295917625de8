/* SPDX-License-Identifier: MIT */
/*
 * The node registry: the service-node events of the chain as one text log,
 * and the state that replaying it gives. The live network keeps its node
 * list on a blockchain; here every control plane reads the same log (a file
 * today, registry_file.h) and reaches the same state: which nodes are known,
 * which are active, and the swarm of every active node, recomputed with
 * libswarm (oxend's calc_swarm_changes) on every block that registers a node
 * or changes one's state. Operators write or generate the log; its format is
 * in docs/registry.md:
 *
 *   register <ed25519 hex64> <x25519 hex64> <a.b.c.d>:<port> <height>
 *   block <height> <hash hex64>
 *   decommission|recommission|deregister <ed25519 hex64> <height> <quorum record>
 *   commit <ed25519 hex64> <height> <hash hex64> <signature hex128>
 *   reveal <ed25519 hex64> <height> <secret hex64>
 *   option epoch-blocks <N> | option unverified-records | option block-seconds <S>
 *
 * A node event belongs to the block of its height and takes effect in the
 * swarms when that block's line comes. Heights fall into epochs of N blocks;
 * commits and reveals (RANDAO, docs/quorums.md) seed each epoch's obligations
 * quorum, drawn when the log reaches the epoch, and a state change must carry
 * a record of 7 valid votes of such a quorum (quorum_record.h). "-" instead of
 * a record is accepted only after "option unverified-records".
 */
#ifndef CTL_REGISTRY_H
#define CTL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quorum_draw.h"
#include "quorum_record.h"

enum {
	CTL_REGISTRY_NODES_MAX = 4096, /* known (active + decommissioned) nodes at once */
	CTL_REGISTRY_LINE_MAX = 512,   /* bytes of one line, newline included */
	/* a state change with a record of up to 10 votes (about 1,430 bytes) */
	CTL_REGISTRY_RECORD_LINE_MAX = 2048,
	CTL_REGISTRY_COMMIT_MSG = 87,		 /* "snode-commit-v1" + key + LE64 epoch + hash */
	CTL_REGISTRY_EPOCH_BLOCKS_MAX = 1 << 30, /* about 4,000 years of 2-min blocks */
	/* block hashes kept (the reference's storage-test cache) */
	CTL_REGISTRY_RECENT_BLOCKS = 30,
};

/* What a line says; NONE for a blank or comment-only line. */
enum ctl_registry_kind {
	CTL_REGISTRY_NONE = 0,
	CTL_REGISTRY_REGISTER,
	CTL_REGISTRY_BLOCK,
	CTL_REGISTRY_DECOMMISSION,
	CTL_REGISTRY_RECOMMISSION,
	CTL_REGISTRY_DEREGISTER,
	CTL_REGISTRY_COMMIT,
	CTL_REGISTRY_REVEAL,
	CTL_REGISTRY_OPTION,
};

enum ctl_registry_option {
	CTL_REGISTRY_OPT_EPOCH_BLOCKS = 1,
	CTL_REGISTRY_OPT_UNVERIFIED,
	CTL_REGISTRY_OPT_BLOCK_SECONDS,
	CTL_REGISTRY_OPT_STEST_PAIRS,
};

/* One parsed line. */
struct ctl_registry_event {
	enum ctl_registry_kind kind;
	uint64_t height;    /* every event */
	uint8_t key[32];    /* Ed25519: node events */
	uint8_t x25519[32]; /* register */
	uint32_t ip;	    /* register: IPv4, host order */
	uint16_t port;	    /* register */
	uint8_t hash[32];   /* block; commit: H(secret); reveal: the secret */
	uint8_t sig[64];    /* commit */
	bool has_record;    /* a state change with a record (not "-") */
	struct ctl_quorum_record record;
	enum ctl_registry_option option;
	uint64_t value; /* option epoch-blocks */
};

enum ctl_registry_status {
	CTL_REGISTRY_ACTIVE = 1,	 /* in the swarm assignment */
	CTL_REGISTRY_DECOMMISSIONED = 2, /* out of every swarm, kept for lookups (as SS) */
};

struct ctl_registry_node {
	uint8_t ed25519[32];
	uint8_t x25519[32];
	uint32_t ip; /* host order */
	uint16_t port;
	enum ctl_registry_status status;
	uint64_t registered; /* height of its registration */
	uint64_t swarm_id;   /* SWARM_ID_UNASSIGNED when in no swarm */
	/* RANDAO: the commits of two consecutive epochs, at [epoch % 2] */
	struct ctl_registry_commit {
		bool have, revealed;
		uint64_t epoch;
		uint8_t hash[32];
		uint8_t secret[32]; /* once revealed (public then) */
	} commits[2];
	/* decommission credit (decomm_credit.h, registry_credit.c), all from the log */
	uint64_t active_since;	/* height it became active (registered, recommissioned) */
	uint64_t decomm_height; /* height of its current decommission */
	int64_t decomm_credit;	/* its credit at that decommission, blocks */
	int64_t carried;	/* credit taken back at its last recommission, blocks */
	uint64_t decomm_count;	/* decommissions so far */
	/* the epoch of the last record applied for each change ([kind - DECOMMISSION]): a
	 * record is the same bytes whoever assembles it, so one of an epoch not above it is a
	 * replay (a decommission record used again after a recommission) */
	bool record_used[3];
	uint64_t record_epoch[3];
};

/* The epochs the log has reached: the quorum of the current one and of the one before. */
struct ctl_registry_epochs {
	bool have;
	uint64_t epoch;
	struct ctl_quorum cur, prev;
};

/*
 * The replayed state. Deregistered nodes are gone. Zero-initialised (or
 * ctl_registry_init) it is the empty registry before any event.
 */
struct ctl_registry {
	struct ctl_registry_node *nodes; /* ascending by ed25519, n used of cap */
	size_t n, cap;
	bool have_block;  /* a block line was applied */
	uint64_t height;  /* the last block applied */
	uint8_t hash[32]; /* and its hash */
	bool open;	  /* node events read whose block line has not come yet */
	uint64_t open_height;
	bool open_update;	 /* the open block registers or changes a node */
	uint64_t blocks;	 /* block lines applied */
	uint64_t updates;	 /* swarm assignments run */
	uint64_t refused;	 /* assignments refused (-EDOM): swarms kept */
	uint64_t refused_height; /* the last such block */
	bool started;		 /* an event other than an option was applied */
	uint64_t epoch_blocks;	 /* option epoch-blocks; 0: CTL_QUORUM_EPOCH_BLOCKS_DEFAULT */
	bool unverified;	 /* option unverified-records: "-" accepted */
	uint64_t block_seconds;	 /* option block-seconds (credit); 0: 120 */
	uint64_t stest_pairs;	 /* option storage-test-pairs; 0: each node's own setting */
	struct ctl_registry_epochs ep;
	uint64_t commits, reveals; /* applied */
	uint64_t randao_seeds;	   /* epochs seeded by reveals (the others: the block hash) */
	uint64_t records;	   /* state changes whose record verified */

	/* the hashes of the last CTL_REGISTRY_RECENT_BLOCKS heights, at [height % N] (storage
	 * tests pick their pairs from an older block's hash: storage_test.h) */
	struct ctl_registry_recent {
		bool have;
		uint64_t height;
		uint8_t hash[32];
	} recent[CTL_REGISTRY_RECENT_BLOCKS];
};

void ctl_registry_init(struct ctl_registry *r);
void ctl_registry_free(struct ctl_registry *r);

/* dst = a deep copy of src (dst's old content is not freed). 0 or -ENOMEM. */
int ctl_registry_copy(struct ctl_registry *dst, const struct ctl_registry *src);

/*
 * Parses one line (without its newline; '#' starts a comment, fields are
 * separated by spaces or tabs). Returns 0 (ev->kind NONE for nothing to do),
 * or -EINVAL with one reason in why (no location: the caller adds it).
 */
int ctl_registry_parse(const char *line, struct ctl_registry_event *ev, char *why, size_t whylen);

/*
 * Applies one event. A block line closes the block of its height: when that
 * block registered a node or changed a state it runs swarm_assign_calc over
 * the active nodes (ascending Ed25519) seeded from the block hash. Returns 0,
 * or with a reason in why and r unchanged:
 *   -EINVAL  out of order (a height not above the last block, a block line
 *            for another height than its events) or a state the node is not
 *            in (unknown, already registered, not active, ...)
 *   -E2BIG   more than CTL_REGISTRY_NODES_MAX known nodes
 *   -ENOMEM
 * An assignment that libswarm refuses with -EDOM (fewer than 5 active nodes
 * spread over several swarms, where oxend throws) is not an error: the block
 * is applied, every node keeps its swarm, r->refused counts it.
 */
int ctl_registry_apply(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
		       size_t whylen);

/* ctl_registry_parse then ctl_registry_apply. */
int ctl_registry_apply_line(struct ctl_registry *r, const char *line, char *why, size_t whylen);

/* The node with this Ed25519 key, or NULL. O(log n). */
const struct ctl_registry_node *ctl_registry_find(const struct ctl_registry *r,
						  const uint8_t ed25519[32]);

/* The hash of block height when it is one of the last CTL_REGISTRY_RECENT_BLOCKS heights
 * (height > last - N) and its line was applied: true and out; false otherwise. */
bool ctl_registry_block_hash(const struct ctl_registry *r, uint64_t height, uint8_t out[32]);

/* The storage-test pairs drawn per height: the log's option storage-test-pairs when
 * it has one (the whole network must draw alike), else own (the node's setting). */
unsigned ctl_registry_stest_pairs(const struct ctl_registry *r, unsigned own);

/* The epoch length in blocks, and the epoch of a height. */
uint64_t ctl_registry_epoch_blocks(const struct ctl_registry *r);
uint64_t ctl_registry_epoch_of(const struct ctl_registry *r, uint64_t height);

/* The kept quorum of this epoch (the log's current one or the one before), or NULL. */
const struct ctl_quorum *ctl_registry_quorum(const struct ctl_registry *r, uint64_t epoch);

/* What a commit line's signature covers. */
void ctl_registry_commit_message(uint8_t out[CTL_REGISTRY_COMMIT_MSG], const uint8_t key[32],
				 uint64_t epoch, const uint8_t hash[32]);

/*
 * nd's decommission credit in blocks at height (docs/quorums.md, decomm_credit.h):
 * active, what it may spend; decommissioned, what is left (negative: ran out).
 */
int64_t ctl_registry_credit(const struct ctl_registry *r, const struct ctl_registry_node *nd,
			    uint64_t height);

/* Nodes in r by status. */
size_t ctl_registry_count(const struct ctl_registry *r, enum ctl_registry_status status);

#endif
