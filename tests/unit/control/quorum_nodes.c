/* SPDX-License-Identifier: MIT */
#include "quorum_nodes.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

uint8_t qn_seeds[QN_NODES][32];
uint8_t qn_pk[QN_NODES][32];

void
qn_keys(void)
{
	uint8_t sk[64];

	for (int i = 0; i < QN_NODES; i++) {
		crypto_hash_sha256(qn_seeds[i], (const uint8_t *)&i, sizeof(i));
		crypto_sign_seed_keypair(qn_pk[i], sk, qn_seeds[i]);
	}
	sodium_memzero(sk, sizeof(sk));
}

void
qn_register_line(int i, uint64_t h, char line[QN_LINE_MAX])
{
	char e[65], x[65];

	sodium_bin2hex(e, sizeof(e), qn_pk[i], 32);
	memset(x, 'a' + i % 6, 64);
	x[0] = (char)('0' + i / 10);
	x[1] = (char)('0' + i % 10);
	x[64] = '\0';
	snprintf(line, QN_LINE_MAX, "register %s %s 10.0.0.%d:22030 %" PRIu64, e, x, i + 1, h);
}

void
qn_block_line(uint64_t h, char line[QN_LINE_MAX])
{
	char t[32], hex[65];
	uint8_t d[32];

	snprintf(t, sizeof(t), "block %" PRIu64, h);
	crypto_hash_sha256(d, (const uint8_t *)t, strlen(t));
	sodium_bin2hex(hex, sizeof(hex), d, 32);
	snprintf(line, QN_LINE_MAX, "block %" PRIu64 " %s", h, hex);
}

int
qn_node_of(const uint8_t key[32])
{
	for (int i = 0; i < QN_NODES; i++)
		if (memcmp(qn_pk[i], key, 32) == 0)
			return i;
	return -1;
}
