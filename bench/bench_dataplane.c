/* SPDX-License-Identifier: MIT */
/*
 * snode-bench-dataplane: cells per second through worker lcores' real burst
 * path (dataplane/loop.c: framing, cell parse, gates, batched X25519 + masks +
 * KDF + AEAD, routing, re-padding, tx to net_null), each row against a ceiling
 * measured in the same run:
 *   - CREATE relay vs the crypto ceiling: snc_onion_layer_peel_batch alone on
 *     the same layers;
 *   - DATA relay vs the AEAD ceiling: snc_cell_data_open alone on the same
 *     payloads (one XChaCha20-Poly1305 per cell);
 *   - with --workers 2, CREATE on two worker lcores at once vs one.
 * CREATE rows are one-cell requests (no MORE: no kf derived); one row with MORE set.
 * Rows are medians of rounds in which ceiling and path alternate; rates are
 * per CPU second of the bench thread (--clock wall: elapsed time), so that a
 * shared core's other tenants do not count as cost. Not a test. Run pinned:
 *   taskset -c 1 build/bench/snode-bench-dataplane [--cells N]
 *   build/bench/snode-bench-dataplane --workers 2   (EAL lcores 0 and 1)
 */
#include <dirent.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_mbuf.h>

#include "cell_mask.h"
#include "dp_bench.h"
#include "loop.h"
#include "mempool.h"
#include "port.h"
#include "snc.h"

struct bench {
	struct dpb_path path;
	struct rte_mempool *pool;
	size_t ncells;
	unsigned workers;
	unsigned profile;      /* --profile passes (CREATE); 0: the normal rows */
	unsigned profile_data; /* --profile-data passes (DATA); 0: the normal rows */
};

static const char *
type_name(enum snc_enc_type t)
{
	return t == SNC_ENC_AES_GCM ? "aes-gcm" : "xchacha20";
}

static void
row(const char *what, enum snc_enc_type t, double rate, double ratio)
{
	char name[64];

	snprintf(name, sizeof(name), "%s, %s", what, type_name(t));
	printf("%-46s %12.0f %9.2fx\n", name, rate, ratio);
}

/* The crypto ceiling: the same layers peeled by libsnc's batch, nothing else. */
static double
create_ceiling(struct bench *b, const struct dpb_cells *c, enum snc_enc_type type)
{
	static uint8_t out[DP_BURST][DP_CELL_SMALL];
	struct snc_layer_job jobs[DP_BURST];
	int status[DP_BURST];
	double t0 = dpb_now_s();

	for (size_t done = 0; done < c->n;) {
		size_t n = c->n - done < DP_BURST ? c->n - done : DP_BURST;
		for (size_t i = 0; i < n; i++) {
			const uint8_t *cell = c->cell[done + i];
			/* The blob length is masked on the wire; the ceiling takes it as known. */
			jobs[i] = (struct snc_layer_job){.type = type,
							 .eph_pk = cell + 16,
							 .in = cell + DP_CELL_CREATE_HDR,
							 .in_len = c->blob_len[done + i],
							 .out = out[i],
							 .out_cap = DP_CELL_SMALL};
			status[i] = 0;
		}
		snc_onion_layer_peel_batch(&b->path.keys[0], n, jobs, status);
		done += n;
	}
	return (double)c->n / (dpb_now_s() - t0);
}

/* The AEAD ceiling: each DATA payload opened with its circuit's kf, nothing else. */
static double
data_ceiling(struct dp_worker *w, const struct dpb_cells *d, uint32_t seq)
{
	static uint8_t out[DP_CELL_SMALL];
	const struct dp_addr from = {.ip = 0x0a000064, .port = 40000};
	const uint32_t len = DP_CELL_SMALL - DP_CELL_DATA_HDR;
	const uint8_t *kf[4096];
	size_t n = d->n < 4096 ? d->n : 4096;
	double t0;

	for (size_t i = 0; i < n; i++)
		kf[i] = dp_circuit_find_in(&w->circuits, d->label[i], &from, dp_loop_now_ns())->kf;
	t0 = dpb_now_s();
	for (size_t i = 0; i < n; i++)
		if (snc_cell_data_open(kf[i], seq, d->cell[i] + DP_CELL_DATA_HDR, len, out) != 0)
			abort();
	return (double)n / (dpb_now_s() - t0);
}

