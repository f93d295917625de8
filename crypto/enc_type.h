/* SPDX-License-Identifier: MIT */
/*
 * Session's onion-layer encryption types and their framing. Names accepted
 * exactly as session-storage-server parses them: "aes-gcm"/"gcm",
 * "xchacha20"/"xchacha20-poly1305", "aes-cbc"/"cbc" (legacy, SS only).
 */
#ifndef SNC_ENC_TYPE_H
#define SNC_ENC_TYPE_H

#include <stddef.h>

enum snc_enc_type {
	SNC_ENC_AES_GCM = 0, /* default when a request names none */
	SNC_ENC_XCHACHA20 = 1,
	SNC_ENC_AES_CBC = 2,
	SNC_ENC_TYPE_COUNT,
};

enum {
	SNC_KEY_BYTES = 32,
	SNC_GCM_IV_BYTES = 12,
	SNC_GCM_TAG_BYTES = 16,
	SNC_XCHACHA_NONCE_BYTES = 24,
	SNC_XCHACHA_TAG_BYTES = 16,
	SNC_CBC_IV_BYTES = 16,
	SNC_CBC_BLOCK_BYTES = 16,
};

/* Parses a (not NUL-terminated) name; returns 0 or SNC_E_ENC_TYPE. */
int snc_enc_type_parse(const char *name, size_t len, enum snc_enc_type *out);

/* Canonical name ("aes-gcm", "xchacha20", "aes-cbc"). */
const char *snc_enc_type_name(enum snc_enc_type type);

/* Ciphertext length for a plaintext of len bytes (CBC: PKCS#7 padded). */
size_t snc_enc_type_sealed_len(enum snc_enc_type type, size_t len);

/* Smallest valid ciphertext (an empty plaintext). */
size_t snc_enc_type_min_len(enum snc_enc_type type);

#endif
