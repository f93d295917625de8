/* SPDX-License-Identifier: MIT */
/* control/rpc_params.c: every method's decoding, every parse error with the
 * server's text, and every limit at its edge. */
#include "test_rpc_common.h"

static struct acct g;	/* a 03 (group) account */
static struct acct s05; /* a 05 (Session) account */
static char sig86[87], sig88[89];
static const char h1[] = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";

static int
setup(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	acct_make(&s05, 0x05);
	snprintf(sig88, sizeof(sig88), "%s", sign_str(g.sk, "x"));
	memcpy(sig86, sig88, 86);
	sig86[86] = '\0';
	return 0;
}

/* ---- envelope ---- */

static void
envelope_errors(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;
	const struct {
		const char *body, *text;
	} cases[] = {
		{"{", "invalid json"},
		{"", "invalid json"},
		{"[1]", "invalid json: no `method` field"},
		{"{\"params\":{}}", "invalid json: no `method` field"},
		{"{\"method\":5,\"params\":{}}", "invalid json: no `method` field"},
		{"{\"method\":\"info\"}", "invalid json: no `params` field"},
		{"{\"method\":\"info\",\"params\":[]}", "invalid json: no `params` field"},
		{"{\"method\":\"nope\",\"params\":{}}", "no method nope"},
		{"{\"method\":\"ifelse\",\"params\":{}}", "no method ifelse"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ctl_rpc_params_parse(cases[i].body, strlen(cases[i].body), false,
						      &req, &st),
				 -EINVAL);
		assert_int_equal(st.code, 400);
		assert_string_equal(st.text, cases[i].text);
	}
}

static void
envelope_info_and_alias(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;
	char body[200];

	(void)state;
	assert_int_equal(
		ctl_rpc_params_parse("{\"method\":\"info\",\"params\":{}}", 29, false, &req, &st),
		0);
	assert_int_equal(req.method, CTL_RPC_INFO);
	assert_int_equal(req.n_calls, 1);
	ctl_rpc_params_free(&req);

	snprintf(body, sizeof(body),
		 "{\"method\":\"get_snodes_for_pubkey\",\"params\":{\"pubKey\":\"%s\"}}", g.pubkey);
	assert_int_equal(ctl_rpc_params_parse(body, strlen(body), false, &req, &st), 0);
	assert_int_equal(req.calls[0].method, CTL_RPC_GET_SWARM);
	assert_int_equal(req.calls[0].acct.pubkey[0], 0x03);
	assert_memory_equal(req.calls[0].acct.pubkey + 1, g.pk, 32);
	ctl_rpc_params_free(&req);
	assert_string_equal(ctl_rpc_params_method_name(CTL_RPC_EXPIRE_ALL), "expire_all");
	assert_null(ctl_rpc_params_method_name(CTL_RPC_METHOD_COUNT));
}

static void
get_swarm_errors(void **state)
{
	(void)state;
	expect_bad("get_swarm", json_pack("{}"),
		   "invalid request: Required field 'pubkey' missing");
	expect_bad("get_swarm", json_pack("{ss}", "pubkey", "05ab"),
		   "invalid request: Pubkey must be 66 hex digits/33 bytes long");
	expect_bad("get_swarm", json_pack("{ss ss}", "pubkey", g.pubkey, "pubKey", g.pubkey),
		   "invalid request: Cannot specify both 'pubkey' and 'pubKey'");
	expect_bad("get_swarm", json_pack("{si}", "pubkey", 5),
		   "invalid request: Invalid value given for 'pubkey': expected string");
}

/* ---- store ---- */

static json_t *
store_params(const char *data_b64)
{
	return json_pack("{ss sI sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW, "ttl",
			 (json_int_t)86400000, "data", data_b64);
}

