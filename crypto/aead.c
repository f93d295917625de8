/* SPDX-License-Identifier: MIT */
#include "aead.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aead_gcm_mb.h"
#include "batch.h"

enum gcm_impl {
	GCM_OPENSSL,
	GCM_SODIUM,
	GCM_IPSEC_MB,
};

static enum gcm_impl gcm_impl;
static char gcm_name[24] = "openssl";
static char select_error[160];

/* The best this machine has: ipsec-mb's best arch, libsodium (AES-NI), OpenSSL. */
static void
gcm_default(void)
{
	if (snc_gcm_mb_init("auto") == 0)
		gcm_impl = GCM_IPSEC_MB;
	else
		gcm_impl = crypto_aead_aes256gcm_is_available() ? GCM_SODIUM : GCM_OPENSSL;
}

static int
gcm_choose(const char *name)
{
	if (name == NULL || name[0] == '\0')
		gcm_default();
	else if (strcmp(name, "openssl") == 0)
		gcm_impl = GCM_OPENSSL;
	else if (strcmp(name, "libsodium") == 0) {
		if (!crypto_aead_aes256gcm_is_available())
			return -ENOTSUP;
		gcm_impl = GCM_SODIUM;
	} else if (strcmp(name, "ipsec-mb") == 0 || strncmp(name, "ipsec-mb-", 9) == 0) {
		int rc = snc_gcm_mb_init(name[8] == '-' ? name + 9 : "auto");

		if (rc != 0)
			return rc;
		gcm_impl = GCM_IPSEC_MB;
	} else
		return -EINVAL;
	return 0;
}

int
snc_aead_gcm_force(const char *name)
{
	int rc = gcm_choose(name);

	if (rc != 0)
		return rc;
	if (gcm_impl == GCM_IPSEC_MB)
		snprintf(gcm_name, sizeof(gcm_name), "ipsec-mb-%s", snc_gcm_mb_arch());
	else
		snprintf(gcm_name, sizeof(gcm_name), "%s",
			 gcm_impl == GCM_SODIUM ? "libsodium" : "openssl");
	return 0;
}

int
snc_aead_select(void)
{
	const char *force = getenv("SNC_AESGCM_IMPL");
	int rc;

	select_error[0] = '\0';
	gcm_default();
	rc = snc_aead_gcm_force(force);
	if (rc != 0) {
		snc_aead_gcm_force(NULL);
		snprintf(select_error, sizeof(select_error), "SNC_AESGCM_IMPL=%.40s: %s", force,
			 rc == -EINVAL ? "unknown (ipsec-mb[-sse|-avx|-avx2|-avx512], libsodium or "
					 "openssl)"
				       : "not usable on this CPU or build");
	}
	return rc;
}

const char *
snc_aead_select_error(void)
{
	return select_error[0] != '\0' ? select_error : NULL;
}

const char *
snc_aead_gcm_impl_name(void)
{
	return gcm_name;
}

/* OpenSSL one-shot for GCM (fallback) and CBC. enc: 1 seal, 0 open. */
static int
evp_crypt(const EVP_CIPHER *cipher, int enc, const uint8_t *key, const uint8_t *iv,
	  const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len1 = 0, len2 = 0, ok;

	if (ctx == NULL || in_len > INT32_MAX) {
		EVP_CIPHER_CTX_free(ctx);
		return SNC_E_LENGTH;
	}
	ok = EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) == 1;
	if (ok && tag != NULL)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SNC_GCM_IV_BYTES, NULL) == 1;
	ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) == 1;
	ok = ok && EVP_CipherUpdate(ctx, out, &len1, in, (int)in_len) == 1;
	if (ok && tag != NULL && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SNC_GCM_TAG_BYTES, tag) == 1;
	ok = ok && EVP_CipherFinal_ex(ctx, out + len1, &len2) == 1;
	if (ok && tag != NULL && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SNC_GCM_TAG_BYTES, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	*out_len = ok ? (size_t)len1 + (size_t)len2 : 0;
	return ok ? 0 : SNC_E_AUTH;
}

