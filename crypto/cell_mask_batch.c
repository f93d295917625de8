/* SPDX-License-Identifier: MIT */
#include "cell_mask_batch.h"

#include <sodium.h>
#include <string.h>

#if SNC_HAVE_BLAKE2B_X8
#include "blake2b_x8.h"
#endif

enum {
	MASK_MSG = 9 + 1 + 8 + 4, /* "snode-hdr" || kind || label_be64 || seq_be32 */
};

static bool force_scalar;

void
snc_cell_mask_batch_force_scalar(bool scalar)
{
	force_scalar = scalar;
}

static bool
use_x8(void)
{
#if SNC_HAVE_BLAKE2B_X8
	static int cpu = -1;

	if (cpu < 0) {
		__builtin_cpu_init();
		cpu = __builtin_cpu_supports("avx512f") ? 1 : 0;
	}
	return cpu == 1 && !force_scalar;
#else
	return false;
#endif
}

const char *
snc_cell_mask_batch_impl(void)
{
	return use_x8() ? "avx512f-8way" : "libsodium";
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
mask_msg(const struct snc_mask_job *j, uint8_t msg[MASK_MSG])
{
	memcpy(msg, "snode-hdr", 9);
	msg[9] = j->kind;
	put_be32(msg + 10, (uint32_t)(j->label >> 32));
	put_be32(msg + 14, (uint32_t)j->label);
	put_be32(msg + 18, j->seq);
}

void
snc_mask_key_init(struct snc_mask_key *k, const uint8_t key[32])
{
	memset(k, 0, sizeof(*k));
#if SNC_HAVE_BLAKE2B_X8
	if (use_x8()) {
		snc_blake2b_k32_state(key, k->h);
		k->ready = 1;
	}
#else
	(void)key;
#endif
}

#if SNC_HAVE_BLAKE2B_X8
/* Every job of the group has its key's state: the key block is skipped. */
static bool
all_pre(size_t k, const struct snc_mask_job *jobs)
{
	for (size_t l = 0; l < k; l++)
		if (jobs[l].pre == NULL || !jobs[l].pre->ready)
			return false;
	return true;
}

/* k (1..8) hashes from precomputed states; unused lanes repeat lane 0. -1: not done. */
static int
x8_pre(size_t k, const struct snc_mask_job *jobs, const uint8_t *const msg[], const size_t len[],
       uint8_t *const out[])
{
	const uint64_t *st[SNC_B2X8_LANES];
	const uint8_t *ml[SNC_B2X8_LANES];
	uint8_t *ol[SNC_B2X8_LANES], spare[SNC_B2X8_LANES][32];
	size_t ll[SNC_B2X8_LANES];
	int rc;

	for (size_t l = 0; l < SNC_B2X8_LANES; l++) {
		size_t i = l < k ? l : 0;
		st[l] = jobs[i].pre->h;
		ml[l] = msg[i];
		ll[l] = len[i];
		ol[l] = l < k ? out[l] : spare[l];
	}
	rc = snc_blake2b_k32_x8_from(st, ml, ll, ol);
	sodium_memzero(spare, sizeof(spare));
	return rc;
}

/* k (1..8) hashes through the 8-way kernel; the unused lanes repeat lane 0. */
static void
x8(size_t k, const uint8_t *const key[], const uint8_t *const msg[], const size_t len[],
   uint8_t *const out[])
{
	const uint8_t *kl[SNC_B2X8_LANES], *ml[SNC_B2X8_LANES];
	uint8_t *ol[SNC_B2X8_LANES], spare[SNC_B2X8_LANES][32];
	size_t ll[SNC_B2X8_LANES];

	for (size_t l = 0; l < SNC_B2X8_LANES; l++) {
		size_t i = l < k ? l : 0;
		kl[l] = key[i];
		ml[l] = msg[i];
		ll[l] = len[i];
		ol[l] = l < k ? out[l] : spare[l];
	}
	snc_blake2b_k32_x8(kl, ml, ll, ol);
	sodium_memzero(spare, sizeof(spare));
}
#endif

void
snc_cell_mask_batch(size_t n, const struct snc_mask_job *jobs)
{
#if SNC_HAVE_BLAKE2B_X8
	if (use_x8()) {
		for (size_t done = 0; done < n; done += SNC_B2X8_LANES) {
			size_t k = n - done < SNC_B2X8_LANES ? n - done : SNC_B2X8_LANES;
			uint8_t msg[SNC_B2X8_LANES][MASK_MSG], full[SNC_B2X8_LANES][32];
			const uint8_t *key[SNC_B2X8_LANES], *mp[SNC_B2X8_LANES];
			uint8_t *out[SNC_B2X8_LANES];
			size_t len[SNC_B2X8_LANES];

			for (size_t l = 0; l < k; l++) {
				mask_msg(&jobs[done + l], msg[l]);
				key[l] = jobs[done + l].key;
				mp[l] = msg[l];
				len[l] = MASK_MSG;
				out[l] = full[l];
			}
			if (!all_pre(k, &jobs[done]) || x8_pre(k, &jobs[done], mp, len, out) != 0)
				x8(k, key, mp, len, out);
			for (size_t l = 0; l < k; l++)
				memcpy(jobs[done + l].mask, full[l], SNC_CELL_MASK_BYTES);
		}
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		snc_cell_mask(jobs[i].key, jobs[i].kind, jobs[i].label, jobs[i].seq, jobs[i].mask);
}

#if SNC_HAVE_BLAKE2B_X8
/* kf and kr of up to 8 circuits; lanes past k repeat circuit 0 (the same bytes written
 * twice). Without any kf wanted, one message compression less. */
static void
data_keys_x8(size_t k, const uint8_t *const hop_key[], uint8_t *const kf[], uint8_t *const kr[])
{
	static const uint8_t fwd[] = "snode-data-fwd", rev[] = "snode-data-rev";
	const uint8_t *key[SNC_B2X8_LANES], *mf[SNC_B2X8_LANES], *mr[SNC_B2X8_LANES];
	uint8_t *of[SNC_B2X8_LANES], *orv[SNC_B2X8_LANES], unwanted[SNC_B2X8_LANES][32];
	size_t len[SNC_B2X8_LANES];
	bool any_kf = false;

	for (size_t l = 0; l < SNC_B2X8_LANES; l++) {
		size_t i = l < k ? l : 0;
		key[l] = hop_key[i];
		mf[l] = fwd;
		mr[l] = rev;
		len[l] = sizeof(fwd) - 1;
		of[l] = kf[i] != NULL ? kf[i] : unwanted[l];
		orv[l] = kr[i];
		any_kf |= kf[i] != NULL;
	}
	if (any_kf) {
		snc_blake2b_k32_x8_two(key, mf, len, of, mr, len, orv);
		sodium_memzero(unwanted, sizeof(unwanted));
	} else {
		snc_blake2b_k32_x8(key, mr, len, orv);
	}
}
#endif

void
snc_cell_data_keys_batch(size_t n, const uint8_t *const hop_key[], uint8_t *const kf[],
			 uint8_t *const kr[])
{
#if SNC_HAVE_BLAKE2B_X8
	if (use_x8()) {
		for (size_t done = 0; done < n; done += SNC_B2X8_LANES)
			data_keys_x8(n - done < SNC_B2X8_LANES ? n - done : SNC_B2X8_LANES,
				     hop_key + done, kf + done, kr + done);
		return;
	}
#endif
	for (size_t i = 0; i < n; i++) {
		uint8_t unwanted[32];
		snc_cell_data_keys(hop_key[i], kf[i] != NULL ? kf[i] : unwanted, kr[i]);
		sodium_memzero(unwanted, sizeof(unwanted));
	}
}
