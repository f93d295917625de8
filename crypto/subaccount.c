/* SPDX-License-Identifier: MIT */
/*
 * Subaccount tokens and the group derivation. The member never learns k*t as
 * a seed, so its request signatures are made from the scalar with a keyed
 * BLAKE2b nonce (snc_account_sign_scalar); the result is an ordinary Ed25519
 * signature under kT, which is all the server checks.
 */
#include "subaccount.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "account.h"

static const char mask_key[] = "SessionGroupSubaccountMask";
static const char seed_key[] = "SubaccountSeed";
static const char sig_key[] = "SubaccountSig";

int
snc_subaccount_token_parse(const uint8_t in[SNC_SUBACCOUNT_TOKEN_BYTES],
			   struct snc_subaccount_token *t)
{
	if (in == NULL || t == NULL)
		return -EINVAL;
	t->netid = in[0];
	t->flags = in[1];
	t->reserved[0] = in[2];
	t->reserved[1] = in[3];
	memcpy(t->pubkey, in + 4, sizeof(t->pubkey));
	return 0;
}

int
snc_subaccount_token_build(uint8_t netid, uint8_t flags, const uint8_t pubkey[32],
			   uint8_t out[SNC_SUBACCOUNT_TOKEN_BYTES])
{
	if (flags & ~SNC_SUBACCOUNT_KNOWN_FLAGS)
		return -EINVAL;
	out[0] = netid;
	out[1] = flags;
	out[2] = 0;
	out[3] = 0;
	memcpy(out + 4, pubkey, 32);
	return 0;
}

int
snc_subaccount_token_decode(const char *s, size_t len, uint8_t out[SNC_SUBACCOUNT_TOKEN_BYTES])
{
	size_t got = 0;
	const char *end = NULL;
	uint8_t tmp[SNC_SUBACCOUNT_TOKEN_BYTES];
	int rc = -1;

	if (s == NULL || out == NULL)
		return -EINVAL;
	if (len == SNC_SUBACCOUNT_TOKEN_HEX_LEN)
		rc = sodium_hex2bin(tmp, sizeof(tmp), s, len, NULL, &got, &end);
	else if (len == SNC_SUBACCOUNT_TOKEN_B64_LEN)
		rc = sodium_base642bin(tmp, sizeof(tmp), s, len, NULL, &got, &end,
				       sodium_base64_VARIANT_ORIGINAL);
	if (rc != 0 || got != sizeof(tmp) || end != s + len)
		return -EINVAL;
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}

int
snc_subaccount_check(const uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES],
		     const uint8_t sig[SNC_SUBACCOUNT_SIG_BYTES], uint8_t account_netid,
		     const uint8_t account_key[32], uint8_t required)
{
	if (token[0] != account_netid && !(token[1] & SNC_SUBACCOUNT_ANY_PREFIX))
		return -EXDEV;
	if ((token[1] & required) != required)
		return -EACCES;
	if (crypto_sign_verify_detached(sig, token, SNC_SUBACCOUNT_TOKEN_BYTES, account_key) != 0)
		return -EPERM;
	return 0;
}

int
snc_subaccount_make(const uint8_t group_seed[32], const uint8_t member_x25519[32], uint8_t flags,
		    uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES],
		    uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES])
{
	uint8_t group_pk[32], group_sk[64], mask[32], h[64], k[32], T[32], kT[32];
	uint8_t to_sign[SNC_SUBACCOUNT_TOKEN_BYTES];
	crypto_generichash_state st;
	const uint8_t p05 = SNC_ACCOUNT_NETID_SESSION, p03 = SNC_ACCOUNT_NETID_GROUP;
	int rc = 0;

	if (flags & ~SNC_SUBACCOUNT_KNOWN_FLAGS)
		return -EINVAL;
	crypto_sign_seed_keypair(group_pk, group_sk, group_seed);
	crypto_generichash(mask, sizeof(mask), group_seed, 32, (const uint8_t *)mask_key,
			   sizeof(mask_key) - 1);
	crypto_generichash_init(&st, mask, sizeof(mask), sizeof(h));
	crypto_generichash_update(&st, &p05, 1);
	crypto_generichash_update(&st, member_x25519, 32);
	crypto_generichash_update(&st, &p03, 1);
	crypto_generichash_update(&st, group_pk, sizeof(group_pk));
	crypto_generichash_final(&st, h, sizeof(h));
	crypto_core_ed25519_scalar_reduce(k, h);

	if (snc_account_xed25519_pubkey(member_x25519, T) != 0 ||
	    crypto_scalarmult_ed25519_noclamp(kT, k, T) != 0) {
		rc = -EDOM;
		goto out;
	}
	snc_subaccount_token_build(SNC_ACCOUNT_NETID_GROUP, flags, kT, to_sign);
	memcpy(auth, to_sign, 4);
	memcpy(auth + 4, k, sizeof(k));
	crypto_sign_detached(auth + 36, NULL, to_sign, sizeof(to_sign), group_sk);
	if (token != NULL)
		memcpy(token, to_sign, sizeof(to_sign));
out:
	sodium_memzero(group_sk, sizeof(group_sk));
	sodium_memzero(mask, sizeof(mask));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
snc_subaccount_sign(const uint8_t member_ed25519_sk[64],
		    const uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES], const uint8_t *msg, size_t len,
		    uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES],
		    uint8_t subaccount_sig[SNC_SUBACCOUNT_SIG_BYTES], uint8_t sig[64])
{
	const uint8_t *k = auth + 4;
	uint8_t T[32], kT[32], t[32], t_neg[32], kt[32], hseed[32], h[64], r[32];
	crypto_generichash_state st;
	bool neg;
	int rc = 0;

	/* T = |S|: the member's Ed key with the sign bit cleared; t = -s if we cleared it. */
	memcpy(T, member_ed25519_sk + 32, sizeof(T));
	neg = (T[31] & 0x80) != 0;
	T[31] &= 0x7f;
	if (crypto_scalarmult_ed25519_noclamp(kT, k, T) != 0)
		return -EDOM;
	crypto_sign_ed25519_sk_to_curve25519(t, member_ed25519_sk); /* the clamped Ed scalar */
	crypto_core_ed25519_scalar_negate(t_neg, t);
	if (neg)
		memcpy(t, t_neg, sizeof(t));
	crypto_core_ed25519_scalar_mul(kt, k, t);

	crypto_generichash(hseed, sizeof(hseed), member_ed25519_sk, 32, (const uint8_t *)seed_key,
			   sizeof(seed_key) - 1);
	crypto_generichash_init(&st, (const uint8_t *)sig_key, sizeof(sig_key) - 1, sizeof(h));
	crypto_generichash_update(&st, hseed, sizeof(hseed));
	crypto_generichash_update(&st, kT, sizeof(kT));
	if (len > 0)
		crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, h, sizeof(h));
	crypto_core_ed25519_scalar_reduce(r, h);

	rc = snc_account_sign_scalar(kt, kT, r, msg, len, sig);
	if (rc == 0) {
		memcpy(token, auth, 4);
		memcpy(token + 4, kT, sizeof(kT));
		memcpy(subaccount_sig, auth + 36, SNC_SUBACCOUNT_SIG_BYTES);
	}
	sodium_memzero(t, sizeof(t));
	sodium_memzero(t_neg, sizeof(t_neg));
	sodium_memzero(kt, sizeof(kt));
	sodium_memzero(hseed, sizeof(hseed));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(&st, sizeof(st));
	return rc;
}
