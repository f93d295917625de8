/* SPDX-License-Identifier: MIT */
/* crypto/storage_sig.c: every method's signed bytes, buffer bounds, and the verify rules. */
#include <errno.h>
#include <stdbool.h>

#include "account.h"
#include "kat.h"
#include "storage_sig.h"
#include "subaccount.h"
#include "test_common.h"

#define TS 1693340111000ULL

static const char h1[] = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";
static const char h2[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/* len is read through a pointer: the builder call in rc must have run first. */
static void
expect_msg(int rc, const uint8_t *buf, const size_t *len, const char *want)
{
	assert_int_equal(rc, 0);
	assert_int_equal(*len, strlen(want));
	assert_memory_equal(buf, want, *len);
}

/* The signed bytes of every method, written out by hand from the server source
 * (session-storage-server rpc/request_handler.cpp, verify_signature calls). */
static void
every_method_message(void **state)
{
	uint8_t b[512];
	size_t n = 0;
	const char *hs[] = {h1, h2};
	const uint64_t exps[] = {TS + 1, TS + 2};
	uint8_t tokens[72];

	(void)state;
	expect_msg(snc_storage_sig_store(b, sizeof(b), &n, 0, TS), b, &n, "store1693340111000");
	expect_msg(snc_storage_sig_store(b, sizeof(b), &n, -10, TS), b, &n,
		   "store-101693340111000");
	expect_msg(snc_storage_sig_retrieve(b, sizeof(b), &n, 999, TS), b, &n,
		   "retrieve9991693340111000");
	expect_msg(snc_storage_sig_retrieve(b, sizeof(b), &n, 0, TS), b, &n,
		   "retrieve1693340111000");
	expect_msg(snc_storage_sig_delete(b, sizeof(b), &n, hs, 2), b, &n,
		   "delete4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
		   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_msg(snc_storage_sig_delete_all(b, sizeof(b), &n, 0, TS), b, &n,
		   "delete_all1693340111000");
	expect_msg(snc_storage_sig_delete_all(b, sizeof(b), &n, SNC_STORAGE_SIG_NS_ALL, TS), b, &n,
		   "delete_allall1693340111000");
	expect_msg(snc_storage_sig_delete_all(b, sizeof(b), &n, -32768, TS), b, &n,
		   "delete_all-327681693340111000");
	expect_msg(snc_storage_sig_delete_before(b, sizeof(b), &n, 5, TS), b, &n,
		   "delete_before51693340111000");
	expect_msg(snc_storage_sig_delete_before(b, sizeof(b), &n, SNC_STORAGE_SIG_NS_ALL, TS), b,
		   &n, "delete_beforeall1693340111000");
	expect_msg(snc_storage_sig_expire_all(b, sizeof(b), &n, SNC_STORAGE_SIG_NS_ALL, TS), b, &n,
		   "expire_allall1693340111000");
	expect_msg(snc_storage_sig_expire_all(b, sizeof(b), &n, 32767, TS), b, &n,
		   "expire_all327671693340111000");
	expect_msg(snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_ANY, exps, 1, hs, 1),
		   b, &n,
		   "expire1693340111001"
		   "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs");
	expect_msg(snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_SHORTEN, exps, 1, hs,
					  2),
		   b, &n,
		   "expireshorten1693340111001"
		   "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
		   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_msg(
		snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_EXTEND, exps, 2, hs, 2),
		b, &n,
		"expireextend16933401110011693340111002"
		"4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_msg(snc_storage_sig_get_expiries(b, sizeof(b), &n, TS, hs, 2), b, &n,
		   "get_expiries1693340111000"
		   "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
		   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_msg(snc_storage_sig_revoked_subaccounts(b, sizeof(b), &n, TS), b, &n,
		   "revoked_subaccounts1693340111000");

	for (int i = 0; i < 72; i++)
		tokens[i] = (uint8_t)i;
	assert_int_equal(snc_storage_sig_revoke_subaccount(b, sizeof(b), &n, TS, tokens, 2), 0);
	assert_int_equal(n, 17 + 13 + 72);
	assert_memory_equal(b, "revoke_subaccount1693340111000", 30);
	assert_memory_equal(b + 30, tokens, 72);
	assert_int_equal(snc_storage_sig_unrevoke_subaccount(b, sizeof(b), &n, TS, tokens, 1), 0);
	assert_int_equal(n, 19 + 13 + 36);
	assert_memory_equal(b, "unrevoke_subaccount1693340111000", 32);
	assert_memory_equal(b + 32, tokens, 36);
}

static void
namespace_and_timestamp_limits(void **state)
{
	uint8_t b[128];
	size_t n;

	(void)state;
	assert_int_equal(snc_storage_sig_store(b, sizeof(b), &n, 32768, TS), -ERANGE);
	assert_int_equal(snc_storage_sig_store(b, sizeof(b), &n, -32769, TS), -ERANGE);
	/* "all" only where the server parses namespace_var */
	assert_int_equal(snc_storage_sig_store(b, sizeof(b), &n, SNC_STORAGE_SIG_NS_ALL, TS),
			 -ERANGE);
	assert_int_equal(snc_storage_sig_retrieve(b, sizeof(b), &n, SNC_STORAGE_SIG_NS_ALL, TS),
			 -ERANGE);
	expect_msg(snc_storage_sig_retrieve(b, sizeof(b), &n, 1, INT64_MAX), b, &n,
		   "retrieve19223372036854775807");
	assert_int_equal(snc_storage_sig_retrieve(b, sizeof(b), &n, 1, (uint64_t)INT64_MAX + 1),
			 -ERANGE);
	expect_msg(snc_storage_sig_retrieve(b, sizeof(b), &n, 0, 0), b, &n, "retrieve0");
}

static void
buffer_bounds_are_exact(void **state)
{
	uint8_t b[64];
	size_t n = 0, need;
	const char *hs[] = {h1};

	(void)state;
	assert_int_equal(snc_storage_sig_store(NULL, 0, &n, 0, TS), -ENOSPC);
	need = n;
	assert_int_equal(need, 18);
	memset(b, 0xee, sizeof(b));
	assert_int_equal(snc_storage_sig_store(b, need - 1, &n, 0, TS), -ENOSPC);
	assert_int_equal(n, need);
	for (size_t i = need - 1; i < sizeof(b); i++)
		assert_int_equal(b[i], 0xee); /* nothing past cap */
	assert_int_equal(snc_storage_sig_store(b, need, &n, 0, TS), 0);
	assert_int_equal(snc_storage_sig_delete(b, 6 + 43, &n, hs, 1), 0);
	assert_int_equal(snc_storage_sig_delete(b, 6 + 42, &n, hs, 1), -ENOSPC);
	assert_int_equal(n, 49);
	assert_int_equal(snc_storage_sig_store(b, sizeof(b), NULL, 0, TS), -EINVAL);
	assert_int_equal(snc_storage_sig_store(NULL, 5, &n, 0, TS), -EINVAL);
}

static void
list_arguments_are_checked(void **state)
{
	uint8_t b[4096], tokens[51 * 36] = {0};
	size_t n;
	char short_hash[43], bad_hash[44];
	const char *ok[] = {h1}, *shorth[] = {short_hash}, *bad[] = {bad_hash}, *nul[] = {NULL};
	const char *any[] = {"x"}, *empty[] = {""};
	const uint64_t exps[] = {TS, TS, TS};
	const char *three[] = {h1, h1, h2};

	(void)state;
	memcpy(short_hash, h1, 42);
	short_hash[42] = '\0';
	memcpy(bad_hash, h1, 44);
	bad_hash[5] = '=';
	assert_int_equal(snc_storage_sig_delete(b, sizeof(b), &n, ok, 0), -EINVAL);
	assert_int_equal(snc_storage_sig_delete(b, sizeof(b), &n, NULL, 1), -EINVAL);
	assert_int_equal(snc_storage_sig_delete(b, sizeof(b), &n, shorth, 1), -EINVAL);
	assert_int_equal(snc_storage_sig_delete(b, sizeof(b), &n, bad, 1), -EINVAL);
	assert_int_equal(snc_storage_sig_delete(b, sizeof(b), &n, nul, 1), -EINVAL);
	/* get_expiries: the server does not check hashes, only that there are some */
	expect_msg(snc_storage_sig_get_expiries(b, sizeof(b), &n, 1, any, 1), b, &n,
		   "get_expiries1x");
	expect_msg(snc_storage_sig_get_expiries(b, sizeof(b), &n, 1, empty, 1), b, &n,
		   "get_expiries1"); /* an empty hash signs as nothing */
	assert_int_equal(snc_storage_sig_get_expiries(b, sizeof(b), &n, 1, any, 0), -EINVAL);
	/* expire: one expiry, or one per hash */
	assert_int_equal(
		snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_ANY, exps, 3, three, 3),
		0);
	assert_int_equal(
		snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_ANY, exps, 2, three, 3),
		-EINVAL);
	assert_int_equal(
		snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_ANY, exps, 0, three, 3),
		-EINVAL);
	assert_int_equal(snc_storage_sig_expire(b, sizeof(b), &n, (enum snc_storage_expire_mode)3,
						exps, 1, three, 3),
			 -EINVAL);
	assert_int_equal(
		snc_storage_sig_expire(b, sizeof(b), &n, SNC_STORAGE_EXPIRE_ANY, exps, 1, bad, 1),
		-EINVAL);
	/* revoke: 1..50 tokens; unrevoke has no server limit */
	assert_int_equal(snc_storage_sig_revoke_subaccount(b, sizeof(b), &n, TS, tokens, 50), 0);
	assert_int_equal(n, 30 + 50 * 36);
	assert_int_equal(snc_storage_sig_revoke_subaccount(b, sizeof(b), &n, TS, tokens, 51),
			 -E2BIG);
	assert_int_equal(snc_storage_sig_revoke_subaccount(b, sizeof(b), &n, TS, tokens, 0),
			 -EINVAL);
	assert_int_equal(snc_storage_sig_unrevoke_subaccount(b, sizeof(b), &n, TS, tokens, 51), 0);
	assert_int_equal(snc_storage_sig_unrevoke_subaccount(b, sizeof(b), &n, TS, NULL, 1),
			 -EINVAL);
}

