/* SPDX-License-Identifier: MIT */
/*
 * crypto/group_msg.c: a fixed-nonce vector from an independent implementation,
 * round trips at the padding edges and the size limit, tampering, truncation,
 * key lists, and every way the decrypted dict can be malformed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "group_msg.h"
#include "identity.h"
#include "snc.h"

/*
 * No upstream vector exists (libsession draws a random nonce; facts doc O3).
 * This one was computed by tests/tools/msg_reference.py group-seal (PyNaCl,
 * written from the facts doc section 5.2): author seed
 * 0123456789abcdef0123456789abcdef00000000000000000000000000000000 (the
 * sender of libsession's deterministic 1:1 vector), key 00..1f, nonce
 * 00112233445566778899aabbccddeeff00ffeeddccbbaa99, data "hello group".
 */
static const char ref_seed[] = "0123456789abcdef0123456789abcdef00000000000000000000000000000000";
static const char ref_nonce[] = "00112233445566778899aabbccddeeff00ffeeddccbbaa99";
static const char ref_data[] = "hello group";
static const char ref_ct[] =
	"00112233445566778899aabbccddeeff00ffeeddccbbaa99e123435e93376bd7e0d61abac75e37d76cfc"
	"f68ec25d9b82fcd43ef000081b98d2a357dc560f200b1b0c466f1768e5d6c85ccdd0687feef862ca9238"
	"3c8fe2ac9c97ee1b5bdc4f82f63c2588fc891459ef0918b5840f70bd5b10587db620b516f4fec0207b1c"
	"a6445049a3eb77e8364766f634d7c41b5bbb847307d1825ea5d33558e98fdffb8fab46a1905688cbdea8"
	"0fd37810c188740562027146dbd6466c82b11b64ad703326bbbd02b62fdc1ac8de6a7f232c6148598750"
	"b8ba22289c56b5ffbebf3e9569dd37e637b3166fdd84db7f369013a74eb1d9cc52152fd4431d5ef9e860"
	"5a4964c7";

struct fixture {
	struct snc_identity author;
	uint8_t keys[3][SNC_GROUP_MSG_KEY_BYTES];
};

static void
hex(const char *h, uint8_t *out, size_t len)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, len);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t seed[32];

	hex(ref_seed, seed, 32);
	assert_int_equal(snc_identity_from_seed(&f->author, seed), 0);
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < SNC_GROUP_MSG_KEY_BYTES; i++)
			f->keys[k][i] = (uint8_t)(k * 0x40 + i);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* Decrypts with key list keys[first .. first+n-1]; returns the status. */
static int
open_with(const struct fixture *f, size_t first, size_t n, const uint8_t *ct, size_t len,
	  uint8_t *out, size_t cap, size_t *outlen, size_t *idx)
{
	uint8_t pk[32], sid[33];

	return snc_group_msg_decrypt(f->keys[first], n, ct, len, out, cap, outlen, idx, pk, sid);
}

static void
matches_reference_vector(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[24], expect[256], out[512], back[64], pk[32], sid[33];
	size_t outlen, backlen, idx;

	hex(ref_nonce, nonce, 24);
	hex(ref_ct, expect, 256);
	assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[0], nonce,
					       (const uint8_t *)ref_data, strlen(ref_data), out,
					       sizeof(out), &outlen),
			 0);
	assert_int_equal(outlen, 256);
	assert_memory_equal(out, expect, 256);
	assert_int_equal(snc_group_msg_decrypt(f->keys[0], 1, expect, 256, back, sizeof(back),
					       &backlen, &idx, pk, sid),
			 0);
	assert_int_equal(backlen, strlen(ref_data));
	assert_memory_equal(back, ref_data, backlen);
	assert_memory_equal(pk, f->author.ed25519_pk, 32);
	assert_int_equal(sid[0], 0x05);
	assert_memory_equal(sid + 1, f->author.x25519_pk, 32);
	assert_int_equal(idx, 0);
}

static void
ciphertext_length_at_padding_edges(void **state)
{
	(void)state;
	/* 40 + 118 + digits + 1 + n: n = 95 fills 256 exactly, n = 96 needs a second block. */
	assert_int_equal(snc_group_msg_ciphertext_len(1), 256);
	assert_int_equal(snc_group_msg_ciphertext_len(9), 256);
	assert_int_equal(snc_group_msg_ciphertext_len(95), 256);
	assert_int_equal(snc_group_msg_ciphertext_len(96), 512);
	assert_int_equal(snc_group_msg_ciphertext_len(350), 512);
	assert_int_equal(snc_group_msg_ciphertext_len(351), 768);
	assert_int_equal(snc_group_msg_ciphertext_len(SNC_GROUP_MSG_MAX_PLAINTEXT), 1000192);
	assert_int_equal(snc_group_msg_ciphertext_len(SNC_GROUP_MSG_MAX_PLAINTEXT + 1), 0);
	assert_int_equal(snc_group_msg_ciphertext_len(0), 0);
}

