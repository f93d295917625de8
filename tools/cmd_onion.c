/* SPDX-License-Identifier: MIT */
/*
 * snode-tool onion-*: Session onion layers from the command line (client and
 * node side), for operators checking interoperability and for the tests that
 * cross-check snode against the independent Python builder.
 */
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aead.h"
#include "batch.h"
#include "identity.h"
#include "onion_build.h"
#include "onion_layer.h"
#include "onion_route.h"
#include "payload.h"
#include "tool.h"

struct onion_opts {
	const char *cmd;
	enum snc_enc_type type;
	const char *node_sk_hex, *data_dir, *node_pk_hex, *eph_hex, *eph_seed_hex, *key_hex;
	const char *data_b64, *entry_b64, *dest, *server;
	const char *relays[SNC_ONION_MAX_RELAYS + 1];
	size_t n_relays;
};

static const struct option onion_long_opts[] = {
	{"enc-type", required_argument, NULL, 't'},
	{"node-x25519-sk", required_argument, NULL, 'k'},
	{"data-dir", required_argument, NULL, 'd'},
	{"node-x25519", required_argument, NULL, 'n'},
	{"ephemeral-key", required_argument, NULL, 'e'},
	{"eph-seed", required_argument, NULL, 's'},
	{"key", required_argument, NULL, 'K'},
	{"data-b64", required_argument, NULL, 'b'},
	{"body-b64", required_argument, NULL, 'b'},
	{"blob-b64", required_argument, NULL, 'b'},
	{"entry-b64", required_argument, NULL, 'E'},
	{"relay", required_argument, NULL, 'r'},
	{"dest", required_argument, NULL, 'D'},
	{"server", required_argument, NULL, 'S'},
	{NULL, 0, NULL, 0},
};

static int
parse_opts(const char *cmd, int argc, char **argv, struct onion_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", onion_long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (snc_enc_type_parse(optarg, strlen(optarg), &o->type) != 0)
				return tool_usage_error(cmd, "unknown --enc-type '%s'", optarg);
			break;
		case 'k':
			o->node_sk_hex = optarg;
			break;
		case 'd':
			o->data_dir = optarg;
			break;
		case 'n':
			o->node_pk_hex = optarg;
			break;
		case 'e':
			o->eph_hex = optarg;
			break;
		case 's':
			o->eph_seed_hex = optarg;
			break;
		case 'K':
			o->key_hex = optarg;
			break;
		case 'b':
			o->data_b64 = optarg;
			break;
		case 'E':
			o->entry_b64 = optarg;
			break;
		case 'D':
			o->dest = optarg;
			break;
		case 'S':
			o->server = optarg;
			break;
		case 'r':
			if (o->n_relays == SNC_ONION_MAX_RELAYS)
				return tool_usage_error(cmd, "at most %d --relay",
							SNC_ONION_MAX_RELAYS);
			o->relays[o->n_relays++] = optarg;
			break;
		default:
			return tool_usage_error(cmd, "unknown option '%s' (see docs/snode-tool.md)",
						argv[optind - 1]);
		}
	}
	if (optind != argc)
		return tool_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int
need_key32(const struct onion_opts *o, const char *hex, const char *flag, uint8_t out[32])
{
	if (hex == NULL)
		return tool_usage_error(o->cmd, "%s is required", flag);
	if (tool_hex_exact(hex, out, 32) != 0)
		return tool_usage_error(o->cmd, "%s needs 64 hex characters", flag);
	return 0;
}

static int
need_b64(const struct onion_opts *o, const char *b64, const char *flag, uint8_t **out, size_t *len)
{
	if (b64 == NULL)
		return tool_usage_error(o->cmd, "%s is required", flag);
	if (tool_b64_decode(b64, out, len) != 0)
		return tool_fail(o->cmd, "%s is not valid base64", flag);
	return 0;
}

/* The node's X25519 keys from --node-x25519-sk or from the identity in --data-dir. */
static int
node_keys(const struct onion_opts *o, struct snc_node_keys *node)
{
	struct snc_identity id;
	char path[PATH_MAX], err[PATH_MAX + 128];
	int rc;

	if (o->node_sk_hex != NULL) {
		rc = need_key32(o, o->node_sk_hex, "--node-x25519-sk", node->x25519_sk);
		if (rc == 0)
			crypto_scalarmult_base(node->x25519_pk, node->x25519_sk);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%s", o->data_dir ? o->data_dir : tool_default_data_dir(),
		 SNC_IDENTITY_FILE);
	if (snc_identity_load(path, &id, err, sizeof(err)) != 0)
		return tool_fail(o->cmd, "%s", err);
	memcpy(node->x25519_sk, id.x25519_sk, 32);
	memcpy(node->x25519_pk, id.x25519_pk, 32);
	snc_identity_wipe(&id);
	return 0;
}