static void
methods_and_flags(void **state)
{
	enum snc_storage_method m;

	(void)state;
	for (int i = 0; i < SNC_STORAGE_METHOD_COUNT; i++) {
		assert_int_equal(
			snc_storage_sig_method_parse(
				snc_storage_sig_method_name((enum snc_storage_method)i), &m),
			0);
		assert_int_equal(m, i);
	}
	assert_null(snc_storage_sig_method_name(SNC_STORAGE_METHOD_COUNT));
	assert_int_equal(snc_storage_sig_method_parse("Store", &m), -EINVAL);
	assert_int_equal(snc_storage_sig_method_parse("get_swarm", &m), -EINVAL);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, 0),
			 SNC_SUBACCOUNT_WRITE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, 1),
			 SNC_SUBACCOUNT_WRITE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, -1),
			 SNC_SUBACCOUNT_WRITE | SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, -21),
			 SNC_SUBACCOUNT_WRITE | SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, -11),
			 SNC_SUBACCOUNT_WRITE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_STORE, 21),
			 SNC_SUBACCOUNT_WRITE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_RETRIEVE, 0),
			 SNC_SUBACCOUNT_READ);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_GET_EXPIRIES, 0),
			 SNC_SUBACCOUNT_READ);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_EXPIRE, 0),
			 SNC_SUBACCOUNT_WRITE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_DELETE, 0),
			 SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_DELETE_ALL, 0),
			 SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_DELETE_BEFORE, 0),
			 SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_EXPIRE_ALL, 0),
			 SNC_SUBACCOUNT_DELETE);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_REVOKE_SUBACCOUNT, 0), -EPERM);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_UNREVOKE_SUBACCOUNT, 0),
			 -EPERM);
	assert_int_equal(snc_storage_sig_required_flags(SNC_STORAGE_REVOKED_SUBACCOUNTS, 0),
			 -EPERM);
}

