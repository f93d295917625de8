/* SPDX-License-Identifier: MIT */
/*
 * Fragments of sealed DIRECT messages (docs/direct-messages.md, "Fragments").
 * A DIRECT cell carries at most CTL_DP_DIRECT_MAX (1,216) bytes, a sealed
 * message up to 1 MiB + 145: the sender splits the message into cell bodies
 * that each start with a 20-byte header (kind 0x02, index, count, total
 * length, message id), and the receiver puts them back together.
 *
 * The reassembler holds partial messages in a fixed table: bounded per
 * sender, in total bytes, and in time; every fragment it cannot use is
 * counted, never trusted: the dataplane only vouches for the sender's
 * address, the sealed message inside is authenticated after reassembly.
 * Nothing here reads a clock or allocates per fragment beyond the message
 * buffer: the caller passes now_ms.
 */
#ifndef CTL_DIRECT_FRAG_H
#define CTL_DIRECT_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direct.h"

enum {
	CTL_FRAG_KIND = 0x02,	  /* first byte; a whole sealed message starts with 0x01 */
	CTL_FRAG_HDR = 20,	  /* header bytes */
	CTL_FRAG_CELL_MAX = 1216, /* == CTL_DP_DIRECT_MAX: one small DIRECT cell */
	CTL_FRAG_PIECE = CTL_FRAG_CELL_MAX - CTL_FRAG_HDR,		 /* 1,196 message bytes */
	CTL_FRAG_MSG_MAX = SNC_DIRECT_MAX_PAYLOAD + SNC_DIRECT_OVERHEAD, /* a sealed message */
	CTL_FRAG_COUNT_MAX = (CTL_FRAG_MSG_MAX + CTL_FRAG_PIECE - 1) / CTL_FRAG_PIECE, /* 877 */
	/* defaults of struct ctl_frag_limits */
	CTL_FRAG_PARTIALS = 64,		   /* partial messages held, all senders */
	CTL_FRAG_PER_SENDER = 8,	   /* partial messages of one sender */
	CTL_FRAG_BYTES = 16 * 1024 * 1024, /* bytes of partial messages, all senders */
	CTL_FRAG_TIMEOUT_MS = 5000,	   /* a partial message older than this is dropped */
};

struct ctl_frag_limits {
	size_t partials;     /* <= CTL_FRAG_PARTIALS */
	size_t per_sender;   /* <= partials */
	size_t bytes;	     /* total of the partial messages' lengths */
	uint64_t timeout_ms; /* since the message's first fragment */
};

struct ctl_frag_stats {
	uint64_t fragments;    /* cells given to ctl_frag_add */
	uint64_t delivered;    /* whole messages handed on */
	uint64_t malformed;    /* bad header, or a length that does not fit it */
	uint64_t duplicate;    /* a fragment already held */
	uint64_t inconsistent; /* same id, another count or length: the partial is dropped too */
	uint64_t over_budget;  /* no slot, per-sender limit, or byte budget */
	uint64_t timed_out;    /* partial messages dropped after timeout_ms */
};

/* One fragment's header, decoded. */
struct ctl_frag_hdr {
	uint16_t index, count;
	uint32_t total; /* bytes of the whole message */
	uint64_t id;
};

/* Receives one cell body of a split message; a non-zero return stops the split. */
typedef int ctl_frag_emit_fn(void *arg, const uint8_t *cell, size_t len);
/* Receives a whole message (valid during the call). */
typedef void ctl_frag_deliver_fn(void *arg, const uint8_t from[32], const uint8_t *msg, size_t len);

/* Fragments a message of len bytes needs (0 when len is 0 or over CTL_FRAG_MSG_MAX). */
size_t ctl_frag_count(size_t len);

/* Splits msg into cells of at most CTL_FRAG_CELL_MAX bytes, in index order.
 * 0, -EINVAL (empty or too long), or the first non-zero emit return. */
int ctl_frag_split(uint64_t id, const uint8_t *msg, size_t len, ctl_frag_emit_fn *emit, void *arg);

/* Decodes and checks one cell's header and length. 0 or -EBADMSG. */
int ctl_frag_parse(const uint8_t *cell, size_t len, struct ctl_frag_hdr *h);

struct ctl_frag_reasm;

/* NULL lim: the defaults. NULL on no memory or limits out of range. */
struct ctl_frag_reasm *ctl_frag_reasm_new(const struct ctl_frag_limits *lim);
void ctl_frag_reasm_free(struct ctl_frag_reasm *r);

/*
 * Adds one cell from the node from (the dataplane's attribution). Drops
 * partial messages past their timeout first. When the message is complete,
 * deliver is called before this returns. 0 (held or delivered), -EBADMSG
 * (malformed or inconsistent), -EALREADY (duplicate), -ENOBUFS (over budget),
 * -ENOMEM; every error is counted.
 */
int ctl_frag_add(struct ctl_frag_reasm *r, const uint8_t from[32], const uint8_t *cell, size_t len,
		 uint64_t now_ms, ctl_frag_deliver_fn *deliver, void *arg);

/* Drops partial messages older than the timeout (counted timed_out). */
void ctl_frag_expire(struct ctl_frag_reasm *r, uint64_t now_ms);

/* Partial messages and their bytes held now. */
size_t ctl_frag_partials(const struct ctl_frag_reasm *r, size_t *bytes);
void ctl_frag_stats(const struct ctl_frag_reasm *r, struct ctl_frag_stats *out);

#endif