static void
round_trips_at_padding_edges_and_limit(void **state)
{
	struct fixture *f = *state;
	static const size_t lens[] = {1,  9,  10,  94,	95,
				      96, 97, 350, 351, SNC_GROUP_MSG_MAX_PLAINTEXT};
	const size_t max = SNC_GROUP_MSG_MAX_PLAINTEXT;
	uint8_t *msg = malloc(max + 1), *ct = malloc(1000192 + 256), *back = malloc(max);
	size_t ctlen, backlen, idx;

	randombytes_buf(msg, max + 1);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i], need = snc_group_msg_ciphertext_len(n);

		assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[1], NULL, msg, n, ct,
						       need - 1, &ctlen),
				 -ENOSPC);
		assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[1], NULL, msg, n, ct,
						       need, &ctlen),
				 0);
		assert_int_equal(ctlen, need);
		assert_int_equal(ctlen % SNC_GROUP_MSG_PAD_BLOCK, 0);
		assert_int_equal(open_with(f, 1, 1, ct, ctlen, back, n - 1, &backlen, &idx),
				 -ENOSPC);
		assert_int_equal(open_with(f, 1, 1, ct, ctlen, back, n, &backlen, &idx), 0);
		assert_int_equal(backlen, n);
		assert_memory_equal(back, msg, n);
	}
	assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[1], NULL, msg, max + 1, ct,
					       2000000, &ctlen),
			 -EMSGSIZE);
	free(msg);
	free(ct);
	free(back);
}

static void
tries_every_key_in_order(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[256], back[64];
	size_t ctlen, backlen, idx = 99;

	assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[2], NULL, (const uint8_t *)"k",
					       1, ct, sizeof(ct), &ctlen),
			 0);
	assert_int_equal(open_with(f, 0, 3, ct, ctlen, back, sizeof(back), &backlen, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(open_with(f, 0, 2, ct, ctlen, back, sizeof(back), &backlen, &idx),
			 -ENOKEY);
	assert_int_equal(open_with(f, 2, 1, ct, ctlen, back, sizeof(back), &backlen, &idx), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(open_with(f, 0, 0, ct, ctlen, back, sizeof(back), &backlen, &idx),
			 -EINVAL);
}

static void
every_flipped_byte_and_truncation_fails(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[257], back[64];
	size_t ctlen, backlen, idx;

	assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[0], NULL,
					       (const uint8_t *)"tamper", 6, ct, sizeof(ct),
					       &ctlen),
			 0);
	for (size_t i = 0; i < ctlen; i++) {
		ct[i] ^= 0x01;
		assert_int_equal(open_with(f, 0, 3, ct, ctlen, back, sizeof(back), &backlen, &idx),
				 -ENOKEY);
		ct[i] ^= 0x01;
	}
	for (size_t n = 0; n < ctlen; n++)
		assert_int_equal(open_with(f, 0, 3, ct, n, back, sizeof(back), &backlen, &idx),
				 n < SNC_GROUP_MSG_MIN_CIPHERTEXT ? -EBADMSG : -ENOKEY);
	ct[ctlen] = 0;
	assert_int_equal(open_with(f, 0, 3, ct, ctlen + 1, back, sizeof(back), &backlen, &idx),
			 -ENOKEY);
	assert_int_equal(open_with(f, 0, 3, ct, ctlen, back, sizeof(back), &backlen, &idx), 0);
}

/* Encrypts an arbitrary plaintext with keys[0], as a malicious group member could. */
static size_t
seal_plain(const struct fixture *f, const uint8_t *plain, size_t len, uint8_t *out)
{
	unsigned long long clen;

	randombytes_buf(out, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 24, &clen, plain, len, NULL, 0, NULL, out,
						   f->keys[0]);
	return 24 + (size_t)clen;
}

struct dict {
	uint8_t b[512];
	size_t n;
};

static void
add(struct dict *d, const void *p, size_t len)
{
	assert_true(d->n + len <= sizeof(d->b));
	memcpy(d->b + d->n, p, len);
	d->n += len;
}

static void
adds(struct dict *d, const char *s)
{
	add(d, s, strlen(s));
}

/* Builds "d0:" version "1:a32:" A data_part "1:s64:" Sig(sig_over) tail. */
static void
build(struct dict *d, const struct fixture *f, const char *version, const char *data_part,
      const char *sig_over, const char *tail, size_t tail_len)
{
	uint8_t sig[64];

	d->n = 0;
	adds(d, "d0:");
	adds(d, version);
	adds(d, "1:a32:");
	add(d, f->author.ed25519_pk, 32);
	adds(d, data_part);
	adds(d, "1:s64:");
	crypto_sign_ed25519_detached(sig, NULL, (const uint8_t *)sig_over, strlen(sig_over),
				     f->author.ed25519_sk);
	add(d, sig, 64);
	add(d, tail, tail_len);
}

static int
open_dict(const struct fixture *f, const struct dict *d)
{
	uint8_t ct[600], back[600];
	size_t len = seal_plain(f, d->b, d->n, ct), backlen, idx;

	return open_with(f, 0, 1, ct, len, back, sizeof(back), &backlen, &idx);
}

