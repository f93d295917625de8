/* SPDX-License-Identifier: MIT */
/*
 * Groups v2 messages. Encrypt builds the bencoded dict straight into the
 * output buffer and encrypts it in place (libsodium's AEAD allows c == m), so
 * a 1 MB message is never copied. Decrypt parses the opened plaintext with a
 * cursor that never reads past its end: the input is attacker-shaped once any
 * group member holds the key.
 */
#include "group_msg.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAC_BYTES = 16,
	SIG_BYTES = 64,
	/* "d0:i1e1:a32:" A "1:d" ... "1:s64:" sig "e" without D and its "<n>:" prefix */
	DICT_FIXED = 118,
	/* digits of SNC_GROUP_MSG_MAX_PLAINTEXT */
	MAX_LEN_DIGITS = 7,
	/* longest integer we read for the version: 19 digits and a sign */
	MAX_INT_CHARS = 20,
};

static size_t
decimal_digits(size_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static size_t
dict_len(size_t len)
{
	return DICT_FIXED + decimal_digits(len) + 1 + len;
}

size_t
snc_group_msg_ciphertext_len(size_t len)
{
	size_t raw;

	if (len == 0 || len > SNC_GROUP_MSG_MAX_PLAINTEXT)
		return 0;
	raw = SNC_GROUP_MSG_MIN_CIPHERTEXT + dict_len(len);
	return (raw + SNC_GROUP_MSG_PAD_BLOCK - 1) / SNC_GROUP_MSG_PAD_BLOCK *
	       SNC_GROUP_MSG_PAD_BLOCK;
}

static uint8_t *
put(uint8_t *p, const void *src, size_t len)
{
	memcpy(p, src, len);
	return p + len;
}

int
snc_group_msg_encrypt(const struct snc_identity *author, const uint8_t key[SNC_GROUP_MSG_KEY_BYTES],
		      const uint8_t nonce[SNC_GROUP_MSG_NONCE_BYTES], const uint8_t *msg,
		      size_t len, uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t *plain, *p;
	size_t total, plain_len;
	char prefix[MAX_LEN_DIGITS + 2];

	if (author == NULL || key == NULL || msg == NULL || len == 0 || out == NULL ||
	    outlen == NULL)
		return -EINVAL;
	if (len > SNC_GROUP_MSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	total = snc_group_msg_ciphertext_len(len);
	if (outcap < total)
		return -ENOSPC;
	plain_len = total - SNC_GROUP_MSG_MIN_CIPHERTEXT;

	if (nonce != NULL)
		memcpy(out, nonce, SNC_GROUP_MSG_NONCE_BYTES);
	else
		randombytes_buf(out, SNC_GROUP_MSG_NONCE_BYTES);
	plain = out + SNC_GROUP_MSG_NONCE_BYTES;
	p = put(plain, "d0:i1e1:a32:", 12);
	p = put(p, author->ed25519_pk, SNC_ED25519_PK_BYTES);
	p = put(p, "1:d", 3);
	snprintf(prefix, sizeof(prefix), "%zu:", len);
	p = put(p, prefix, strlen(prefix));
	p = put(p, msg, len);
	p = put(p, "1:s64:", 6);
	crypto_sign_ed25519_detached(p, NULL, msg, len, author->ed25519_sk);
	p += SIG_BYTES;
	*p++ = 'e';
	memset(p, 0, plain_len - (size_t)(p - plain));

	crypto_aead_xchacha20poly1305_ietf_encrypt(plain, NULL, plain, plain_len, NULL, 0, NULL,
						   out, key);
	*outlen = total;
	return 0;
}

/* A cursor over the opened plaintext; every read is bounds-checked. */
struct cursor {
	const uint8_t *p;
	const uint8_t *end;
};

static int
take(struct cursor *c, const char *lit, size_t len)
{
	if ((size_t)(c->end - c->p) < len || memcmp(c->p, lit, len) != 0)
		return 0;
	c->p += len;
	return 1;
}

static int
peek(const struct cursor *c, const char *lit, size_t len)
{
	struct cursor copy = *c;

	return take(&copy, lit, len);
}

/* The version integer "i<digits>e": 0 when it is 1, else an error. */
static int
take_version(struct cursor *c)
{
	const uint8_t *start = c->p, *q = c->p, *digits;
	int neg = 0;

	if (q < c->end && *q == '-') {
		neg = 1;
		q++;
	}
	digits = q;
	while (q < c->end && q - start <= MAX_INT_CHARS && *q >= '0' && *q <= '9')
		q++;
	if (q == digits || q >= c->end || *q != 'e' || q - start > MAX_INT_CHARS)
		return -EBADMSG;
	/* bencode: no leading zeros, no "-0" */
	if (*digits == '0' && (q - digits > 1 || neg))
		return -EBADMSG;
	c->p = q + 1;
	if (neg || q - digits != 1 || *digits != '1')
		return -EPROTONOSUPPORT;
	return 0;
}

/* A "<n>:<bytes>" string with 1 <= n: -EMSGSIZE past the plaintext limit. */
static int
take_data(struct cursor *c, const uint8_t **data, size_t *len)
{
	size_t n = 0, digits = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (digits == 0 && *c->p == '0')
			return -EBADMSG; /* leading zero, or empty data */
		if (++digits > MAX_LEN_DIGITS)
			return -EMSGSIZE;
		n = n * 10 + (size_t)(*c->p - '0');
		c->p++;
	}
	if (digits == 0 || c->p >= c->end || *c->p != ':')
		return -EBADMSG;
	c->p++;
	if (n > SNC_GROUP_MSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	if ((size_t)(c->end - c->p) < n)
		return -EBADMSG;
	*data = c->p;
	*len = n;
	c->p += n;
	return 0;
}

static int
parse_dict(const uint8_t *plain, size_t plain_len, const uint8_t **author, const uint8_t **data,
	   size_t *data_len, const uint8_t **sig)
{
	struct cursor c = {plain, plain + plain_len};
	int rc;

	if (!take(&c, "d0:i", 4))
		return -EBADMSG;
	rc = take_version(&c);
	if (rc != 0)
		return rc;
	if (!take(&c, "1:a32:", 6) || (size_t)(c.end - c.p) < SNC_ED25519_PK_BYTES)
		return -EBADMSG;
	*author = c.p;
	c.p += SNC_ED25519_PK_BYTES;
	if (peek(&c, "1:s64:", 6)) {
		/* No "d": libsession's compressed form has "z" after "s". */
		c.p += 6;
		if ((size_t)(c.end - c.p) >= SIG_BYTES) {
			c.p += SIG_BYTES;
			if (peek(&c, "1:z", 3))
				return -ENOTSUP;
		}
		return -EBADMSG;
	}
	if (!take(&c, "1:d", 3))
		return -EBADMSG;
	rc = take_data(&c, data, data_len);
	if (rc != 0)
		return rc;
	if (!take(&c, "1:s64:", 6) || (size_t)(c.end - c.p) < SIG_BYTES)
		return -EBADMSG;
	*sig = c.p;
	c.p += SIG_BYTES;
	if (!take(&c, "e", 1))
		return -EBADMSG;
	for (; c.p < c.end; c.p++)
		if (*c.p != 0)
			return -EBADMSG;
	return 0;
}

int
snc_group_msg_decrypt(const uint8_t *keys, size_t nkeys, const uint8_t *in, size_t len,
		      uint8_t *out, size_t outcap, size_t *outlen, size_t *key_index,
		      uint8_t author_ed25519_pk[SNC_ED25519_PK_BYTES],
		      uint8_t author_session_id[SNC_SESSION_ID_BYTES])
{
	const uint8_t *author = NULL, *data = NULL, *sig = NULL;
	uint8_t x[SNC_X25519_BYTES], *plain;
	size_t plain_len, data_len = 0, k;
	int rc;

	if (keys == NULL || nkeys == 0 || (in == NULL && len > 0) || out == NULL ||
	    outlen == NULL || key_index == NULL || author_ed25519_pk == NULL ||
	    author_session_id == NULL)
		return -EINVAL;
	if (len < SNC_GROUP_MSG_MIN_CIPHERTEXT)
		return -EBADMSG;
	plain_len = len - SNC_GROUP_MSG_MIN_CIPHERTEXT;
	/* +1: malloc(0) may return NULL, and an empty plaintext is still a valid box. */
	plain = malloc(plain_len + 1);
	if (plain == NULL)
		return -ENOMEM;
	for (k = 0; k < nkeys; k++)
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(
			    plain, NULL, NULL, in + SNC_GROUP_MSG_NONCE_BYTES,
			    len - SNC_GROUP_MSG_NONCE_BYTES, NULL, 0, in,
			    keys + k * SNC_GROUP_MSG_KEY_BYTES) == 0)
			break;
	if (k == nkeys) {
		rc = -ENOKEY;
		goto out;
	}
	rc = parse_dict(plain, plain_len, &author, &data, &data_len, &sig);
	if (rc != 0)
		goto out;
	if (crypto_sign_ed25519_verify_detached(sig, data, data_len, author) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(x, author) != 0) {
		rc = -EKEYREJECTED;
		goto out;
	}
	if (outcap < data_len) {
		rc = -ENOSPC;
		goto out;
	}
	memcpy(out, data, data_len);
	*outlen = data_len;
	*key_index = k;
	memcpy(author_ed25519_pk, author, SNC_ED25519_PK_BYTES);
	author_session_id[0] = 0x05;
	memcpy(author_session_id + 1, x, sizeof(x));
out:
	sodium_memzero(plain, plain_len);
	free(plain);
	return rc;
}
