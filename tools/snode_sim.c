/* SPDX-License-Identifier: MIT */
/*
 * snode-sim: a whole network's swarms block by block. N nodes register in a
 * first block, then every block some nodes join, leave, are decommissioned or
 * recommissioned (seeded, rates from the command line) and libswarm's
 * calc_swarm_changes runs over the active nodes. After every block it checks
 * what must hold on the real network and prints what moved and how long it
 * took; the exit status is 1 on the first broken invariant, 2 on a bad command
 * line. --dump writes every block's input and output for
 * tests/tools/swarm_reference.py. docs/swarms.md shows a run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mt19937_64.h"
#include "swarm_assign.h"
#include "swarm_space.h"

enum {
	SIM_EXIT_OK = 0,
	SIM_EXIT_INVARIANT = 1, /* a check failed (or the library returned an error) */
	SIM_EXIT_USAGE = 2,
	SIM_MAX_NODES = SWARM_ASSIGN_MAX_NODES / 2, /* nodes at genesis; joins need headroom */
	SIM_MAX_BLOCKS = 1000000,
	SIM_MAX_SAMPLES = 1000000, /* account points per block */
};

enum sim_state {
	SIM_ACTIVE,
	SIM_DECOMMISSIONED,
	SIM_GONE,
};

struct sim_node {
	uint8_t ed25519[32];
	uint64_t swarm_id;
	enum sim_state state;
};

struct sim_opts {
	size_t nodes, blocks, samples;
	uint64_t seed;
	double join, leave, decomm, recomm;
	const char *dump;
	int quiet;
	long corrupt_block; /* -1: never; else break one node's swarm after this block */
};

struct sim {
	struct sim_opts o;
	struct swarm_mt19937_64 rng; /* the network: keys, churn, block hashes */
	struct swarm_mt19937_64
		rng_acc;      /* account samples, so --samples leaves the network alone */
	struct sim_node *all; /* every node ever, sorted by pubkey */
	size_t n_all, cap_all;
	struct swarm_node *in; /* the active nodes of this block */
	uint64_t *before;      /* their swarm ids before the block */
	uint64_t *ids;	       /* scratch: sorted swarm ids */
	FILE *dump;
	/* this block's churn */
	size_t joined, left, decommissioned, recommissioned;
	/* totals */
	size_t moved_total, moved_max, created_total, dissolved_total, errors;
	double ms_total, ms_max, ms_genesis; /* total and max: blocks after genesis */
};

/* What the checks learn about the swarms after a block. */
struct sim_view {
	size_t swarms, min_size, max_size;
	size_t moved, bound;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: snode-sim [--nodes N] [--blocks B] [--seed S] [--join-rate R] "
		"[--leave-rate R]\n"
		"                 [--decomm-rate R] [--recomm-rate R] [--samples K] "
		"[--dump FILE] [--quiet]\n"
		"  --nodes N        nodes registering in the first block (default 10000)\n"
		"  --blocks B       blocks after that (default 100)\n"
		"  --seed S         simulation seed: pubkeys, churn, block hashes (default 1)\n"
		"  --join-rate R    per block, new nodes = Binomial(active, R) (default 0.002)\n"
		"  --leave-rate R   per block, each active node leaves for good (default 0.002)\n"
		"  --decomm-rate R  per block, each active node is decommissioned (default 0.002)\n"
		"  --recomm-rate R  per block, each decommissioned node returns (default 0.2)\n"
		"  --samples K      account points checked per block (default 1000)\n"
		"  --dump FILE      write every block's nodes, seed and result (for\n"
		"                   tests/tools/swarm_reference.py)\n"
		"  --quiet          only the summary\n");
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("snode-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (snode-sim --help)\n", stderr);
	return SIM_EXIT_USAGE;
}

static int
parse_size(const char *s, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int
parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}

static int
set_size(const char *name, const char *arg, size_t max, size_t *out)
{
	if (parse_size(arg, max, out) != 0)
		return bad_usage("bad %s '%s' (0..%zu)", name, arg, max);
	return 0;
}

static int
set_rate(const char *name, const char *arg, double *out)
{
	if (parse_rate(arg, out) != 0)
		return bad_usage("bad %s '%s' (a probability, 0..1)", name, arg);
	return 0;
}

