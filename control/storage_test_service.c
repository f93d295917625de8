/* SPDX-License-Identifier: MIT */
/* snode-control's storage-proof tests (storage_test_service.h). */
#include "storage_test_service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <event2/event.h>

#include "bulk.h"
#include "log.h"
#include "lookup.h"
#include "registry.h"
#include "swarm_view_registry.h"

struct test; /* one test this node runs as tester */
struct serving;

struct ctl_stest_service {
	struct ctl_stest_service_conf conf;
	uint8_t self[32];
	bool stopping;
	bool told_pairs; /* the registry's storage-test-pairs overriding ours was logged */
	struct event *timer;
	struct ctl_stest_results results;
	struct ctl_stest_stats st;
	struct test *tests; /* in flight */
	struct serving *serving;
};

struct test {
	struct ctl_stest_service *s;
	struct test *next;
	uint8_t testee[32];
	uint64_t height, swarm_id;
	uint64_t cursor;
	uint8_t expected[CTL_STEST_PROOF];
};

struct serving {
	struct ctl_stest_service *s;
	struct serving *next;
	uint8_t peer[32];
	uint64_t id;
	uint64_t deadline_ms;
	bool lookup_pending; /* a store callback will come */
	struct event *retry;
	struct ctl_stest_request rq;
};

/* Expiries and the retry window are wall-clock milliseconds (the store's clock). */
static uint64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* This node's swarm members' keys, ascending (as the view keeps them). NULL: none of 2+. */
static uint8_t (*members_of(const struct ctl_stest_service *s, struct ctl_swarm *sw))[32]
{
	uint8_t(*keys)[32];

	if (ctl_swarm_view_swarm_of_node(s->conf.swarm, s->self, sw) != 0 || sw->n < 2 ||
	    sw->n > CTL_STEST_MEMBERS_MAX)
		return NULL;
	keys = malloc(sw->n * 32);
	if (keys == NULL)
		return NULL;
	for (size_t i = 0; i < sw->n; i++)
		memcpy(keys[i], sw->nodes[i].ed25519, 32);
	return keys;
}

/* ---- tester ------------------------------------------------------------------- */

