/* SPDX-License-Identifier: MIT */
/*
 * crypto/onion_layer.c against the upstream vectors in tests/kat/onion_hop.json
 * (session-storage-server unit_test/encrypt.cpp, libsession-util
 * tests/test_onionreq.cpp), plus batch behaviour: mixed failures, low-order
 * ephemeral keys, bursts larger than one chunk, reply keys.
 */
#include "test_common.h"

#include "aead.h"
#include "batch.h"
#include "kat.h"
#include "onion_layer.h"
#include "onion_route.h"
#include "payload.h"

static json_t *kat;

struct hop_vec {
	enum snc_enc_type type;
	struct snc_node_keys node;
	uint8_t client_sk[32], client_pk[32];
	uint8_t ct[256];
	size_t ct_len;
	const char *pt;
};

static void
load_vec(const char *name, struct hop_vec *v)
{
	json_t *vecs = json_object_get(kat, "vectors"), *o;
	size_t i;
	const char *t;

	json_array_foreach(vecs, i, o)
	{
		if (strcmp(kat_str(o, "name"), name) != 0)
			continue;
		t = kat_str(o, "enc_type");
		assert_int_equal(snc_enc_type_parse(t, strlen(t), &v->type), 0);
		kat_hex(o, "node_x25519_sec", v->node.x25519_sk, 32, 32);
		kat_hex(o, "node_x25519_pub", v->node.x25519_pk, 32, 32);
		kat_hex(o, "client_x25519_sec", v->client_sk, 32, 32);
		kat_hex(o, "client_x25519_pub", v->client_pk, 32, 32);
		v->pt = kat_str(o, "plaintext_ascii");
		if (json_object_get(o, "ciphertext") != NULL)
			v->ct_len = kat_hex(o, "ciphertext", v->ct, sizeof(v->ct), 0);
		else
			v->ct_len = kat_hex(o, "combined_payload", v->ct, sizeof(v->ct), 0);
		return;
	}
	fail_msg("no vector %s", name);
}

static void
decrypts_upstream_hop_vectors(void **state)
{
	const char *names[] = {"ss_aes_gcm_known_answer", "ls_hop_aes_gcm", "ls_hop_xchacha20"};
	uint8_t out[256];
	size_t out_len;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct hop_vec v;
		load_vec(names[i], &v);
		assert_int_equal(snc_onion_layer_decrypt(&v.node, v.type, v.client_pk, v.ct,
							 v.ct_len, out, sizeof(out), &out_len,
							 NULL),
				 0);
		assert_int_equal(out_len, strlen(v.pt));
		assert_memory_equal(out, v.pt, out_len);
	}
}

static void
upstream_bad_ciphertexts_fail_with_either_type(void **state)
{
	json_t *vecs = json_object_get(kat, "vectors"), *o, *bad;
	uint8_t ct[256], out[256];
	size_t i, j, out_len;
	int checked = 0;

	(void)state;
	json_array_foreach(vecs, i, o)
	{
		struct hop_vec v;
		if ((bad = json_object_get(o, "bad_ciphertexts")) == NULL)
			continue;
		load_vec(kat_str(o, "name"), &v);
		json_t *h;
		json_array_foreach(bad, j, h)
		{
			const char *hex = json_string_value(h);
			size_t len = strlen(hex) / 2;
			unhex(hex, ct, len);
			for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
				int rc = snc_onion_layer_decrypt(&v.node, t, v.client_pk, ct, len,
								 out, sizeof(out), &out_len, NULL);
				/* A 39-byte GCM layer is too short to be an XChaCha one. */
				assert_true(rc == SNC_E_AUTH ||
					    (t != (int)v.type && rc == SNC_E_LENGTH));
			}
			checked++;
		}
	}
	assert_int_equal(checked, 4);
}

static void
ss_vector_fails_on_every_flip_and_truncation(void **state)
{
	struct hop_vec v;
	uint8_t out[256];
	size_t out_len;

	(void)state;
	load_vec("ss_aes_gcm_known_answer", &v);
	for (size_t i = 0; i < v.ct_len; i++) {
		v.ct[i] ^= 1;
		assert_int_not_equal(snc_onion_layer_decrypt(&v.node, v.type, v.client_pk, v.ct,
							     v.ct_len, out, sizeof(out), &out_len,
							     NULL),
				     0);
		v.ct[i] ^= 1;
	}
	for (size_t len = 0; len < v.ct_len; len++)
		assert_int_not_equal(snc_onion_layer_decrypt(&v.node, v.type, v.client_pk, v.ct,
							     len, out, sizeof(out), &out_len, NULL),
				     0);
}