static int
gcm_open(const uint8_t *key, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	const uint8_t *iv = in, *ct = in + SNC_GCM_IV_BYTES;
	size_t ct_len = in_len - SNC_GCM_IV_BYTES;
	unsigned long long mlen = 0;
	uint8_t tag[SNC_GCM_TAG_BYTES];

	if (gcm_impl == GCM_IPSEC_MB) {
		ct_len -= SNC_GCM_TAG_BYTES;
		if (snc_gcm_mb_open(key, iv, ct, ct_len, ct + ct_len, out) != 0)
			return SNC_E_AUTH;
		*out_len = ct_len;
		return 0;
	}
	if (gcm_impl == GCM_SODIUM) {
		if (crypto_aead_aes256gcm_decrypt(out, &mlen, NULL, ct, ct_len, NULL, 0, iv, key) !=
		    0)
			return SNC_E_AUTH;
		*out_len = (size_t)mlen;
		return 0;
	}
	memcpy(tag, ct + ct_len - SNC_GCM_TAG_BYTES, sizeof(tag));
	return evp_crypt(EVP_aes_256_gcm(), 0, key, iv, ct, ct_len - SNC_GCM_TAG_BYTES, out,
			 out_len, tag);
}

static int
gcm_seal(const uint8_t *key, const uint8_t *iv, const uint8_t *in, size_t in_len, uint8_t *out)
{
	unsigned long long clen = 0;
	size_t n = 0;

	memmove(out, iv, SNC_GCM_IV_BYTES);
	if (gcm_impl == GCM_IPSEC_MB) {
		snc_gcm_mb_seal(key, out, in, in_len, out + SNC_GCM_IV_BYTES,
				out + SNC_GCM_IV_BYTES + in_len);
		return 0;
	}
	if (gcm_impl == GCM_SODIUM)
		return crypto_aead_aes256gcm_encrypt(out + SNC_GCM_IV_BYTES, &clen, in, in_len,
						     NULL, 0, NULL, out, key) == 0
			       ? 0
			       : SNC_E_AUTH;
	return evp_crypt(EVP_aes_256_gcm(), 1, key, out, in, in_len, out + SNC_GCM_IV_BYTES, &n,
			 out + SNC_GCM_IV_BYTES + in_len);
}

static int
xchacha_open(const uint8_t *key, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	unsigned long long mlen = 0;

	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &mlen, NULL, in + SNC_XCHACHA_NONCE_BYTES,
		    in_len - SNC_XCHACHA_NONCE_BYTES, NULL, 0, in, key) != 0)
		return SNC_E_AUTH;
	*out_len = (size_t)mlen;
	return 0;
}

/* One AES-256-CBC context per thread, keyed again for every layer: a context created
 * and freed per call cost an allocation pair and OpenSSL 3's provider set-up each time.
 * Freed at thread exit (the key's destructor). */
static pthread_key_t cbc_key;
static pthread_once_t cbc_once = PTHREAD_ONCE_INIT;
static bool cbc_key_ok;

static void
cbc_ctx_free(void *ctx)
{
	EVP_CIPHER_CTX_free(ctx);
}

static void
cbc_key_init(void)
{
	cbc_key_ok = pthread_key_create(&cbc_key, cbc_ctx_free) == 0;
}

static EVP_CIPHER_CTX *
cbc_ctx(void)
{
	EVP_CIPHER_CTX *ctx;

	if (pthread_once(&cbc_once, cbc_key_init) != 0 || !cbc_key_ok)
		return NULL;
	ctx = pthread_getspecific(cbc_key);
	if (ctx != NULL)
		return ctx;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL || EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, NULL, NULL, 1) != 1 ||
	    pthread_setspecific(cbc_key, ctx) != 0) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* AES-256-CBC with PKCS#7 padding on the thread's context (evp_crypt's one-shot when it
 * cannot have one). The layer key's schedule is overwritten with a zero key's after use. */