static void
test_free(struct test *t)
{
	struct ctl_stest_service *s = t->s;

	for (struct test **p = &s->tests; *p != NULL; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	s->st.in_flight--;
	sodium_memzero(t, sizeof(*t));
	free(t);
}

static void
record_result(struct test *t, bool passed, const char *why)
{
	struct ctl_stest_service *s = t->s;
	uint32_t streak = ctl_stest_results_add(&s->results, t->testee, passed);
	char key[65];

	if (s->conf.on_result != NULL)
		s->conf.on_result(s->conf.on_result_arg, t->testee, t->height, passed);
	sodium_bin2hex(key, sizeof(key), t->testee, 32);
	if (passed) {
		s->st.passed++;
		ctl_log(CTL_LOG_DEBUG, "storage test of %.16s at height %llu: passed", key,
			(unsigned long long)t->height);
		return;
	}
	s->st.failed++;
	ctl_log(CTL_LOG_NOTICE, "storage test of %.16s at height %llu: failed (%s), %u in a row",
		key, (unsigned long long)t->height, why, streak);
}

static void
on_answer(void *arg, int rc, const uint8_t *body, size_t len)
{
	struct test *t = arg;
	struct ctl_stest_service *s = t->s;
	enum ctl_stest_code code;
	uint8_t proof[CTL_STEST_PROOF];
	uint64_t *fail[CTL_STEST_CODES] = {
		NULL,
		&s->st.fail_wrong_request,
		&s->st.fail_invalid_height,
		&s->st.fail_other,
		&s->st.fail_invalid_params,
		&s->st.fail_busy,
	};

	if (s->stopping || rc == -ESHUTDOWN) {
		test_free(t);
		return;
	}
	if (rc != 0) {
		s->st.fail_timeout++;
		record_result(t, false, rc == -ETIMEDOUT ? "no answer" : "not sent");
	} else if (ctl_stest_answer_decode(body, len, &code, proof) != 0) {
		s->st.fail_bad_answer++;
		record_result(t, false, "malformed answer");
	} else if (code != CTL_STEST_OK) {
		(*fail[code])++;
		record_result(t, false, ctl_stest_code_name(code));
	} else if (sodium_memcmp(proof, t->expected, CTL_STEST_PROOF) != 0) {
		s->st.fail_mismatch++;
		record_result(t, false, "wrong proof");
	} else {
		record_result(t, true, NULL);
	}
	test_free(t);
}

/* The indexes of page records this test may use: of the testee's swarm, alive past the
 * test's end. Returns how many. */
static size_t
eligible(const struct test *t, const struct store_bulk_page *page, uint32_t *idx)
{
	const struct ctl_stest_service *s = t->s;
	uint64_t until = wall_ms() + s->conf.c.timeout_ms;
	size_t n = 0;

	for (size_t i = 0; i < page->n; i++) {
		const struct store_msg *m = &page->recs[i];
		struct ctl_swarm sw;

		if (m->expiry_ms <= 0 || (uint64_t)m->expiry_ms <= until ||
		    ctl_swarm_view_swarm_of(s->conf.swarm, m->pubkey, &sw) != 0 ||
		    sw.id != t->swarm_id)
			continue;
		idx[n++] = (uint32_t)i;
	}
	return n;
}

static int scan(struct test *t, uint64_t cursor);

/* Picks the records, computes the expected proof, sends the request. */
static void
send_test(struct test *t, const struct store_bulk_page *page, uint32_t *idx, size_t n)
{
	struct ctl_stest_service *s = t->s;
	struct ctl_stest_request rq = {.height = t->height};
	struct ctl_stest_record recs[CTL_STEST_RECORDS_MAX];
	uint8_t body[CTL_STEST_REQ_MAX];
	size_t k = n < s->conf.c.records ? n : s->conf.c.records, len;
	int rc;

	for (size_t i = 0; i < k; i++) { /* a partial Fisher-Yates: k distinct at random */
		size_t j = i + randombytes_uniform((uint32_t)(n - i));
		uint32_t tmp = idx[i];
		const struct store_msg *m;

		idx[i] = idx[j];
		idx[j] = tmp;
		m = &page->recs[idx[i]];
		memcpy(rq.rec[i].account, m->pubkey, 33);
		if (sodium_base642bin(rq.rec[i].hash, 32, m->hash, strlen(m->hash), NULL, NULL,
				      NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
			s->st.scan_errors++; /* the store holds a hash it cannot have taken */
			test_free(t);
			return;
		}
		recs[i] = (struct ctl_stest_record){.account = rq.rec[i].account,
						    .ns = m->ns,
						    .hash = rq.rec[i].hash,
						    .data = m->data,
						    .len = m->len};
	}
	rq.n = (uint8_t)k;
	randombytes_buf(rq.nonce, sizeof(rq.nonce));
	ctl_stest_proof(rq.nonce, t->height, s->self, t->testee, recs, k, t->expected);
	len = ctl_stest_request_encode(&rq, body);
	rc = ctl_drpc_call(s->conf.d, t->testee, body, len, s->conf.c.timeout_ms, on_answer, t,
			   NULL);
	if (rc != 0) {
		s->st.send_failed++;
		test_free(t);
		return;
	}
	s->st.started++;
}

static void
on_scan(void *arg, const struct store_status *status, uint64_t next,
	const struct store_bulk_page *page)
{
	struct test *t = arg;
	struct ctl_stest_service *s = t->s;
	uint32_t idx[CTL_STEST_SCAN_RECORDS + STORE_BULK_RECORDS_MAX];
	size_t n;

	(void)next;
	if (s->stopping) {
		test_free(t);
		return;
	}
	if (status->rc != 0 || page->n > STORE_BULK_RECORDS_MAX) {
		s->st.scan_errors++;
		test_free(t);
		return;
	}
	n = eligible(t, page, idx);
	if (n == 0 && t->cursor != 0 && scan(t, 0) == 0)
		return; /* a random cursor near the end: once more from the start */
	if (n == 0) {
		s->st.no_records++;
		test_free(t);
		return;
	}
	send_test(t, page, idx, n);
}

static int
scan(struct test *t, uint64_t cursor)
{
	t->cursor = cursor;
	return store_bulk_scan(t->s->conf.store, cursor, CTL_STEST_SCAN_RECORDS,
			       CTL_STEST_SCAN_BYTES, (int64_t)wall_ms(), on_scan, t);
}

static bool
testing(const struct ctl_stest_service *s, const uint8_t key[32])
{
	for (const struct test *t = s->tests; t != NULL; t = t->next)
		if (memcmp(t->testee, key, 32) == 0)
			return true;
	return false;
}

static void
start_test(struct ctl_stest_service *s, const uint8_t testee[32], uint64_t height,
	   uint64_t swarm_id)
{
	struct test *t;

	if (testing(s, testee))
		return; /* the last one is still running */
	if (s->st.in_flight >= CTL_STEST_IN_FLIGHT_MAX || (t = calloc(1, sizeof(*t))) == NULL) {
		s->st.in_flight_full++;
		return;
	}
	t->s = s;
	memcpy(t->testee, testee, 32);
	t->height = height;
	t->swarm_id = swarm_id;
	t->next = s->tests;
	s->tests = t;
	s->st.in_flight++;
	/* a random cursor: Redis SCAN takes any value and goes on from its bucket, so every
	 * part of a large store gets tested, not only the first page */
	if (scan(t, randombytes_random()) != 0) {
		s->st.scan_errors++;
		test_free(t);
	}
}

/* The network's pairs per height; an operator sees once that the registry overrides
 * this node's storage-test-pairs. */
static unsigned
pairs_of(struct ctl_stest_service *s, const struct ctl_registry *reg)
{
	unsigned pairs = ctl_registry_stest_pairs(reg, s->conf.c.pairs);

	if (pairs != s->conf.c.pairs && !s->told_pairs) {
		s->told_pairs = true;
		ctl_log(CTL_LOG_NOTICE,
			"storage tests: the registry's option storage-test-pairs %u overrides "
			"storage-test-pairs = %u of this node's config",
			pairs, s->conf.c.pairs);
	}
	return pairs;
}

void
ctl_stest_service_round(struct ctl_stest_service *s)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(s->conf.swarm);
	struct ctl_stest_pair p[CTL_STEST_PAIRS_MAX];
	uint8_t hash[32], (*keys)[32];
	struct ctl_swarm sw;
	uint64_t h;
	size_t k;

	s->st.rounds++;
	if (reg == NULL || !reg->have_block || reg->height < CTL_STEST_TEST_BLOCKS_BUFFER ||
	    !ctl_registry_block_hash(reg, h = reg->height - CTL_STEST_TEST_BLOCKS_BUFFER, hash)) {
		s->st.no_block++;
		return;
	}
	if ((keys = members_of(s, &sw)) == NULL) {
		s->st.no_swarm++;
		return;
	}
	k = ctl_stest_pairs(sw.n, hash, pairs_of(s, reg), p);
	for (size_t i = 0; i < k; i++)
		if (memcmp(keys[p[i].tester], s->self, 32) == 0)
			start_test(s, keys[p[i].testee], h, sw.id);
	free(keys);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_stest_service_round(arg);
}

/* ---- testee ------------------------------------------------------------------- */

static void
serving_free(struct serving *sv)
{
	struct ctl_stest_service *s = sv->s;

	for (struct serving **p = &s->serving; *p != NULL; p = &(*p)->next)
		if (*p == sv) {
			*p = sv->next;
			break;
		}
	s->st.serving--;
	if (sv->retry != NULL)
		event_free(sv->retry);
	free(sv);
}

static void
respond(struct ctl_stest_service *s, const uint8_t peer[32], uint64_t id, enum ctl_stest_code code,
	const uint8_t proof[CTL_STEST_PROOF])
{
	uint8_t out[CTL_STEST_ANSWER_MAX];
	size_t len = ctl_stest_answer_encode(code, proof, out);

	if (ctl_drpc_respond(s->conf.d, peer, id, out, len) != 0)
		s->st.respond_failed++;
}

static void lookup(struct serving *sv);

/* Unknown records (or a store error): again shortly, or "other" past the window. */
static void
retry_or_give_up(struct serving *sv)
{
	struct ctl_stest_service *s = sv->s;
	struct timeval tv = {0, CTL_STEST_RETRY_STEP_MS * 1000};

	if (wall_ms() < sv->deadline_ms && sv->retry != NULL && event_add(sv->retry, &tv) == 0) {
		s->st.retries++;
		return;
	}
	s->st.answered_other++;
	respond(s, sv->peer, sv->id, CTL_STEST_OTHER, NULL);
	serving_free(sv);
}

static void
on_lookup(void *arg, const struct store_status *status, const struct store_lookup_item *items,
	  size_t n)
{
	struct serving *sv = arg;
	struct ctl_stest_service *s = sv->s;
	struct ctl_stest_record recs[CTL_STEST_RECORDS_MAX];
	uint8_t proof[CTL_STEST_PROOF];

	sv->lookup_pending = false;
	if (s->stopping) {
		serving_free(sv);
		return;
	}
	if (status->rc != 0 || n != sv->rq.n) {
		s->st.store_errors++;
		retry_or_give_up(sv);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!items[i].found) {
			retry_or_give_up(sv);
			return;
		}
		recs[i] = (struct ctl_stest_record){.account = sv->rq.rec[i].account,
						    .ns = items[i].ns,
						    .hash = sv->rq.rec[i].hash,
						    .data = items[i].data,
						    .len = items[i].len};
	}
	ctl_stest_proof(sv->rq.nonce, sv->rq.height, sv->peer, s->self, recs, n, proof);
	s->st.answered_ok++;
	respond(s, sv->peer, sv->id, CTL_STEST_OK, proof);
	serving_free(sv);
}

