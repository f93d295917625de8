/* SPDX-License-Identifier: MIT */
/* Groups: create, invitations, removal with rotation, the JSON text, and the
 * requests checked with libsnc's server-side verification. */
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

#include "group.h"
#include "group_msg.h"
#include "snc.h"
#include "storage_sig.h"

static void
ident(struct snc_identity *id, uint8_t tag)
{
	uint8_t seed[32];

	memset(seed, tag, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

/* The Session IDs of n identities tagged 1..n. */
static uint8_t (*ids(size_t n))[33]
{
	uint8_t(*m)[33] = calloc(n, 33);

	for (size_t i = 0; i < n; i++) {
		struct snc_identity id;

		ident(&id, (uint8_t)(i + 1));
		snc_identity_session_id(&id, m[i]);
	}
	return m;
}

static void
test_create_limits(void **state)
{
	struct snc_identity admin;
	struct scl_group g;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(100);

	(void)state;
	ident(&admin, 200);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	assert_int_equal(g.n_members, 3);
	assert_int_equal(g.id[0], 0x03);
	assert_true(g.has_seed);
	assert_int_equal(g.n_keys, 1);
	/* admin + 1: too few; the admin and duplicates do not count */
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 1, &err), -1);
	assert_int_equal(err.code, SCL_E_USAGE);
	memcpy(m[1], m[0], 33);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	snc_identity_session_id(&admin, m[1]);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	free(m);
	m = ids(100);
	/* 99 others + admin = 100; 100 others = 101 */
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 99, &err), 0);
	assert_int_equal(g.n_members, 100);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 100, &err), -1);
	m[5][0] = 0x03;
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 10, &err), -1);
	m[5][0] = 0x05;
	assert_int_equal(scl_group_create(&g, "", &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	assert_int_equal(scl_group_create(&g, ".G", &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	assert_int_equal(scl_group_create(&g, "a/b", &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	assert_int_equal(scl_group_create(&g, NULL, &admin, (const uint8_t(*)[33])m, 2, &err), -1);
	free(m);
}

/* Parses text and dumps it again: the same text. */
static void
round_trip(const struct scl_group *g)
{
	struct scl_group back;
	struct scl_error err = {0};
	char *t1 = scl_group_dump(g), *t2;

	assert_non_null(t1);
	assert_int_equal(scl_group_parse(&back, t1, strlen(t1), &err), 0);
	assert_memory_equal(&back, g, sizeof(back));
	t2 = scl_group_dump(&back);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
}

static void
test_text(void **state)
{
	struct snc_identity admin;
	struct scl_group g, inv;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(99), token[36];
	char *t;

	(void)state;
	ident(&admin, 200);
	assert_int_equal(
		scl_group_create(&g, "Group_1.x", &admin, (const uint8_t(*)[33])m, 99, &err), 0);
	round_trip(&g);
	assert_int_equal(scl_group_invite(&g, m[3], &inv, &err), 0);
	assert_false(inv.has_seed);
	t = scl_group_dump(&inv);
	assert_null(strstr(t, "\"seed\""));
	free(t);
	round_trip(&inv);
	/* the largest: 100 members and 16 keys, under SCL_GROUP_TEXT_MAX */
	for (int i = 0; i < 40; i++)
		assert_int_equal(scl_group_remove(&g, m[i], token, &err), 0);
	assert_int_equal(g.n_keys, SCL_GROUP_KEYS_MAX);
	assert_int_equal(g.gen, 40);
	round_trip(&g);
	free(m);
}

/* Parses text with one field replaced by value (or removed: NULL), expecting a refusal. */
static void
refused(const char *good, const char *field, const char *value)
{
	json_t *o = json_loads(good, 0, NULL);
	struct scl_group g;
	struct scl_error err = {0};
	char *t;

	if (value == NULL)
		json_object_del(o, field);
	else
		json_object_set_new(o, field, json_loads(value, JSON_DECODE_ANY, NULL));
	t = json_dumps(o, JSON_COMPACT);
	if (scl_group_parse(&g, t, strlen(t), &err) != -1)
		fail_msg("accepted %s = %s", field, value != NULL ? value : "(none)");
	assert_int_equal(err.code, SCL_E_USAGE);
	free(t);
	json_decref(o);
}

static void
test_parse_errors(void **state)
{
	struct snc_identity admin;
	struct scl_group g, inv;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(2);
	char *good, *ginv, big[SCL_GROUP_TEXT_MAX + 2], hex[67], keys[17 * 67 + 4];
	size_t len;
	json_t *o;

	(void)state;
	ident(&admin, 200);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[0], &inv, &err), 0);
	good = scl_group_dump(&g);
	ginv = scl_group_dump(&inv);
	refused(good, "v", "2");
	refused(good, "v", NULL);
	refused(good, "name", "\"a b\"");
	refused(good, "id", "\"03\"");
	refused(good, "admin", "\"0300\"");
	refused(good, "gen", "-1");
	refused(good, "gen", "\"1\"");
	refused(good, "keys", "[]");
	refused(good, "keys", "[\"00\"]");
	refused(good, "members", "[]");
	sodium_bin2hex(hex, sizeof(hex), m[0], 33);
	refused(good, "members", NULL);
	refused(ginv, "auth", "\"03\"");
	/* the seed of another group */
	refused(good, "seed",
		"\"0000000000000000000000000000000000000000000000000000000000000000\"");
	/* both or neither secret */
	o = json_loads(ginv, 0, NULL);
	json_object_del(o, "auth");
	free(ginv);
	ginv = json_dumps(o, JSON_COMPACT);
	assert_int_equal(scl_group_parse(&g, ginv, strlen(ginv), &err), -1);
	json_decref(o);
	/* 17 keys */
	len = 0;
	for (int i = 0; i < 17; i++)
		len += (size_t)snprintf(keys + len, sizeof(keys) - len, "%s\"%.64s\"",
					i == 0 ? "[" : ",", hex + 2);
	snprintf(keys + len, sizeof(keys) - len, "]");
	refused(good, "keys", keys);
	/* a member twice, an admin not in the list, a 03 member */
	{
		char list[300], other[67];

		snprintf(list, sizeof(list), "[\"%s\",\"%s\"]", hex, hex);
		refused(good, "members", list);
		sodium_bin2hex(other, sizeof(other), m[1], 33);
		snprintf(list, sizeof(list), "[\"%s\",\"%s\"]", hex, other);
		refused(good, "members", list); /* 2 members, but not the admin */
		hex[1] = '3';
		snprintf(list, sizeof(list), "[\"%s\",\"%s\"]", hex, other);
		refused(good, "members", list);
	}
	refused(good, "extra", "1");
	assert_int_equal(scl_group_parse(&g, "{", 1, &err), -1);
	assert_int_equal(scl_group_parse(&g, "[]", 2, &err), -1);
	memset(big, ' ', sizeof(big));
	assert_int_equal(scl_group_parse(&g, big, SCL_GROUP_TEXT_MAX + 1, &err), -1);
	free(good);
	free(ginv);
	free(m);
}

static void
test_remove(void **state)
{
	struct snc_identity admin, carol;
	struct scl_group g, inv;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(2), token[36], t2[36], sa_sig[64], sig[64], key0[32];

	(void)state;
	ident(&admin, 200);
	ident(&carol, 2);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[1], &inv, &err), 0);
	memcpy(key0, g.keys[0], 32);
	assert_int_equal(scl_group_remove(&g, g.admin, token, &err), -1);
	assert_int_equal(scl_group_remove(&inv, m[0], token, &err), -1); /* not the admin */
	assert_int_equal(scl_group_remove(&g, m[1], token, &err), 0);
	/* the revoked token is the one carol presents */
	assert_int_equal(snc_subaccount_sign(carol.ed25519_sk, inv.auth, (const uint8_t *)"x", 1,
					     t2, sa_sig, sig),
			 0);
	assert_memory_equal(token, t2, 36);
	assert_int_equal(g.n_members, 2);
	assert_int_equal(scl_group_find(&g, m[1]), -1);
	assert_int_equal(g.n_keys, 2);
	assert_int_equal(g.gen, 1);
	assert_memory_equal(g.keys[1], key0, 32);
	assert_memory_not_equal(g.keys[0], key0, 32);
	assert_int_equal(scl_group_remove(&g, m[1], token, &err), -1); /* no longer a member */
	assert_int_equal(scl_group_remove(&g, m[0], token, &err), -1); /* would leave 1 */
	scl_group_wipe(&inv);
	free(m);
}

/* The field of a request's params, base64 or hex decoded into out. */
static void
field(json_t *req, const char *name, uint8_t *out, size_t n)
{
	const char *s = json_string_value(json_object_get(json_object_get(req, "params"), name));
	size_t got = 0;

	assert_non_null(s);
	if (strlen(s) == 2 * n)
		assert_int_equal(sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL), 0);
	else
		assert_int_equal(sodium_base642bin(out, n, s, strlen(s), NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
	assert_int_equal(got, n);
}

/* Verifies a request as control does; returns snc_storage_sig_verify's result. */
static int
verify(char *text, enum snc_storage_method meth, const uint8_t *msg, size_t len, bool sub)
{
	json_t *req = json_loads(text, 0, NULL);
	uint8_t pk[33], token[36], sa_sig[64], sig[64];
	struct snc_storage_auth auth = {0};
	int rc;

	assert_non_null(req);
	field(req, "pubkey", pk, 33);
	field(req, "signature", sig, 64);
	auth.pubkey = pk;
	auth.required_flags = (uint8_t)snc_storage_sig_required_flags(meth, SCL_GROUP_NS_MESSAGES);
	auth.owner_only = meth == SNC_STORAGE_REVOKE_SUBACCOUNT;
	if (sub) {
		field(req, "subaccount", token, 36);
		field(req, "subaccount_sig", sa_sig, 64);
		auth.subaccount = token;
		auth.subaccount_sig = sa_sig;
	} else {
		assert_null(json_object_get(json_object_get(req, "params"), "subaccount"));
	}
	rc = snc_storage_sig_verify(&auth, msg, len, sig);
	json_decref(req);
	free(text);
	return rc;
}

static void
test_requests(void **state)
{
	struct snc_identity admin, bob;
	struct scl_group g, inv;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(2), msg[128], token[36], data[3] = {1, 2, 3};
	uint64_t now = 1795765434921;
	size_t len;

	(void)state;
	ident(&admin, 200);
	ident(&bob, 1);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[0], &inv, &err), 0);
	assert_int_equal(snc_storage_sig_store(msg, sizeof(msg), &len, 11, now), 0);
	assert_int_equal(verify(scl_group_rpc_store(&inv, &bob, data, 3, 1000, now),
				SNC_STORAGE_STORE, msg, len, true),
			 0);
	assert_int_equal(verify(scl_group_rpc_store(&g, &admin, data, 3, 1000, now),
				SNC_STORAGE_STORE, msg, len, false),
			 0);
	/* another account cannot use bob's auth data: its token is not the signed one */
	assert_int_equal(verify(scl_group_rpc_store(&inv, &admin, data, 3, 1000, now),
				SNC_STORAGE_STORE, msg, len, true),
			 -EPERM);
	assert_int_equal(snc_storage_sig_retrieve(msg, sizeof(msg), &len, 11, now), 0);
	assert_int_equal(verify(scl_group_rpc_retrieve(&inv, &bob, now), SNC_STORAGE_RETRIEVE, msg,
				len, true),
			 0);
	assert_int_equal(scl_group_remove(&g, m[1], token, &err), 0);
	assert_int_equal(snc_storage_sig_revoke_subaccount(msg, sizeof(msg), &len, now, token, 1),
			 0);
	assert_int_equal(verify(scl_group_rpc_revoke(&g, token, now), SNC_STORAGE_REVOKE_SUBACCOUNT,
				msg, len, false),
			 0);
	assert_null(scl_group_rpc_revoke(&inv, token, now)); /* members cannot */
	scl_group_wipe(&inv);
	free(m);
}

