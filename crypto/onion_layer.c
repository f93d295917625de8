/* SPDX-License-Identifier: MIT */
#include "onion_layer.h"

#include <sodium.h>
#include <string.h>

#include "aead.h"
#include "batch.h"
#include "kdf.h"
#include "x25519.h"

/* One chunk of the pipeline; the shared secrets live on the stack and are wiped. */
static unsigned
peel_chunk(const struct snc_node_keys *node, size_t n, struct snc_layer_job jobs[], int status[])
{
	const uint8_t *sk[SNC_BATCH_MAX], *pk[SNC_BATCH_MAX], *node_pk[SNC_BATCH_MAX];
	const uint8_t *dh_in[SNC_BATCH_MAX], *key_in[SNC_BATCH_MAX];
	uint8_t dh[SNC_BATCH_MAX][32], *dh_out[SNC_BATCH_MAX], *key_out[SNC_BATCH_MAX];
	enum snc_enc_type type[SNC_BATCH_MAX];
	struct snc_aead_buf buf[SNC_BATCH_MAX];
	unsigned before = 0, after = 0;

	for (size_t i = 0; i < n; i++) {
		before += status[i] != 0;
		sk[i] = node->x25519_sk;
		node_pk[i] = node->x25519_pk;
		pk[i] = jobs[i].eph_pk;
		dh_out[i] = dh[i];
		dh_in[i] = dh[i];
		key_out[i] = jobs[i].key;
		key_in[i] = jobs[i].key;
		type[i] = jobs[i].type;
		buf[i] = (struct snc_aead_buf){.in = jobs[i].in,
					       .in_len = jobs[i].in_len,
					       .out = jobs[i].out,
					       .out_cap = jobs[i].out_cap};
		jobs[i].out_len = 0;
	}
	snc_x25519_batch(n, sk, pk, dh_out, status);
	snc_kdf_batch(n, type, dh_in, pk, node_pk, key_out, status);
	sodium_memzero(dh, sizeof(dh));
	snc_aead_open_batch(n, type, key_in, buf, status);
	for (size_t i = 0; i < n; i++) {
		jobs[i].out_len = buf[i].out_len;
		after += status[i] != 0;
		if (status[i] != 0)
			sodium_memzero(jobs[i].key, sizeof(jobs[i].key));
	}
	return after - before;
}

unsigned
snc_onion_layer_peel_batch(const struct snc_node_keys *node, size_t n, struct snc_layer_job jobs[],
			   int status[])
{
	unsigned failed = 0;

	for (size_t off = 0; off < n; off += SNC_BATCH_MAX) {
		size_t chunk = n - off < SNC_BATCH_MAX ? n - off : SNC_BATCH_MAX;
		failed += peel_chunk(node, chunk, jobs + off, status + off);
	}
	return failed;
}

int
snc_onion_layer_client_key(enum snc_enc_type type, const uint8_t eph_sk[32],
			   const uint8_t eph_pk[32], const uint8_t node_pk[32], uint8_t key[32])
{
	uint8_t dh[32];
	int rc = snc_x25519(eph_sk, node_pk, dh);

	if (rc == 0)
		rc = snc_kdf_derive(type, dh, eph_pk, node_pk, key);
	sodium_memzero(dh, sizeof(dh));
	return rc;
}

int
snc_onion_layer_encrypt(enum snc_enc_type type, const uint8_t eph_sk[32], const uint8_t eph_pk[32],
			const uint8_t node_pk[32], const uint8_t *in, size_t in_len, uint8_t *out,
			size_t out_cap, size_t *out_len)
{
	uint8_t key[32];
	int rc = snc_onion_layer_client_key(type, eph_sk, eph_pk, node_pk, key);

	*out_len = 0;
	if (rc == 0)
		rc = snc_aead_seal(type, key, in, in_len, out, out_cap, out_len);
	sodium_memzero(key, sizeof(key));
	return rc;
}

int
snc_onion_layer_decrypt(const struct snc_node_keys *node, enum snc_enc_type type,
			const uint8_t eph_pk[32], const uint8_t *in, size_t in_len, uint8_t *out,
			size_t out_cap, size_t *out_len, uint8_t key[32])
{
	struct snc_layer_job job = {.type = type,
				    .eph_pk = eph_pk,
				    .in = in,
				    .in_len = in_len,
				    .out = out,
				    .out_cap = out_cap};
	int status = 0;

	snc_onion_layer_peel_batch(node, 1, &job, &status);
	*out_len = job.out_len;
	if (key != NULL)
		memcpy(key, job.key, sizeof(job.key));
	sodium_memzero(job.key, sizeof(job.key));
	return status;
}

void
snc_onion_layer_keypair_from_seed(const uint8_t seed[32], uint8_t sk[32], uint8_t pk[32])
{
	memcpy(sk, seed, 32);
	crypto_scalarmult_base(pk, sk);
}
