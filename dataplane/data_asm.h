/* SPDX-License-Identifier: MIT */
/*
 * Reassembly of multi-cell requests at their destination (a CREATE with
 * MORE, then DATA cells), pure, no DPDK: one worker's table of requests in
 * progress, keyed like their circuits by (label from the previous hop,
 * previous hop). The CREATE's layer gives the start of the body and the JSON;
 * DATA appends to the body; at LAST the layer is rebuilt as one combined
 * payload [u32le N][body]{json} and delivered as if one CREATE had carried it.
 * Bounded per request (DP_DATA_MAX) and per worker (requests and bytes).
 * The buffers are blocks of one arena per worker (reply_arena.h), mapped at
 * init and touched as written: nothing here calls malloc on the fast path.
 */
#ifndef DP_DATA_ASM_H
#define DP_DATA_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "circuit.h"
#include "data_cell.h"
#include "drop.h"
#include "onion_route.h"
#include "payload.h"
#include "reply_arena.h"

enum {
	DP_DATA_PENDING = 64,		  /* requests being reassembled per worker */
	DP_DATA_PENDING_BYTES = 64 << 20, /* bytes their buffers may hold per worker */
	DP_DATA_TIMEOUT_MS = 10000,	  /* ms without a DATA cell: the request is dropped */
	DP_DATA_FIRST_CAP = 16384,	  /* bytes of a new buffer; it doubles as needed */
	/* the arena: the budget plus the largest buffer (a 10 MiB body takes 16 MiB), so a
	 * buffer that must move to grow finds a gap unless the others are badly scattered */
	DP_DATA_ARENA_BYTES = DP_DATA_PENDING_BYTES + (16 << 20),
};

struct dp_data_req {
	uint64_t in_label;
	struct dp_addr prev;
	uint8_t *buf; /* 4 bytes for N, the body, room for the JSON */
	size_t len;   /* body bytes so far */
	size_t cap;   /* bytes of buf (its arena block) */
	struct snc_route route;
	char json[DP_CELL_SMALL]; /* the CREATE layer's routing JSON */
	size_t json_len;
	uint64_t deadline_ns;
	bool used;
};

struct dp_data_table {
	unsigned active;
	size_t bytes; /* sum of the buffers' cap */
	struct dp_data_req req[DP_DATA_PENDING];
	struct dp_arena arena; /* the buffers' bytes, DP_DATA_ARENA_BYTES from init */
};

/* Empty table and its arena (address space only until written). 0 or -ENOMEM. */
int dp_data_asm_init(struct dp_data_table *t);

/* Ends every request and releases the arena. */
void dp_data_asm_free(struct dp_data_table *t);

/* Starts a request from its CREATE layer p (route r). DP_DROP_NONE,
 * DATA_TOO_BIG, or DATA_BUSY (table full, over its bytes, no arena gap). */
enum dp_drop_reason dp_data_asm_begin(struct dp_data_table *t, uint64_t in_label,
				      const struct dp_addr *prev, const struct snc_route *r,
				      const struct snc_payload *p, uint64_t now_ns);

/* The request of (in_label, prev), or NULL. */
struct dp_data_req *dp_data_asm_find(struct dp_data_table *t, uint64_t in_label,
				     const struct dp_addr *prev);

/* Appends n body bytes and pushes the deadline back. DP_DROP_NONE, DATA_TOO_BIG
 * or DATA_BUSY; on failure the request is left as it was (the caller ends it). */
enum dp_drop_reason dp_data_asm_append(struct dp_data_table *t, struct dp_data_req *q,
				       const uint8_t *data, size_t n, uint64_t now_ns);

/* Rebuilds the layer [u32le N][body]{json} in the request's buffer; *pt stays
 * valid until dp_data_asm_end. */
void dp_data_asm_finish(struct dp_data_req *q, const uint8_t **pt, size_t *len);

/* Returns the request's buffer to the arena and frees its slot. */
void dp_data_asm_end(struct dp_data_table *t, struct dp_data_req *q);

/* A request whose deadline has passed (the caller ends it), or NULL. */
struct dp_data_req *dp_data_asm_expired(struct dp_data_table *t, uint64_t now_ns);

/* Ends every request. */
void dp_data_asm_clear(struct dp_data_table *t);

#endif
