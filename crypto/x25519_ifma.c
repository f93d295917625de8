/* SPDX-License-Identifier: MIT */
/*
 * 8-way X25519 on AVX-512 IFMA: eight independent RFC 7748 scalar
 * multiplications, one per 64-bit lane of a zmm register. snc_x25519_batch
 * sends groups of pending items here when the CPU has AVX-512F and IFMA;
 * operators see it as snc_x25519_impl_name() "avx512ifma-8way".
 *
 * Field elements mod p = 2^255 - 19 are five limbs in radix 2^52, so that
 * vpmadd52luq / vpmadd52huq give the low and high 52 bits of each limb
 * product. Those instructions read only the low 52 bits of their inputs, so
 * every value that reaches a multiplication is carried to limbs < 2^52 first
 * (fe_carry). Montgomery ladder of RFC 7748 section 5 with mask-selected
 * swaps, then a Fermat inversion (z^(p-2)) run in all lanes at once. Nothing
 * branches on, or indexes memory with, a scalar or a point.
 *
 * Built with -DSNC_X25519_IFMA_EMULATE, the same code runs on a portable
 * emulation of the eight-lane operations below: tests/ct runs that build
 * under valgrind, which cannot execute AVX-512 (docs/crypto.md).
 */
#include "x25519_ifma.h"

#include <sodium.h>
#include <string.h>

#define LANES  SNC_X25519_IFMA_LANES
/* The field operations must inline: a call spills every zmm register. */
#define INLINE static inline __attribute__((always_inline))
#define MASK52 ((UINT64_C(1) << 52) - 1)
#define MASK47 ((UINT64_C(1) << 47) - 1)

#ifdef SNC_X25519_IFMA_EMULATE

struct vec {
	uint64_t l[LANES];
};
typedef struct vec vec;
typedef uint8_t vmask; /* bit i = lane i */
__extension__ typedef unsigned __int128 u128;

static inline vec
v_set1(uint64_t x)
{
	vec r;

	for (int i = 0; i < LANES; i++)
		r.l[i] = x;
	return r;
}

static inline vec
v_add(vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] += b.l[i];
	return a;
}

static inline vec
v_sub(vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] -= b.l[i];
	return a;
}

static inline vec
v_and(vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] &= b.l[i];
	return a;
}

static inline vec
v_shri(vec a, unsigned n)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] >>= n;
	return a;
}

static inline vec
v_shli(vec a, unsigned n)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] <<= n;
	return a;
}

static inline vec
v_or(vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		a.l[i] |= b.l[i];
	return a;
}

/* acc + low 52 bits of (a mod 2^52) * (b mod 2^52), as vpmadd52luq. */
static inline vec
v_madd52lo(vec acc, vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		acc.l[i] += ((a.l[i] & MASK52) * (b.l[i] & MASK52)) & MASK52;
	return acc;
}

/* acc + high 52 bits of the 104-bit product, as vpmadd52huq. */
static inline vec
v_madd52hi(vec acc, vec a, vec b)
{
	for (int i = 0; i < LANES; i++)
		acc.l[i] += (uint64_t)(((u128)(a.l[i] & MASK52) * (b.l[i] & MASK52)) >> 52);
	return acc;
}

/* Lanes whose bit `bit` is set. */
static inline vmask
v_bit_mask(vec a, unsigned bit)
{
	vmask m = 0;

	for (int i = 0; i < LANES; i++)
		m |= (vmask)(((a.l[i] >> bit) & 1) << i);
	return m;
}

/* Lane i from b where mask bit i is set, else from a. */
static inline vec
v_blend(vmask m, vec a, vec b)
{
	for (int i = 0; i < LANES; i++) {
		uint64_t sel = 0 - (uint64_t)((m >> i) & 1);

		a.l[i] = (a.l[i] & ~sel) | (b.l[i] & sel);
	}
	return a;
}

static inline vec
v_load(const uint64_t *p)
{
	vec r;

	memcpy(r.l, p, sizeof(r.l));
	return r;
}

static inline void
v_store(uint64_t *p, vec a)
{
	memcpy(p, a.l, sizeof(a.l));
}

#else /* AVX-512F + IFMA */

#include <immintrin.h>

typedef __m512i vec;
typedef __mmask8 vmask;

