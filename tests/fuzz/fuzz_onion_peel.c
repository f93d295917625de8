/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the node-side peel. The first byte picks the mode:
 *  even: the rest is a layer ciphertext as it arrives (framing, lengths, tags);
 *  odd:  the rest is a plaintext sealed with a fixed key first, so the fuzzer
 *        reaches the payload and routing parsers behind a valid AEAD.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aead.h"
#include "onion_layer.h"
#include "onion_route.h"
#include "payload.h"
#include "snc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snc_node_keys node;
static uint8_t eph_sk[32], eph_pk[32];

static void
init_once(void)
{
	static int done;
	uint8_t seed[32];

	if (done)
		return;
	done = 1;
	snc_init();
	memset(seed, 1, 32);
	snc_onion_layer_keypair_from_seed(seed, node.x25519_sk, node.x25519_pk);
	memset(seed, 2, 32);
	snc_onion_layer_keypair_from_seed(seed, eph_sk, eph_pk);
}

static void
classify(const uint8_t *pt, size_t len)
{
	struct snc_payload p;
	struct snc_route r;

	if (snc_payload_parse(pt, len, &p) == 0)
		snc_route_parse(p.json, p.json_len, &r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum snc_enc_type type;
	uint8_t key[32], *ct, *pt;
	size_t ct_len, pt_len;

	init_once();
	if (size < 1)
		return 0;
	type = (enum snc_enc_type)((data[0] >> 1) % SNC_ENC_TYPE_COUNT);
	data++, size--;
	ct_len = snc_enc_type_sealed_len(type, size);
	ct = malloc(ct_len);
	pt = malloc(ct_len);
	if (data[-1] & 1) {
		snc_onion_layer_client_key(type, eph_sk, eph_pk, node.x25519_pk, key);
		if (snc_aead_seal(type, key, data, size, ct, ct_len, &ct_len) != 0)
			abort();
	} else {
		memcpy(ct, data, size);
		ct_len = size;
	}
	if (snc_onion_layer_decrypt(&node, type, eph_pk, ct, ct_len, pt, ct_len, &pt_len, key) == 0)
		classify(pt, pt_len);
	else if (data[-1] & 1)
		abort(); /* a layer we sealed must peel */
	free(ct);
	free(pt);
	return 0;
}
