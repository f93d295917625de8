/* SPDX-License-Identifier: MIT */
/* snode-control's quorum voting (vote_service.h). */
#include "vote_service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <event2/event.h>

#include "log.h"
#include "randao_contrib.h"
#include "registry_append.h"
#include "swarm_view_registry.h"
#include "vote_store.h"

struct ctl_vote_service {
	struct ctl_vote v;
	struct ctl_randao randao;      /* this node's commits and reveals */
	struct ctl_registry_spec spec; /* where the pending queue is */
	struct ctl_vote_sources src;   /* what a vote judges by */
	struct ctl_drpc *d;
	struct ctl_replicate *repl;
	struct event *timer;
	char state_path[4096];	   /* DATA_DIR/quorum-state; "" without a data dir */
	uint64_t saved_gen;	   /* the vote generation last written */
	struct ctl_vote_store tmp; /* scratch for a save or a load (wiped after use) */
};

/* Writes this node's votes and secrets (vote_store.h); ctl_randao_persist_fn too. */
static int
save_state(void *arg)
{
	struct ctl_vote_service *s = arg;
	int rc;

	if (s->state_path[0] == '\0')
		return 0;
	ctl_vote_store_collect(&s->tmp, &s->v, &s->randao);
	rc = ctl_vote_store_save(s->state_path, &s->tmp);
	sodium_memzero(&s->tmp, sizeof(s->tmp));
	if (rc != 0)
		ctl_log(CTL_LOG_WARNING, "quorum: cannot write %s: %s", s->state_path,
			strerror(-rc));
	else
		s->saved_gen = s->v.own_gen;
	return rc;
}

/* Takes back what the last run wrote; a missing file is the first start. */
static void
load_state(struct ctl_vote_service *s, const struct ctl_registry *reg)
{
	size_t kept = 0, stale = 0;
	int rc;

	if (s->state_path[0] == '\0')
		return;
	rc = ctl_vote_store_load(s->state_path, &s->tmp);
	if (rc == 0) {
		ctl_vote_store_restore(&s->tmp, &s->v, &s->randao, reg, &kept, &stale);
		ctl_log(CTL_LOG_INFO, "quorum: %s: %zu vote(s) and secret(s) taken back, %zu stale",
			s->state_path, kept, stale);
	} else if (rc != -ENOENT) {
		ctl_log(CTL_LOG_WARNING, "quorum: %s ignored: %s", s->state_path,
			rc == -EINVAL ? "corrupt (bad length or checksum)" : strerror(-rc));
	}
	sodium_memzero(&s->tmp, sizeof(s->tmp));
	s->saved_gen = s->v.own_gen;
}

/* The DIRECT window and peer_ping's pong times are wall-clock milliseconds. */
static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool
ctl_vote_peer_ping_reach(void *arg, const uint8_t key[32], uint64_t now_ms,
			 uint64_t *unreachable_for_ms)
{
	const struct ctl_peer_ping *p = arg;

	/* without our own dataplane nothing is measured: the flags are stale (a NULL
	 * channel, in tests, is judged from the flags alone) */
	if (p->channel != NULL && !ctl_dp_channel_connected(p->channel))
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct ctl_peer *peer = &p->peers[i];
		uint64_t from;

		if (memcmp(peer->ed25519, key, 32) != 0)
			continue;
		if (peer->reachable || peer->since_ms == 0)
			return false; /* answering, or not pinged yet */
		/* unreachable since its last pong, or since we first pinged it */
		from = peer->last_pong_ms > peer->since_ms ? peer->last_pong_ms : peer->since_ms;
		*unreachable_for_ms = now_ms > from ? now_ms - from : 0;
		return true;
	}
	return false; /* not pinged: no judgement */
}