#define v_set1(x)	      _mm512_set1_epi64((long long)(x))
#define v_add(a, b)	      _mm512_add_epi64(a, b)
#define v_sub(a, b)	      _mm512_sub_epi64(a, b)
#define v_and(a, b)	      _mm512_and_si512(a, b)
#define v_or(a, b)	      _mm512_or_si512(a, b)
#define v_shri(a, n)	      _mm512_srli_epi64(a, n)
#define v_shli(a, n)	      _mm512_slli_epi64(a, n)
#define v_madd52lo(acc, a, b) _mm512_madd52lo_epu64(acc, a, b)
#define v_madd52hi(acc, a, b) _mm512_madd52hi_epu64(acc, a, b)
#define v_blend(m, a, b)      _mm512_mask_blend_epi64(m, a, b)
#define v_load(p)	      _mm512_loadu_si512((const void *)(p))
#define v_store(p, a)	      _mm512_storeu_si512((void *)(p), a)

static inline vmask
v_bit_mask(vec a, unsigned bit)
{
	return _mm512_test_epi64_mask(a, _mm512_set1_epi64((long long)(UINT64_C(1) << bit)));
}

#endif

/*
 * A field element in all lanes: value = sum l[i] * 2^(52 i). "Carried" means
 * l[0..3] < 2^52 and l[4] < 2^48 (value < 2^255 + 2^221 < 2p): what fe_carry
 * returns. "Loose" (fe_add, fe_sub) allows l[4] < 2^50. A multiplication
 * accepts either: it needs every limb < 2^52 and returns a carried element.
 */
struct fe {
	vec l[5];
};

/*
 * Carries t0..t4 (each < 2^63) to the carried form: the bits of t4 from
 * 2^255 up fold into t0 times 19, then one pass from t0 to t4 leaves
 * t4 < 2^47 + 2^12.
 */
INLINE void
fe_carry(struct fe *r, vec t0, vec t1, vec t2, vec t3, vec t4)
{
	const vec m52 = v_set1(MASK52);
	vec c;

	c = v_shri(t4, 47);
	t4 = v_and(t4, v_set1(MASK47));
	t0 = v_madd52lo(t0, c, v_set1(19));
	c = v_shri(t0, 52);
	t0 = v_and(t0, m52);
	t1 = v_add(t1, c);
	c = v_shri(t1, 52);
	t1 = v_and(t1, m52);
	t2 = v_add(t2, c);
	c = v_shri(t2, 52);
	t2 = v_and(t2, m52);
	t3 = v_add(t3, c);
	c = v_shri(t3, 52);
	t3 = v_and(t3, m52);
	t4 = v_add(t4, c);
	r->l[0] = t0;
	r->l[1] = t1;
	r->l[2] = t2;
	r->l[3] = t3;
	r->l[4] = t4;
}

/*
 * Reduces a product given as ten columns t[k] (weight 2^(52 k), each a sum of
 * at most nine 52-bit halves, so < 2^56; t[9] < 2^52) with 2^260 = 608 mod p.
 * Column k >= 5 is split into its low 52 bits, multiplied into column k - 5,
 * and its top bits (< 16), multiplied into column k - 4.
 */
INLINE void
fe_reduce_wide(struct fe *r, vec t[10])
{
	const vec m52 = v_set1(MASK52), k608 = v_set1(608);

#pragma GCC unroll 4
	for (int k = 5; k < 9; k++) {
		vec lo = v_and(t[k], m52), hi = v_shri(t[k], 52);

		t[k - 5] = v_madd52lo(t[k - 5], lo, k608);
		t[k - 4] = v_madd52hi(t[k - 4], lo, k608);
		t[k - 4] = v_madd52lo(t[k - 4], hi, k608);
	}
	t[4] = v_madd52lo(t[4], t[9], k608);
	/* The high half of 608 * t[9] has weight 2^260 again: < 608, times 608. */
	t[0] = v_madd52lo(t[0], v_madd52hi(v_set1(0), t[9], k608), k608);
	fe_carry(r, t[0], t[1], t[2], t[3], t[4]);
}

