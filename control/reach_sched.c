/* SPDX-License-Identifier: MIT */
/* The reachability schedule and records (see reach_sched.h). */
#include "reach_sched.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void
ctl_reach_sched_conf_defaults(struct ctl_reach_conf *c)
{
	*c = (struct ctl_reach_conf){
		.tick_ms = CTL_REACH_TICK_MS,
		.retests_per_tick = CTL_REACH_RETESTS_PER_TICK,
		.interval_mean_ms = CTL_REACH_INTERVAL_MEAN_MS,
		.interval_sd_ms = CTL_REACH_INTERVAL_SD_MS,
		.backoff_ms = CTL_REACH_BACKOFF_MS,
		.backoff_max_ms = CTL_REACH_BACKOFF_MAX_MS,
		.timeout_ms = CTL_REACH_TIMEOUT_MS,
		.failure_validity_ms = CTL_REACH_FAILURE_VALIDITY_MS,
	};
}

/* splitmix64: spreads a seed over the generator's state. */
static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* xorshift128+: tests need the same draws from the same seed; nothing here is secret. */
static uint64_t
next_u64(struct ctl_reach_sched *s)
{
	uint64_t a = s->rng[0], b = s->rng[1];

	s->rng[0] = b;
	a ^= a << 23;
	s->rng[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
	return s->rng[1] + b;
}

/* Uniform in (0, 1]: never 0, so log() below is finite. */
static double
unit(struct ctl_reach_sched *s)
{
	return ((double)(next_u64(s) >> 11) + 1.0) / 9007199254740992.0;
}

uint64_t
ctl_reach_sched_normal_ms(struct ctl_reach_sched *s, uint64_t mean_ms, uint64_t sd_ms)
{
	double z, v;

	if (s->spare_ok) {
		z = s->spare;
		s->spare_ok = false;
	} else { /* Box-Muller: two normals from two uniforms */
		double r = sqrt(-2.0 * log(unit(s))), t = 2.0 * M_PI * unit(s);

		z = r * cos(t);
		s->spare = r * sin(t);
		s->spare_ok = true;
	}
	v = (double)mean_ms + z * (double)sd_ms;
	return v <= 0 ? 0 : (uint64_t)v;
}

int
ctl_reach_sched_init(struct ctl_reach_sched *s, const struct ctl_reach_conf *conf, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	if (conf != NULL)
		s->conf = *conf;
	else
		ctl_reach_sched_conf_defaults(&s->conf);
	if (seed == 0)
		randombytes_buf(&seed, sizeof(seed));
	s->rng[0] = splitmix(&seed);
	s->rng[1] = splitmix(&seed);
	if (s->rng[0] == 0 && s->rng[1] == 0)
		s->rng[1] = 1;
	s->nodes = calloc(1, sizeof(*s->nodes));
	s->queue = calloc(CTL_REACH_NODES_MAX, sizeof(*s->queue));
	if (s->nodes == NULL || s->queue == NULL) {
		ctl_reach_sched_free(s);
		return -ENOMEM;
	}
	return 0;
}

void
ctl_reach_sched_free(struct ctl_reach_sched *s)
{
	free(s->nodes);
	free(s->queue);
	memset(s, 0, sizeof(*s));
}

static int
cmp_node(const void *a, const void *b)
{
	return memcmp(a, b, 32); /* key is the first member */
}

static struct ctl_reach_node *
find(const struct ctl_reach_sched *s, const uint8_t key[32])
{
	if (s->n == 0)
		return NULL;
	return bsearch(key, s->nodes, s->n, sizeof(*s->nodes), cmp_node);
}

const struct ctl_reach_node *
ctl_reach_sched_find(const struct ctl_reach_sched *s, const uint8_t key[32])
{
	return find(s, key);
}

int
ctl_reach_sched_set_nodes(struct ctl_reach_sched *s, const uint8_t (*keys)[32], size_t n)
{
	struct ctl_reach_node *next, *old;
	size_t m = 0;

	if (n > CTL_REACH_NODES_MAX)
		return -EINVAL;
	next = calloc(n > 0 ? n : 1, sizeof(*next));
	if (next == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		memcpy(next[i].key, keys[i], 32);
	qsort(next, n, sizeof(*next), cmp_node);
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && memcmp(next[m - 1].key, next[i].key, 32) == 0)
			continue; /* listed twice: one record */
		old = find(s, next[i].key);
		next[m++] = old != NULL ? *old : next[i];
	}
	free(s->nodes);
	s->nodes = next;
	s->n = m;
	return 0;
}

