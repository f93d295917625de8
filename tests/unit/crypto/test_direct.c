/* SPDX-License-Identifier: MIT */
/*
 * crypto/direct.c: the docs/direct-messages.md vector, round trips up to the
 * payload limit, tampering, truncation, misaddressing, the timestamp window at
 * its edges, replays, and a replay cache filled to its last slot.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "direct.h"
#include "identity.h"
#include "snc.h"

/*
 * docs/direct-messages.md: sender seed 00..1f, receiver seed 20..3f, timestamp
 * 1700000000000, nonce 40..57, payload "snode direct test vector". Computed
 * independently by tests/tools/msg_reference.py direct-vector (PyNaCl).
 */
static const char vector_hex[] =
	"0103a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b80000018bcfe56800"
	"404142434445464748494a4b4c4d4e4f505152535455565703f6ae3f8dff02e2a1bffcb1e00bbcfdaa"
	"484fc78c2baf7e2689e6025f396d247ac5b64116d7e6f6a238e0fbd2233c95f12f27acb79ed9247885"
	"42bfde135cd16ef5c75f457e9edb56a7d665e0626d3b5a4f05b06e04fffa20058c7e2ef7bb544a2b30"
	"c0411e190b";
static const uint64_t vector_ts = 1700000000000ULL;
static const char vector_payload[] = "snode direct test vector";

static const uint64_t now0 = 1700000000000ULL;

struct fixture {
	struct snc_identity a, b, c;
	struct snc_direct_verifier *v;
};

static void
seeded(struct snc_identity *id, uint8_t first)
{
	uint8_t seed[SNC_SEED_BYTES];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(first + i);
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	seeded(&f->a, 0x00);
	seeded(&f->b, 0x20);
	seeded(&f->c, 0x60);
	f->v = malloc(sizeof(*f->v));
	assert_int_equal(snc_direct_verifier_init(f->v, 0), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->v);
	free(f);
	return 0;
}

/* Seals "ping" from a to b at ts with a random nonce. */
static size_t
ping(const struct fixture *f, const struct snc_identity *from, uint64_t ts, uint8_t *out,
     size_t cap)
{
	size_t len = 0;

	assert_int_equal(snc_direct_seal(from, f->b.ed25519_pk, ts, NULL, (const uint8_t *)"ping",
					 4, out, cap, &len),
			 0);
	assert_int_equal(len, 4 + SNC_DIRECT_OVERHEAD);
	return len;
}

static int
open_at(struct fixture *f, uint64_t now, const uint8_t *in, size_t len)
{
	uint8_t out[64], pk[32];
	size_t outlen;
	uint64_t ts;

	return snc_direct_open(f->v, &f->b, now, in, len, out, sizeof(out), &outlen, pk, &ts);
}

static void
matches_documented_vector(void **state)
{
	struct fixture *f = *state;
	uint8_t expect[256], nonce[SNC_DIRECT_NONCE_BYTES], out[256], back[64], pk[32];
	size_t elen, outlen, backlen;
	uint64_t ts;

	for (size_t i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(0x40 + i);
	assert_int_equal(sodium_hex2bin(expect, sizeof(expect), vector_hex, strlen(vector_hex),
					NULL, &elen, NULL),
			 0);
	assert_int_equal(elen, strlen(vector_payload) + SNC_DIRECT_OVERHEAD);
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, vector_ts, nonce,
					 (const uint8_t *)vector_payload, strlen(vector_payload),
					 out, sizeof(out), &outlen),
			 0);
	assert_int_equal(outlen, elen);
	assert_memory_equal(out, expect, elen);

	assert_int_equal(snc_direct_open(f->v, &f->b, vector_ts, expect, elen, back, sizeof(back),
					 &backlen, pk, &ts),
			 0);
	assert_int_equal(backlen, strlen(vector_payload));
	assert_memory_equal(back, vector_payload, backlen);
	assert_memory_equal(pk, f->a.ed25519_pk, 32);
	assert_int_equal(ts, vector_ts);
	assert_int_equal(f->v->stats.accepted, 1);
}