static void
check(uint64_t got, size_t want, const char *what)
{
	if (got != want) {
		fprintf(stderr, "bench: only %llu of %zu cells %s\n", (unsigned long long)got, want,
			what);
		exit(1);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return v[n / 2];
}

/* DATA on the circuits the CREATEs opened: DATA_ROUNDS rounds (one seq each),
 * ceiling and relay alternating so that noise hits both; medians reported. */
static void
data_rows(struct dp_worker *w, struct rte_mempool *pool, const struct dpb_cells *c)
{
	enum {
		DATA_ROUNDS = 9
	};
	double ceiling[DATA_ROUNDS], relay[DATA_ROUNDS];
	struct dpb_cells d;

	for (uint32_t seq = 0; seq < DATA_ROUNDS; seq++) {
		check(dpb_cells_data(&d, w, c, seq), c->n, "with a circuit (DATA)");
		ceiling[seq] = data_ceiling(w, &d, seq);
		uint64_t before = w->stats.data_relayed;
		relay[seq] = (double)d.n / dpb_feed(w, 0, pool, &d);
		check(w->stats.data_relayed - before, d.n, "relayed (DATA)");
		dpb_cells_free(&d);
	}
	double cm = median(ceiling, DATA_ROUNDS), rm = median(relay, DATA_ROUNDS);
	printf("%-46s %12.0f %9.2fx %8.2f Gbit/s\n", "AEAD ceiling: XChaCha20-Poly1305 open", cm,
	       1.0, cm * DP_CELL_SMALL * 8 / 1e9);
	printf("%-46s %12.0f %9.2fx %8.2f Gbit/s\n", "dataplane DATA relay (small cells)", rm,
	       rm / cm, rm * DP_CELL_SMALL * 8 / 1e9);
}

/* CREATEs with MORE (their hops derive kf as well: one round, a fresh worker), then DATA
 * on their circuits. */
static void
more_and_data_rows(struct bench *b, struct dp_worker *w, enum snc_enc_type type, double ceiling)
{
	struct dpb_cells m;
	double rate;

	if (dpb_cells_create(&m, &b->path, type, b->ncells, true) != 0)
		abort();
	dp_worker_free(w);
	dpb_worker_init(w, 0, &b->path);
	rate = (double)m.n / dpb_feed(w, 0, b->pool, &m);
	check(w->stats.create_relayed, m.n, "relayed (CREATE, MORE)");
	row("CREATE relay, MORE set (1 round)", type, rate, rate / ceiling);
	data_rows(w, b->pool, &m);
	dpb_cells_free(&m);
}

/* CREATE_ROUNDS rounds of ceiling then relay (a fresh worker each, untimed),
 * medians reported; then DATA on the last round's circuits. */
static void
one_worker_rows(struct bench *b, enum snc_enc_type type)
{
	enum {
		CREATE_ROUNDS = 5
	};
	static struct dp_worker w;
	double ceiling[CREATE_ROUNDS], relay[CREATE_ROUNDS];
	struct dpb_cells c;

	if (dpb_cells_create(&c, &b->path, type, b->ncells, false) != 0)
		abort();
	for (int r = 0; r < CREATE_ROUNDS; r++) {
		if (r > 0)
			dp_worker_free(&w);
		dpb_worker_init(&w, 0, &b->path);
		ceiling[r] = create_ceiling(b, &c, type);
		relay[r] = (double)c.n / dpb_feed(&w, 0, b->pool, &c);
		check(w.stats.create_relayed, c.n, "relayed (CREATE)");
	}
	double cm = median(ceiling, CREATE_ROUNDS), rm = median(relay, CREATE_ROUNDS);
	row("crypto ceiling: peel batch", type, cm, 1.0);
	row("dataplane CREATE relay", type, rm, rm / cm);
	if (type == SNC_ENC_XCHACHA20)
		more_and_data_rows(b, &w, type, cm);
	else
		printf("(worker tables: %ld MiB of this process on transparent huge pages)\n",
		       dpb_anon_huge_kib() / 1024);
	dpb_cells_free(&c);
	dp_worker_free(&w);
}

struct lane {
	struct dp_worker w;
	const struct dpb_cells *c;
	struct rte_mempool *pool;
	uint16_t txq;
	double seconds;
};

static atomic_int go;

static int
lane_run(void *arg)
{
	struct lane *l = arg;

	while (!atomic_load(&go))
		;
	l->seconds = dpb_feed(&l->w, l->txq, l->pool, l->c);
	return 0;
}

/* The same CREATEs through 1 worker, then through 2 at once (each its own circuits). */
static void
scaling_rows(struct bench *b)
{
	static struct lane lanes[2];
	struct dpb_cells c;
	double one, two;

	if (dpb_cells_create(&c, &b->path, SNC_ENC_AES_GCM, b->ncells, false) != 0)
		abort();
	dpb_cpu_clock = false; /* two lanes at once: elapsed time is the figure */
	for (unsigned i = 0; i < 2; i++) {
		dpb_worker_init(&lanes[i].w, i, &b->path);
		lanes[i].c = &c;
		lanes[i].pool = b->pool;
		lanes[i].txq = (uint16_t)i;
	}
	one = (double)c.n / dpb_feed(&lanes[0].w, 0, b->pool, &c);
	dp_worker_free(&lanes[0].w); /* again from empty: its circuits and replay filter */
	dpb_worker_init(&lanes[0].w, 0, &b->path);
	atomic_store(&go, 0);
	rte_eal_remote_launch(lane_run, &lanes[1], rte_get_next_lcore(-1, 1, 0));
	atomic_store(&go, 1);
	lane_run(&lanes[0]);
	rte_eal_mp_wait_lcore();
	for (unsigned i = 0; i < 2; i++)
		check(lanes[i].w.stats.create_relayed, c.n, "relayed (2 workers)");
	two = 2.0 * (double)c.n /
	      (lanes[0].seconds > lanes[1].seconds ? lanes[0].seconds : lanes[1].seconds);
	printf("%-46s %12.0f %9.2fx\n", "CREATE relay, 1 worker lcore, aes-gcm", one, 1.0);
	printf("%-46s %12.0f %9.2fx  (ideal 2.00x)\n", "CREATE relay, 2 worker lcores, aes-gcm",
	       two, two / one);
	for (unsigned i = 0; i < 2; i++)
		dp_worker_free(&lanes[i].w);
	dpb_cells_free(&c);
}

/* --profile: the CREATE relay alone, pass after pass over the same cells (a fresh worker
 * per pass, untimed: the cells' circuits exist after a pass), for `perf record` with a
 * call graph: look under dpb_feed. */
static void
profile_relay(struct bench *b, unsigned passes)
{
	static struct dp_worker w;
	struct dpb_cells c;
	double t = 0;
	uint64_t relayed = 0;

	if (dpb_cells_create(&c, &b->path, SNC_ENC_XCHACHA20, b->ncells, false) != 0)
		abort();
	for (unsigned i = 0; i < passes; i++) {
		dpb_worker_init(&w, 0, &b->path);
		t += dpb_feed(&w, 0, b->pool, &c);
		relayed += w.stats.create_relayed;
		dp_worker_free(&w);
	}
	check(relayed, c.n * passes, "relayed (CREATE, profile)");
	row("dataplane CREATE relay (profile passes)", SNC_ENC_XCHACHA20,
	    (double)(c.n * passes) / t, 0);
	dpb_cells_free(&c);
}

/* --profile-data: the DATA relay alone, pass after pass on the circuits of one CREATE
 * pass (a new seq per pass), for `perf record`: look under dpb_feed. */
static void
profile_data(struct bench *b, unsigned passes)
{
	static struct dp_worker w;
	struct dpb_cells c, d;
	double t = 0;

	if (dpb_cells_create(&c, &b->path, SNC_ENC_XCHACHA20, b->ncells, true) != 0)
		abort();
	dpb_worker_init(&w, 0, &b->path);
	dpb_feed(&w, 0, b->pool, &c);
	check(w.stats.create_relayed, c.n, "relayed (CREATE, profile)");
	for (uint32_t seq = 0; seq < passes; seq++) {
		check(dpb_cells_data(&d, &w, &c, seq), c.n, "with a circuit (DATA, profile)");
		t += dpb_feed(&w, 0, b->pool, &d);
		dpb_cells_free(&d);
	}
	check(w.stats.data_relayed, c.n * passes, "relayed (DATA, profile)");
	printf("%-46s %12.0f\n", "dataplane DATA relay (profile passes)",
	       (double)(c.n * passes) / t);
	dp_worker_free(&w);
	dpb_cells_free(&c);
}

static int
start_eal(unsigned workers)
{
	static char prefix[64];
	char *argv[16];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=snode-bench-%d", (int)getpid());
	argv[argc++] = "snode-bench-dataplane";
	argv[argc++] = "-l";
	argv[argc++] = workers == 2 ? "0-1" : "0";
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "512";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "--log-level=lib.eal:error";
	argv[argc++] = prefix;
	argv[argc++] = "--vdev";
	argv[argc++] = "net_null0";
	argv[argc] = NULL;
	return rte_eal_init(argc, argv) < 0 ? -1 : 0;
}

/* EAL leaves its runtime directory (…/dpdk/snode-bench-PID: config, sockets) behind after
 * rte_eal_cleanup: this run's own is removed, nothing else. */
static void
remove_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL || strstr(dir, "/snode-bench-") == NULL) {
		if (d != NULL)
			closedir(d);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
	if (rmdir(dir) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

static int
parse_args(struct bench *b, int argc, char **argv)
{
	b->ncells = 2048;
	b->workers = 1;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return -1;
		if (strcmp(argv[i], "--cells") == 0)
			b->ncells = (size_t)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--clock") == 0 && strcmp(argv[i + 1], "wall") == 0)
			dpb_cpu_clock = false;
		else if (strcmp(argv[i], "--clock") == 0 && strcmp(argv[i + 1], "cpu") == 0)
			dpb_cpu_clock = true;
		else if (strcmp(argv[i], "--workers") == 0)
			b->workers = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--profile") == 0)
			b->profile = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--profile-data") == 0)
			b->profile_data = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			return -1;
	}
	if (b->profile > 1000 || b->profile_data > 1000)
		return -1;
	return b->ncells == 0 || b->ncells > 4096 || b->workers < 1 || b->workers > 2 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	static char rundir[PATH_MAX];

	if (parse_args(&b, argc, argv) != 0 || start_eal(b.workers) != 0 || snc_init() != 0) {
		fprintf(stderr, "usage: snode-bench-dataplane [--cells 1..4096] [--workers 1|2] "
				"[--clock cpu|wall] [--profile PASSES | --profile-data PASSES]\n"
				"(EAL in software mode; --workers 2 needs lcores 0 and 1)\n");
		return 2;
	}
	b.pool = dp_mempool_create("bench", 4096, SOCKET_ID_ANY);
	if (b.pool == NULL ||
	    dp_port_configure(0, &(struct dp_port_conf){1, (uint16_t)b.workers, 1024, 1024},
			      b.pool) != 0 ||
	    dp_port_start(0) != 0)
		return 1;
	dpb_path_init(&b.path);
	printf("snode-bench-dataplane: %zu distinct cells (small class, %d bytes) per row; "
	       "rates per %s second\n",
	       b.ncells, DP_CELL_SMALL,
	       dpb_cpu_clock && b.workers == 1 ? "CPU (thread)" : "wall-clock");
	printf("%-46s %12s %10s\n", "path", "cells/s", "vs ceiling");
	if (b.profile > 0)
		profile_relay(&b, b.profile);
	else if (b.profile_data > 0)
		profile_data(&b, b.profile_data);
	else if (b.workers == 2)
		scaling_rows(&b);
	else
		for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++)
			one_worker_rows(&b, (enum snc_enc_type)t);
	dpb_path_free(&b.path);
	dp_port_shutdown(0);
	rte_mempool_free(b.pool);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	remove_runtime_dir(rundir);
	return 0;
}
