/* SPDX-License-Identifier: MIT */
/*
 * Batched X25519 (RFC 7748), the dominant cost of peeling an onion layer.
 * Two implementations sit behind snc_x25519_batch: libsodium's scalar one and
 * an 8-way AVX-512 IFMA kernel (x25519_ifma.c), chosen by snc_init() from the
 * CPU. An operator forces one with SNC_X25519_IMPL=scalar|ifma and sets the
 * smallest group worth the 8-way kernel with SNC_X25519_MB_MIN=1..8.
 */
#ifndef SNC_X25519_H
#define SNC_X25519_H

#include <stddef.h>
#include <stdint.h>

/*
 * Default smallest number of pending items sent to the 8-way kernel (the rest
 * of a group of 8 is filled with dummy lanes); fewer go to libsodium one by
 * one. A macro, not an enum, so a build can override it (-DSNC_X25519_MB_MIN=4);
 * SNC_X25519_MB_MIN in the environment overrides it at snc_init().
 * At 2, one 8-way call costs less than two scalar calls on IFMA CPUs.
 */
#ifndef SNC_X25519_MB_MIN
#define SNC_X25519_MB_MIN 2
#endif

/* The implementations of snc_x25519_batch. */
enum snc_x25519_impl {
	SNC_X25519_SCALAR, /* libsodium crypto_scalarmult, one item at a time */
	SNC_X25519_IFMA,   /* 8-way AVX-512 IFMA kernel, leftovers on libsodium */
};

/*
 * out[i] = X25519(sk[i], pk[i]) for every item whose status[i] is 0.
 * An all-zero result (pk[i] of low order) sets status[i] = SNC_E_LOW_ORDER and
 * zeroes out[i]. Returns the number of items that failed in this call.
 */
unsigned snc_x25519_batch(size_t n, const uint8_t *const sk[], const uint8_t *const pk[],
			  uint8_t *const out[], int status[]);

/* Single item, always libsodium; 0 or SNC_E_LOW_ORDER. */
int snc_x25519(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32]);

/* Name of the implementation in use: "libsodium-scalar" or "avx512ifma-8way". */
const char *snc_x25519_impl_name(void);

/*
 * Called by snc_init(): applies SNC_X25519_IMPL and SNC_X25519_MB_MIN. Returns
 * 0, or -EINVAL (unknown name, bad number) / -ENOTSUP (ifma forced on a CPU or
 * build without it); then the scalar implementation stays in use and
 * snc_x25519_select_error() says why in one line.
 */
int snc_x25519_select(void);
const char *snc_x25519_select_error(void);

/* 1 when this build has the IFMA kernel and the CPU has AVX-512F and IFMA. */
int snc_x25519_ifma_usable(void);

/*
 * What `name` means (NULL or "" = automatic, "scalar", "ifma") on a machine
 * where the IFMA kernel is usable or not: an enum snc_x25519_impl, or -EINVAL
 * (unknown name) or -ENOTSUP (ifma not usable). Pure; used by the two below.
 */
int snc_x25519_impl_choose(const char *name, int ifma_usable);

/* Switches the implementation (benchmarks, tests); 0, -EINVAL or -ENOTSUP. */
int snc_x25519_force(const char *name);

/* Sets the smallest group for the 8-way kernel; 0, or -EINVAL unless 1..8. */
int snc_x25519_set_mb_min(unsigned n);

#endif
