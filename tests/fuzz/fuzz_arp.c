/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: dataplane/arp_frame.c's parser on any bytes (a well-formed
 * verdict must round-trip the fields it read), then the same bytes as a run of
 * owner operations on one ARP table (dataplane/arp_table.c: want, warming's want (never
 * past 6 entries of a bucket), learn, tick,
 * lookup over eight addresses and a clock that only moves forward),
 * checking after each one that the table's count matches its entries, that
 * no bucket holds an address twice and that a hit returns the MAC last learned.
 * At most 64 operations an input. Then the same bytes once more as a run of
 * hold operations (dataplane/arp_hold.c: add and take over eight addresses on
 * two ports, with a per-address bound from the first byte): after each, the
 * counts match the slots, no bound is passed, and the frames taken come out
 * in the order they were added. Seeds: corpus/arp (an ARP request, a reply, a
 * short and a VLAN frame).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arp_frame.h"
#include "arp_hold.h"
#include "arp_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_frame(const uint8_t *data, size_t size)
{
	struct dp_arp_frame f;
	enum dp_arp_verdict v = dp_arp_frame_parse(data, size, &f);

	if (v != DP_ARP_REQUEST && v != DP_ARP_REPLY)
		return;
	if (size < DP_ARP_FRAME_LEN || memcmp(f.sha, data + 22, 6) != 0 ||
	    memcmp(f.tha, data + 32, 6) != 0 || f.op != (v == DP_ARP_REQUEST ? 1 : 2))
		abort();
}

/* The address of op bits 2..4: eight addresses, in at most eight buckets. */
static uint32_t
addr(unsigned k)
{
	return 0x0a000000u | (uint32_t)k << 7;
}

/* Only addr(0..7) are ever inserted, so their buckets hold every entry. */
static void
check_table(const struct dp_arp_table *t, const uint8_t learned[8][6])
{
	uint32_t n = 0;
	uint8_t seen[DP_ARP_BUCKETS] = {0};

	for (unsigned k = 0; k < 8; k++) {
		unsigned b = dp_arp_bucket(addr(k));

		if (seen[b]++)
			continue;
		for (unsigned i = b * DP_ARP_WAYS; i < (b + 1) * DP_ARP_WAYS; i++) {
			struct dp_arp_view v;

			dp_arp_table_read(t, i, &v);
			if (v.state == DP_ARP_FREE)
				continue;
			n++;
			if (dp_arp_bucket(v.ip) != b)
				abort();
			for (unsigned j = i + 1; j < (b + 1) * DP_ARP_WAYS; j++)
				if (t->e[j].ip == v.ip)
					abort();
			if (v.state != DP_ARP_INCOMPLETE &&
			    memcmp(v.mac, learned[v.ip >> 7 & 7], 6) != 0)
				abort();
		}
	}
	if (n != t->n)
		abort();
	for (unsigned b = 0; b < DP_ARP_BUCKETS; b++)
		if (t->bn[b] != 0 && !seen[b])
			abort(); /* an entry outside the eight buckets */
}

static void
check_hold(const struct dp_arp_hold *h)
{
	unsigned frames = 0, addrs = 0;

	for (unsigned i = 0; i < DP_ARP_HOLD_ADDRS; i++) {
		if (h->a[i].ip == 0) {
			if (h->a[i].n != 0)
				abort();
			continue;
		}
		addrs++;
		frames += h->a[i].n;
		if (h->a[i].n == 0 || h->a[i].n > h->per_addr)
			abort(); /* a slot is taken with its first frame and freed with its last */
		for (unsigned k = 1; k < h->a[i].n; k++)
			if ((uintptr_t)h->a[i].f[k] <= (uintptr_t)h->a[i].f[k - 1])
				abort(); /* frames are numbered in the order they came */
	}
	if (frames != h->nframes || addrs != h->naddrs || frames > DP_ARP_HOLD_CAP)
		abort();
}

/* Each byte: bit 0 add or take, bits 1..3 which address, bit 4 which port. */
static void
run_hold(const uint8_t *data, size_t size)
{
	static struct dp_arp_hold h;
	void *out[DP_ARP_HOLD_FRAMES_MAX];
	uintptr_t next = 1;

	dp_arp_hold_init(&h, size > 0 ? data[0] % (DP_ARP_HOLD_FRAMES_MAX + 2) : 4);
	for (size_t i = 1; i < size && i < 256; i++) {
		uint8_t op = data[i];
		uint16_t port = op >> 4 & 1;
		uint32_t ip = addr(op >> 1 & 7);
		int slot = dp_arp_hold_find(&h, port, ip);

		if ((op & 1) == 0) {
			unsigned before = h.nframes;
			int rc = dp_arp_hold_add(&h, port, ip, (void *)next);

			if ((rc == 0) != (h.nframes == before + 1))
				abort();
			next += rc == 0;
		} else if (slot >= 0) {
			unsigned n = dp_arp_hold_take(&h, (unsigned)slot, out);

			for (unsigned k = 1; k < n; k++)
				if ((uintptr_t)out[k] <= (uintptr_t)out[k - 1])
					abort();
			if (dp_arp_hold_find(&h, port, ip) >= 0)
				abort();
		}
		check_hold(&h);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dp_arp_table t;
	uint8_t learned[8][6] = {{0}};
	uint64_t now = 0;

	check_frame(data, size);
	memset(&t, 0, sizeof(t));
	/* each op byte: 2 bits what, 3 bits which of eight addresses, 3 bits time */
	for (size_t i = 0; i < size && i < 64; i++) {
		uint8_t op = data[i], mac[6] = {2, 0, 0, 0, (uint8_t)i, op};
		uint32_t ask[4], ip = addr(op >> 2 & 7);
		uint8_t got[6];

		now += (uint64_t)(op >> 5) * 7000000000ull; /* 0..49 s a step */
		switch (op & 3) {
		case 0: /* a cell's want, or warming's (odd steps): never past 6 of a bucket */
			if ((i & 1) == 0)
				dp_arp_table_want(&t, ip, now);
			else if (dp_arp_table_want_warm(&t, ip, now) == 1 &&
				 t.bn[dp_arp_bucket(ip)] > DP_ARP_WARM_WAYS)
				abort();
			break;
		case 1:
			if (dp_arp_table_learn(&t, ip, mac, now) == 0)
				memcpy(learned[ip >> 7 & 7], mac, 6);
			break;
		case 2:
			if (dp_arp_table_tick(&t, now, ask, 4) > 4)
				abort();
			break;
		default:
			if (dp_arp_table_lookup(&t, ip, got) == DP_ARP_HIT &&
			    memcmp(got, learned[ip >> 7 & 7], 6) != 0)
				abort();
		}
		check_table(&t, learned);
	}
	run_hold(data, size);
	return 0;
}
