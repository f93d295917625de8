/* SPDX-License-Identifier: MIT */
/*
 * Storage-proof tests inside snode-control (docs/storage-tests.md):
 * storage_test.h driven by a libevent timer every storage-test-interval-ms.
 *
 * Tester: each round takes the registry's last block - 4 as the test height
 * and that block's hash (the registry keeps the last 30), draws the pairs of
 * this node's swarm, and tests every testee drawn for this node: it reads a
 * page of its own store from a random SCAN cursor, keeps the records that map
 * to the swarm and live past the test's timeout, picks up to records of them
 * at random, computes the expected proof, and sends the request with a fresh
 * 32-byte nonce over direct_rpc. It compares the answer in constant time;
 * every answer but a matching OK is a failure, and a testee's failures in a
 * row feed ctl_stest_failing (the quorum vote).
 *
 * Testee: a request (dispatched by the replicator on its first byte 'S') is
 * checked (wire, height among the last 30, this node the testee and the
 * sender the tester of one of the height's pairs), the records are looked up
 * in the store, and while any is unknown the lookup is retried every
 * CTL_STEST_RETRY_STEP_MS until storage-test-retry-ms has passed (a record
 * the tester stored a moment ago may still be on its way), then "other".
 */
#ifndef CTL_STORAGE_TEST_SERVICE_H
#define CTL_STORAGE_TEST_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_stest.h"
#include "direct_rpc.h"
#include "replicate.h"
#include "storage_test.h"
#include "swarm_view.h"

struct event_base;
struct store;

enum {
	CTL_STEST_IN_FLIGHT_MAX = 8,	/* tests this node runs as tester at once */
	CTL_STEST_SERVING_MAX = 16,	/* tests this node answers at once (more: busy) */
	CTL_STEST_SERVING_PER_PEER = 1, /* of them for one tester (more: busy, to it only) */
	CTL_STEST_RETRY_STEP_MS = 100,	/* a testee's lookups of unknown records */
	CTL_STEST_SCAN_RECORDS = 64,	/* records read to pick from */
	CTL_STEST_SCAN_BYTES = 1 << 20,
};

struct ctl_stest_service_conf {
	struct event_base *base;
	struct ctl_drpc *d;
	struct ctl_replicate *repl;   /* its request dispatch hands tests here */
	struct ctl_swarm_view *swarm; /* a registry view */
	struct store *store;
	const uint8_t *self; /* this node's Ed25519 key (32, copied) */
	struct ctl_stest_conf c;
	unsigned serving_per_peer; /* 0: CTL_STEST_SERVING_PER_PEER (tests set more) */
	/* every test this node ran, pass or fail (stest_report_service.h); NULL: none */
	void (*on_result)(void *arg, const uint8_t testee[32], uint64_t height, bool passed);
	void *on_result_arg;
};

struct ctl_stest_stats {
	/* tester */
	uint64_t rounds;
	uint64_t no_block; /* rounds without the test height's hash (fewer than 5 blocks) */
	uint64_t no_swarm; /* rounds where this node is in no swarm of 2+ */
	uint64_t started, passed, failed;
	uint64_t fail_timeout, fail_mismatch, fail_wrong_request, fail_invalid_height;
	uint64_t fail_other, fail_invalid_params, fail_busy, fail_bad_answer;
	uint64_t no_records;	 /* tests dropped: no record of the swarm to test */
	uint64_t scan_errors;	 /* the store could not be read */
	uint64_t send_failed;	 /* direct_rpc refused the request (not counted on the testee) */
	uint64_t in_flight_full; /* tests not started: CTL_STEST_IN_FLIGHT_MAX running */
	uint64_t in_flight;	 /* now */
	uint64_t failing;	 /* testees at or over storage-test-failures now */
	/* testee */
	uint64_t requests_in, answered_ok, answered_other;
	uint64_t refused_invalid_params, refused_invalid_height, refused_wrong_request,
		refused_busy, refused_peer_busy;
	uint64_t retries;	 /* lookups repeated for unknown records */
	uint64_t store_errors;	 /* lookups that failed (retried like unknown records) */
	uint64_t respond_failed; /* answers direct_rpc did not send */
	uint64_t serving;	 /* now */
};

struct ctl_stest_service;

/* NULL with a reason in err (no registry view, no memory). */
struct ctl_stest_service *ctl_stest_service_start(const struct ctl_stest_service_conf *conf,
						  char *err, size_t errlen);
/* Stops the timer, the dispatch and the retries (before the replicator is freed). */
void ctl_stest_service_stop(struct ctl_stest_service *s);
/* After the direct_rpc and the store are freed: their last callbacks (-ESHUTDOWN,
 * -ENOTCONN) still name the tests. NULL does nothing. */
void ctl_stest_service_free(struct ctl_stest_service *s);

void ctl_stest_service_stats(const struct ctl_stest_service *s, struct ctl_stest_stats *out);
/* The per-testee streaks (what the quorum vote reads); NULL for NULL. */
const struct ctl_stest_results *ctl_stest_service_results(const struct ctl_stest_service *s);

/* One round now (what the timer does; tests call it). */
void ctl_stest_service_round(struct ctl_stest_service *s);

/* ctl_drpc_request_fn for 'S' bodies (arg: the service). */
void ctl_stest_service_on_request(void *arg, const uint8_t peer[32], uint64_t id,
				  const uint8_t *body, size_t len);

#endif
