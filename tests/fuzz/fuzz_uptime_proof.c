/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the uptime proof reader (control/uptime_proof.c) on any bytes,
 * as a receiver sees them. Invariants: only 119 bytes starting with version
 * 1 parse; a parsed proof's fields encode back to exactly its first 55
 * bytes; verification with the proof's own key as the sender returns one
 * of the verdicts, and OK only for a proof that libsodium verifies too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "uptime_proof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sk[64], pk[32];
	struct ctl_uptime_proof p, q;
	uint8_t again[CTL_UPTIME_PROOF_BYTES], msg[21 + CTL_UPTIME_PROOF_SIGNED];
	enum ctl_uptime_verdict v = ctl_uptime_proof_parse(data, size, &p);

	if (sodium_init() < 0)
		abort();
	if (pk[0] == 0 && pk[1] == 0)
		crypto_sign_ed25519_keypair(pk, sk);
	if ((v == CTL_UPTIME_OK) != (size == CTL_UPTIME_PROOF_BYTES && data[0] == 1))
		abort();
	if (v != CTL_UPTIME_OK)
		return 0;
	ctl_uptime_proof_sign(&p, sk, again);
	if (memcmp(again + 33, data + 33, CTL_UPTIME_PROOF_SIGNED - 33) != 0 ||
	    memcmp(again + 1, data + 1, 32) != 0)
		abort();
	v = ctl_uptime_proof_verify(data, size, p.pubkey, p.timestamp_ms, 0, &q);
	if (v > CTL_UPTIME_OLDER || memcmp(&p, &q, sizeof(p)) != 0)
		abort();
	memcpy(msg, CTL_UPTIME_PROOF_DOMAIN, 21);
	memcpy(msg + 21, data, CTL_UPTIME_PROOF_SIGNED);
	if (v == CTL_UPTIME_OK &&
	    crypto_sign_ed25519_verify_detached(data + CTL_UPTIME_PROOF_SIGNED, msg, sizeof(msg),
						p.pubkey) != 0)
		abort();
	return 0;
}
