/* SPDX-License-Identifier: MIT */
/*
 * Account IDs and key conversions. libsodium converts Ed25519 -> X25519 but
 * has no inverse, so the XEd25519 map y = (u - 1) / (u + 1) is computed here
 * with a small field implementation mod p = 2^255 - 19: sixteen 16-bit limbs
 * held in int64_t so that products and 2^256 = 38 (mod p) folds never
 * overflow. Inputs are public keys, so the code is not constant time.
 */
#include "account.h"
#include "ed_x_cache.h"
#include "hex.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

enum {
	FE_LIMBS = 16,
	FE_LIMB_BASE = 65536, /* 2^16 */
	FE_FOLD = 38,	      /* 2^256 mod p */
};

static void
fe_from_bytes(int64_t o[FE_LIMBS], const uint8_t b[32])
{
	for (int i = 0; i < FE_LIMBS; i++)
		o[i] = (int64_t)b[2 * i] | ((int64_t)b[2 * i + 1] << 8);
	o[FE_LIMBS - 1] &= 0x7fff; /* X25519 ignores the top bit of u */
}

/* One carry pass; the carry out of the top limb wraps to limb 0 times 38. */
static void
fe_carry(int64_t o[FE_LIMBS])
{
	for (int i = 0; i < FE_LIMBS; i++) {
		/* Floor division, well defined for negative limbs (no shift of negatives). */
		int64_t c = o[i] >= 0 ? o[i] / FE_LIMB_BASE
				      : -((-o[i] + FE_LIMB_BASE - 1) / FE_LIMB_BASE);

		o[i] -= c * FE_LIMB_BASE;
		if (i < FE_LIMBS - 1)
			o[i + 1] += c;
		else
			o[0] += FE_FOLD * c;
	}
}

static void
fe_add(int64_t o[FE_LIMBS], const int64_t a[FE_LIMBS], const int64_t b[FE_LIMBS])
{
	for (int i = 0; i < FE_LIMBS; i++)
		o[i] = a[i] + b[i];
}

static void
fe_sub(int64_t o[FE_LIMBS], const int64_t a[FE_LIMBS], const int64_t b[FE_LIMBS])
{
	for (int i = 0; i < FE_LIMBS; i++)
		o[i] = a[i] - b[i];
}

/* o = a * b; o may alias a or b. */
static void
fe_mul(int64_t o[FE_LIMBS], const int64_t a[FE_LIMBS], const int64_t b[FE_LIMBS])
{
	int64_t t[2 * FE_LIMBS - 1] = {0};

	for (int i = 0; i < FE_LIMBS; i++)
		for (int j = 0; j < FE_LIMBS; j++)
			t[i + j] += a[i] * b[j];
	for (int i = 0; i < FE_LIMBS - 1; i++)
		t[i] += FE_FOLD * t[i + FE_LIMBS];
	memcpy(o, t, FE_LIMBS * sizeof(t[0]));
	fe_carry(o);
	fe_carry(o);
}

/* a^(p-2) = 1/a (0 for a = 0). p - 2 = 2^255 - 21: every bit of 0..254 set except 2 and 4. */
static void
fe_invert(int64_t o[FE_LIMBS], const int64_t a[FE_LIMBS])
{
	int64_t c[FE_LIMBS];

	memcpy(c, a, sizeof(c));
	for (int bit = 253; bit >= 0; bit--) {
		fe_mul(c, c, c);
		if (bit != 2 && bit != 4)
			fe_mul(c, c, a);
	}
	memcpy(o, c, sizeof(c));
}

/* Canonical little-endian encoding (fully reduced below p). */
static void
fe_to_bytes(uint8_t out[32], const int64_t a[FE_LIMBS])
{
	int64_t t[FE_LIMBS], m[FE_LIMBS];

	memcpy(t, a, sizeof(t));
	fe_carry(t);
	fe_carry(t);
	fe_carry(t);
	/* t < 2^256 < 3p: subtract p while that does not borrow. */
	for (int pass = 0; pass < 2; pass++) {
		int64_t borrow = 0;

		for (int i = 0; i < FE_LIMBS; i++) {
			int64_t p_limb = i == 0 ? 0xffed : i == FE_LIMBS - 1 ? 0x7fff : 0xffff;

			m[i] = t[i] - p_limb - borrow;
			borrow = m[i] < 0;
			if (borrow)
				m[i] += FE_LIMB_BASE;
		}
		if (!borrow)
			memcpy(t, m, sizeof(t));
	}
	for (int i = 0; i < FE_LIMBS; i++) {
		out[2 * i] = (uint8_t)(t[i] & 0xff);
		out[2 * i + 1] = (uint8_t)(t[i] >> 8);
	}
}

int
snc_account_xed25519_pubkey(const uint8_t x25519[SNC_ACCOUNT_KEY_BYTES],
			    uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES])
{
	static const int64_t one[FE_LIMBS] = {1};
	int64_t u[FE_LIMBS], num[FE_LIMBS], den[FE_LIMBS], y[FE_LIMBS];
	uint8_t den_bytes[32];
	static const uint8_t zero[32];

	fe_from_bytes(u, x25519);
	fe_sub(num, u, one);
	fe_add(den, u, one);
	fe_to_bytes(den_bytes, den);
	if (memcmp(den_bytes, zero, sizeof(zero)) == 0)
		return -EINVAL;
	fe_invert(den, den);
	fe_mul(y, num, den);
	fe_to_bytes(ed25519, y);
	ed25519[31] &= 0x7f; /* sign bit 0: the "positive" x (already clear for y < p) */
	return 0;
}

