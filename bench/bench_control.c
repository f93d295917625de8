/* SPDX-License-Identifier: MIT */
/*
 * snode-bench-control: store and retrieve requests/s through snode-control,
 * with redis-benchmark against the same redis-server in the same run as the
 * baseline. Not a test: figures depend on the machine (docs/performance.md
 * has the command and a table).
 *
 * This process stands in for snode-dataplane: it listens on the channel
 * socket (docs/channel.md), snode-control (a child process, the real binary)
 * connects to it, and requests go in as REQUESTs with up to --window in
 * flight, as onion requests whose destination is this node would. In a fresh
 * /tmp directory, removed at the end, it makes a node key and starts
 * redis-server from deploy/redis.conf (appendfsync everysec unless
 * --appendfsync says otherwise; --redis SOCK takes a running one instead).
 *
 * Rows: "crypto excluded" stores to the public inbox -10 without a request
 * signature and retrieves from it (-10 needs none); "crypto included" stores
 * and retrieves namespace 1, each request signed by the account (one Ed25519
 * verify per request). Every store is also signed by the node (its hash), in
 * both rows. A retrieve asks for the one message after the previous one
 * (last_hash, max_count 1) and must return it. Baselines: redis-benchmark
 * running the same Lua scripts snode-control runs (EVALSHA, same arguments,
 * a fresh hash per store) and plain SET/GET of the message size, with as
 * many connections as requests in flight.
 */
#define _GNU_SOURCE /* nftw, memmem */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "chan_msg.h"
#include "identity.h"
#include "keys.h"
#include "scripts.h"

#ifndef BENCH_REDIS_CONF
#error "BENCH_REDIS_CONF (path of deploy/redis.conf) must be defined"
#endif
#ifndef BENCH_CONTROL
#error "BENCH_CONTROL (path of the built snode-control) must be defined"
#endif

enum {
	BENCH_HASH_LEN = 43,	       /* characters of a message hash */
	BENCH_BODY_MAX = 4096,	       /* bytes of one request's JSON */
	BENCH_SIZE_MAX = 2048,	       /* bytes of message data */
	BENCH_TTL_MS = 600000,	       /* ms: bench messages expire after 10 minutes */
	BENCH_WAIT_MS = 10000,	       /* ms: longest wait for any answer or start */
	BENCH_SOCKBUF = 4 << 20,       /* bytes: the dataplane's channel buffers */
	BENCH_WARMUP_MAX = 1000,       /* requests before the first timed row */
	BENCH_RETRIEVE_SIZE = 7800000, /* bytes: retrieve budget for a count alone */
	BENCH_SIG_REUSE_MS = 1000      /* ms: a request signature serves this long (client cost) */
};

struct opts { /* strings are argv's (exec takes char *) */
	unsigned requests, window, size;
	char *redis, *control, *conf, *appendfsync;
};

enum row_kind {
	ROW_STORE,
	ROW_RETRIEVE
};

struct row {
	const char *name;
	enum row_kind kind;
	int ns;
	bool sign;
	char (*hashes)[BENCH_HASH_LEN + 1]; /* stores write them, retrieves follow them */
	unsigned n;
};

struct account {
	uint8_t sk[crypto_sign_SECRETKEYBYTES], ed[32];
	char ed_hex[65], id_hex[67]; /* id: 05 || X25519 */
};

struct signer { /* one signature per method and namespace, renewed every second */
	int64_t ts;
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
};

/* What cleanup() undoes: this process's children and temp directory. */
static char tmpdir[64], redis_sock[128];
static char log_path[160]; /* the log die() prints: the temp directory goes with it */
static pid_t redis_pid, ctl_pid;
static int chan_fd = -1;

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* SIGTERM, then SIGKILL after 5 s; reaped either way. */
static void
stop_child(pid_t *pid)
{
	int status, i;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (i = 0; i < 500 && waitpid(*pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 500) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &status, 0);
	}
	*pid = 0;
}

