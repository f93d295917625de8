/* SPDX-License-Identifier: MIT */
/*
 * Blinding. The Ed key behind a Session ID is known only up to sign, so IDs
 * are computed from XEd(X) = |A|; signing, which knows the real A, fixes the
 * sign with the scalar instead (blind25) or lives with two candidate IDs
 * (blind15).
 */
#include "blind.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "account.h"

static const char seed_key25[] = "SessCommBlind25_seed";
static const char sig_key25[] = "SessCommBlind25_sig";
static const char version_key[] = "VersionCheckKey_sig";

static void
factor15(const uint8_t server_pk[32], uint8_t k[32])
{
	uint8_t h[64];

	crypto_generichash(h, sizeof(h), server_pk, 32, NULL, 0);
	crypto_core_ed25519_scalar_reduce(k, h);
}

static void
factor25(const uint8_t x25519[32], const uint8_t server_pk[32], uint8_t k[32])
{
	crypto_generichash_state st;
	const uint8_t p05 = SNC_ACCOUNT_NETID_SESSION;
	uint8_t h[64];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, &p05, 1);
	crypto_generichash_update(&st, x25519, 32);
	crypto_generichash_update(&st, server_pk, 32);
	crypto_generichash_final(&st, h, sizeof(h));
	crypto_core_ed25519_scalar_reduce(k, h);
}

/* id = prefix || k * P */
static int
blind_point(uint8_t prefix, const uint8_t k[32], const uint8_t P[32], uint8_t id[33])
{
	if (crypto_scalarmult_ed25519_noclamp(id + 1, k, P) != 0)
		return -EDOM;
	id[0] = prefix;
	return 0;
}

int
snc_blind_id15(const uint8_t session_id[33], const uint8_t server_pk[32],
	       uint8_t ids[2][SNC_BLIND_ID_BYTES])
{
	uint8_t k[32], T[32];
	int rc;

	if (session_id[0] != SNC_ACCOUNT_NETID_SESSION)
		return -EINVAL;
	if (snc_account_xed25519_pubkey(session_id + 1, T) != 0)
		return -EDOM;
	factor15(server_pk, k);
	rc = blind_point(SNC_ACCOUNT_NETID_BLIND15, k, T, ids[0]);
	if (rc != 0)
		return rc;
	memcpy(ids[1], ids[0], SNC_BLIND_ID_BYTES);
	ids[1][SNC_BLIND_ID_BYTES - 1] ^= 0x80;
	return 0;
}

int
snc_blind_id25(const uint8_t session_id[33], const uint8_t server_pk[32],
	       uint8_t id[SNC_BLIND_ID_BYTES])
{
	uint8_t k[32], T[32];

	if (session_id[0] != SNC_ACCOUNT_NETID_SESSION)
		return -EINVAL;
	if (snc_account_xed25519_pubkey(session_id + 1, T) != 0)
		return -EDOM;
	factor25(session_id + 1, server_pk, k);
	return blind_point(SNC_ACCOUNT_NETID_BLIND25, k, T, id);
}

int
snc_blind_id15_from_ed25519(const uint8_t ed25519_pk[32], const uint8_t server_pk[32],
			    uint8_t id[SNC_BLIND_ID_BYTES])
{
	uint8_t k[32];

	factor15(server_pk, k);
	return blind_point(SNC_ACCOUNT_NETID_BLIND15, k, ed25519_pk, id);
}

int
snc_blind_id25_from_ed25519(const uint8_t ed25519_pk[32], const uint8_t server_pk[32],
			    uint8_t id[SNC_BLIND_ID_BYTES])
{
	uint8_t x[32], k[32], T[32];

	if (snc_account_x25519_from_ed25519(ed25519_pk, x) != 0)
		return -EDOM;
	factor25(x, server_pk, k);
	memcpy(T, ed25519_pk, sizeof(T));
	T[31] &= 0x7f; /* |A| */
	return blind_point(SNC_ACCOUNT_NETID_BLIND25, k, T, id);
}

/* a' = k * a and A' = a'B from the 64-byte secret key. */
static int
blinded_pair(const uint8_t ed25519_sk[64], const uint8_t k[32], uint8_t a[32], uint8_t A[32])
{
	crypto_sign_ed25519_sk_to_curve25519(a, ed25519_sk); /* the clamped Ed scalar */
	crypto_core_ed25519_scalar_mul(a, k, a);
	return crypto_scalarmult_ed25519_base_noclamp(A, a) == 0 ? 0 : -EDOM;
}

