/* SPDX-License-Identifier: MIT */
#include "onion_build.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "aead.h"
#include "onion_layer.h"
#include "payload.h"

/* A growing message: each wrap replaces buf with a longer one. */
struct wrap {
	uint8_t *buf;
	size_t len;
};

static void
hex32(const uint8_t key[32], char out[65])
{
	sodium_bin2hex(out, 65, key, 32);
}

/* buf := Enc_{node_x}(plaintext) under the ephemeral pair from seed (or random). */
static int
encrypt_to(enum snc_enc_type type, const uint8_t node_x[32], const uint8_t *seed, const uint8_t *pt,
	   size_t pt_len, struct wrap *w, uint8_t eph_pk[32], uint8_t key_out[32],
	   uint8_t dh_out[32])
{
	uint8_t eph_seed[32], eph_sk[32], key[32];
	size_t cap = snc_enc_type_sealed_len(type, pt_len);
	uint8_t *ct = malloc(cap);
	int rc;

	if (ct == NULL)
		return -ENOMEM;
	if (seed != NULL)
		memcpy(eph_seed, seed, 32);
	else
		randombytes_buf(eph_seed, 32);
	snc_onion_layer_keypair_from_seed(eph_seed, eph_sk, eph_pk);
	rc = snc_onion_layer_client_key(type, eph_sk, eph_pk, node_x, key);
	if (rc == 0)
		rc = snc_aead_seal(type, key, pt, pt_len, ct, cap, &w->len);
	if (rc == 0 && key_out != NULL)
		memcpy(key_out, key, 32);
	if (rc == 0 && crypto_scalarmult(dh_out, eph_sk, node_x) != 0)
		rc = -EINVAL;
	sodium_memzero(eph_seed, 32);
	sodium_memzero(eph_sk, 32);
	sodium_memzero(key, 32);
	free(w->buf);
	w->buf = rc == 0 ? ct : NULL;
	if (rc != 0)
		free(ct);
	return rc;
}

/* [len(blob)] blob json, as a new malloc'd buffer. */
static int
combine(const uint8_t *blob, size_t blob_len, json_t *json, uint8_t **out, size_t *out_len)
{
	char *text = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t need;
	int rc;

	json_decref(json);
	if (text == NULL)
		return -ENOMEM;
	need = snc_payload_len(blob_len, strlen(text));
	*out = malloc(need);
	rc = *out == NULL
		     ? -ENOMEM
		     : snc_payload_build(blob, blob_len, text, strlen(text), *out, need, out_len);
	free(text);
	return rc;
}

static json_t *
hop_json(const uint8_t next_ed[32], const uint8_t eph_pk[32], enum snc_enc_type type)
{
	char ed[65], eph[65];

	hex32(next_ed, ed);
	hex32(eph_pk, eph);
	return json_pack("{s:s, s:s, s:s}", "destination", ed, "ephemeral_key", eph, "enc_type",
			 snc_enc_type_name(type));
}

/* Wraps w (the layer for the hop after relay i) in relay i's layer, outward to relay 0. */
static int
wrap_relays(enum snc_enc_type type, const struct snc_onion_node *relays, size_t n_relays,
	    json_t *last_json, const uint8_t *eph_seeds, struct wrap *w, uint8_t eph[32],
	    struct snc_onion *out)
{
	json_t *json = last_json;

	for (size_t k = n_relays; k-- > 0;) {
		uint8_t *pt = NULL;
		size_t pt_len = 0;
		int rc = combine(w->buf, w->len, json, &pt, &pt_len);

		if (rc == 0)
			rc = encrypt_to(type, relays[k].x25519,
					eph_seeds ? eph_seeds + 32 * k : NULL, pt, pt_len, w, eph,
					out->hop_keys[k], out->entry_dh);
		if (pt != NULL)
			sodium_memzero(pt, pt_len);
		free(pt);
		if (rc != 0)
			return rc;
		json = k > 0 ? hop_json(relays[k].ed25519, eph, type) : NULL;
	}
	return 0;
}

static int
finish_entry(enum snc_enc_type type, struct wrap *w, const uint8_t eph[32], struct snc_onion *out)
{
	char eph_hex[65];

	hex32(eph, eph_hex);
	return combine(w->buf, w->len,
		       json_pack("{s:s, s:s}", "ephemeral_key", eph_hex, "enc_type",
				 snc_enc_type_name(type)),
		       &out->payload, &out->payload_len);
}

