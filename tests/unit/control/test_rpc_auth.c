/* SPDX-License-Identifier: MIT */
/* control/rpc_auth.c: TTL and clock windows at their edges (pinned clock),
 * which namespaces need signatures, real Ed25519 signatures (libsodium keys
 * made here), flipped bytes, 05 accounts, subaccount flags and revocation. */
#include "test_rpc_common.h"

#include "rpc_auth.h"
#include "subaccount.h"

static struct acct g, s05, sub;
static const char h1[] = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";
static const struct ctl_rpc_auth_ctx ctx = {.now_ms = NOW};

static int
setup(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	acct_make(&s05, 0x05);
	acct_make(&sub, 0x03);
	return 0;
}

/* Decodes params, runs the check, returns the status code (frees everything). */
static int
run(const struct ctl_rpc_auth_ctx *c, const char *method, json_t *params, const uint8_t *revoked,
    size_t n_revoked, char *text)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;
	int rc;

	if (decode(method, params, false, &req, &st) != 0)
		fail_msg("decode %s: %s", method, st.text);
	rc = ctl_rpc_auth_check(c, &req.calls[0], revoked, n_revoked, &st);
	assert_int_equal(rc == 0, st.code == 200);
	if (text != NULL)
		snprintf(text, CTL_RPC_TEXT_MAX, "%s", st.text);
	ctl_rpc_params_free(&req);
	return st.code;
}

static void
expect(int code, const char *text, const char *method, json_t *params)
{
	char got[CTL_RPC_TEXT_MAX];

	int rc = run(&ctx, method, params, NULL, 0, got);

	if (rc != code)
		fail_msg("%s: want %d, got %d \"%s\"", method, code, rc, got);
	if (text != NULL)
		assert_string_equal(got, text);
}

/* ---- store ---- */

static json_t *
store(int ns, int64_t ts, int64_t ttl)
{
	return json_pack("{ss sI sI ss si}", "pubkey", g.pubkey, "timestamp", (json_int_t)ts, "ttl",
			 (json_int_t)ttl, "data", "AAAA", "namespace", ns);
}

static json_t *
store_signed(int ns, int64_t ts, int64_t ttl, uint64_t sig_ts, bool bad)
{
	char msg[64];
	json_t *p = store(ns, ts, ttl);

	if (ns == 0)
		snprintf(msg, sizeof(msg), "store%llu", (unsigned long long)sig_ts);
	else
		snprintf(msg, sizeof(msg), "store%d%llu", ns, (unsigned long long)sig_ts);
	json_object_set_new(p, "sig_timestamp", json_integer((json_int_t)sig_ts));
	json_object_set_new(p, "signature",
			    json_string(bad ? sign_bad(g.sk, msg) : sign_str(g.sk, msg)));
	return p;
}