static int
cbc_crypt(int enc, const uint8_t *key, const uint8_t *iv, const uint8_t *in, size_t in_len,
	  uint8_t *out, size_t *out_len)
{
	static const uint8_t zero[SNC_KEY_BYTES];
	EVP_CIPHER_CTX *ctx = cbc_ctx();
	int len1 = 0, len2 = 0, ok;

	if (ctx == NULL)
		return evp_crypt(EVP_aes_256_cbc(), enc, key, iv, in, in_len, out, out_len, NULL);
	if (in_len > INT32_MAX)
		return SNC_E_LENGTH;
	ok = EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) == 1;
	ok = ok && EVP_CipherUpdate(ctx, out, &len1, in, (int)in_len) == 1;
	ok = ok && EVP_CipherFinal_ex(ctx, out + len1, &len2) == 1;
	(void)EVP_CipherInit_ex(ctx, NULL, NULL, zero, NULL, enc);
	*out_len = ok ? (size_t)len1 + (size_t)len2 : 0;
	return ok ? 0 : SNC_E_AUTH;
}

static int
cbc_open(const uint8_t *key, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	if ((in_len - SNC_CBC_IV_BYTES) % SNC_CBC_BLOCK_BYTES != 0)
		return SNC_E_LENGTH;
	return cbc_crypt(0, key, in, in + SNC_CBC_IV_BYTES, in_len - SNC_CBC_IV_BYTES, out,
			 out_len);
}

int
snc_aead_open(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES], const uint8_t *in,
	      size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t min = snc_enc_type_min_len(type);

	*out_len = 0;
	if (type >= SNC_ENC_TYPE_COUNT)
		return SNC_E_ENC_TYPE;
	/* CBC's minimum counts one padding block that the plaintext does not get. */
	if (in_len < min || out_cap < in_len - (type == SNC_ENC_AES_CBC ? SNC_CBC_IV_BYTES : min))
		return SNC_E_LENGTH;
	switch (type) {
	case SNC_ENC_AES_GCM:
		return gcm_open(key, in, in_len, out, out_len);
	case SNC_ENC_XCHACHA20:
		return xchacha_open(key, in, in_len, out, out_len);
	default:
		return cbc_open(key, in, in_len, out, out_len);
	}
}

int
snc_aead_seal_with_nonce(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES],
			 const uint8_t *nonce, const uint8_t *in, size_t in_len, uint8_t *out,
			 size_t out_cap, size_t *out_len)
{
	size_t need = snc_enc_type_sealed_len(type, in_len);
	unsigned long long clen = 0;
	size_t n = 0;
	int rc;

	*out_len = 0;
	if (type >= SNC_ENC_TYPE_COUNT)
		return SNC_E_ENC_TYPE;
	if (out_cap < need || need < in_len)
		return SNC_E_LENGTH;
	switch (type) {
	case SNC_ENC_AES_GCM:
		rc = gcm_seal(key, nonce, in, in_len, out);
		break;
	case SNC_ENC_XCHACHA20:
		memmove(out, nonce, SNC_XCHACHA_NONCE_BYTES);
		rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
			out + SNC_XCHACHA_NONCE_BYTES, &clen, in, in_len, NULL, 0, NULL, out, key);
		break;
	default:
		memmove(out, nonce, SNC_CBC_IV_BYTES);
		rc = cbc_crypt(1, key, out, in, in_len, out + SNC_CBC_IV_BYTES, &n);
		break;
	}
	if (rc == 0)
		*out_len = need;
	return rc;
}

int
snc_aead_seal(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES], const uint8_t *in,
	      size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	uint8_t nonce[SNC_XCHACHA_NONCE_BYTES]; /* the longest of the three */

	randombytes_buf(nonce, sizeof(nonce));
	return snc_aead_seal_with_nonce(type, key, nonce, in, in_len, out, out_cap, out_len);
}

unsigned
snc_aead_open_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const key[],
		    struct snc_aead_buf buf[], int status[])
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (status[i] != 0)
			continue;
		status[i] = snc_aead_open(type[i], key[i], buf[i].in, buf[i].in_len, buf[i].out,
					  buf[i].out_cap, &buf[i].out_len);
		failed += status[i] != 0;
	}
	return failed;
}

unsigned
snc_aead_seal_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const key[],
		    struct snc_aead_buf buf[], int status[])
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (status[i] != 0)
			continue;
		status[i] = snc_aead_seal(type[i], key[i], buf[i].in, buf[i].in_len, buf[i].out,
					  buf[i].out_cap, &buf[i].out_len);
		failed += status[i] != 0;
	}
	return failed;
}