static void
round_trips_empty_and_maximal_payloads(void **state)
{
	struct fixture *f = *state;
	const size_t max = SNC_DIRECT_MAX_PAYLOAD;
	uint8_t *msg = malloc(max + 1), *ct = malloc(max + 1 + SNC_DIRECT_OVERHEAD);
	uint8_t *back = malloc(max), pk[32];
	size_t ctlen, backlen;
	uint64_t ts;

	randombytes_buf(msg, max + 1);
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, NULL, NULL, 0, ct,
					 SNC_DIRECT_OVERHEAD, &ctlen),
			 0);
	assert_int_equal(ctlen, SNC_DIRECT_OVERHEAD);
	assert_int_equal(snc_direct_open(f->v, &f->b, now0, ct, ctlen, back, 0, &backlen, pk, &ts),
			 0);
	assert_int_equal(backlen, 0);

	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, NULL, msg, max, ct,
					 max + SNC_DIRECT_OVERHEAD - 1, &ctlen),
			 -ENOSPC);
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, NULL, msg, max, ct,
					 max + SNC_DIRECT_OVERHEAD, &ctlen),
			 0);
	assert_int_equal(
		snc_direct_open(f->v, &f->b, now0, ct, ctlen, back, max - 1, &backlen, pk, &ts),
		-ENOSPC);
	assert_int_equal(
		snc_direct_open(f->v, &f->b, now0, ct, ctlen, back, max, &backlen, pk, &ts), 0);
	assert_int_equal(backlen, max);
	assert_memory_equal(back, msg, max);

	/* One byte over the limit: refused to seal, and refused as malformed on receipt. */
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, NULL, msg, max + 1, ct,
					 max + 1 + SNC_DIRECT_OVERHEAD, &ctlen),
			 -EMSGSIZE);
	ct[0] = SNC_DIRECT_VERSION;
	assert_int_equal(snc_direct_open(f->v, &f->b, now0, ct, max + 1 + SNC_DIRECT_OVERHEAD, back,
					 max, &backlen, pk, &ts),
			 -EMSGSIZE);
	assert_int_equal(f->v->stats.malformed, 1);
	assert_int_equal(f->v->stats.accepted, 2);
	free(msg);
	free(ct);
	free(back);
}

static void
every_flipped_byte_is_rejected(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[200];
	size_t len = ping(f, &f->a, now0, ct, sizeof(ct));

	for (size_t i = 0; i < len; i++) {
		int rc;

		ct[i] ^= 0x01;
		rc = open_at(f, now0, ct, len);
		ct[i] ^= 0x01;
		if (i == 0)
			assert_int_equal(rc, -EPROTONOSUPPORT);
		else if (i >= 33 && i < 41) /* timestamp: stale unless it moved by 1 ms */
			assert_true(rc == -ETIME || rc == -EKEYREJECTED);
		else
			assert_int_equal(rc, -EKEYREJECTED);
		ct[i] ^= 0xff;
		rc = open_at(f, now0, ct, len);
		ct[i] ^= 0xff;
		assert_true(rc == -EPROTONOSUPPORT || rc == -EKEYREJECTED || rc == -ETIME);
	}
	assert_int_equal(f->v->stats.accepted, 0);
	assert_int_equal(open_at(f, now0, ct, len), 0);
}

static void
every_truncation_is_rejected(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[200];
	size_t len = ping(f, &f->a, now0, ct, sizeof(ct));

	for (size_t n = 0; n < len; n++) {
		int rc = open_at(f, now0, ct, n);

		if (n < SNC_DIRECT_OVERHEAD)
			assert_int_equal(rc, -EBADMSG);
		else
			assert_int_equal(rc, -EKEYREJECTED);
	}
	assert_int_equal(f->v->stats.malformed, SNC_DIRECT_OVERHEAD);
	assert_int_equal(f->v->stats.forged, len - SNC_DIRECT_OVERHEAD);
	assert_int_equal(f->v->stats.accepted, 0);
}

static void
wrong_receiver_cannot_decrypt(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[200], out[64], pk[32];
	size_t len = ping(f, &f->a, now0, ct, sizeof(ct)), outlen;
	uint64_t ts;

	/* Correctly signed by a, sealed for b: c verifies the signature but cannot open it. */
	assert_int_equal(
		snc_direct_open(f->v, &f->c, now0, ct, len, out, sizeof(out), &outlen, pk, &ts),
		-EBADMSG);
	assert_int_equal(f->v->stats.undecryptable, 1);
	/* And the failed attempt took no cache slot: b still accepts it. */
	assert_int_equal(open_at(f, now0, ct, len), 0);
}

