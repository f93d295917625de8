/* SPDX-License-Identifier: MIT */
/*
 * dataplane/arp_table.c: an address asked once, answered, used, refreshed
 * from 50 s while in use (served meanwhile, even when first used minutes later); retries at most
 * once a second and 3 times; unused and silent entries forgotten; a bucket full at 8; replies
 * nobody asked for refused; warming leaves 2 ways of a bucket to cells; readers on another thread
 * never see one address with another's MAC.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arp_table.h"

#define S 1000000000ull /* one second in ns */

enum {
	IP = 0x0a000102, /* 10.0.1.2 */
};

static const uint8_t mac1[6] = {2, 0, 0, 0, 0, 0xb};
static const uint8_t mac2[6] = {2, 0, 0, 0, 0, 0xc};

static struct dp_arp_table *
new_table(void)
{
	struct dp_arp_table *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	return t;
}

static enum dp_arp_lookup
look(struct dp_arp_table *t, uint32_t ip, uint8_t mac[6])
{
	return dp_arp_table_lookup(t, ip, mac);
}

static void
asked_once_then_answered(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];
	uint32_t ask[4];

	(void)state;
	assert_int_equal(look(t, IP, mac), DP_ARP_MISS);
	assert_int_equal(dp_arp_table_want(t, IP, 10 * S), 1); /* send one now */
	assert_int_equal(look(t, IP, mac), DP_ARP_PENDING);
	assert_int_equal(dp_arp_table_want(t, IP, 10 * S + 1), 0); /* already asked */
	assert_int_equal(dp_arp_table_tick(t, 10 * S + S / 2, ask, 4), 0);
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 10 * S + S / 2), 0);
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_memory_equal(mac, mac1, 6);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->c.requests, 1);
	assert_int_equal(t->c.learned, 1);
	assert_int_equal(dp_arp_table_want(t, 0, 0), -EINVAL);
	free(t);
}

static void
retries_once_a_second_three_times_then_forgets(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];
	uint32_t ask[4];

	(void)state;
	assert_int_equal(dp_arp_table_want(t, IP, 0), 1);
	assert_int_equal(dp_arp_table_tick(t, S - 1, ask, 4), 0); /* not before a second */
	assert_int_equal(dp_arp_table_tick(t, S, ask, 4), 1);
	assert_int_equal(ask[0], IP);
	assert_int_equal(dp_arp_table_tick(t, S + S / 2, ask, 4), 0);
	assert_int_equal(dp_arp_table_tick(t, 2 * S - 1, ask, 4), 0);
	assert_int_equal(dp_arp_table_tick(t, 2 * S, ask, 4), 1); /* the third */
	assert_int_equal(t->c.requests, 3);
	assert_int_equal(look(t, IP, mac), DP_ARP_PENDING);
	assert_int_equal(dp_arp_table_tick(t, 3 * S - 1, ask, 4), 0);
	assert_int_equal(t->n, 1);
	assert_int_equal(dp_arp_table_tick(t, 3 * S, ask, 4), 0); /* no 4th: forgotten */
	assert_int_equal(t->n, 0);
	assert_int_equal(t->c.failed, 1);
	assert_int_equal(t->c.requests, 3);
	assert_int_equal(look(t, IP, mac), DP_ARP_MISS);
	/* a late reply is refused; the next packet starts a new round */
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 3 * S), -ENOENT);
	assert_int_equal(dp_arp_table_want(t, IP, 3 * S), 1);
	free(t);
}

static void
unused_entry_expires_at_10_minutes(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];
	uint32_t ask[4];

	(void)state;
	assert_int_equal(dp_arp_table_want(t, IP, 0), 1);
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, S), 0);
	assert_int_equal(dp_arp_table_tick(t, S + DP_ARP_REFRESH_NS, ask, 4), 0); /* unused */
	assert_int_equal(dp_arp_table_tick(t, S + DP_ARP_EXPIRE_NS - 1, ask, 4), 0);
	assert_int_equal(t->n, 1);
	assert_int_equal(dp_arp_table_tick(t, S + DP_ARP_EXPIRE_NS, ask, 4), 0);
	assert_int_equal(t->n, 0);
	assert_int_equal(t->c.expired, 1);
	assert_int_equal(look(t, IP, mac), DP_ARP_MISS);
	free(t);
}

