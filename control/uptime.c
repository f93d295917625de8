/* SPDX-License-Identifier: MIT */
/* Uptime proofs: sending ours, keeping the others' (see uptime.h). */
#include "uptime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>

#include "log.h"
#include "reach_sched.h"

/* One node's latest proof; down: its expiry was logged. */
struct held {
	struct ctl_uptime_proof p; /* first: bsearch compares its pubkey */
	bool down;
};

struct ctl_uptime {
	struct ctl_uptime_conf conf;
	struct ctl_uptime_ops ops;
	struct ctl_uptime_proof self;
	uint8_t sk[64];
	struct event *timer;
	uint64_t started_ms;
	bool heard;
	uint64_t heard_ms; /* the last check at which dataplane and storage answered */
	bool sent;
	uint64_t sent_ms;
	struct held *held; /* ascending by pubkey */
	size_t n;
	uint8_t (*peers)[32];
	struct ctl_uptime_stats st;
};

void
ctl_uptime_conf_defaults(struct ctl_uptime_conf *c)
{
	*c = (struct ctl_uptime_conf){
		.interval_ms = CTL_UPTIME_INTERVAL_MS,
		.validity_ms = CTL_UPTIME_VALIDITY_MS,
		.tolerance_ms = CTL_UPTIME_TOLERANCE_MS,
		.startup_delay_ms = CTL_UPTIME_STARTUP_DELAY_MS,
		.check_interval_ms = CTL_UPTIME_CHECK_INTERVAL_MS,
		.heard_window_ms = CTL_UPTIME_HEARD_WINDOW_MS,
	};
}

uint64_t
ctl_uptime_now(const struct ctl_uptime *u)
{
	struct timespec ts;

	if (u->ops.now_ms != NULL)
		return u->ops.now_ms(u->ops.arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
arm(struct ctl_uptime *u, uint64_t ms)
{
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000 * 1000)};

	evtimer_add(u->timer, &tv);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_uptime *u = arg;

	(void)fd;
	(void)what;
	ctl_uptime_tick(u);
	arm(u, u->conf.check_interval_ms);
}

struct ctl_uptime *
ctl_uptime_new(struct event_base *base, const struct ctl_uptime_conf *conf,
	       const struct ctl_uptime_proof *self, const uint8_t ed25519_sk[64],
	       const struct ctl_uptime_ops *ops)
{
	struct ctl_uptime *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return NULL;
	if (conf != NULL)
		u->conf = *conf;
	else
		ctl_uptime_conf_defaults(&u->conf);
	u->ops = *ops;
	u->self = *self;
	memcpy(u->sk, ed25519_sk, 64);
	u->held = calloc(CTL_REACH_NODES_MAX, sizeof(*u->held));
	u->peers = calloc(CTL_REACH_NODES_MAX, sizeof(*u->peers));
	if (base != NULL)
		u->timer = evtimer_new(base, on_timer, u);
	if (u->held == NULL || u->peers == NULL || (base != NULL && u->timer == NULL)) {
		ctl_uptime_free(u);
		return NULL;
	}
	u->started_ms = ctl_uptime_now(u);
	if (u->timer != NULL)
		arm(u, u->conf.startup_delay_ms);
	return u;
}

void
ctl_uptime_free(struct ctl_uptime *u)
{
	if (u == NULL)
		return;
	if (u->timer != NULL)
		event_free(u->timer);
	free(u->held);
	free(u->peers);
	sodium_memzero(u->sk, sizeof(u->sk));
	free(u);
}

void
ctl_uptime_set_https(struct ctl_uptime *u, uint32_t ip, uint16_t port)
{
	u->self.ip = ip;
	u->self.https_port = port;
}

/* Signs a fresh proof and sends it to every known node. */
static void
send_round(struct ctl_uptime *u, uint64_t now)
{
	uint8_t proof[CTL_UPTIME_PROOF_BYTES];
	size_t n = u->ops.peers(u->ops.arg, u->peers, CTL_REACH_NODES_MAX);

	u->self.timestamp_ms = now;
	ctl_uptime_proof_sign(&u->self, u->sk, proof);
	for (size_t i = 0; i < n; i++) {
		if (u->ops.send(u->ops.arg, u->peers[i], proof, sizeof(proof)) == 0)
			u->st.sends++;
		else
			u->st.send_failed++;
	}
	u->st.proofs_sent++;
	u->sent = true;
	u->sent_ms = now;
}

static const char *
short_hex(const uint8_t *key, char out[17])
{
	sodium_bin2hex(out, 17, key, 8);
	return out;
}

/* One log line when a held proof runs out of its validity window. */
static void
log_expired(struct ctl_uptime *u, uint64_t now)
{
	char hex[17];

	for (size_t i = 0; i < u->n; i++) {
		struct held *h = &u->held[i];
		uint64_t age = now > h->p.timestamp_ms ? now - h->p.timestamp_ms : 0;

		if (h->down || age <= u->conf.validity_ms)
			continue;
		h->down = true;
		u->st.expired++;
		ctl_log(CTL_LOG_WARNING, "uptime: node %s... down: last proof %llu ms ago",
			short_hex(h->p.pubkey, hex), (unsigned long long)age);
	}
}

