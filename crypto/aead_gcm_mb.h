/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM through Intel's ipsec-mb (libIPSec_MB), the fast path of the
 * aes-gcm onion layer: per call, key expansion + GHASH key precompute (the
 * layer key is fresh every time) and the single-shot ("direct") API, which
 * measured faster than the job API for every layer size (docs/performance.md).
 *
 * Threads: one IMB_MGR, allocated and initialised by snc_gcm_mb_init() (from
 * snc_init, before any worker starts) and only read afterwards: the direct GCM
 * API uses the manager as a table of function pointers and keeps all state in
 * the caller's stack (gcm_key_data, gcm_context_data). So worker lcores share
 * it without locks, allocation or per-thread setup. The job API, which has a
 * per-manager queue, is not used.
 */
#ifndef SNC_AEAD_GCM_MB_H
#define SNC_AEAD_GCM_MB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Initialises the shared manager for arch "auto" (ipsec-mb's best for this CPU),
 * "sse", "avx", "avx2" or "avx512". 0, -ENOTSUP (no ipsec-mb in this build, no
 * AES-NI/PCLMUL, or the CPU lacks that arch), -EINVAL (unknown arch) or -ENOMEM.
 * Not thread-safe: call before workers start. Idempotent for the same arch.
 */
int snc_gcm_mb_init(const char *arch);

/* "avx512", "avx2", "avx", "sse" once initialised, else NULL. */
const char *snc_gcm_mb_arch(void);

/* in_len bytes -> out (same length), tag(16); iv is 12 bytes. snc_gcm_mb_init first. */
void snc_gcm_mb_seal(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		     uint8_t *out, uint8_t tag[16]);

/* 0 or SNC_E_AUTH (tag compared in constant time; out wiped on failure). */
int snc_gcm_mb_open(const uint8_t key[32], const uint8_t iv[12], const uint8_t *in, size_t in_len,
		    const uint8_t tag[16], uint8_t *out);

#endif