/* A peer reached every few minutes: its entry serves at once and is re-asked. */
static void
entry_used_after_minutes_is_served_and_refreshed(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];
	uint32_t ask[4];

	(void)state;
	assert_int_equal(dp_arp_table_want(t, IP, 0), 1);
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 0), 0);
	assert_int_equal(dp_arp_table_tick(t, 300 * S, ask, 4), 0); /* unused: kept */
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);		    /* 5 minutes on */
	assert_memory_equal(mac, mac1, 6);
	assert_int_equal(dp_arp_table_tick(t, 300 * S, ask, 4), 1); /* used: re-asked */
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 300 * S + 1), 0);
	assert_int_equal(dp_arp_table_tick(t, 300 * S + DP_ARP_EXPIRE_NS, ask, 4), 0);
	assert_int_equal(t->n, 1); /* 10 minutes from the new reply, not the first */
	assert_int_equal(dp_arp_table_tick(t, 300 * S + 1 + DP_ARP_EXPIRE_NS, ask, 4), 0);
	assert_int_equal(t->n, 0);
	assert_int_equal(t->c.expired, 1);
	free(t);
}

static void
entry_in_use_is_refreshed_before_it_expires(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];
	uint32_t ask[4];
	uint64_t t0 = S;

	(void)state;
	assert_int_equal(dp_arp_table_want(t, IP, 0), 1);
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, t0), 0);
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT); /* in use */
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS - 1, ask, 4), 0);
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS, ask, 4), 1);
	assert_int_equal(ask[0], IP);
	/* while refreshing the old MAC still serves, and the reply may move it */
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_memory_equal(mac, mac1, 6);
	assert_int_equal(dp_arp_table_learn(t, IP, mac2, t0 + DP_ARP_REFRESH_NS + 1), 0);
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_memory_equal(mac, mac2, 6);
	/* the refresh counts from the new reply: no request before its 50th second */
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_int_equal(dp_arp_table_tick(t, t0 + 2 * DP_ARP_REFRESH_NS, ask, 4), 0);
	assert_int_equal(t->n, 1);
	/* a peer that stops answering: 3 refresh requests, then forgotten */
	t0 += DP_ARP_REFRESH_NS + 1;
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS, ask, 4), 1);
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS + S, ask, 4), 1);
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS + 2 * S, ask, 4), 1);
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_int_equal(dp_arp_table_tick(t, t0 + DP_ARP_REFRESH_NS + 3 * S, ask, 4), 0);
	assert_int_equal(look(t, IP, mac), DP_ARP_MISS);
	assert_int_equal(t->c.failed, 1);
	assert_int_equal(t->c.requests, 5);
	free(t);
}

static void
replies_nobody_asked_for_are_refused(void **state)
{
	struct dp_arp_table *t = new_table();
	uint8_t mac[6];

	(void)state;
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 0), -ENOENT); /* never asked */
	assert_int_equal(look(t, IP, mac), DP_ARP_MISS);
	assert_int_equal(dp_arp_table_want(t, IP, 0), 1);
	assert_int_equal(dp_arp_table_learn(t, IP, mac1, 1), 0);
	assert_int_equal(dp_arp_table_learn(t, IP, mac2, 2), -ENOENT); /* a second answer */
	assert_int_equal(look(t, IP, mac), DP_ARP_HIT);
	assert_memory_equal(mac, mac1, 6);
	assert_int_equal(t->c.unsolicited, 2);
	assert_int_equal(t->c.learned, 1);
	free(t);
}

/* n addresses of one bucket. */
static void
same_bucket(uint32_t *ips, unsigned n)
{
	unsigned b = dp_arp_bucket(IP), k = 0;

	for (uint32_t ip = IP; k < n; ip++)
		if (dp_arp_bucket(ip) == b)
			ips[k++] = ip;
}

static void
bucket_holds_eight(void **state)
{
	struct dp_arp_table *t = new_table();
	uint32_t ips[DP_ARP_WAYS + 1], ask[DP_ARP_WAYS + 1];
	uint8_t mac[6];

	(void)state;
	same_bucket(ips, DP_ARP_WAYS + 1);
	for (unsigned i = 0; i < DP_ARP_WAYS; i++)
		assert_int_equal(dp_arp_table_want(t, ips[i], 0), 1);
	assert_int_equal(dp_arp_table_want(t, ips[DP_ARP_WAYS], 0), -ENOSPC);
	assert_int_equal(t->c.full, 1);
	assert_int_equal(t->n, DP_ARP_WAYS);
	for (unsigned i = 0; i < DP_ARP_WAYS; i++)
		assert_int_equal(look(t, ips[i], mac), DP_ARP_PENDING);
	assert_int_equal(look(t, ips[DP_ARP_WAYS], mac), DP_ARP_MISS);
	/* at most 2 requests a tick: the rest wait for the next one */
	assert_int_equal(dp_arp_table_tick(t, S, ask, 2), 2);
	assert_int_equal(dp_arp_table_tick(t, S, ask, DP_ARP_WAYS + 1), DP_ARP_WAYS - 2);
	/* one answers, the others give up: their ways are free again */
	assert_int_equal(dp_arp_table_learn(t, ips[3], mac1, S), 0);
	for (uint64_t s = 2; s <= 4; s++)
		dp_arp_table_tick(t, s * S, ask, DP_ARP_WAYS + 1);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->c.failed, DP_ARP_WAYS - 1);
	assert_int_equal(dp_arp_table_want(t, ips[DP_ARP_WAYS], 4 * S), 1);
	assert_int_equal(look(t, ips[3], mac), DP_ARP_HIT);
	free(t);
}

