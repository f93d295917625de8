/* SPDX-License-Identifier: MIT */
/* dataplane/arp_frame.c: the request we send, byte for byte; what the parser refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arp_frame.h"

static const uint8_t our_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static void
request_is_byte_exact(void **state)
{
	static const uint8_t want[DP_ARP_FRAME_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06, /* EtherType ARP */
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04,	  /* Ethernet, IPv4, 6, 4 */
		0x00, 0x01,				  /* request */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55,	  /* sender MAC */
		10,   0,    1,	  1,			  /* sender 10.0.1.1 */
		0,    0,    0,	  0,	0,    0,	  /* target MAC unknown */
		10,   0,    1,	  2,			  /* who has 10.0.1.2 */
	};
	uint8_t buf[DP_ARP_FRAME_MIN + 4];
	struct dp_arp_frame f;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(dp_arp_frame_write_request(buf, our_mac, 0x0a000101, 0x0a000102),
			 DP_ARP_FRAME_MIN);
	assert_memory_equal(buf, want, sizeof(want));
	for (int i = DP_ARP_FRAME_LEN; i < DP_ARP_FRAME_MIN; i++)
		assert_int_equal(buf[i], 0); /* padding */
	assert_int_equal(buf[DP_ARP_FRAME_MIN], 0xee);
	assert_int_equal(dp_arp_frame_parse(buf, DP_ARP_FRAME_MIN, &f), DP_ARP_REQUEST);
	assert_int_equal(f.spa, 0x0a000101);
	assert_int_equal(f.tpa, 0x0a000102);
	assert_memory_equal(f.sha, our_mac, 6);
}

static void
reply_parses(void **state)
{
	uint8_t buf[DP_ARP_FRAME_MIN];
	struct dp_arp_frame f;

	(void)state;
	dp_arp_frame_write_request(buf, our_mac, 0x0a000101, 0x0a000102);
	buf[21] = 2;
	assert_int_equal(dp_arp_frame_parse(buf, DP_ARP_FRAME_LEN, &f),
			 DP_ARP_REPLY); /* unpadded */
	assert_int_equal(f.op, 2);
	assert_memory_equal(f.eth_src, our_mac, 6);
}

static void
refuses_what_is_not_ipv4_over_ethernet(void **state)
{
	static const struct {
		int off;
		uint8_t v;
	} bad[] = {
		{15, 6},    /* hardware type 6 (IEEE 802) */
		{16, 0x86}, /* protocol 0x86dd */
		{18, 8},    /* hardware size */
		{19, 16},   /* protocol size */
		{21, 3},    /* opcode 3 (RARP) */
		{21, 0},    /* opcode 0 */
		{20, 1},    /* opcode 257 */
	};
	uint8_t buf[DP_ARP_FRAME_MIN];
	struct dp_arp_frame f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dp_arp_frame_write_request(buf, our_mac, 1, 2);
		buf[bad[i].off] = bad[i].v;
		assert_int_equal(dp_arp_frame_parse(buf, sizeof(buf), &f), DP_ARP_BAD);
	}
	dp_arp_frame_write_request(buf, our_mac, 1, 2);
	assert_int_equal(dp_arp_frame_parse(buf, DP_ARP_FRAME_LEN - 1, &f), DP_ARP_BAD); /* short */
	assert_int_equal(dp_arp_frame_parse(buf, 14, &f), DP_ARP_BAD);
	assert_int_equal(dp_arp_frame_parse(buf, 13, &f), DP_ARP_NOT_ARP);
	buf[13] = 0x00; /* EtherType IPv4 */
	assert_int_equal(dp_arp_frame_parse(buf, sizeof(buf), &f), DP_ARP_NOT_ARP);
	buf[12] = 0x81; /* an 802.1Q tag */
	assert_int_equal(dp_arp_frame_parse(buf, sizeof(buf), &f), DP_ARP_NOT_ARP);
}

static void
unicast_macs(void **state)
{
	static const uint8_t zero[6], bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};

	(void)state;
	assert_true(dp_arp_mac_unicast(our_mac));
	assert_false(dp_arp_mac_unicast(zero));
	assert_false(dp_arp_mac_unicast(bcast));
	assert_false(dp_arp_mac_unicast(mcast));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_is_byte_exact),
		cmocka_unit_test(reply_parses),
		cmocka_unit_test(refuses_what_is_not_ipv4_over_ethernet),
		cmocka_unit_test(unicast_macs),
	};

	return cmocka_run_group_tests_name("dataplane/arp_frame", tests, NULL, NULL);
}