static int
parse_opt(struct sim_opts *o, int c, const char *arg)
{
	size_t v = 0;
	int rc;

	switch (c) {
	case 'n':
		return set_size("--nodes", arg, SIM_MAX_NODES, &o->nodes);
	case 'b':
		return set_size("--blocks", arg, SIM_MAX_BLOCKS, &o->blocks);
	case 'k':
		return set_size("--samples", arg, SIM_MAX_SAMPLES, &o->samples);
	case 's':
		rc = set_size("--seed", arg, SIZE_MAX, &v);
		o->seed = v;
		return rc;
	case 'C':
		rc = set_size("--corrupt-block", arg, SIM_MAX_BLOCKS, &v);
		o->corrupt_block = (long)v;
		return rc;
	case 'j':
		return set_rate("--join-rate", arg, &o->join);
	case 'l':
		return set_rate("--leave-rate", arg, &o->leave);
	case 'd':
		return set_rate("--decomm-rate", arg, &o->decomm);
	case 'r':
		return set_rate("--recomm-rate", arg, &o->recomm);
	default:
		return SIM_EXIT_USAGE;
	}
}

/* Returns -1 to run, else the exit status. */
static int
parse_args(int argc, char **argv, struct sim_opts *o)
{
	static const struct option longopts[] = {
		{"nodes", required_argument, NULL, 'n'},
		{"blocks", required_argument, NULL, 'b'},
		{"seed", required_argument, NULL, 's'},
		{"join-rate", required_argument, NULL, 'j'},
		{"leave-rate", required_argument, NULL, 'l'},
		{"decomm-rate", required_argument, NULL, 'd'},
		{"recomm-rate", required_argument, NULL, 'r'},
		{"samples", required_argument, NULL, 'k'},
		{"dump", required_argument, NULL, 'D'},
		{"quiet", no_argument, NULL, 'q'},
		/* test hook: proves the checks catch a broken assignment */
		{"corrupt-block", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct sim_opts){10000, 100, 1000, 1, 0.002, 0.002, 0.002, 0.2, NULL, 0, -1};
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int rc;

		if (c == 'h') {
			usage(stdout);
			return SIM_EXIT_OK;
		}
		if (c == '?')
			return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		if (c == 'D') {
			o->dump = optarg;
			continue;
		}
		if (c == 'q') {
			o->quiet = 1;
			continue;
		}
		rc = parse_opt(o, c, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	return -1;
}

static int
chance(struct sim *s, double p)
{
	return (double)(swarm_mt19937_64_next(&s->rng) >> 11) * 0x1.0p-53 < p;
}

static int
cmp_node(const void *a, const void *b)
{
	return memcmp(((const struct sim_node *)a)->ed25519, ((const struct sim_node *)b)->ed25519,
		      32);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void
random_bytes(struct swarm_mt19937_64 *rng, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = swarm_mt19937_64_next(rng);

		for (size_t k = 0; k < 8 && i + k < len; k++)
			out[i + k] = (uint8_t)(v >> (8 * k));
	}
}

/* Room for cap nodes in every per-node array (ids[] twice: check_moves uses both halves). */
static int
grow(struct sim *s, size_t cap)
{
	struct sim_node *all = realloc(s->all, cap * sizeof(*all));
	struct swarm_node *in;
	uint64_t *before, *ids;

	if (all == NULL)
		return -1;
	s->all = all;
	in = realloc(s->in, cap * sizeof(*in));
	if (in == NULL)
		return -1;
	s->in = in;
	before = realloc(s->before, cap * sizeof(*before));
	if (before == NULL)
		return -1;
	s->before = before;
	ids = realloc(s->ids, 2 * cap * sizeof(*ids));
	if (ids == NULL)
		return -1;
	s->ids = ids;
	s->cap_all = cap;
	return 0;
}

static int
join(struct sim *s, size_t count)
{
	if (s->n_all + count > SWARM_ASSIGN_MAX_NODES) {
		fprintf(stderr, "snode-sim: more than %d nodes ever registered\n",
			SWARM_ASSIGN_MAX_NODES);
		return -1;
	}
	if (s->n_all + count > s->cap_all && grow(s, 2 * (s->n_all + count)) != 0) {
		fprintf(stderr, "snode-sim: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct sim_node *nd = &s->all[s->n_all++];

		random_bytes(&s->rng, nd->ed25519, sizeof(nd->ed25519));
		nd->swarm_id = SWARM_ID_UNASSIGNED;
		nd->state = SIM_ACTIVE;
	}
	/* Random keys never repeat in practice; the library would reject a duplicate. */
	qsort(s->all, s->n_all, sizeof(*s->all), cmp_node);
	s->joined = count;
	return 0;
}

/* Leaves, decommissions and recommissions, then joins; decommissioning drops the swarm. */
static int
churn(struct sim *s)
{
	size_t active = 0, joins = 0;

	s->left = s->decommissioned = s->recommissioned = 0;
	for (size_t i = 0; i < s->n_all; i++) {
		struct sim_node *nd = &s->all[i];

		if (nd->state == SIM_ACTIVE && chance(s, s->o.leave)) {
			nd->state = SIM_GONE;
			s->left++;
		} else if (nd->state == SIM_ACTIVE && chance(s, s->o.decomm)) {
			nd->state = SIM_DECOMMISSIONED;
			nd->swarm_id = SWARM_ID_UNASSIGNED;
			s->decommissioned++;
		} else if (nd->state == SIM_DECOMMISSIONED && chance(s, s->o.recomm)) {
			nd->state = SIM_ACTIVE;
			s->recommissioned++;
		}
		active += nd->state == SIM_ACTIVE;
	}
	for (size_t i = 0; i < active; i++)
		joins += chance(s, s->o.join);
	return join(s, joins);
}

static size_t
gather(struct sim *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_all; i++) {
		if (s->all[i].state != SIM_ACTIVE)
			continue;
		memcpy(s->in[n].ed25519, s->all[i].ed25519, 32);
		s->in[n].swarm_id = s->all[i].swarm_id;
		s->before[n] = s->all[i].swarm_id;
		n++;
	}
	return n;
}

static void
scatter(struct sim *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_all; i++) {
		if (s->all[i].state == SIM_ACTIVE)
			s->all[i].swarm_id = s->in[n++].swarm_id;
	}
}

static void
dump_block(struct sim *s, size_t block, uint64_t seed, size_t n, int failed)
{
	if (s->dump == NULL)
		return;
	fprintf(s->dump, "block %zu seed %" PRIu64 " nodes %zu\n", block, seed, n);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 32; k++)
			fprintf(s->dump, "%02x", s->in[i].ed25519[k]);
		if (failed)
			fprintf(s->dump, " %" PRIu64 " error\n", s->before[i]);
		else
			fprintf(s->dump, " %" PRIu64 " %" PRIu64 "\n", s->before[i],
				s->in[i].swarm_id);
	}
}

