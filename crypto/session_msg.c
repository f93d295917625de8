/* SPDX-License-Identifier: MIT */
/*
 * One-to-one Session messages. The signed inner message is assembled in a
 * private heap buffer (the signature covers M || A || Y, which is never a
 * prefix of anything the caller holds) and wiped before it is freed, because
 * it holds the plaintext.
 */
#include "session_msg.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	SIG_BYTES = 64,
	/* A(32) || Sig(64) appended to M */
	INNER_EXTRA = SNC_ED25519_PK_BYTES + SIG_BYTES,
};

static const char box_hashkey[] = "SessionBoxEphemeralHashKey";

size_t
snc_session_msg_padded_len(size_t len)
{
	size_t blocks;

	if (len > SIZE_MAX - 2 - SNC_SESSION_MSG_PAD_BLOCK)
		return 0;
	blocks = (len + 2 + SNC_SESSION_MSG_PAD_BLOCK - 1) / SNC_SESSION_MSG_PAD_BLOCK;
	return blocks * SNC_SESSION_MSG_PAD_BLOCK - 1;
}

int
snc_session_msg_pad(const uint8_t *msg, size_t len, uint8_t *out, size_t outcap, size_t *outlen)
{
	size_t total;

	if ((msg == NULL && len > 0) || out == NULL || outlen == NULL)
		return -EINVAL;
	total = snc_session_msg_padded_len(len);
	if (total == 0)
		return -EMSGSIZE;
	if (outcap < total)
		return -ENOSPC;
	if (len > 0)
		memcpy(out, msg, len);
	out[len] = SNC_SESSION_MSG_PAD_MARKER;
	memset(out + len + 1, 0, total - len - 1);
	*outlen = total;
	return 0;
}

int
snc_session_msg_unpad(const uint8_t *padded, size_t len, size_t *msglen)
{
	size_t i = len;

	if ((padded == NULL && len > 0) || msglen == NULL)
		return -EINVAL;
	while (i > 0 && padded[i - 1] == 0x00)
		i--;
	if (i == 0 || padded[i - 1] != SNC_SESSION_MSG_PAD_MARKER)
		return -EBADMSG;
	*msglen = i - 1;
	return 0;
}

size_t
snc_session_msg_ciphertext_len(size_t len)
{
	if (len > SIZE_MAX - SNC_SESSION_MSG_OVERHEAD)
		return 0;
	return len + SNC_SESSION_MSG_OVERHEAD;
}

/*
 * inner = M || A || Sig(M || A || Y); the buffer is sized for M || A || Sig
 * (one Y fits inside the Sig slot while signing). Caller wipes and frees.
 */
static int
sign_inner(const struct snc_identity *sender, const uint8_t y[SNC_X25519_BYTES], const uint8_t *msg,
	   size_t len, uint8_t **inner_out)
{
	uint8_t *inner = malloc(len + INNER_EXTRA);
	uint8_t sig[SIG_BYTES];

	if (inner == NULL)
		return -ENOMEM;
	if (len > 0)
		memcpy(inner, msg, len);
	memcpy(inner + len, sender->ed25519_pk, SNC_ED25519_PK_BYTES);
	memcpy(inner + len + SNC_ED25519_PK_BYTES, y, SNC_X25519_BYTES);
	crypto_sign_ed25519_detached(sig, NULL, inner,
				     len + SNC_ED25519_PK_BYTES + SNC_X25519_BYTES,
				     sender->ed25519_sk);
	memcpy(inner + len + SNC_ED25519_PK_BYTES, sig, SIG_BYTES);
	*inner_out = inner;
	return 0;
}

static void
free_inner(uint8_t *inner, size_t len)
{
	sodium_memzero(inner, len);
	free(inner);
}

static int
check_encrypt_args(const struct snc_identity *sender, const uint8_t *y, const uint8_t *msg,
		   size_t len, const uint8_t *out, size_t outcap, const size_t *outlen)
{
	size_t need;

	if (sender == NULL || y == NULL || (msg == NULL && len > 0) || out == NULL ||
	    outlen == NULL)
		return -EINVAL;
	need = snc_session_msg_ciphertext_len(len);
	if (need == 0)
		return -EMSGSIZE;
	if (outcap < need)
		return -ENOSPC;
	return 0;
}

int
snc_session_msg_encrypt(const struct snc_identity *sender,
			const uint8_t recipient_x25519[SNC_X25519_BYTES], const uint8_t *msg,
			size_t len, uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t *inner;
	int rc = check_encrypt_args(sender, recipient_x25519, msg, len, out, outcap, outlen);

	if (rc != 0)
		return rc;
	rc = sign_inner(sender, recipient_x25519, msg, len, &inner);
	if (rc != 0)
		return rc;
	if (crypto_box_seal(out, inner, len + INNER_EXTRA, recipient_x25519) != 0)
		rc = -EKEYREJECTED;
	free_inner(inner, len + INNER_EXTRA);
	if (rc != 0) {
		sodium_memzero(out, len + SNC_SESSION_MSG_OVERHEAD);
		return rc;
	}
	*outlen = len + SNC_SESSION_MSG_OVERHEAD;
	return 0;
}

