/* SPDX-License-Identifier: MIT */
/*
 * X25519 for libsnc: libsodium for single items, and for batches either
 * libsodium item by item or the 8-way AVX-512 IFMA kernel (x25519_ifma.c)
 * over groups of pending items. The choice is made once in snc_init() and is
 * visible as snc_x25519_impl_name().
 */
#include "x25519.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#if SNC_HAVE_X25519_IFMA
#include "x25519_ifma.h"
#endif

static enum snc_x25519_impl impl = SNC_X25519_SCALAR;
static unsigned mb_min = SNC_X25519_MB_MIN;
static char select_error[160];

/* libsodium already rejects an all-zero output (returns -1). */
int
snc_x25519(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32])
{
	if (crypto_scalarmult(out, sk, pk) != 0) {
		sodium_memzero(out, 32);
		return SNC_E_LOW_ORDER;
	}
	return 0;
}

int
snc_x25519_ifma_usable(void)
{
#if SNC_HAVE_X25519_IFMA
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
	return 0;
#endif
}

int
snc_x25519_impl_choose(const char *name, int ifma_usable)
{
	if (name == NULL || name[0] == '\0')
		return ifma_usable ? SNC_X25519_IFMA : SNC_X25519_SCALAR;
	if (strcmp(name, "scalar") == 0)
		return SNC_X25519_SCALAR;
	if (strcmp(name, "ifma") == 0)
		return ifma_usable ? SNC_X25519_IFMA : -ENOTSUP;
	return -EINVAL;
}

int
snc_x25519_force(const char *name)
{
	int rc = snc_x25519_impl_choose(name, snc_x25519_ifma_usable());

	if (rc < 0)
		return rc;
	impl = (enum snc_x25519_impl)rc;
	return 0;
}

int
snc_x25519_set_mb_min(unsigned n)
{
	if (n < 1 || n > 8)
		return -EINVAL;
	mb_min = n;
	return 0;
}

int
snc_x25519_select(void)
{
	const char *name = getenv("SNC_X25519_IMPL"), *min = getenv("SNC_X25519_MB_MIN");
	int rc;

	select_error[0] = '\0';
	impl = SNC_X25519_SCALAR;
	mb_min = SNC_X25519_MB_MIN;
	rc = snc_x25519_force(name);
	if (rc == -ENOTSUP) {
		snprintf(select_error, sizeof(select_error), "SNC_X25519_IMPL=ifma: %s",
			 SNC_HAVE_X25519_IFMA ? "this CPU lacks AVX-512F/AVX-512 IFMA"
					      : "this build has no AVX-512 IFMA kernel");
		return rc;
	}
	if (rc < 0) {
		snprintf(select_error, sizeof(select_error),
			 "SNC_X25519_IMPL=%.40s: unknown (scalar or ifma)", name);
		return rc;
	}
	if (min != NULL) {
		char *end;
		unsigned long v = strtoul(min, &end, 10);

		if (end == min || *end != '\0' || v > 8 ||
		    snc_x25519_set_mb_min((unsigned)v) != 0) {
			snprintf(select_error, sizeof(select_error),
				 "SNC_X25519_MB_MIN=%.40s: not a number from 1 to 8", min);
			return -EINVAL;
		}
	}
	return 0;
}

const char *
snc_x25519_select_error(void)
{
	return select_error[0] != '\0' ? select_error : NULL;
}

#if SNC_HAVE_X25519_IFMA
/*
 * Runs items idx[0..m-1] (m <= 8) through the kernel; the other lanes compute
 * a fixed public dummy into scratch. Returns the number of low-order items.
 */
static unsigned
batch_ifma(const size_t idx[], unsigned m, const uint8_t *const sk[], const uint8_t *const pk[],
	   uint8_t *const out[], int status[])
{
	static const uint8_t dummy_sk[32] = {1}, dummy_pk[32] = {9};
	uint8_t scratch[SNC_X25519_IFMA_LANES][32];
	const uint8_t *s[SNC_X25519_IFMA_LANES], *p[SNC_X25519_IFMA_LANES];
	uint8_t *o[SNC_X25519_IFMA_LANES];
	unsigned failed = 0;

	for (unsigned l = 0; l < SNC_X25519_IFMA_LANES; l++) {
		s[l] = l < m ? sk[idx[l]] : dummy_sk;
		p[l] = l < m ? pk[idx[l]] : dummy_pk;
		o[l] = l < m ? out[idx[l]] : scratch[l];
	}
	snc_x25519_ifma_scalarmult8(s, p, o);
	for (unsigned l = 0; l < m; l++) {
		/* Same rule as libsodium: an all-zero result is a low-order point. */
		if (sodium_is_zero(o[l], 32)) {
			status[idx[l]] = SNC_E_LOW_ORDER;
			failed++;
		}
	}
	sodium_memzero(scratch, sizeof(scratch));
	return failed;
}
#endif

unsigned
snc_x25519_batch(size_t n, const uint8_t *const sk[], const uint8_t *const pk[],
		 uint8_t *const out[], int status[])
{
	unsigned failed = 0;
#if SNC_HAVE_X25519_IFMA
	size_t idx[SNC_X25519_IFMA_LANES];
	unsigned m = 0;

	if (impl == SNC_X25519_IFMA) {
		for (size_t i = 0; i < n; i++) {
			if (status[i] != 0)
				continue;
			idx[m++] = i;
			if (m == SNC_X25519_IFMA_LANES) {
				failed += batch_ifma(idx, m, sk, pk, out, status);
				m = 0;
			}
		}
		if (m >= mb_min)
			return failed + batch_ifma(idx, m, sk, pk, out, status);
		for (unsigned l = 0; l < m; l++) {
			status[idx[l]] = snc_x25519(sk[idx[l]], pk[idx[l]], out[idx[l]]);
			failed += status[idx[l]] != 0;
		}
		return failed;
	}
#endif
	for (size_t i = 0; i < n; i++) {
		if (status[i] != 0)
			continue;
		status[i] = snc_x25519(sk[i], pk[i], out[i]);
		failed += status[i] != 0;
	}
	return failed;
}

const char *
snc_x25519_impl_name(void)
{
	return impl == SNC_X25519_IFMA ? "avx512ifma-8way" : "libsodium-scalar";
}
