/* SPDX-License-Identifier: MIT */
/*
 * snode-tool chain run: a block producer for testnets (docs/registry.md).
 * Every --block-interval seconds it appends the next block to the registry
 * log: the node events of the pending queue that the parser accepts for that
 * height (control/registry_chain.h), then `block H hash`. It stops after
 * --count blocks, or on SIGINT/SIGTERM (between blocks), and prints one JSON
 * object; one stderr line per block and per dropped pending line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry_append.h"
#include "registry_chain.h"
#include "registry_source.h"
#include "tool.h"
#include "tool_registry.h"

enum {
	APPEND_TRIES = 5,	/* another writer was first this often: next interval */
	INTERVAL_MAX_S = 3600,	/* --block-interval 1..3600 */
	COUNT_MAX = 1000000000, /* --count 0 (until a signal) .. 10^9 */
};

static const char cmd[] = "chain";
static volatile sig_atomic_t stop;

struct totals {
	uint64_t blocks, height, accepted, dropped, deferred, failed;
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "snode-tool chain: %s\n", line);
}

/* Sleeps s seconds unless a signal asks to stop. */
static void
wait_interval(unsigned s)
{
	struct timespec left = {.tv_sec = s, .tv_nsec = 0};

	while (!stop && nanosleep(&left, &left) != 0 && errno == EINTR)
		;
}

/* Lines that could not go into a block go back to the queue (or are printed when even
 * that fails, so that an operator can submit them again). */
static void
give_back(const struct ctl_registry_spec *spec, char *const *lines, size_t n)
{
	char err[600];

	if (n == 0 ||
	    ctl_registry_pending_put(spec, (const char *const *)lines, n, err, sizeof(err)) == 0)
		return;
	fprintf(stderr, "snode-tool chain: cannot put %zu line(s) back in the queue: %s\n", n, err);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "snode-tool chain: lost pending line: %s\n", lines[i]);
}

/* Builds and appends one block; on a conflict reloads and builds again. */
static int
produce(const struct ctl_registry_spec *spec, struct ctl_registry_source *src, char **pending,
	size_t n, struct totals *t)
{
	struct ctl_chain_block b;
	char err[600];
	bool changed;
	int rc = -EAGAIN;

	for (int i = 0; i < APPEND_TRIES && rc == -EAGAIN; i++) {
		if (i > 0 && ctl_registry_source_reload(src, &changed, err, sizeof(err)) != 0)
			fprintf(stderr, "snode-tool chain: registry not reloaded: %s\n", err);
		rc = ctl_chain_build(ctl_registry_source_state(src), pending, n,
				     i == 0 ? log_line : NULL, NULL, &b, err, sizeof(err));
		if (rc != 0)
			break;
		rc = ctl_registry_append(spec, ctl_registry_source_position(src),
					 (const char *const *)b.lines, b.n, err, sizeof(err));
		if (rc != 0) {
			ctl_chain_block_free(&b);
			continue;
		}
		fprintf(stderr,
			"snode-tool chain: block %" PRIu64
			": %zu event(s), %zu dropped, %zu deferred\n",
			b.height, b.accepted, b.dropped, b.n_deferred);
		give_back(spec, b.deferred, b.n_deferred);
		t->blocks++;
		t->height = b.height;
		t->accepted += b.accepted;
		t->dropped += b.dropped;
		t->deferred += b.n_deferred;
		ctl_chain_block_free(&b);
		return 0;
	}
	fprintf(stderr, "snode-tool chain: no block this interval: %s\n", err);
	give_back(spec, pending, n);
	t->failed++;
	return rc;
}

static void
round_once(const struct ctl_registry_spec *spec, struct ctl_registry_source *src, struct totals *t)
{
	char err[600], **pending = NULL;
	size_t n = 0;
	bool changed;

	if (ctl_registry_source_reload(src, &changed, err, sizeof(err)) != 0)
		fprintf(stderr, "snode-tool chain: registry not reloaded: %s\n", err);
	if (ctl_registry_pending_take(spec, CTL_REGISTRY_PENDING_TAKE_MAX, &pending, &n, err,
				      sizeof(err)) != 0) {
		fprintf(stderr, "snode-tool chain: pending queue not read: %s\n", err);
		n = 0;
	}
	produce(spec, src, pending, n, t);
	ctl_registry_lines_free(pending, n);
}

static int
parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && errno == 0 && *out >= lo && *out <= hi
		       ? 0
		       : -1;
}

int
tool_cmd_chain(int argc, char **argv)
{
	static const struct option opts[] = {
		{"registry", required_argument, NULL, 'r'},
		{"block-interval", required_argument, NULL, 'i'},
		{"count", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	struct sigaction sa = {.sa_handler = on_signal};
	const char *srcv = NULL;
	unsigned long interval = 0, count = 0;
	struct ctl_registry_spec spec;
	struct ctl_registry_source src;
	struct totals t = {0};
	char err[600];
	int o;

	if (argc < 2 || strcmp(argv[1], "run") != 0)
		return tool_usage_error(cmd, "usage: snode-tool chain run --registry SRC "
					     "--block-interval S [--count N]");
	while ((o = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (o == 'r')
			srcv = optarg;
		else if (o == 'i' && parse_uint(optarg, 1, INTERVAL_MAX_S, &interval) == 0)
			continue;
		else if (o == 'n' && parse_uint(optarg, 0, COUNT_MAX, &count) == 0)
			continue;
		else
			return tool_usage_error(cmd,
						"bad option: --block-interval 1..%d, --count "
						"0..%d, --registry SRC",
						INTERVAL_MAX_S, COUNT_MAX);
	}
	if (srcv == NULL || interval == 0)
		return tool_usage_error(cmd, "--registry SRC and --block-interval S are required");
	if (ctl_registry_spec_parse(srcv, &spec, err, sizeof(err)) != 0)
		return tool_usage_error(cmd, "%s", err);
	if (ctl_registry_source_load(&src, &spec, err, sizeof(err)) != 0) {
		ctl_registry_source_free(&src);
		return tool_fail(cmd, "%s", err);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a Redis that goes away mid-call is an error, not an exit */
	for (unsigned long i = 0; !stop && (count == 0 || i < count); i++) {
		wait_interval((unsigned)interval);
		if (!stop)
			round_once(&spec, &src, &t);
	}
	ctl_registry_source_free(&src);
	return tool_print_json(json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "blocks",
					 (json_int_t)t.blocks, "height", (json_int_t)t.height,
					 "accepted", (json_int_t)t.accepted, "dropped",
					 (json_int_t)t.dropped, "deferred", (json_int_t)t.deferred,
					 "failed", (json_int_t)t.failed));
}
