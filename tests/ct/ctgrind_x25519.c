/* SPDX-License-Identifier: MIT */
/*
 * Constant-time check of crypto/x25519_ifma.c under valgrind memcheck: the
 * eight scalars and points are marked undefined, so memcheck reports any
 * conditional jump or memory address computed from them; the wrapper
 * (ctgrind_x25519.sh) runs this with --error-exitcode. Outputs are marked
 * defined again before they are compared with libsodium.
 *
 * Built twice: with SNC_X25519_IFMA_EMULATE (the same kernel source on a
 * portable eight-lane emulation: what valgrind 3.19 can run) and, where the
 * compiler has it, with the AVX-512 IFMA kernel itself. "--leaky" adds one
 * deliberate secret-dependent branch: the wrapper checks that it is caught.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <valgrind/memcheck.h>

#include "x25519_ifma.h"

enum {
	LANES = SNC_X25519_IFMA_LANES,
	ROUNDS = 2
};

int
main(int argc, char **argv)
{
	static uint8_t sk[LANES][32], pk[LANES][32], out[LANES][32];
	const uint8_t *s[LANES], *p[LANES];
	uint8_t *o[LANES], want[32];
	int leaky = argc == 2 && strcmp(argv[1], "--leaky") == 0;
	volatile int sink = 0;

	if (sodium_init() < 0)
		return 2;
	for (int round = 0; round < ROUNDS; round++) {
		randombytes_buf(sk, sizeof(sk));
		randombytes_buf(pk, sizeof(pk));
		if (round == 1) {
			memset(pk[1], 0, 32);	 /* u = 0: low order, output zero */
			memset(pk[2], 0xff, 32); /* non-canonical, top bit set */
			memset(sk[3], 0, 32);
			memset(sk[4], 0xff, 32);
		}
		for (int i = 0; i < LANES; i++) {
			s[i] = sk[i];
			p[i] = pk[i];
			o[i] = out[i];
		}
		VALGRIND_MAKE_MEM_UNDEFINED(sk, sizeof(sk));
		VALGRIND_MAKE_MEM_UNDEFINED(pk, sizeof(pk));
		if (leaky && (sk[0][0] & 1)) /* the control: must be reported */
			sink++;
		snc_x25519_ifma_scalarmult8(s, p, o);
		VALGRIND_MAKE_MEM_DEFINED(sk, sizeof(sk));
		VALGRIND_MAKE_MEM_DEFINED(pk, sizeof(pk));
		VALGRIND_MAKE_MEM_DEFINED(out, sizeof(out));
		for (int i = 0; i < LANES; i++) {
			if (crypto_scalarmult(want, sk[i], pk[i]) != 0 && i != 1) {
				fprintf(stderr, "ctgrind_x25519: unexpected low-order lane %d\n",
					i);
				return 1;
			}
			if (memcmp(want, out[i], 32) != 0) {
				fprintf(stderr, "ctgrind_x25519: lane %d differs from libsodium\n",
					i);
				return 1;
			}
		}
	}
	printf("ctgrind_x25519: %d rounds of 8 lanes match libsodium%s\n", ROUNDS,
	       leaky ? " (leaky control)" : "");
	return sink > 1000;
}
