/* SPDX-License-Identifier: MIT */
#include "aead_gcm_mb.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "batch.h"

#if SNC_HAVE_IPSEC_MB
#include <intel-ipsec-mb.h>

static IMB_MGR *mgr; /* read-only once initialised (see the header) */
static const char *mgr_arch;

/* The CPU flags each explicit arch needs; the manager's init does not check. */
static const struct {
	const char *name;
	uint64_t cpu_flags;
	void (*init)(IMB_MGR *);
} arches[] = {
	{"sse", IMB_CPUFLAGS_SSE, init_mb_mgr_sse},
	{"avx", IMB_CPUFLAGS_AVX, init_mb_mgr_avx},
	{"avx2", IMB_CPUFLAGS_AVX2, init_mb_mgr_avx2},
	{"avx512", IMB_CPUFLAGS_AVX512, init_mb_mgr_avx512},
};

/* ipsec-mb's arch enum -> our name; NULL for its no-AES-NI emulation: CPUs
 * without AES-NI stay on OpenSSL (constant-time vpaes), as before. */
static const char *
arch_name(IMB_ARCH arch)
{
	switch (arch) {
	case IMB_ARCH_SSE:
		return "sse";
	case IMB_ARCH_AVX:
		return "avx";
	case IMB_ARCH_AVX2:
		return "avx2";
	case IMB_ARCH_AVX512:
		return "avx512";
	default:
		return NULL;
	}
}

/* Only on CPUs with AES-NI and PCLMUL, so auto never lands on the emulation. */
static int
init_auto(void)
{
	IMB_ARCH arch = IMB_ARCH_NONE;

	if ((mgr->features & IMB_CPUFLAGS_SSE) != IMB_CPUFLAGS_SSE)
		return -ENOTSUP;
	init_mb_mgr_auto(mgr, &arch);
	mgr_arch = arch_name(arch);
	return mgr_arch != NULL ? 0 : -ENOTSUP;
}

int
snc_gcm_mb_init(const char *arch)
{
	size_t n = sizeof(arches) / sizeof(arches[0]), i = 0;
	int use_auto = arch == NULL || strcmp(arch, "auto") == 0;

	while (!use_auto && i < n && strcmp(arch, arches[i].name) != 0)
		i++;
	if (!use_auto && i == n)
		return -EINVAL;
	if (mgr == NULL && (mgr = alloc_mb_mgr(0)) == NULL)
		return -ENOMEM;
	if (use_auto)
		return init_auto();
	/* alloc_mb_mgr() filled in the CPU's features. */
	if ((mgr->features & arches[i].cpu_flags) != arches[i].cpu_flags)
		return -ENOTSUP;
	arches[i].init(mgr);
	mgr_arch = arches[i].name;
	return 0;
}

const char *
snc_gcm_mb_arch(void)
{
	return mgr_arch;
}

void
snc_gcm_mb_seal(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		uint8_t *out, uint8_t tag[16])
{
	struct gcm_key_data kd __attribute__((aligned(64)));
	struct gcm_context_data ctx;

	IMB_AES256_GCM_PRE(mgr, key, &kd);
	IMB_AES256_GCM_ENC(mgr, &kd, &ctx, out, in, in_len, iv, NULL, 0, tag, 16);
	/* The expanded key and the counter state are key material. */
	sodium_memzero(&kd, sizeof(kd));
	sodium_memzero(&ctx, sizeof(ctx));
}

int
snc_gcm_mb_open(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		const uint8_t tag[16], uint8_t *out)
{
	struct gcm_key_data kd __attribute__((aligned(64)));
	struct gcm_context_data ctx;
	uint8_t computed[16];
	int bad;

	IMB_AES256_GCM_PRE(mgr, key, &kd);
	IMB_AES256_GCM_DEC(mgr, &kd, &ctx, out, in, in_len, iv, NULL, 0, computed, 16);
	sodium_memzero(&kd, sizeof(kd));
	sodium_memzero(&ctx, sizeof(ctx));
	/* ipsec-mb returns the tag it computed; the comparison is ours. */
	bad = sodium_memcmp(computed, tag, sizeof(computed));
	sodium_memzero(computed, sizeof(computed));
	if (bad != 0) {
		sodium_memzero(out, in_len); /* no unauthenticated plaintext */
		return SNC_E_AUTH;
	}
	return 0;
}

#else /* !SNC_HAVE_IPSEC_MB */

int
snc_gcm_mb_init(const char *arch)
{
	(void)arch;
	return -ENOTSUP;
}

const char *
snc_gcm_mb_arch(void)
{
	return NULL;
}

void
snc_gcm_mb_seal(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		uint8_t *out, uint8_t tag[16])
{
	(void)key, (void)iv, (void)in, (void)in_len, (void)out, (void)tag;
}

int
snc_gcm_mb_open(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		const uint8_t tag[16], uint8_t *out)
{
	(void)key, (void)iv, (void)in, (void)in_len, (void)tag, (void)out;
	return SNC_E_AUTH;
}

#endif
