/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC request bodies ({"method", "params"}) for an account, signed as
 * the storage server checks them (crypto/storage_sig.h, docs/control.md).
 * Each returns a malloc'd JSON text, or NULL (bad argument / no memory).
 */
#ifndef SCL_RPC_H
#define SCL_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "storage_sig.h"

/* 66-hex 05 Session ID of an identity into out (67 bytes). */
void scl_rpc_session_id_hex(const struct snc_identity *id, char out[67]);

/* An unsigned store into a public inbox namespace (ns % 10 == 0) of pubkey. */
char *scl_rpc_store(const uint8_t pubkey[33], int ns, const uint8_t *data, size_t len,
		    uint64_t ttl_ms, uint64_t now_ms);
char *scl_rpc_retrieve(const struct snc_identity *id, int ns, uint64_t now_ms,
		       const char *last_hash);
char *scl_rpc_delete(const struct snc_identity *id, const char *const *hashes, size_t n);
/* ns: a namespace, or SNC_STORAGE_SIG_NS_ALL */
char *scl_rpc_delete_all(const struct snc_identity *id, int ns, uint64_t now_ms);
char *scl_rpc_expire(const struct snc_identity *id, const char *const *hashes, size_t n,
		     uint64_t expiry_ms);

#endif