static const char *
route_kind_name(enum snc_route_kind k)
{
	return k == SNC_ROUTE_DESTINATION ? "destination"
	       : k == SNC_ROUTE_PROXY	  ? "proxy"
					  : "relay";
}

static const char *
route_error(int rc)
{
	switch (rc) {
	case SNC_ROUTE_E_JSON:
		return "Invalid json";
	case SNC_ROUTE_E_HOPS:
		return "onion request max path length exceeded";
	default:
		return "routing JSON lacks a required field or has a malformed one";
	}
}

int
tool_cmd_onion_encrypt(int argc, char **argv)
{
	struct onion_opts o;
	uint8_t node_pk[32], seed[32], eph_sk[32], eph_pk[32], key[32], *pt = NULL, *ct;
	size_t pt_len = 0, ct_len;
	json_t *out;
	int rc = parse_opts("onion-encrypt", argc, argv, &o);

	if (rc == 0)
		rc = need_key32(&o, o.node_pk_hex, "--node-x25519", node_pk);
	if (rc == 0 && o.eph_seed_hex != NULL)
		rc = need_key32(&o, o.eph_seed_hex, "--eph-seed", seed);
	else
		randombytes_buf(seed, 32);
	if (rc == 0)
		rc = need_b64(&o, o.data_b64, "--data-b64", &pt, &pt_len);
	if (rc != 0)
		return rc;
	snc_onion_layer_keypair_from_seed(seed, eph_sk, eph_pk);
	ct = malloc(snc_enc_type_sealed_len(o.type, pt_len));
	rc = snc_onion_layer_client_key(o.type, eph_sk, eph_pk, node_pk, key);
	if (rc == 0)
		rc = snc_aead_seal(o.type, key, pt, pt_len, ct,
				   snc_enc_type_sealed_len(o.type, pt_len), &ct_len);
	free(pt);
	sodium_memzero(eph_sk, 32);
	if (rc != 0) {
		free(ct);
		return tool_fail(o.cmd, "encryption failed (%s)",
				 rc == SNC_E_LOW_ORDER ? "low-order node key" : "crypto error");
	}
	out = json_pack("{s:s, s:o, s:o, s:o}", "enc_type", snc_enc_type_name(o.type),
			"ephemeral_key", tool_json_hex(eph_pk, 32), "ciphertext_b64",
			tool_json_b64(ct, ct_len), "hop_key", tool_json_hex(key, 32));
	free(ct);
	return tool_print_json(out);
}

int
tool_cmd_onion_decrypt(int argc, char **argv)
{
	struct onion_opts o;
	struct snc_node_keys node;
	uint8_t eph[32], key[32], *ct = NULL, *pt;
	size_t ct_len = 0, pt_len;
	int rc = parse_opts("onion-decrypt", argc, argv, &o);

	if (rc == 0)
		rc = need_key32(&o, o.eph_hex, "--ephemeral-key", eph);
	if (rc == 0)
		rc = need_b64(&o, o.data_b64, "--data-b64", &ct, &ct_len);
	if (rc == 0)
		rc = node_keys(&o, &node);
	if (rc != 0) {
		free(ct);
		return rc;
	}
	pt = malloc(ct_len + 1);
	rc = snc_onion_layer_decrypt(&node, o.type, eph, ct, ct_len, pt, ct_len, &pt_len, key);
	free(ct);
	sodium_memzero(&node, sizeof(node));
	if (rc != 0) {
		free(pt);
		return tool_fail(o.cmd, "Invalid ciphertext (%s)",
				 rc == SNC_E_LOW_ORDER ? "low-order ephemeral key"
				 : rc == SNC_E_LENGTH  ? "too short"
						       : "authentication failed");
	}
	rc = tool_print_json(json_pack("{s:o, s:o}", "plaintext_b64", tool_json_b64(pt, pt_len),
				       "hop_key", tool_json_hex(key, 32)));
	free(pt);
	return rc;
}

