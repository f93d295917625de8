/* SPDX-License-Identifier: MIT */
#include "rng.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#if DP_HAVE_IPSEC_MB
#include <intel-ipsec-mb.h>
#endif

static int
init_openssl(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
	     const uint8_t iv[DP_RNG_IV_BYTES])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, key, iv) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return -EIO;
	}
	r->ctx = ctx;
	return 0;
}

#if DP_HAVE_IPSEC_MB
/* A manager of r's own: the job API keeps per-manager state, so it is not shared. Workers
 * are set up one after the other on the main lcore (relay.c), before any of them runs. */
static int
init_ipsec_mb(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
	      const uint8_t iv[DP_RNG_IV_BYTES])
{
	IMB_ARCH arch = IMB_ARCH_NONE;
	IMB_MGR *mgr = alloc_mb_mgr(0);
	uint8_t dec_keys[16 * 15] __attribute__((aligned(16)));

	if (mgr == NULL)
		return -ENOMEM;
	/* Without AES-NI ipsec-mb would emulate AES in software: OpenSSL is the better choice. */
	if ((mgr->features & IMB_CPUFLAGS_SSE) != IMB_CPUFLAGS_SSE) {
		free_mb_mgr(mgr);
		return -ENOTSUP;
	}
	init_mb_mgr_auto(mgr, &arch);
	if (arch == IMB_ARCH_NONE || imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return -ENOTSUP;
	}
	IMB_AES_KEYEXP_256(mgr, key, r->enc_keys, dec_keys);
	sodium_memzero(dec_keys, sizeof(dec_keys));
	memcpy(r->ctr, iv, DP_RNG_BLOCK);
	r->mgr = mgr;
	return 0;
}

/* ctr += n, as one 128-bit big-endian number (OpenSSL's increment). */
static void
ctr_add(uint8_t ctr[DP_RNG_BLOCK], uint64_t n)
{
	for (int i = DP_RNG_BLOCK - 1; i >= 0 && n > 0; i--) {
		n += ctr[i];
		ctr[i] = (uint8_t)n;
		n >>= 8;
	}
}

/* blocks whole keystream blocks from r->ctr into out; the caller keeps them within one
 * run of the counter's low 32 bits (how far ipsec-mb carries is then irrelevant). */
static void
imb_blocks(struct dp_rng *r, uint8_t *out, uint64_t blocks)
{
	IMB_MGR *mgr = r->mgr;
	IMB_JOB *job = IMB_GET_NEXT_JOB(mgr);

	memset(out, 0, blocks * DP_RNG_BLOCK);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->enc_keys = r->enc_keys;
	job->dec_keys = r->enc_keys; /* CTR decrypts with the encryption schedule */
	job->key_len_in_bytes = IMB_KEY_256_BYTES;
	job->src = out;
	job->dst = out;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = blocks * DP_RNG_BLOCK;
	job->iv = r->ctr;
	job->iv_len_in_bytes = DP_RNG_BLOCK;
	job = IMB_SUBMIT_JOB(mgr);
	if (job == NULL)
		job = IMB_FLUSH_JOB(mgr);
	/* A keyed CTR job with valid lengths cannot fail; carrying on with zeros as padding,
	 * labels and nonces would be far worse than stopping. */
	if (job == NULL || job->status != IMB_STATUS_COMPLETED)
		abort();
	ctr_add(r->ctr, blocks);
}

static void
imb_stream(struct dp_rng *r, uint8_t *out, size_t len)
{
	size_t n = DP_RNG_BLOCK - r->tail_pos < len ? DP_RNG_BLOCK - r->tail_pos : len;
	uint64_t blocks;

	memcpy(out, r->tail + r->tail_pos, n); /* what the last partial block left */
	r->tail_pos += (uint32_t)n;
	out += n;
	len -= n;
	blocks = len / DP_RNG_BLOCK;
	while (blocks > 0) {
		uint32_t low = (uint32_t)r->ctr[12] << 24 | (uint32_t)r->ctr[13] << 16 |
			       (uint32_t)r->ctr[14] << 8 | r->ctr[15];
		uint64_t room = ((uint64_t)1 << 32) - low, b = blocks < room ? blocks : room;

		imb_blocks(r, out, b);
		out += b * DP_RNG_BLOCK;
		blocks -= b;
	}
	len %= DP_RNG_BLOCK;
	if (len > 0) {
		imb_blocks(r, r->tail, 1);
		memcpy(out, r->tail, len);
		r->tail_pos = (uint32_t)len;
	}
}
#endif