/* Every known node into the random queue, shuffled (Fisher-Yates). */
static void
refill(struct ctl_reach_sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		memcpy(s->queue[i], s->nodes[i].key, 32);
	s->queued = s->n;
	for (size_t i = s->n; i > 1; i--) {
		size_t j = (size_t)(next_u64(s) % i);
		uint8_t t[32];

		memcpy(t, s->queue[i - 1], 32);
		memcpy(s->queue[i - 1], s->queue[j], 32);
		memcpy(s->queue[j], t, 32);
	}
}

/* The next random node from the queue (refilled once when it runs dry), or NULL. */
static struct ctl_reach_node *
next_random(struct ctl_reach_sched *s)
{
	for (int pass = 0; pass < 2; pass++) {
		while (s->queued > 0) {
			struct ctl_reach_node *node = find(s, s->queue[--s->queued]);

			if (node != NULL && !node->failing && !node->busy)
				return node;
		}
		if (pass == 0)
			refill(s);
	}
	return NULL;
}

/* The queued failing node with the earliest retest time at or before now. */
static struct ctl_reach_node *
earliest_due(struct ctl_reach_sched *s, uint64_t now_ms)
{
	struct ctl_reach_node *best = NULL;

	for (size_t i = 0; i < s->n; i++) {
		struct ctl_reach_node *node = &s->nodes[i];

		if (node->queued && !node->busy && node->retest_ms <= now_ms &&
		    (best == NULL || node->retest_ms < best->retest_ms))
			best = node;
	}
	return best;
}

static void
take(struct ctl_reach_node *node, unsigned previous_failures, struct ctl_reach_due *out)
{
	node->busy = true;
	memcpy(out->key, node->key, 32);
	out->previous_failures = previous_failures;
}

size_t
ctl_reach_sched_due(struct ctl_reach_sched *s, uint64_t now_ms, struct ctl_reach_due *out,
		    size_t cap)
{
	struct ctl_reach_node *node;
	size_t k = 0;

	while (k < cap && k < s->conf.retests_per_tick &&
	       (node = earliest_due(s, now_ms)) != NULL) {
		node->queued = false; /* still failing until its report */
		take(node, node->failures, &out[k++]);
	}
	if (k >= cap || (s->random_set && s->next_random_ms > now_ms))
		return k;
	s->random_set = true;
	s->next_random_ms = now_ms + ctl_reach_sched_normal_ms(s, s->conf.interval_mean_ms,
							       s->conf.interval_sd_ms);
	if ((node = next_random(s)) != NULL)
		take(node, 0, &out[k++]);
	return k;
}

bool
ctl_reach_sched_report(struct ctl_reach_sched *s, const uint8_t key[32], bool passed,
		       unsigned previous_failures, uint64_t now_ms)
{
	struct ctl_reach_node *node = find(s, key);
	uint64_t wait;

	if (node == NULL)
		return false;
	node->busy = false;
	if (passed) {
		node->has_pass = true;
		node->last_pass_ms = now_ms;
		node->failing = node->queued = false;
		node->failures = 0;
		return true;
	}
	if (!node->failing) /* the first failure since a pass: "unreachable for" starts */
		node->first_fail_ms = now_ms;
	node->has_fail = true;
	node->last_fail_ms = now_ms;
	wait = (uint64_t)previous_failures * s->conf.backoff_ms +
	       ctl_reach_sched_normal_ms(s, s->conf.interval_mean_ms, s->conf.interval_sd_ms);
	if (wait > s->conf.backoff_max_ms)
		wait = s->conf.backoff_max_ms;
	node->failing = node->queued = true;
	node->retest_ms = now_ms + wait;
	node->failures = previous_failures + 1;
	return true;
}

enum ctl_reach_verdict
ctl_reach_sched_verdict(const struct ctl_reach_sched *s, const uint8_t key[32], uint64_t now_ms,
			uint64_t *unreachable_for_ms)
{
	const struct ctl_reach_node *node = find(s, key);

	if (unreachable_for_ms != NULL)
		*unreachable_for_ms = 0;
	if (node == NULL || (!node->has_pass && !node->has_fail))
		return CTL_REACH_UNTESTED;
	if (!node->has_fail || (node->has_pass && node->last_pass_ms >= node->last_fail_ms))
		return CTL_REACH_PASSING;
	if (now_ms - node->last_fail_ms >= s->conf.failure_validity_ms)
		return CTL_REACH_STALE;
	if (unreachable_for_ms != NULL)
		*unreachable_for_ms = now_ms - node->first_fail_ms;
	return CTL_REACH_FAILING;
}