static void
cleanup(void)
{
	if (chan_fd >= 0)
		close(chan_fd);
	stop_child(&ctl_pid);
	stop_child(&redis_pid);
	if (tmpdir[0] != '\0')
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Prints the log of the child that failed (it says why) before exiting. */
static void
dump_log(void)
{
	char buf[2048];
	FILE *f = log_path[0] != '\0' ? fopen(log_path, "r") : NULL;
	size_t n;

	if (f == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (n > 0)
		fprintf(stderr, "%s:\n%s", strrchr(log_path, '/') + 1, buf);
}

__attribute__((format(printf, 1, 2), noreturn)) static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("snode-bench-control: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	dump_log();
	exit(1); /* cleanup() runs from atexit */
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* fork + exec; stderr goes to log, stdout too unless out_fd >= 0. */
static pid_t
spawn(char *const argv[], const char *log, int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(out_fd >= 0 ? out_fd : fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127); /* not exit(): cleanup() belongs to the parent */
	}
	if (pid < 0)
		die("fork: %s", strerror(errno));
	return pid;
}

static bool
redis_answers(const char *sock)
{
	struct timeval tv = {1, 0};
	redisContext *c = redisConnectUnixWithTimeout(sock, tv);
	redisReply *r = c != NULL && c->err == 0 ? redisCommand(c, "PING") : NULL;
	bool ok = r != NULL && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;

	if (r != NULL)
		freeReplyObject(r);
	if (c != NULL)
		redisFree(c);
	return ok;
}

static void
start_redis(const struct opts *o)
{
	char *argv[] = {"redis-server", o->conf,	 "--dir",	 tmpdir, "--unixsocket",
			redis_sock,	"--appendfsync", o->appendfsync, NULL};

	int status;

	snprintf(log_path, sizeof(log_path), "%s/redis.log", tmpdir);
	redis_pid = spawn(argv, log_path, -1);
	for (int i = 0; i < BENCH_WAIT_MS / 20 && !redis_answers(redis_sock); i++) {
		if (waitpid(redis_pid, &status, WNOHANG) == redis_pid) {
			redis_pid = 0;
			die("redis-server exited at start (status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
		usleep(20000);
	}
	if (!redis_answers(redis_sock))
		die("redis-server (%s) did not answer within %d ms", o->conf, BENCH_WAIT_MS);
}

static void
make_node_key(uint8_t pk[32])
{
	struct snc_identity id;
	uint8_t seed[SNC_SEED_BYTES];
	char path[128], err[256];

	randombytes_buf(seed, sizeof(seed));
	snprintf(path, sizeof(path), "%s/%s", tmpdir, SNC_IDENTITY_FILE);
	if (snc_identity_save(path, seed, err, sizeof(err)) != 0 ||
	    snc_identity_from_seed(&id, seed) != 0)
		die("node key: %s", err);
	memcpy(pk, id.ed25519_pk, 32);
	snc_identity_wipe(&id);
	sodium_memzero(seed, sizeof(seed));
}

static int
listen_channel(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), sz = BENCH_SOCKBUF;

	if (strlen(path) >= sizeof(sa.sun_path))
		die("channel socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0)
		die("channel socket %s: %s", path, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return fd;
}

static void
send_msg(int fd, uint8_t type, uint16_t flags, uint64_t label, const uint8_t *body, size_t len)
{
	uint8_t msg[CHAN_MSG_MAX];
	struct chan_hdr h = {.version = CHAN_VERSION,
			     .type = type,
			     .flags = flags,
			     .body_len = (uint32_t)len,
			     .ref = {.label = label}};

	chan_hdr_encode(&h, msg);
	memcpy(msg + CHAN_HDR_BYTES, body, len);
	while (send(fd, msg, CHAN_HDR_BYTES + len, MSG_NOSIGNAL) < 0) {
		struct pollfd p = {fd, POLLOUT, 0};

		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR)
			die("channel send: %s", strerror(errno));
		poll(&p, 1, BENCH_WAIT_MS);
	}
}

/* Dies with snode-control's exit status when it stopped (a refusal to start). */
static void
control_alive(void)
{
	int status;

	if (waitpid(ctl_pid, &status, WNOHANG) != ctl_pid)
		return;
	ctl_pid = 0;
	if (WIFEXITED(status))
		die("snode-control exited with status %d%s", WEXITSTATUS(status),
		    WEXITSTATUS(status) == 127 ? " (could not be run: see --control)" : "");
	die("snode-control was killed by signal %d", WTERMSIG(status));
}

/* Accepts snode-control's connection; HELLO both ways with the node key. */
static int
accept_channel(int lfd, const uint8_t pk[32])
{
	struct pollfd p = {lfd, POLLIN, 0};
	uint8_t msg[CHAN_MSG_MAX];
	const uint8_t *body;
	struct chan_hdr h;
	ssize_t n;
	int fd;

	for (int i = 0; i < BENCH_WAIT_MS / 100 && poll(&p, 1, 100) == 0; i++)
		control_alive();
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
		die("snode-control did not connect to the channel within %d ms", BENCH_WAIT_MS);
	fcntl(fd, F_SETFL, 0);
	send_msg(fd, CHAN_HELLO, 0, 0, pk, 32);
	p = (struct pollfd){fd, POLLIN, 0};
	if (poll(&p, 1, BENCH_WAIT_MS) != 1 || (n = recv(fd, msg, sizeof(msg), 0)) <= 0 ||
	    chan_hdr_decode(msg, (size_t)n, &h, &body) != 0 || h.type != CHAN_HELLO ||
	    memcmp(body, pk, 32) != 0)
		die("no valid HELLO from snode-control");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static void
start_control(const struct opts *o, char *dp_sock)
{
	char *argv[] = {o->control, "--data-dir",  tmpdir, "--redis",  redis_sock, "--dp-socket",
			dp_sock,    "--log-level", "warn", "--listen", "none",	   NULL};

	snprintf(log_path, sizeof(log_path), "%s/control.log", tmpdir);
	ctl_pid = spawn(argv, log_path, -1);
}

static void
make_account(struct account *a)
{
	uint8_t x[32];

	crypto_sign_keypair(a->ed, a->sk);
	if (crypto_sign_ed25519_pk_to_curve25519(x, a->ed) != 0)
		die("account key conversion failed");
	sodium_bin2hex(a->ed_hex, sizeof(a->ed_hex), a->ed, 32);
	a->id_hex[0] = '0';
	a->id_hex[1] = '5';
	sodium_bin2hex(a->id_hex + 2, sizeof(a->id_hex) - 2, x, 32);
}

/* The request's timestamp: the signed one while it is fresh, so that the bench
 * signs once a second and measures snode-control, not itself. */
static int64_t
request_ts(const struct signer *s, bool sign)
{
	int64_t now = wall_ms();

	return sign && s->ts != 0 && now - s->ts < BENCH_SIG_REUSE_MS ? s->ts : now;
}

/* The request signature (method ‖ namespace unless 0 ‖ timestamp). */
static const char *
sign_request(struct signer *s, const struct account *a, const char *method, int ns, int64_t ts)
{
	char msg[64];
	uint8_t sig[crypto_sign_BYTES];
	int n;

	if (s->ts == ts)
		return s->b64;
	n = ns == 0 ? snprintf(msg, sizeof(msg), "%s%" PRId64, method, ts)
		    : snprintf(msg, sizeof(msg), "%s%d%" PRId64, method, ns, ts);
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, (size_t)n, a->sk);
	sodium_bin2base64(s->b64, sizeof(s->b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	s->ts = ts;
	return s->b64;
}

/* Printable message data (redis-benchmark takes the same bytes on its command line). */
static size_t
message_data(char *out, unsigned size, int ns, unsigned i)
{
	int n = snprintf(out, BENCH_SIZE_MAX + 1, "bench-%d-%u-", ns, i);

	for (unsigned k = (unsigned)n; k < size; k++)
		out[k] = (char)('a' + k % 26);
	out[size > (unsigned)n ? size : (unsigned)n] = '\0';
	return size > (unsigned)n ? size : (unsigned)n;
}

static size_t
auth_fields(char *out, size_t cap, struct signer *s, const struct account *a, const char *method,
	    int ns, int64_t ts)
{
	return (size_t)snprintf(out, cap, ",\"pubkey_ed25519\":\"%s\",\"signature\":\"%s\"",
				a->ed_hex, sign_request(s, a, method, ns, ts));
}

static size_t
store_body(char *out, const struct row *r, const struct account *a, struct signer *s, unsigned size,
	   unsigned i)
{
	char raw[BENCH_SIZE_MAX + 1], b64[BENCH_SIZE_MAX * 4 / 3 + 8], auth[256] = "";
	size_t len = message_data(raw, size, r->ns, i);
	int64_t ts = request_ts(s, r->sign);

	sodium_bin2base64(b64, sizeof(b64), (const uint8_t *)raw, len,
			  sodium_base64_VARIANT_ORIGINAL);
	if (r->sign)
		auth_fields(auth, sizeof(auth), s, a, "store", r->ns, ts);
	return (size_t)snprintf(
		out, BENCH_BODY_MAX,
		"{\"method\":\"store\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%" PRId64
		",\"ttl\":%d,\"namespace\":%d,\"data\":\"%s\"%s}}",
		a->id_hex, ts, BENCH_TTL_MS, r->ns, b64, auth);
}

static size_t
retrieve_body(char *out, const struct row *r, const struct account *a, struct signer *s, unsigned i)
{
	char last[64] = "", auth[320] = "";
	int64_t ts = request_ts(s, r->sign);
	size_t n;

	if (i > 0)
		snprintf(last, sizeof(last), ",\"last_hash\":\"%s\"", r->hashes[i - 1]);
	if (r->sign) { /* a timestamp without a signature is refused */
		n = (size_t)snprintf(auth, sizeof(auth), ",\"timestamp\":%" PRId64, ts);
		auth_fields(auth + n, sizeof(auth) - n, s, a, "retrieve", r->ns, ts);
	}
	return (size_t)snprintf(out, BENCH_BODY_MAX,
				"{\"method\":\"retrieve\",\"params\":{\"pubkey\":\"%s\","
				"\"namespace\":%d,\"max_count\":1%s%s}}",
				a->id_hex, r->ns, last, auth);
}

/* The answer's status: the wrapper is compact with sorted keys, so "status" comes last. */
static int
reply_status(const char *body, size_t len)
{
	static const char key[] = "\"status\":";

	for (size_t i = len; i-- > sizeof(key) - 1;)
		if (memcmp(body + i - (sizeof(key) - 1), key, sizeof(key) - 1) == 0)
			return atoi(body + i);
	return -1;
}

/* Checks one answer; the store's hash goes to the row (the first "hash" is the top-level one). */
static bool
check_answer(const struct row *r, unsigned i, const char *body, size_t len)
{
	const char *h;

	if (reply_status(body, len) != 200)
		return false;
	if (r->kind == ROW_RETRIEVE)
		return memmem(body, len, r->hashes[i], BENCH_HASH_LEN) != NULL;
	h = memmem(body, len, "\"hash\":\"", 8);
	if (h == NULL || (size_t)(body + len - h) < 8 + BENCH_HASH_LEN)
		return false;
	memcpy(r->hashes[i], h + 8, BENCH_HASH_LEN);
	r->hashes[i][BENCH_HASH_LEN] = '\0';
	return true;
}

struct run {
	const struct row *row;
	unsigned done, failed;
	char first_failure[256];
	struct chan_assembly rx;
};

static void
on_reply(struct run *run, const struct chan_assembly *a)
{
	unsigned i = (unsigned)a->first.ref.label;

	run->done++;
	if (i >= run->row->n || !check_answer(run->row, i, (const char *)a->buf, a->len)) {
		if (run->failed++ == 0)
			snprintf(run->first_failure, sizeof(run->first_failure), "%.*s",
				 (int)(a->len < 200 ? a->len : 200), (const char *)a->buf);
	}
}

/* Reads every datagram waiting; returns how many replies completed. */
static unsigned
drain(int fd, struct run *run)
{
	static uint8_t msg[CHAN_MSG_MAX];
	unsigned before = run->done;
	const uint8_t *body;
	struct chan_hdr h;
	ssize_t n;
	int rc;

	while ((n = recv(fd, msg, sizeof(msg), MSG_DONTWAIT)) > 0) {
		if (chan_hdr_decode(msg, (size_t)n, &h, &body) != 0 || h.type != CHAN_REPLY)
			die("unexpected datagram from snode-control");
		rc = chan_assembly_add(&run->rx, &h, body);
		if (rc < 0)
			die("reply parts: %s", chan_strerror(rc));
		if (rc == 1) {
			on_reply(run, &run->rx);
			chan_assembly_reset(&run->rx);
		}
	}
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		die("snode-control closed the channel");
	return run->done - before;
}

/* Sends the row's requests, up to window in flight, until all are answered; returns seconds. */
static double
run_requests(const struct opts *o, const struct row *r, const struct account *a, struct run *run)
{
	struct signer s = {0};
	char body[CHAN_REQ_META_BYTES + BENCH_BODY_MAX] = {CHAN_ROUTE_DESTINATION, 1,
							   CHAN_OPT_JSON};
	struct pollfd p = {chan_fd, POLLIN, 0};
	unsigned sent = 0, inflight = 0;
	double t0 = now_s();

	while (run->done < r->n) {
		for (; inflight < o->window && sent < r->n; sent++, inflight++) {
			size_t len = r->kind == ROW_STORE
					     ? store_body(body + 4, r, a, &s, o->size, sent)
					     : retrieve_body(body + 4, r, a, &s, sent);
			send_msg(chan_fd, CHAN_REQUEST, 0, sent, (const uint8_t *)body, 4 + len);
		}
		if (poll(&p, 1, BENCH_WAIT_MS) != 1)
			die("%s: no answer within %d ms", r->name, BENCH_WAIT_MS);
		inflight -= drain(chan_fd, run);
	}
	chan_assembly_free(&run->rx);
	return now_s() - t0;
}

/* CPU seconds a child used so far (utime + stime of /proc/PID/stat); -1 when unknown
 * (a Redis the bench did not start). */
static double
child_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || (f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (p == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
self_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Where the CPU went during a run: microseconds per request in each process. */
struct cpu {
	double control, redis, bench;
};

static void
cpu_mark(struct cpu *c)
{
	*c = (struct cpu){child_cpu_s(ctl_pid), child_cpu_s(redis_pid), self_cpu_s()};
}

/* Microseconds per request between two readings; -1 when unknown. */
static double
per_request(double start, double end, unsigned n)
{
	return start < 0 || end < 0 ? -1 : (end - start) * 1e6 / n;
}

static void
cpu_per_request(struct cpu *c, unsigned n)
{
	struct cpu end;

	cpu_mark(&end);
	*c = (struct cpu){per_request(c->control, end.control, n),
			  per_request(c->redis, end.redis, n), per_request(c->bench, end.bench, n)};
}

struct result {
	double rate;
	struct cpu cpu;
};

/* One timed row; every answer must be right. */
static void
run_row(const struct opts *o, const struct row *r, const struct account *a, struct result *res)
{
	struct run run = {.row = r};
	double t;

	cpu_mark(&res->cpu);
	t = run_requests(o, r, a, &run);
	cpu_per_request(&res->cpu, r->n);
	if (run.failed > 0)
		die("%s: %u of %u requests failed; first answer: %s", r->name, run.failed, r->n,
		    run.first_failure);
	res->rate = r->n / t;
}

/* snode-control connects the channel before its Redis connection is up: one store
 * every 20 ms until one is acknowledged. */
static void
wait_storage(const struct opts *o, char (*hashes)[BENCH_HASH_LEN + 1], const struct account *a)
{
	struct row probe = {"probe", ROW_STORE, -30, false, hashes, 1};

	for (int i = 0; i < BENCH_WAIT_MS / 20; i++) {
		struct run run = {.row = &probe};

		run_requests(o, &probe, a, &run);
		if (run.failed == 0)
			return;
		usleep(20000);
	}
	die("snode-control did not acknowledge a store within %d ms", BENCH_WAIT_MS);
}

/* SCRIPT LOAD of one of the store's scripts (the sha snode-control runs). */
static void
script_sha(enum store_script which, char sha[41])
{
	struct timeval tv = {5, 0};
	redisContext *c = redisConnectUnixWithTimeout(redis_sock, tv);
	redisReply *r = c != NULL && c->err == 0
				? redisCommand(c, "SCRIPT LOAD %s", store_scripts_source(which))
				: NULL;

	if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != 40)
		die("SCRIPT LOAD on %s failed", redis_sock);
	memcpy(sha, r->str, 41);
	freeReplyObject(r);
	redisFree(c);
}

/* Runs redis-benchmark --csv with the given trailing arguments; its output into out, the
 * CPU per request of redis-server and of redis-benchmark itself into cpu. */
static void
redis_benchmark(const struct opts *o, char *const extra[], char *out, size_t cap, struct cpu *cpu)
{
	struct rusage ru;
	double redis0 = child_cpu_s(redis_pid);
	char n[16], c[16], log[160];
	char *argv[40] = {"redis-benchmark", "-s", redis_sock, "-n", n, "-c", c, "--csv"};
	int fds[2], status, k = 8;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	snprintf(n, sizeof(n), "%u", o->requests);
	snprintf(c, sizeof(c), "%u", o->window);
	snprintf(log, sizeof(log), "%s/redis-benchmark.log", tmpdir);
	for (int i = 0; extra[i] != NULL && k < 39; i++)
		argv[k++] = extra[i];
	argv[k] = NULL;
	if (pipe2(fds, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	pid = spawn(argv, log, fds[1]);
	close(fds[1]);
	while (len < cap - 1 && (got = read(fds[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)got;
	out[len] = '\0';
	close(fds[0]);
	wait4(pid, &status, 0, &ru);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		memcpy(log_path, log, sizeof(log));
		die("redis-benchmark failed (installed? package redis-tools)");
	}
	*cpu = (struct cpu){-1, per_request(redis0, child_cpu_s(redis_pid), o->requests),
			    ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
			     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6) *
				    1e6 / o->requests};
}

/* requests/s of the CSV line whose test name starts with test ("test","rps",...). */
static double
csv_rps(const char *out, const char *test)
{
	for (const char *line = out; line != NULL && *line != '\0';) {
		const char *q = strstr(line, "\",\"");
		const char *eol = strchr(line, '\n');

		if (q != NULL && (eol == NULL || q < eol) && line[0] == '"' &&
		    strncmp(line + 1, test, strlen(test)) == 0 && atof(q + 3) > 0)
			return atof(q + 3);
		line = eol != NULL ? eol + 1 : NULL;
	}
	die("no %s figure in redis-benchmark's output: %s", test, out);
}

enum {
	BASE_STORE,
	BASE_GET,
	BASE_SET_RAW,
	BASE_GET_RAW,
	BASE_COUNT
};

static void
baseline(const struct opts *o, char *const args[], const char *test, struct result *res)
{
	char out[8192];

	redis_benchmark(o, args, out, sizeof(out), &res->cpu);
	res->rate = csv_rps(out, test);
}

static void
run_baselines(const struct opts *o, const struct row *stored, struct account *a,
	      struct result b[BASE_COUNT])
{
	char put[41], get[41], raw[BENCH_SIZE_MAX + 1], ts[24], exp[24], d[16], now[24], ns[12];
	char budget[16];
	char hash[BENCH_HASH_LEN + 1] = "benchmarkbaselinehashxxxxxxxxxx__rand_int__";
	int64_t t = wall_ms();

	script_sha(STORE_SCRIPT_PUT, put);
	script_sha(STORE_SCRIPT_GET, get);
	message_data(raw, o->size, 0, 0);
	snprintf(ts, sizeof(ts), "%" PRId64, t);
	snprintf(exp, sizeof(exp), "%" PRId64, t + BENCH_TTL_MS);
	snprintf(now, sizeof(now), "%" PRId64, t);
	snprintf(ns, sizeof(ns), "%d", stored->ns);
	snprintf(d, sizeof(d), "%u", o->size);
	snprintf(budget, sizeof(budget), "%d", BENCH_RETRIEVE_SIZE);
	/* the store script as store_msg_put calls it, under its own key prefix so that
	 * snode's keys stay as they are; a fresh 43-character hash per call */
	char *store_args[] = {"-r", "1000000000", "EVALSHA", put, "0", "bench:", a->id_hex, ns,
			      hash, ts,		  exp,	     raw, "0", "0",	 "0",	    NULL};
	/* the retrieve script as store_msg_get calls it for max_count 1: one message back */
	char *get_args[] = {"EVALSHA",
			    get,
			    "0",
			    STORE_KEYS_PREFIX_DEFAULT,
			    a->id_hex,
			    ns,
			    stored->hashes[stored->n / 2],
			    "1",
			    budget,
			    now,
			    NULL};
	char *set_args[] = {"-d", d, "-t", "set", NULL};
	char *get_raw_args[] = {"-d", d, "-t", "get", NULL};

	baseline(o, store_args, "EVALSHA", &b[BASE_STORE]);
	baseline(o, get_args, "EVALSHA", &b[BASE_GET]);
	baseline(o, set_args, "SET", &b[BASE_SET_RAW]);
	baseline(o, get_raw_args, "GET", &b[BASE_GET_RAW]);
}

/* Removes the baseline's keys from a Redis the bench did not start. */
static void
drop_baseline_keys(void)
{
	static const char lua[] = "local n = 0 "
				  "for _, k in ipairs(redis.call('KEYS', 'bench:*')) do "
				  "redis.call('DEL', k) n = n + 1 end "
				  "return n + redis.call('DEL', 'key:__rand_int__')";
	struct timeval tv = {5, 0};
	redisContext *c = redisConnectUnixWithTimeout(redis_sock, tv);
	redisReply *r = c != NULL && c->err == 0 ? redisCommand(c, "EVAL %s 0", lua) : NULL;

	if (r != NULL)
		freeReplyObject(r);
	if (c != NULL)
		redisFree(c);
}

static void
print_machine(const struct opts *o)
{
	char line[256], model[200] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f != NULL)
		fclose(f);
	printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN), model);
	printf("%u requests per row, %u in flight, %u-byte messages, redis %s (%s)\n", o->requests,
	       o->window, o->size, redis_sock, o->redis != NULL ? "given" : o->appendfsync);
}

/* A CPU column: "-" when not measured. */
static const char *
us(char buf[16], double v)
{
	if (v < 0)
		snprintf(buf, 16, "%6s", "-");
	else
		snprintf(buf, 16, "%6.1f", v);
	return buf;
}

static void
print_row(const char *name, const struct result *r, const struct result *script,
	  const struct result *raw)
{
	char a[16], b[16], c[16];

	printf("%-41s %8.0f %7.2fx %7.2fx %8s %s %s\n", name, r->rate, r->rate / script->rate,
	       r->rate / raw->rate, us(a, r->cpu.control), us(b, r->cpu.redis),
	       us(c, r->cpu.bench));
}

static void
print_table(const struct opts *o, const struct row rows[4], const struct result res[4],
	    const struct result b[BASE_COUNT])
{
	static const char *const base_names[BASE_COUNT] = {"EVALSHA store script (same arguments)",
							   "EVALSHA retrieve script (max_count 1)",
							   "SET", "GET"};

	printf("\n%-41s %8s %8s %8s %22s\n", "through snode-control", "req/s", "/script",
	       "/SET,GET", "CPU us/req: ctl redis bench");
	for (int i = 0; i < 4; i++)
		print_row(rows[i].name, &res[i], &b[i % 2 == 0 ? BASE_STORE : BASE_GET],
			  &b[i % 2 == 0 ? BASE_SET_RAW : BASE_GET_RAW]);
	printf("\n%-41s %8s %34s\n", "redis-benchmark, same redis-server", "req/s",
	       "CPU us/req: redis client");
	for (int i = 0; i < BASE_COUNT; i++) {
		char x[16], y[16];

		printf("%-41s %8.0f %34s%s %s\n", base_names[i], b[i].rate, "",
		       us(x, b[i].cpu.redis), us(y, b[i].cpu.bench));
	}
	printf("(%u-byte messages and values, %u requests and connections in flight)\n", o->size,
	       o->window);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: snode-bench-control [--requests N] [--window W] [--size BYTES]\n"
		   "       [--redis SOCKET | --appendfsync always|everysec|no] [--control PATH]\n"
		   "       [--redis-conf PATH]\n");
}

static unsigned
number(const char *s, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "snode-bench-control: %s: expected %u..%u\n", s, lo, hi);
		exit(2);
	}
	return (unsigned)v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){10000, 16, 256, NULL, BENCH_CONTROL, BENCH_REDIS_CONF, "everysec"};
	for (int i = 1; i < argc; i++) {
		char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (v == NULL) {
			usage(stderr);
			exit(2);
		}
		i++;
		if (strcmp(a, "--requests") == 0)
			o->requests = number(v, 100, 1000000);
		else if (strcmp(a, "--window") == 0)
			o->window = number(v, 1, 4096);
		else if (strcmp(a, "--size") == 0)
			o->size = number(v, 32, BENCH_SIZE_MAX);
		else if (strcmp(a, "--redis") == 0)
			o->redis = v;
		else if (strcmp(a, "--appendfsync") == 0)
			o->appendfsync = v;
		else if (strcmp(a, "--control") == 0)
			o->control = v;
		else if (strcmp(a, "--redis-conf") == 0)
			o->conf = v;
		else {
			usage(stderr);
			exit(2);
		}
	}
}

static void
setup(const struct opts *o, const struct account *warm_acct)
{
	char dp[128];
	uint8_t pk[32];
	int lfd;
	static char warm_hashes[BENCH_WARMUP_MAX][BENCH_HASH_LEN + 1];
	struct row warm = {"warmup", ROW_STORE, -20, false, warm_hashes, BENCH_WARMUP_MAX};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/snode-bench-control.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		die("mkdtemp: %s", strerror(errno));
	}
	if (o->redis != NULL && strlen(o->redis) >= sizeof(redis_sock))
		die("--redis: path longer than %zu characters", sizeof(redis_sock) - 1);
	if (o->redis != NULL)
		snprintf(redis_sock, sizeof(redis_sock), "%s", o->redis);
	else
		snprintf(redis_sock, sizeof(redis_sock), "%s/redis.sock", tmpdir);
	if (o->redis == NULL)
		start_redis(o);
	make_node_key(pk);
	snprintf(dp, sizeof(dp), "%s/dp.sock", tmpdir);
	lfd = listen_channel(dp);
	start_control(o, dp);
	chan_fd = accept_channel(lfd, pk);
	close(lfd);
	wait_storage(o, warm_hashes, warm_acct);
	warm.n = o->requests < BENCH_WARMUP_MAX ? o->requests : BENCH_WARMUP_MAX;
	run_row(o, &warm, warm_acct, &(struct result){0}); /* connections, scripts, allocator */
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct account acct;
	struct result res[4], base[BASE_COUNT];
	char(*plain)[BENCH_HASH_LEN + 1], (*signed_)[BENCH_HASH_LEN + 1];

	parse_args(argc, argv, &o);
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	signal(SIGPIPE, SIG_IGN);
	atexit(cleanup);
	plain = calloc(o.requests, sizeof(*plain));
	signed_ = calloc(o.requests, sizeof(*signed_));
	if (plain == NULL || signed_ == NULL)
		die("out of memory");
	make_account(&acct);
	setup(&o, &acct);

	struct row rows[4] = {
		{"store, crypto excluded (ns -10)", ROW_STORE, -10, false, plain, o.requests},
		{"retrieve, crypto excluded (ns -10)", ROW_RETRIEVE, -10, false, plain, o.requests},
		{"store, crypto included (ns 1, signed)", ROW_STORE, 1, true, signed_, o.requests},
		{"retrieve, crypto included (ns 1, signed)", ROW_RETRIEVE, 1, true, signed_,
		 o.requests},
	};
	print_machine(&o);
	fflush(stdout);
	for (int i = 0; i < 4; i++)
		run_row(&o, &rows[i], &acct, &res[i]);
	run_baselines(&o, &rows[0], &acct, base);
	if (o.redis != NULL)
		drop_baseline_keys();
	print_table(&o, rows, res, base);
	sodium_memzero(acct.sk, sizeof(acct.sk));
	free(plain);
	free(signed_);
	return 0;
}
