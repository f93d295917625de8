/* SPDX-License-Identifier: MIT */
/*
 * Storage message hash: the name every stored message goes by (`hash` in
 * store results, `last_hash`, `messages` in delete/expire). It is
 * unpadded standard base64 of BLAKE2b-256(netid || pubkey32 || ns || data),
 * where ns is "" for namespace 0 and the decimal namespace otherwise; the
 * timestamp and TTL are not hashed. Operators compute one with
 * `snode-tool msg-hash`.
 */
#ifndef SNC_MSG_HASH_H
#define SNC_MSG_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SNC_MSG_HASH_BYTES = 32,   /* BLAKE2b-256 */
	SNC_MSG_HASH_B64_LEN = 43, /* base64 characters, '=' stripped */
	SNC_MSG_HASH_B64_BUF = 44, /* + NUL */
	SNC_MSG_NS_MIN = -32768,   /* namespaces are int16 */
	SNC_MSG_NS_MAX = 32767,
	SNC_MSG_DATA_MAX = 76800, /* bytes: MAX_MESSAGE_BODY of store */
};

/*
 * Hashes a message for the 33-byte prefixed pubkey in namespace ns. data may be
 * NULL when len is 0. The hash itself has no size limit (store enforces
 * SNC_MSG_DATA_MAX). Writes 43 characters and a NUL into out.
 * Returns 0, -EINVAL (NULL argument), or -ERANGE (ns outside int16).
 */
int snc_msg_hash_compute(const uint8_t pubkey[33], int32_t ns, const uint8_t *data, size_t len,
			 char out[SNC_MSG_HASH_B64_BUF]);

/*
 * True if s[0..len) is a well-formed message hash as the storage server checks
 * `messages` and `last_hash`: exactly 43 base64 characters (the server's
 * decoder also takes the URL-safe '-' and '_').
 */
bool snc_msg_hash_is_valid(const char *s, size_t len);

#endif
