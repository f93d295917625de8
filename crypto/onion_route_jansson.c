/* SPDX-License-Identifier: MIT */
/*
 * The jansson route parser (onion_route_jansson.h): the code snc_route_parse
 * ran until crypto/json_scan replaced it, kept unchanged as the reference.
 */
#include "onion_route_jansson.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "batch.h"

static json_t *
load_object(const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);

	if (root != NULL && !json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* 32 bytes from exactly 64 hex characters. */
static int
get_key32(json_t *obj, const char *name, uint8_t out[32])
{
	json_t *v = json_object_get(obj, name);
	size_t got = 0;
	const char *end = NULL;

	if (!json_is_string(v) || json_string_length(v) != 64)
		return SNC_ROUTE_E_FIELD;
	if (sodium_hex2bin(out, 32, json_string_value(v), 64, NULL, &got, &end) != 0 || got != 32)
		return SNC_ROUTE_E_FIELD;
	return 0;
}

/* Optional enc_type; absent means aes-gcm, an unknown name is an error. */
static int
get_enc_type(json_t *obj, enum snc_enc_type *out)
{
	json_t *v = json_object_get(obj, "enc_type");

	*out = SNC_ENC_AES_GCM;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return SNC_ROUTE_E_FIELD;
	return snc_enc_type_parse(json_string_value(v), json_string_length(v), out);
}

static int
get_bool(json_t *obj, const char *name, bool dflt, bool *out)
{
	json_t *v = json_object_get(obj, name);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return SNC_ROUTE_E_FIELD;
	*out = json_is_true(v);
	return 0;
}

static int
get_string(json_t *obj, const char *name, char *out, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	size_t len;

	if (!json_is_string(v))
		return SNC_ROUTE_E_FIELD;
	len = json_string_length(v);
	if (len == 0 || len >= cap || memchr(json_string_value(v), '\0', len) != NULL)
		return SNC_ROUTE_E_FIELD;
	memcpy(out, json_string_value(v), len + 1);
	return 0;
}

static int
parse_proxy(json_t *root, struct snc_route *r)
{
	json_t *port = json_object_get(root, "port");
	json_t *proto = json_object_get(root, "protocol");
	int rc;

	r->kind = SNC_ROUTE_PROXY;
	r->port = 443;
	r->https = true;
	rc = get_string(root, "host", r->host, sizeof(r->host));
	if (rc == 0)
		rc = get_string(root, "target", r->target, sizeof(r->target));
	if (rc != 0)
		return rc;
	if (port != NULL) {
		if (!json_is_integer(port) || json_integer_value(port) < 1 ||
		    json_integer_value(port) > 65535)
			return SNC_ROUTE_E_FIELD;
		r->port = (uint16_t)json_integer_value(port);
	}
	if (proto != NULL) {
		if (json_is_string(proto) && strcmp(json_string_value(proto), "http") == 0)
			r->https = false;
		else if (!json_is_string(proto) || strcmp(json_string_value(proto), "https") != 0)
			return SNC_ROUTE_E_FIELD;
	}
	r->target_allowed = snc_route_target_allowed(r->target);
	/* The server's key material rides along for the server; the exit ignores it,
	 * so a missing or malformed value is not an error here. */
	if (get_key32(root, "ephemeral_key", r->eph_pk) != 0)
		memset(r->eph_pk, 0, sizeof(r->eph_pk));
	if (get_enc_type(root, &r->enc_type) != 0)
		r->enc_type = SNC_ENC_AES_GCM;
	return 0;
}

static int
parse_relay(json_t *root, struct snc_route *r)
{
	int rc;

	r->kind = SNC_ROUTE_RELAY;
	rc = get_key32(root, "destination", r->next_ed25519);
	if (rc == 0)
		rc = get_key32(root, "ephemeral_key", r->eph_pk);
	if (rc == 0)
		rc = get_enc_type(root, &r->enc_type);
	return rc;
}

int
snc_route_jansson_parse(const char *json, size_t len, struct snc_route *out)
{
	json_t *root = load_object(json, len);
	int rc;

	memset(out, 0, sizeof(*out));
	if (root == NULL)
		return SNC_ROUTE_E_JSON;
	if (json_object_get(root, "headers") != NULL) {
		out->kind = SNC_ROUTE_DESTINATION;
		rc = get_bool(root, "json", false, &out->json_body);
		if (rc == 0)
			rc = get_bool(root, "base64", true, &out->base64_reply);
	} else if (json_object_get(root, "host") != NULL) {
		rc = parse_proxy(root, out);
	} else {
		rc = parse_relay(root, out);
	}
	json_decref(root);
	return rc;
}

int
snc_route_jansson_parse_entry(const char *json, size_t len, struct snc_route_entry *out)
{
	json_t *root = load_object(json, len), *hop;
	int rc;

	memset(out, 0, sizeof(*out));
	if (root == NULL)
		return SNC_ROUTE_E_JSON;
	rc = get_key32(root, "ephemeral_key", out->eph_pk);
	if (rc == 0)
		rc = get_enc_type(root, &out->enc_type);
	hop = json_object_get(root, "hop_no");
	if (rc == 0 && hop != NULL) {
		if (!json_is_integer(hop))
			rc = SNC_ROUTE_E_FIELD;
		else if (json_integer_value(hop) > SNC_ROUTE_MAX_HOPS)
			rc = SNC_ROUTE_E_HOPS;
		else if (json_integer_value(hop) > 0)
			out->hop_no = (int)json_integer_value(hop);
	}
	json_decref(root);
	return rc;
}