/* The group subaccount vector (tests/kat/signatures.json, libsession-util
 * tests/test_group_keys.cpp): a retrieve by a member of group 03c50c... */
struct group_vec {
	uint8_t group_id[33], group_seed[32], token[36], subsig[64], sig[64];
};

static void
load_group(struct group_vec *g)
{
	json_t *kat = kat_load("signatures.json"), *e;
	size_t i;

	json_array_foreach(json_object_get(kat, "vectors"), i, e)
	{
		if (strcmp(kat_str(e, "name"), "group_subaccount_retrieve") != 0)
			continue;
		kat_hex(e, "group_id", g->group_id, 33, 33);
		kat_hex(e, "group_ed25519_seed", g->group_seed, 32, 32);
		kat_hex(e, "subaccount", g->token, 36, 36);
		kat_hex(e, "subaccount_sig", g->subsig, 64, 64);
		kat_hex(e, "signature", g->sig, 64, 64);
	}
	json_decref(kat);
}

static void
upstream_group_subaccount_request(void **state)
{
	struct group_vec g;
	uint8_t msg[64];
	size_t n;
	struct snc_storage_auth a = {0};

	(void)state;
	load_group(&g);
	assert_int_equal(snc_storage_sig_retrieve(msg, sizeof(msg), &n, 999, TS), 0);
	a.pubkey = g.group_id;
	a.subaccount = g.token;
	a.subaccount_sig = g.subsig;
	a.required_flags = (uint8_t)snc_storage_sig_required_flags(SNC_STORAGE_RETRIEVE, 999);
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), 0);
	for (size_t i = 0; i < 64; i++) { /* every signature byte */
		g.sig[i] ^= 0x04;
		assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EBADMSG);
		g.sig[i] ^= 0x04;
	}
	for (size_t i = 0; i < n; i++) { /* every message byte */
		msg[i] ^= 0x01;
		assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EBADMSG);
		msg[i] ^= 0x01;
	}
	assert_int_equal(snc_storage_sig_verify(&a, msg, n - 1, g.sig), -EBADMSG);
	for (size_t i = 0; i < 64; i++) {
		g.subsig[i] ^= 0x10;
		assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EPERM);
		g.subsig[i] ^= 0x10;
	}
	/* The member's token (Read|Write) cannot delete. */
	a.required_flags = SNC_SUBACCOUNT_DELETE;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EACCES);
	a.required_flags = SNC_SUBACCOUNT_READ;
	/* Same group key under another netid: the token is for 03 only. */
	g.group_id[0] = 0x05 + 0x10;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EXDEV);
	g.group_id[0] = 0x03;
	/* Wrong account key: the subaccount_sig no longer verifies. */
	g.group_id[5] ^= 1;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EPERM);
	g.group_id[5] ^= 1;
	/* The member's signature is not the group's. */
	a.subaccount = NULL;
	a.subaccount_sig = NULL;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, g.sig), -EBADMSG);
	assert_int_equal(snc_storage_sig_http_status(-EBADMSG), 401);
}