static int violated(size_t block, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
violated(size_t block, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "snode-sim: block %zu: invariant violated: ", block);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Sorted distinct ids of ids[0..n) into out; returns the count. */
static size_t
distinct(const uint64_t *ids, size_t n, uint64_t *out)
{
	size_t k = 0;

	if (out != ids)
		memcpy(out, ids, n * sizeof(*out));
	qsort(out, n, sizeof(*out), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || out[i] != out[k - 1])
			out[k++] = out[i];
	}
	return k;
}

static int
contains(const uint64_t *ids, size_t n, uint64_t id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_u64) != NULL;
}

/* Members per swarm after the block: every node placed, no swarm below 5. */
static int
check_sizes(struct sim *s, size_t block, size_t n, struct sim_view *v)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		if (s->in[i].swarm_id == SWARM_ID_UNASSIGNED)
			return violated(block, "node %zu left without a swarm", i);
		s->ids[i] = s->in[i].swarm_id;
	}
	qsort(s->ids, n, sizeof(*s->ids), cmp_u64);
	v->swarms = 0;
	v->min_size = SIZE_MAX;
	v->max_size = 0;
	for (size_t i = 0; i < n; i++) {
		run++;
		if (i + 1 < n && s->ids[i + 1] == s->ids[i])
			continue;
		if (n >= SWARM_RULES_MIN_SIZE && run < SWARM_RULES_MIN_SIZE)
			return violated(block, "swarm %" PRIu64 " has %zu members", s->ids[i], run);
		v->min_size = run < v->min_size ? run : v->min_size;
		v->max_size = run > v->max_size ? run : v->max_size;
		s->ids[v->swarms++] = s->ids[i];
		run = 0;
	}
	if (snc_swarm_space_check_ids(s->ids, v->swarms) != 0)
		return violated(block, "swarm ids not usable for lookups");
	return 0;
}