static void
store_ok(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_store *s;

	(void)state;
	expect_ok("store", store_params("aGVsbG8="), false, &req);
	s = &req.calls[0].p.store;
	assert_int_equal(s->ns, 0);
	assert_int_equal(s->timestamp_ms, NOW);
	assert_int_equal(s->expiry_ms, NOW + 86400000);
	assert_int_equal(s->data_len, 5);
	assert_memory_equal(s->data, "hello", 5);
	assert_false(req.calls[0].acct.has_signature);
	ctl_rpc_params_free(&req);

	/* stringified timestamp and ttl, pubKey alias, expiry instead of ttl */
	expect_ok("store",
		  json_pack("{ss ss ss ss si}", "pubKey", g.pubkey, "timestamp", "1700000000000",
			    "ttl", "10000", "data", "", "namespace", -32768),
		  false, &req);
	s = &req.calls[0].p.store;
	assert_int_equal(s->expiry_ms, NOW + 10000);
	assert_int_equal(s->ns, -32768);
	assert_int_equal(s->data_len, 0);
	ctl_rpc_params_free(&req);
	expect_ok("store",
		  json_pack("{ss sI sI ss si}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			    "expiry", (json_int_t)NOW + 5, "data", "AA", "namespace", 32767),
		  false, &req);
	assert_int_equal(req.calls[0].p.store.expiry_ms, NOW + 5);
	assert_int_equal(req.calls[0].p.store.data_len, 1);
	ctl_rpc_params_free(&req);

	/* signed: sig_timestamp defaults to timestamp; URL-safe base64 data */
	expect_ok("store",
		  json_pack("{ss sI sI ss ss si}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			    "ttl", (json_int_t)10000, "data", "-_-_", "signature", sig86,
			    "namespace", 3),
		  false, &req);
	s = &req.calls[0].p.store;
	assert_true(req.calls[0].acct.has_signature);
	assert_int_equal(s->sig_timestamp_ms, NOW);
	assert_int_equal(s->data_len, 3);
	assert_memory_equal(s->data, "\xfb\xff\xbf", 3);
	ctl_rpc_params_free(&req);
	expect_ok("store",
		  json_pack("{ss sI sI ss ss sI}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			    "ttl", (json_int_t)10000, "data", "", "signature", sig88,
			    "sig_timestamp", (json_int_t)NOW + 7),
		  false, &req);
	assert_int_equal(req.calls[0].p.store.sig_timestamp_ms, NOW + 7);
	ctl_rpc_params_free(&req);
}

static void
store_data_limit(void **state)
{
	struct ctl_rpc_request req;
	uint8_t *raw = calloc(1, CTL_RPC_DATA_MAX + 1);

	(void)state;
	assert_non_null(raw);
	/* 76,800 bytes = 102,400 base64 characters: accepted */
	expect_ok("store", store_params(b64(raw, CTL_RPC_DATA_MAX)), false, &req);
	assert_int_equal(strlen(b64(raw, CTL_RPC_DATA_MAX)), CTL_RPC_DATA_B64_MAX);
	assert_int_equal(req.calls[0].p.store.data_len, CTL_RPC_DATA_MAX);
	ctl_rpc_params_free(&req);
	/* 76,801 bytes: refused, as the unpadded form is too */
	expect_bad("store", store_params(b64(raw, CTL_RPC_DATA_MAX + 1)),
		   "invalid request: Message body exceeds maximum allowed length of 76800 bytes");
	char *unpadded = strdup(b64(raw, CTL_RPC_DATA_MAX + 1));
	unpadded[strcspn(unpadded, "=")] = '\0';
	expect_bad("store", store_params(unpadded),
		   "invalid request: Message body exceeds maximum allowed length of 76800 bytes");
	free(unpadded);
	free(raw);
}

static void
store_errors(void **state)
{
	(void)state;
	expect_bad("store",
		   json_pack("{ss sI ss}", "pubkey", g.pubkey, "ttl", (json_int_t)1, "data", ""),
		   "invalid request: Required field 'timestamp' missing");
	expect_bad("store",
		   json_pack("{ss sI sI sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			     "ttl", (json_int_t)10000, "expiry", (json_int_t)NOW, "data", ""),
		   "invalid request: Cannot specify both 'expiry' and 'ttl'");
	expect_bad("store",
		   json_pack("{ss sI ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW, "data",
			     ""),
		   "invalid request: Required field 'expiry' or 'ttl' missing");
	expect_bad("store",
		   json_pack("{ss sI ss ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			     "ttl", "abc", "data", ""),
		   "invalid request: Invalid value given for 'ttl': \"abc\"");
	expect_bad("store",
		   json_pack("{ss sI ss ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			     "ttl", "-5", "data", ""),
		   "invalid request: Invalid value given for 'ttl': \"-5\"");
	expect_bad("store",
		   json_pack("{ss sI si ss}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW,
			     "ttl", -5, "data", ""),
		   "invalid request: Invalid value given for 'ttl': expected positive integer");
	expect_bad("store",
		   json_pack("{ss sb sI ss}", "pubkey", g.pubkey, "timestamp", 1, "ttl",
			     (json_int_t)10000, "data", ""),
		   "invalid request: Invalid value given for 'timestamp': expected integer");
	expect_bad("store",
		   json_pack("{ss ss sI ss}", "pubkey", g.pubkey, "timestamp", "17e11", "ttl",
			     (json_int_t)10000, "data", ""),
		   "invalid request: Invalid value given for 'timestamp': \"17e11\"");
	expect_bad("store",
		   json_pack("{ss sI sI}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW, "ttl",
			     (json_int_t)10000),
		   "invalid request: Required field 'data' missing");
	expect_bad("store", store_params("a"),
		   "invalid request: Invalid 'data' value: not base64 encoded");
	expect_bad("store", store_params("ab=c"),
		   "invalid request: Invalid 'data' value: not base64 encoded");
	expect_bad("store", store_params("a b="),
		   "invalid request: Invalid 'data' value: not base64 encoded");
	/* namespace: int16 only, "all" is not a store namespace */
	json_t *p = store_params("");
	json_object_set_new(p, "namespace", json_integer(32768));
	expect_bad("store", p,
		   "invalid request: Invalid value given for 'namespace': value out of range");
	p = store_params("");
	json_object_set_new(p, "namespace", json_integer(-32769));
	expect_bad("store", p,
		   "invalid request: Invalid value given for 'namespace': value out of range");
	p = store_params("");
	json_object_set_new(p, "namespace", json_string("all"));
	expect_bad("store", p,
		   "invalid request: Invalid value given for 'namespace': expected 16-bit integer");
	p = store_params("");
	json_object_set_new(p, "namespace", json_real(1.5));
	expect_bad("store", p,
		   "invalid request: Invalid value given for 'namespace': expected 16-bit integer");
	/* a type error is reported before a missing field */
	expect_bad("store", json_pack("{si}", "data", 1),
		   "invalid request: Invalid value given for 'data': expected string");
	/* sig_timestamp follows the millisecond rule */
	p = store_params("");
	json_object_set_new(p, "sig_timestamp", json_integer(999999999));
	expect_bad("store", p,
		   "invalid request: Invalid timestamp for 'sig_timestamp': timestamp must be in "
		   "milliseconds");
	/* null counts as absent */
	p = store_params("");
	json_object_set_new(p, "namespace", json_null());
	struct ctl_rpc_request req;
	expect_ok("store", p, false, &req);
	ctl_rpc_params_free(&req);
}

/* ---- pubkey, pubkey_ed25519, signature ---- */

static json_t *
signed_params(const char *pubkey, const char *sig)
{
	return json_pack("{ss ss sI}", "pubkey", pubkey, "signature", sig, "timestamp",
			 (json_int_t)NOW);
}

static void
pubkey_rules(void **state)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;

	(void)state;
	/* 64 hex: testnet only, netid 05 */
	expect_bad("delete_all", signed_params(s05.pubkey + 2, sig86),
		   "invalid request: Pubkey must be 66 hex digits (33 bytes) long");
	expect_ok("delete_all", signed_params(s05.pubkey + 2, sig86), true, &req);
	assert_int_equal(req.calls[0].acct.pubkey[0], 0x05);
	ctl_rpc_params_free(&req);
	/* any netid is stored */
	char other[67];
	memcpy(other, g.pubkey, sizeof(other));
	memcpy(other, "ff", 2);
	expect_ok("delete_all", signed_params(other, sig86), false, &req);
	assert_int_equal(req.calls[0].acct.pubkey[0], 0xff);
	ctl_rpc_params_free(&req);
	/* 65 digits, a non-hex digit */
	char bad[67];
	memcpy(bad, g.pubkey, sizeof(bad));
	bad[65] = '\0';
	expect_bad("delete_all", signed_params(bad, sig86),
		   "invalid request: Pubkey must be 66 hex digits (33 bytes) long");
	memcpy(bad, g.pubkey, sizeof(bad));
	bad[10] = 'g';
	expect_bad("delete_all", signed_params(bad, sig86),
		   "invalid request: Pubkey must be 66 hex digits (33 bytes) long");
	expect_bad("delete_all",
		   json_pack("{ss sI}", "signature", sig86, "timestamp", (json_int_t)NOW),
		   "invalid request: Required field 'pubkey' missing");
	/* only store, retrieve and get_swarm know the pubKey alias */
	expect_bad("delete_all",
		   json_pack("{ss ss sI}", "pubKey", g.pubkey, "signature", sig86, "timestamp",
			     (json_int_t)NOW),
		   "invalid request: Required field 'pubkey' missing");
	assert_int_equal(decode("info", json_pack("{}"), false, &req, &st), 0);
	ctl_rpc_params_free(&req);
}

static void
signature_rules(void **state)
{
	struct ctl_rpc_request req;
	char s87[88], s88bad[89];

	(void)state;
	expect_ok("delete_all", signed_params(g.pubkey, sig86), false, &req);
	uint8_t want[64];
	memcpy(want, req.calls[0].acct.signature, 64);
	ctl_rpc_params_free(&req);
	expect_ok("delete_all", signed_params(g.pubkey, sig88), false, &req);
	assert_memory_equal(req.calls[0].acct.signature, want, 64);
	ctl_rpc_params_free(&req);

	snprintf(s87, sizeof(s87), "%sA", sig86);
	expect_bad("delete_all", signed_params(g.pubkey, s87),
		   "invalid request: invalid signature: expected base64 encoded Ed25519 signature");
	snprintf(s88bad, sizeof(s88bad), "%sAA", sig86);
	expect_bad("delete_all", signed_params(g.pubkey, s88bad),
		   "invalid request: invalid signature: expected base64 encoded Ed25519 signature");
	snprintf(s88bad, sizeof(s88bad), "%s", sig86);
	s88bad[5] = '*';
	expect_bad("delete_all", signed_params(g.pubkey, s88bad),
		   "invalid request: invalid signature: expected base64 encoded Ed25519 signature");
	expect_bad("delete_all",
		   json_pack("{ss sI}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW),
		   "invalid request: Required field 'signature' missing");
	expect_bad("delete_all",
		   json_pack("{ss si sI}", "pubkey", g.pubkey, "signature", 1, "timestamp",
			     (json_int_t)NOW),
		   "invalid request: Invalid value given for 'signature': expected string");
}

static void
pubkey_ed25519_rules(void **state)
{
	struct ctl_rpc_request req;
	json_t *p;

	(void)state;
	p = signed_params(s05.pubkey, sig86);
	json_object_set_new(p, "pubkey_ed25519", json_string(s05.pk_ed_hex));
	expect_ok("delete_all", p, false, &req);
	assert_true(req.calls[0].acct.has_pubkey_ed25519);
	assert_memory_equal(req.calls[0].acct.pubkey_ed25519, s05.pk, 32);
	ctl_rpc_params_free(&req);

	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "pubkey_ed25519", json_string(g.pk_ed_hex));
	expect_bad("delete_all", p,
		   "invalid request: pubkey_ed25519 is only permitted for 05[...] pubkeys");
	p = signed_params(s05.pubkey, sig86);
	json_object_set_new(p, "pubkey_ed25519", json_stringn(s05.pk_ed_hex, 63));
	expect_bad(
		"delete_all", p,
		"invalid request: Invalid pubkey_ed25519: expected 64 hex char or 32 byte pubkey");
	char nothex[65];
	memcpy(nothex, s05.pk_ed_hex, sizeof(nothex));
	nothex[0] = 'x';
	p = signed_params(s05.pubkey, sig86);
	json_object_set_new(p, "pubkey_ed25519", json_string(nothex));
	expect_bad("delete_all", p, "invalid request: invalid pubkey_ed25519: value is not hex");
}

static void
timestamp_rules(void **state)
{
	struct ctl_rpc_request req;

	(void)state;
	expect_ok("delete_all",
		  json_pack("{ss ss sI}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			    (json_int_t)1000000000),
		  false, &req);
	assert_int_equal(req.calls[0].p.ns_time.time_ms, 1000000000);
	ctl_rpc_params_free(&req);
	expect_bad("delete_all",
		   json_pack("{ss ss sI}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			     (json_int_t)999999999),
		   "invalid request: Invalid timestamp for 'timestamp': timestamp must be in "
		   "milliseconds");
	expect_bad("delete_all",
		   json_pack("{ss ss si}", "pubkey", g.pubkey, "signature", sig86, "timestamp", -1),
		   "invalid request: Invalid value given for 'timestamp': expected integer "
		   "timestamp (in milliseconds)");
	expect_bad("delete_all",
		   json_pack("{ss ss ss}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			     "1700000000000"),
		   "invalid request: Invalid value given for 'timestamp': expected integer "
		   "timestamp (in milliseconds)");
	expect_bad("delete_all", json_pack("{ss ss}", "pubkey", g.pubkey, "signature", sig86),
		   "invalid request: Required field 'timestamp' missing");
}

/* ---- subaccounts ---- */

static void
subaccount_rules(void **state)
{
	struct ctl_rpc_request req;
	uint8_t token[36] = {0x03, 0x01};
	char hex[73];
	json_t *p;

	(void)state;
	memcpy(token + 4, s05.pk, 32);
	sodium_bin2hex(hex, sizeof(hex), token, 36);
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
	json_object_set_new(p, "subaccount_sig", json_string(sig88));
	expect_ok("delete_all", p, false, &req);
	assert_true(req.calls[0].acct.has_subaccount);
	assert_memory_equal(req.calls[0].acct.subaccount, token, 36);
	ctl_rpc_params_free(&req);
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_string(hex));
	json_object_set_new(p, "subaccount_sig", json_string(sig86));
	expect_ok("delete_all", p, false, &req);
	assert_memory_equal(req.calls[0].acct.subaccount, token, 36);
	ctl_rpc_params_free(&req);
	/* an empty subaccount counts as none */
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_string(""));
	expect_ok("delete_all", p, false, &req);
	assert_false(req.calls[0].acct.has_subaccount);
	ctl_rpc_params_free(&req);

	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_string(hex));
	expect_bad("delete_all", p,
		   "invalid request: invalid subaccount: subaccount_sig is required when using "
		   "subaccount");
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_stringn(hex, 70));
	json_object_set_new(p, "subaccount_sig", json_string(sig86));
	expect_bad("delete_all", p,
		   "invalid request: invalid subaccount: expected base64 or hex-encoded subaccount "
		   "token");
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "subaccount", json_string(hex));
	json_object_set_new(p, "subaccount_sig", json_stringn(sig86, 85));
	expect_bad("delete_all", p,
		   "invalid request: invalid subaccount signature: expected base64 encoded Ed25519 "
		   "signature");
}

/* ---- retrieve ---- */

static void
retrieve_rules(void **state)
{
	struct ctl_rpc_request req;
	json_t *p;

	(void)state;
	/* no auth fields, default namespace: decodes; rpc_auth answers 401 */
	expect_ok("retrieve", json_pack("{ss}", "pubkey", g.pubkey), false, &req);
	assert_false(req.calls[0].p.retrieve.check_signature);
	ctl_rpc_params_free(&req);
	expect_ok("retrieve", json_pack("{ss si}", "pubKey", g.pubkey, "namespace", -10), false,
		  &req);
	assert_false(req.calls[0].p.retrieve.check_signature);
	ctl_rpc_params_free(&req);
	expect_ok("retrieve", json_pack("{ss si}", "pubkey", g.pubkey, "namespace", -21), false,
		  &req);
	assert_false(req.calls[0].p.retrieve.check_signature);
	ctl_rpc_params_free(&req);
	/* an explicit namespace that needs auth requires the signature */
	expect_bad("retrieve", json_pack("{ss si}", "pubkey", g.pubkey, "namespace", 0),
		   "invalid request: Required field 'signature' missing");
	/* any auth field triggers the check */
	expect_bad("retrieve",
		   json_pack("{ss sI}", "pubkey", g.pubkey, "timestamp", (json_int_t)NOW),
		   "invalid request: Required field 'signature' missing");
	expect_bad("retrieve", json_pack("{ss ss}", "pubkey", g.pubkey, "signature", sig86),
		   "invalid request: Required field 'timestamp' missing");

	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "last_hash", json_string(h1));
	json_object_set_new(p, "max_count", json_integer(10));
	json_object_set_new(p, "max_size", json_integer(-5));
	json_object_set_new(p, "namespace", json_integer(-10));
	expect_ok("retrieve", p, false, &req);
	struct ctl_rpc_retrieve *r = &req.calls[0].p.retrieve;
	assert_true(r->check_signature);
	assert_string_equal(r->last_hash, h1);
	assert_true(r->has_max_count && r->has_max_size);
	assert_int_equal(r->max_count, 10);
	assert_int_equal(r->max_size, -5);
	assert_int_equal(r->ns, -10);
	assert_int_equal(r->timestamp_ms, NOW);
	ctl_rpc_params_free(&req);

	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "lastHash", json_string(""));
	expect_ok("retrieve", p, false, &req);
	assert_null(req.calls[0].p.retrieve.last_hash);
	ctl_rpc_params_free(&req);

	expect_bad("retrieve",
		   json_pack("{ss ss ss}", "pubkey", g.pubkey, "last_hash", h1, "lastHash", h1),
		   "invalid request: Cannot specify both 'last_hash' and 'lastHash'");
	expect_bad("retrieve", json_pack("{ss ss}", "pubkey", g.pubkey, "last_hash", "abc"),
		   "invalid request: Invalid last_hash: expected base64 (43 chars)");
	char bad[44];
	memcpy(bad, h1, sizeof(bad));
	bad[3] = '.';
	expect_bad("retrieve", json_pack("{ss ss}", "pubkey", g.pubkey, "last_hash", bad),
		   "invalid request: Invalid last_hash: not base64");
	expect_bad("retrieve", json_pack("{ss ss}", "pubkey", g.pubkey, "max_count", "1"),
		   "invalid request: Invalid value given for 'max_count': expected integer");
	expect_bad(
		"retrieve", json_pack("{ss si}", "pubkey", g.pubkey, "reverse_direction", 1),
		"invalid request: Invalid value given for 'reverse_direction': expected boolean");
}