static void
lookup(struct serving *sv)
{
	struct store_lookup_key keys[CTL_STEST_RECORDS_MAX];

	for (size_t i = 0; i < sv->rq.n; i++) {
		memcpy(keys[i].pubkey, sv->rq.rec[i].account, 33);
		sodium_bin2base64(keys[i].hash, sizeof(keys[i].hash), sv->rq.rec[i].hash, 32,
				  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	}
	if (store_msg_lookup(sv->s->conf.store, keys, sv->rq.n, (int64_t)wall_ms(), on_lookup,
			     sv) == 0) {
		sv->lookup_pending = true;
		return;
	}
	sv->s->st.store_errors++; /* not connected: as an unknown record */
	retry_or_give_up(sv);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lookup(arg);
}

/* The request's height and pair, as this node sees them: CTL_STEST_OK or the refusal. */
static enum ctl_stest_code
check(struct ctl_stest_service *s, const uint8_t peer[32], const struct ctl_stest_request *rq)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(s->conf.swarm);
	uint8_t hash[32], (*keys)[32];
	struct ctl_swarm sw;
	enum ctl_stest_code code;

	if (reg == NULL || !ctl_registry_block_hash(reg, rq->height, hash))
		return CTL_STEST_INVALID_HEIGHT;
	if ((keys = members_of(s, &sw)) == NULL)
		return CTL_STEST_WRONG_REQUEST;
	code = ctl_stest_check_pair((const uint8_t(*)[32])keys, sw.n, hash,
				    ctl_registry_stest_pairs(reg, s->conf.c.pairs), peer, s->self);
	free(keys);
	return code;
}

