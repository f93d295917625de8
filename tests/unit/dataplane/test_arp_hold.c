/* SPDX-License-Identifier: MIT */
/*
 * dataplane/arp_hold.c: frames held per (port, address) in their order, each
 * bound at its edge (per_addr frames for an address and one more refused, 16
 * addresses and a 17th refused, 32 frames in all and a 33rd refused), a slot
 * taken frees its room, 0 frames per address holds nothing, the deadline is
 * the first frame's time plus DP_ARP_HOLD_NS. Frames are pointers into an
 * array here; arp.c holds mbufs (tests/dpdk/test_arp.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arp_hold.h"

enum {
	IP = 0x0a000102, /* 10.0.1.2 */
};

static char frames[256]; /* frame k is &frames[k] */

static void *
fr(unsigned k)
{
	return &frames[k];
}

static void
held_in_order_and_taken_once(void **state)
{
	struct dp_arp_hold h;
	void *out[DP_ARP_HOLD_FRAMES_MAX];
	int i;

	(void)state;
	dp_arp_hold_init(&h, 4);
	h.now_ns = 1000;
	assert_int_equal(dp_arp_hold_find(&h, 1, IP), -1);
	for (unsigned k = 0; k < 3; k++)
		assert_int_equal(dp_arp_hold_add(&h, 1, IP, fr(k)), 0);
	h.now_ns = 5000; /* a later frame does not move the deadline */
	assert_int_equal(dp_arp_hold_add(&h, 1, IP, fr(3)), 0);
	i = dp_arp_hold_find(&h, 1, IP);
	assert_true(i >= 0);
	assert_int_equal(dp_arp_hold_find(&h, 0, IP), -1);     /* another port */
	assert_int_equal(dp_arp_hold_find(&h, 1, IP + 1), -1); /* another address */
	assert_int_equal(h.a[i].deadline_ns, 1000 + DP_ARP_HOLD_NS);
	assert_int_equal(h.a[i].seen, 0);
	assert_int_equal(h.naddrs, 1);
	assert_int_equal(h.nframes, 4);
	assert_int_equal(h.held, 4);
	assert_int_equal(dp_arp_hold_take(&h, (unsigned)i, out), 4);
	for (unsigned k = 0; k < 4; k++)
		assert_ptr_equal(out[k], fr(k));
	assert_int_equal(h.naddrs, 0);
	assert_int_equal(h.nframes, 0);
	assert_int_equal(dp_arp_hold_find(&h, 1, IP), -1);
	assert_int_equal(dp_arp_hold_take(&h, (unsigned)i, out), 0); /* once */
	assert_int_equal(dp_arp_hold_take(&h, DP_ARP_HOLD_ADDRS, out), 0);
	assert_int_equal(dp_arp_hold_add(&h, 1, 0, fr(9)), -EINVAL);
	assert_int_equal(h.held, 4);
}

/* Exactly per_addr frames for an address, and the next refused; other addresses still held. */
static void
per_address_bound_at_its_edge(void **state)
{
	struct dp_arp_hold h;
	void *out[DP_ARP_HOLD_FRAMES_MAX];

	(void)state;
	for (unsigned m = 1; m <= DP_ARP_HOLD_FRAMES_MAX; m++) {
		dp_arp_hold_init(&h, m);
		for (unsigned k = 0; k < m; k++)
			assert_int_equal(dp_arp_hold_add(&h, 0, IP, fr(k)), 0);
		assert_int_equal(dp_arp_hold_add(&h, 0, IP, fr(m)), -ENOSPC);
		assert_int_equal(h.nframes, m);
		assert_int_equal(dp_arp_hold_add(&h, 0, IP + 1, fr(99)), 0);
		assert_int_equal(dp_arp_hold_take(&h, (unsigned)dp_arp_hold_find(&h, 0, IP), out),
				 m);
		assert_ptr_equal(out[m - 1], fr(m - 1));
		/* room again */
		assert_int_equal(dp_arp_hold_add(&h, 0, IP, fr(0)), 0);
	}
	/* beyond the ceiling: clamped */
	dp_arp_hold_init(&h, 200);
	assert_int_equal(h.per_addr, DP_ARP_HOLD_FRAMES_MAX);
}

/* 16 addresses and a 17th refused; freed, it fits. */
static void
address_bound_at_its_edge(void **state)
{
	struct dp_arp_hold h;
	void *out[DP_ARP_HOLD_FRAMES_MAX];

	(void)state;
	dp_arp_hold_init(&h, 1);
	for (unsigned k = 0; k < DP_ARP_HOLD_ADDRS; k++)
		assert_int_equal(dp_arp_hold_add(&h, 0, IP + k, fr(k)), 0);
	assert_int_equal(h.naddrs, DP_ARP_HOLD_ADDRS);
	assert_int_equal(dp_arp_hold_add(&h, 0, IP + DP_ARP_HOLD_ADDRS, fr(50)), -ENOSPC);
	assert_int_equal(dp_arp_hold_add(&h, 1, IP, fr(50)), -ENOSPC); /* same ip, other port */
	assert_int_equal(dp_arp_hold_take(&h, (unsigned)dp_arp_hold_find(&h, 0, IP + 5), out), 1);
	assert_ptr_equal(out[0], fr(5));
	assert_int_equal(dp_arp_hold_add(&h, 1, IP, fr(50)), 0);
	assert_int_equal(dp_arp_hold_find(&h, 1, IP), 5); /* the freed slot */
	/* every other address is still found past the freed slot */
	for (unsigned k = 0; k < DP_ARP_HOLD_ADDRS; k++)
		assert_true(k == 5 || dp_arp_hold_find(&h, 0, IP + k) >= 0);
}

/* 32 frames in all and a 33rd refused, whatever the address. */
static void
worker_cap_at_its_edge(void **state)
{
	struct dp_arp_hold h;
	void *out[DP_ARP_HOLD_FRAMES_MAX];
	unsigned k = 0;

	(void)state;
	dp_arp_hold_init(&h, 4);
	for (unsigned a = 0; a < DP_ARP_HOLD_CAP / 4; a++)
		for (unsigned j = 0; j < 4; j++)
			assert_int_equal(dp_arp_hold_add(&h, 0, IP + a, fr(k++)), 0);
	assert_int_equal(h.nframes, DP_ARP_HOLD_CAP);
	assert_int_equal(h.naddrs, DP_ARP_HOLD_CAP / 4);
	assert_int_equal(dp_arp_hold_add(&h, 0, IP + 100, fr(k)), -ENOSPC); /* a new address */
	assert_int_equal(h.naddrs, DP_ARP_HOLD_CAP / 4);		    /* no slot taken */
	assert_int_equal(dp_arp_hold_take(&h, 0, out), 4);
	assert_int_equal(dp_arp_hold_add(&h, 0, IP + 100, fr(k)), 0);
	assert_int_equal(h.held, DP_ARP_HOLD_CAP + 1);
}

static void
zero_holds_nothing(void **state)
{
	struct dp_arp_hold h;

	(void)state;
	dp_arp_hold_init(&h, 0);
	assert_int_equal(dp_arp_hold_add(&h, 0, IP, fr(0)), -ENOSPC);
	assert_int_equal(h.naddrs, 0);
	assert_int_equal(h.nframes, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(held_in_order_and_taken_once),
		cmocka_unit_test(per_address_bound_at_its_edge),
		cmocka_unit_test(address_bound_at_its_edge),
		cmocka_unit_test(worker_cap_at_its_edge),
		cmocka_unit_test(zero_holds_nothing),
	};
	return cmocka_run_group_tests_name("dataplane/arp_hold", tests, NULL, NULL);
}