/* ---- delete, delete_all, delete_before, expire_all ---- */

static void
delete_rules(void **state)
{
	struct ctl_rpc_request req;
	json_t *p;

	(void)state;
	p = json_pack("{ss ss s[ss] sb}", "pubkey", g.pubkey, "signature", sig86, "messages", h1,
		      h1, "required", 1);
	expect_ok("delete", p, false, &req);
	assert_int_equal(req.calls[0].p.del.msgs.n, 2);
	assert_string_equal(req.calls[0].p.del.msgs.hashes[1], h1);
	assert_true(req.calls[0].p.del.required);
	ctl_rpc_params_free(&req);
	/* a single string is a one-element list */
	expect_ok("delete",
		  json_pack("{ss ss ss}", "pubkey", g.pubkey, "signature", sig86, "messages", h1),
		  false, &req);
	assert_int_equal(req.calls[0].p.del.msgs.n, 1);
	ctl_rpc_params_free(&req);

	expect_bad("delete", json_pack("{ss ss}", "pubkey", g.pubkey, "signature", sig86),
		   "invalid request: Required field 'messages' missing");
	expect_bad("delete",
		   json_pack("{ss ss s[]}", "pubkey", g.pubkey, "signature", sig86, "messages"),
		   "invalid request: messages does not contain any message hashes");
	expect_bad("delete",
		   json_pack("{ss ss s[s]}", "pubkey", g.pubkey, "signature", sig86, "messages",
			     "abc"),
		   "invalid request: invalid message hash: abc");
	expect_bad("delete",
		   json_pack("{ss ss s[i]}", "pubkey", g.pubkey, "signature", sig86, "messages", 1),
		   "invalid request: Invalid value given for 'messages': expected string array");
	expect_bad("delete",
		   json_pack("{ss ss ss si}", "pubkey", g.pubkey, "signature", sig86, "messages",
			     h1, "required", 1),
		   "invalid request: Invalid value given for 'required': expected boolean");
}

