/* SPDX-License-Identifier: MIT */
/*
 * Node signatures and the common shape of results. A node signs its own
 * per-node result of the recursive methods with its Ed25519 key over the
 * concatenation the method defines (PUBKEY_HEX, decimal integers, hashes,
 * raw tokens; no separators), and puts it base64 (padded, 88 characters) in
 * "signature", as session-storage-server does. Clients check these
 * signatures against the pubkey_ed25519 that get_swarm lists for the node.
 *
 * Recursive results are {"swarm": {<node ed25519 hex>: result}, "t": now,
 * "hf": [major, minor]}; the swarm peers' results are merged in by
 * rpc_swarm.c (docs/replication.md).
 */
#ifndef CTL_RPC_SIGN_H
#define CTL_RPC_SIGN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc_call.h"

enum {
	CTL_RPC_SIG_B64_LEN = 88, /* base64 characters of a signature, "==" included */
};

/* A signed message being built; any failed append makes it unusable. */
struct rpc_sigmsg {
	uint8_t *buf;
	size_t len, cap;
	bool failed;
};

void rpc_sign_msg_init(struct rpc_sigmsg *m);
void rpc_sign_msg_free(struct rpc_sigmsg *m);
void rpc_sign_msg_add(struct rpc_sigmsg *m, const void *p, size_t n);
void rpc_sign_msg_str(struct rpc_sigmsg *m, const char *s);
void rpc_sign_msg_u64(struct rpc_sigmsg *m, uint64_t v);
void rpc_sign_msg_i64(struct rpc_sigmsg *m, int64_t v);
/* PUBKEY_HEX: the 66 hex digits of the prefixed account (64 on testnet for netid 00). */
void rpc_sign_msg_pubkey(struct rpc_sigmsg *m, const uint8_t pubkey[33], bool testnet);

/* Base64 of the Ed25519 signature of msg by sk, into out (NUL-terminated). */
void rpc_sign_b64(const uint8_t sk[64], const uint8_t *msg, size_t len,
		  char out[CTL_RPC_SIG_B64_LEN + 1]);

/* Signs m with the node key into mine["signature"] and frees m. 0 or -ENOMEM. */
int rpc_sign_put(const struct ctl_rpc_server *s, struct rpc_sigmsg *m, json_t *mine);

/* Adds "t" (now) and "hf" to obj. 0 or -ENOMEM. */
int rpc_sign_misc(const struct ctl_rpc_server *s, json_t *obj, uint64_t now);

/* {"swarm": {own hex: mine}, "t", "hf"}; steals mine. NULL on no memory. */
json_t *rpc_sign_swarm(const struct ctl_rpc_server *s, json_t *mine, uint64_t now);

#endif