INLINE void
fe_mul(struct fe *r, const struct fe *a, const struct fe *b)
{
	vec t[10];

#pragma GCC unroll 10
	for (int k = 0; k < 10; k++)
		t[k] = v_set1(0);
#pragma GCC unroll 5
	for (int i = 0; i < 5; i++) {
#pragma GCC unroll 5
		for (int j = 0; j < 5; j++) {
			t[i + j] = v_madd52lo(t[i + j], a->l[i], b->l[j]);
			t[i + j + 1] = v_madd52hi(t[i + j + 1], a->l[i], b->l[j]);
		}
	}
	fe_reduce_wide(r, t);
}

/* Squaring: the ten cross products once, doubled, plus the five squares. */
INLINE void
fe_sq(struct fe *r, const struct fe *a)
{
	vec t[10];

#pragma GCC unroll 10
	for (int k = 0; k < 10; k++)
		t[k] = v_set1(0);
#pragma GCC unroll 5
	for (int i = 0; i < 5; i++) {
#pragma GCC unroll 5
		for (int j = i + 1; j < 5; j++) {
			t[i + j] = v_madd52lo(t[i + j], a->l[i], a->l[j]);
			t[i + j + 1] = v_madd52hi(t[i + j + 1], a->l[i], a->l[j]);
		}
	}
#pragma GCC unroll 10
	for (int k = 1; k < 9; k++)
		t[k] = v_add(t[k], t[k]);
#pragma GCC unroll 5
	for (int i = 0; i < 5; i++) {
		t[2 * i] = v_madd52lo(t[2 * i], a->l[i], a->l[i]);
		t[2 * i + 1] = v_madd52hi(t[2 * i + 1], a->l[i], a->l[i]);
	}
	fe_reduce_wide(r, t);
}

INLINE void
fe_sqn(struct fe *r, const struct fe *a, int n)
{
	fe_sq(r, a);
	for (int i = 1; i < n; i++)
		fe_sq(r, r);
}

/*
 * Carries a sum or difference of two carried elements (limbs < 2^55) from
 * limb 0 to limb 4 only: limb 4 stays < 2^50, which a multiplication accepts
 * (it needs limbs < 2^52, not the 2^255 fold), so the fold to limb 0 is skipped.
 * The result is "loose": a multiplication input, never a subtrahend or packed.
 */
INLINE void
fe_carry_loose(struct fe *r, vec t0, vec t1, vec t2, vec t3, vec t4)
{
	const vec m52 = v_set1(MASK52);
	vec c;

	c = v_shri(t0, 52);
	r->l[0] = v_and(t0, m52);
	t1 = v_add(t1, c);
	c = v_shri(t1, 52);
	r->l[1] = v_and(t1, m52);
	t2 = v_add(t2, c);
	c = v_shri(t2, 52);
	r->l[2] = v_and(t2, m52);
	t3 = v_add(t3, c);
	c = v_shri(t3, 52);
	r->l[3] = v_and(t3, m52);
	r->l[4] = v_add(t4, c);
}

/* a + b, both carried; loose result. */
INLINE void
fe_add(struct fe *r, const struct fe *a, const struct fe *b)
{
	fe_carry_loose(r, v_add(a->l[0], b->l[0]), v_add(a->l[1], b->l[1]), v_add(a->l[2], b->l[2]),
		       v_add(a->l[3], b->l[3]), v_add(a->l[4], b->l[4]));
}

/*
 * a - b + 4p, both carried: the limbs of 4p are each larger than a carried
 * limb of b (limb 4: 2^49 - 4 > 2^48). Loose result (limb 4 < 2^50).
 */
INLINE void
fe_sub(struct fe *r, const struct fe *a, const struct fe *b)
{
	const vec p4_0 = v_set1(4 * (MASK52 - 18)), p4_mid = v_set1(4 * MASK52),
		  p4_4 = v_set1(4 * MASK47);

	fe_carry_loose(
		r, v_sub(v_add(a->l[0], p4_0), b->l[0]), v_sub(v_add(a->l[1], p4_mid), b->l[1]),
		v_sub(v_add(a->l[2], p4_mid), b->l[2]), v_sub(v_add(a->l[3], p4_mid), b->l[3]),
		v_sub(v_add(a->l[4], p4_4), b->l[4]));
}