static void
ns_time_rules(void **state)
{
	struct ctl_rpc_request req;
	json_t *p;

	(void)state;
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "namespace", json_string("all"));
	expect_ok("delete_all", p, false, &req);
	assert_int_equal(req.calls[0].p.ns_time.ns, CTL_RPC_NS_ALL);
	ctl_rpc_params_free(&req);
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "namespace", json_string("some"));
	expect_bad("delete_all", p,
		   "invalid request: Invalid value given for 'namespace': expected integer or "
		   "\"all\"");
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "namespace", json_integer(40000));
	expect_bad("delete_all", p,
		   "invalid request: Invalid value given for 'namespace': value out of range");

	expect_ok("delete_before",
		  json_pack("{ss ss sI si}", "pubkey", g.pubkey, "signature", sig86, "before",
			    (json_int_t)NOW, "namespace", 5),
		  false, &req);
	assert_int_equal(req.calls[0].p.ns_time.time_ms, NOW);
	assert_int_equal(req.calls[0].p.ns_time.ns, 5);
	ctl_rpc_params_free(&req);
	expect_bad("delete_before", signed_params(g.pubkey, sig86),
		   "invalid request: Required field 'before' missing");
	expect_ok("expire_all",
		  json_pack("{ss ss sI ss}", "pubkey", g.pubkey, "signature", sig86, "expiry",
			    (json_int_t)NOW, "namespace", "all"),
		  false, &req);
	assert_int_equal(req.calls[0].p.ns_time.ns, CTL_RPC_NS_ALL);
	ctl_rpc_params_free(&req);
	expect_bad("expire_all", signed_params(g.pubkey, sig86),
		   "invalid request: Required field 'expiry' missing");
	expect_bad("expire_all",
		   json_pack("{ss ss si}", "pubkey", g.pubkey, "signature", sig86, "expiry", 5),
		   "invalid request: Invalid timestamp for 'expiry': timestamp must be in "
		   "milliseconds");
}

