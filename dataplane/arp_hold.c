/* SPDX-License-Identifier: MIT */
#include "arp_hold.h"

#include <errno.h>
#include <string.h>

void
dp_arp_hold_init(struct dp_arp_hold *h, unsigned per_addr)
{
	memset(h, 0, sizeof(*h));
	h->per_addr =
		(uint8_t)(per_addr < DP_ARP_HOLD_FRAMES_MAX ? per_addr : DP_ARP_HOLD_FRAMES_MAX);
}

int
dp_arp_hold_find(const struct dp_arp_hold *h, uint16_t port, uint32_t ip)
{
	for (unsigned i = 0, seen = 0; seen < h->naddrs && i < DP_ARP_HOLD_ADDRS; i++) {
		if (h->a[i].ip == 0)
			continue;
		if (h->a[i].ip == ip && h->a[i].port == port)
			return (int)i;
		seen++;
	}
	return -1;
}

/* A free slot for (port, ip), or NULL when all are taken. */
static struct dp_arp_hold_addr *
open_slot(struct dp_arp_hold *h, uint16_t port, uint32_t ip)
{
	for (unsigned i = 0; h->naddrs < DP_ARP_HOLD_ADDRS && i < DP_ARP_HOLD_ADDRS; i++) {
		struct dp_arp_hold_addr *s = &h->a[i];

		if (s->ip != 0)
			continue;
		s->ip = ip;
		s->port = port;
		s->n = 0;
		s->seen = 0;
		s->deadline_ns = h->now_ns + DP_ARP_HOLD_NS;
		h->naddrs++;
		return s;
	}
	return NULL;
}

int
dp_arp_hold_add(struct dp_arp_hold *h, uint16_t port, uint32_t ip, void *f)
{
	int i = dp_arp_hold_find(h, port, ip);
	struct dp_arp_hold_addr *s;

	if (ip == 0)
		return -EINVAL;
	if (h->nframes >= DP_ARP_HOLD_CAP || h->per_addr == 0 ||
	    (i >= 0 && h->a[i].n >= h->per_addr))
		return -ENOSPC;
	s = i >= 0 ? &h->a[i] : open_slot(h, port, ip);
	if (s == NULL)
		return -ENOSPC;
	s->f[s->n++] = f;
	h->nframes++;
	h->held++;
	return 0;
}

unsigned
dp_arp_hold_take(struct dp_arp_hold *h, unsigned i, void **out)
{
	struct dp_arp_hold_addr *s;
	unsigned n;

	if (i >= DP_ARP_HOLD_ADDRS || h->a[i].ip == 0)
		return 0;
	s = &h->a[i];
	n = s->n;
	memcpy(out, s->f, n * sizeof(s->f[0]));
	h->nframes = (uint16_t)(h->nframes - n);
	h->naddrs--;
	memset(s, 0, sizeof(*s));
	return n;
}