static int
build(enum snc_enc_type type, const struct snc_onion_node *relays, size_t n_relays,
      const uint8_t dest_x[32], const uint8_t *inner, size_t inner_len, json_t *last_json,
      const uint8_t *eph_seeds, struct snc_onion *out)
{
	struct wrap w = {0};
	uint8_t eph[32];
	int rc;

	memset(out, 0, sizeof(*out));
	out->type = type;
	rc = encrypt_to(type, dest_x, eph_seeds ? eph_seeds + 32 * n_relays : NULL, inner,
			inner_len, &w, eph, out->dest_key, out->entry_dh);
	memcpy(out->hop_keys[n_relays], out->dest_key, 32);
	out->n_hops = n_relays + 1;
	if (rc == 0 && last_json == NULL) {
		/* Node destination: the last relay names it with the destination's key. */
		rc = -EINVAL;
	}
	if (rc == 0) {
		char eph_hex[65];

		hex32(eph, eph_hex);
		if (json_object_set_new(last_json, "ephemeral_key", json_string(eph_hex)) != 0 ||
		    json_object_set_new(last_json, "enc_type",
					json_string(snc_enc_type_name(type))) != 0)
			rc = -ENOMEM;
	}
	if (rc == 0 && n_relays > 0) {
		rc = wrap_relays(type, relays, n_relays, last_json, eph_seeds, &w, eph, out);
		last_json = NULL;
	}
	if (rc == 0) {
		memcpy(out->entry_eph, eph, 32);
		rc = finish_entry(type, &w, eph, out);
	}
	json_decref(last_json);
	free(w.buf);
	if (rc != 0)
		snc_onion_free(out);
	return rc;
}

int
snc_onion_build_to_node(enum snc_enc_type type, const struct snc_onion_node *relays,
			size_t n_relays, const struct snc_onion_node *dest, const uint8_t *body,
			size_t body_len, const uint8_t *eph_seeds, struct snc_onion *out)
{
	char ed[65];
	uint8_t *inner = NULL;
	size_t inner_len = 0;
	int rc;

	if (type >= SNC_ENC_TYPE_COUNT || n_relays > SNC_ONION_MAX_RELAYS)
		return -EINVAL;
	/* The destination's plaintext: [len(P)] P {"headers":""} */
	rc = combine(body, body_len, json_pack("{s:s}", "headers", ""), &inner, &inner_len);
	if (rc == 0) {
		hex32(dest->ed25519, ed);
		rc = build(type, relays, n_relays, dest->x25519, inner, inner_len,
			   json_pack("{s:s}", "destination", ed), eph_seeds, out);
	}
	free(inner);
	return rc;
}

int
snc_onion_build_to_server(enum snc_enc_type type, const struct snc_onion_node *relays,
			  size_t n_relays, const struct snc_onion_server *server,
			  const uint8_t *body, size_t body_len, const uint8_t *eph_seeds,
			  struct snc_onion *out)
{
	json_t *exit_json;

	if (type >= SNC_ENC_TYPE_COUNT || n_relays == 0 || n_relays > SNC_ONION_MAX_RELAYS ||
	    server->host == NULL || server->target == NULL || server->protocol == NULL)
		return -EINVAL;
	exit_json = json_pack("{s:s, s:s, s:s, s:s, s:i}", "host", server->host, "target",
			      server->target, "method", "POST", "protocol", server->protocol,
			      "port", (json_int_t)server->port);
	if (exit_json == NULL)
		return -EINVAL; /* host/target not valid UTF-8 */
	/* A server destination gets the raw body, without a combined-payload wrapper. */
	return build(type, relays, n_relays, server->x25519, body, body_len, exit_json, eph_seeds,
		     out);
}

int
snc_onion_open_reply(const struct snc_onion *onion, const uint8_t *in, size_t in_len, uint8_t *out,
		     size_t out_cap, size_t *out_len)
{
	return snc_aead_open(onion->type, onion->dest_key, in, in_len, out, out_cap, out_len);
}

void
snc_onion_free(struct snc_onion *onion)
{
	free(onion->payload);
	sodium_memzero(onion, sizeof(*onion));
}
