/* SPDX-License-Identifier: MIT */
/*
 * crypto/onion_build.c: onions built by the client side are peeled hop by hop
 * with the node side (onion_layer + payload + onion_route), for a node and a
 * server destination, both AEAD enc_types, 0 to 3 relays; the reply opens.
 */
#include "test_common.h"

#include "aead.h"
#include "batch.h"
#include "onion_build.h"
#include "onion_layer.h"
#include "onion_route.h"
#include "payload.h"

enum {
	HOPS = 4
};

static struct snc_onion_node pub[HOPS];
static struct snc_node_keys keys[HOPS];

static int
setup(void **state)
{
	(void)state;
	for (int i = 0; i < HOPS; i++) {
		uint8_t seed[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, keys[i].x25519_sk, keys[i].x25519_pk);
		memcpy(pub[i].x25519, keys[i].x25519_pk, 32);
		randombytes_buf(pub[i].ed25519, 32);
	}
	return 0;
}

/* Peels one layer as node k would; returns the plaintext (malloc'd) and route. */
static uint8_t *
peel(int k, enum snc_enc_type type, const uint8_t eph[32], const uint8_t *ct, size_t ct_len,
     size_t *pt_len, struct snc_payload *p, struct snc_route *r, uint8_t key[32])
{
	uint8_t *pt = malloc(ct_len);

	assert_int_equal(
		snc_onion_layer_decrypt(&keys[k], type, eph, ct, ct_len, pt, ct_len, pt_len, key),
		0);
	if (p != NULL) {
		assert_int_equal(snc_payload_parse(pt, *pt_len, p), 0);
		assert_int_equal(snc_route_parse(p->json, p->json_len, r), 0);
	}
	return pt;
}

