/* SPDX-License-Identifier: MIT */
/*
 * Subaccount tokens: an account owner's signed note letting another Ed25519
 * key act on the account (used by groups: the group key authorises members).
 * Token (36 bytes) = netid || flags || 00 00 || subaccount Ed25519 pubkey;
 * `subaccount_sig` is the owner's Ed25519 signature over those 36 bytes, and
 * the request itself is then signed by the subaccount key. This file also
 * holds the group derivation (libsession Keys::swarm_make_subaccount /
 * swarm_subaccount_sign) so that clients and tests can make and use tokens.
 * Operators check a token with `snode-tool subaccount-check`.
 *
 * Revocation lists are not here: control keeps them (compare full 36 bytes,
 * newest 50 per account) and skips them for retrieve on unrevocable
 * namespaces.
 */
#ifndef SNC_SUBACCOUNT_H
#define SNC_SUBACCOUNT_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_SUBACCOUNT_TOKEN_BYTES = 36,
	SNC_SUBACCOUNT_TOKEN_B64_LEN = 48, /* JSON: base64 (no padding needed) */
	SNC_SUBACCOUNT_TOKEN_HEX_LEN = 72, /* JSON: or hex */
	SNC_SUBACCOUNT_SIG_BYTES = 64,
	SNC_SUBACCOUNT_AUTH_BYTES = 100, /* 03 || flags || 00 00 || k || Sig_group(token) */
	SNC_SUBACCOUNT_MAX_REVOKE = 50,	 /* tokens per revoke_subaccount request */
};

/* Flag bits (token byte 1). Bits 0xf0 are reserved. */
enum {
	SNC_SUBACCOUNT_READ = 0x01,
	SNC_SUBACCOUNT_WRITE = 0x02,
	SNC_SUBACCOUNT_DELETE = 0x04,
	SNC_SUBACCOUNT_ANY_PREFIX = 0x08, /* valid for every netid of the same key */
	SNC_SUBACCOUNT_KNOWN_FLAGS = 0x0f,
};

struct snc_subaccount_token {
	uint8_t netid;
	uint8_t flags;
	uint8_t reserved[2]; /* 00 00 when built here; the server does not check them */
	uint8_t pubkey[32];
};

/* Splits 36 token bytes into their fields. Never fails on content (the server
 * accepts any reserved bytes and flags); returns 0 or -EINVAL for NULL. */
int snc_subaccount_token_parse(const uint8_t in[SNC_SUBACCOUNT_TOKEN_BYTES],
			       struct snc_subaccount_token *t);

/* netid || flags || 00 00 || pubkey. Returns 0 or -EINVAL for reserved flag bits. */
int snc_subaccount_token_build(uint8_t netid, uint8_t flags, const uint8_t pubkey[32],
			       uint8_t out[SNC_SUBACCOUNT_TOKEN_BYTES]);

/* Decodes the JSON form of a token: 48 base64 or 72 hex characters.
 * Returns 0 or -EINVAL. */
int snc_subaccount_token_decode(const char *s, size_t len, uint8_t out[SNC_SUBACCOUNT_TOKEN_BYTES]);

/*
 * The server's token checks, in its order: the token's netid equals
 * account_netid or it has AnyPrefix (else -EXDEV); flags include every bit of
 * required (else -EACCES); sig is account_key's Ed25519 signature over the 36
 * token bytes (else -EPERM). account_key is the key that signs for the
 * account: pubkey_ed25519 for 05 accounts, pubkey[1..33] otherwise.
 */
int snc_subaccount_check(const uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES],
			 const uint8_t sig[SNC_SUBACCOUNT_SIG_BYTES], uint8_t account_netid,
			 const uint8_t account_key[32], uint8_t required);

/*
 * Group admin side (swarm_make_subaccount): from the group's Ed25519 seed and a
 * member's X25519 key, the 100-byte auth data handed to the member, and
 * optionally (token may be NULL) the token the member will present.
 *   mask = BLAKE2b-256(msg = group_seed, key = "SessionGroupSubaccountMask")
 *   k    = reduce(BLAKE2b-512(key = mask, 05 || member_x25519 || 03 || group_pk))
 *   kT   = k * XEd(member_x25519)
 *   auth = 03 || flags || 00 00 || k || Sig_group(03 || flags || 00 00 || kT)
 * Returns 0, -EINVAL (reserved flag bits), or -EDOM (the member key is not a
 * usable point).
 */
int snc_subaccount_make(const uint8_t group_seed[32], const uint8_t member_x25519[32],
			uint8_t flags, uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES],
			uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES]);

/*
 * Member side (swarm_subaccount_sign): signs msg with the member's Ed25519
 * secret key (64 bytes, seed || pk) and the auth data from the admin. Writes
 * the token (with kT), the subaccount_sig (copied from auth) and the request
 * signature, which verifies as plain Ed25519 under kT. Nonce
 *   r = reduce(BLAKE2b-512(key = "SubaccountSig",
 *              BLAKE2b-256(key = "SubaccountSeed", seed) || kT || msg)).
 * Returns 0 or -EDOM.
 */
int snc_subaccount_sign(const uint8_t member_ed25519_sk[64],
			const uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES], const uint8_t *msg,
			size_t len, uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES],
			uint8_t subaccount_sig[SNC_SUBACCOUNT_SIG_BYTES], uint8_t sig[64]);

#endif
