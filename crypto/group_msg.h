/* SPDX-License-Identifier: MIT */
/*
 * Groups v2 (03 groups) message encryption, bit-exact with libsession-util
 * config/groups/keys.cpp Keys::encrypt_message / decrypt_message for
 * uncompressed messages. A relay never opens these; snode uses them in
 * end-to-end tests and operators see them through `snode-tool group-encrypt`
 * / `group-decrypt`.
 *
 * Wire format (A = author Ed25519 public key, D = data, n = len(D)):
 *
 *   dict       = "d" "0:" "i1e" "1:a" "32:" A "1:d" "<n>:" D "1:s" "64:" Sig_ed25519(D) "e"
 *                (bencode, keys sorted: "", "a", "d", "s")
 *   padded     = dict || 0x00... so that 24 + 16 + len(padded) is a multiple of 256
 *   ciphertext = nonce(24) || XChaCha20-Poly1305-IETF(group key, nonce, no AD, padded)
 *
 * Not done: zstd compression. libsession may send {"": 1, "a", "s", "z":
 * zstd(D)} with the signature over the compressed bytes when that is
 * shorter; encrypt never compresses (allowed: upstream compression is
 * optional) and decrypt reports such messages as -ENOTSUP.
 *
 * Decrypt is stricter than libsession's bt_dict_consumer: it accepts exactly
 * the dict above (canonical lengths, no leading zeros, no extra keys) followed
 * only by zero bytes. Every message libsession produces without compression
 * has that form.
 */
#ifndef SNC_GROUP_MSG_H
#define SNC_GROUP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"

enum {
	SNC_GROUP_MSG_KEY_BYTES = 32,
	SNC_GROUP_MSG_NONCE_BYTES = 24,
	SNC_GROUP_MSG_PAD_BLOCK = 256,	       /* bytes; whole ciphertext is a multiple */
	SNC_GROUP_MSG_MIN_CIPHERTEXT = 40,     /* bytes: nonce 24 + MAC 16 */
	SNC_GROUP_MSG_MAX_PLAINTEXT = 1000000, /* bytes, as libsession */
};

/* Size of the ciphertext for len data bytes (a multiple of 256), or 0 when
 * len is 0 or over SNC_GROUP_MSG_MAX_PLAINTEXT. */
size_t snc_group_msg_ciphertext_len(size_t len);

/*
 * Encrypts len (1 .. SNC_GROUP_MSG_MAX_PLAINTEXT) data bytes signed by author
 * with the 32-byte group key. nonce must be NULL (a random one is drawn)
 * except in known-answer tests. Returns 0, -EINVAL (NULL pointer, or len 0:
 * libsession's decrypt rejects empty data), -EMSGSIZE (len too large),
 * -ENOSPC (outcap < snc_group_msg_ciphertext_len(len)) or -ENOMEM.
 */
int snc_group_msg_encrypt(const struct snc_identity *author,
			  const uint8_t key[SNC_GROUP_MSG_KEY_BYTES],
			  const uint8_t nonce[SNC_GROUP_MSG_NONCE_BYTES], const uint8_t *msg,
			  size_t len, uint8_t *out, size_t outcap, size_t *outlen);

/*
 * Tries the nkeys 32-byte keys stored back to back at keys, in order (put
 * the newest first, as libsession does) and parses the opened dict. On success out holds the data,
 * *key_index the key that opened it, author_ed25519_pk and author_session_id (05 || X25519(A)) the
 * author. out needs at most len - 40 bytes; a shorter outcap works when the data fits. Returns 0,
 * -EINVAL (NULL pointer, nkeys 0), -ENOMEM, or: -EBADMSG       shorter than 40 bytes, or not the
 * dict above -ENOKEY        no key opens it -EPROTONOSUPPORT version ("" entry) is not 1 -ENOTSUP
 * compressed ("z") message -EMSGSIZE      data over SNC_GROUP_MSG_MAX_PLAINTEXT -EKEYREJECTED  bad
 * signature, or A is not a usable Ed25519 key -ENOSPC        outcap smaller than the data
 */
int snc_group_msg_decrypt(const uint8_t *keys, size_t nkeys, const uint8_t *in, size_t len,
			  uint8_t *out, size_t outcap, size_t *outlen, size_t *key_index,
			  uint8_t author_ed25519_pk[SNC_ED25519_PK_BYTES],
			  uint8_t author_session_id[SNC_SESSION_ID_BYTES]);

#endif
