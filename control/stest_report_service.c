/* SPDX-License-Identifier: MIT */
/* snode-control's storage-test reports (stest_report_service.h). */
#include "stest_report_service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "registry.h"
#include "swarm_view_registry.h"

struct ctl_srep_service {
	struct ctl_srep_service_conf conf;
	struct snc_identity id;
	bool stopping;
	struct ctl_srep_table table;
	struct ctl_srep_stats st;
	/* the testees this node reported on last, with the height (round robin) */
	struct reported {
		uint8_t testee[32];
		uint64_t height;
	} last[CTL_SREP_REPORTED_MAX];
	size_t next_last;
};

enum {
	ANSWER_TAKEN = 0,
	ANSWER_REFUSED = 1
};

struct ctl_srep_service *
ctl_srep_service_start(const struct ctl_srep_service_conf *conf, char *err, size_t errlen)
{
	struct ctl_srep_service *s;

	if (conf->d == NULL || conf->id == NULL ||
	    ctl_swarm_view_registry_state(conf->swarm) == NULL) {
		snprintf(err, errlen, "storage-test reports: need direct_rpc and a registry view");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "storage-test reports: out of memory");
		return NULL;
	}
	s->conf = *conf;
	s->id = *conf->id;
	s->conf.id = &s->id;
	ctl_srep_table_init(&s->table, conf->failures);
	if (conf->repl != NULL)
		ctl_replicate_set_sreport(conf->repl, ctl_srep_service_on_request, s);
	return s;
}

void
ctl_srep_service_stop(struct ctl_srep_service *s)
{
	if (s == NULL || s->stopping)
		return;
	s->stopping = true;
	if (s->conf.repl != NULL)
		ctl_replicate_set_sreport(s->conf.repl, NULL, NULL);
}

void
ctl_srep_service_free(struct ctl_srep_service *s)
{
	if (s == NULL)
		return;
	ctl_srep_service_stop(s);
	sodium_memzero(s, sizeof(*s)); /* the identity's secret keys */
	free(s);
}

void
ctl_srep_service_stats(const struct ctl_srep_service *s, struct ctl_srep_stats *out)
{
	*out = s->st;
	out->failing = ctl_srep_failing_count(&s->table);
}

const struct ctl_srep_table *
ctl_srep_service_table(const struct ctl_srep_service *s)
{
	return s != NULL ? &s->table : NULL;
}

/* ---- validator -------------------------------------------------------------------------- */

enum ctl_srep_refusal
ctl_srep_service_receive(struct ctl_srep_service *s, const uint8_t peer[32], const uint8_t *body,
			 size_t len)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(s->conf.swarm);
	struct ctl_srep_ctx ctx = {.reg = reg,
				   .swarm = s->conf.swarm,
				   .self = s->id.ed25519_pk,
				   .pairs = s->conf.pairs};
	enum ctl_srep_refusal why;
	struct ctl_srep r;

	s->st.received++;
	if (ctl_srep_decode(body, len, &r) != 0)
		why = CTL_SREP_MALFORMED;
	else if (reg == NULL)
		why = CTL_SREP_STALE_HEIGHT; /* cannot happen: start needs a registry view */
	else
		why = ctl_srep_take(&s->table, &ctx, peer, &r);
	if (why != CTL_SREP_TAKEN) {
		s->st.refused[why]++;
		return why;
	}
	s->st.taken++;
	if (r.result == CTL_SREP_FAILED) {
		char key[65];

		s->st.taken_failed++;
		sodium_bin2hex(key, sizeof(key), r.testee, 32);
		ctl_log(CTL_LOG_INFO, "storage-test report: %.16s failed at height %llu%s", key,
			(unsigned long long)r.height,
			ctl_srep_failing(&s->table, r.testee) ? ", failing by reports" : "");
	}
	return why;
}

void
ctl_srep_service_on_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body,
			    size_t len)
{
	struct ctl_srep_service *s = arg;
	uint8_t answer = ctl_srep_service_receive(s, peer, body, len) == CTL_SREP_TAKEN
				 ? ANSWER_TAKEN
				 : ANSWER_REFUSED;

	(void)ctl_drpc_respond(s->conf.d, peer, id, &answer, 1); /* counted by direct_rpc */
}

/* ---- tester ----------------------------------------------------------------------------- */

static void
on_answer(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct ctl_srep_service *s = arg;

	if (rc == -ESHUTDOWN)
		return;
	if (rc != 0 || len != 1 || body[0] > ANSWER_REFUSED)
		s->st.no_answer++;
	else if (body[0] == ANSWER_TAKEN)
		s->st.acked++;
	else
		s->st.answer_refused++;
}

/* A test of testee at height was reported already (the interval is shorter than a block, so a
 * tester tests the same pair again; a validator takes one report per tester and height).
 * Otherwise remembers it. */
static bool
reported(struct ctl_srep_service *s, const uint8_t testee[32], uint64_t height)
{
	struct reported *slot = NULL;

	for (size_t i = 0; i < CTL_SREP_REPORTED_MAX; i++)
		if (memcmp(s->last[i].testee, testee, 32) == 0) {
			if (s->last[i].height >= height)
				return true;
			slot = &s->last[i];
			break;
		}
	if (slot == NULL) {
		slot = &s->last[s->next_last];
		s->next_last = (s->next_last + 1) % CTL_SREP_REPORTED_MAX;
	}
	memcpy(slot->testee, testee, 32);
	slot->height = height;
	return false;
}

void
ctl_srep_service_on_result(void *arg, const uint8_t testee[32], uint64_t height, bool passed)
{
	struct ctl_srep_service *s = arg;
	const struct ctl_registry *reg;
	uint8_t to[2 * CTL_QUORUM_VALIDATORS][32], body[CTL_SREP_WIRE];
	struct ctl_srep r = {.height = height};
	size_t n;

	if (s == NULL || s->stopping ||
	    (reg = ctl_swarm_view_registry_state(s->conf.swarm)) == NULL)
		return;
	n = ctl_srep_validators_of(reg, testee, to);
	if (n == 0) {
		s->st.not_worker++;
		return;
	}
	if (reported(s, testee, height)) {
		s->st.repeated++;
		return;
	}
	s->st.reports++;
	memcpy(r.testee, testee, 32);
	memcpy(r.tester, s->id.ed25519_pk, 32);
	r.result = passed ? CTL_SREP_PASSED : CTL_SREP_FAILED;
	ctl_srep_sign(&r, s->id.ed25519_sk);
	ctl_srep_encode(&r, body);
	for (size_t i = 0; i < n; i++) {
		if (memcmp(to[i], s->id.ed25519_pk, 32) == 0) {
			/* this node validates the testee's quorum: its own report, taken here */
			if (ctl_srep_service_receive(s, to[i], body, sizeof(body)) ==
			    CTL_SREP_TAKEN)
				s->st.acked++;
			else
				s->st.answer_refused++;
			continue;
		}
		if (ctl_drpc_call(s->conf.d, to[i], body, sizeof(body), s->conf.timeout_ms,
				  on_answer, s, NULL) == 0)
			s->st.sent++;
		else
			s->st.send_failed++;
	}
}