/* A 05 account signs with its Ed25519 key, sent as pubkey_ed25519. */
static void
session_account_rules(void **state)
{
	uint8_t seed[32], pk[32], sk[64], sid[33], sig[64], msg[64], other_pk[32], other_sk[64];
	size_t n;
	struct snc_storage_auth a = {0};

	(void)state;
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	snc_account_session_id_from_ed25519(pk, sid);
	snc_storage_sig_delete_all(msg, sizeof(msg), &n, SNC_STORAGE_SIG_NS_ALL, TS);
	crypto_sign_detached(sig, NULL, msg, n, sk);
	a.pubkey = sid;
	a.pubkey_ed25519 = pk;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), 0);
	for (size_t i = 0; i < 64; i++) {
		sig[i] ^= 0x80;
		assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EBADMSG);
		sig[i] ^= 0x80;
	}
	/* Without pubkey_ed25519 the server tries the X25519 bytes as an Ed key: fails. */
	a.pubkey_ed25519 = NULL;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -ENOKEY);
	assert_int_equal(snc_storage_sig_http_status(-ENOKEY), 401);
	/* Another Ed key that does not convert to this Session ID. */
	crypto_sign_keypair(other_pk, other_sk);
	crypto_sign_detached(sig, NULL, msg, n, other_sk);
	a.pubkey_ed25519 = other_pk;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EKEYREJECTED);
	/* pubkey_ed25519 on a non-05 account is a bad request. */
	sid[0] = 0x03;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EPROTO);
	assert_int_equal(snc_storage_sig_http_status(-EPROTO), 400);
	/* A 03 account verifies with its own key... */
	memcpy(sid + 1, other_pk, 32);
	a.pubkey_ed25519 = NULL;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), 0);
	/* ...and so does a 05 account whose "X25519" bytes are an Ed key the signer holds:
	 * the server's fallback, kept bit-exact. */
	sid[0] = 0x05;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), 0);
}