/* ---- expire, get_expiries ---- */

static void
expire_rules(void **state)
{
	struct ctl_rpc_request req;

	(void)state;
	expect_ok("expire",
		  json_pack("{ss ss s[ss] s[II] sb}", "pubkey", g.pubkey, "signature", sig86,
			    "messages", h1, h1, "expiry", (json_int_t)NOW, (json_int_t)NOW + 1,
			    "shorten", 1),
		  false, &req);
	struct ctl_rpc_expire *e = &req.calls[0].p.expire;
	assert_int_equal(e->n_expiries, 2);
	assert_int_equal(e->expiries[1], NOW + 1);
	assert_int_equal(e->msgs.n, 2);
	assert_int_equal(e->mode, CTL_RPC_EXPIRE_SHORTEN);
	ctl_rpc_params_free(&req);
	expect_ok("expire",
		  json_pack("{ss ss s[sss] sI sb}", "pubkey", g.pubkey, "signature", sig86,
			    "messages", h1, h1, h1, "expiry", (json_int_t)NOW, "extend", 1),
		  false, &req);
	e = &req.calls[0].p.expire;
	assert_int_equal(e->n_expiries, 1);
	assert_int_equal(e->mode, CTL_RPC_EXPIRE_EXTEND);
	ctl_rpc_params_free(&req);

	expect_bad("expire",
		   json_pack("{ss ss ss sI sb sb}", "pubkey", g.pubkey, "signature", sig86,
			     "messages", h1, "expiry", (json_int_t)NOW, "extend", 1, "shorten", 1),
		   "invalid request: cannot specify both 'shorten' and 'extend'");
	expect_bad("expire",
		   json_pack("{ss ss s[sss] s[II]}", "pubkey", g.pubkey, "signature", sig86,
			     "messages", h1, h1, h1, "expiry", (json_int_t)NOW, (json_int_t)NOW),
		   "invalid request: 'expiry' must be a single expiry, or the same length as "
		   "'messages'");
	expect_bad("expire",
		   json_pack("{ss ss ss s[]}", "pubkey", g.pubkey, "signature", sig86, "messages",
			     h1, "expiry"),
		   "invalid request: 'expiry' does not contain any expiration timestamps");
	expect_bad("expire",
		   json_pack("{ss ss ss}", "pubkey", g.pubkey, "signature", sig86, "messages", h1),
		   "invalid request: Required field 'expiry' missing");
	expect_bad("expire",
		   json_pack("{ss ss sI}", "pubkey", g.pubkey, "signature", sig86, "expiry",
			     (json_int_t)NOW),
		   "invalid request: Required field 'messages' missing");
	expect_bad("expire",
		   json_pack("{ss ss ss s[i]}", "pubkey", g.pubkey, "signature", sig86, "messages",
			     h1, "expiry", -1),
		   "invalid request: Invalid value given for 'expiry': expected timestamp array");
	expect_bad("expire",
		   json_pack("{ss ss ss sI}", "pubkey", g.pubkey, "signature", sig86, "messages",
			     "nothash", "expiry", (json_int_t)NOW),
		   "invalid request: invalid message hash: nothash");
}

