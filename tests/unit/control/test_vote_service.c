/* SPDX-License-Identifier: MIT */
/* control/vote_service.c: the reachability adapter over peer pings (unknown
 * peer, reachable, never answered, unreachable since the last pong) and the passing
 * judgement over it (recommission votes), the
 * combined sources with the tests and proofs not running (the reach and
 * uptime verdicts themselves: test_reach_test.c, test_uptime.c), and the
 * start refusals (no registry view, a registry source that does not parse). The voting itself:
 * test_quorum_vote.c. */
#include "test_common_ctl.h"

#include <limits.h>
#include <unistd.h>

#include "swarm_view_registry.h"
#include "vote_service.h"

static void
test_reach_adapter(void **state)
{
	struct ctl_peer peers[3] = {0};
	struct ctl_peer_ping p = {.peers = peers, .n = 3};
	uint8_t other[32];
	uint64_t f = 0;

	(void)state;
	memset(peers[0].ed25519, 1, 32);
	peers[0].reachable = true;
	peers[0].last_pong_ms = 900;
	peers[0].since_ms = 100;
	memset(peers[1].ed25519, 2, 32); /* never answered, pinged since 250 */
	peers[1].since_ms = 250;
	memset(peers[2].ed25519, 3, 32);
	peers[2].last_pong_ms = 400; /* silent since its pong at 400 */
	peers[2].since_ms = 100;
	memset(other, 9, 32);
	assert_false(ctl_vote_peer_ping_reach(&p, other, 1000, &f)); /* not pinged */
	assert_false(ctl_vote_peer_ping_reach(&p, peers[0].ed25519, 1000, &f));
	assert_true(ctl_vote_peer_ping_reach(&p, peers[1].ed25519, 1000, &f));
	assert_int_equal(f, 750);
	assert_true(ctl_vote_peer_ping_reach(&p, peers[2].ed25519, 1000, &f));
	assert_int_equal(f, 600);
	/* a clock that went back: unreachable for 0 */
	assert_true(ctl_vote_peer_ping_reach(&p, peers[2].ed25519, 300, &f));
	assert_int_equal(f, 0);
	/* listed but not pinged yet: no judgement */
	peers[1].since_ms = 0;
	assert_false(ctl_vote_peer_ping_reach(&p, peers[1].ed25519, 1000, &f));
	/* the combined sources: without tests or proofs running, the pings decide */
	{
		struct ctl_vote_sources src = {.ping = &p};
		struct ctl_vote_sources none = {0};

		assert_true(ctl_vote_sources_failing(&src, peers[2].ed25519, 1000, &f));
		assert_int_equal(f, 600);
		assert_false(ctl_vote_sources_failing(&src, peers[0].ed25519, 1000, &f));
		assert_false(ctl_vote_sources_failing(&none, peers[2].ed25519, 1000, &f));
		/* passing (recommission votes) needs the pings' positive answer */
		assert_true(ctl_vote_sources_passing(&src, peers[0].ed25519, 1000));
		assert_false(ctl_vote_sources_passing(&src, peers[2].ed25519, 1000));
		assert_false(ctl_vote_sources_passing(&src, peers[1].ed25519, 1000));
		assert_false(ctl_vote_sources_passing(&src, other, 1000)); /* not pinged */
		assert_false(ctl_vote_sources_passing(&none, peers[0].ed25519, 1000));
	}
}

static void
test_start_refusals(void **state)
{
	struct ctl_vote_service_conf c = {.interval_ms = 1000, .registry = "/r"};
	uint8_t self[32] = {1};
	char err[300], dir[64], file[128];

	(void)state;
	/* a swarm view that is not a registry's */
	c.swarm = ctl_swarm_view_single(NULL, 0, self, err, sizeof(err));
	assert_non_null(c.swarm);
	assert_null(ctl_vote_service_start(&c, err, sizeof(err)));
	assert_string_equal(err, "quorum votes: need a registry");
	ctl_swarm_view_free(c.swarm);
	/* a registry source that does not parse (its pending queue would be nowhere) */
	make_tmpdir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/registry", dir);
	write_file(file, "option epoch-blocks 2\n");
	c.swarm = ctl_swarm_view_registry_load(file, self, 1, err, sizeof(err));
	assert_non_null(c.swarm);
	c.registry = "relative/path";
	assert_null(ctl_vote_service_start(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "'relative/path'"));
	ctl_swarm_view_free(c.swarm);
	unlink(file);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reach_adapter),
		cmocka_unit_test(test_start_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
