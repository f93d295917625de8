/* SPDX-License-Identifier: MIT */
/*
 * Signed uptime proofs (docs/reachability.md "Uptime proofs"): a node says
 * "I am up, this is my version and where my HTTPS entry and dataplane are",
 * signed with its Ed25519 node key. The role of oxend's uptime proof (facts
 * doc 6.1); the bytes are snode's own (oxend's are bt-encoded and signed
 * with its legacy key as well).
 *
 * 119 bytes, integers big-endian:
 *   0   1  version, 0x01
 *   1  32  Ed25519 public key of the node
 *   33  8  timestamp, ms since the Unix epoch
 *   41  6  software version: major, minor, patch (2 bytes each)
 *   47  4  IPv4 address of the HTTPS entry
 *   51  2  HTTPS port (0: none)
 *   53  2  dataplane (DIRECT) port
 *   55 64  Ed25519 signature over "snode-uptime-proof-v1" || bytes 0..54
 */
#ifndef CTL_UPTIME_PROOF_H
#define CTL_UPTIME_PROOF_H

#include <stddef.h>
#include <stdint.h>

#define CTL_UPTIME_PROOF_DOMAIN "snode-uptime-proof-v1"

enum {
	CTL_UPTIME_PROOF_VERSION = 1,
	CTL_UPTIME_PROOF_SIGNED = 55, /* bytes covered by the signature (after the domain) */
	CTL_UPTIME_PROOF_BYTES = 119,
};

struct ctl_uptime_proof {
	uint8_t pubkey[32];
	uint64_t timestamp_ms;
	uint16_t version[3];
	uint32_t ip; /* host order */
	uint16_t https_port, dp_port;
};

/* What a received proof is; every value but OK has its drop counter. */
enum ctl_uptime_verdict {
	CTL_UPTIME_OK = 0,
	CTL_UPTIME_MALFORMED,	 /* length or version byte */
	CTL_UPTIME_UNKNOWN_NODE, /* the key is not a known (registry) node */
	CTL_UPTIME_WRONG_KEY,	 /* the key is not the node that sent it */
	CTL_UPTIME_BAD_SIGNATURE,
	CTL_UPTIME_STALE,  /* timestamp more than the tolerance in the past */
	CTL_UPTIME_FUTURE, /* timestamp more than the tolerance in the future */
	CTL_UPTIME_OLDER,  /* not newer than the proof already held */
};

/* Signs p with the node's secret key (libsodium's 64 bytes) into out. */
void ctl_uptime_proof_sign(const struct ctl_uptime_proof *p, const uint8_t ed25519_sk[64],
			   uint8_t out[CTL_UPTIME_PROOF_BYTES]);

/* Reads the fields (no signature check). CTL_UPTIME_OK or CTL_UPTIME_MALFORMED. */
enum ctl_uptime_verdict ctl_uptime_proof_parse(const uint8_t *buf, size_t len,
					       struct ctl_uptime_proof *out);

/*
 * Parses and checks a proof the node sender delivered at now_ms (wall clock):
 * well formed, sender's own (key == sender), signature by that key, timestamp
 * within +-tolerance_ms of now (the edge itself is accepted). Whether the key
 * is a known node is the caller's (it holds the registry).
 */
enum ctl_uptime_verdict ctl_uptime_proof_verify(const uint8_t *buf, size_t len,
						const uint8_t sender[32], uint64_t now_ms,
						uint64_t tolerance_ms,
						struct ctl_uptime_proof *out);

const char *ctl_uptime_proof_verdict_name(enum ctl_uptime_verdict v);

#endif
