/* SPDX-License-Identifier: MIT */
/* Reachability tests on the reference's schedule (see reach.h). */
#include "reach.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>

#include "log.h"
#include "reach_https.h"

enum {
	SYNC_MS = 1000, /* the node set is refreshed this often */
	DUE_MAX = 64,	/* tests started per tick at most (retests_per_tick + 1 fits) */
};

enum leg {
	LEG_PENDING = 0,
	LEG_OK,
	LEG_FAILED
};

struct test {
	struct ctl_reach *r;
	struct test *next;
	uint8_t key[32];
	unsigned previous_failures;
	uint32_t n; /* the ping's number */
	uint64_t started_ms;
	enum leg direct, https;
	const char *why[2]; /* the failed legs' reasons */
};

struct ctl_reach {
	struct ctl_reach_sched sched;
	struct ctl_reach_ops ops;
	struct ctl_reach_https *https; /* NULL without an event base: HTTPS legs fail unsent */
	struct event *timer;
	struct test *tests; /* in flight */
	uint32_t next_n;
	uint64_t synced_ms;
	bool synced;
	uint8_t (*keys)[32];
	struct ctl_reach_stats st;
};

uint64_t
ctl_reach_now(const struct ctl_reach *r)
{
	struct timespec ts;

	if (r->ops.now_ms != NULL)
		return r->ops.now_ms(r->ops.arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *
short_hex(const uint8_t *key, char out[17])
{
	sodium_bin2hex(out, 17, key, 8);
	return out;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_reach_tick(arg);
}

struct ctl_reach *
ctl_reach_new(struct event_base *base, const struct ctl_reach_conf *conf, uint64_t seed,
	      const struct ctl_reach_ops *ops)
{
	struct ctl_reach *r = calloc(1, sizeof(*r));
	struct timeval tv;

	if (r == NULL)
		return NULL;
	if (ctl_reach_sched_init(&r->sched, conf, seed) != 0) {
		free(r);
		return NULL;
	}
	r->ops = *ops;
	r->keys = calloc(CTL_REACH_NODES_MAX, sizeof(*r->keys));
	if (base != NULL) {
		r->https = ctl_reach_https_new(base);
		r->timer = event_new(base, -1, EV_PERSIST, on_timer, r);
	}
	if (r->keys == NULL || (base != NULL && (r->https == NULL || r->timer == NULL))) {
		ctl_reach_free(r);
		return NULL;
	}
	randombytes_buf(&r->next_n, sizeof(r->next_n));
	if (r->timer != NULL) {
		tv.tv_sec = (time_t)(r->sched.conf.tick_ms / 1000);
		tv.tv_usec = (suseconds_t)(r->sched.conf.tick_ms % 1000 * 1000);
		event_add(r->timer, &tv);
	}
	return r;
}

void
ctl_reach_free(struct ctl_reach *r)
{
	struct test *t;

	if (r == NULL)
		return;
	if (r->timer != NULL)
		event_free(r->timer);
	/* the HTTPS legs complete (shutdown) into tests that still exist, then all go */
	ctl_reach_https_free(r->https);
	while ((t = r->tests) != NULL) {
		r->tests = t->next;
		free(t);
	}
	ctl_reach_sched_free(&r->sched);
	free(r->keys);
	free(r);
}

static void
count_reason(struct ctl_reach *r, const char *why)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{"direct_unsent", offsetof(struct ctl_reach_stats, direct_unsent)},
		{"direct_timeout", offsetof(struct ctl_reach_stats, direct_timeout)},
		{"https_no_address", offsetof(struct ctl_reach_stats, https_no_address)},
		{"https_unsent", offsetof(struct ctl_reach_stats, https_unsent)},
		{"https_connect", offsetof(struct ctl_reach_stats, https_connect)},
		{"https_timeout", offsetof(struct ctl_reach_stats, https_timeout)},
		{"https_status", offsetof(struct ctl_reach_stats, https_status)},
		{"https_pubkey", offsetof(struct ctl_reach_stats, https_pubkey)},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, why) == 0)
			(*(uint64_t *)((char *)&r->st + names[i].off))++;
}

static void
log_result(struct ctl_reach *r, const struct test *t, bool passed, bool was_failing, uint64_t now)
{
	char hex[17];
	uint64_t for_ms;

	if (passed) {
		if (was_failing)
			ctl_log(CTL_LOG_NOTICE, "reach: node %s... passes again (DIRECT and HTTPS)",
				short_hex(t->key, hex));
		return;
	}
	ctl_reach_sched_verdict(&r->sched, t->key, now, &for_ms);
	ctl_log(CTL_LOG_WARNING,
		"reach: node %s... failed (%s%s%s); unreachable for %" PRIu64
		" ms, %u failure(s) in a row",
		short_hex(t->key, hex), t->why[0] != NULL ? t->why[0] : "",
		t->why[0] != NULL && t->why[1] != NULL ? ", " : "",
		t->why[1] != NULL ? t->why[1] : "", for_ms, t->previous_failures + 1);
}

