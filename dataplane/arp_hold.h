/* SPDX-License-Identifier: MIT */
/*
 * One worker's ARP hold: frames toward a next hop whose MAC ARP is still
 * resolving wait here instead of being dropped, as Linux keeps a few packets
 * per unresolved neighbour (unres_qlen). arp.c decides when they leave (the
 * address resolved: sent in their order, before any newer frame to it) or
 * are dropped (arp_failed, arp_hold_timeout); this file only keeps them.
 *
 * Hard bounds, all inside the worker's own struct (no allocation, nothing
 * shared): DP_ARP_HOLD_ADDRS addresses, `per_addr` frames each (--arp-hold,
 * at most DP_ARP_HOLD_FRAMES_MAX; 0 holds nothing) and DP_ARP_HOLD_CAP frames
 * in all, whichever comes first (a frame over a bound: arp_hold_full). So a
 * flood toward dead addresses holds at most 32 mbufs per worker, for at most
 * DP_ARP_HOLD_NS, and a burst of pings to many new peers still holds one or
 * two frames for each of 16 of them. Frames are opaque pointers here (mbufs
 * in arp.c), so the bookkeeping is unit-tested without DPDK.
 */
#ifndef DP_ARP_HOLD_H
#define DP_ARP_HOLD_H

#include <stdint.h>

enum {
	DP_ARP_HOLD_ADDRS = 16,		/* addresses one worker holds frames for */
	DP_ARP_HOLD_FRAMES_MAX = 16,	/* --arp-hold's ceiling: frames per address */
	DP_ARP_HOLD_FRAMES_DEFAULT = 4, /* --arp-hold's default: a first burst of cells */
	DP_ARP_HOLD_CAP = 32,		/* frames one worker holds in all */
};

/* How long a frame is held at most: the table gives up on an address after
 * 3 requests a second apart (3 s, arp_table.h), so a failure is normally seen
 * (arp_failed) before this; it catches an address the table never took (its
 * bucket full) or an owner that stalls. */
#define DP_ARP_HOLD_NS 3500000000ull

/* The frames held for one address, oldest first. */
struct dp_arp_hold_addr {
	uint32_t ip; /* host order; 0: slot free */
	uint16_t port;
	uint8_t n;	      /* frames held */
	uint8_t seen;	      /* the table was resolving it: its leaving the table is a failure */
	uint64_t deadline_ns; /* first frame held + DP_ARP_HOLD_NS */
	void *f[DP_ARP_HOLD_FRAMES_MAX];
};

struct dp_arp_hold {
	struct dp_arp_hold_addr a[DP_ARP_HOLD_ADDRS];
	uint16_t naddrs;   /* slots in use */
	uint16_t nframes;  /* frames held in all */
	uint8_t per_addr;  /* frames per address: 0 holds nothing */
	uint64_t now_ns;   /* the worker's loop time (frames are held at flush, which has none) */
	uint64_t held;	   /* frames ever held */
	uint64_t released; /* frames sent once their address resolved */
};

/* Empty, per_addr frames per address (clamped to DP_ARP_HOLD_FRAMES_MAX). */
void dp_arp_hold_init(struct dp_arp_hold *h, unsigned per_addr);

/* The slot holding (port, ip), or -1. */
int dp_arp_hold_find(const struct dp_arp_hold *h, uint16_t port, uint32_t ip);

/* Holds f after the frames already held for (port, ip), from h->now_ns on.
 * 0, or -ENOSPC when a bound is reached (h unchanged), -EINVAL for ip 0. */
int dp_arp_hold_add(struct dp_arp_hold *h, uint16_t port, uint32_t ip, void *f);

/* Frees slot i and writes its frames, oldest first, to out (room for
 * DP_ARP_HOLD_FRAMES_MAX); returns how many. */
unsigned dp_arp_hold_take(struct dp_arp_hold *h, unsigned i, void **out);

#endif
