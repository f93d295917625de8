/* SPDX-License-Identifier: MIT */
/* Storage requests on a group's swarm: owner-signed (admin) or subaccount-signed (member). */
#include "group.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "storage_sig.h"

enum {
	B64_64 = sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL),
};

static json_t *
b64(const uint8_t *b, size_t n)
{
	char s[B64_64];

	sodium_bin2base64(s, sizeof(s), b, n, sodium_base64_VARIANT_ORIGINAL);
	return json_string(s);
}

/* Adds pubkey (the group's 03 id), signature and, for a member, subaccount and
 * subaccount_sig; then wraps params as {"method", "params"}. */
static char *
finish(const struct scl_group *g, const struct snc_identity *me, const char *method, json_t *params,
       const uint8_t *msg, size_t len)
{
	uint8_t sig[64], token[SNC_SUBACCOUNT_TOKEN_BYTES], sa_sig[64], sk[64], pk[32];
	char id[67];
	json_t *root = NULL;
	char *text = NULL;
	int rc = params != NULL ? 0 : -1;

	if (rc == 0 && g->has_seed) {
		crypto_sign_seed_keypair(pk, sk, g->seed);
		crypto_sign_detached(sig, NULL, msg, len, sk);
		sodium_memzero(sk, sizeof(sk));
	} else if (rc == 0) {
		rc = me != NULL ? snc_subaccount_sign(me->ed25519_sk, g->auth, msg, len, token,
						      sa_sig, sig)
				: -1;
		if (rc == 0 &&
		    (json_object_set_new(params, "subaccount", b64(token, sizeof(token))) != 0 ||
		     json_object_set_new(params, "subaccount_sig", b64(sa_sig, 64)) != 0))
			rc = -1;
	}
	sodium_bin2hex(id, sizeof(id), g->id, 33);
	if (rc == 0 && json_object_set_new(params, "pubkey", json_string(id)) == 0 &&
	    json_object_set_new(params, "signature", b64(sig, 64)) == 0) {
		root = json_pack("{s:s, s:O}", "method", method, "params", params);
		text = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
	}
	json_decref(root);
	json_decref(params);
	return text;
}

char *
scl_group_rpc_store(const struct scl_group *g, const struct snc_identity *me, const uint8_t *data,
		    size_t len, uint64_t ttl_ms, uint64_t now_ms)
{
	size_t b64_len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL), mlen;
	char *d = malloc(b64_len), *text = NULL;
	uint8_t msg[64];

	if (d != NULL &&
	    snc_storage_sig_store(msg, sizeof(msg), &mlen, SCL_GROUP_NS_MESSAGES, now_ms) == 0) {
		sodium_bin2base64(d, b64_len, data, len, sodium_base64_VARIANT_ORIGINAL);
		text = finish(g, me, "store",
			      json_pack("{s:I, s:I, s:i, s:s}", "timestamp", (json_int_t)now_ms,
					"ttl", (json_int_t)ttl_ms, "namespace",
					SCL_GROUP_NS_MESSAGES, "data", d),
			      msg, mlen);
	}
	free(d);
	return text;
}

char *
scl_group_rpc_retrieve(const struct scl_group *g, const struct snc_identity *me, uint64_t now_ms)
{
	uint8_t msg[64];
	size_t mlen;

	if (snc_storage_sig_retrieve(msg, sizeof(msg), &mlen, SCL_GROUP_NS_MESSAGES, now_ms) != 0)
		return NULL;
	return finish(g, me, "retrieve",
		      json_pack("{s:I, s:i}", "timestamp", (json_int_t)now_ms, "namespace",
				SCL_GROUP_NS_MESSAGES),
		      msg, mlen);
}

char *
scl_group_rpc_revoke(const struct scl_group *g, const uint8_t token[36], uint64_t now_ms)
{
	uint8_t msg[128];
	char t[2 * SNC_SUBACCOUNT_TOKEN_BYTES + 1];
	size_t mlen;

	if (!g->has_seed ||
	    snc_storage_sig_revoke_subaccount(msg, sizeof(msg), &mlen, now_ms, token, 1) != 0)
		return NULL;
	sodium_bin2hex(t, sizeof(t), token, SNC_SUBACCOUNT_TOKEN_BYTES);
	return finish(g, NULL, "revoke_subaccount",
		      json_pack("{s:I, s:s}", "timestamp", (json_int_t)now_ms, "revoke", t), msg,
		      mlen);
}