/* "X25519HEX:ED25519HEX" */
static int
parse_node(const struct onion_opts *o, const char *text, struct snc_onion_node *n)
{
	char x[65], ed[65];

	if (strlen(text) != 129 || text[64] != ':')
		return tool_usage_error(o->cmd, "a node is X25519HEX:ED25519HEX, got '%s'", text);
	memcpy(x, text, 64);
	x[64] = '\0';
	memcpy(ed, text + 65, 64);
	ed[64] = '\0';
	if (tool_hex_exact(x, n->x25519, 32) != 0 || tool_hex_exact(ed, n->ed25519, 32) != 0)
		return tool_usage_error(o->cmd, "bad hex in node '%s'", text);
	return 0;
}

/* "host,target,protocol,port,X25519HEX"; splits text in place. */
static int
parse_server(const struct onion_opts *o, char *text, struct snc_onion_server *s)
{
	char *f[5], *save = NULL;
	long port;
	int i;

	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(i == 0 ? text : NULL, ",", &save);
		if (f[i] == NULL)
			break;
	}
	if (i != 5 || strtok_r(NULL, ",", &save) != NULL)
		return tool_usage_error(o->cmd, "--server is host,target,protocol,port,X25519HEX");
	port = strtol(f[3], NULL, 10);
	if (port < 1 || port > 65535 || tool_hex_exact(f[4], s->x25519, 32) != 0)
		return tool_usage_error(o->cmd, "--server: bad port or key");
	s->host = f[0];
	s->target = f[1];
	s->protocol = f[2];
	s->port = (uint16_t)port;
	return 0;
}

int
tool_cmd_onion_build(int argc, char **argv)
{
	struct onion_opts o;
	struct snc_onion_node relays[SNC_ONION_MAX_RELAYS], dest;
	struct snc_onion_server srv;
	struct snc_onion on;
	char server_buf[1024];
	uint8_t *body = NULL;
	size_t body_len = 0;
	int rc = parse_opts("onion-build", argc, argv, &o);

	for (size_t i = 0; rc == 0 && i < o.n_relays; i++)
		rc = parse_node(&o, o.relays[i], &relays[i]);
	if (rc == 0 && (o.dest == NULL) == (o.server == NULL))
		rc = tool_usage_error(o.cmd, "give exactly one of --dest and --server");
	if (rc == 0 && o.dest != NULL)
		rc = parse_node(&o, o.dest, &dest);
	if (rc == 0 && o.server != NULL) {
		snprintf(server_buf, sizeof(server_buf), "%s", o.server);
		rc = parse_server(&o, server_buf, &srv);
	}
	if (rc == 0)
		rc = need_b64(&o, o.data_b64, "--body-b64", &body, &body_len);
	if (rc != 0)
		return rc;
	rc = o.dest != NULL ? snc_onion_build_to_node(o.type, relays, o.n_relays, &dest, body,
						      body_len, NULL, &on)
			    : snc_onion_build_to_server(o.type, relays, o.n_relays, &srv, body,
							body_len, NULL, &on);
	free(body);
	if (rc != 0)
		return tool_fail(o.cmd, "cannot build the onion (%s)",
				 rc == -EINVAL ? "bad path: a server needs at least one relay"
					       : "crypto error");
	rc = tool_print_json(json_pack("{s:s, s:o, s:o}", "enc_type", snc_enc_type_name(o.type),
				       "payload_b64", tool_json_b64(on.payload, on.payload_len),
				       "dest_key", tool_json_hex(on.dest_key, 32)));
	snc_onion_free(&on);
	return rc;
}

static json_t *
route_json(const struct snc_route *r)
{
	json_t *j = json_pack("{s:s}", "kind", route_kind_name(r->kind));

	switch (r->kind) {
	case SNC_ROUTE_DESTINATION:
		json_object_set_new(j, "json", json_boolean(r->json_body));
		json_object_set_new(j, "base64", json_boolean(r->base64_reply));
		break;
	case SNC_ROUTE_PROXY:
		json_object_set_new(j, "host", json_string(r->host));
		json_object_set_new(j, "target", json_string(r->target));
		json_object_set_new(j, "port", json_integer(r->port));
		json_object_set_new(j, "protocol", json_string(r->https ? "https" : "http"));
		json_object_set_new(j, "target_allowed", json_boolean(r->target_allowed));
		break;
	case SNC_ROUTE_RELAY:
		json_object_set_new(j, "destination", tool_json_hex(r->next_ed25519, 32));
		json_object_set_new(j, "ephemeral_key", tool_json_hex(r->eph_pk, 32));
		json_object_set_new(j, "enc_type", json_string(snc_enc_type_name(r->enc_type)));
		break;
	}
	return j;
}

