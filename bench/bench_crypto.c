/* SPDX-License-Identifier: MIT */
/*
 * snode-bench-crypto: per-core throughput of libsnc's onion primitives, one
 * table on stdout. Not a test: figures depend on the machine. Each row runs
 * for --seconds (default 0.5) on the calling thread; pin it with taskset.
 * The ratio column compares each row with the X25519 row measured in the same run.
 * X25519 and the layer peel run with each X25519 implementation (forced with
 * snc_x25519_force, the switch behind SNC_X25519_IMPL); the 8-way / scalar
 * ratios are printed at the end. AES-GCM runs with each implementation this
 * machine has (snc_aead_gcm_force: libsodium, OpenSSL, ipsec-mb's best arch),
 * alone and inside the aes-gcm layer peel; ipsec-mb / libsodium ratios last.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "account.h"
#include "aead.h"
#include "cell_mask_batch.h"
#include "ed_x_cache.h"
#include "kdf.h"
#include "onion_layer.h"
#include "snc.h"
#include "x25519.h"

enum {
	BENCH_BATCH = 32,
	BENCH_MAX_LEN = 16384
};

static double bench_seconds = 0.5;
static double x25519_rate;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs fn(arg) in rounds until bench_seconds pass; returns items per second. */
static double
measure(unsigned (*fn)(void *arg), void *arg)
{
	double start = now(), elapsed;
	unsigned long long items = 0;

	do {
		items += fn(arg);
		elapsed = now() - start;
	} while (elapsed < bench_seconds);
	return (double)items / elapsed;
}

static void
row(const char *name, size_t bytes, double rate)
{
	printf("%-44s %9.0f ops/s %9.1f MB/s %8.2fx\n", name, rate,
	       bytes ? rate * (double)bytes / 1e6 : 0.0,
	       x25519_rate > 0 ? rate / x25519_rate : 1.0);
}

static uint8_t sk[32], pk[32], peer[32], key[32];
static uint8_t buf_in[BENCH_MAX_LEN + 64], buf_out[BENCH_MAX_LEN + 64];

static unsigned
run_x25519(void *arg)
{
	uint8_t out[32];

	(void)arg;
	for (int i = 0; i < 64; i++)
		snc_x25519(sk, peer, out);
	return 64;
}

/* One snc_x25519_batch call over BENCH_BATCH items, distinct scalars. */
static unsigned
run_x25519_batch(void *arg)
{
	static uint8_t sks[BENCH_BATCH][32], outs[BENCH_BATCH][32];
	const uint8_t *s[BENCH_BATCH], *p[BENCH_BATCH];
	uint8_t *o[BENCH_BATCH];
	int status[BENCH_BATCH] = {0};

	(void)arg;
	for (size_t i = 0; i < BENCH_BATCH; i++) {
		sks[i][0] = (uint8_t)i;
		sks[i][1] = key[i];
		s[i] = sks[i];
		p[i] = peer;
		o[i] = outs[i];
	}
	if (snc_x25519_batch(BENCH_BATCH, s, p, o, status) != 0) {
		fprintf(stderr, "bench: x25519 batch failed\n");
		exit(1);
	}
	return BENCH_BATCH;
}

static unsigned
run_kdf(void *arg)
{
	enum snc_enc_type t = *(enum snc_enc_type *)arg;
	uint8_t out[32];

	for (int i = 0; i < 1024; i++)
		snc_kdf_derive(t, key, pk, peer, out);
	return 1024;
}

/* A burst's cell header masks (cell_mask_batch.h): BENCH_BATCH per call, distinct keys;
 * arg non-NULL forces the one-by-one libsodium path. */