/* Random account pubkeys land in an existing swarm whose bounds hold their point. */
static int
check_accounts(struct sim *s, size_t block, const struct sim_view *v)
{
	for (size_t i = 0; i < s->o.samples; i++) {
		uint8_t pk[33] = {0x05};
		uint64_t point, swarm, lo, hi;
		const uint64_t *at;

		random_bytes(&s->rng_acc, pk + 1, 32);
		point = snc_swarm_space_point(pk);
		if (snc_swarm_space_closest(s->ids, v->swarms, point, &swarm) != 0)
			return violated(block, "no swarm for point %" PRIu64, point);
		at = bsearch(&swarm, s->ids, v->swarms, sizeof(*s->ids), cmp_u64);
		if (at == NULL)
			return violated(block, "point %" PRIu64 " maps to unknown swarm", point);
		snc_swarm_space_bounds(s->ids, v->swarms, (size_t)(at - s->ids), &lo, &hi);
		if (v->swarms > 1 && point - lo - 1 > hi - lo - 1)
			return violated(block, "point %" PRIu64 " outside its swarm's range",
					point);
	}
	return 0;
}

/*
 * Nodes that had a swarm and changed it. Each such move comes from a Robin
 * Hood steal (at most the input's total deficit below 5), a new swarm (7
 * nodes each) or a dissolved swarm (at most 4 original members each).
 */
static int
check_moves(struct sim *s, size_t block, size_t n, struct sim_view *v)
{
	uint64_t *old = s->ids + n; /* second half of the scratch */
	size_t n_old, deficit = 0, run = 0, created = 0, dissolved = 0;

	v->moved = 0;
	n_old = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->before[i] != SWARM_ID_UNASSIGNED)
			old[n_old++] = s->before[i];
		if (s->before[i] != SWARM_ID_UNASSIGNED && s->before[i] != s->in[i].swarm_id)
			v->moved++;
	}
	qsort(old, n_old, sizeof(*old), cmp_u64);
	for (size_t i = 0; i < n_old; i++) {
		run++;
		if (i + 1 < n_old && old[i + 1] == old[i])
			continue;
		deficit += run < SWARM_RULES_MIN_SIZE ? SWARM_RULES_MIN_SIZE - run : 0;
		dissolved += !contains(s->ids, v->swarms, old[i]);
		run = 0;
	}
	n_old = distinct(old, n_old, old);
	for (size_t i = 0; i < v->swarms; i++)
		created += !contains(old, n_old, s->ids[i]);
	v->bound =
		deficit + SWARM_RULES_NEW_SIZE * created + (SWARM_RULES_MIN_SIZE - 1) * dissolved;
	if (v->moved > v->bound)
		return violated(block, "%zu nodes moved, more than the bound %zu", v->moved,
				v->bound);
	return 0;
}

