/* SPDX-License-Identifier: MIT */
/*
 * control/reach.c on a real event loop with short intervals: the HTTPS
 * leg against snode's real HTTP entry on 127.0.0.1 (the tested node's key),
 * the DIRECT leg through the ops (the test answers a ping with a pong, or
 * not). A test passes only when both legs pass; each failed leg counts its
 * reason (direct_timeout, direct_unsent, https_no_address); a pong of no
 * test is counted; the API says failing with a growing "unreachable for",
 * and passing again after a pass.
 */
#include <signal.h>
#include <event2/event.h>
#include <sodium.h>

#include "http_server.h"
#include "reach.h"
#include "test_common_ctl.h"

static struct event_base *base;
static char dir[64];
static uint8_t pk[32], nohttp[32];
static struct ctl_http *http;
static struct ctl_reach *reach;
static bool answer, fail_send, wrong_n, two_nodes;
static uint64_t timeout_ms = 300; /* of a test; setup_patient: longer */

struct pong {
	uint8_t key[32];
	uint32_t n;
};

static void
send_pong(evutil_socket_t fd, short what, void *arg)
{
	struct pong *p = arg;

	(void)fd;
	(void)what;
	if (reach != NULL) /* NULL: the teardown drains the pongs still scheduled */
		ctl_reach_on_pong(reach, p->key, wrong_n ? p->n ^ 1 : p->n);
	free(p);
}

static int
op_ping(void *arg, const uint8_t key[32], uint32_t n)
{
	struct pong *p;
	struct timeval tv = {0, 10000};

	(void)arg;
	assert_true(n & CTL_REACH_PING_BIT);
	if (fail_send)
		return -1;
	if (!answer)
		return 0;
	p = malloc(sizeof(*p));
	memcpy(p->key, key, 32);
	p->n = n;
	event_base_once(base, -1, EV_TIMEOUT, send_pong, p, &tv);
	return 0;
}

static bool
op_address(void *arg, const uint8_t key[32], uint32_t *ip, uint16_t *port)
{
	(void)arg;
	if (memcmp(key, pk, 32) != 0)
		return false;
	*ip = 0x7f000001;
	*port = ctl_http_port(http, 1);
	return true;
}

static size_t
op_nodes(void *arg, uint8_t (*out)[32], size_t cap)
{
	(void)arg;
	(void)cap;
	memcpy(out[0], two_nodes ? nohttp : pk, 32);
	return 1;
}

static const struct ctl_reach_ops ops = {.ping = op_ping, .address = op_address, .nodes = op_nodes};