static unsigned
run_mask_batch(void *arg)
{
	static uint8_t keys[BENCH_BATCH][32], masks[BENCH_BATCH][SNC_CELL_MASK_BYTES];
	struct snc_mask_job jobs[BENCH_BATCH];

	snc_cell_mask_batch_force_scalar(arg != NULL);
	for (size_t i = 0; i < BENCH_BATCH; i++) {
		keys[i][0] = (uint8_t)i;
		keys[i][1] = key[i];
		jobs[i] = (struct snc_mask_job){
			keys[i], 0x1234567800000001ull + i, (uint32_t)i, 3, masks[i], NULL};
	}
	snc_cell_mask_batch(BENCH_BATCH, jobs);
	snc_cell_mask_batch_force_scalar(false);
	return BENCH_BATCH;
}

/* The same masks with each key's state precomputed (snc_mask_key, as a node's link key
 * is in the node table): the key block not compressed per call. */
static unsigned
run_mask_batch_pre(void *arg)
{
	static uint8_t keys[BENCH_BATCH][32], masks[BENCH_BATCH][SNC_CELL_MASK_BYTES];
	static struct snc_mask_key pre[BENCH_BATCH];
	static int ready;
	struct snc_mask_job jobs[BENCH_BATCH];

	(void)arg;
	for (size_t i = 0; i < BENCH_BATCH; i++) {
		keys[i][0] = (uint8_t)i;
		keys[i][1] = key[i];
		if (!ready)
			snc_mask_key_init(&pre[i], keys[i]); /* once: table build time */
		jobs[i] = (struct snc_mask_job){
			keys[i], 0x1234567800000001ull + i, (uint32_t)i, 3, masks[i], &pre[i]};
	}
	ready = 1;
	snc_cell_mask_batch(BENCH_BATCH, jobs);
	return BENCH_BATCH;
}

/* The previous implementation: libsodium's portable SHA-256 from a precomputed state. */
static unsigned
run_kdf_sodium_state(void *arg)
{
	static const uint8_t loki[4] = {'L', 'O', 'K', 'I'};
	crypto_auth_hmacsha256_state pre, st;
	uint8_t out[32];

	(void)arg;
	crypto_auth_hmacsha256_init(&pre, loki, sizeof(loki));
	for (int i = 0; i < 1024; i++) {
		st = pre;
		crypto_auth_hmacsha256_update(&st, key, 32);
		crypto_auth_hmacsha256_final(&st, out);
	}
	return 1024;
}

/* The baseline of the precomputed "LOKI" state: HMAC's key blocks hashed per call. */
static unsigned
run_kdf_plain_hmac(void *arg)
{
	static const uint8_t loki[4] = {'L', 'O', 'K', 'I'};
	crypto_auth_hmacsha256_state st;
	uint8_t out[32];

	(void)arg;
	for (int i = 0; i < 1024; i++) {
		crypto_auth_hmacsha256_init(&st, loki, sizeof(loki));
		crypto_auth_hmacsha256_update(&st, key, 32);
		crypto_auth_hmacsha256_final(&st, out);
	}
	return 1024;
}

/* The storage RPC's 05 account check (pubkey_ed25519 -> the account's X25519
 * key): libsodium's conversion each time (arg NULL) or through the cache. */
static unsigned
run_account_check(void *arg)
{
	static uint8_t acct[33], ed[32];
	uint8_t ed_sk[64];

	if (acct[0] == 0) {
		crypto_sign_keypair(ed, ed_sk);
		acct[0] = 0x05;
		if (crypto_sign_ed25519_pk_to_curve25519(acct + 1, ed) != 0)
			abort();
	}
	for (int i = 0; i < 64; i++)
		if (snc_account_check_ed25519_cached(arg, acct, ed) != 0)
			abort();
	return 64;
}

struct aead_arg {
	enum snc_enc_type type;
	size_t len;
	int open;
	size_t ct_len;
};

static unsigned
run_aead(void *arg)
{
	struct aead_arg *a = arg;
	size_t out_len;

	for (int i = 0; i < 16; i++) {
		if (a->open)
			snc_aead_open(a->type, key, buf_in, a->ct_len, buf_out, sizeof(buf_out),
				      &out_len);
		else
			snc_aead_seal(a->type, key, buf_in, a->len, buf_out, sizeof(buf_out),
				      &out_len);
	}
	return 16;
}

