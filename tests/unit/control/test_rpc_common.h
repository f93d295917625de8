/* SPDX-License-Identifier: MIT */
/* Helpers shared by the RPC unit tests: test accounts with libsodium keys,
 * signing, encodings, and decode-and-expect shorthands. */
#ifndef TEST_RPC_COMMON_H
#define TEST_RPC_COMMON_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "rpc_params.h"

#define NOW 1700000000000ULL /* ms: the pinned clock of every test */

/* A test account: an Ed25519 key, and its pubkey as a request carries it. */
struct acct {
	uint8_t pk[32], sk[64];
	char pubkey[67];    /* 03 || ed25519, or 05 || x25519 */
	char pk_ed_hex[65]; /* the Ed25519 key in hex */
};

static inline void
acct_make(struct acct *a, uint8_t netid)
{
	uint8_t x[32];

	crypto_sign_keypair(a->pk, a->sk);
	snprintf(a->pubkey, 3, "%02x", netid);
	if (netid == 0x05) {
		assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(x, a->pk), 0);
		sodium_bin2hex(a->pubkey + 2, 65, x, 32);
	} else {
		sodium_bin2hex(a->pubkey + 2, 65, a->pk, 32);
	}
	sodium_bin2hex(a->pk_ed_hex, sizeof(a->pk_ed_hex), a->pk, 32);
}

/* base64 (standard, padded) into a static rotating buffer. */
static inline const char *
b64(const uint8_t *p, size_t n)
{
	static char bufs[4][160000];
	static int i;
	char *b = bufs[i++ % 4];

	sodium_bin2base64(b, sizeof(bufs[0]), p, n, sodium_base64_VARIANT_ORIGINAL);
	return b;
}

/* The base64 signature of msg by sk, padded (88 chars) or not (86). */
static inline const char *
sign_b64(const uint8_t sk[64], const void *msg, size_t len)
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, msg, len, sk);
	return b64(sig, 64);
}

static inline const char *
sign_str(const uint8_t sk[64], const char *msg)
{
	return sign_b64(sk, msg, strlen(msg));
}

/* Same signature with one byte flipped. */
static inline const char *
sign_bad(const uint8_t sk[64], const char *msg)
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, strlen(msg), sk);
	sig[10] ^= 0x01;
	return b64(sig, 64);
}

/* Decodes method/params (params is consumed). */
static inline int
decode(const char *method, json_t *params, bool testnet, struct ctl_rpc_request *req,
       struct ctl_rpc_status *st)
{
	int rc;

	assert_non_null(params);
	rc = ctl_rpc_params_decode(method, params, testnet, req, st);
	json_decref(params);
	return rc;
}

/* Expects a 400 with exactly text. */
static inline void
expect_bad(const char *method, json_t *params, const char *text)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;

	assert_int_equal(decode(method, params, false, &req, &st), -EINVAL);
	assert_int_equal(st.code, 400);
	assert_string_equal(st.text, text);
}

/* Expects success; the caller frees req. */
static inline void
expect_ok(const char *method, json_t *params, bool testnet, struct ctl_rpc_request *req)
{
	struct ctl_rpc_status st;
	int rc = decode(method, params, testnet, req, &st);

	if (rc != 0)
		fail_msg("%s: %d %s", method, st.code, st.text);
	assert_int_equal(st.code, 200);
}

#endif
