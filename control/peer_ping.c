/* SPDX-License-Identifier: MIT */
#include "peer_ping.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "log.h"

static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct ctl_peer *
find(struct ctl_peer_ping *p, const uint8_t ed25519[32])
{
	for (size_t i = 0; i < p->n; i++)
		if (memcmp(p->peers[i].ed25519, ed25519, 32) == 0)
			return &p->peers[i];
	return NULL;
}

static const char *
short_hex(const uint8_t *key, char out[17])
{
	sodium_bin2hex(out, 17, key, 8);
	return out;
}

/* Seals payload for peer and hands it to the channel. */
static int
send_sealed(struct ctl_peer_ping *p, const uint8_t peer[32], const char *payload, size_t plen,
	    uint64_t now_ms)
{
	uint8_t sealed[CTL_DP_DIRECT_MAX];
	size_t len;

	if (snc_direct_seal(&p->id, peer, now_ms, NULL, (const uint8_t *)payload, plen, sealed,
			    sizeof(sealed), &len) != 0 ||
	    ctl_dp_channel_send_direct(p->channel, peer, sealed, len) != 0) {
		p->st.send_failed++;
		return -1;
	}
	return 0;
}

/* Seals {"t": type, "n": n} for peer and hands it to the channel. */
static int
send_msg(struct ctl_peer_ping *p, const uint8_t peer[32], const char *type, uint32_t n,
	 uint64_t now_ms)
{
	char payload[64];
	int plen = snprintf(payload, sizeof(payload), "{\"t\":\"%s\",\"n\":%" PRIu32 "}", type, n);

	return send_sealed(p, peer, payload, (size_t)plen, now_ms);
}

int
ctl_peer_ping_send_ping(struct ctl_peer_ping *p, const uint8_t peer[32], uint32_t n)
{
	if (send_msg(p, peer, "ping", n, wall_ms()) != 0)
		return -1;
	p->st.pings_sent++;
	return 0;
}

int
ctl_peer_ping_send_json(struct ctl_peer_ping *p, const uint8_t peer[32], const char *json,
			size_t len)
{
	if (len > CTL_PEER_PING_JSON_MAX)
		return -EMSGSIZE;
	return send_sealed(p, peer, json, len, wall_ms());
}

void
ctl_peer_ping_set_hooks(struct ctl_peer_ping *p, ctl_peer_ping_pong_fn *on_pong,
			ctl_peer_ping_msg_fn *on_msg, void *arg)
{
	p->on_pong = on_pong;
	p->on_msg = on_msg;
	p->hook_arg = arg;
}

void
ctl_peer_ping_round(struct ctl_peer_ping *p, uint64_t now_ms)
{
	char hex[17];

	if (!ctl_dp_channel_connected(p->channel))
		return; /* no dataplane: nothing can be measured */
	for (size_t i = 0; i < p->n; i++) {
		struct ctl_peer *peer = &p->peers[i];

		if (peer->reachable &&
		    now_ms - peer->last_pong_ms > CTL_PING_MISSES * p->interval_ms) {
			peer->reachable = false;
			ctl_log(CTL_LOG_WARNING,
				"peer %s... unreachable: no pong for %" PRIu64 " ms",
				short_hex(peer->ed25519, hex), now_ms - peer->last_pong_ms);
		}
		peer->sent_n = p->next_n;
		peer->sent_ms = now_ms;
		if (peer->since_ms == 0)
			peer->since_ms = now_ms;
		if (send_msg(p, peer->ed25519, "ping", p->next_n, now_ms) == 0)
			p->st.pings_sent++;
	}
	p->next_n++;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_peer_ping_round(arg, wall_ms());
}

static void
on_pong(struct ctl_peer_ping *p, struct ctl_peer *peer, uint32_t n, uint64_t now_ms)
{
	char hex[17];

	if (p->on_pong != NULL)
		p->on_pong(p->hook_arg, peer->ed25519, n);
	if (n != peer->sent_n)
		return; /* an old round's pong: rtt unknown, reachability shown by the next */
	peer->rtt_ms = now_ms - peer->sent_ms;
	peer->last_pong_ms = now_ms;
	p->st.pongs++;
	if (!peer->reachable)
		ctl_log(CTL_LOG_NOTICE, "peer %s... reachable over DIRECT (rtt %" PRIu64 " ms)",
			short_hex(peer->ed25519, hex), peer->rtt_ms);
	peer->reachable = true;
}