static void
replays_are_rejected_and_counted(void **state)
{
	struct fixture *f = *state;
	uint8_t m1[200], m2[200], m3[200], nonce[SNC_DIRECT_NONCE_BYTES] = {7};
	size_t l1 = ping(f, &f->a, now0, m1, sizeof(m1)), l2, l3;

	assert_int_equal(open_at(f, now0, m1, l1), 0);
	assert_int_equal(open_at(f, now0 + 10, m1, l1), -EALREADY);
	assert_int_equal(f->v->stats.replayed, 1);
	/* Same nonce from two senders: two different messages. */
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, nonce, (const uint8_t *)"x",
					 1, m2, sizeof(m2), &l2),
			 0);
	assert_int_equal(snc_direct_seal(&f->c, f->b.ed25519_pk, now0, nonce, (const uint8_t *)"x",
					 1, m3, sizeof(m3), &l3),
			 0);
	assert_int_equal(open_at(f, now0, m2, l2), 0);
	assert_int_equal(open_at(f, now0, m3, l3), 0);
	assert_int_equal(open_at(f, now0, m3, l3), -EALREADY);
	assert_int_equal(f->v->stats.accepted, 3);
	assert_int_equal(f->v->stats.replayed, 2);
}

static void
replay_stays_rejected_until_the_window_closes(void **state)
{
	struct fixture *f = *state;
	uint8_t m[200];
	size_t len = ping(f, &f->a, now0, m, sizeof(m));

	assert_int_equal(open_at(f, now0, m, len), 0);
	/* Last instant the timestamp is acceptable: the cache entry is still live. */
	assert_int_equal(open_at(f, now0 + SNC_DIRECT_WINDOW_MS, m, len), -EALREADY);
	/* One ms later the window check rejects it, so the slot is no longer needed. */
	assert_int_equal(open_at(f, now0 + SNC_DIRECT_WINDOW_MS + 1, m, len), -ETIME);
	assert_int_equal(f->v->stats.stale, 1);
}

