/* SPDX-License-Identifier: MIT */
/*
 * Account IDs as the storage RPC sees them: a network-id byte followed by a
 * 32-byte key (05 = Session ID, an X25519 key; 03 = group, an Ed25519 key;
 * any other byte is stored too). Also the key conversions Session relies on:
 * Ed25519 -> X25519 (Session IDs) and the reverse XEd25519 "positive" Ed key
 * (blinding, group subaccounts). Operators meet these through
 * `snode-tool msg-hash`, `swarm-point` and `verify-storage-sig`.
 */
#ifndef SNC_ACCOUNT_H
#define SNC_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SNC_ACCOUNT_PUBKEY_BYTES = 33,	 /* netid || key */
	SNC_ACCOUNT_KEY_BYTES = 32,	 /* the key without its netid */
	SNC_ACCOUNT_PUBKEY_HEX_LEN = 66, /* hex characters of a prefixed pubkey */
	SNC_ACCOUNT_HEX_BUF = 67,	 /* 66 hex characters + NUL */
};

/* Network-id (prefix) bytes. */
enum {
	SNC_ACCOUNT_NETID_TESTNET_SESSION = 0x00, /* testnet only: a Session ID without prefix */
	SNC_ACCOUNT_NETID_GROUP = 0x03,
	SNC_ACCOUNT_NETID_SESSION = 0x05,
	SNC_ACCOUNT_NETID_VERSION = 0x07,
	SNC_ACCOUNT_NETID_BLIND15 = 0x15,
	SNC_ACCOUNT_NETID_BLIND25 = 0x25,
};

/*
 * Parses a storage RPC `pubkey` value of len bytes exactly as the storage
 * server does: 66 hex digits, or 33 raw bytes (bt-encoded requests). With
 * testnet, 64 hex digits or 32 raw bytes are also accepted and get netid 05.
 * Returns 0 or -EINVAL (wrong length or a non-hex digit).
 */
int snc_account_parse(const char *in, size_t len, bool testnet,
		      uint8_t out[SNC_ACCOUNT_PUBKEY_BYTES]);

/*
 * Lower-case hex of a prefixed pubkey into out (at least SNC_ACCOUNT_HEX_BUF
 * bytes). This is the PUBKEY_HEX of the node's result signatures: on testnet a
 * 00 netid is omitted (64 digits), as the storage server does. Returns 0 or
 * -ENOSPC.
 */
int snc_account_format(const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES], bool testnet, char *out,
		       size_t outlen);

/* X25519 public key of an Ed25519 public key (libsodium's birational map).
 * Returns 0 or -EINVAL for a key libsodium refuses (small order, not on curve). */
int snc_account_x25519_from_ed25519(const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES],
				    uint8_t x25519[SNC_ACCOUNT_KEY_BYTES]);

/* 05 || X25519(ed25519). Returns 0 or -EINVAL like the conversion. */
int snc_account_session_id_from_ed25519(const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES],
					uint8_t out[SNC_ACCOUNT_PUBKEY_BYTES]);

/*
 * The check the storage server makes for 05 accounts that send
 * `pubkey_ed25519`: the Ed25519 key must convert to pubkey[1..33].
 * Returns 0, -EPROTO when pubkey is not a 05 account, or -EKEYREJECTED when
 * the conversion fails or gives another key.
 */
int snc_account_check_ed25519(const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES],
			      const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES]);

struct snc_ed_x_cache;
/* The same check with a conversion cache in front (ed_x_cache.h; NULL: none). */
int snc_account_check_ed25519_cached(struct snc_ed_x_cache *cache,
				     const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES],
				     const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES]);

/*
 * XEd25519 "positive" Ed25519 key of an X25519 key u: y = (u - 1) / (u + 1)
 * mod 2^255 - 19, encoded with the sign bit 0. This is the Ed key |A| behind a
 * Session ID whatever the sign of the user's real key. The top bit of u is
 * ignored as X25519 does. Returns 0, or -EINVAL for u = -1 (no y exists).
 * The result is not checked to be a curve point; the scalar multiplications
 * that use it are.
 */
int snc_account_xed25519_pubkey(const uint8_t x25519[SNC_ACCOUNT_KEY_BYTES],
				uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES]);

/*
 * Ed25519 signature by a raw scalar, for derived keys that have no seed
 * (blinded and subaccount keys): R = rB, S = r + SHA-512(R || A || msg) * a
 * mod L. A must be aB; the caller picks the deterministic nonce r (reduced).
 * The result verifies with crypto_sign_verify_detached under A. Returns 0, or
 * -EDOM for r = 0.
 */
int snc_account_sign_scalar(const uint8_t a[32], const uint8_t A[32], const uint8_t r[32],
			    const uint8_t *msg, size_t len, uint8_t sig[64]);

#endif
