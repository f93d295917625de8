/* SPDX-License-Identifier: MIT */
/*
 * control/uptime.c with an injected wall clock and no event loop: nothing
 * before the startup delay, one proof round to every known node, none again
 * within the interval, a round only when dataplane and storage were heard
 * within the heard window (edge), each received proof counted under its
 * verdict (accepted, malformed, unknown node, wrong key, bad signature,
 * stale, future, older), the proof age, "down" at the validity edge, expiry
 * counted once, and the settled edge.
 */
#include <sodium.h>

#include "test_common_ctl.h"
#include "uptime.h"

static uint8_t self_pk[32], self_sk[64], a_pk[32], a_sk[64], b_pk[32], b_sk[64], stranger_pk[32],
	stranger_sk[64];
static uint64_t clock_ms;
static bool is_healthy;
static unsigned sent;
static uint8_t last_to[32], last_proof[CTL_UPTIME_PROOF_BYTES];

static uint64_t
fake_now(void *arg)
{
	(void)arg;
	return clock_ms;
}

static int
fake_send(void *arg, const uint8_t peer[32], const uint8_t *proof, size_t len)
{
	(void)arg;
	assert_int_equal(len, CTL_UPTIME_PROOF_BYTES);
	memcpy(last_to, peer, 32);
	memcpy(last_proof, proof, len);
	sent++;
	return 0;
}

static size_t
fake_peers(void *arg, uint8_t (*out)[32], size_t cap)
{
	(void)arg;
	assert_true(cap >= 2);
	memcpy(out[0], a_pk, 32);
	memcpy(out[1], b_pk, 32);
	return 2;
}

static bool
fake_known(void *arg, const uint8_t key[32])
{
	(void)arg;
	return memcmp(key, a_pk, 32) == 0 || memcmp(key, b_pk, 32) == 0;
}

static bool
fake_healthy(void *arg)
{
	(void)arg;
	return is_healthy;
}

static const struct ctl_uptime_ops ops = {.send = fake_send,
					  .peers = fake_peers,
					  .known = fake_known,
					  .healthy = fake_healthy,
					  .now_ms = fake_now};

static struct ctl_uptime *
start(void)
{
	struct ctl_uptime_conf c = {.interval_ms = 1000,
				    .validity_ms = 2500,
				    .tolerance_ms = 300,
				    .startup_delay_ms = 100,
				    .check_interval_ms = 50,
				    .heard_window_ms = 1000};
	struct ctl_uptime_proof self = {.ip = 0x7f000001, .https_port = 4433, .dp_port = 22030};
	struct ctl_uptime *u;

	memcpy(self.pubkey, self_pk, 32);
	u = ctl_uptime_new(NULL, &c, &self, self_sk, &ops);
	assert_non_null(u);
	return u;
}

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_sign_ed25519_keypair(self_pk, self_sk);
	crypto_sign_ed25519_keypair(a_pk, a_sk);
	crypto_sign_ed25519_keypair(b_pk, b_sk);
	crypto_sign_ed25519_keypair(stranger_pk, stranger_sk);
	return 0;
}

static int
reset(void **state)
{
	(void)state;
	clock_ms = 1700000000000ULL;
	is_healthy = true;
	sent = 0;
	return 0;
}

static void
proof_of(const uint8_t pk[32], const uint8_t sk[64], uint64_t ts, uint8_t out[119])
{
	struct ctl_uptime_proof p = {.timestamp_ms = ts, .ip = 0x0a000001, .https_port = 1};

	memcpy(p.pubkey, pk, 32);
	ctl_uptime_proof_sign(&p, sk, out);
}

static void
defaults_are_the_reference(void **state)
{
	struct ctl_uptime_conf c;

	(void)state;
	ctl_uptime_conf_defaults(&c);
	assert_int_equal(c.interval_ms, 3600000);
	assert_int_equal(c.validity_ms, 2 * 3600000 + 5 * 60000);
	assert_int_equal(c.tolerance_ms, 300000);
	assert_int_equal(c.startup_delay_ms, 30000);
	assert_int_equal(c.check_interval_ms, 30000);
	assert_int_equal(c.heard_window_ms, 3600000);
}

static void
rounds_start_after_the_delay_and_repeat_each_interval(void **state)
{
	struct ctl_uptime *u = start();
	struct ctl_uptime_proof p;
	struct ctl_uptime_stats st;
	const uint64_t t0 = clock_ms;

	(void)state;
	clock_ms = t0 + 99;
	ctl_uptime_tick(u);
	assert_int_equal(sent, 0);
	clock_ms = t0 + 100;
	ctl_uptime_tick(u);
	assert_int_equal(sent, 2); /* both known nodes */
	assert_int_equal(
		ctl_uptime_proof_verify(last_proof, sizeof(last_proof), self_pk, clock_ms, 0, &p),
		CTL_UPTIME_OK);
	assert_int_equal(p.timestamp_ms, clock_ms);
	assert_int_equal(p.https_port, 4433);
	ctl_uptime_set_https(u, 0x7f000002, 5555);
	clock_ms = t0 + 1099; /* within the interval: nothing */
	ctl_uptime_tick(u);
	assert_int_equal(sent, 2);
	clock_ms = t0 + 1100;
	ctl_uptime_tick(u);
	assert_int_equal(sent, 4);
	ctl_uptime_proof_parse(last_proof, sizeof(last_proof), &p);
	assert_int_equal(p.ip, 0x7f000002);
	assert_int_equal(p.https_port, 5555);
	ctl_uptime_stats(u, &st);
	assert_int_equal(st.proofs_sent, 2);
	assert_int_equal(st.sends, 4);
	ctl_uptime_free(u);
}