struct peel_arg {
	enum snc_enc_type type;
	struct snc_node_keys node;
	uint8_t eph_pk[32];
	uint8_t ct[1024 + 64];
	size_t ct_len;
	uint8_t out[BENCH_BATCH][1024 + 64];
	size_t n;
};

static unsigned
run_peel(void *arg)
{
	struct peel_arg *a = arg;
	struct snc_layer_job jobs[BENCH_BATCH];
	int status[BENCH_BATCH] = {0};

	for (size_t i = 0; i < a->n; i++)
		jobs[i] = (struct snc_layer_job){.type = a->type,
						 .eph_pk = a->eph_pk,
						 .in = a->ct,
						 .in_len = a->ct_len,
						 .out = a->out[i],
						 .out_cap = sizeof(a->out[i])};
	if (snc_onion_layer_peel_batch(&a->node, a->n, jobs, status) != 0) {
		fprintf(stderr, "bench: peel failed\n");
		exit(1);
	}
	return (unsigned)a->n;
}

/* AES-GCM implementations compared in the same run (those this machine has);
 * ipsec-mb's SSE and AVX2 code for comparison with its best (the default). */
static const char *const gcm_impls[] = {"libsodium", "openssl", "ipsec-mb-sse", "ipsec-mb-avx2",
					"ipsec-mb"};
enum {
	GCM_IMPLS = 5,
	AEAD_LENS = 3
};
static const size_t aead_lens[AEAD_LENS] = {256, 1024, 16384};
static double gcm_rate[GCM_IMPLS][AEAD_LENS][2]; /* [impl][len][open] */
static char gcm_name[GCM_IMPLS][20];		 /* "ipsec-mb-avx512" */

/* Seal and open rows for one type at each length with the implementation in use. */
static void
aead_rows(enum snc_enc_type t, const char *impl, double rates[AEAD_LENS][2])
{
	char name[64];

	for (size_t i = 0; i < AEAD_LENS; i++) {
		struct aead_arg a = {.type = t, .len = aead_lens[i]};

		snprintf(name, sizeof(name), "seal %s/%s %zu B", snc_enc_type_name(t), impl,
			 aead_lens[i]);
		row(name, aead_lens[i], rates[i][0] = measure(run_aead, &a));
		snc_aead_seal(t, key, buf_out, aead_lens[i], buf_in, sizeof(buf_in), &a.ct_len);
		a.open = 1;
		snprintf(name, sizeof(name), "open %s/%s %zu B", snc_enc_type_name(t), impl,
			 aead_lens[i]);
		row(name, aead_lens[i], rates[i][1] = measure(run_aead, &a));
	}
}

static void
bench_aead(void)
{
	double unused[AEAD_LENS][2];

	for (size_t g = 0; g < GCM_IMPLS; g++) {
		if (snc_aead_gcm_force(gcm_impls[g]) != 0)
			continue;
		snprintf(gcm_name[g], sizeof(gcm_name[g]), "%s", snc_aead_gcm_impl_name());
		aead_rows(SNC_ENC_AES_GCM, gcm_name[g], gcm_rate[g]);
	}
	snc_aead_gcm_force(NULL);
	aead_rows(SNC_ENC_XCHACHA20, "libsodium", unused);
	aead_rows(SNC_ENC_AES_CBC, "openssl", unused);
}

static int have_ifma;
static double ratio_x25519, ratio_peel[SNC_ENC_TYPE_COUNT], peel_gcm[GCM_IMPLS];

/* Forces an X25519 implementation; the bench is pointless if that fails. */
static void
force_x25519(const char *impl)
{
	if (snc_x25519_force(impl) != 0) {
		fprintf(stderr, "bench: cannot force x25519 impl %s\n", impl);
		exit(1);
	}
}