/* Requests of peer being answered now. */
static unsigned
serving_for(const struct ctl_stest_service *s, const uint8_t peer[32])
{
	unsigned n = 0;

	for (const struct serving *sv = s->serving; sv != NULL; sv = sv->next)
		n += memcmp(sv->peer, peer, 32) == 0;
	return n;
}

void
ctl_stest_service_on_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body,
			     size_t len)
{
	struct ctl_stest_service *s = arg;
	struct serving *sv;
	enum ctl_stest_code code;
	struct ctl_stest_request rq;

	s->st.requests_in++;
	if (ctl_stest_request_decode(body, len, &rq) != 0) {
		s->st.refused_invalid_params++;
		respond(s, peer, id, CTL_STEST_INVALID_PARAMS, NULL);
		return;
	}
	code = check(s, peer, &rq);
	if (code != CTL_STEST_OK) {
		if (code == CTL_STEST_INVALID_HEIGHT)
			s->st.refused_invalid_height++;
		else
			s->st.refused_wrong_request++;
		respond(s, peer, id, code, NULL);
		return;
	}
	if (s->st.serving >= CTL_STEST_SERVING_MAX) {
		s->st.refused_busy++;
		respond(s, peer, id, CTL_STEST_BUSY, NULL);
		return;
	}
	/* One tester's requests for records it knows we lack are held for the whole
	 * retry window: without a per-tester bound one dishonest tester could hold every
	 * slot and make the honest ones' tests of this node fail with "busy". */
	if (serving_for(s, peer) >= (s->conf.serving_per_peer != 0 ? s->conf.serving_per_peer
								   : CTL_STEST_SERVING_PER_PEER)) {
		s->st.refused_peer_busy++;
		respond(s, peer, id, CTL_STEST_BUSY, NULL);
		return;
	}
	if ((sv = calloc(1, sizeof(*sv))) == NULL) {
		s->st.refused_busy++;
		respond(s, peer, id, CTL_STEST_BUSY, NULL);
		return;
	}
	sv->s = s;
	memcpy(sv->peer, peer, 32);
	sv->id = id;
	sv->rq = rq;
	sv->deadline_ms = wall_ms() + s->conf.c.retry_ms;
	sv->retry = evtimer_new(s->conf.base, on_retry, sv); /* NULL: no retries, "other" */
	sv->next = s->serving;
	s->serving = sv;
	s->st.serving++;
	lookup(sv);
}