static void
get_expiries_rules(void **state)
{
	struct ctl_rpc_request req;

	(void)state;
	/* the server does not check these strings */
	expect_ok("get_expiries",
		  json_pack("{ss ss sI s[ss]}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			    (json_int_t)NOW, "messages", "x", h1),
		  false, &req);
	assert_int_equal(req.calls[0].p.get_expiries.msgs.n, 2);
	assert_string_equal(req.calls[0].p.get_expiries.msgs.hashes[0], "x");
	ctl_rpc_params_free(&req);
	expect_bad("get_expiries", signed_params(g.pubkey, sig86),
		   "invalid request: Required field 'messages' missing");
	expect_bad("get_expiries",
		   json_pack("{ss ss ss}", "pubkey", g.pubkey, "signature", sig86, "messages", "x"),
		   "invalid request: Required field 'timestamp' missing");
	/* signed as given: an empty string is one; a number or an embedded NUL is refused */
	expect_ok("get_expiries",
		  json_pack("{ss ss sI s[s]}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			    (json_int_t)NOW, "messages", ""),
		  false, &req);
	ctl_rpc_params_free(&req);
	expect_bad("get_expiries",
		   json_pack("{ss ss sI s[i]}", "pubkey", g.pubkey, "signature", sig86, "timestamp",
			     (json_int_t)NOW, "messages", 5),
		   "invalid request: Invalid value given for 'messages': expected string array");
	expect_bad("get_expiries",
		   json_pack("{ss ss sI s[s#]}", "pubkey", g.pubkey, "signature", sig86,
			     "timestamp", (json_int_t)NOW, "messages", "a\0b", 3),
		   "invalid request: messages must be strings without NUL bytes");
}

/* ---- revoke / unrevoke / revoked ---- */

static json_t *
token_list(size_t n, bool as_hex)
{
	json_t *a = json_array();
	uint8_t token[36] = {0x03, 0x07};
	char hex[73];

	for (size_t i = 0; i < n; i++) {
		token[4] = (uint8_t)i;
		sodium_bin2hex(hex, sizeof(hex), token, 36);
		json_array_append_new(a, json_string(as_hex ? hex : b64(token, 36)));
	}
	return a;
}

static void
revoke_rules(void **state)
{
	struct ctl_rpc_request req;
	json_t *p;

	(void)state;
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "revoke", token_list(CTL_RPC_REVOKE_MAX, false));
	expect_ok("revoke_subaccount", p, false, &req);
	assert_int_equal(req.calls[0].p.tokens.n, 50);
	assert_int_equal(req.calls[0].p.tokens.tokens[36 * 49 + 4], 49);
	ctl_rpc_params_free(&req);
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "revoke", token_list(CTL_RPC_REVOKE_MAX + 1, true));
	expect_bad("revoke_subaccount", p,
		   "invalid request: invalid revoke: cannot revoke more than 50 subaccounts at "
		   "once");
	/* unrevoke has no limit; a single string is a list of one */
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "unrevoke", token_list(CTL_RPC_REVOKE_MAX + 1, true));
	expect_ok("unrevoke_subaccount", p, false, &req);
	assert_int_equal(req.calls[0].p.tokens.n, 51);
	ctl_rpc_params_free(&req);
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "revoke", json_string("zz"));
	expect_bad(
		"revoke_subaccount", p,
		"invalid request: invalid revoke: expected base64 or hex-encoded subaccount tag");
	p = signed_params(g.pubkey, sig86);
	json_object_set_new(p, "unrevoke", json_string("zz"));
	expect_bad("unrevoke_subaccount", p,
		   "invalid request: invalid unrevoke: expected base64 or hex-encoded subaccount "
		   "tag");
	expect_bad("revoke_subaccount", signed_params(g.pubkey, sig86),
		   "invalid request: Required field 'revoke' missing");
	p = json_pack("{ss ss}", "pubkey", g.pubkey, "signature", sig86);
	json_object_set_new(p, "revoke", token_list(1, false));
	expect_bad("revoke_subaccount", p, "invalid request: Required field 'timestamp' missing");
	/* unrevoke checks the timestamp before the list */
	expect_bad("unrevoke_subaccount",
		   json_pack("{ss ss}", "pubkey", g.pubkey, "signature", sig86),
		   "invalid request: Required field 'timestamp' missing");
	expect_ok("revoked_subaccounts", signed_params(g.pubkey, sig86), false, &req);
	assert_int_equal(req.calls[0].p.tokens.n, 0);
	ctl_rpc_params_free(&req);
}

