/* SPDX-License-Identifier: MIT */
/*
 * The local channel between snode-dataplane and snode-control: one
 * AF_UNIX SOCK_SEQPACKET connection (the dataplane listens, snode-control
 * connects and reconnects), each datagram one message: a 24-byte header and a
 * body. Both ends run on the same host, so integers are little-endian. The
 * format is docs/channel.md; this codec is shared by both processes and has
 * no dependency beyond libc.
 */
#ifndef CHAN_MSG_H
#define CHAN_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CHAN_VERSION = 1,
	CHAN_HDR_BYTES = 24,
	CHAN_REF_BYTES = 16,
	CHAN_MSG_MAX = 65536,			       /* bytes per datagram, header included */
	CHAN_BODY_MAX = CHAN_MSG_MAX - CHAN_HDR_BYTES, /* bytes of body per datagram */
	CHAN_TOTAL_MAX = 10 * 1024 * 1024 + 64 * 1024, /* a request or reply, all parts */
	CHAN_REQ_META_BYTES = 4,     /* REQUEST body: route, reply mode, 2 reserved */
	CHAN_DIRECT_PEER_BYTES = 32, /* DIRECT body: the peer's Ed25519 key first */
	/* ENTRY body: next hop Ed25519 (32), ephemeral key (32), enc_type, hop_no, 2 zero */
	CHAN_ENTRY_META_BYTES = 68,
	/* the largest blob a large CREATE cell carries (wire-format.md: 65000 - 56); the
	 * dataplane sends it in the smallest class that holds it */
	CHAN_ENTRY_BLOB_MAX = 64944,
	/* ENTRY_REPLY body: u32 seq, flags (enum chan_entry_flag), reason, 2 zero */
	CHAN_ENTRY_REPLY_META_BYTES = 8,
};

enum chan_type {
	CHAN_HELLO = 1,	      /* both ways, first message: body = the node's Ed25519 key */
	CHAN_REQUEST = 2,     /* dataplane -> control: a layer this node must answer */
	CHAN_REPLY = 3,	      /* control -> dataplane: the answer to a REQUEST (same ref) */
	CHAN_DIRECT = 4,      /* both ways: the peer node's Ed25519 key, then a DIRECT message */
	CHAN_ENTRY = 5,	      /* control -> dataplane: send a CREATE for an HTTP entry request */
	CHAN_ENTRY_REPLY = 6, /* dataplane -> control: one REPLY cell's payload for it */
	CHAN_NODES = 7,	      /* control -> dataplane: the whole node table (chan_nodes.h) */
};

/* ENTRY_REPLY flags byte (body offset 4). */
enum chan_entry_flag {
	CHAN_ENTRY_LAST = 1u << 0, /* the reply's final cell */
	CHAN_ENTRY_FAIL = 1u << 1, /* the dataplane could not send the CREATE: reason byte */
};

/* ENTRY_REPLY reason byte (body offset 5) with CHAN_ENTRY_FAIL. */
enum chan_entry_reason {
	CHAN_ENTRY_UNKNOWN_NEXT_HOP = 1, /* not in the node table */
	CHAN_ENTRY_BUSY = 2,		 /* circuit table full, no mbuf, tx queue full */
	CHAN_ENTRY_BAD = 3,		 /* a malformed ENTRY (a bug in snode-control) */
};

enum chan_flag {
	CHAN_F_MORE = 1u << 0,	 /* the body continues in the next message with the same ref */
	CHAN_F_BASE64 = 1u << 1, /* REPLY: base64 the Session-encrypted reply (facts 1.6) */
};
#define CHAN_FLAGS_KNOWN (CHAN_F_MORE | CHAN_F_BASE64)

enum chan_route {
	CHAN_ROUTE_DESTINATION = 1, /* the JSON has "headers": a storage RPC for this node */
	CHAN_ROUTE_PROXY = 2,	    /* the JSON has "host": an HTTP(S) server behind this node */
};

/* REQUEST meta byte 2: what the layer's JSON asked for (facts doc 1.4). */
enum chan_opt {
	CHAN_OPT_JSON = 1u << 0,   /* "json": true: embed the RPC's JSON body */
	CHAN_OPT_BASE64 = 1u << 1, /* "base64" (default true): base64 the encrypted reply */
};

/* Opaque to snode-control: the dataplane's way back to the circuit. */
struct chan_ref {
	uint64_t label; /* the previous hop's label of the circuit */
	uint32_t ip;	/* previous hop, IPv4 host order */
	uint16_t port;
	uint16_t worker; /* index of the worker lcore that owns the circuit */
};

struct chan_hdr {
	uint8_t version;
	uint8_t type;
	uint16_t flags;
	uint32_t body_len;
	struct chan_ref ref;
};

/* Writes the header into out[CHAN_HDR_BYTES]. */
void chan_hdr_encode(const struct chan_hdr *h, uint8_t out[CHAN_HDR_BYTES]);

/*
 * Decodes one received datagram of len bytes. Returns 0 and sets *body to
 * the bytes after the header, or a negative errno: -EMSGSIZE (shorter than a
 * header, longer than CHAN_MSG_MAX, or body_len different from what arrived),
 * -EPROTO (version), -EBADMSG (unknown type or flags, MORE on a HELLO or a
 * DIRECT, a HELLO body that is not 32 bytes, a DIRECT without its peer key,
 * BASE64 on a NODES part).
 */
int chan_hdr_decode(const uint8_t *msg, size_t len, struct chan_hdr *h, const uint8_t **body);

/* Text of a chan_hdr_decode error, for logs and counters. */
const char *chan_strerror(int err);

/* Reassembly of a body sent as several MORE parts (one at a time per end). */
struct chan_assembly {
	uint8_t *buf;
	size_t len, cap;
	bool active;
	struct chan_hdr first;
};

/*
 * Adds one decoded part. Returns 1 when the body is complete (buf/len hold it,
 * first has the header of the first part with MORE cleared), 0 when more parts
 * are expected, -E2BIG when the total would pass CHAN_TOTAL_MAX, -EBADMSG when
 * a part does not continue the one in progress (type or ref differ), -ENOMEM.
 * After an error or a completed body, call chan_assembly_reset.
 */
int chan_assembly_add(struct chan_assembly *a, const struct chan_hdr *h, const uint8_t *body);
void chan_assembly_reset(struct chan_assembly *a);
void chan_assembly_free(struct chan_assembly *a);

#endif