static void
session_account_with_subaccount(void **state)
{
	uint8_t opk[32], osk[64], spk[32], ssk[64], sid[33], tok[36], tsig[64], sig[64], msg[64];
	size_t n;
	struct snc_storage_auth a = {0};

	(void)state;
	crypto_sign_keypair(opk, osk);
	crypto_sign_keypair(spk, ssk);
	snc_account_session_id_from_ed25519(opk, sid);
	snc_subaccount_token_build(0x05, SNC_SUBACCOUNT_READ | SNC_SUBACCOUNT_DELETE, spk, tok);
	crypto_sign_detached(tsig, NULL, tok, 36, osk);
	snc_storage_sig_delete_before(msg, sizeof(msg), &n, 3, TS);
	crypto_sign_detached(sig, NULL, msg, n, ssk);
	a.pubkey = sid;
	a.pubkey_ed25519 = opk;
	a.subaccount = tok;
	a.subaccount_sig = tsig;
	a.required_flags = SNC_SUBACCOUNT_DELETE;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), 0);
	/* The owner's own signature is not accepted in place of the subaccount's. */
	crypto_sign_detached(sig, NULL, msg, n, osk);
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EBADMSG);
	crypto_sign_detached(sig, NULL, msg, n, ssk);
	/* Without pubkey_ed25519 the token signature is checked against the X25519 bytes. */
	a.pubkey_ed25519 = NULL;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EPERM);
	a.pubkey_ed25519 = opk;
	/* Owner-only methods never take a subaccount; missing sig is a bad request. */
	a.owner_only = true;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EINVAL);
	a.owner_only = false;
	a.subaccount_sig = NULL;
	assert_int_equal(snc_storage_sig_verify(&a, msg, n, sig), -EINVAL);
	assert_int_equal(snc_storage_sig_http_status(-EINVAL), 400);
	assert_int_equal(snc_storage_sig_verify(NULL, msg, n, sig), -EINVAL);
	assert_int_equal(snc_storage_sig_http_status(-EXDEV), 401);
	assert_int_equal(snc_storage_sig_http_status(-EACCES), 401);
	assert_int_equal(snc_storage_sig_http_status(-EPERM), 401);
	assert_int_equal(snc_storage_sig_http_status(-EKEYREJECTED), 401);
	assert_int_equal(snc_storage_sig_http_status(0), 200);
	assert_int_equal(snc_storage_sig_http_status(-ENOMEM), 500);
}

/* tests/kat/signatures.json "ed25519_sign_hello" (libsession-util test_ed25519.cpp) through the
 * verifier as a 03-style account. */
static void
plain_ed25519_vector(void **state)
{
	json_t *kat = kat_load("signatures.json"), *e;
	size_t i;
	bool seen = false;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, e)
	{
		uint8_t acct[33] = {0x03}, sig[64];
		struct snc_storage_auth a = {.pubkey = acct};
		const char *m;

		if (strcmp(kat_str(e, "name"), "ed25519_sign_hello") != 0)
			continue;
		kat_hex(e, "ed25519_pubkey", acct + 1, 32, 32);
		kat_hex(e, "signature", sig, 64, 64);
		m = kat_str(e, "message_ascii");
		assert_int_equal(snc_storage_sig_verify(&a, (const uint8_t *)m, strlen(m), sig), 0);
		acct[7] ^= 2;
		assert_int_equal(snc_storage_sig_verify(&a, (const uint8_t *)m, strlen(m), sig),
				 -EBADMSG);
		seen = true;
	}
	assert_true(seen);
	json_decref(kat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_method_message),
		cmocka_unit_test(namespace_and_timestamp_limits),
		cmocka_unit_test(buffer_bounds_are_exact),
		cmocka_unit_test(list_arguments_are_checked),
		cmocka_unit_test(methods_and_flags),
		cmocka_unit_test(upstream_group_subaccount_request),
		cmocka_unit_test(session_account_rules),
		cmocka_unit_test(session_account_with_subaccount),
		cmocka_unit_test(plain_ed25519_vector),
	};

	return RUN_GROUP("crypto/storage_sig", tests);
}
