/* SPDX-License-Identifier: MIT */
/*
 * Per-IPv4 token buckets in front of the HTTP(S) entry, as
 * session-storage-server's RateLimiter: each client address has a bucket of
 * `burst` tokens refilled at `per_s` tokens a second; a request takes one,
 * and a client with an empty bucket is answered 429. At most
 * CTL_HTTP_RL_CLIENTS addresses are tracked; when the table is full, buckets
 * that have refilled completely (idle clients) are forgotten, and if none
 * has, a new address is refused (429) rather than evicting an active one.
 * Fixed memory, no allocation after init; time is passed in by the caller.
 */
#ifndef CTL_HTTP_RATELIMIT_H
#define CTL_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

enum {
	CTL_HTTP_RL_CLIENTS = 10000, /* SS: tracks at most 10,000 clients */
	CTL_HTTP_RL_HASH = 16384,    /* hash heads (power of two) */
};

struct ctl_http_rl_entry {
	uint32_t ip;
	int32_t next;	/* chain in its hash bucket, -1 at the end */
	double tokens;	/* what is left at `at_ns` */
	uint64_t at_ns; /* last refill */
};

struct ctl_http_rl {
	double burst, per_s;
	uint32_t used;
	uint64_t refused_full; /* new clients refused because the table was full */
	int32_t head[CTL_HTTP_RL_HASH];
	struct ctl_http_rl_entry e[CTL_HTTP_RL_CLIENTS];
};

/* burst and per_s >= 1. */
void ctl_http_rl_init(struct ctl_http_rl *rl, unsigned burst, unsigned per_s);

/* Takes a token for ip (host order) at now_ns; false: answer 429. */
bool ctl_http_rl_allow(struct ctl_http_rl *rl, uint32_t ip, uint64_t now_ns);

/* Addresses tracked now. */
uint32_t ctl_http_rl_clients(const struct ctl_http_rl *rl);

#endif