/* Ends t when both legs are known: its report, counters and log line. */
static void
maybe_finish(struct ctl_reach *r, struct test *t)
{
	const struct ctl_reach_node *node;
	bool passed, was_failing;
	uint64_t now;

	if (t->direct == LEG_PENDING || t->https == LEG_PENDING)
		return;
	for (struct test **pp = &r->tests; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	r->st.in_flight--;
	now = ctl_reach_now(r);
	passed = t->direct == LEG_OK && t->https == LEG_OK;
	node = ctl_reach_sched_find(&r->sched, t->key);
	was_failing = node != NULL && node->failing;
	if (passed)
		r->st.passed++;
	else
		r->st.failed++;
	for (int i = 0; i < 2; i++)
		if (t->why[i] != NULL)
			count_reason(r, t->why[i]);
	if (ctl_reach_sched_report(&r->sched, t->key, passed, t->previous_failures, now))
		log_result(r, t, passed, was_failing, now);
	free(t);
}

static void
fail_leg(struct test *t, enum leg *leg, const char *why)
{
	*leg = LEG_FAILED;
	t->why[leg == &t->direct ? 0 : 1] = why;
}

static void
on_https(void *arg, enum ctl_reach_https_result result)
{
	struct test *t = arg;

	if (result == CTL_REACH_HTTPS_SHUTDOWN)
		return; /* ctl_reach_free: no report */
	if (result == CTL_REACH_HTTPS_OK)
		t->https = LEG_OK;
	else
		fail_leg(t, &t->https, ctl_reach_https_result_name(result));
	maybe_finish(t->r, t);
}

static void
start_test(struct ctl_reach *r, const struct ctl_reach_due *due, uint64_t now)
{
	struct test *t = calloc(1, sizeof(*t));
	uint32_t ip;
	uint16_t port;

	if (t == NULL) { /* no memory: reported failed so that the node is not left busy */
		ctl_reach_sched_report(&r->sched, due->key, false, due->previous_failures, now);
		return;
	}
	t->r = r;
	memcpy(t->key, due->key, 32);
	t->previous_failures = due->previous_failures;
	t->n = CTL_REACH_PING_BIT | r->next_n++;
	t->started_ms = now;
	t->next = r->tests;
	r->tests = t;
	r->st.tests++;
	r->st.in_flight++;
	if (due->previous_failures > 0)
		r->st.retests++;
	else
		r->st.random_tests++;
	if (r->ops.ping(r->ops.arg, t->key, t->n) != 0)
		fail_leg(t, &t->direct, "direct_unsent");
	if (!r->ops.address(r->ops.arg, t->key, &ip, &port) || ip == 0 || port == 0)
		fail_leg(t, &t->https, "https_no_address");
	else if (r->https == NULL ||
		 ctl_reach_https_ping(r->https, ip, port, t->key, r->sched.conf.timeout_ms,
				      on_https, t) != 0)
		fail_leg(t, &t->https, "https_unsent");
	maybe_finish(r, t);
}

void
ctl_reach_on_pong(struct ctl_reach *r, const uint8_t from[32], uint32_t n)
{
	for (struct test *t = r->tests; t != NULL; t = t->next)
		if (t->n == n && t->direct == LEG_PENDING && sodium_memcmp(t->key, from, 32) == 0) {
			t->direct = LEG_OK;
			maybe_finish(r, t);
			return;
		}
	r->st.pongs_unmatched++;
}

/* The DIRECT legs past the timeout fail (curl times the HTTPS legs itself). */
static void
expire(struct ctl_reach *r, uint64_t now)
{
	struct test *t = r->tests, *next;

	for (; t != NULL; t = next) {
		next = t->next;
		if (t->direct == LEG_PENDING && now - t->started_ms >= r->sched.conf.timeout_ms) {
			fail_leg(t, &t->direct, "direct_timeout");
			maybe_finish(r, t); /* unlinks t only: next stays valid */
		}
	}
}

static void
sync_nodes(struct ctl_reach *r, uint64_t now)
{
	size_t n;

	if (r->synced && now - r->synced_ms < SYNC_MS)
		return;
	r->synced = true;
	r->synced_ms = now;
	n = r->ops.nodes(r->ops.arg, r->keys, CTL_REACH_NODES_MAX);
	if (ctl_reach_sched_set_nodes(&r->sched, (const uint8_t(*)[32])r->keys, n) != 0)
		r->st.sync_failed++;
}

void
ctl_reach_tick(struct ctl_reach *r)
{
	struct ctl_reach_due due[DUE_MAX];
	uint64_t now = ctl_reach_now(r);
	size_t k;

	sync_nodes(r, now);
	expire(r, now);
	k = ctl_reach_sched_due(&r->sched, now, due, DUE_MAX);
	for (size_t i = 0; i < k; i++)
		start_test(r, &due[i], now);
}

bool
ctl_reach_failing(const struct ctl_reach *r, const uint8_t ed25519[32], uint64_t now_ms,
		  uint64_t *unreachable_for_ms)
{
	if (r == NULL) { /* tests not running: nothing is known to fail */
		if (unreachable_for_ms != NULL)
			*unreachable_for_ms = 0;
		return false;
	}
	return ctl_reach_sched_verdict(&r->sched, ed25519, now_ms, unreachable_for_ms) ==
	       CTL_REACH_FAILING;
}

bool
ctl_reach_unreachable_for(const struct ctl_reach *r, const uint8_t ed25519[32],
			  uint64_t threshold_ms, uint64_t now_ms)
{
	uint64_t for_ms;

	return ctl_reach_failing(r, ed25519, now_ms, &for_ms) && for_ms >= threshold_ms;
}

const struct ctl_reach_node *
ctl_reach_record(const struct ctl_reach *r, const uint8_t ed25519[32])
{
	return ctl_reach_sched_find(&r->sched, ed25519);
}

void
ctl_reach_stats(const struct ctl_reach *r, struct ctl_reach_stats *out)
{
	*out = r->st;
	out->failing = 0;
	for (size_t i = 0; i < r->sched.n; i++)
		out->failing += r->sched.nodes[i].failing;
}
