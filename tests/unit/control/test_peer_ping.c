/* SPDX-License-Identifier: MIT */
/*
 * control/peer_ping.c over a real channel socket (the test plays the
 * dataplane): pings go out sealed to every peer, a sealed ping from a peer is
 * answered with a pong, a pong makes the peer reachable, silence makes it
 * unreachable, and forged, misattributed, replayed or unknown messages are
 * counted and ignored. Messages are sealed and opened here with
 * crypto/direct.h and independent identities.
 */
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "peer_ping.h"
#include "test_common_ctl.h"

static char dir[40], path[80];
static struct event_base *base;
static struct snc_identity self, peer_b, stranger;
static int lfd = -1, fd = -1;
static struct ctl_dp_channel *ch;
static struct ctl_peer_ping ping;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
pump(int ms)
{
	struct timeval tv = {0, ms * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
send_dp(uint8_t type, const void *body, size_t len)
{
	uint8_t msg[CHAN_MSG_MAX];
	struct chan_hdr h = {CHAN_VERSION, type, 0, (uint32_t)len, {0}};

	chan_hdr_encode(&h, msg);
	memcpy(msg + CHAN_HDR_BYTES, body, len);
	assert_int_equal(send(fd, msg, CHAN_HDR_BYTES + len, 0), (ssize_t)(CHAN_HDR_BYTES + len));
}

/* The next DIRECT the node sends: returns its payload opened as `as`, "" if none. */
static const char *
next_direct(const struct snc_identity *as, uint8_t peer_out[32])
{
	static char payload[256];
	static struct snc_direct_verifier v;
	uint8_t buf[CHAN_MSG_MAX], sender[32];
	const uint8_t *body;
	struct chan_hdr h;
	struct pollfd p = {fd, POLLIN, 0};
	uint64_t ts;
	size_t n;

	pump(10);
	if (poll(&p, 1, 500) != 1)
		return "";
	assert_int_equal(chan_hdr_decode(buf, (size_t)recv(fd, buf, sizeof(buf), 0), &h, &body), 0);
	assert_int_equal(h.type, CHAN_DIRECT);
	memcpy(peer_out, body, 32);
	snc_direct_verifier_init(&v, 0);
	assert_int_equal(snc_direct_open(&v, as, now_ms(), body + 32, h.body_len - 32,
					 (uint8_t *)payload, sizeof(payload) - 1, &n, sender, &ts),
			 0);
	assert_memory_equal(sender, self.ed25519_pk, 32);
	payload[n] = '\0';
	return payload;
}

/* A sealed message from `from`, delivered as the dataplane would, naming `as_peer`. */
static void
deliver(const struct snc_identity *from, const uint8_t as_peer[32], const char *payload)
{
	uint8_t body[32 + 256 + SNC_DIRECT_OVERHEAD];
	size_t n;

	assert_int_equal(snc_direct_seal(from, self.ed25519_pk, now_ms(), NULL,
					 (const uint8_t *)payload, strlen(payload), body + 32,
					 sizeof(body) - 32, &n),
			 0);
	memcpy(body, as_peer, 32);
	send_dp(CHAN_DIRECT, body, 32 + n);
	pump(10);
}

static void
identity(struct snc_identity *id, uint8_t fill)
{
	uint8_t seed[32];

	memset(seed, fill, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

static int
setup(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ctl_peer peers[1];
	uint8_t buf[128];

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/dp.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	base = event_base_new();
	lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	ch = ctl_dp_channel_new(base, path, self.ed25519_pk, NULL, NULL);
	pump(20);
	fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	assert_true(recv(fd, buf, sizeof(buf), 0) > 0); /* its HELLO */
	send_dp(CHAN_HELLO, self.ed25519_pk, 32);
	pump(20);
	assert_true(ctl_dp_channel_connected(ch));
	memset(peers, 0, sizeof(peers));
	memcpy(peers[0].ed25519, peer_b.ed25519_pk, 32);
	assert_int_equal(ctl_peer_ping_start(&ping, base, ch, &self, peers, 1, 3600 * 1000), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ctl_peer_ping_stop(&ping);
	ctl_dp_channel_free(ch);
	close(fd);
	close(lfd);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
	return 0;
}

static void
a_round_pings_every_peer_and_a_pong_makes_it_reachable(void **state)
{
	uint8_t to[32];
	char pong[64];
	const char *got;

	(void)state;
	ctl_peer_ping_round(&ping, now_ms());
	got = next_direct(&peer_b, to);
	assert_string_equal(got, "{\"t\":\"ping\",\"n\":0}");
	assert_memory_equal(to, peer_b.ed25519_pk, 32);
	assert_false(ping.peers[0].reachable);
	snprintf(pong, sizeof(pong), "{\"t\":\"pong\",\"n\":%u}", ping.peers[0].sent_n);
	deliver(&peer_b, peer_b.ed25519_pk, pong);
	assert_true(ping.peers[0].reachable);
	assert_int_equal(ping.st.pongs, 1);
	/* silence for more than three intervals: unreachable at the next round */
	ctl_peer_ping_round(&ping, ping.peers[0].last_pong_ms + 3 * ping.interval_ms + 1);
	assert_false(ping.peers[0].reachable);
	assert_int_equal(ping.st.pings_sent, 2);
}

/* The registry changed: a listed peer keeps its state, a new one starts unknown and is
 * pinged at the next round, a dropped one is no longer known. */
static void
set_peers_keeps_known_peers_and_adds_new_ones(void **state)
{
	struct ctl_peer next[2] = {0};
	uint8_t to[32];
	char pong[64];

	(void)state;
	ctl_peer_ping_round(&ping, now_ms());
	next_direct(&peer_b, to);
	snprintf(pong, sizeof(pong), "{\"t\":\"pong\",\"n\":%u}", ping.peers[0].sent_n);
	deliver(&peer_b, peer_b.ed25519_pk, pong);
	assert_true(ping.peers[0].reachable);
	memcpy(next[0].ed25519, stranger.ed25519_pk, 32);
	memcpy(next[1].ed25519, peer_b.ed25519_pk, 32);
	assert_int_equal(ctl_peer_ping_set_peers(&ping, next, 2), 0);
	assert_int_equal(ping.n, 2);
	assert_false(ping.peers[0].reachable); /* the new one */
	assert_true(ping.peers[1].reachable);  /* peer b kept its pong */
	/* the stranger is known now: its ping is answered */
	deliver(&stranger, stranger.ed25519_pk, "{\"t\":\"ping\",\"n\":5}");
	assert_int_equal(ping.st.unknown_sender, 0);
	assert_int_equal(ping.st.pongs_sent, 1);
	/* peer b dropped: its ping is from an unknown sender now */
	assert_int_equal(ctl_peer_ping_set_peers(&ping, next, 1), 0);
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"ping\",\"n\":6}");
	assert_int_equal(ping.st.unknown_sender, 1);
	assert_int_equal(ctl_peer_ping_set_peers(&ping, next, CTL_PING_PEERS_MAX + 1), -EINVAL);
	assert_int_equal(ping.n, 1);
}

static void
a_ping_from_a_peer_is_answered(void **state)
{
	uint8_t to[32];

	(void)state;
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"ping\",\"n\":41}");
	assert_string_equal(next_direct(&peer_b, to), "{\"t\":\"pong\",\"n\":41}");
	assert_memory_equal(to, peer_b.ed25519_pk, 32);
	assert_int_equal(ping.st.pongs_sent, 1);
}

static void
forged_misattributed_unknown_and_malformed_are_ignored(void **state)
{
	uint8_t to[32];

	(void)state;
	/* a node the list does not have */
	deliver(&stranger, stranger.ed25519_pk, "{\"t\":\"ping\",\"n\":1}");
	assert_int_equal(ping.st.unknown_sender, 1);
	/* signed by a stranger, but arriving from the peer's address */
	deliver(&stranger, peer_b.ed25519_pk, "{\"t\":\"ping\",\"n\":2}");
	/* well formed DIRECT, payload not what we speak */
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"ping\"}");
	deliver(&peer_b, peer_b.ed25519_pk, "not json");
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"ping\",\"n\":-1}");
	assert_int_equal(ping.st.rejected, 4);
	/* garbage instead of a sealed message */
	{
		uint8_t body[32 + 10] = {0};

		memcpy(body, peer_b.ed25519_pk, 32);
		send_dp(CHAN_DIRECT, body, sizeof(body));
		pump(10);
	}
	assert_int_equal(ping.st.rejected, 5);
	assert_int_equal(ping.st.pongs_sent, 0);
	assert_string_equal(next_direct(&peer_b, to), ""); /* nothing was answered */
}

static void
a_replayed_ping_is_answered_once(void **state)
{
	uint8_t body[32 + 64 + SNC_DIRECT_OVERHEAD], to[32];
	const char *ping_text = "{\"t\":\"ping\",\"n\":5}";
	size_t n;

	(void)state;
	assert_int_equal(snc_direct_seal(&peer_b, self.ed25519_pk, now_ms(), NULL,
					 (const uint8_t *)ping_text, strlen(ping_text), body + 32,
					 sizeof(body) - 32, &n),
			 0);
	memcpy(body, peer_b.ed25519_pk, 32);
	send_dp(CHAN_DIRECT, body, 32 + n);
	send_dp(CHAN_DIRECT, body, 32 + n);
	pump(20);
	assert_int_equal(ping.st.pongs_sent, 1);
	assert_int_equal(ping.st.rejected, 1);
	assert_string_equal(next_direct(&peer_b, to), "{\"t\":\"pong\",\"n\":5}");
}

static uint32_t hook_n;
static unsigned hook_pongs, hook_msgs;
static char hook_p[64];

static void
hook_pong(void *arg, const uint8_t from[32], uint32_t n)
{
	assert_ptr_equal(arg, &ping);
	assert_memory_equal(from, peer_b.ed25519_pk, 32);
	hook_n = n;
	hook_pongs++;
}

static void
hook_msg(void *arg, const uint8_t from[32], const char *type, const json_t *j)
{
	(void)arg;
	assert_memory_equal(from, peer_b.ed25519_pk, 32);
	assert_string_equal(type, "proof");
	snprintf(hook_p, sizeof(hook_p), "%s", json_string_value(json_object_get(j, "p")));
	hook_msgs++;
}

/* Reachability tests and uptime proofs ride on peer_ping: other types go to the message
 * hook (rejected without one), every pong to the pong hook, and both send their own. */
static void
hooks_see_pongs_and_other_types_and_senders_seal(void **state)
{
	char big[CTL_PEER_PING_JSON_MAX + 2];
	uint8_t to[32];

	(void)state;
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"proof\",\"p\":\"abc\"}");
	assert_int_equal(ping.st.rejected, 1);
	ctl_peer_ping_set_hooks(&ping, hook_pong, hook_msg, &ping);
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"proof\",\"p\":\"abc\"}");
	assert_int_equal(hook_msgs, 1);
	assert_string_equal(hook_p, "abc");
	assert_int_equal(ping.st.rejected, 1);
	deliver(&peer_b, peer_b.ed25519_pk, "{\"t\":\"pong\",\"n\":2147483653}");
	assert_int_equal(hook_pongs, 1);
	assert_int_equal(hook_n, 0x80000005u);
	assert_false(ping.peers[0].reachable); /* not peer_ping's own round */
	assert_int_equal(ctl_peer_ping_send_ping(&ping, peer_b.ed25519_pk, 0x80000001u), 0);
	assert_string_equal(next_direct(&peer_b, to), "{\"t\":\"ping\",\"n\":2147483649}");
	assert_int_equal(ping.st.pings_sent, 1);
	assert_int_equal(ctl_peer_ping_send_json(&ping, peer_b.ed25519_pk, "{\"t\":\"proof\"}", 13),
			 0);
	assert_string_equal(next_direct(&peer_b, to), "{\"t\":\"proof\"}");
	memset(big, ' ', sizeof(big));
	assert_int_equal(
		ctl_peer_ping_send_json(&ping, peer_b.ed25519_pk, big, CTL_PEER_PING_JSON_MAX + 1),
		-EMSGSIZE);
	ctl_peer_ping_set_hooks(&ping, NULL, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_round_pings_every_peer_and_a_pong_makes_it_reachable, setup, teardown),
		cmocka_unit_test_setup_teardown(a_ping_from_a_peer_is_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(set_peers_keeps_known_peers_and_adds_new_ones,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			forged_misattributed_unknown_and_malformed_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(a_replayed_ping_is_answered_once, setup, teardown),
		cmocka_unit_test_setup_teardown(hooks_see_pongs_and_other_types_and_senders_seal,
						setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	identity(&self, 1);
	identity(&peer_b, 2);
	identity(&stranger, 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
