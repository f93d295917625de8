/* SPDX-License-Identifier: MIT */
/*
 * When to test which node for reachability, and what the results say: the
 * schedule of the reference storage server (SS snode/reachability_testing.h,
 * facts doc 6.2) and the per-node record oxend keeps from the reports (OC
 * reachable_stats). Pure: no I/O, the clock is an argument and the random
 * numbers come from a seeded generator, so a test replays a run exactly.
 * reach.h runs it on a libevent timer.
 *
 * Schedule, every tick:
 *   - failing nodes whose retest time has come, earliest first, at most
 *     retests_per_tick (4);
 *   - plus one random node when the random timer is due: nodes come from a
 *     shuffled queue of every known node (refilled when empty; failing and
 *     busy nodes are skipped); the next random test is Normal(10 s, 3 s)
 *     later (a negative draw counts as 0).
 * A failed test (re)queues the node: retest after backoff x previous_failures
 * + Normal(10 s, 3 s), capped at backoff_max (2 min); a passed test takes it
 * out of the failing set.
 */
#ifndef CTL_REACH_SCHED_H
#define CTL_REACH_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CTL_REACH_TICK_MS = 200,	    /* SS timer */
	CTL_REACH_RETESTS_PER_TICK = 4,	    /* SS MAX_RETESTS_PER_TICK */
	CTL_REACH_INTERVAL_MEAN_MS = 10000, /* SS TESTING_INTERVAL Normal(10, 3) s */
	CTL_REACH_INTERVAL_SD_MS = 3000,
	CTL_REACH_BACKOFF_MS = 10000,		/* SS TESTING_BACKOFF */
	CTL_REACH_BACKOFF_MAX_MS = 120000,	/* SS TESTING_BACKOFF_MAX */
	CTL_REACH_TIMEOUT_MS = 5000,		/* SS: HTTPS and ping timeout */
	CTL_REACH_FAILURE_VALIDITY_MS = 300000, /* OC REACHABLE_MAX_FAILURE_VALIDITY */
	CTL_REACH_NODES_MAX = 4096,		/* as the registry */
};

struct ctl_reach_conf {
	uint64_t tick_ms;
	unsigned retests_per_tick;
	uint64_t interval_mean_ms, interval_sd_ms;
	uint64_t backoff_ms, backoff_max_ms;
	uint64_t timeout_ms;
	uint64_t failure_validity_ms;
};

/* The reference's values. */
void ctl_reach_sched_conf_defaults(struct ctl_reach_conf *c);

/* One node's record. Times are on the schedule's clock (ms). */
struct ctl_reach_node {
	uint8_t key[32];
	bool has_pass, has_fail;
	uint64_t last_pass_ms, last_fail_ms;
	uint64_t first_fail_ms; /* of the current run of failures ("unreachable for") */
	bool failing;		/* in the failing set: random tests skip it */
	bool queued;		/* in the retest queue, at retest_ms */
	uint64_t retest_ms;
	unsigned failures; /* what the next retest passes as previous_failures */
	bool busy;	   /* a test is in flight */
};

struct ctl_reach_sched {
	struct ctl_reach_conf conf;
	struct ctl_reach_node *nodes; /* ascending by key */
	size_t n;
	uint8_t (*queue)[32]; /* the random queue, taken from the back */
	size_t queued;
	bool random_set; /* next_random_ms is meaningful (false: test at once) */
	uint64_t next_random_ms;
	uint64_t rng[2]; /* xorshift128+ */
	bool spare_ok;	 /* the second Box-Muller value */
	double spare;
};

/* One test to run: the node and how many failures preceded it (0 for a random test). */
struct ctl_reach_due {
	uint8_t key[32];
	unsigned previous_failures;
};

/* conf NULL: the defaults. seed 0 draws a random one. 0 or -ENOMEM. */
int ctl_reach_sched_init(struct ctl_reach_sched *s, const struct ctl_reach_conf *conf,
			 uint64_t seed);
void ctl_reach_sched_free(struct ctl_reach_sched *s);

/* The known nodes (without this node). Nodes still listed keep their record;
 * the others are forgotten. 0, -EINVAL (over CTL_REACH_NODES_MAX), -ENOMEM. */
int ctl_reach_sched_set_nodes(struct ctl_reach_sched *s, const uint8_t (*keys)[32], size_t n);

/* The tests due at now (failing retests first, then at most one random), each
 * marked busy until its report. Returns how many were written to out (cap
 * must be at least retests_per_tick + 1 to never lose the random one). */
size_t ctl_reach_sched_due(struct ctl_reach_sched *s, uint64_t now_ms, struct ctl_reach_due *out,
			   size_t cap);

/* A test's result. Unknown keys (the node left meanwhile) are ignored: false. */
bool ctl_reach_sched_report(struct ctl_reach_sched *s, const uint8_t key[32], bool passed,
			    unsigned previous_failures, uint64_t now_ms);

/* What the reports say of a node at now (oxend's reachable_stats::reachable). */
enum ctl_reach_verdict {
	CTL_REACH_UNTESTED = 0, /* unknown or never tested: counts as passing */
	CTL_REACH_PASSING,	/* the last result was a pass */
	CTL_REACH_FAILING,	/* the last result was a fail less than failure_validity ago */
	CTL_REACH_STALE,	/* the last result was a fail, older than that: counts as passing */
};

/* *unreachable_for_ms (may be NULL): now - first failure of the run when FAILING, else 0. */
enum ctl_reach_verdict ctl_reach_sched_verdict(const struct ctl_reach_sched *s,
					       const uint8_t key[32], uint64_t now_ms,
					       uint64_t *unreachable_for_ms);

const struct ctl_reach_node *ctl_reach_sched_find(const struct ctl_reach_sched *s,
						  const uint8_t key[32]);

/* The generator's next Normal(mean, sd) draw in ms, never negative (tests check the spread). */
uint64_t ctl_reach_sched_normal_ms(struct ctl_reach_sched *s, uint64_t mean_ms, uint64_t sd_ms);

#endif
