/* SPDX-License-Identifier: MIT */
/*
 * Storage-test reports in snode-control (stest_report.h, docs/storage-tests.md
 * "Reports to the quorum").
 *
 * Tester side: the storage-test service calls ctl_srep_service_on_result after
 * every test it ran (pass or fail); the first result per testee and height is
 * reported (later ones at that height are counted repeated). When the testee is a worker of the
 * registry's current or previous quorum, the signed report goes over
 * direct_rpc to each validator of those quorums (this node, when it is one,
 * takes its own report directly).
 *
 * Validator side: bodies whose first byte is 'R' (the replicator's dispatch)
 * are checked against the registry (ctl_srep_take) and kept in a table of
 * the quorums' workers; ctl_srep_service_table is what the vote reads
 * (ctl_srep_failing).
 */
#ifndef CTL_STEST_REPORT_SERVICE_H
#define CTL_STEST_REPORT_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direct_rpc.h"
#include "identity.h"
#include "replicate.h"
#include "stest_report.h"
#include "swarm_view.h"

enum {
	/* testees whose last reported height a tester remembers (one report per testee and
	 * height: the first test's) */
	CTL_SREP_REPORTED_MAX = 64,
};

struct ctl_srep_service_conf {
	struct ctl_drpc *d;
	struct ctl_replicate *repl;	    /* its dispatch hands reports here (NULL: the caller
					     * sets ctl_srep_service_on_request itself) */
	const struct ctl_swarm_view *swarm; /* a registry view */
	const struct snc_identity *id;	    /* copied; wiped by ctl_srep_service_free */
	unsigned pairs;			    /* storage-test-pairs */
	uint32_t failures;		    /* storage-test-failures */
	uint64_t timeout_ms;		    /* per report sent; 0: direct_rpc's */
};

struct ctl_srep_stats {
	/* tester */
	uint64_t reports;	 /* results this node reported (a worker's) */
	uint64_t not_worker;	 /* results not reported: the testee is no quorum's worker */
	uint64_t repeated;	 /* results not reported: that testee and height were already */
	uint64_t sent;		 /* reports sent to validators */
	uint64_t send_failed;	 /* direct_rpc did not take one */
	uint64_t acked;		 /* a validator answered taken */
	uint64_t answer_refused; /* a validator answered refused */
	uint64_t no_answer;	 /* timed out, or a malformed answer */
	/* validator */
	uint64_t received;		     /* report bodies that came (own reports included) */
	uint64_t taken, taken_failed;	     /* taken; of which failures */
	uint64_t refused[CTL_SREP_REFUSALS]; /* [0] unused; by ctl_srep_refusal */
	uint64_t failing;		     /* workers storage-failing by reports now */
};

struct ctl_srep_service;

/* NULL with a reason in err (no registry view, bad conf, no memory). */
struct ctl_srep_service *ctl_srep_service_start(const struct ctl_srep_service_conf *conf, char *err,
						size_t errlen);
/* Stops the dispatch (before the replicator is freed). */
void ctl_srep_service_stop(struct ctl_srep_service *s);
/* After direct_rpc is freed (its -ESHUTDOWN callbacks name this). NULL does nothing. */
void ctl_srep_service_free(struct ctl_srep_service *s);

void ctl_srep_service_stats(const struct ctl_srep_service *s, struct ctl_srep_stats *out);
/* What the vote reads; NULL for NULL. */
const struct ctl_srep_table *ctl_srep_service_table(const struct ctl_srep_service *s);

/* A storage test this node ran (arg: the service; the storage-test service's hook). */
void ctl_srep_service_on_result(void *arg, const uint8_t testee[32], uint64_t height, bool passed);

/* ctl_drpc_request_fn for 'R' bodies (arg: the service). */
void ctl_srep_service_on_request(void *arg, const uint8_t peer[32], uint64_t id,
				 const uint8_t *body, size_t len);

/* A body from peer checked and kept (what on_request does before answering; tests call it). */
enum ctl_srep_refusal ctl_srep_service_receive(struct ctl_srep_service *s, const uint8_t peer[32],
					       const uint8_t *body, size_t len);

#endif