/* r = a + 121665 * e (RFC 7748's a24 term); a carried, e loose; carried result. */
INLINE void
fe_add_a24(struct fe *r, const struct fe *a, const struct fe *e)
{
	const vec k = v_set1(121665);
	vec t[5], top;

#pragma GCC unroll 5
	for (int i = 0; i < 5; i++)
		t[i] = v_madd52lo(a->l[i], e->l[i], k);
#pragma GCC unroll 4
	for (int i = 0; i < 4; i++)
		t[i + 1] = v_madd52hi(t[i + 1], e->l[i], k);
	top = v_madd52hi(v_set1(0), e->l[4], k); /* weight 2^260 */
	t[0] = v_madd52lo(t[0], top, v_set1(608));
	fe_carry(r, t[0], t[1], t[2], t[3], t[4]);
}

/* Swaps a and b in the lanes of m. */
INLINE void
fe_cswap(vmask m, struct fe *a, struct fe *b)
{
#pragma GCC unroll 5
	for (int i = 0; i < 5; i++) {
		vec x = a->l[i], y = b->l[i];

		a->l[i] = v_blend(m, x, y);
		b->l[i] = v_blend(m, y, x);
	}
}

/* r = z^(p - 2) = z^(2^255 - 21): 254 squarings, 11 multiplications. */
static void
fe_invert(struct fe *r, const struct fe *z)
{
	struct fe z2, z9, z11, z5_0, z10_0, z20_0, z50_0, z100_0, t;

	fe_sq(&z2, z);
	fe_sqn(&t, &z2, 2);
	fe_mul(&z9, &t, z);
	fe_mul(&z11, &z9, &z2);
	fe_sq(&t, &z11);
	fe_mul(&z5_0, &t, &z9); /* z^(2^5 - 1) */
	fe_sqn(&t, &z5_0, 5);
	fe_mul(&z10_0, &t, &z5_0);
	fe_sqn(&t, &z10_0, 10);
	fe_mul(&z20_0, &t, &z10_0);
	fe_sqn(&t, &z20_0, 20);
	fe_mul(&t, &t, &z20_0); /* 2^40 - 1 */
	fe_sqn(&t, &t, 10);
	fe_mul(&z50_0, &t, &z10_0);
	fe_sqn(&t, &z50_0, 50);
	fe_mul(&z100_0, &t, &z50_0);
	fe_sqn(&t, &z100_0, 100);
	fe_mul(&t, &t, &z100_0); /* 2^200 - 1 */
	fe_sqn(&t, &t, 50);
	fe_mul(&t, &t, &z50_0); /* 2^250 - 1 */
	fe_sqn(&t, &t, 5);
	fe_mul(r, &t, &z11); /* 2^255 - 32 + 11 */
}

/*
 * Canonical little-endian words of a carried element: subtract p once when
 * the value is >= p (q = (v + 19) >> 255, then v + 19 q mod 2^255).
 */
static void
fe_pack(uint64_t w[4][LANES], const struct fe *a)
{
	const vec m52 = v_set1(MASK52);
	vec l0 = a->l[0], l1 = a->l[1], l2 = a->l[2], l3 = a->l[3], l4 = a->l[4], q, c;

	q = v_shri(v_add(l0, v_set1(19)), 52);
	q = v_shri(v_add(l1, q), 52);
	q = v_shri(v_add(l2, q), 52);
	q = v_shri(v_add(l3, q), 52);
	q = v_shri(v_add(l4, q), 47);
	l0 = v_madd52lo(l0, q, v_set1(19));
	c = v_shri(l0, 52);
	l0 = v_and(l0, m52);
	l1 = v_add(l1, c);
	c = v_shri(l1, 52);
	l1 = v_and(l1, m52);
	l2 = v_add(l2, c);
	c = v_shri(l2, 52);
	l2 = v_and(l2, m52);
	l3 = v_add(l3, c);
	c = v_shri(l3, 52);
	l3 = v_and(l3, m52);
	l4 = v_and(v_add(l4, c), v_set1(MASK47));
	v_store(w[0], v_or(l0, v_shli(l1, 52)));
	v_store(w[1], v_or(v_shri(l1, 12), v_shli(l2, 40)));
	v_store(w[2], v_or(v_shri(l2, 24), v_shli(l3, 28)));
	v_store(w[3], v_or(v_shri(l3, 36), v_shli(l4, 16)));
}