/* Warming (arp_warm.h) fills 6 ways of a bucket at most, asks for an address once, and
 * leaves the last 2 ways to the addresses cells ask for; its refusals are not `full`. */
static void
warming_leaves_two_ways_per_bucket(void **state)
{
	struct dp_arp_table *t = new_table();
	uint32_t ips[DP_ARP_WAYS + 1];
	uint8_t mac[6];

	(void)state;
	same_bucket(ips, DP_ARP_WAYS + 1);
	assert_int_equal(dp_arp_table_want(t, ips[0], 0), 1);	   /* a cell's, first */
	assert_int_equal(dp_arp_table_want_warm(t, ips[0], 0), 0); /* asked already */
	for (unsigned i = 1; i < DP_ARP_WARM_WAYS; i++)
		assert_int_equal(dp_arp_table_want_warm(t, ips[i], 0), 1);
	assert_int_equal(dp_arp_table_want_warm(t, ips[DP_ARP_WARM_WAYS], 0), -ENOSPC);
	assert_int_equal(t->n, DP_ARP_WARM_WAYS);
	assert_int_equal(t->c.full, 0);
	assert_int_equal(t->c.requests, DP_ARP_WARM_WAYS);
	assert_int_equal(look(t, ips[1], mac), DP_ARP_PENDING);
	assert_int_equal(look(t, ips[DP_ARP_WARM_WAYS], mac), DP_ARP_MISS);
	/* what warming left out, cells still get: the last 2 ways, then `full` as before */
	assert_int_equal(dp_arp_table_want(t, ips[DP_ARP_WARM_WAYS], 0), 1);
	assert_int_equal(dp_arp_table_want(t, ips[DP_ARP_WARM_WAYS + 1], 0), 1);
	assert_int_equal(dp_arp_table_want(t, ips[DP_ARP_WAYS], 0), -ENOSPC);
	assert_int_equal(t->c.full, 1);
	/* a warmed entry answered once is a hit, and an answered one is not asked again */
	assert_int_equal(dp_arp_table_learn(t, ips[1], mac1, S), 0);
	assert_int_equal(dp_arp_table_want_warm(t, ips[1], S), 0);
	assert_int_equal(look(t, ips[1], mac), DP_ARP_HIT);
	assert_memory_equal(mac, mac1, 6);
	free(t);
}

/* A writer moves one address between two MACs while readers look it up. */
static struct dp_arp_table *shared;
static volatile int stop;

static void *
reader(void *arg)
{
	long bad = 0;

	(void)arg;
	while (!stop) {
		uint8_t mac[6];

		if (dp_arp_table_lookup(shared, IP, mac) == DP_ARP_HIT &&
		    memcmp(mac, mac1, 6) != 0 && memcmp(mac, mac2, 6) != 0)
			bad++;
	}
	return (void *)bad;
}

static void
readers_never_see_a_torn_entry(void **state)
{
	pthread_t th;
	void *bad;
	uint32_t ask[4];
	uint64_t now = 0;

	(void)state;
	shared = new_table();
	stop = 0;
	assert_int_equal(pthread_create(&th, NULL, reader, NULL), 0);
	for (int i = 0; i < 200000; i++) {
		assert_int_equal(dp_arp_table_want(shared, IP, now), 1);
		assert_int_equal(dp_arp_table_learn(shared, IP, i & 1 ? mac2 : mac1, now), 0);
		/* unused or not: either way it goes (expired or failed) by 61 s later */
		now += DP_ARP_EXPIRE_NS + S;
		while (shared->n > 0) {
			dp_arp_table_tick(shared, now, ask, 4);
			now += S;
		}
	}
	stop = 1;
	assert_int_equal(pthread_join(th, &bad), 0);
	assert_int_equal((long)bad, 0);
	free(shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(asked_once_then_answered),
		cmocka_unit_test(retries_once_a_second_three_times_then_forgets),
		cmocka_unit_test(unused_entry_expires_at_10_minutes),
		cmocka_unit_test(entry_used_after_minutes_is_served_and_refreshed),
		cmocka_unit_test(entry_in_use_is_refreshed_before_it_expires),
		cmocka_unit_test(replies_nobody_asked_for_are_refused),
		cmocka_unit_test(bucket_holds_eight),
		cmocka_unit_test(warming_leaves_two_ways_per_bucket),
		cmocka_unit_test(readers_never_see_a_torn_entry),
	};

	return cmocka_run_group_tests_name("dataplane/arp_table", tests, NULL, NULL);
}