static void
bench_x25519(void)
{
	double scalar, ifma;

	force_x25519("scalar");
	scalar = measure(run_x25519_batch, NULL);
	row("x25519 batch 32 (libsodium-scalar)", 0, scalar);
	if (!have_ifma)
		return;
	force_x25519("ifma");
	ifma = measure(run_x25519_batch, NULL);
	row("x25519 batch 32 (avx512ifma-8way)", 0, ifma);
	ratio_x25519 = ifma / scalar;
}

/* The aes-gcm layer, batch 32, with each AES-GCM implementation (X25519: the
 * best this machine has, so that the symmetric part weighs most). The AEAD is
 * a small share of a layer, so the implementations take turns for three
 * rounds and each keeps its best round: a busy neighbour then costs all alike. */
static void
bench_peel_gcm(struct peel_arg *a)
{
	char name[64];

	a->type = SNC_ENC_AES_GCM;
	a->n = BENCH_BATCH;
	force_x25519(have_ifma ? "ifma" : "scalar");
	for (int round = 0; round < 3; round++) {
		for (size_t g = 0; g < GCM_IMPLS; g++) {
			double r;

			if (strncmp(gcm_impls[g], "ipsec-mb-", 9) == 0 ||
			    snc_aead_gcm_force(gcm_impls[g]) != 0)
				continue;
			r = measure(run_peel, a);
			peel_gcm[g] = r > peel_gcm[g] ? r : peel_gcm[g];
		}
	}
	for (size_t g = 0; g < GCM_IMPLS; g++) {
		if (peel_gcm[g] <= 0)
			continue;
		snprintf(name, sizeof(name), "peel aes-gcm 1 KB b32, %.19s, best of 3",
			 gcm_name[g]);
		row(name, 1024, peel_gcm[g]);
	}
	snc_aead_gcm_force(NULL);
}

static void
bench_peel(void)
{
	static struct peel_arg a;
	uint8_t seed[32], eph_sk[32];
	char name[64];
	double scalar, ifma;

	randombytes_buf(seed, 32);
	snc_onion_layer_keypair_from_seed(seed, a.node.x25519_sk, a.node.x25519_pk);
	randombytes_buf(seed, 32);
	snc_onion_layer_keypair_from_seed(seed, eph_sk, a.eph_pk);
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		a.type = t;
		snc_onion_layer_encrypt(t, eph_sk, a.eph_pk, a.node.x25519_pk, buf_in, 1024, a.ct,
					sizeof(a.ct), &a.ct_len);
		force_x25519("scalar");
		for (size_t n = 1; n <= BENCH_BATCH; n += BENCH_BATCH - 1) {
			a.n = n;
			snprintf(name, sizeof(name), "peel layer %s 1 KB, batch %zu",
				 snc_enc_type_name(t), n);
			row(name, 1024, scalar = measure(run_peel, &a));
		}
		if (t == SNC_ENC_AES_GCM)
			bench_peel_gcm(&a);
		if (!have_ifma)
			continue;
		force_x25519("ifma");
		snprintf(name, sizeof(name), "peel layer %s 1 KB, b32, ifma", snc_enc_type_name(t));
		row(name, 1024, ifma = measure(run_peel, &a));
		ratio_peel[t] = ifma / scalar;
	}
}

/* ipsec-mb / libsodium for each AES-GCM row pair, when both ran. */
static void
print_gcm_ratios(void)
{
	enum {
		SODIUM,
		MB = GCM_IMPLS - 1
	};

	if (gcm_rate[SODIUM][0][0] <= 0 || gcm_rate[MB][0][0] <= 0) {
		printf("aes-gcm: ipsec-mb or libsodium not usable here; no ratio\n");
		return;
	}
	for (size_t i = 0; i < AEAD_LENS; i++)
		for (int open = 0; open < 2; open++)
			printf("%s aes-gcm %zu B, %s / libsodium: %.2fx\n", open ? "open" : "seal",
			       aead_lens[i], gcm_name[MB],
			       gcm_rate[MB][i][open] / gcm_rate[SODIUM][i][open]);
	printf("peel 1 KB aes-gcm batch 32 (x25519 %s), %s / libsodium: %.2fx\n",
	       have_ifma ? "ifma" : "scalar", gcm_name[MB], peel_gcm[MB] / peel_gcm[SODIUM]);
}