static void
run_ms(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int
setup(void **state)
{
	struct ctl_http_conf hc = {.data_dir = dir,
				   .https_listen = "127.0.0.1:0",
				   .http_listen = "none",
				   .rate_burst = 1000,
				   .rate_per_s = 1000,
				   .timeout_s = 5,
				   .ed25519_pk = pk};
	struct ctl_reach_conf c;
	char err[300];

	(void)state;
	assert_true(sodium_init() >= 0);
	randombytes_buf(pk, 32);
	randombytes_buf(nohttp, 32);
	make_tmpdir(dir, sizeof(dir));
	base = event_base_new();
	hc.base = base;
	http = ctl_http_new(&hc, err, sizeof(err));
	assert_non_null(http);
	answer = true;
	fail_send = wrong_n = two_nodes = false;
	ctl_reach_sched_conf_defaults(&c);
	c.tick_ms = 20;
	c.interval_mean_ms = 100;
	c.interval_sd_ms = 0;
	c.backoff_ms = 50;
	c.backoff_max_ms = 150;
	c.timeout_ms = timeout_ms;
	reach = ctl_reach_new(base, &c, 1, &ops);
	assert_non_null(reach);
	return 0;
}

/* For the tests where every ping is answered: a loaded machine (CI with other tenants)
 * once stalled this process past 300 ms, failing a test that should pass. */
static int
setup_patient(void **state)
{
	int rc;

	timeout_ms = 5000;
	rc = setup(state);
	timeout_ms = 300;
	return rc;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	ctl_reach_free(reach);
	reach = NULL;
	run_ms(50); /* pongs scheduled 10 ms after a ping fire and free their record */
	ctl_http_free(http);
	event_base_free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
both_legs_answered_pass(void **state)
{
	struct ctl_reach_stats st;
	uint64_t f;

	(void)state;
	run_ms(700);
	ctl_reach_stats(reach, &st);
	assert_true(st.passed >= 3);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.failing, 0);
	assert_int_equal(st.tests, st.passed + st.in_flight);
	assert_false(ctl_reach_failing(reach, pk, ctl_reach_now(reach), &f));
	assert_int_equal(f, 0);
	assert_true(ctl_reach_record(reach, pk)->has_pass);
	f = 7;
	assert_false(ctl_reach_failing(NULL, pk, 0, &f)); /* tests not running */
	assert_int_equal(f, 0);
	assert_false(ctl_reach_unreachable_for(NULL, pk, 0, 0));
}

static void
an_unanswered_ping_fails_the_test_then_passes_again(void **state)
{
	struct ctl_reach_stats st;
	uint64_t f1, f2;

	(void)state;
	answer = false; /* HTTPS still answers: only the DIRECT leg fails */
	run_ms(900);
	ctl_reach_stats(reach, &st);
	assert_true(st.failed >= 2);
	assert_int_equal(st.direct_timeout, st.failed);
	assert_int_equal(st.https_connect + st.https_pubkey + st.https_no_address, 0);
	assert_int_equal(st.failing, 1);
	assert_true(st.retests >= 1);
	assert_true(ctl_reach_failing(reach, pk, ctl_reach_now(reach), &f1));
	run_ms(400);
	assert_true(ctl_reach_failing(reach, pk, ctl_reach_now(reach), &f2));
	/* libevent's timers run on the coarse monotonic clock: a few ms early at most */
	assert_true(f2 >= f1 + 380);
	assert_true(ctl_reach_unreachable_for(reach, pk, f2, ctl_reach_now(reach)));
	assert_false(ctl_reach_unreachable_for(reach, pk, f2 + 60000, ctl_reach_now(reach)));
	answer = true;
	run_ms(800);
	ctl_reach_stats(reach, &st);
	assert_int_equal(st.failing, 0);
	assert_false(ctl_reach_failing(reach, pk, ctl_reach_now(reach), NULL));
}

static void
unsent_ping_and_unknown_address_are_their_reasons(void **state)
{
	struct ctl_reach_stats st;

	(void)state;
	fail_send = true;
	two_nodes = true; /* the only node has no HTTPS address */
	run_ms(300);
	ctl_reach_stats(reach, &st);
	assert_true(st.failed >= 1);
	assert_int_equal(st.direct_unsent, st.failed);
	assert_int_equal(st.https_no_address, st.failed);
	assert_int_equal(st.passed, 0);
	assert_true(ctl_reach_failing(reach, nohttp, ctl_reach_now(reach), NULL));
	assert_null(ctl_reach_record(reach, pk)); /* not a known node now */
}

static void
a_pong_of_no_test_is_counted(void **state)
{
	struct ctl_reach_stats st;

	(void)state;
	wrong_n = true;
	run_ms(500);
	ctl_reach_stats(reach, &st);
	assert_true(st.pongs_unmatched >= 1);
	assert_int_equal(st.passed, 0);
	assert_true(st.direct_timeout >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(both_legs_answered_pass, setup_patient, teardown),
		cmocka_unit_test_setup_teardown(an_unanswered_ping_fails_the_test_then_passes_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unsent_ping_and_unknown_address_are_their_reasons,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_pong_of_no_test_is_counted, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	return cmocka_run_group_tests_name("reach", tests, NULL, NULL);
}
