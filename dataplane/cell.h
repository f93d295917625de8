/* SPDX-License-Identifier: MIT */
/*
 * The cell wire format of docs/wire-format.md: pure functions on byte spans
 * (no DPDK), so the codec is unit-tested and fuzzed on its own. Parsing
 * checks everything that does not need a key; the masked fields (lengths,
 * hop number) are checked by dp_cell_unmask once the link key is known.
 */
#ifndef DP_CELL_H
#define DP_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "drop.h"

enum dp_cell_kind {
	DP_CELL_CREATE = 1,
	DP_CELL_DATA = 2,
	DP_CELL_REPLY = 3,
	DP_CELL_DIRECT = 4,
};

enum {
	DP_CELL_VERSION = 1,
	DP_CELL_HDR = 12,	 /* common header bytes */
	DP_CELL_CREATE_HDR = 56, /* bytes before a CREATE's blob */
	DP_CELL_DATA_HDR = 20,	 /* bytes before a DATA/REPLY payload */
	DP_CELL_DIRECT_HDR = 16, /* bytes before a DIRECT body */
	DP_CELL_MASK_BYTES = 5,	 /* length (4) + hop number (1) */
	DP_CELL_CLASS_COUNT = 3,
	DP_CELL_SMALL = 1232,	    /* bytes: IPv6 minimum MTU minus IPv6 + UDP headers */
	DP_CELL_MEDIUM = 8192,	    /* bytes */
	DP_CELL_LARGE = 65000,	    /* bytes: under the IPv4 UDP maximum of 65,507 */
	DP_CELL_MAX_HOPS = 15,	    /* session-storage-server's MAX_ONION_HOPS */
	DP_CELL_FLAG_CLIENT = 0x80, /* sent by a client: masked with hop keys, not a link key */
	DP_CELL_FLAG_MORE = 0x01,   /* CREATE: DATA cells follow */
	DP_CELL_FLAG_LAST = 0x01,   /* DATA/REPLY: final cell */
	DP_CELL_REPLY_COMPAT = 0,   /* the destination's Session reply, unchanged */
	DP_CELL_REPLY_LAYERED = 1,  /* every hop adds a layer */
};

/* A parsed cell: views into the datagram, valid while it lives. */
struct dp_cell {
	uint8_t kind;
	uint8_t size_class;
	uint8_t flags;
	uint64_t label;
	uint8_t enc_type;	/* CREATE */
	uint8_t reply_mode;	/* CREATE */
	const uint8_t *eph_key; /* CREATE: 32 bytes */
	uint8_t hop_no;		/* CREATE, after dp_cell_unmask */
	uint32_t seq;		/* DATA/REPLY */
	uint8_t masked[DP_CELL_MASK_BYTES];
	const uint8_t *data; /* blob / payload / DIRECT body */
	uint32_t data_cap;   /* bytes from data to the end of the cell */
	uint32_t data_len;   /* DIRECT: at parse; others: after dp_cell_unmask */
};

/* Bytes of a size class, or 0 for an unknown class. */
uint32_t dp_cell_class_size(uint8_t size_class);

/* Smallest class whose cell holds hdr + len bytes; -1 when none does. */
int dp_cell_class_for(uint32_t hdr, uint32_t len);

/* Parses and checks a datagram; DP_DROP_NONE or the reason to drop it. */
enum dp_drop_reason dp_cell_parse(const uint8_t *buf, size_t len, struct dp_cell *c);

/* Applies the link mask (crypto/cell_mask.h) and checks the revealed fields. */
enum dp_drop_reason dp_cell_unmask(struct dp_cell *c, const uint8_t mask[DP_CELL_MASK_BYTES]);

/* XORs mask into a CREATE written with an all-zero mask (dp_cell_write_create): the same
 * bytes as writing it with mask, for a burst whose masks are derived together. */
void dp_cell_create_apply_mask(uint8_t *buf, const uint8_t mask[DP_CELL_MASK_BYTES]);

/*
 * Writers: fill the header and body at buf (class-size bytes available) and
 * return the bytes written; the caller pads the rest (dp_pad). They return 0
 * when the data does not fit the class or an argument is out of range.
 */
uint32_t dp_cell_write_create(uint8_t *buf, uint8_t size_class, uint8_t flags, uint64_t label,
			      uint8_t enc_type, uint8_t reply_mode, const uint8_t eph_key[32],
			      uint8_t hop_no, const uint8_t mask[DP_CELL_MASK_BYTES],
			      const uint8_t *blob, uint32_t blob_len);
uint32_t dp_cell_write_data(uint8_t *buf, uint8_t kind, uint8_t size_class, uint8_t flags,
			    uint64_t label, uint32_t seq, const uint8_t mask[DP_CELL_MASK_BYTES],
			    const uint8_t *payload, uint32_t payload_len);
uint32_t dp_cell_write_direct(uint8_t *buf, uint8_t size_class, const uint8_t *body,
			      uint32_t body_len);

#endif
