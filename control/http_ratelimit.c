/* SPDX-License-Identifier: MIT */
#include "http_ratelimit.h"

#include <string.h>

static uint32_t
hash_ip(uint32_t ip)
{
	return (ip * 2654435761u) >> 18; /* Knuth's multiplicative hash, top 14 bits */
}

void
ctl_http_rl_init(struct ctl_http_rl *rl, unsigned burst, unsigned per_s)
{
	memset(rl, 0, sizeof(*rl));
	rl->burst = burst;
	rl->per_s = per_s;
	for (uint32_t i = 0; i < CTL_HTTP_RL_HASH; i++)
		rl->head[i] = -1;
}

static void
refill(const struct ctl_http_rl *rl, struct ctl_http_rl_entry *e, uint64_t now_ns)
{
	if (now_ns > e->at_ns) {
		e->tokens += (double)(now_ns - e->at_ns) * rl->per_s / 1e9;
		if (e->tokens > rl->burst)
			e->tokens = rl->burst;
		e->at_ns = now_ns;
	}
}

/* Removes entry i (moving the last entry into its place). */
static void
remove_at(struct ctl_http_rl *rl, uint32_t i)
{
	uint32_t last = rl->used - 1;

	for (int32_t *p = &rl->head[hash_ip(rl->e[i].ip)]; *p >= 0; p = &rl->e[*p].next)
		if ((uint32_t)*p == i) {
			*p = rl->e[i].next;
			break;
		}
	if (i != last) {
		for (int32_t *p = &rl->head[hash_ip(rl->e[last].ip)]; *p >= 0; p = &rl->e[*p].next)
			if ((uint32_t)*p == last) {
				*p = (int32_t)i;
				break;
			}
		rl->e[i] = rl->e[last];
	}
	rl->used--;
}

/* Forgets the clients whose bucket is full again: they would start full anyway. */
static void
forget_idle(struct ctl_http_rl *rl, uint64_t now_ns)
{
	for (uint32_t i = rl->used; i-- > 0;) {
		refill(rl, &rl->e[i], now_ns);
		if (rl->e[i].tokens >= rl->burst)
			remove_at(rl, i);
	}
}

bool
ctl_http_rl_allow(struct ctl_http_rl *rl, uint32_t ip, uint64_t now_ns)
{
	uint32_t h = hash_ip(ip);
	struct ctl_http_rl_entry *e;

	for (int32_t i = rl->head[h]; i >= 0; i = rl->e[i].next) {
		e = &rl->e[i];
		if (e->ip != ip)
			continue;
		refill(rl, e, now_ns);
		if (e->tokens < 1.0)
			return false;
		e->tokens -= 1.0;
		return true;
	}
	if (rl->used == CTL_HTTP_RL_CLIENTS)
		forget_idle(rl, now_ns);
	if (rl->used == CTL_HTTP_RL_CLIENTS) {
		rl->refused_full++;
		return false;
	}
	e = &rl->e[rl->used];
	*e = (struct ctl_http_rl_entry){
		.ip = ip, .next = rl->head[h], .tokens = rl->burst - 1.0, .at_ns = now_ns};
	rl->head[h] = (int32_t)rl->used++;
	return true;
}

uint32_t
ctl_http_rl_clients(const struct ctl_http_rl *rl)
{
	return rl->used;
}