bool
ctl_vote_sources_failing(void *arg, const uint8_t key[32], uint64_t now_ms,
			 uint64_t *unreachable_for_ms)
{
	const struct ctl_vote_sources *src = arg;
	uint64_t f = 0;

	if (src->reach != NULL &&
	    ctl_reach_failing(src->reach, key, ctl_reach_now(src->reach), &f)) {
		*unreachable_for_ms = f; /* on the tester's own clock */
		return true;
	}
	if (src->ping != NULL &&
	    ctl_vote_peer_ping_reach((void *)(uintptr_t)src->ping, key, now_ms, unreachable_for_ms))
		return true;
	/* no proof within the validity window: down as long as can be told (oxend's first
	 * criterion); not before this node has run that long itself */
	if (src->uptime != NULL && ctl_uptime_settled(src->uptime, now_ms) &&
	    ctl_uptime_down(src->uptime, key, now_ms)) {
		*unreachable_for_ms = UINT64_MAX;
		return true;
	}
	return false;
}

bool
ctl_vote_sources_passing(void *arg, const uint8_t key[32], uint64_t now_ms)
{
	const struct ctl_vote_sources *src = arg;
	const struct ctl_peer *peer = NULL;
	uint64_t f = 0, age = 0;

	/* positive evidence needed: the worker answers our DIRECT pings now */
	if (src->ping == NULL ||
	    (src->ping->channel != NULL && !ctl_dp_channel_connected(src->ping->channel)))
		return false;
	for (size_t i = 0; i < src->ping->n && peer == NULL; i++)
		if (memcmp(src->ping->peers[i].ed25519, key, 32) == 0)
			peer = &src->ping->peers[i];
	if (peer == NULL || !peer->reachable)
		return false;
	if (src->reach != NULL && ctl_reach_failing(src->reach, key, ctl_reach_now(src->reach), &f))
		return false;
	/* its uptime proof fresh: a proof held must be within the validity window, and once
	 * this node has run that window itself, a missing proof fails too */
	if (src->uptime != NULL && (ctl_uptime_proof_age(src->uptime, key, now_ms, &age) == 0
					    ? ctl_uptime_down(src->uptime, key, now_ms)
					    : ctl_uptime_settled(src->uptime, now_ms)))
		return false;
	return true;
}

static void
vote_sent(void *arg, int rc, const uint8_t *body, size_t len)
{
	/* the answer (kept / refused) changes nothing: votes are resent every round */
	(void)arg;
	(void)rc;
	(void)body;
	(void)len;
}

static int
send_vote(void *arg, const uint8_t peer[32], const uint8_t *body, size_t len)
{
	struct ctl_vote_service *s = arg;

	return ctl_drpc_call(s->d, peer, body, len, 0, vote_sent, NULL, NULL);
}

/* ctl_vote_submit_fn / ctl_randao_submit_fn: the registry's pending queue (a file under
 * flock, or a Redis list: a blocking call, one short line now and then). */
static int
submit_line(void *arg, const char *line)
{
	struct ctl_vote_service *s = arg;
	char err[256];
	int rc = ctl_registry_pending_put(&s->spec, &line, 1, err, sizeof(err));

	if (rc != 0)
		ctl_log(CTL_LOG_WARNING, "quorum: cannot queue a line for the producer: %s", err);
	return rc;
}

static void
on_vote_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body, size_t len)
{
	struct ctl_vote_service *s = arg;
	int rc = ctl_vote_receive(&s->v, peer, body, len);
	uint8_t answer = rc == 0 || rc == -EALREADY ? 0 : 1;

	(void)ctl_drpc_respond(s->d, peer, id, &answer, 1);
}

static void
on_reload(void *arg, const struct ctl_registry *reg)
{
	struct ctl_vote_service *s = arg;

	ctl_vote_on_registry(&s->v, reg);
	ctl_randao_on_registry(&s->randao, reg);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_vote_service *s = arg;

	(void)fd;
	(void)what;
	ctl_vote_round(&s->v, wall_ms());
	if (s->v.own_gen != s->saved_gen)
		(void)save_state(s); /* retried next round when it fails */
}