/* ---- batch / sequence ---- */

static json_t *
batch_of(size_t n)
{
	json_t *reqs = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(reqs, json_pack("{ss s{}}", "method", "info", "params"));
	return json_pack("{so}", "requests", reqs);
}

static void
batch_rules(void **state)
{
	struct ctl_rpc_request req;

	(void)state;
	expect_ok("batch", batch_of(CTL_RPC_BATCH_MAX), false, &req);
	assert_int_equal(req.method, CTL_RPC_BATCH);
	assert_int_equal(req.n_calls, 20);
	assert_int_equal(req.calls[19].method, CTL_RPC_INFO);
	ctl_rpc_params_free(&req);
	expect_ok("sequence", batch_of(1), false, &req);
	assert_int_equal(req.method, CTL_RPC_SEQUENCE);
	ctl_rpc_params_free(&req);
	expect_bad("batch", batch_of(CTL_RPC_BATCH_MAX + 1),
		   "invalid request: Invalid batch request: subrequest limit exceeded");
	expect_bad("batch", batch_of(0),
		   "invalid request: Invalid batch request: no valid \"requests\" field");
	expect_bad("sequence", json_pack("{}"),
		   "invalid request: Invalid batch request: no valid \"requests\" field");
	expect_bad("batch", json_pack("{s[i]}", "requests", 1),
		   "invalid request: Invalid batch request: requests must be objects");
	expect_bad("batch", json_pack("{s[{ss}]}", "requests", "method", "info"),
		   "invalid request: Invalid batch request: subrequests must have method/params "
		   "keys");
	expect_bad("batch", json_pack("{s[{ss s{}}]}", "requests", "method", "nope", "params"),
		   "invalid request: Invalid batch subrequest: invalid method \"nope\"");
	expect_bad("batch", json_pack("{s[{ss s{}}]}", "requests", "method", "batch", "params"),
		   "invalid request: Invalid batch subrequest: subrequests may not contain "
		   "meta-requests");
	expect_bad("sequence",
		   json_pack("{s[{ss s{}}]}", "requests", "method", "sequence", "params"),
		   "invalid request: Invalid batch subrequest: subrequests may not contain "
		   "meta-requests");
	expect_bad("batch", json_pack("{s[{ss s{}}]}", "requests", "method", "ifelse", "params"),
		   "invalid request: Invalid batch subrequest: subrequests may not contain "
		   "meta-requests");
	/* a subrequest's parse error fails the whole batch */
	expect_bad("batch",
		   json_pack("{s[{ss s{}} {ss s{}}]}", "requests", "method", "info", "params",
			     "method", "get_swarm", "params"),
		   "invalid request: Required field 'pubkey' missing");
}