/* ---- life ----------------------------------------------------------------------- */

struct ctl_stest_service *
ctl_stest_service_start(const struct ctl_stest_service_conf *conf, char *err, size_t errlen)
{
	struct ctl_stest_service *s;
	struct timeval tv = {.tv_sec = (time_t)(conf->c.interval_ms / 1000),
			     .tv_usec = (suseconds_t)(conf->c.interval_ms % 1000) * 1000};

	if (ctl_swarm_view_registry_state(conf->swarm) == NULL || conf->store == NULL ||
	    conf->d == NULL || conf->repl == NULL) {
		snprintf(err, errlen, "storage tests: need a registry, a store and a dataplane");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "storage tests: out of memory");
		return NULL;
	}
	s->conf = *conf;
	memcpy(s->self, conf->self, 32);
	s->conf.self = s->self;
	ctl_stest_results_init(&s->results, conf->c.failures);
	if (conf->base != NULL &&
	    ((s->timer = event_new(conf->base, -1, EV_PERSIST, on_timer, s)) == NULL ||
	     event_add(s->timer, &tv) != 0)) {
		snprintf(err, errlen, "storage tests: cannot start the timer");
		ctl_stest_service_stop(s);
		ctl_stest_service_free(s);
		return NULL;
	}
	ctl_replicate_set_stest(conf->repl, ctl_stest_service_on_request, s);
	ctl_log(CTL_LOG_INFO,
		"storage tests: every %llu ms, %u records, %u pair(s) a height, timeout %llu ms, "
		"retry %llu ms, failing after %u in a row",
		(unsigned long long)conf->c.interval_ms, conf->c.records, conf->c.pairs,
		(unsigned long long)conf->c.timeout_ms, (unsigned long long)conf->c.retry_ms,
		conf->c.failures);
	return s;
}

void
ctl_stest_service_stop(struct ctl_stest_service *s)
{
	struct serving *sv, *next;

	if (s == NULL || s->stopping)
		return;
	s->stopping = true;
	if (s->timer != NULL)
		event_free(s->timer);
	s->timer = NULL;
	if (s->conf.repl != NULL)
		ctl_replicate_set_stest(s->conf.repl, NULL, NULL);
	/* answers waiting for a retry go now (their peers time out); those waiting for the
	 * store are freed by its callback */
	for (sv = s->serving; sv != NULL; sv = next) {
		next = sv->next;
		if (!sv->lookup_pending)
			serving_free(sv);
	}
}

void
ctl_stest_service_free(struct ctl_stest_service *s)
{
	if (s == NULL)
		return;
	ctl_stest_service_stop(s);
	/* tests still listed had no last callback (a store or direct_rpc never freed) */
	while (s->tests != NULL)
		test_free(s->tests);
	while (s->serving != NULL)
		serving_free(s->serving);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

void
ctl_stest_service_stats(const struct ctl_stest_service *s, struct ctl_stest_stats *out)
{
	*out = s->st;
	out->failing = ctl_stest_results_failing_count(&s->results);
}

const struct ctl_stest_results *
ctl_stest_service_results(const struct ctl_stest_service *s)
{
	return s != NULL ? &s->results : NULL;
}