static void
walk_to_node(enum snc_enc_type type, size_t n_relays)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	struct snc_onion on;
	struct snc_payload p;
	struct snc_route_entry e;
	struct snc_route r;
	uint8_t eph[32], key[32], *pt = NULL, reply[128], back[128];
	const uint8_t *blob;
	size_t blob_len, pt_len, rlen, blen;

	assert_int_equal(snc_onion_build_to_node(type, pub, n_relays, &pub[n_relays],
						 (const uint8_t *)body, strlen(body), NULL, &on),
			 0);
	assert_int_equal(snc_payload_parse(on.payload, on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	assert_int_equal(e.enc_type, type);
	memcpy(eph, e.eph_pk, 32);
	blob = p.blob;
	blob_len = p.blob_len;
	for (size_t k = 0; k <= n_relays; k++) {
		uint8_t *next = peel((int)k, type, eph, blob, blob_len, &pt_len, &p, &r, key);
		free(pt);
		pt = next;
		if (k < n_relays) {
			assert_int_equal(r.kind, SNC_ROUTE_RELAY);
			assert_memory_equal(r.next_ed25519, pub[k + 1].ed25519, 32);
			assert_int_equal(r.enc_type, type);
			memcpy(eph, r.eph_pk, 32);
			blob = p.blob;
			blob_len = p.blob_len;
		}
	}
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_int_equal(p.blob_len, strlen(body));
	assert_memory_equal(p.blob, body, p.blob_len);
	/* The destination's reply opens with the key the client kept. */
	assert_int_equal(snc_aead_seal(type, key, (const uint8_t *)"{\"status\":200}", 14, reply,
				       sizeof(reply), &rlen),
			 0);
	assert_int_equal(snc_onion_open_reply(&on, reply, rlen, back, sizeof(back), &blen), 0);
	assert_memory_equal(back, "{\"status\":200}", 14);
	free(pt);
	snc_onion_free(&on);
}

static void
three_relays_to_a_node_both_types(void **state)
{
	(void)state;
	walk_to_node(SNC_ENC_AES_GCM, 3);
	walk_to_node(SNC_ENC_XCHACHA20, 3);
}

static void
zero_one_and_two_relays(void **state)
{
	(void)state;
	for (size_t n = 0; n < 3; n++)
		walk_to_node(SNC_ENC_XCHACHA20, n);
}

static void
server_destination_through_an_exit(void **state)
{
	const char *body = "l79:{\"method\":\"GET\",\"endpoint\":\"/room/r\",\"headers\":{}}e";
	struct snc_onion_server srv = {
		.host = "sogs.test", .target = "/oxen/v4/lsrpc", .protocol = "http", .port = 8080};
	struct snc_onion on;
	struct snc_payload p, q;
	struct snc_route_entry e;
	struct snc_route r;
	uint8_t key[32], *pt0, *pt1, *pt2, srv_sk[32];
	size_t len0, len1, len2;

	(void)state;
	memcpy(srv.x25519, pub[3].x25519, 32);
	memcpy(srv_sk, keys[3].x25519_sk, 32);
	assert_int_equal(snc_onion_build_to_server(SNC_ENC_AES_GCM, pub, 2, &srv,
						   (const uint8_t *)body, strlen(body), NULL, &on),
			 0);
	assert_int_equal(snc_payload_parse(on.payload, on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	pt0 = peel(0, SNC_ENC_AES_GCM, e.eph_pk, p.blob, p.blob_len, &len0, &p, &r, key);
	assert_int_equal(r.kind, SNC_ROUTE_RELAY);
	pt1 = peel(1, SNC_ENC_AES_GCM, r.eph_pk, p.blob, p.blob_len, &len1, &p, &r, key);
	assert_int_equal(r.kind, SNC_ROUTE_PROXY);
	assert_string_equal(r.host, "sogs.test");
	assert_string_equal(r.target, "/oxen/v4/lsrpc");
	assert_int_equal(r.port, 8080);
	assert_false(r.https);
	assert_true(r.target_allowed);
	/* The server decrypts the blob itself, with the key named in the same JSON. */
	pt2 = peel(3, SNC_ENC_AES_GCM, r.eph_pk, p.blob, p.blob_len, &len2, NULL, NULL, key);
	assert_int_equal(len2, strlen(body));
	assert_memory_equal(pt2, body, len2);
	(void)q;
	free(pt0);
	free(pt1);
	free(pt2);
	snc_onion_free(&on);
}

static void
fixed_seeds_give_fixed_ephemeral_keys(void **state)
{
	uint8_t seeds[2][32];
	struct snc_onion a, b;
	struct snc_payload pa, pb;

	(void)state;
	memset(seeds, 7, sizeof(seeds));
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_AES_GCM, pub, 1, &pub[1],
						 (const uint8_t *)"x", 1, &seeds[0][0], &a),
			 0);
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_AES_GCM, pub, 1, &pub[1],
						 (const uint8_t *)"x", 1, &seeds[0][0], &b),
			 0);
	assert_int_equal(a.payload_len, b.payload_len);
	assert_int_equal(snc_payload_parse(a.payload, a.payload_len, &pa), 0);
	assert_int_equal(snc_payload_parse(b.payload, b.payload_len, &pb), 0);
	assert_int_equal(pa.json_len, pb.json_len);
	assert_memory_equal(pa.json, pb.json, pa.json_len); /* same ephemeral key */
	assert_memory_equal(a.dest_key, b.dest_key, 32);
	snc_onion_free(&a);
	snc_onion_free(&b);
}

static void
rejects_bad_arguments(void **state)
{
	struct snc_onion_server srv = {
		.host = "h", .target = "/oxen/v4/lsrpc", .protocol = "https"};
	struct snc_onion_node many[SNC_ONION_MAX_RELAYS + 1];
	struct snc_onion on;

	(void)state;
	memset(many, 0, sizeof(many));
	assert_int_equal(snc_onion_build_to_server(SNC_ENC_AES_GCM, pub, 0, &srv,
						   (const uint8_t *)"x", 1, NULL, &on),
			 -EINVAL);
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_TYPE_COUNT, pub, 1, &pub[1],
						 (const uint8_t *)"x", 1, NULL, &on),
			 -EINVAL);
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_AES_GCM, many, SNC_ONION_MAX_RELAYS + 1,
						 &pub[1], (const uint8_t *)"x", 1, NULL, &on),
			 -EINVAL);
	srv.host = "\xff\xfe";
	assert_int_equal(snc_onion_build_to_server(SNC_ENC_AES_GCM, pub, 1, &srv,
						   (const uint8_t *)"x", 1, NULL, &on),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(three_relays_to_a_node_both_types, setup),
		cmocka_unit_test_setup(zero_one_and_two_relays, setup),
		cmocka_unit_test_setup(server_destination_through_an_exit, setup),
		cmocka_unit_test_setup(fixed_seeds_give_fixed_ephemeral_keys, setup),
		cmocka_unit_test(rejects_bad_arguments),
	};
	return RUN_GROUP("crypto/onion_build", tests);
}