static void
timestamp_window_edges(void **state)
{
	struct fixture *f = *state;
	const uint64_t w = SNC_DIRECT_WINDOW_MS;
	const uint64_t ok[] = {now0 - w, now0 + w, now0};
	const uint64_t bad[] = {now0 - w - 1, now0 + w + 1, 0, UINT64_MAX};
	uint8_t m[200];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(open_at(f, now0, m, ping(f, &f->a, ok[i], m, sizeof(m))), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(open_at(f, now0, m, ping(f, &f->a, bad[i], m, sizeof(m))), -ETIME);
	assert_int_equal(f->v->stats.stale, 4);
	/* A clock near zero does not underflow. */
	assert_int_equal(open_at(f, 5, m, ping(f, &f->a, 0, m, sizeof(m))), 0);
}

static void
custom_window_and_limits(void **state)
{
	struct fixture *f = *state;
	uint8_t m[200];

	assert_int_equal(snc_direct_verifier_init(f->v, 1000), 0);
	assert_int_equal(f->v->window_ms, 1000);
	assert_int_equal(open_at(f, now0, m, ping(f, &f->a, now0 - 1000, m, sizeof(m))), 0);
	assert_int_equal(open_at(f, now0, m, ping(f, &f->a, now0 - 1001, m, sizeof(m))), -ETIME);
	assert_int_equal(snc_direct_verifier_init(f->v, SNC_DIRECT_WINDOW_MAX_MS), 0);
	assert_int_equal(snc_direct_verifier_init(f->v, SNC_DIRECT_WINDOW_MAX_MS + 1), -EINVAL);
	assert_int_equal(snc_direct_verifier_init(NULL, 0), -EINVAL);
	assert_int_equal(snc_direct_verifier_init(f->v, 0), 0);
	assert_int_equal(f->v->window_ms, SNC_DIRECT_WINDOW_MS);
	assert_int_equal(f->v->stats.accepted, 0);
}

static void
slot_counts_at_their_edges(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(snc_direct_verifier_init_slots(f->v, 0, 0), -EINVAL);
	assert_int_equal(snc_direct_verifier_init_slots(f->v, 0, SNC_DIRECT_REPLAY_LOG2_MAX + 1),
			 -EINVAL);
	assert_int_equal(snc_direct_verifier_init_slots(NULL, 0, 5), -EINVAL);
	assert_int_equal(snc_direct_verifier_init_slots(f->v, 0, 1), 0);
	assert_int_equal(f->v->slots, 2);
	assert_int_equal(snc_direct_verifier_init(f->v, 0), 0);
	assert_int_equal(f->v->slots, SNC_DIRECT_REPLAY_SLOTS);
}

/* The default table: 3,000 messages (more than the old linear cache's 4,096
 * per 120 s would allow at this rate) all accepted, each one's replay caught. */
static void
default_table_remembers_every_message(void **state)
{
	struct fixture *f = *state;
	enum {
		N = 3000
	};
	static uint8_t msgs[N][200];
	static size_t lens[N];
	uint8_t m[200];

	assert_int_equal(snc_direct_verifier_init(f->v, 0), 0);
	for (size_t i = 0; i < N; i++) {
		lens[i] = ping(f, &f->a, now0, msgs[i], sizeof(msgs[i]));
		assert_int_equal(open_at(f, now0, msgs[i], lens[i]), 0);
	}
	for (size_t i = 0; i < N; i++) {
		memcpy(m, msgs[i], lens[i]);
		assert_int_equal(open_at(f, now0 + 1, m, lens[i]), -EALREADY);
	}
	assert_int_equal(f->v->stats.accepted, N);
	assert_int_equal(f->v->stats.replayed, N);
	assert_int_equal(f->v->stats.full, 0);
}

static void
full_cache_rejects_and_counts_then_recovers(void **state)
{
	struct fixture *f = *state;
	uint8_t m[200], first[200], extra[200];
	size_t first_len = ping(f, &f->a, now0, first, sizeof(first)), extra_len;
	const size_t slots = 32; /* = SNC_DIRECT_REPLAY_PROBE: one run is the whole table */

	assert_int_equal(snc_direct_verifier_init_slots(f->v, 0, 5), 0);
	assert_int_equal(open_at(f, now0, first, first_len), 0);
	for (size_t i = 1; i < slots; i++)
		assert_int_equal(open_at(f, now0, m, ping(f, &f->a, now0, m, sizeof(m))), 0);
	assert_int_equal(f->v->stats.accepted, slots);

	/* Full: a new genuine message is rejected, never accepted unrecorded. */
	extra_len = ping(f, &f->a, now0, extra, sizeof(extra));
	assert_int_equal(open_at(f, now0, extra, extra_len), -ENOBUFS);
	assert_int_equal(open_at(f, now0 + 1, extra, extra_len), -ENOBUFS);
	assert_int_equal(f->v->stats.full, 2);
	/* Replays are still recognised as replays while full. */
	assert_int_equal(open_at(f, now0, first, first_len), -EALREADY);

	/* Once the entries expire their slots are reused. */
	assert_int_equal(open_at(f, now0 + SNC_DIRECT_WINDOW_MS, extra, extra_len), -ENOBUFS);
	assert_int_equal(open_at(f, now0 + SNC_DIRECT_WINDOW_MS + 1, m,
				 ping(f, &f->a, now0 + SNC_DIRECT_WINDOW_MS + 1, m, sizeof(m))),
			 0);
	assert_int_equal(f->v->stats.accepted, slots + 1);
}

static void
argument_errors(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[200], out[64], pk[32], zero[32] = {0};
	size_t len = ping(f, &f->a, now0, ct, sizeof(ct)), outlen;
	uint64_t ts;

	assert_int_equal(snc_direct_seal(&f->a, zero, now0, NULL, (const uint8_t *)"x", 1, ct,
					 sizeof(ct), &outlen),
			 -EKEYREJECTED);
	assert_int_equal(snc_direct_seal(NULL, f->b.ed25519_pk, now0, NULL, (const uint8_t *)"x", 1,
					 ct, sizeof(ct), &outlen),
			 -EINVAL);
	assert_int_equal(snc_direct_seal(&f->a, f->b.ed25519_pk, now0, NULL, NULL, 1, ct,
					 sizeof(ct), &outlen),
			 -EINVAL);
	assert_int_equal(
		snc_direct_open(NULL, &f->b, now0, ct, len, out, sizeof(out), &outlen, pk, &ts),
		-EINVAL);
	assert_int_equal(
		snc_direct_open(f->v, &f->b, now0, ct, len, out, sizeof(out), &outlen, pk, NULL),
		-EINVAL);
	assert_int_equal(snc_direct_open(f->v, &f->b, now0, ct, len, out, 3, &outlen, pk, &ts),
			 -ENOSPC);
	assert_int_equal(snc_direct_open(f->v, &f->b, now0, NULL, 0, out, 3, &outlen, pk, &ts),
			 -EBADMSG);
	/* None of the argument errors above counted, and the message is still fresh. */
	assert_int_equal(f->v->stats.malformed, 1);
	assert_int_equal(
		snc_direct_open(f->v, &f->b, now0, ct, len, out, sizeof(out), &outlen, pk, &ts), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(matches_documented_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(round_trips_empty_and_maximal_payloads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(every_flipped_byte_is_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(every_truncation_is_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_receiver_cannot_decrypt, setup, teardown),
		cmocka_unit_test_setup_teardown(replays_are_rejected_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(replay_stays_rejected_until_the_window_closes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(timestamp_window_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(custom_window_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(slot_counts_at_their_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(default_table_remembers_every_message, setup,
						teardown),
		cmocka_unit_test_setup_teardown(full_cache_rejects_and_counts_then_recovers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(argument_errors, setup, teardown),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto/direct", tests, NULL, NULL);
}
