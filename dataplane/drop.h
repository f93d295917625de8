/* SPDX-License-Identifier: MIT */
/*
 * Every reason the dataplane drops a packet, in one list: the enum, the
 * counter name in telemetry (/snode/dp/drops) and its help text all come
 * from here, so a drop can never go uncounted or unexplained.
 */
#ifndef DP_DROP_H
#define DP_DROP_H

#define DP_DROP_LIST(X)                                                                            \
	X(BAD_VERSION, "bad_version", "cell version is not 1")                                     \
	X(BAD_KIND, "bad_kind", "unknown cell kind")                                               \
	X(BAD_SIZE, "bad_size", "datagram size differs from its size class")                       \
	X(BAD_CLASS, "bad_class", "unknown size class")                                            \
	X(BAD_FLAGS, "bad_flags", "undefined flag bits set")                                       \
	X(BAD_LENGTH, "bad_length", "a length field runs past the cell")                           \
	X(BAD_LABEL, "bad_label", "label 0 on a circuit cell, or non-zero on DIRECT")              \
	X(BAD_ENC_TYPE, "bad_enc_type", "unknown onion enc_type")                                  \
	X(BAD_REPLY_MODE, "bad_reply_mode", "unknown reply mode")                                  \
	X(TOO_MANY_HOPS, "too_many_hops", "hop_no above 15")                                       \
	X(LOW_ORDER, "low_order", "ephemeral key of low order (X25519 output zero)")               \
	X(BAD_MAC, "bad_mac", "onion layer or data cell failed authentication")                    \
	X(BAD_JSON, "bad_json", "peeled layer's routing JSON invalid")                             \
	X(UNKNOWN_NEXT_HOP, "unknown_next_hop", "next hop not in the node table")                  \
	X(NO_CIRCUIT, "no_circuit", "unknown or expired circuit label")                            \
	X(REPLAY, "replay", "CREATE ephemeral key seen within the replay window")                  \
	X(RATELIMIT, "ratelimit", "source over its CREATE token bucket")                           \
	X(NOT_CELL, "not_cell", "not a UDP/IPv4 datagram to the cell port")                        \
	X(BAD_IP, "bad_ip", "malformed IPv4 or UDP header")                                        \
	X(FRAGMENT, "fragment",                                                                    \
	  "IPv4 fragment with no big mbufs to reassemble in (--big-mbufs 0)")                      \
	X(FRAG_BAD, "frag_bad",                                                                    \
	  "fragment empty, off the 8-byte grid, overlapping, duplicate or past its datagram's "    \
	  "end")                                                                                   \
	X(FRAG_OVERSIZE, "frag_oversize", "fragment past 65,008 bytes of payload (a large cell)")  \
	X(FRAG_TABLE_FULL, "frag_table_full", "worker's reassembly table full (32 datagrams)")     \
	X(FRAG_SOURCE_LIMIT, "frag_source_limit",                                                  \
	  "source already has 8 datagrams in the worker's reassembly table")                       \
	X(FRAG_NOMBUF, "frag_nombuf", "no big mbuf free to reassemble a datagram in")              \
	X(FRAG_TIMEOUT, "frag_timeout", "datagram dropped: its fragments did not all come in 2 s") \
	X(SEG_NOMBUF, "seg_nombuf",                                                                \
	  "multi-segment frame (scattered rx): no mbuf free to copy it into one segment")          \
	X(UNKNOWN_PEER, "unknown_peer", "node cell from an address not in the node table")         \
	X(CIRCUIT_FULL, "circuit_full", "circuit table full")                                      \
	X(NOT_SUPPORTED, "not_supported", "medium/large reply without big mbufs (--big-mbufs 0)")  \
	X(CHANNEL_FULL, "channel_full", "control channel queue full")                              \
	X(CHANNEL_DOWN, "channel_down", "snode-control not connected to the channel")              \
	X(TX_FULL, "tx_full", "transmit queue refused the packet")                                 \
	X(REPLY_SEQ, "reply_seq", "REPLY seq already relayed, after LAST, or past the limit")      \
	X(REPLY_TOO_BIG, "reply_too_big", "reply body over the reply limit (10 MiB + 64 KiB)")     \
	X(REPLY_BUSY, "reply_busy",                                                                \
	  "worker's reply queue full (64 replies, or no gap in its arena)")                        \
	X(REPLY_TWICE, "reply_twice", "a second reply for a circuit whose reply is being sent")    \
	X(REPLY_STALLED, "reply_stalled", "reply dropped: no mbuf or tx room for it for 1 s")      \
	X(DATA_SEQ, "data_seq",                                                                    \
	  "DATA seq repeated, after LAST, past the limit, or a gap at the end")                    \
	X(DATA_UNEXPECTED, "data_unexpected", "DATA on a circuit whose CREATE had no MORE")        \
	X(DATA_TOO_BIG, "data_too_big", "request over 10 MiB (CREATE blob + DATA)")                \
	X(DATA_BUSY, "data_busy",                                                                  \
	  "worker's request reassembly full (requests or bytes), or no memory")                    \
	X(DATA_TIMEOUT, "data_timeout", "request dropped: no DATA cell for 10 s")                  \
	X(HANDOFF_FULL, "handoff_full", "REPLY for another lcore: its handoff ring was full")      \
	X(ARP_BAD, "arp_bad",                                                                      \
	  "ARP frame short, not IPv4 over Ethernet, unknown opcode, or a reply not unicast to "    \
	  "us")                                                                                    \
	X(ARP_UNSOLICITED, "arp_unsolicited",                                                      \
	  "ARP reply for an address with no request outstanding (gratuitous included)")            \
	X(ARP_UNRESOLVED, "arp_unresolved",                                                        \
	  "next hop's MAC not resolved by ARP and the frame not held (off-link, --arp-hold 0)")    \
	X(ARP_BUSY, "arp_busy", "ARP reply or resolution for the ARP owner: its ring was full")    \
	X(ARP_HOLD_FULL, "arp_hold_full",                                                          \
	  "next hop resolving by ARP and the worker's hold full (--arp-hold frames for it, 16 "    \
	  "addresses or 32 frames)")                                                               \
	X(ARP_FAILED, "arp_failed",                                                                \
	  "held frame dropped: its next hop answered none of 3 ARP requests")                      \
	X(ARP_HOLD_TIMEOUT, "arp_hold_timeout",                                                    \
	  "held frame dropped: its next hop not resolved by ARP in 3.5 s")

enum dp_drop_reason {
	DP_DROP_NONE = 0,
#define DP_DROP_ENUM(name, label, help) DP_DROP_##name,
	DP_DROP_LIST(DP_DROP_ENUM)
#undef DP_DROP_ENUM
	DP_DROP_COUNT,
};

/* Counter label ("bad_mac") and help text of a reason. */
const char *dp_drop_label(enum dp_drop_reason r);
const char *dp_drop_help(enum dp_drop_reason r);

#endif