static void
no_round_unless_heard_within_the_window(void **state)
{
	struct ctl_uptime *u;
	struct ctl_uptime_stats st;
	const uint64_t t0 = clock_ms;

	(void)state;
	is_healthy = false;
	u = start();
	clock_ms = t0 + 100;
	ctl_uptime_tick(u);
	assert_int_equal(sent, 0); /* never heard */
	is_healthy = true;
	clock_ms = t0 + 150;
	ctl_uptime_tick(u); /* heard at 150: sends */
	assert_int_equal(sent, 2);
	is_healthy = false;
	clock_ms = t0 + 150 + 1000; /* due; last heard exactly the window ago: still sends */
	ctl_uptime_tick(u);
	assert_int_equal(sent, 4);
	clock_ms = t0 + 150 + 2001; /* due; heard 2001 ms ago */
	ctl_uptime_tick(u);
	assert_int_equal(sent, 4);
	ctl_uptime_stats(u, &st);
	assert_int_equal(st.skipped_unhealthy, 2);
	ctl_uptime_free(u);
}

static void
each_verdict_has_its_counter(void **state)
{
	struct ctl_uptime *u = start();
	struct ctl_uptime_stats st;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];
	const uint64_t now = clock_ms;

	(void)state;
	proof_of(a_pk, a_sk, now, b);
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b)), CTL_UPTIME_OK);
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b)), CTL_UPTIME_OLDER);
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b) - 1), CTL_UPTIME_MALFORMED);
	assert_int_equal(ctl_uptime_on_proof(u, b_pk, b, sizeof(b)), CTL_UPTIME_WRONG_KEY);
	proof_of(stranger_pk, stranger_sk, now, b);
	assert_int_equal(ctl_uptime_on_proof(u, stranger_pk, b, sizeof(b)),
			 CTL_UPTIME_UNKNOWN_NODE);
	proof_of(b_pk, a_sk, now, b); /* b's key, a's signature */
	assert_int_equal(ctl_uptime_on_proof(u, b_pk, b, sizeof(b)), CTL_UPTIME_BAD_SIGNATURE);
	proof_of(b_pk, b_sk, now - 301, b);
	assert_int_equal(ctl_uptime_on_proof(u, b_pk, b, sizeof(b)), CTL_UPTIME_STALE);
	proof_of(b_pk, b_sk, now + 301, b);
	assert_int_equal(ctl_uptime_on_proof(u, b_pk, b, sizeof(b)), CTL_UPTIME_FUTURE);
	proof_of(a_pk, a_sk, now - 1, b); /* older than the held one */
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b)), CTL_UPTIME_OLDER);
	ctl_uptime_stats(u, &st);
	assert_int_equal(st.received, 9);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.older, 2);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.wrong_key, 1);
	assert_int_equal(st.unknown_node, 1);
	assert_int_equal(st.bad_signature, 1);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.future, 1);
	ctl_uptime_free(u);
}

static void
age_and_down_at_the_validity_edge(void **state)
{
	struct ctl_uptime *u = start();
	struct ctl_uptime_stats st;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];
	const uint64_t t = clock_ms;
	uint64_t age;

	(void)state;
	assert_int_equal(ctl_uptime_proof_age(u, a_pk, t, &age), -ENOENT);
	assert_int_equal(ctl_uptime_proof_age(NULL, a_pk, t, &age), -ENOENT); /* not running */
	assert_false(ctl_uptime_down(NULL, a_pk, t));
	assert_true(ctl_uptime_down(u, a_pk, t));
	proof_of(a_pk, a_sk, t, b);
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b)), CTL_UPTIME_OK);
	assert_non_null(ctl_uptime_latest(u, a_pk));
	assert_null(ctl_uptime_latest(u, b_pk));
	assert_int_equal(ctl_uptime_proof_age(u, a_pk, t + 700, &age), 0);
	assert_int_equal(age, 700);
	assert_int_equal(ctl_uptime_proof_age(u, a_pk, t - 5, &age), 0);
	assert_int_equal(age, 0); /* ahead of our clock */
	assert_false(ctl_uptime_down(u, a_pk, t + 2500));
	assert_true(ctl_uptime_down(u, a_pk, t + 2501));
	/* the expiry is counted (and logged) once, at a check */
	clock_ms = t + 2501;
	ctl_uptime_tick(u);
	ctl_uptime_tick(u);
	ctl_uptime_stats(u, &st);
	assert_int_equal(st.expired, 1);
	/* a new proof: up again */
	proof_of(a_pk, a_sk, clock_ms, b);
	assert_int_equal(ctl_uptime_on_proof(u, a_pk, b, sizeof(b)), CTL_UPTIME_OK);
	assert_false(ctl_uptime_down(u, a_pk, clock_ms));
	ctl_uptime_free(u);
}

static void
settled_after_one_validity_window(void **state)
{
	struct ctl_uptime *u = start();
	const uint64_t t0 = clock_ms;

	(void)state;
	assert_false(ctl_uptime_settled(u, t0 + 2499));
	assert_true(ctl_uptime_settled(u, t0 + 2500));
	assert_false(ctl_uptime_settled(u, t0 - 1)); /* a clock set back */
	ctl_uptime_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_reference),
		cmocka_unit_test_setup(rounds_start_after_the_delay_and_repeat_each_interval,
				       reset),
		cmocka_unit_test_setup(no_round_unless_heard_within_the_window, reset),
		cmocka_unit_test_setup(each_verdict_has_its_counter, reset),
		cmocka_unit_test_setup(age_and_down_at_the_validity_edge, reset),
		cmocka_unit_test_setup(settled_after_one_validity_window, reset),
	};

	return cmocka_run_group_tests_name("uptime", tests, setup, NULL);
}
