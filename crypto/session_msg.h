/* SPDX-License-Identifier: MIT */
/*
 * Session Protocol one-to-one messages (05 accounts), bit-exact with
 * libsession-util src/session_encrypt.cpp (encrypt_for_recipient,
 * encrypt_for_recipient_deterministic, decrypt_incoming) and the padding of
 * session-desktop BufferPadding.ts. A relay never opens these; snode uses them
 * in end-to-end tests and operators see them through `snode-tool
 * session-encrypt` / `session-decrypt`.
 *
 * Wire format (Y = recipient X25519 key without the 05 prefix, A = sender
 * Ed25519 public key, M = the message bytes as given):
 *
 *   inner      = M || A(32) || Sig_ed25519(M || A || Y)(64)
 *   ciphertext = crypto_box_seal(inner, Y) = eph_pk(32) || box(MAC 16 || inner)
 *
 * so a ciphertext is len(M) + 144 bytes. The deterministic variant replaces
 * the random ephemeral key by crypto_box_seed_keypair(BLAKE2b-256(key =
 * "SessionBoxEphemeralHashKey", sender_seed || Y || M)) and keeps the standard
 * sealed-box nonce BLAKE2b-192(eph_pk || Y): a sealed-box opener cannot tell
 * the two apart.
 *
 * Padding is NOT applied by encrypt, exactly like libsession: Session clients
 * pad the protobuf Content first (snc_session_msg_pad) and encrypt the padded
 * bytes; receivers decrypt and then strip (snc_session_msg_unpad).
 */
#ifndef SNC_SESSION_MSG_H
#define SNC_SESSION_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"

enum {
	SNC_SESSION_MSG_PAD_BLOCK = 160,  /* bytes; padded length is k * 160 - 1 */
	SNC_SESSION_MSG_OVERHEAD = 144,	  /* bytes: eph_pk 32 + MAC 16 + A 32 + sig 64 */
	SNC_SESSION_MSG_PAD_MARKER = 0x80 /* the byte that ends the message */
};

/*
 * Length of M after padding: ceil((len + 2) / 160) * 160 - 1, i.e. M, one
 * 0x80, then zeros up to 159, 319, 479... bytes. Returns 0 when len is so large
 * that the result would overflow size_t.
 */
size_t snc_session_msg_padded_len(size_t len);

/*
 * Writes M || 0x80 || 0x00... into out (snc_session_msg_padded_len(len)
 * bytes). msg and out may not overlap. Returns 0, -EINVAL (NULL pointer),
 * -EMSGSIZE (len overflows) or -ENOSPC (outcap too small).
 */
int snc_session_msg_pad(const uint8_t *msg, size_t len, uint8_t *out, size_t outcap,
			size_t *outlen);

/*
 * Strips the padding in place: skips trailing 0x00 bytes, then requires and
 * removes one 0x80. *msglen is the length of M inside padded. Any padded
 * length is accepted (the sender's block size is not checked). Returns 0,
 * -EINVAL (NULL pointer) or -EBADMSG (no 0x80 marker: all zeros, empty, or
 * the last non-zero byte is something else). session-desktop lets such an
 * unpadded message through with a warning; callers that want that leniency
 * use the buffer unchanged on -EBADMSG.
 */
int snc_session_msg_unpad(const uint8_t *padded, size_t len, size_t *msglen);

/* len(M) + SNC_SESSION_MSG_OVERHEAD, or 0 on overflow. */
size_t snc_session_msg_ciphertext_len(size_t len);

/*
 * Encrypts M from sender to the recipient X25519 key Y (32 bytes, no 05
 * prefix) with a fresh random ephemeral key. out receives
 * snc_session_msg_ciphertext_len(len) bytes. Returns 0, -EINVAL (NULL
 * pointer), -EMSGSIZE (len overflows), -ENOSPC (outcap too small), -ENOMEM, or
 * -EKEYREJECTED (Y is a low-order point; libsodium refuses the box).
 */
int snc_session_msg_encrypt(const struct snc_identity *sender,
			    const uint8_t recipient_x25519[SNC_X25519_BYTES], const uint8_t *msg,
			    size_t len, uint8_t *out, size_t outcap, size_t *outlen);

/* The same with the ephemeral key derived from sender seed, Y and M (see top). */
int snc_session_msg_encrypt_deterministic(const struct snc_identity *sender,
					  const uint8_t recipient_x25519[SNC_X25519_BYTES],
					  const uint8_t *msg, size_t len, uint8_t *out,
					  size_t outcap, size_t *outlen);

/*
 * Opens a ciphertext addressed to recipient's X25519 key and verifies the
 * sender's signature over M || A || Y. On success out holds M (len - 144
 * bytes), sender_ed25519_pk the A carried inside and sender_session_id
 * 05 || X25519(A). Returns 0, -EINVAL (NULL pointer), -ENOSPC (outcap too
 * small), -ENOMEM, -EBADMSG (shorter than 144 bytes, or the box does not open:
 * wrong recipient or tampered), or -EKEYREJECTED (the box opened but the
 * signature is invalid or A is not a usable Ed25519 key). Nothing is written
 * to out, sender_ed25519_pk or sender_session_id on failure.
 */
int snc_session_msg_decrypt(const struct snc_identity *recipient, const uint8_t *in, size_t len,
			    uint8_t *out, size_t outcap, size_t *outlen,
			    uint8_t sender_ed25519_pk[SNC_ED25519_PK_BYTES],
			    uint8_t sender_session_id[SNC_SESSION_ID_BYTES]);

#endif
