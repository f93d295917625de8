/* SPDX-License-Identifier: MIT */
/*
 * The NODES message of the local channel (docs/channel.md): snode-control
 * sends the dataplane the whole table of nodes it may relay to, on connect
 * and whenever its registry changes. One body, sent in MORE parts when it
 * exceeds one datagram:
 *
 *   u8 format (CHAN_NODES_FORMAT), 3 zero bytes, u32 count, u64 generation,
 *   then count entries of CHAN_NODES_ENTRY_BYTES:
 *   ed25519[32] x25519[32] u32 ip (host value) u16 port, 2 zero bytes
 *
 * Little-endian like the header. The table carries no MAC: the dataplane
 * picks the next-hop MAC itself (docs/channel.md, "NODES").
 */
#ifndef CHAN_NODES_H
#define CHAN_NODES_H

#include <stddef.h>
#include <stdint.h>

enum {
	CHAN_NODES_FORMAT = 1,
	CHAN_NODES_HDR_BYTES = 16,
	CHAN_NODES_ENTRY_BYTES = 72,
	CHAN_NODES_MAX = 65536, /* entries of one table: the dataplane's capacity */
	CHAN_NODES_BODY_MAX = CHAN_NODES_HDR_BYTES + CHAN_NODES_MAX * CHAN_NODES_ENTRY_BYTES,
};

struct chan_nodes_hdr {
	uint32_t count;
	uint64_t generation; /* the sender's registry version; informational */
};

struct chan_node_entry {
	uint8_t ed25519[32];
	uint8_t x25519[32];
	uint32_t ip; /* IPv4, host order */
	uint16_t port;
};

/* The body length of a table of count entries. */
size_t chan_nodes_body_len(uint32_t count);

/* Writes the header into out[CHAN_NODES_HDR_BYTES] and entry i at its place after it. */
void chan_nodes_encode_hdr(const struct chan_nodes_hdr *h, uint8_t *out);
void chan_nodes_encode_entry(const struct chan_node_entry *e, uint8_t *body, uint32_t i);

/*
 * Checks a whole reassembled body: 0, or -EPROTO (unknown format), -E2BIG
 * (count above CHAN_NODES_MAX), -EBADMSG (reserved bytes not zero, or len not
 * the length count entries take).
 */
int chan_nodes_decode_hdr(const uint8_t *body, size_t len, struct chan_nodes_hdr *h);

/* Entry i of a body chan_nodes_decode_hdr accepted: 0, or -EBADMSG (ip 0, port 0,
 * reserved bytes not zero). */
int chan_nodes_decode_entry(const uint8_t *body, uint32_t i, struct chan_node_entry *e);

#endif