int
snc_session_msg_encrypt_deterministic(const struct snc_identity *sender,
				      const uint8_t recipient_x25519[SNC_X25519_BYTES],
				      const uint8_t *msg, size_t len, uint8_t *out, size_t outcap,
				      size_t *outlen)
{
	crypto_generichash_blake2b_state st;
	uint8_t seed[crypto_box_SEEDBYTES], eph_sk[crypto_box_SECRETKEYBYTES];
	uint8_t eph_pk[crypto_box_PUBLICKEYBYTES], nonce[crypto_box_NONCEBYTES];
	uint8_t *inner;
	int rc = check_encrypt_args(sender, recipient_x25519, msg, len, out, outcap, outlen);

	if (rc != 0)
		return rc;
	rc = sign_inner(sender, recipient_x25519, msg, len, &inner);
	if (rc != 0)
		return rc;

	crypto_generichash_blake2b_init(&st, (const uint8_t *)box_hashkey, sizeof(box_hashkey) - 1,
					sizeof(seed));
	crypto_generichash_blake2b_update(&st, sender->seed, SNC_SEED_BYTES);
	crypto_generichash_blake2b_update(&st, recipient_x25519, SNC_X25519_BYTES);
	crypto_generichash_blake2b_update(&st, msg, len);
	crypto_generichash_blake2b_final(&st, seed, sizeof(seed));
	crypto_box_seed_keypair(eph_pk, eph_sk, seed);

	/* The implicit sealed-box nonce, so crypto_box_seal_open accepts the result. */
	crypto_generichash_blake2b_init(&st, NULL, 0, sizeof(nonce));
	crypto_generichash_blake2b_update(&st, eph_pk, sizeof(eph_pk));
	crypto_generichash_blake2b_update(&st, recipient_x25519, SNC_X25519_BYTES);
	crypto_generichash_blake2b_final(&st, nonce, sizeof(nonce));

	memcpy(out, eph_pk, sizeof(eph_pk));
	if (crypto_box_easy(out + sizeof(eph_pk), inner, len + INNER_EXTRA, nonce, recipient_x25519,
			    eph_sk) != 0)
		rc = -EKEYREJECTED;
	free_inner(inner, len + INNER_EXTRA);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(eph_sk, sizeof(eph_sk));
	if (rc != 0) {
		sodium_memzero(out, len + SNC_SESSION_MSG_OVERHEAD);
		return rc;
	}
	*outlen = len + SNC_SESSION_MSG_OVERHEAD;
	return 0;
}

int
snc_session_msg_decrypt(const struct snc_identity *recipient, const uint8_t *in, size_t len,
			uint8_t *out, size_t outcap, size_t *outlen,
			uint8_t sender_ed25519_pk[SNC_ED25519_PK_BYTES],
			uint8_t sender_session_id[SNC_SESSION_ID_BYTES])
{
	uint8_t a[SNC_ED25519_PK_BYTES], sig[SIG_BYTES], x[SNC_X25519_BYTES];
	uint8_t *inner;
	size_t inner_len, msg_len;
	int rc = 0;

	if (recipient == NULL || (in == NULL && len > 0) || out == NULL || outlen == NULL ||
	    sender_ed25519_pk == NULL || sender_session_id == NULL)
		return -EINVAL;
	if (len < SNC_SESSION_MSG_OVERHEAD)
		return -EBADMSG;
	msg_len = len - SNC_SESSION_MSG_OVERHEAD;
	if (outcap < msg_len)
		return -ENOSPC;
	inner_len = len - crypto_box_SEALBYTES;
	inner = malloc(inner_len);
	if (inner == NULL)
		return -ENOMEM;
	if (crypto_box_seal_open(inner, in, len, recipient->x25519_pk, recipient->x25519_sk) != 0) {
		rc = -EBADMSG;
		goto out;
	}
	memcpy(a, inner + msg_len, sizeof(a));
	memcpy(sig, inner + msg_len + sizeof(a), sizeof(sig));
	/* Turn M || A || Sig into the signed M || A || Y. */
	memcpy(inner + msg_len + sizeof(a), recipient->x25519_pk, SNC_X25519_BYTES);
	if (crypto_sign_ed25519_verify_detached(sig, inner, msg_len + sizeof(a) + SNC_X25519_BYTES,
						a) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(x, a) != 0) {
		rc = -EKEYREJECTED;
		goto out;
	}
	if (msg_len > 0)
		memcpy(out, inner, msg_len);
	*outlen = msg_len;
	memcpy(sender_ed25519_pk, a, sizeof(a));
	sender_session_id[0] = 0x05;
	memcpy(sender_session_id + 1, x, sizeof(x));
out:
	free_inner(inner, inner_len);
	return rc;
}