/* The layer to peel: from an entry payload, or from --enc-type/--ephemeral-key/--blob-b64. */
static int
peel_input(struct onion_opts *o, uint8_t **buf, const uint8_t **blob, size_t *blob_len,
	   uint8_t eph[32])
{
	struct snc_payload p;
	struct snc_route_entry e;
	size_t len;
	int rc;

	if (o->entry_b64 == NULL) {
		rc = need_key32(o, o->eph_hex, "--ephemeral-key (or --entry-b64)", eph);
		if (rc == 0)
			rc = need_b64(o, o->data_b64, "--blob-b64", buf, blob_len);
		*blob = *buf;
		return rc;
	}
	rc = need_b64(o, o->entry_b64, "--entry-b64", buf, &len);
	if (rc != 0)
		return rc;
	if (snc_payload_parse(*buf, len, &p) != 0)
		return tool_fail(o->cmd, "Error parsing onion request: bad combined payload");
	rc = snc_route_parse_entry(p.json, p.json_len, &e);
	if (rc != 0)
		return tool_fail(o->cmd, "Error parsing onion request: %s", route_error(rc));
	o->type = e.enc_type;
	memcpy(eph, e.eph_pk, 32);
	*blob = p.blob;
	*blob_len = p.blob_len;
	return 0;
}

int
tool_cmd_onion_peel(int argc, char **argv)
{
	struct onion_opts o;
	struct snc_node_keys node;
	struct snc_payload p;
	struct snc_route r;
	const uint8_t *blob = NULL;
	uint8_t eph[32], key[32], *buf = NULL, *pt = NULL;
	size_t blob_len = 0, pt_len;
	json_t *out;
	int rc = parse_opts("onion-peel", argc, argv, &o);

	if (rc == 0)
		rc = peel_input(&o, &buf, &blob, &blob_len, eph);
	if (rc == 0)
		rc = node_keys(&o, &node);
	if (rc == 0) {
		pt = malloc(blob_len + 1);
		rc = snc_onion_layer_decrypt(&node, o.type, eph, blob, blob_len, pt, blob_len,
					     &pt_len, key);
		sodium_memzero(&node, sizeof(node));
		if (rc != 0)
			rc = tool_fail(o.cmd, "Invalid ciphertext");
	}
	free(buf);
	if (rc != 0) {
		free(pt);
		return rc;
	}
	out = json_pack("{s:o, s:o}", "hop_key", tool_json_hex(key, 32), "plaintext_b64",
			tool_json_b64(pt, pt_len));
	if (snc_payload_parse(pt, pt_len, &p) == 0 &&
	    (rc = snc_route_parse(p.json, p.json_len, &r)) == 0) {
		json_object_set_new(out, "route", route_json(&r));
		json_object_set_new(out, "blob_b64", tool_json_b64(p.blob, p.blob_len));
	} else {
		/* A server destination's raw body, or what a node answers as {"status":400}. */
		json_object_set_new(out, "route_error", json_string(route_error(rc)));
	}
	free(pt);
	return tool_print_json(out);
}

static int
reply_crypt(const char *cmd, int argc, char **argv, int seal)
{
	struct onion_opts o;
	uint8_t key[32], *in = NULL, *res;
	size_t in_len = 0, res_len, cap;
	int rc = parse_opts(cmd, argc, argv, &o);

	if (rc == 0)
		rc = need_key32(&o, o.key_hex, "--key", key);
	if (rc == 0)
		rc = need_b64(&o, o.data_b64, "--data-b64", &in, &in_len);
	if (rc != 0)
		return rc;
	cap = seal ? snc_enc_type_sealed_len(o.type, in_len) : in_len + 1;
	res = malloc(cap);
	rc = seal ? snc_aead_seal(o.type, key, in, in_len, res, cap, &res_len)
		  : snc_aead_open(o.type, key, in, in_len, res, cap, &res_len);
	free(in);
	sodium_memzero(key, 32);
	if (rc != 0) {
		free(res);
		return tool_fail(cmd, "%s", seal ? "encryption failed" : "Invalid ciphertext");
	}
	rc = tool_print_json(json_pack("{s:o}", seal ? "ciphertext_b64" : "plaintext_b64",
				       tool_json_b64(res, res_len)));
	free(res);
	return rc;
}

int
tool_cmd_onion_reply_seal(int argc, char **argv)
{
	return reply_crypt("onion-reply-seal", argc, argv, 1);
}

int
tool_cmd_onion_reply_open(int argc, char **argv)
{
	return reply_crypt("onion-reply-open", argc, argv, 0);
}
