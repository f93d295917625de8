/* SPDX-License-Identifier: MIT */
/*
 * Warming: ARP for a node table's on-link next hops before a cell needs them
 * (--arp-warm on, the default; docs/dataplane-options.md, "ARP resolution").
 * When the workers start using a node table (snode-control's NODES, and the
 * --nodes file's at start), the ARP owner asks for every node of it that ARP
 * resolves: the all-zero MAC in the table (arp.h) and an address on the
 * subnet of the port that reaches it. So the first cells to a peer find its
 * MAC instead of waiting one round trip in the hold (arp_hold.h), and a first
 * burst to more peers than the hold's 16 addresses is not dropped.
 *
 * Where it runs. Only the owner writes the ARP tables, so the owner walks the
 * node table itself, a slice on each of its 10 ms passes, after the retries
 * (which go first): at most DP_ARP_WARM_SCAN nodes looked at, and at most
 * DP_ARP_WARM_ASK requests per port, within the DP_ARP_ASK_MAX the retries
 * left. The table it walks is the one its loop iteration loaded (node_swap.h:
 * no pointer survives an iteration); it knows a new table by its pointer and
 * swap_seq, and a new one restarts the walk at its first node. No message from
 * the main lcore is needed, so none can be lost to a full ring, and the walk
 * never reads a table a grace period may have freed.
 *
 * What it asks. A node whose address is in the ARP table already (resolved,
 * or asked for by a cell or an earlier table) is skipped (`known`); a new one
 * becomes an entry being resolved and gets a request now (`asked`), then the
 * table's usual retries (3 a second apart) and failure. Warming fills at most
 * DP_ARP_WARM_WAYS (6) of a bucket's 8 entries: beyond that (about 3/4 of a
 * port's 1,024 entries, fewer where the hash crowds a bucket) the nodes are
 * skipped (`no_room`) and resolve at their first cell as before, which still
 * finds one of the bucket's last 2 entries free.
 *
 * Used. A warmed entry is like any other: not `used` until a cell looks it up,
 * so one that no cell goes to is forgotten 10 minutes after its reply
 * (`expired`), and the next table (snode-control resends it at every registry
 * reload and reconnect) asks for it again. Marking warmed entries used would
 * keep every node's entry for ever and re-ask all of them every 50 s.
 */
#ifndef DP_ARP_WARM_H
#define DP_ARP_WARM_H

#include <stdbool.h>
#include <stdint.h>

enum {
	DP_ARP_WARM_SCAN = 256, /* nodes the owner looks at per pass (65,536 in 2.6 s) */
	DP_ARP_WARM_ASK = 8,	/* requests per port per pass: 800 broadcasts/s, 2,000 in 2.5 s */
};

struct dp_node_table;
struct dp_worker;

/* The owner's walk and its counters (telemetry reads them without locks). */
struct dp_arp_warm {
	bool on;			   /* --arp-warm */
	const struct dp_node_table *table; /* only compared: the walk reads w->nodes */
	uint64_t seq;			   /* its swap_seq */
	uint32_t next;			   /* its next node to look at */
	uint32_t left;			   /* its nodes not looked at yet */
	uint64_t tables;		   /* tables whose walk started */
	uint64_t asked;			   /* first requests (retries: the table's) */
	uint64_t known;			   /* nodes already in the ARP table */
	uint64_t no_room;		   /* nodes skipped: warming's 6 ways taken */
};

/* Owner, on each 10 ms pass after the retries: the next slice of the walk over
 * w->nodes (restarted for a new table), asking for at most w->arp->room[p]
 * addresses on port p. */
void dp_arp_warm_pass(struct dp_worker *w, uint64_t now_ns);

#endif
