/* SPDX-License-Identifier: MIT */
#include "rpc.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

enum {
	SIG_MSG_MAX = 64 * 1024,
};

void
scl_rpc_session_id_hex(const struct snc_identity *id, char out[67])
{
	uint8_t sid[SNC_SESSION_ID_BYTES];

	snc_identity_session_id(id, sid);
	sodium_bin2hex(out, 67, sid, sizeof(sid));
}

static char *
finish(const char *method, json_t *params)
{
	json_t *root;
	char *text;

	if (params == NULL)
		return NULL;
	root = json_pack("{s:s, s:o}", "method", method, "params", params);
	text = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	return text;
}

/* Adds pubkey, pubkey_ed25519 and the base64 signature of msg to params. */
static json_t *
sign_params(const struct snc_identity *id, json_t *params, const uint8_t *msg, size_t len)
{
	uint8_t sig[64];
	char sid[67], ed[65], b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];

	if (params == NULL)
		return NULL;
	crypto_sign_detached(sig, NULL, msg, len, id->ed25519_sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	scl_rpc_session_id_hex(id, sid);
	sodium_bin2hex(ed, sizeof(ed), id->ed25519_pk, 32);
	if (json_object_set_new(params, "pubkey", json_string(sid)) != 0 ||
	    json_object_set_new(params, "pubkey_ed25519", json_string(ed)) != 0 ||
	    json_object_set_new(params, "signature", json_string(b64)) != 0) {
		json_decref(params);
		return NULL;
	}
	return params;
}

char *
scl_rpc_store(const uint8_t pubkey[33], int ns, const uint8_t *data, size_t len, uint64_t ttl_ms,
	      uint64_t now_ms)
{
	size_t b64_len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64_len), hex[67], *text;

	if (b64 == NULL)
		return NULL;
	sodium_bin2base64(b64, b64_len, data, len, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2hex(hex, sizeof(hex), pubkey, 33);
	text = finish("store", json_pack("{s:s, s:I, s:I, s:i, s:s}", "pubkey", hex, "timestamp",
					 (json_int_t)now_ms, "ttl", (json_int_t)ttl_ms, "namespace",
					 ns, "data", b64));
	free(b64);
	return text;
}

char *
scl_rpc_retrieve(const struct snc_identity *id, int ns, uint64_t now_ms, const char *last_hash)
{
	uint8_t msg[64];
	size_t len;
	json_t *p;

	if (snc_storage_sig_retrieve(msg, sizeof(msg), &len, ns, now_ms) != 0)
		return NULL;
	p = json_pack("{s:I, s:i}", "timestamp", (json_int_t)now_ms, "namespace", ns);
	if (p != NULL && last_hash != NULL &&
	    json_object_set_new(p, "last_hash", json_string(last_hash)) != 0) {
		json_decref(p);
		return NULL;
	}
	return finish("retrieve", sign_params(id, p, msg, len));
}

static json_t *
string_array(const char *const *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++) {
		if (json_array_append_new(a, json_string(s[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* A signed request whose message needs a heap buffer (hash lists). */
static char *
signed_list(const struct snc_identity *id, const char *method, json_t *p, uint8_t *msg, int rc,
	    size_t len)
{
	char *text = rc == 0 ? finish(method, sign_params(id, p, msg, len)) : NULL;

	if (rc != 0)
		json_decref(p);
	free(msg);
	return text;
}

char *
scl_rpc_delete(const struct snc_identity *id, const char *const *hashes, size_t n)
{
	uint8_t *msg = malloc(SIG_MSG_MAX);
	size_t len = 0;
	int rc = msg == NULL ? -1 : snc_storage_sig_delete(msg, SIG_MSG_MAX, &len, hashes, n);

	return signed_list(id, "delete", json_pack("{s:o}", "messages", string_array(hashes, n)),
			   msg, rc, len);
}

char *
scl_rpc_delete_all(const struct snc_identity *id, int ns, uint64_t now_ms)
{
	uint8_t msg[64];
	size_t len;
	json_t *p;

	if (snc_storage_sig_delete_all(msg, sizeof(msg), &len, ns, now_ms) != 0)
		return NULL;
	p = ns == SNC_STORAGE_SIG_NS_ALL
		    ? json_pack("{s:I, s:s}", "timestamp", (json_int_t)now_ms, "namespace", "all")
		    : json_pack("{s:I, s:i}", "timestamp", (json_int_t)now_ms, "namespace", ns);
	return finish("delete_all", sign_params(id, p, msg, len));
}

char *
scl_rpc_expire(const struct snc_identity *id, const char *const *hashes, size_t n,
	       uint64_t expiry_ms)
{
	uint8_t *msg = malloc(SIG_MSG_MAX);
	size_t len = 0;
	int rc = msg == NULL
			 ? -1
			 : snc_storage_sig_expire(msg, SIG_MSG_MAX, &len, SNC_STORAGE_EXPIRE_ANY,
						  &expiry_ms, 1, hashes, n);

	return signed_list(id, "expire",
			   json_pack("{s:o, s:I}", "messages", string_array(hashes, n), "expiry",
				     (json_int_t)expiry_ms),
			   msg, rc, len);
}