/* A tail literal with its length, so that embedded NULs count. */
#define TAIL(s) s, sizeof(s) - 1

static void
strict_dict_parsing(void **state)
{
	struct fixture *f = *state;
	struct dict d;
	static const struct {
		const char *version, *data_part, *sig_over, *tail;
		size_t tail_len;
		int rc;
	} cases[] = {
		{"i1e", "1:d5:hello", "hello", TAIL("e"), 0},
		{"i1e", "1:d5:hello", "hello", TAIL("e\0\0\0"), 0}, /* unaligned zero padding */
		{"i2e", "1:d5:hello", "hello", TAIL("e"), -EPROTONOSUPPORT},
		{"i0e", "1:d5:hello", "hello", TAIL("e"), -EPROTONOSUPPORT},
		{"i-1e", "1:d5:hello", "hello", TAIL("e"), -EPROTONOSUPPORT},
		{"i01e", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"i-0e", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"ie", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"i1", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"i123456789012345678901e", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"1:1", "1:d5:hello", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "", "hello", TAIL("1:z5:helloe"), -ENOTSUP},
		{"i1e", "", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "1:d0:", "", TAIL("e"), -EBADMSG},
		{"i1e", "1:d05:hello", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "1:d6:hello", "hello", TAIL("e"), -EBADMSG}, /* swallows the 1 of "1:s" */
		{"i1e", "1:d99:hello", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "1:d1000001:hello", "hello", TAIL("e"), -EMSGSIZE},
		{"i1e", "1:d12345678:hello", "hello", TAIL("e"), -EMSGSIZE},
		{"i1e", "1:d:hello", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "1:d5hello", "hello", TAIL("e"), -EBADMSG},
		{"i1e", "1:d5:hello", "hellp", TAIL("e"), -EKEYREJECTED},
		{"i1e", "1:d5:hello", "hello", TAIL("1:xi0ee"), -EBADMSG},
		{"i1e", "1:d5:hello", "hello", TAIL("e\0x"), -EBADMSG},
		{"i1e", "1:d5:hello", "hello", TAIL(""), -EBADMSG},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		build(&d, f, cases[i].version, cases[i].data_part, cases[i].sig_over, cases[i].tail,
		      cases[i].tail_len);
		rc = open_dict(f, &d);
		if (rc != cases[i].rc)
			fail_msg("case %zu: got %d, want %d", i, rc, cases[i].rc);
	}
}

static void
short_plaintexts_and_bad_author(void **state)
{
	struct fixture *f = *state;
	struct dict d = {.n = 0};
	uint8_t sig[64];

	/* Empty plaintext, a lone "d", and a truncated author key. */
	assert_int_equal(open_dict(f, &d), -EBADMSG);
	adds(&d, "d");
	assert_int_equal(open_dict(f, &d), -EBADMSG);
	d.n = 0;
	adds(&d, "d0:i1e1:a31:");
	add(&d, f->author.ed25519_pk, 31);
	adds(&d, "1:d5:hello1:s64:");
	crypto_sign_ed25519_detached(sig, NULL, (const uint8_t *)"hello", 5, f->author.ed25519_sk);
	add(&d, sig, 64);
	adds(&d, "e");
	assert_int_equal(open_dict(f, &d), -EBADMSG);
	/* Dict cut inside the author key and inside the signature. */
	d.n = 20;
	assert_int_equal(open_dict(f, &d), -EBADMSG);
	build(&d, f, "i1e", "1:d5:hello", "hello", "e", 1);
	d.n -= 10;
	assert_int_equal(open_dict(f, &d), -EBADMSG);
}

static void
argument_errors(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[256] = {0};
	size_t ctlen;

	assert_int_equal(
		snc_group_msg_encrypt(&f->author, f->keys[0], NULL, ct, 0, ct, sizeof(ct), &ctlen),
		-EINVAL);
	assert_int_equal(
		snc_group_msg_encrypt(NULL, f->keys[0], NULL, ct, 1, ct, sizeof(ct), &ctlen),
		-EINVAL);
	assert_int_equal(
		snc_group_msg_encrypt(&f->author, NULL, NULL, ct, 1, ct, sizeof(ct), &ctlen),
		-EINVAL);
	assert_int_equal(snc_group_msg_encrypt(&f->author, f->keys[0], NULL, (const uint8_t *)"x",
					       1, ct, sizeof(ct), NULL),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(matches_reference_vector, setup, teardown),
		cmocka_unit_test(ciphertext_length_at_padding_edges),
		cmocka_unit_test_setup_teardown(round_trips_at_padding_edges_and_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tries_every_key_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(every_flipped_byte_and_truncation_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(strict_dict_parsing, setup, teardown),
		cmocka_unit_test_setup_teardown(short_plaintexts_and_bad_author, setup, teardown),
		cmocka_unit_test_setup_teardown(argument_errors, setup, teardown),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto/group_msg", tests, NULL, NULL);
}