struct ctl_vote_service *
ctl_vote_service_start(const struct ctl_vote_service_conf *conf, char *err, size_t errlen)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(conf->swarm);
	struct ctl_vote_service *s = calloc(1, sizeof(*s));
	struct ctl_vote_conf vc = {.fail_after_ms = conf->fail_after_ms,
				   .reach = ctl_vote_sources_failing};
	struct timeval tv = {.tv_sec = (time_t)(conf->interval_ms / 1000),
			     .tv_usec = (suseconds_t)(conf->interval_ms % 1000) * 1000};

	if (s == NULL || reg == NULL) {
		snprintf(err, errlen, "quorum votes: %s",
			 s == NULL ? "out of memory" : "need a registry");
		free(s);
		return NULL;
	}
	if (ctl_registry_spec_parse(conf->registry, &s->spec, err, errlen) != 0) {
		free(s);
		return NULL;
	}
	s->src.ping = conf->ping;
	s->src.reach = conf->reach;
	s->src.uptime = conf->uptime;
	vc.reach_arg = &s->src;
	vc.pass = ctl_vote_sources_passing;
	vc.pass_arg = &s->src;
	vc.id = *conf->id;
	vc.send = send_vote;
	vc.send_arg = s;
	vc.submit = submit_line;
	vc.submit_arg = s;
	vc.stest = conf->stest;
	vc.sreport = conf->sreport;
	s->d = conf->d;
	s->repl = conf->repl;
	if (conf->data_dir != NULL && conf->data_dir[0] != '\0' &&
	    (size_t)snprintf(s->state_path, sizeof(s->state_path), "%s/quorum-state",
			     conf->data_dir) >= sizeof(s->state_path)) {
		snprintf(err, errlen, "quorum votes: data dir path too long");
		free(s);
		return NULL;
	}
	if (ctl_vote_init(&s->v, &vc, wall_ms()) != 0 ||
	    (s->timer = event_new(conf->base, -1, EV_PERSIST, on_timer, s)) == NULL ||
	    event_add(s->timer, &tv) != 0 ||
	    ctl_swarm_view_registry_on_reload(conf->swarm, on_reload, s) != 0) {
		snprintf(err, errlen, "quorum votes: cannot start (timer or reload listener)");
		sodium_memzero(&vc.id, sizeof(vc.id));
		ctl_vote_service_stop(s);
		ctl_vote_service_free(s);
		return NULL;
	}
	sodium_memzero(&vc.id, sizeof(vc.id));
	ctl_randao_init(&s->randao, submit_line, s, conf->id->ed25519_pk, conf->id->ed25519_sk);
	ctl_randao_set_persist(&s->randao, save_state, s);
	/* the quorums first (restored votes are checked against them), then what the last
	 * run kept, then this state's commits and reveals */
	ctl_vote_on_registry(&s->v, reg);
	load_state(s, reg);
	on_reload(s, reg);
	ctl_replicate_set_votes(conf->repl, on_vote_request, s);
	ctl_log(CTL_LOG_INFO,
		"quorum votes: every %llu ms, failing after %llu ms, records to %s's pending queue",
		(unsigned long long)conf->interval_ms, (unsigned long long)s->v.conf.fail_after_ms,
		conf->registry);
	return s;
}

void
ctl_vote_service_stop(struct ctl_vote_service *s)
{
	if (s == NULL)
		return;
	if (s->timer != NULL)
		event_free(s->timer);
	s->timer = NULL;
	if (s->repl != NULL)
		ctl_replicate_set_votes(s->repl, NULL, NULL);
	s->repl = NULL;
}

void
ctl_vote_service_free(struct ctl_vote_service *s)
{
	if (s == NULL)
		return;
	ctl_vote_wipe(&s->v);
	ctl_randao_wipe(&s->randao);
	free(s);
}

const struct ctl_vote_stats *
ctl_vote_service_stats(const struct ctl_vote_service *s)
{
	return &s->v.st;
}

const struct ctl_randao_stats *
ctl_vote_service_randao_stats(const struct ctl_vote_service *s)
{
	return &s->randao.st;
}