int
snc_blind_sign15(const uint8_t ed25519_sk[64], const uint8_t server_pk[32], const uint8_t *msg,
		 size_t len, uint8_t sig[SNC_BLIND_SIG_BYTES])
{
	crypto_hash_sha512_state st;
	uint8_t k[32], a[32], A[32], hrh[64], h[64], r[32];
	int rc;

	factor15(server_pk, k);
	rc = blinded_pair(ed25519_sk, k, a, A);
	if (rc == 0) {
		crypto_hash_sha512(hrh, ed25519_sk, 64);
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(&st, hrh + 32, 32);
		crypto_hash_sha512_update(&st, A, sizeof(A));
		if (len > 0)
			crypto_hash_sha512_update(&st, msg, len);
		crypto_hash_sha512_final(&st, h);
		crypto_core_ed25519_scalar_reduce(r, h);
		rc = snc_account_sign_scalar(a, A, r, msg, len, sig);
	}
	sodium_memzero(a, sizeof(a));
	sodium_memzero(hrh, sizeof(hrh));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
snc_blind_sign25(const uint8_t ed25519_sk[64], const uint8_t server_pk[32], const uint8_t *msg,
		 size_t len, uint8_t sig[SNC_BLIND_SIG_BYTES])
{
	crypto_generichash_state st;
	uint8_t x[32], k[32], a[32], A[32], hseed[32], h[64], r[32];
	int rc;

	if (snc_account_x25519_from_ed25519(ed25519_sk + 32, x) != 0)
		return -EDOM;
	factor25(x, server_pk, k);
	if (ed25519_sk[63] & 0x80) /* k' = -k so that k'A = k|A| */
		crypto_core_ed25519_scalar_negate(k, k);
	rc = blinded_pair(ed25519_sk, k, a, A);
	if (rc == 0) {
		crypto_generichash(hseed, sizeof(hseed), ed25519_sk, 32,
				   (const uint8_t *)seed_key25, sizeof(seed_key25) - 1);
		crypto_generichash_init(&st, (const uint8_t *)sig_key25, sizeof(sig_key25) - 1,
					sizeof(h));
		crypto_generichash_update(&st, hseed, sizeof(hseed));
		crypto_generichash_update(&st, A, sizeof(A));
		if (len > 0)
			crypto_generichash_update(&st, msg, len);
		crypto_generichash_final(&st, h, sizeof(h));
		crypto_core_ed25519_scalar_reduce(r, h);
		rc = snc_account_sign_scalar(a, A, r, msg, len, sig);
	}
	sodium_memzero(a, sizeof(a));
	sodium_memzero(hseed, sizeof(hseed));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
snc_blind_verify(const uint8_t blinded_id[SNC_BLIND_ID_BYTES], const uint8_t *msg, size_t len,
		 const uint8_t sig[SNC_BLIND_SIG_BYTES])
{
	if (blinded_id[0] != SNC_ACCOUNT_NETID_BLIND15 &&
	    blinded_id[0] != SNC_ACCOUNT_NETID_BLIND25)
		return -EINVAL;
	return crypto_sign_verify_detached(sig, msg, len, blinded_id + 1) == 0 ? 0 : -EBADMSG;
}

int
snc_blind_matches(const uint8_t session_id[33], const uint8_t blinded_id[SNC_BLIND_ID_BYTES],
		  const uint8_t server_pk[32])
{
	uint8_t ids[2][SNC_BLIND_ID_BYTES];
	int rc;

	if (blinded_id[0] == SNC_ACCOUNT_NETID_BLIND15) {
		rc = snc_blind_id15(session_id, server_pk, ids);
		if (rc != 0)
			return rc;
		return memcmp(ids[0], blinded_id, SNC_BLIND_ID_BYTES) == 0 ||
				       memcmp(ids[1], blinded_id, SNC_BLIND_ID_BYTES) == 0
			       ? 0
			       : -ENOENT;
	}
	if (blinded_id[0] == SNC_ACCOUNT_NETID_BLIND25) {
		rc = snc_blind_id25(session_id, server_pk, ids[0]);
		if (rc != 0)
			return rc;
		return memcmp(ids[0], blinded_id, SNC_BLIND_ID_BYTES) == 0 ? 0 : -ENOENT;
	}
	return -EINVAL;
}

int
snc_blind_version_keypair(const uint8_t ed25519_sk[64], uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[32];

	crypto_generichash(seed, sizeof(seed), ed25519_sk, 32, (const uint8_t *)version_key,
			   sizeof(version_key) - 1);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

int
snc_blind_version_sign(const uint8_t ed25519_sk[64], const char *platform, uint64_t ts,
		       uint8_t sig[SNC_BLIND_SIG_BYTES])
{
	uint8_t pk[32], sk[64];
	char msg[96];
	int n;

	if (platform == NULL || (strcmp(platform, "android") != 0 &&
				 strcmp(platform, "desktop") != 0 && strcmp(platform, "ios") != 0))
		return -EINVAL;
	n = snprintf(msg, sizeof(msg), "%" PRIu64 "GET/session_version?platform=%s", ts, platform);
	snc_blind_version_keypair(ed25519_sk, pk, sk);
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, (size_t)n, sk);
	sodium_memzero(sk, sizeof(sk));
	return 0;
}