/* After a removal, the removed member's keys do not open new messages; a remaining
 * member's updated invitation opens the old and the new. */
static void
test_rotation_keys(void **state)
{
	struct snc_identity admin;
	struct scl_group g, old, upd;
	struct scl_error err = {0};
	uint8_t(*m)[33] = ids(2), token[36], ct1[256], ct2[256], out[256], ed[32], sid[33];
	size_t l1, l2, n, ki;

	(void)state;
	ident(&admin, 200);
	assert_int_equal(scl_group_create(&g, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[1], &old, &err), 0);
	assert_int_equal(snc_group_msg_encrypt(&admin, g.keys[0], NULL, (const uint8_t *)"a", 1,
					       ct1, sizeof(ct1), &l1),
			 0);
	assert_int_equal(scl_group_remove(&g, m[1], token, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[0], &upd, &err), 0);
	assert_int_equal(scl_group_invite(&g, m[1], &old, &err), -1); /* removed: no invitation */
	assert_int_equal(scl_group_invite(&g, m[0], &upd, &err), 0);
	assert_int_equal(snc_group_msg_encrypt(&admin, g.keys[0], NULL, (const uint8_t *)"b", 1,
					       ct2, sizeof(ct2), &l2),
			 0);
	assert_int_equal(scl_group_create(&old, "G", &admin, (const uint8_t(*)[33])m, 2, &err), 0);
	memcpy(old.keys[0], g.keys[1], 32); /* what carol kept: the first key only */
	assert_int_equal(snc_group_msg_decrypt(&old.keys[0][0], 1, ct2, l2, out, sizeof(out), &n,
					       &ki, ed, sid),
			 -ENOKEY);
	assert_int_equal(snc_group_msg_decrypt(&upd.keys[0][0], upd.n_keys, ct2, l2, out,
					       sizeof(out), &n, &ki, ed, sid),
			 0);
	assert_int_equal(ki, 0);
	assert_int_equal(snc_group_msg_decrypt(&upd.keys[0][0], upd.n_keys, ct1, l1, out,
					       sizeof(out), &n, &ki, ed, sid),
			 0);
	assert_int_equal(ki, 1);
	assert_memory_equal(sid, g.admin, 33);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_limits), cmocka_unit_test(test_text),
		cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_remove),
		cmocka_unit_test(test_requests),      cmocka_unit_test(test_rotation_keys),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests_name("group", tests, NULL, NULL);
}
