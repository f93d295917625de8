/* SPDX-License-Identifier: MIT */
#include "cell_mask.h"

#include <sodium.h>
#include <string.h>

#include "batch.h"
#include "x25519.h"

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
snc_cell_mask(const uint8_t key[32], uint8_t kind, uint64_t label, uint32_t seq,
	      uint8_t mask[SNC_CELL_MASK_BYTES])
{
	uint8_t msg[9 + 1 + 8 + 4], out[32];

	memcpy(msg, "snode-hdr", 9);
	msg[9] = kind;
	put_be32(msg + 10, (uint32_t)(label >> 32));
	put_be32(msg + 14, (uint32_t)label);
	put_be32(msg + 18, seq);
	crypto_generichash(out, sizeof(out), msg, sizeof(msg), key, 32);
	memcpy(mask, out, SNC_CELL_MASK_BYTES);
}

int
snc_cell_link_key(const uint8_t own_sk[32], const uint8_t own_pk[32], const uint8_t peer_pk[32],
		  uint8_t link_key[32])
{
	uint8_t dh[32], msg[10 + 64];
	int first_is_own = memcmp(own_pk, peer_pk, 32) < 0;
	int rc = snc_x25519(own_sk, peer_pk, dh);

	if (rc != 0)
		return rc;
	memcpy(msg, "snode-link", 10);
	memcpy(msg + 10, first_is_own ? own_pk : peer_pk, 32);
	memcpy(msg + 42, first_is_own ? peer_pk : own_pk, 32);
	crypto_generichash(link_key, 32, msg, sizeof(msg), dh, sizeof(dh));
	sodium_memzero(dh, sizeof(dh));
	return 0;
}

static void
derive(const uint8_t hop_key[32], const char *label, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)label, strlen(label), hop_key, 32);
}

void
snc_cell_data_keys(const uint8_t hop_key[32], uint8_t kf[32], uint8_t kr[32])
{
	derive(hop_key, "snode-data-fwd", kf);
	derive(hop_key, "snode-data-rev", kr);
}

static void
data_nonce(uint32_t seq, uint8_t nonce[24])
{
	memset(nonce, 0, 24);
	memcpy(nonce, "snode-dc", 8);
	put_be32(nonce + 8, seq);
}

void
snc_cell_data_seal(const uint8_t key[32], uint32_t seq, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[24];

	data_nonce(seq, nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, in, len, NULL, 0, NULL, nonce, key);
}

int
snc_cell_data_open(const uint8_t key[32], uint32_t seq, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[24];

	if (len < SNC_CELL_DATA_TAG_BYTES)
		return SNC_E_LENGTH;
	data_nonce(seq, nonce);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in, len, NULL, 0, nonce,
						       key) != 0)
		return SNC_E_AUTH;
	return 0;
}
