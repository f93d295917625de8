/* SPDX-License-Identifier: MIT */
/*
 * Community (SOGS) blinded IDs and signatures: a Session user appears to each
 * community server under a key derived from the server's pubkey, 15xxx
 * (legacy) or 25xxx, and signs requests with the matching blinded scalar.
 * Also the 07 version-check key the clients use for /session_version.
 * Storage servers do not treat these prefixes specially; this is here for
 * clients, tests and `snode-tool blind15-id` / `blind25-id`.
 *
 *   blind15: k = reduce(BLAKE2b-512(server_pk)); id = 15 || k * XEd(X)
 *   blind25: k = reduce(BLAKE2b-512(05 || X || server_pk)); id = 25 || k * XEd(X)
 *
 * Ed25519 secret keys are libsodium's 64 bytes (seed || pk).
 */
#ifndef SNC_BLIND_H
#define SNC_BLIND_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_BLIND_ID_BYTES = 33, /* prefix || key */
	SNC_BLIND_SIG_BYTES = 64,
};

/*
 * The two possible 15-IDs of a 05 Session ID: ids[0] = 15 || k * XEd(X), ids[1]
 * the same with bit 0x80 of the last byte flipped (the user's real Ed key may
 * be -XEd(X)). Returns 0, -EINVAL (not a 05 ID), or -EDOM (not a usable key).
 */
int snc_blind_id15(const uint8_t session_id[33], const uint8_t server_pk[32],
		   uint8_t ids[2][SNC_BLIND_ID_BYTES]);

/* 25 || k25 * XEd(X) of a 05 Session ID. Returns 0, -EINVAL or -EDOM. */
int snc_blind_id25(const uint8_t session_id[33], const uint8_t server_pk[32],
		   uint8_t id[SNC_BLIND_ID_BYTES]);

/* From the user's Ed25519 pubkey: the single 15-ID the user actually signs
 * with (k15 * A, sign included), and the 25-ID (same as snc_blind_id25). */
int snc_blind_id15_from_ed25519(const uint8_t ed25519_pk[32], const uint8_t server_pk[32],
				uint8_t id[SNC_BLIND_ID_BYTES]);
int snc_blind_id25_from_ed25519(const uint8_t ed25519_pk[32], const uint8_t server_pk[32],
				uint8_t id[SNC_BLIND_ID_BYTES]);

/*
 * Blinded signatures, verifiable as plain Ed25519 under the blinded key.
 * blind15: a' = k15 * a, nonce reduce(SHA-512(SHA-512(sk64)[32..64] || A' || M))
 *          (the whole 64-byte secret key is hashed, unlike RFC 8032).
 * blind25: a' = ±k25 * a (negated when the real Ed key is negative), nonce
 *          reduce(BLAKE2b-512(key "SessCommBlind25_sig",
 *                 BLAKE2b-256(key "SessCommBlind25_seed", seed) || A' || M)).
 * Returns 0 or -EDOM.
 */
int snc_blind_sign15(const uint8_t ed25519_sk[64], const uint8_t server_pk[32], const uint8_t *msg,
		     size_t len, uint8_t sig[SNC_BLIND_SIG_BYTES]);
int snc_blind_sign25(const uint8_t ed25519_sk[64], const uint8_t server_pk[32], const uint8_t *msg,
		     size_t len, uint8_t sig[SNC_BLIND_SIG_BYTES]);

/* Verifies sig by a 15/25 blinded ID. Returns 0, -EINVAL (other prefix) or -EBADMSG. */
int snc_blind_verify(const uint8_t blinded_id[SNC_BLIND_ID_BYTES], const uint8_t *msg, size_t len,
		     const uint8_t sig[SNC_BLIND_SIG_BYTES]);

/* 0 if blinded_id (15 either candidate, or 25) belongs to session_id on that
 * server, -ENOENT if not, -EINVAL for bad prefixes, -EDOM for unusable keys. */
int snc_blind_matches(const uint8_t session_id[33], const uint8_t blinded_id[SNC_BLIND_ID_BYTES],
		      const uint8_t server_pk[32]);

/* 07 version-check key: an Ed25519 keypair from the seed
 * BLAKE2b-256(key "VersionCheckKey_sig", msg = seed). Returns 0. */
int snc_blind_version_keypair(const uint8_t ed25519_sk[64], uint8_t pk[32], uint8_t sk[64]);

/* Signs ts || "GET" || "/session_version?platform=" platform with the 07 key.
 * platform is "android", "desktop" or "ios" (-EINVAL otherwise). */
int snc_blind_version_sign(const uint8_t ed25519_sk[64], const char *platform, uint64_t ts,
			   uint8_t sig[SNC_BLIND_SIG_BYTES]);

#endif