/* libsession's parser vectors: entry payload -> JSON -> layer -> reply of the expected length. */
static void
upstream_entry_payloads_parse_decrypt_and_reply(void **state)
{
	const char *names[] = {"ls_parser_aes_gcm", "ls_parser_xchacha20"};
	const size_t reply_len[] = {41, 53}, ct_len[] = {39, 51};
	uint8_t out[256], reply[256], back[256], key[32], client_key[32];
	size_t out_len, rlen, blen;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct hop_vec v;
		struct snc_payload p;
		struct snc_route_entry e;

		load_vec(names[i], &v);
		assert_int_equal(snc_payload_parse(v.ct, v.ct_len, &p), 0);
		assert_int_equal(p.blob_len, ct_len[i]);
		assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
		assert_int_equal(e.enc_type, v.type);
		assert_memory_equal(e.eph_pk, v.client_pk, 32);
		assert_int_equal(snc_onion_layer_decrypt(&v.node, e.enc_type, e.eph_pk, p.blob,
							 p.blob_len, out, sizeof(out), &out_len,
							 key),
				 0);
		assert_memory_equal(out, v.pt, out_len);
		/* The destination replies with the hop key; the client opens it with its own. */
		assert_int_equal(snc_aead_seal(v.type, key, (const uint8_t *)"Goodbye world", 13,
					       reply, sizeof(reply), &rlen),
				 0);
		assert_int_equal(rlen, reply_len[i]);
		assert_int_equal(snc_onion_layer_client_key(v.type, v.client_sk, v.client_pk,
							    v.node.x25519_pk, client_key),
				 0);
		assert_memory_equal(client_key, key, 32);
		assert_int_equal(
			snc_aead_open(v.type, client_key, reply, rlen, back, sizeof(back), &blen),
			0);
		assert_memory_equal(back, "Goodbye world", 13);
	}
}

/* SS unit_test/encrypt.cpp: two clients (both in the client role) cannot talk with xchacha20. */
static void
xchacha_key_depends_on_roles(void **state)
{
	struct hop_vec v;
	uint8_t k_client[32], k_wrong_role[32];

	(void)state;
	load_vec("ls_hop_xchacha20", &v);
	assert_int_equal(snc_onion_layer_client_key(SNC_ENC_XCHACHA20, v.client_sk, v.client_pk,
						    v.node.x25519_pk, k_client),
			 0);
	/* The node acting as a client toward the real client swaps the order. */
	assert_int_equal(snc_onion_layer_client_key(SNC_ENC_XCHACHA20, v.node.x25519_sk,
						    v.node.x25519_pk, v.client_pk, k_wrong_role),
			 0);
	assert_memory_not_equal(k_client, k_wrong_role, 32);
}

static void
batch_of_70_mixed_items(void **state)
{
	enum {
		N = 70
	};
	static uint8_t ct[N][128], out[N][128], eph_pk[N][32];
	struct snc_layer_job jobs[N];
	struct snc_node_keys node;
	int status[N];
	uint8_t seed[32], eph_sk[32], pt[40];
	size_t len;

	(void)state;
	randombytes_buf(seed, 32);
	snc_onion_layer_keypair_from_seed(seed, node.x25519_sk, node.x25519_pk);
	for (int i = 0; i < N; i++) {
		enum snc_enc_type t = i % 2 ? SNC_ENC_XCHACHA20 : SNC_ENC_AES_GCM;
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, eph_sk, eph_pk[i]);
		memset(pt, i, sizeof(pt));
		assert_int_equal(snc_onion_layer_encrypt(t, eph_sk, eph_pk[i], node.x25519_pk, pt,
							 sizeof(pt), ct[i], 128, &len),
				 0);
		jobs[i] = (struct snc_layer_job){.type = t,
						 .eph_pk = eph_pk[i],
						 .in = ct[i],
						 .in_len = len,
						 .out = out[i],
						 .out_cap = 128};
		status[i] = 0;
	}
	ct[3][30] ^= 1;					     /* bad tag */
	memset(eph_pk[10], 0, 32);			     /* low-order ephemeral key */
	jobs[66].type = SNC_ENC_AES_GCM + 1 - jobs[66].type; /* wrong enc_type */
	jobs[67].in_len = 10;				     /* truncated below the framing */
	status[68] = -EIO;				     /* failed in an earlier stage */
	assert_int_equal(snc_onion_layer_peel_batch(&node, N, jobs, status), 4);
	for (int i = 0; i < N; i++) {
		int want = i == 3 || i == 66 ? SNC_E_AUTH
			   : i == 10	     ? SNC_E_LOW_ORDER
			   : i == 67	     ? SNC_E_LENGTH
			   : i == 68	     ? -EIO
					     : 0;
		assert_int_equal(status[i], want);
		if (want == 0) {
			memset(pt, i, sizeof(pt));
			assert_int_equal(jobs[i].out_len, sizeof(pt));
			assert_memory_equal(jobs[i].out, pt, sizeof(pt));
		} else {
			uint8_t zero[32] = {0};
			assert_memory_equal(jobs[i].key, zero, 32); /* no key kept for failures */
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decrypts_upstream_hop_vectors),
		cmocka_unit_test(upstream_bad_ciphertexts_fail_with_either_type),
		cmocka_unit_test(ss_vector_fails_on_every_flip_and_truncation),
		cmocka_unit_test(upstream_entry_payloads_parse_decrypt_and_reply),
		cmocka_unit_test(xchacha_key_depends_on_roles),
		cmocka_unit_test(batch_of_70_mixed_items),
	};
	int rc;

	kat = kat_load("onion_hop.json");
	rc = RUN_GROUP("crypto/onion_layer", tests);
	json_decref(kat);
	return rc;
}