int
dp_rng_init_impl(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
		 const uint8_t iv[DP_RNG_IV_BYTES], enum dp_rng_impl impl)
{
	int rc = -ENOTSUP;

	memset(r, 0, sizeof(*r));
	r->pos = DP_RNG_BUF;
	r->tail_pos = DP_RNG_BLOCK;
#if DP_HAVE_IPSEC_MB
	if (impl != DP_RNG_OPENSSL) {
		rc = init_ipsec_mb(r, key, iv);
		if (rc == 0 || impl == DP_RNG_IPSEC_MB)
			return rc;
	}
#endif
	if (impl != DP_RNG_IPSEC_MB)
		rc = init_openssl(r, key, iv);
	return rc;
}

int
dp_rng_init(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
	    const uint8_t iv[DP_RNG_IV_BYTES])
{
	return dp_rng_init_impl(r, key, iv, DP_RNG_AUTO);
}

const char *
dp_rng_impl_name(const struct dp_rng *r)
{
	return r->mgr != NULL ? "ipsec-mb" : "openssl";
}

int
dp_rng_init_random(struct dp_rng *r)
{
	uint8_t key[DP_RNG_KEY_BYTES], iv[DP_RNG_IV_BYTES];
	int rc;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(iv, sizeof(iv));
	rc = dp_rng_init(r, key, iv);
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* The next len bytes of the keystream: CTR over zeros, in place. */
static void
stream(struct dp_rng *r, uint8_t *out, size_t len)
{
#if DP_HAVE_IPSEC_MB
	if (r->mgr != NULL) {
		imb_stream(r, out, len);
		return;
	}
#endif
	while (len > 0) {
		int n = len > INT_MAX / 2 ? INT_MAX / 2 : (int)len, got = 0;

		memset(out, 0, (size_t)n);
		/* CTR cannot fail on a keyed context with a valid length */
		EVP_EncryptUpdate(r->ctx, out, &got, out, n);
		out += n;
		len -= (size_t)n;
	}
}

void
dp_rng_bytes(struct dp_rng *r, uint8_t *out, size_t len)
{
	if (len >= DP_RNG_DIRECT) { /* a large cell's padding: no copy through buf */
		stream(r, out, len);
		return;
	}
	while (len > 0) {
		size_t n;

		if (r->pos == DP_RNG_BUF) {
			stream(r, r->buf, DP_RNG_BUF);
			r->pos = 0;
		}
		n = DP_RNG_BUF - r->pos < len ? DP_RNG_BUF - r->pos : len;
		/* not wiped once handed out: padding, labels and nonces all go on the wire */
		memcpy(out, r->buf + r->pos, n);
		r->pos += (uint32_t)n;
		out += n;
		len -= n;
	}
}

void
dp_rng_free(struct dp_rng *r)
{
	EVP_CIPHER_CTX_free(r->ctx); /* wipes the key schedule */
#if DP_HAVE_IPSEC_MB
	if (r->mgr != NULL)
		free_mb_mgr(r->mgr);
#endif
	sodium_memzero(r->enc_keys, sizeof(r->enc_keys));
	sodium_memzero(r->tail, sizeof(r->tail));
	sodium_memzero(r->buf, sizeof(r->buf));
	r->ctx = NULL;
	r->mgr = NULL;
	r->tail_pos = DP_RNG_BLOCK;
	r->pos = DP_RNG_BUF;
}