void
ctl_uptime_tick(struct ctl_uptime *u)
{
	uint64_t now = ctl_uptime_now(u);

	log_expired(u, now);
	if (now < u->started_ms || now - u->started_ms < u->conf.startup_delay_ms)
		return; /* (a clock set back counts as just started) */
	if (u->ops.healthy(u->ops.arg)) {
		u->heard = true;
		u->heard_ms = now;
	}
	if (u->sent && now - u->sent_ms < u->conf.interval_ms)
		return;
	if (!u->heard || now - u->heard_ms > u->conf.heard_window_ms) {
		u->st.skipped_unhealthy++;
		return;
	}
	send_round(u, now);
}

static int
cmp_proof(const void *a, const void *b)
{
	return memcmp(a, b, 32); /* pubkey is the first member */
}

static struct held *
find(const struct ctl_uptime *u, const uint8_t key[32])
{
	if (u->n == 0)
		return NULL;
	return bsearch(key, u->held, u->n, sizeof(*u->held), cmp_proof);
}

/* Keeps p as its node's latest; false when there is no room for a new node. */
static bool
keep(struct ctl_uptime *u, const struct ctl_uptime_proof *p)
{
	struct held *old = find(u, p->pubkey);
	char hex[17];
	size_t at = 0;

	if (old != NULL) {
		if (old->down || old->p.ip != p->ip || old->p.https_port != p->https_port)
			ctl_log(CTL_LOG_NOTICE,
				"uptime: node %s... up (proof, https %u.%u.%u.%u:%u)",
				short_hex(p->pubkey, hex), p->ip >> 24, p->ip >> 16 & 0xff,
				p->ip >> 8 & 0xff, p->ip & 0xff, (unsigned)p->https_port);
		old->p = *p;
		old->down = false;
		return true;
	}
	if (u->n >= CTL_REACH_NODES_MAX)
		return false;
	while (at < u->n && memcmp(u->held[at].p.pubkey, p->pubkey, 32) < 0)
		at++;
	memmove(&u->held[at + 1], &u->held[at], (u->n - at) * sizeof(*u->held));
	u->held[at] = (struct held){.p = *p};
	u->n++;
	ctl_log(CTL_LOG_NOTICE, "uptime: node %s... up (first proof, https %u.%u.%u.%u:%u)",
		short_hex(p->pubkey, hex), p->ip >> 24, p->ip >> 16 & 0xff, p->ip >> 8 & 0xff,
		p->ip & 0xff, (unsigned)p->https_port);
	return true;
}

static void
count(struct ctl_uptime *u, enum ctl_uptime_verdict v)
{
	uint64_t *c[] = {&u->st.accepted,  &u->st.malformed,	 &u->st.unknown_node,
			 &u->st.wrong_key, &u->st.bad_signature, &u->st.stale,
			 &u->st.future,	   &u->st.older};

	(*c[v])++;
}

enum ctl_uptime_verdict
ctl_uptime_on_proof(struct ctl_uptime *u, const uint8_t from[32], const uint8_t *buf, size_t len)
{
	struct ctl_uptime_proof p;
	const struct held *old;
	enum ctl_uptime_verdict v = ctl_uptime_proof_parse(buf, len, &p);

	u->st.received++;
	if (v == CTL_UPTIME_OK && !u->ops.known(u->ops.arg, p.pubkey))
		v = CTL_UPTIME_UNKNOWN_NODE;
	if (v == CTL_UPTIME_OK)
		v = ctl_uptime_proof_verify(buf, len, from, ctl_uptime_now(u), u->conf.tolerance_ms,
					    &p);
	if (v == CTL_UPTIME_OK && (old = find(u, p.pubkey)) != NULL &&
	    p.timestamp_ms <= old->p.timestamp_ms)
		v = CTL_UPTIME_OLDER;
	if (v == CTL_UPTIME_OK && !keep(u, &p)) {
		u->st.full++;
		return v;
	}
	count(u, v);
	return v;
}

int
ctl_uptime_proof_age(const struct ctl_uptime *u, const uint8_t key[32], uint64_t now_ms,
		     uint64_t *age_ms)
{
	const struct held *h = u != NULL ? find(u, key) : NULL;

	if (h == NULL)
		return -ENOENT;
	*age_ms = now_ms > h->p.timestamp_ms ? now_ms - h->p.timestamp_ms : 0;
	return 0;
}

bool
ctl_uptime_down(const struct ctl_uptime *u, const uint8_t key[32], uint64_t now_ms)
{
	uint64_t age;

	if (u == NULL)
		return false; /* proofs not running: nobody is judged by them */
	return ctl_uptime_proof_age(u, key, now_ms, &age) != 0 || age > u->conf.validity_ms;
}

bool
ctl_uptime_settled(const struct ctl_uptime *u, uint64_t now_ms)
{
	return now_ms >= u->started_ms && now_ms - u->started_ms >= u->conf.validity_ms;
}

const struct ctl_uptime_proof *
ctl_uptime_latest(const struct ctl_uptime *u, const uint8_t key[32])
{
	const struct held *h = find(u, key);

	return h != NULL ? &h->p : NULL;
}

void
ctl_uptime_stats(const struct ctl_uptime *u, struct ctl_uptime_stats *out)
{
	*out = u->st;
}