/* A message that is neither ping nor pong: the hook's, or rejected. */
static void
on_other(struct ctl_peer_ping *p, const uint8_t from[32], const char *type, const json_t *j)
{
	if (p->on_msg == NULL) {
		p->st.rejected++;
		return;
	}
	p->on_msg(p->hook_arg, from, type, j);
}

void
ctl_peer_ping_on_direct(void *arg, const uint8_t from[32], const uint8_t *msg, size_t len)
{
	struct ctl_peer_ping *p = arg;
	uint8_t payload[CTL_DP_DIRECT_MAX], sender[32];
	uint64_t ts, now = wall_ms();
	struct ctl_peer *peer = find(p, from);
	const char *type = NULL;
	json_int_t n = -1;
	size_t plen;
	json_t *j;

	if (peer == NULL) {
		p->st.unknown_sender++;
		return;
	}
	if (snc_direct_open(p->verifier, &p->id, now, msg, len, payload, sizeof(payload), &plen,
			    sender, &ts) != 0 ||
	    memcmp(sender, from, 32) != 0 ||
	    (j = json_loadb((const char *)payload, plen, 0, NULL)) == NULL) {
		p->st.rejected++;
		return;
	}
	if (json_unpack(j, "{s:s}", "t", &type) != 0)
		p->st.rejected++;
	else if (strcmp(type, "ping") != 0 && strcmp(type, "pong") != 0)
		on_other(p, from, type, j);
	else if (json_unpack(j, "{s:I}", "n", &n) != 0 || n < 0 || n > UINT32_MAX)
		p->st.rejected++;
	else if (strcmp(type, "ping") == 0 && send_msg(p, from, "pong", (uint32_t)n, now) == 0)
		p->st.pongs_sent++;
	else if (strcmp(type, "pong") == 0)
		on_pong(p, peer, (uint32_t)n, now);
	json_decref(j);
}

int
ctl_peer_ping_start(struct ctl_peer_ping *p, struct event_base *base, struct ctl_dp_channel *ch,
		    const struct snc_identity *id, const struct ctl_peer *peers, size_t n,
		    uint64_t interval_ms)
{
	struct timeval tv;

	memset(p, 0, sizeof(*p));
	if (n > CTL_PING_PEERS_MAX || ch == NULL)
		return -EINVAL;
	p->channel = ch;
	p->id = *id;
	p->interval_ms = interval_ms != 0 ? interval_ms : CTL_PING_INTERVAL_MS;
	p->verifier = malloc(sizeof(*p->verifier));
	p->peers = calloc(n > 0 ? n : 1, sizeof(*p->peers));
	p->timer = event_new(base, -1, EV_PERSIST, on_timer, p);
	if (p->verifier == NULL || p->peers == NULL || p->timer == NULL ||
	    snc_direct_verifier_init(p->verifier, 0) != 0) {
		ctl_peer_ping_stop(p);
		return -ENOMEM;
	}
	memcpy(p->peers, peers, n * sizeof(*peers));
	p->n = n;
	tv.tv_sec = (time_t)(p->interval_ms / 1000);
	tv.tv_usec = (suseconds_t)(p->interval_ms % 1000 * 1000);
	event_add(p->timer, &tv);
	ctl_dp_channel_on_direct(ch, ctl_peer_ping_on_direct, p);
	return 0;
}

int
ctl_peer_ping_set_peers(struct ctl_peer_ping *p, const struct ctl_peer *peers, size_t n)
{
	struct ctl_peer *next;

	if (n > CTL_PING_PEERS_MAX)
		return -EINVAL;
	next = calloc(n > 0 ? n : 1, sizeof(*next));
	if (next == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		next[i] = peers[i];
		for (size_t j = 0; j < p->n; j++) /* a known peer keeps its state */
			if (memcmp(p->peers[j].ed25519, peers[i].ed25519, 32) == 0)
				next[i] = p->peers[j];
	}
	free(p->peers);
	p->peers = next;
	p->n = n;
	return 0;
}

void
ctl_peer_ping_stop(struct ctl_peer_ping *p)
{
	if (p->channel != NULL)
		ctl_dp_channel_on_direct(p->channel, NULL, NULL);
	if (p->timer != NULL)
		event_free(p->timer);
	free(p->verifier);
	free(p->peers);
	snc_identity_wipe(&p->id);
	memset(p, 0, sizeof(*p));
}
