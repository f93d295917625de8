/* SPDX-License-Identifier: MIT */
/*
 * One port's ARP table: the MACs of on-link next hops that no --nodes line or
 * gateway MAC gives (arp.h resolves them). Written by ONE thread, the ARP
 * owner (worker 0), and read by every worker without locks:
 *
 * - 128 buckets of 8 ways (1,024 addresses), an address in the bucket its hash
 *   names, so a lookup reads at most 8 entries and never follows a chain that
 *   a concurrent delete could cut. A 9th address for a full bucket is refused
 *   (counted `full`) until one of the 8 goes.
 * - Each entry is a seqlock: the owner makes its sequence odd, writes address,
 *   MAC and state, makes it even again (release); a reader retries when the
 *   sequence was odd or moved, so it never sees one address with another's
 *   MAC. Readers never wait on the owner for more than one entry rewrite.
 * - Readers write one thing: a `used` byte (relaxed store, only when it was
 *   clear), so the owner refreshes entries in use before they expire and lets
 *   the others age out.
 *
 * States: INCOMPLETE (asked, no answer yet: packets to it are dropped), then
 * REACHABLE after a reply. An entry used when its reply is 50 s old or more is
 * re-asked (REFRESHING: its MAC still serves meanwhile, as Linux serves a
 * STALE entry while it probes) and is REACHABLE again when the reply comes, so
 * a peer reached once every few minutes (snode-control's pings) keeps its
 * entry and loses no cell. Requests go at most once a second per address, 3
 * at most; an address that does not answer them is forgotten (`failed`), an
 * entry unused for 10 minutes since its reply too (`expired`). Only an
 * address with a request outstanding takes a reply (`unsolicited` otherwise).
 */
#ifndef DP_ARP_TABLE_H
#define DP_ARP_TABLE_H

#include <stdint.h>

enum {
	DP_ARP_WAYS = 8,
	DP_ARP_BUCKETS = 128,
	DP_ARP_ENTRIES = DP_ARP_WAYS * DP_ARP_BUCKETS, /* addresses per port */
	DP_ARP_TRIES = 3,			       /* requests per address before giving up */
	/* entries of a bucket warming may fill (arp_warm.h): the other 2 stay for cells */
	DP_ARP_WARM_WAYS = 6,
};

#define DP_ARP_RETRY_NS	  1000000000ull	  /* between two requests for one address */
#define DP_ARP_REFRESH_NS 50000000000ull  /* age from which a use of an entry re-asks */
#define DP_ARP_EXPIRE_NS  600000000000ull /* age at which an unused entry is forgotten */

enum dp_arp_state {
	DP_ARP_FREE = 0,
	DP_ARP_INCOMPLETE,
	DP_ARP_REACHABLE,
	DP_ARP_REFRESHING,
};

struct dp_arp_entry {
	uint32_t seq;	     /* seqlock: odd while the owner writes */
	uint32_t ip;	     /* host order; 0 when free */
	uint64_t word;	     /* MAC in the low 48 bits (byte i at bits 8i), state << 48 */
	uint64_t learned_ns; /* last reply (REACHABLE, REFRESHING) or first request */
	uint64_t next_ns;    /* owner only: next request or expiry check */
	uint8_t tries;	     /* owner only: requests sent in this round */
	uint8_t used;	     /* readers set it; the owner clears it when it refreshes */
};

struct dp_arp_counters {
	uint64_t requests;    /* requests asked for (first ones, retries, refreshes) */
	uint64_t learned;     /* replies that resolved or refreshed an entry */
	uint64_t expired;     /* entries forgotten unused */
	uint64_t failed;      /* entries forgotten after DP_ARP_TRIES unanswered requests */
	uint64_t full;	      /* addresses refused: their bucket held 8 */
	uint64_t unsolicited; /* replies for an address with no request outstanding */
};

struct dp_arp_table {
	struct dp_arp_entry e[DP_ARP_ENTRIES];
	uint32_t n;		    /* entries in use (owner) */
	uint8_t bn[DP_ARP_BUCKETS]; /* entries in use per bucket (owner): the tick skips empty ones
				     */
	struct dp_arp_counters c;
};

enum dp_arp_lookup {
	DP_ARP_MISS = 0,  /* not in the table: ask the owner (dp_arp_want) */
	DP_ARP_PENDING,	  /* asked, no answer yet */
	DP_ARP_HIT,	  /* mac filled */
	DP_ARP_REWRITTEN, /* its bucket was being rewritten: not known, look again later */
};

/* The bucket of an address (tests pick colliding ones with it). */
unsigned dp_arp_bucket(uint32_t ip);

/* Any thread, lock-free: the MAC of ip. Marks a hit entry as used. */
enum dp_arp_lookup dp_arp_table_lookup(struct dp_arp_table *t, uint32_t ip, uint8_t mac[6]);

/* Owner: a packet wants ip. 1: a new INCOMPLETE entry, send a request now; 0:
 * already there (asked or resolved); -ENOSPC: its bucket is full. */
int dp_arp_table_want(struct dp_arp_table *t, uint32_t ip, uint64_t now_ns);

/* Owner: the same for an address nothing waits for yet (arp_warm.h), taken
 * only while its bucket holds fewer than DP_ARP_WARM_WAYS entries, so the
 * addresses cells ask for later still find room. -ENOSPC (not counted `full`):
 * no room left for warming in its bucket. */
int dp_arp_table_want_warm(struct dp_arp_table *t, uint32_t ip, uint64_t now_ns);

/* Owner: a reply says ip is at mac. 0: learned; -ENOENT: no request outstanding. */
int dp_arp_table_learn(struct dp_arp_table *t, uint32_t ip, const uint8_t mac[6], uint64_t now_ns);

/* Owner: retries, refreshes and expiry at now. Writes the addresses to ask now
 * into ask[0..max) and returns how many; entries due beyond max wait for the
 * next call. */
unsigned dp_arp_table_tick(struct dp_arp_table *t, uint64_t now_ns, uint32_t *ask, unsigned max);

/* Any thread: a consistent copy of entry i (state FREE when unused). */
struct dp_arp_view {
	uint32_t ip;
	uint8_t mac[6];
	enum dp_arp_state state;
	uint64_t learned_ns;
};
void dp_arp_table_read(const struct dp_arp_table *t, unsigned i, struct dp_arp_view *v);

const char *dp_arp_state_name(enum dp_arp_state s);

#endif