static void
print_ratios(void)
{
	if (!have_ifma) {
		printf("avx512ifma-8way: not usable on this CPU or build; no 8-way figures\n");
		return;
	}
	printf("x25519 batch 32, avx512ifma-8way / libsodium-scalar: %.2fx\n", ratio_x25519);
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++)
		printf("peel 1 KB %s batch 32, avx512ifma-8way / libsodium-scalar: %.2fx\n",
		       snc_enc_type_name(t), ratio_peel[t]);
}

int
main(int argc, char **argv)
{
	enum snc_enc_type gcm = SNC_ENC_AES_GCM, xch = SNC_ENC_XCHACHA20;

	if (argc == 3 && strcmp(argv[1], "--seconds") == 0)
		bench_seconds = atof(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: snode-bench-crypto [--seconds S]\n");
		return 2;
	}
	if (snc_init() != 0)
		return 1;
	randombytes_buf(sk, 32);
	randombytes_buf(key, 32);
	randombytes_buf(buf_in, sizeof(buf_in));
	crypto_scalarmult_base(pk, sk);
	crypto_scalarmult_base(peer, key);
	printf("snode-bench-crypto: one core, %.2f s per row; x25519 impl %s, aes-gcm impl %s\n",
	       bench_seconds, snc_x25519_impl_name(), snc_aead_gcm_impl_name());
	printf("%-44s %15s %15s %9s\n", "operation", "rate", "throughput", "vs x25519");
	have_ifma = snc_x25519_ifma_usable();
	x25519_rate = measure(run_x25519, NULL);
	row("x25519 (scalar)", 0, x25519_rate);
	bench_x25519();
	double plain = measure(run_kdf_plain_hmac, NULL), pre = measure(run_kdf, &gcm);
	double sodium_pre = measure(run_kdf_sodium_state, NULL);
	row("kdf aes-gcm, HMAC key blocks per call", 0, plain);
	row("kdf aes-gcm, libsodium SHA-256 state", 0, sodium_pre);
	row("kdf aes-gcm (HMAC-SHA256 LOKI)", 0, pre);
	row("kdf xchacha20 (BLAKE2b-256)", 0, measure(run_kdf, &xch));
	double mask_one = measure(run_mask_batch, &xch), mask_batch = measure(run_mask_batch, NULL);
	row("cell mask, batch 32, libsodium one by one", 0, mask_one);
	row("cell mask, batch 32, cell_mask_batch", 0, mask_batch);
	double mask_pre = measure(run_mask_batch_pre, NULL);
	row("cell mask, batch 32, precomputed key state", 0, mask_pre);
	static struct snc_ed_x_cache ed_x;
	snc_ed_x_cache_init(&ed_x);
	double acct_plain = measure(run_account_check, NULL);
	double acct_cached = measure(run_account_check, &ed_x);
	row("05 account check, libsodium", 0, acct_plain);
	row("05 account check, ed_x_cache hit", 0, acct_cached);
	bench_aead();
	bench_peel();
	print_ratios();
	print_gcm_ratios();
	printf("kdf aes-gcm, precomputed LOKI blocks / key blocks per call: %.2fx\n", pre / plain);
	printf("kdf aes-gcm, OpenSSL SHA-256 (SHA-NI when present) / libsodium state: %.2fx\n",
	       pre / sodium_pre);
	printf("cell mask batch 32, %s / libsodium one by one: %.2fx\n", snc_cell_mask_batch_impl(),
	       mask_batch / mask_one);
	printf("cell mask batch 32, precomputed key state / keys per call: %.2fx\n",
	       mask_pre / mask_batch);
	printf("05 account check, cache hit / libsodium conversion: %.2fx\n",
	       acct_cached / acct_plain);
	return 0;
}