static uint64_t
load64_le(const uint8_t *p)
{
	uint64_t x = 0;

	for (int i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

static void
store64_le(uint8_t *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

/* Lane-major scratch: word or limb index first, lane second. */
struct mb_state {
	uint64_t k[4][LANES]; /* clamped scalars, 64-bit words */
	uint64_t u[5][LANES]; /* u-coordinates, 52-bit limbs */
	uint64_t w[4][LANES]; /* results, 64-bit words */
	uint8_t sk[32];
};

INLINE void
ladder_step(struct fe *x2, struct fe *z2, struct fe *x3, struct fe *z3, const struct fe *x1)
{
	struct fe a, b, c, d, aa, bb, e, da, cb, t;

	fe_add(&a, x2, z2);
	fe_sub(&b, x2, z2);
	fe_add(&c, x3, z3);
	fe_sub(&d, x3, z3);
	fe_sq(&aa, &a);
	fe_sq(&bb, &b);
	fe_mul(&da, &d, &a);
	fe_mul(&cb, &c, &b);
	fe_sub(&e, &aa, &bb);
	fe_add(&t, &da, &cb);
	fe_sq(x3, &t);
	fe_sub(&t, &da, &cb);
	fe_sq(&t, &t);
	fe_mul(z3, x1, &t);
	fe_mul(x2, &aa, &bb);
	fe_add_a24(&t, &aa, &e);
	fe_mul(z2, &e, &t);
}

void
snc_x25519_ifma_scalarmult8(const uint8_t *const sk[LANES], const uint8_t *const pk[LANES],
			    uint8_t *const out[LANES])
{
	struct mb_state st;
	struct fe x1, x2, z2, x3, z3, zi;
	vec k[4];
	vmask swap = 0;

	/* Every input is read before any output is written: out may alias them. */
	for (int i = 0; i < LANES; i++) {
		uint64_t w0, w1, w2, w3;

		memcpy(st.sk, sk[i], 32);
		st.sk[0] &= 248;
		st.sk[31] &= 127;
		st.sk[31] |= 64;
		for (int j = 0; j < 4; j++)
			st.k[j][i] = load64_le(st.sk + 8 * j);
		w0 = load64_le(pk[i]);
		w1 = load64_le(pk[i] + 8);
		w2 = load64_le(pk[i] + 16);
		w3 = load64_le(pk[i] + 24) & (UINT64_MAX >> 1); /* RFC 7748: ignore bit 255 */
		st.u[0][i] = w0 & MASK52;
		st.u[1][i] = ((w0 >> 52) | (w1 << 12)) & MASK52;
		st.u[2][i] = ((w1 >> 40) | (w2 << 24)) & MASK52;
		st.u[3][i] = ((w2 >> 28) | (w3 << 36)) & MASK52;
		st.u[4][i] = w3 >> 16;
	}
	for (int j = 0; j < 4; j++)
		k[j] = v_load(st.k[j]);
	for (int j = 0; j < 5; j++) {
		x1.l[j] = v_load(st.u[j]);
		x2.l[j] = v_set1(j == 0);
		z2.l[j] = v_set1(0);
		x3.l[j] = x1.l[j];
		z3.l[j] = v_set1(j == 0);
	}
	/* Bit 255 of a clamped scalar is 0: the ladder starts at bit 254. */
	for (int t = 254; t >= 0; t--) {
		vmask bit = v_bit_mask(k[t >> 6], (unsigned)t & 63);

		swap ^= bit;
		fe_cswap(swap, &x2, &x3);
		fe_cswap(swap, &z2, &z3);
		swap = bit;
		ladder_step(&x2, &z2, &x3, &z3, &x1);
	}
	fe_cswap(swap, &x2, &x3);
	fe_cswap(swap, &z2, &z3);
	/* z2 = 0 (low-order u) gives 0^(p-2) = 0 and an all-zero result. */
	fe_invert(&zi, &z2);
	fe_mul(&x2, &x2, &zi);
	fe_pack(st.w, &x2);
	for (int i = 0; i < LANES; i++)
		for (int j = 0; j < 4; j++)
			store64_le(out[i] + 8 * j, st.w[j][i]);
	sodium_memzero(&st, sizeof(st));
}