static void
store_ttl_edges(void **state)
{
	const char *ttl_text = "Provided expiry/TTL is not valid.";
	const int64_t day = 86400000;

	(void)state;
	expect(200, NULL, "store", store(0, NOW, 10000));
	expect(403, ttl_text, "store", store(0, NOW, 9999));
	expect(200, NULL, "store", store(10, NOW, 14 * day));
	expect(403, ttl_text, "store", store(10, NOW, 14 * day + 1));
	/* private namespaces allow 30 days */
	expect(200, NULL, "store", store_signed(3, NOW, 30 * day, NOW, false));
	expect(403, ttl_text, "store", store_signed(3, NOW, 30 * day + 1, NOW, false));
	/* expiry instead of ttl: checked as expiry - timestamp */
	expect(403, ttl_text, "store",
	       json_pack("{ss sI sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "expiry", (json_int_t)NOW - 1, "data", ""));
}

static void
store_clock_edges(void **state)
{
	const char *clock = "Timestamp error: check your clock";

	(void)state;
	expect(200, NULL, "store", store(0, NOW + 10000, 10000));
	expect(406, clock, "store", store(0, NOW + 10001, 10000));
	/* expiry = now - 10 s is still fine, one ms earlier is not */
	expect(200, NULL, "store", store(0, NOW - 30000, 20000));
	expect(406, clock, "store", store(0, NOW - 30000, 19999));
}

static void
store_signatures(void **state)
{
	(void)state;
	expect(401, "store: signature required to store to namespace 3", "store",
	       store(3, NOW, 10000));
	expect(401, "store: signature required to store to namespace -1", "store",
	       store(-1, NOW, 10000));
	expect(200, NULL, "store", store_signed(3, NOW, 10000, NOW, false));
	expect(200, NULL, "store", store_signed(-32768 + 1, NOW, 10000, NOW, false));
	expect(401, "store signature verification failed", "store",
	       store_signed(3, NOW, 10000, NOW, true));
	/* sig_timestamp window: exactly ±60 s passes */
	expect(200, NULL, "store", store_signed(3, NOW, 10000, NOW + 60000, false));
	expect(200, NULL, "store", store_signed(3, NOW, 10000, NOW - 60000, false));
	expect(406, "store signature timestamp too far from current time", "store",
	       store_signed(3, NOW, 10000, NOW + 60001, false));
	expect(406, "store signature timestamp too far from current time", "store",
	       store_signed(3, NOW, 10000, NOW - 60001, false));
	/* public inbox: a signature, even a bad one, is not checked (server behaviour) */
	expect(200, NULL, "store", store_signed(0, NOW, 10000, NOW, true));
}

static void
store_session_account(void **state)
{
	char msg[64];
	json_t *p;

	(void)state;
	snprintf(msg, sizeof(msg), "store3%llu", (unsigned long long)NOW);
	p = json_pack("{ss ss sI sI ss si ss}", "pubkey", s05.pubkey, "pubkey_ed25519",
		      s05.pk_ed_hex, "timestamp", (json_int_t)NOW, "ttl", (json_int_t)10000, "data",
		      "", "namespace", 3, "signature", sign_str(s05.sk, msg));
	expect(200, NULL, "store", p);
	/* without pubkey_ed25519 the X25519 bytes do not verify */
	p = json_pack("{ss sI sI ss si ss}", "pubkey", s05.pubkey, "timestamp", (json_int_t)NOW,
		      "ttl", (json_int_t)10000, "data", "", "namespace", 3, "signature",
		      sign_str(s05.sk, msg));
	expect(401, "store signature verification failed", "store", p);
	/* a pubkey_ed25519 that does not convert to the account */
	p = json_pack("{ss ss sI sI ss si ss}", "pubkey", s05.pubkey, "pubkey_ed25519", g.pk_ed_hex,
		      "timestamp", (json_int_t)NOW, "ttl", (json_int_t)10000, "data", "",
		      "namespace", 3, "signature", sign_str(g.sk, msg));
	expect(401, "store signature verification failed", "store", p);
}

/* ---- retrieve ---- */

static json_t *
retrieve(int ns, uint64_t ts, const uint8_t *sk, bool bad)
{
	char msg[64];

	if (ns == 0)
		snprintf(msg, sizeof(msg), "retrieve%llu", (unsigned long long)ts);
	else
		snprintf(msg, sizeof(msg), "retrieve%d%llu", ns, (unsigned long long)ts);
	return json_pack("{ss si sI ss}", "pubkey", g.pubkey, "namespace", ns, "timestamp",
			 (json_int_t)ts, "signature", bad ? sign_bad(sk, msg) : sign_str(sk, msg));
}

static void
retrieve_rules(void **state)
{
	const char *far = "retrieve timestamp too far from current time";

	(void)state;
	expect(401, "retrieve: request signature required", "retrieve",
	       json_pack("{ss}", "pubkey", g.pubkey));
	expect(200, NULL, "retrieve", json_pack("{ss si}", "pubkey", g.pubkey, "namespace", -10));
	expect(200, NULL, "retrieve", json_pack("{ss si}", "pubkey", g.pubkey, "namespace", -1));
	expect(200, NULL, "retrieve", retrieve(0, NOW, g.sk, false));
	expect(200, NULL, "retrieve", retrieve(999, NOW, g.sk, false));
	expect(401, "retrieve signature verification failed", "retrieve",
	       retrieve(0, NOW, g.sk, true));
	expect(401, "retrieve signature verification failed", "retrieve",
	       retrieve(0, NOW, sub.sk, false));
	expect(200, NULL, "retrieve", retrieve(0, NOW + 60000, g.sk, false));
	expect(200, NULL, "retrieve", retrieve(0, NOW - 60000, g.sk, false));
	expect(406, far, "retrieve", retrieve(0, NOW + 60001, g.sk, false));
	expect(406, far, "retrieve", retrieve(0, NOW - 60001, g.sk, false));
	/* a signed retrieve from a no-auth namespace is still verified */
	expect(401, "retrieve signature verification failed", "retrieve",
	       retrieve(-10, NOW, g.sk, true));
}

/* ---- subaccounts ---- */

/* A retrieve (ns) signed by the subaccount key under a token with flags. */
static json_t *
sub_retrieve(int ns, uint8_t flags, uint8_t token_out[36], bool bad_token_sig)
{
	uint8_t token[36], tsig[64];
	char msg[64];
	json_t *p = retrieve(ns, NOW, sub.sk, false);

	assert_int_equal(snc_subaccount_token_build(0x03, flags, sub.pk, token), 0);
	crypto_sign_detached(tsig, NULL, token, 36, g.sk);
	if (bad_token_sig)
		tsig[0] ^= 1;
	json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
	json_object_set_new(p, "subaccount_sig", json_string(b64(tsig, 64)));
	if (token_out != NULL)
		memcpy(token_out, token, 36);
	(void)msg;
	return p;
}

static void
subaccount_rules(void **state)
{
	const char *fail = "retrieve signature verification failed";
	uint8_t token[36], revoked[72] = {0};
	char text[CTL_RPC_TEXT_MAX];
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;

	(void)state;
	expect(200, NULL, "retrieve", sub_retrieve(0, SNC_SUBACCOUNT_READ, NULL, false));
	/* missing the Read flag */
	expect(401, fail, "retrieve",
	       sub_retrieve(0, SNC_SUBACCOUNT_WRITE | SNC_SUBACCOUNT_DELETE, NULL, false));
	/* token not signed by the account */
	expect(401, fail, "retrieve", sub_retrieve(0, SNC_SUBACCOUNT_READ, NULL, true));

	/* revoked: refused, except from an unrevocable namespace */
	json_t *p = sub_retrieve(0, SNC_SUBACCOUNT_READ, token, false);
	memcpy(revoked + 36, token, 36);
	assert_int_equal(run(&ctx, "retrieve", p, revoked, 2, text), 401);
	assert_string_equal(text, fail);
	p = sub_retrieve(-11, SNC_SUBACCOUNT_READ, token, false);
	assert_int_equal(run(&ctx, "retrieve", p, token, 1, text), 200);
	/* a list holding other tokens only: accepted */
	assert_int_equal(run(&ctx, "retrieve", sub_retrieve(0, SNC_SUBACCOUNT_READ, NULL, false),
			     revoked, 1, text),
			 200);

	/* who needs the list */
	assert_int_equal(decode("retrieve", sub_retrieve(-11, 1, NULL, false), false, &req, &st),
			 0);
	assert_false(ctl_rpc_auth_needs_revocations(&req.calls[0]));
	ctl_rpc_params_free(&req);
	assert_int_equal(decode("retrieve", sub_retrieve(5, 1, NULL, false), false, &req, &st), 0);
	assert_true(ctl_rpc_auth_needs_revocations(&req.calls[0]));
	ctl_rpc_params_free(&req);
	assert_int_equal(decode("retrieve", retrieve(5, NOW, g.sk, false), false, &req, &st), 0);
	assert_false(ctl_rpc_auth_needs_revocations(&req.calls[0]));
	ctl_rpc_params_free(&req);
}

/* store into a public outbox needs Write + Delete from a subaccount. */
static void
subaccount_store_outbox(void **state)
{
	uint8_t token[36], tsig[64];
	char msg[64];

	(void)state;
	snprintf(msg, sizeof(msg), "store-1%llu", (unsigned long long)NOW);
	for (int flags = SNC_SUBACCOUNT_WRITE; flags <= 6; flags += 4) {
		json_t *p = store(-1, NOW, 10000);
		assert_int_equal(snc_subaccount_token_build(0x03, (uint8_t)flags, sub.pk, token),
				 0);
		crypto_sign_detached(tsig, NULL, token, 36, g.sk);
		json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
		json_object_set_new(p, "subaccount_sig", json_string(b64(tsig, 64)));
		json_object_set_new(p, "signature", json_string(sign_str(sub.sk, msg)));
		if (flags == SNC_SUBACCOUNT_WRITE)
			expect(401, "store signature verification failed", "store", p);
		else
			expect(200, NULL, "store", p);
	}
}

/* ---- delete family ---- */

static void
delete_rules(void **state)
{
	char msg[128];

	(void)state;
	snprintf(msg, sizeof(msg), "delete%s%s", h1, h1);
	expect(200, NULL, "delete",
	       json_pack("{ss s[ss] ss}", "pubkey", g.pubkey, "messages", h1, h1, "signature",
			 sign_str(g.sk, msg)));
	expect(401, "delete_msgs signature verification failed", "delete",
	       json_pack("{ss s[ss] ss}", "pubkey", g.pubkey, "messages", h1, h1, "signature",
			 sign_bad(g.sk, msg)));
}

static json_t *
ns_time(const char *field, const char *msg_prefix, const char *ns, uint64_t t)
{
	char msg[96];
	json_t *p;

	snprintf(msg, sizeof(msg), "%s%s%llu", msg_prefix, ns, (unsigned long long)t);
	p = json_pack("{ss sI ss}", "pubkey", g.pubkey, field, (json_int_t)t, "signature",
		      sign_str(g.sk, msg));
	if (strcmp(ns, "all") == 0)
		json_object_set_new(p, "namespace", json_string("all"));
	else if (ns[0] != '\0')
		json_object_set_new(p, "namespace", json_integer(atoi(ns)));
	return p;
}

static void
delete_all_rules(void **state)
{
	const char *far = "delete_all timestamp too far from current time";
	struct ctl_rpc_auth_ctx fwd = ctx;
	char text[CTL_RPC_TEXT_MAX];

	(void)state;
	expect(200, NULL, "delete_all", ns_time("timestamp", "delete_all", "all", NOW));
	expect(200, NULL, "delete_all", ns_time("timestamp", "delete_all", "", NOW + 60000));
	expect(200, NULL, "delete_all", ns_time("timestamp", "delete_all", "-5", NOW - 60000));
	expect(406, far, "delete_all", ns_time("timestamp", "delete_all", "", NOW + 60001));
	expect(406, far, "delete_all", ns_time("timestamp", "delete_all", "", NOW - 60001));
	/* signed for namespace 0 but sent for "all": the message differs */
	json_t *p = ns_time("timestamp", "delete_all", "", NOW);
	json_object_set_new(p, "namespace", json_string("all"));
	expect(401, "delete_all signature verification failed", "delete_all", p);
	/* forwarded by a swarm peer: 70 s */
	fwd.forwarded = true;
	assert_int_equal(run(&fwd, "delete_all",
			     ns_time("timestamp", "delete_all", "", NOW - 70000), NULL, 0, text),
			 200);
	assert_int_equal(run(&fwd, "delete_all",
			     ns_time("timestamp", "delete_all", "", NOW + 70001), NULL, 0, text),
			 406);
}

static void
delete_before_and_expire_all(void **state)
{
	struct ctl_rpc_auth_ctx fwd = ctx;
	char text[CTL_RPC_TEXT_MAX];

	(void)state;
	expect(200, NULL, "delete_before", ns_time("before", "delete_before", "", NOW + 60000));
	expect(200, NULL, "delete_before", ns_time("before", "delete_before", "all", NOW - 999999));
	expect(401, "delete_before timestamp too far in the future", "delete_before",
	       ns_time("before", "delete_before", "", NOW + 60001));
	expect(200, NULL, "expire_all", ns_time("expiry", "expire_all", "7", NOW - 60000));
	expect(406, "expire_all timestamp should be >= current time", "expire_all",
	       ns_time("expiry", "expire_all", "", NOW - 60001));
	json_t *p = ns_time("expiry", "expire_all", "", NOW);
	json_object_set_new(p, "signature", json_string(sign_bad(g.sk, "expire_all1700000000000")));
	expect(401, "expire_all signature verification failed", "expire_all", p);
	fwd.forwarded = true;
	assert_int_equal(run(&fwd, "expire_all", ns_time("expiry", "expire_all", "", NOW - 70000),
			     NULL, 0, text),
			 200);
}

/* ---- expire ---- */

static json_t *
expire(const char *mode, uint64_t exp, const uint8_t *sk)
{
	char msg[128];
	json_t *p;

	snprintf(msg, sizeof(msg), "expire%s%llu%s", mode, (unsigned long long)exp, h1);
	p = json_pack("{ss ss sI ss}", "pubkey", g.pubkey, "messages", h1, "expiry",
		      (json_int_t)exp, "signature", sign_str(sk, msg));
	if (mode[0] != '\0')
		json_object_set_new(p, mode, json_true());
	return p;
}

static void
expire_rules(void **state)
{
	const uint64_t month = 30ULL * 86400000;
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;

	(void)state;
	expect(200, NULL, "expire", expire("", NOW - 60000, g.sk));
	expect(401, "expire: timestamp should be >= current time", "expire",
	       expire("", NOW - 60001, g.sk));
	expect(401, "expire: signature verification failed", "expire",
	       expire("extend", NOW, sub.sk));
	/* applied expiries are clamped to now + 30 days */
	assert_int_equal(
		decode("expire", expire("shorten", NOW + month + 5, g.sk), false, &req, &st), 0);
	assert_int_equal(ctl_rpc_auth_check(&ctx, &req.calls[0], NULL, 0, &st), 0);
	assert_int_equal(req.calls[0].p.expire.applied[0], NOW + month);
	assert_false(req.calls[0].p.expire.extend_only);
	ctl_rpc_params_free(&req);

	/* multiple expiries: all concatenated in the signed message */
	char msg[200];
	snprintf(msg, sizeof(msg), "expire%llu%llu%s%s", (unsigned long long)NOW,
		 (unsigned long long)NOW + 1, h1, h1);
	expect(200, NULL, "expire",
	       json_pack("{ss s[ss] s[II] ss}", "pubkey", g.pubkey, "messages", h1, h1, "expiry",
			 (json_int_t)NOW, (json_int_t)NOW + 1, "signature", sign_str(g.sk, msg)));
}

static json_t *
sub_expire(const char *mode, uint8_t flags)
{
	uint8_t token[36], tsig[64];
	json_t *p = expire(mode, NOW, sub.sk);

	assert_int_equal(snc_subaccount_token_build(0x03, flags, sub.pk, token), 0);
	crypto_sign_detached(tsig, NULL, token, 36, g.sk);
	json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
	json_object_set_new(p, "subaccount_sig", json_string(b64(tsig, 64)));
	return p;
}

static void
expire_subaccount(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;

	(void)state;
	/* Write without Delete: shorten refused, plain expire becomes extend-only */
	expect(400,
	       "expire: shorten parameter cannot be used with this subaccount token (missing "
	       "delete access)",
	       "expire", sub_expire("shorten", SNC_SUBACCOUNT_WRITE));
	assert_int_equal(decode("expire", sub_expire("", SNC_SUBACCOUNT_WRITE), false, &req, &st),
			 0);
	assert_int_equal(ctl_rpc_auth_check(&ctx, &req.calls[0], NULL, 0, &st), 0);
	assert_true(req.calls[0].p.expire.extend_only);
	ctl_rpc_params_free(&req);
	expect(200, NULL, "expire",
	       sub_expire("shorten", SNC_SUBACCOUNT_WRITE | SNC_SUBACCOUNT_DELETE));
	/* Read only: no Write */
	expect(401, "expire: signature verification failed", "expire",
	       sub_expire("extend", SNC_SUBACCOUNT_READ));
}

/* ---- get_expiries, revoke family ---- */

static void
get_expiries_rules(void **state)
{
	char msg[128];

	(void)state;
	snprintf(msg, sizeof(msg), "get_expiries%llu%s", (unsigned long long)NOW + 60000, h1);
	expect(200, NULL, "get_expiries",
	       json_pack("{ss sI s[s] ss}", "pubkey", g.pubkey, "timestamp",
			 (json_int_t)NOW + 60000, "messages", h1, "signature",
			 sign_str(g.sk, msg)));
	snprintf(msg, sizeof(msg), "get_expiries%llu%s", (unsigned long long)NOW + 60001, h1);
	expect(406, "get_expiries timestamp too far from current time", "get_expiries",
	       json_pack("{ss sI s[s] ss}", "pubkey", g.pubkey, "timestamp",
			 (json_int_t)NOW + 60001, "messages", h1, "signature",
			 sign_str(g.sk, msg)));
	snprintf(msg, sizeof(msg), "get_expiries%llu%s", (unsigned long long)NOW, h1);
	expect(401, "get_expiries signature verification failed", "get_expiries",
	       json_pack("{ss sI s[s] ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "messages", h1, "signature", sign_bad(g.sk, msg)));
}

static void
revoke_rules(void **state)
{
	uint8_t token[36] = {0x03, 0x01};
	uint8_t msg[128];
	int n;

	(void)state;
	memcpy(token + 4, sub.pk, 32);
	n = snprintf((char *)msg, sizeof(msg), "revoke_subaccount%llu", (unsigned long long)NOW);
	memcpy(msg + n, token, 36);
	expect(200, NULL, "revoke_subaccount",
	       json_pack("{ss sI ss ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "revoke", b64(token, 36), "signature",
			 sign_b64(g.sk, msg, (size_t)n + 36)));
	/* the subaccount key cannot sign it, even with a token attached */
	uint8_t tsig[64];
	crypto_sign_detached(tsig, NULL, token, 36, g.sk);
	expect(401, "revoke_subaccount signature verification failed", "revoke_subaccount",
	       json_pack("{ss sI ss ss ss ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "revoke", b64(token, 36), "signature",
			 sign_b64(sub.sk, msg, (size_t)n + 36), "subaccount", b64(token, 36),
			 "subaccount_sig", b64(tsig, 64)));
	expect(406, "revoke_subaccount timestamp too far from current time", "revoke_subaccount",
	       json_pack("{ss sI ss ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW - 60001,
			 "revoke", b64(token, 36), "signature",
			 sign_b64(g.sk, msg, (size_t)n + 36)));

	n = snprintf((char *)msg, sizeof(msg), "unrevoke_subaccount%llu", (unsigned long long)NOW);
	memcpy(msg + n, token, 36);
	expect(200, NULL, "unrevoke_subaccount",
	       json_pack("{ss sI s[s] ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "unrevoke", b64(token, 36), "signature",
			 sign_b64(g.sk, msg, (size_t)n + 36)));
	/* an empty list signs the name and timestamp only */
	expect(200, NULL, "unrevoke_subaccount",
	       json_pack("{ss sI s[] ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "unrevoke", "signature", sign_b64(g.sk, msg, (size_t)n)));
	n = snprintf((char *)msg, sizeof(msg), "revoked_subaccounts%llu", (unsigned long long)NOW);
	expect(200, NULL, "revoked_subaccounts",
	       json_pack("{ss sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "signature", sign_b64(g.sk, msg, (size_t)n)));
	expect(401, "revoked_subaccounts signature verification failed", "revoked_subaccounts",
	       json_pack("{ss sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			 "signature", sign_bad(g.sk, (const char *)msg)));
}

/* ---- swarm membership, info, batch ---- */

static bool
owns_nothing(void *arg, const uint8_t *pubkey)
{
	(void)pubkey;
	++*(int *)arg;
	return false;
}

static void
misdirected_and_unsigned(void **state)
{
	int calls = 0;
	struct ctl_rpc_auth_ctx other = {.now_ms = NOW, .owns = owns_nothing, .owns_arg = &calls};
	char text[CTL_RPC_TEXT_MAX];

	(void)state;
	assert_int_equal(run(&other, "store", store(0, NOW, 10000), NULL, 0, text), 421);
	assert_string_equal(text, "");
	assert_int_equal(calls, 1);
	/* get_swarm and info answer anywhere */
	assert_int_equal(
		run(&other, "get_swarm", json_pack("{ss}", "pubkey", g.pubkey), NULL, 0, text),
		200);
	assert_int_equal(run(&other, "info", json_pack("{}"), NULL, 0, text), 200);
	assert_int_equal(calls, 1);
}

static void
batch_each_call(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;
	json_t *reqs = json_array();

	(void)state;
	json_array_append_new(reqs, json_pack("{ss so}", "method", "retrieve", "params",
					      retrieve(0, NOW, g.sk, false)));
	json_array_append_new(reqs, json_pack("{ss so}", "method", "retrieve", "params",
					      retrieve(0, NOW, g.sk, true)));
	assert_int_equal(decode("batch", json_pack("{so}", "requests", reqs), false, &req, &st), 0);
	assert_int_equal(ctl_rpc_auth_check(&ctx, &req.calls[0], NULL, 0, &st), 0);
	assert_int_equal(ctl_rpc_auth_check(&ctx, &req.calls[1], NULL, 0, &st), -EACCES);
	assert_int_equal(st.code, 401);
	ctl_rpc_params_free(&req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_ttl_edges),
		cmocka_unit_test(store_clock_edges),
		cmocka_unit_test(store_signatures),
		cmocka_unit_test(store_session_account),
		cmocka_unit_test(retrieve_rules),
		cmocka_unit_test(subaccount_rules),
		cmocka_unit_test(subaccount_store_outbox),
		cmocka_unit_test(delete_rules),
		cmocka_unit_test(delete_all_rules),
		cmocka_unit_test(delete_before_and_expire_all),
		cmocka_unit_test(expire_rules),
		cmocka_unit_test(expire_subaccount),
		cmocka_unit_test(get_expiries_rules),
		cmocka_unit_test(revoke_rules),
		cmocka_unit_test(misdirected_and_unsigned),
		cmocka_unit_test(batch_each_call),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("rpc_auth", tests, setup, NULL);
}