static void
corrupt(struct sim *s, size_t n)
{
	/* One node into a swarm of its own: a starving swarm the checks must catch. */
	if (n > 0)
		s->in[n / 2].swarm_id ^= 1;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
report(struct sim *s, size_t block, size_t n, const struct sim_view *v,
       const struct swarm_assign_stats *st, double ms)
{
	if (s->o.quiet)
		return;
	printf("block %zu: active %zu joined %zu left %zu decomm %zu recomm %zu | swarms %zu "
	       "size %zu..%zu | moved %zu (bound %zu) created %zu dissolved %zu stolen %zu | "
	       "%.3f ms\n",
	       block, n, s->joined, s->left, s->decommissioned, s->recommissioned, v->swarms,
	       v->min_size, v->max_size, v->moved, v->bound, st->created, st->dissolved, st->stolen,
	       ms);
}

/* The library refuses only a network too small for one swarm (upstream throws). */
static int
handle_error(struct sim *s, size_t block, size_t n, int rc, const char *err)
{
	if (rc != -EDOM || n >= SWARM_RULES_MIN_SIZE)
		return violated(block, "%s", err);
	s->errors++;
	if (!s->o.quiet)
		printf("block %zu: active %zu: %s\n", block, n, err);
	return 0;
}

static int
check_block(struct sim *s, size_t block, size_t n, const struct swarm_assign_stats *st, double ms)
{
	struct sim_view v = {0};

	if (s->o.corrupt_block == (long)block)
		corrupt(s, n);
	if (n == 0)
		return 0;
	if (check_sizes(s, block, n, &v) || check_accounts(s, block, &v) ||
	    check_moves(s, block, n, &v))
		return -1;
	if (v.moved != st->moved)
		return violated(block, "library counts %zu moves, %zu seen", st->moved, v.moved);
	report(s, block, n, &v, st, ms);
	s->moved_total += v.moved;
	s->moved_max = v.moved > s->moved_max ? v.moved : s->moved_max;
	return 0;
}

static int
step(struct sim *s, size_t block)
{
	struct swarm_assign_stats st = {0};
	uint8_t hash[32];
	uint64_t seed;
	char err[256] = "";
	size_t n = gather(s);
	double t0, ms;
	int rc;

	random_bytes(&s->rng, hash, sizeof(hash));
	seed = swarm_assign_seed(hash);
	t0 = now_ms();
	rc = swarm_assign_calc(s->in, n, seed, &st, err, sizeof(err));
	ms = now_ms() - t0;
	dump_block(s, block, seed, n, rc != 0);
	if (rc != 0)
		return handle_error(s, block, n, rc, err);
	if (check_block(s, block, n, &st, ms) != 0)
		return -1;
	scatter(s);
	s->created_total += st.created;
	s->dissolved_total += st.dissolved;
	if (block == 0) {
		s->ms_genesis = ms;
	} else {
		s->ms_total += ms;
		s->ms_max = ms > s->ms_max ? ms : s->ms_max;
	}
	return 0;
}

static void
summary(const struct sim *s)
{
	size_t active = 0, swarms;

	for (size_t i = 0; i < s->n_all; i++) {
		if (s->all[i].state == SIM_ACTIVE)
			s->ids[active++] = s->all[i].swarm_id;
	}
	swarms = distinct(s->ids, active, s->ids);
	printf("summary: seed %" PRIu64 ", %zu nodes then %zu blocks: %zu active in %zu swarms; "
	       "moved %zu (max %zu per block); created %zu, dissolved %zu; refused blocks %zu; "
	       "time genesis %.3f ms, then per block mean %.3f ms, max %.3f ms; invariants ok\n",
	       s->o.seed, s->o.nodes, s->o.blocks, active, swarms, s->moved_total, s->moved_max,
	       s->created_total, s->dissolved_total, s->errors, s->ms_genesis,
	       s->o.blocks ? s->ms_total / (double)s->o.blocks : 0.0, s->ms_max);
}

static int
run(struct sim *s)
{
	swarm_mt19937_64_seed(&s->rng, s->o.seed);
	swarm_mt19937_64_seed(&s->rng_acc, ~s->o.seed);
	if (grow(s, s->o.nodes + 16) != 0) {
		fprintf(stderr, "snode-sim: out of memory\n");
		return SIM_EXIT_INVARIANT;
	}
	if (join(s, s->o.nodes) != 0 || step(s, 0) != 0)
		return SIM_EXIT_INVARIANT;
	for (size_t b = 1; b <= s->o.blocks; b++) {
		if (churn(s) != 0 || step(s, b) != 0)
			return SIM_EXIT_INVARIANT;
	}
	summary(s);
	return SIM_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct sim s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = parse_args(argc, argv, &s.o);
	if (rc >= 0)
		return rc;
	if (s.o.dump != NULL) {
		s.dump = fopen(s.o.dump, "w");
		if (s.dump == NULL) {
			fprintf(stderr, "snode-sim: cannot write --dump %s: %s\n", s.o.dump,
				strerror(errno));
			return SIM_EXIT_INVARIANT;
		}
	}
	rc = run(&s);
	if (s.dump != NULL && fclose(s.dump) != 0) {
		fprintf(stderr, "snode-sim: writing --dump %s failed\n", s.o.dump);
		rc = SIM_EXIT_INVARIANT;
	}
	free(s.all);
	free(s.in);
	free(s.before);
	free(s.ids);
	return rc;
}