static void
namespace_predicates(void **state)
{
	(void)state;
	assert_true(ctl_rpc_params_ns_public_inbox(0));
	assert_true(ctl_rpc_params_ns_public_inbox(-30));
	assert_false(ctl_rpc_params_ns_public_inbox(5));
	assert_false(ctl_rpc_params_ns_public_inbox(CTL_RPC_NS_ALL));
	assert_true(ctl_rpc_params_ns_public_outbox(-1));
	assert_true(ctl_rpc_params_ns_public_outbox(-21));
	assert_false(ctl_rpc_params_ns_public_outbox(1));
	assert_false(ctl_rpc_params_ns_public_outbox(-11));
	assert_true(ctl_rpc_params_ns_noauth_retrieve(-10));
	assert_true(ctl_rpc_params_ns_noauth_retrieve(-41));
	assert_false(ctl_rpc_params_ns_noauth_retrieve(-20));
	assert_true(ctl_rpc_params_ns_unrevocable(-11));
	assert_true(ctl_rpc_params_ns_unrevocable(-211));
	assert_false(ctl_rpc_params_ns_unrevocable(11));
	assert_false(ctl_rpc_params_ns_unrevocable(-12));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envelope_errors),	cmocka_unit_test(envelope_info_and_alias),
		cmocka_unit_test(get_swarm_errors),	cmocka_unit_test(store_ok),
		cmocka_unit_test(store_data_limit),	cmocka_unit_test(store_errors),
		cmocka_unit_test(pubkey_rules),		cmocka_unit_test(signature_rules),
		cmocka_unit_test(pubkey_ed25519_rules), cmocka_unit_test(timestamp_rules),
		cmocka_unit_test(subaccount_rules),	cmocka_unit_test(retrieve_rules),
		cmocka_unit_test(delete_rules),		cmocka_unit_test(ns_time_rules),
		cmocka_unit_test(expire_rules),		cmocka_unit_test(get_expiries_rules),
		cmocka_unit_test(revoke_rules),		cmocka_unit_test(batch_rules),
		cmocka_unit_test(namespace_predicates),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("rpc_params", tests, setup, NULL);
}
