/* SPDX-License-Identifier: MIT */
/*
 * info, get_swarm (alias get_snodes_for_pubkey) and the 421 "wrong swarm"
 * answer, which carries the same body as get_swarm so that clients refresh
 * their swarm. Swarm bodies (SS snode/swarm.cpp swarm_to_json):
 *
 *   {"snodes": [{"address": base32z(ed25519) + ".snode", "ip",
 *                "port": "<https port>", "port_https", "port_omq",
 *                "port_quic", "pubkey_ed25519", "pubkey_legacy",
 *                "pubkey_x25519"}...],
 *    "swarm": "<id in lower-case hex, no padding>", "t", "hf"}
 *
 * A node's legacy pubkey is its Ed25519 key. info answers
 * {"version": [a, b, c], "timestamp": now, "t", "hf"}.
 */
#ifndef CTL_RPC_INFO_H
#define CTL_RPC_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "rpc_call.h"

enum {
	CTL_RPC_BASE32Z_32 = 52, /* base32z characters of 32 bytes */
};

void rpc_info_run(struct rpc_req *r);
void rpc_info_get_swarm(struct rpc_req *r, const struct ctl_rpc_call *c);

/* 421 with the account's swarm; 500 "No swarms known!" when there is none. */
void rpc_info_misdirected(struct rpc_req *r, const struct ctl_rpc_call *c);

/* The swarm body for pubkey (33 bytes), with "t" and "hf". NULL on no memory. */
json_t *rpc_info_swarm_json(const struct ctl_rpc_server *s, const uint8_t *pubkey, uint64_t now);

/* z-base-32 (oxenc's base32z: most significant bits first, the last digit
 * zero-padded) of in[0..n) into out, NUL-terminated; out holds (8n+4)/5 + 1. */
void rpc_info_base32z(const uint8_t *in, size_t n, char *out);

#endif