/* Strict hex: exactly 2*n digits, nothing else (sodium_hex2bin would stop early). */
static int
hex_decode(const char *in, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = snc_hex_value((unsigned char)in[2 * i]),
		    lo = snc_hex_value((unsigned char)in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
snc_account_parse(const char *in, size_t len, bool testnet, uint8_t out[SNC_ACCOUNT_PUBKEY_BYTES])
{
	uint8_t tmp[SNC_ACCOUNT_PUBKEY_BYTES];

	if (in == NULL || out == NULL)
		return -EINVAL;
	if (len == SNC_ACCOUNT_PUBKEY_HEX_LEN) {
		if (hex_decode(in, SNC_ACCOUNT_PUBKEY_BYTES, tmp) != 0)
			return -EINVAL;
	} else if (len == SNC_ACCOUNT_PUBKEY_BYTES) {
		memcpy(tmp, in, SNC_ACCOUNT_PUBKEY_BYTES);
	} else if (testnet && len == 2 * SNC_ACCOUNT_KEY_BYTES) {
		tmp[0] = SNC_ACCOUNT_NETID_SESSION;
		if (hex_decode(in, SNC_ACCOUNT_KEY_BYTES, tmp + 1) != 0)
			return -EINVAL;
	} else if (testnet && len == SNC_ACCOUNT_KEY_BYTES) {
		tmp[0] = SNC_ACCOUNT_NETID_SESSION;
		memcpy(tmp + 1, in, SNC_ACCOUNT_KEY_BYTES);
	} else {
		return -EINVAL;
	}
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}

int
snc_account_format(const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES], bool testnet, char *out,
		   size_t outlen)
{
	bool bare = testnet && pubkey[0] == SNC_ACCOUNT_NETID_TESTNET_SESSION;
	const uint8_t *from = bare ? pubkey + 1 : pubkey;
	size_t n = bare ? SNC_ACCOUNT_KEY_BYTES : SNC_ACCOUNT_PUBKEY_BYTES;

	if (out == NULL || outlen < 2 * n + 1)
		return -ENOSPC;
	sodium_bin2hex(out, outlen, from, n);
	return 0;
}

int
snc_account_x25519_from_ed25519(const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES],
				uint8_t x25519[SNC_ACCOUNT_KEY_BYTES])
{
	return crypto_sign_ed25519_pk_to_curve25519(x25519, ed25519) == 0 ? 0 : -EINVAL;
}

int
snc_account_session_id_from_ed25519(const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES],
				    uint8_t out[SNC_ACCOUNT_PUBKEY_BYTES])
{
	uint8_t x[SNC_ACCOUNT_KEY_BYTES];

	if (snc_account_x25519_from_ed25519(ed25519, x) != 0)
		return -EINVAL;
	out[0] = SNC_ACCOUNT_NETID_SESSION;
	memcpy(out + 1, x, sizeof(x));
	return 0;
}

int
snc_account_check_ed25519(const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES],
			  const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES])
{
	return snc_account_check_ed25519_cached(NULL, pubkey, ed25519);
}

int
snc_account_check_ed25519_cached(struct snc_ed_x_cache *cache,
				 const uint8_t pubkey[SNC_ACCOUNT_PUBKEY_BYTES],
				 const uint8_t ed25519[SNC_ACCOUNT_KEY_BYTES])
{
	uint8_t x[SNC_ACCOUNT_KEY_BYTES];

	if (pubkey[0] != SNC_ACCOUNT_NETID_SESSION)
		return -EPROTO;
	if (snc_ed_x_cache_convert(cache, ed25519, x) != 0)
		return -EKEYREJECTED;
	/* Public values; sodium_memcmp anyway, it costs nothing here. */
	return sodium_memcmp(x, pubkey + 1, sizeof(x)) == 0 ? 0 : -EKEYREJECTED;
}

int
snc_account_sign_scalar(const uint8_t a[32], const uint8_t A[32], const uint8_t r[32],
			const uint8_t *msg, size_t len, uint8_t sig[64])
{
	crypto_hash_sha512_state st;
	uint8_t hram[64];

	if (crypto_scalarmult_ed25519_base_noclamp(sig, r) != 0)
		return -EDOM; /* r = 0: only with a broken nonce hash */
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, sig, 32);
	crypto_hash_sha512_update(&st, A, 32);
	if (len > 0)
		crypto_hash_sha512_update(&st, msg, len);
	crypto_hash_sha512_final(&st, hram);
	crypto_core_ed25519_scalar_reduce(sig + 32, hram);
	crypto_core_ed25519_scalar_mul(sig + 32, sig + 32, a);
	crypto_core_ed25519_scalar_add(sig + 32, sig + 32, r);
	return 0;
}
