/* SPDX-License-Identifier: MIT */
/*
 * Account-level snode-tool commands: message hashes, swarm placement,
 * storage RPC signature checks, subaccount tokens and community blinded IDs.
 * They let an operator (or a test) ask "what would the node decide?" about a
 * request without running the node. docs/snode-tool.md documents each one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "blind.h"
#include "msg_hash.h"
#include "storage_sig.h"
#include "subaccount.h"
#include "swarm_space.h"
#include "tool.h"

enum {
	MAX_SWARMS = 4096,	       /* --swarms entries */
	MAX_LIST = 1024,	       /* messages / tokens in one request */
	MAX_SIGNED = 1 << 20,	       /* bytes of one signed message */
	MIN_TIMESTAMP_MS = 1000000000, /* below: seconds given for milliseconds */
};

/* One option table for every command here; each command says which it takes. */
enum opt_id {
	OPT_PUBKEY = 1,
	OPT_NAMESPACE,
	OPT_DATA_B64,
	OPT_SWARMS,
	OPT_REQUEST,
	OPT_TESTNET,
	OPT_SUBACCOUNT,
	OPT_SUBACCOUNT_SIG,
	OPT_PUBKEY_ED,
	OPT_REQUIRE,
	OPT_SESSION_ID,
	OPT_SERVER_PK,
	OPT_HELP,
	OPT_COUNT,
};

static const struct option account_opts[] = {
	{"pubkey", required_argument, NULL, OPT_PUBKEY},
	{"namespace", required_argument, NULL, OPT_NAMESPACE},
	{"data-b64", required_argument, NULL, OPT_DATA_B64},
	{"swarms", required_argument, NULL, OPT_SWARMS},
	{"request", required_argument, NULL, OPT_REQUEST},
	{"testnet", no_argument, NULL, OPT_TESTNET},
	{"subaccount", required_argument, NULL, OPT_SUBACCOUNT},
	{"subaccount-sig", required_argument, NULL, OPT_SUBACCOUNT_SIG},
	{"pubkey-ed25519", required_argument, NULL, OPT_PUBKEY_ED},
	{"require", required_argument, NULL, OPT_REQUIRE},
	{"session-id", required_argument, NULL, OPT_SESSION_ID},
	{"server-pk", required_argument, NULL, OPT_SERVER_PK},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

struct opts {
	const char *val[OPT_COUNT];
	bool testnet;
};

/* Parses argv; allowed lists the option ids the command takes, usage is its synopsis.
 * Returns 0, -1 after --help (exit 0), or TOOL_EXIT_USAGE. */
static int
parse_opts(const char *cmd, int argc, char **argv, const int *allowed, size_t n_allowed,
	   const char *usage, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", account_opts, NULL)) != -1) {
		bool ok = false;

		if (c == OPT_HELP || c == 'h') {
			printf("usage: snode-tool %s %s\n", cmd, usage);
			return -1;
		}
		for (size_t i = 0; i < n_allowed; i++)
			ok |= allowed[i] == c;
		if (!ok)
			return tool_usage_error(cmd, "unknown option (usage: %s)", usage);
		if (c == OPT_TESTNET)
			o->testnet = true;
		else
			o->val[c] = optarg;
	}
	if (optind != argc)
		return tool_usage_error(cmd, "unexpected argument: %s", argv[optind]);
	return 0;
}

static int
need(const char *cmd, const struct opts *o, enum opt_id id, const char *name)
{
	if (o->val[id] == NULL)
		return tool_usage_error(cmd, "%s is required", name);
	return 0;
}

static int
parse_pubkey(const char *cmd, const char *s, bool testnet, uint8_t pk[33])
{
	if (snc_account_parse(s, strlen(s), testnet, pk) != 0)
		return tool_usage_error(cmd, "--pubkey needs 66 hex characters (netid + key)%s",
					testnet ? " or 64 on testnet" : "");
	return 0;
}

/* Decimal integer in [lo, hi]; all of s must be digits (after an optional '-'). */
static int
parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static json_t *
json_u64_text(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *
json_u64_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	return json_string(buf);
}

int
tool_cmd_msg_hash(int argc, char **argv)
{
	static const int allowed[] = {OPT_PUBKEY, OPT_NAMESPACE, OPT_DATA_B64, OPT_TESTNET};
	const char *cmd = "msg-hash";
	struct opts o;
	uint8_t pk[33], *data;
	char hash[SNC_MSG_HASH_B64_BUF];
	long long ns = 0;
	size_t blen, len = 0;
	json_t *out;
	int rc = parse_opts(cmd, argc, argv, allowed, 4,
			    "--pubkey HEX66 [--namespace N] --data-b64 B64 [--testnet]", &o);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if ((rc = need(cmd, &o, OPT_PUBKEY, "--pubkey")) != 0 ||
	    (rc = need(cmd, &o, OPT_DATA_B64, "--data-b64")) != 0 ||
	    (rc = parse_pubkey(cmd, o.val[OPT_PUBKEY], o.testnet, pk)) != 0)
		return rc;
	if (o.val[OPT_NAMESPACE] != NULL &&
	    parse_int(o.val[OPT_NAMESPACE], SNC_MSG_NS_MIN, SNC_MSG_NS_MAX, &ns) != 0)
		return tool_usage_error(cmd, "--namespace must be an integer from %d to %d",
					SNC_MSG_NS_MIN, SNC_MSG_NS_MAX);
	blen = strlen(o.val[OPT_DATA_B64]);
	data = malloc(blen / 4 * 3 + 3);
	if (data == NULL)
		return tool_fail(cmd, "out of memory");
	if (sodium_base642bin(data, blen / 4 * 3 + 3, o.val[OPT_DATA_B64], blen, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(data);
		return tool_fail(cmd, "--data-b64 is not standard padded base64");
	}
	rc = snc_msg_hash_compute(pk, (int32_t)ns, data, len, hash);
	free(data);
	if (rc != 0)
		return tool_fail(cmd, "cannot hash: %s", strerror(-rc));
	out = json_object();
	json_object_set_new(out, "hash", json_string(hash));
	json_object_set_new(out, "namespace", json_integer(ns));
	json_object_set_new(out, "data_bytes", json_integer((json_int_t)len));
	return tool_print_json(out);
}

int
tool_cmd_swarm_point(int argc, char **argv)
{
	static const int allowed[] = {OPT_PUBKEY, OPT_TESTNET};
	const char *cmd = "swarm-point";
	struct opts o;
	uint8_t pk[33];
	uint64_t point;
	json_t *out;
	int rc = parse_opts(cmd, argc, argv, allowed, 2, "--pubkey HEX66 [--testnet]", &o);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if ((rc = need(cmd, &o, OPT_PUBKEY, "--pubkey")) != 0 ||
	    (rc = parse_pubkey(cmd, o.val[OPT_PUBKEY], o.testnet, pk)) != 0)
		return rc;
	point = snc_swarm_space_point(pk);
	out = json_object();
	json_object_set_new(out, "point", json_u64_text(point));
	json_object_set_new(out, "point_hex", json_u64_hex(point));
	return tool_print_json(out);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "ID,ID,..." with decimal or 0x-hex ids; sorted on return. */
static int
parse_swarms(const char *cmd, const char *s, uint64_t *ids, size_t *n)
{
	char *copy = strdup(s), *save = NULL, *tok;

	*n = 0;
	if (copy == NULL)
		return tool_fail(cmd, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		bool hex = strncmp(tok, "0x", 2) == 0 || strncmp(tok, "0X", 2) == 0;
		const char *digits = hex ? tok + 2 : tok;
		char *end = NULL;

		errno = 0;
		if (*n == MAX_SWARMS || *digits == '\0' || *digits == '-' || *digits == '+') {
			free(copy);
			return tool_usage_error(cmd, "--swarms: bad or too many ids (at most %d)",
						MAX_SWARMS);
		}
		ids[*n] = strtoull(digits, &end, hex ? 16 : 10);
		if (errno != 0 || *end != '\0') {
			free(copy);
			return tool_usage_error(cmd, "--swarms: '%s' is not a decimal or 0x id",
						tok);
		}
		(*n)++;
	}
	free(copy);
	qsort(ids, *n, sizeof(ids[0]), cmp_u64);
	if (snc_swarm_space_check_ids(ids, *n) != 0)
		return tool_usage_error(cmd,
					"--swarms: need distinct ids below 2^64-1, at least one");
	return 0;
}

int
tool_cmd_closest_swarm(int argc, char **argv)
{
	static const int allowed[] = {OPT_PUBKEY, OPT_SWARMS, OPT_TESTNET};
	const char *cmd = "closest-swarm";
	struct opts o;
	uint8_t pk[33];
	static uint64_t ids[MAX_SWARMS];
	uint64_t point, swarm;
	size_t n;
	json_t *out;
	int rc = parse_opts(cmd, argc, argv, allowed, 3,
			    "--pubkey HEX66 --swarms ID,ID,... [--testnet]", &o);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if ((rc = need(cmd, &o, OPT_PUBKEY, "--pubkey")) != 0 ||
	    (rc = need(cmd, &o, OPT_SWARMS, "--swarms")) != 0 ||
	    (rc = parse_pubkey(cmd, o.val[OPT_PUBKEY], o.testnet, pk)) != 0 ||
	    (rc = parse_swarms(cmd, o.val[OPT_SWARMS], ids, &n)) != 0)
		return rc;
	point = snc_swarm_space_point(pk);
	snc_swarm_space_closest(ids, n, point, &swarm);
	out = json_object();
	json_object_set_new(out, "point", json_u64_text(point));
	json_object_set_new(out, "swarm", json_u64_text(swarm));
	json_object_set_new(out, "swarm_hex", json_u64_hex(swarm));
	return tool_print_json(out);
}

/* ---- verify-storage-sig: a {"method","params"} request, checked as the server would ---- */

/* A failed check: status is the HTTP code the server would answer. */
struct vfail {
	int status;
	char why[160];
};

static int vfail(struct vfail *f, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
vfail(struct vfail *f, int status, const char *fmt, ...)
{
	va_list ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* 64-byte Ed25519 signature in JSON: base64 of 86 characters, or 88 ending in "==". */
static int
decode_sig64(const char *s, uint8_t out[64])
{
	size_t len = strlen(s), got = 0;
	const char *end = NULL;

	if (len == 88 && strcmp(s + 86, "==") == 0)
		len = 86;
	if (len != 86)
		return -1;
	if (sodium_base642bin(out, 64, s, 86, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
	    got == 64 && end == s + 86)
		return 0;
	if (sodium_base642bin(out, 64, s, 86, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	    got == 64 && end == s + 86)
		return 0;
	return -1;
}

/* namespace: absent = 0, integer in int16, or "all" where allowed. */
static int
get_ns(json_t *params, bool all_ok, int32_t *ns, struct vfail *f)
{
	json_t *j = json_object_get(params, "namespace");

	*ns = 0;
	if (j == NULL || json_is_null(j))
		return 0;
	if (json_is_integer(j)) {
		json_int_t v = json_integer_value(j);

		if (v < SNC_MSG_NS_MIN || v > SNC_MSG_NS_MAX)
			return vfail(f, 400, "namespace out of range");
		*ns = (int32_t)v;
		return 0;
	}
	if (all_ok && json_is_string(j) && strcmp(json_string_value(j), "all") == 0) {
		*ns = SNC_STORAGE_SIG_NS_ALL;
		return 0;
	}
	return vfail(f, 400, "namespace must be an integer%s", all_ok ? " or \"all\"" : "");
}

/* A millisecond timestamp field (the server's time_point fields). */
static int
get_ts(json_t *params, const char *key, bool stringified_ok, uint64_t *ts, struct vfail *f)
{
	json_t *j = json_object_get(params, key);
	long long v;

	if (j != NULL && stringified_ok && json_is_string(j)) {
		if (parse_int(json_string_value(j), 0, INT64_MAX, &v) != 0)
			return vfail(f, 400, "'%s' is not an integer", key);
		*ts = (uint64_t)v;
		return 0;
	}
	if (j == NULL || !json_is_integer(j) || json_integer_value(j) < 0)
		return vfail(f, 400, "'%s' missing or not a positive integer", key);
	*ts = (uint64_t)json_integer_value(j);
	if (!stringified_ok && *ts < MIN_TIMESTAMP_MS)
		return vfail(f, 400, "'%s' must be in milliseconds", key);
	return 0;
}

/* A string or a list of strings; returns the count (>= 1) or -1. */
static int
get_strings(json_t *params, const char *key, const char **out, struct vfail *f)
{
	json_t *j = json_object_get(params, key), *e;
	size_t i;

	if (json_is_string(j)) {
		out[0] = json_string_value(j);
		return 1;
	}
	if (!json_is_array(j) || json_array_size(j) == 0 || json_array_size(j) > MAX_LIST)
		return vfail(f, 400, "'%s' must be a string or a non-empty list (at most %d)", key,
			     MAX_LIST);
	json_array_foreach(j, i, e)
	{
		if (!json_is_string(e))
			return vfail(f, 400, "'%s' must hold strings", key);
		out[i] = json_string_value(e);
	}
	return (int)json_array_size(j);
}

/* Builds the signed message of any method. */
static int
build_message(enum snc_storage_method m, json_t *params, uint8_t *buf, size_t cap, size_t *len,
	      int32_t *ns_out, struct vfail *f)
{
	static const char *hashes[MAX_LIST];
	static uint64_t exps[MAX_LIST];
	static uint8_t tokens[MAX_LIST * SNC_SUBACCOUNT_TOKEN_BYTES];
	uint64_t ts = 0;
	int32_t ns = 0;
	int n, rc = 0;

	switch (m) {
	case SNC_STORAGE_STORE:
		if (get_ns(params, false, &ns, f) != 0)
			return -1;
		/* sig_timestamp, defaulting to timestamp (which may be a stringified integer) */
		if (json_object_get(params, "sig_timestamp") != NULL
			    ? get_ts(params, "sig_timestamp", false, &ts, f) != 0
			    : get_ts(params, "timestamp", true, &ts, f) != 0)
			return -1;
		rc = snc_storage_sig_store(buf, cap, len, ns, ts);
		break;
	case SNC_STORAGE_RETRIEVE:
		if (get_ns(params, false, &ns, f) != 0 ||
		    get_ts(params, "timestamp", false, &ts, f))
			return -1;
		rc = snc_storage_sig_retrieve(buf, cap, len, ns, ts);
		break;
	case SNC_STORAGE_DELETE_ALL:
	case SNC_STORAGE_DELETE_BEFORE:
	case SNC_STORAGE_EXPIRE_ALL: {
		const char *key = m == SNC_STORAGE_DELETE_ALL	   ? "timestamp"
				  : m == SNC_STORAGE_DELETE_BEFORE ? "before"
								   : "expiry";

		if (get_ns(params, true, &ns, f) != 0 || get_ts(params, key, false, &ts, f) != 0)
			return -1;
		rc = m == SNC_STORAGE_DELETE_ALL ? snc_storage_sig_delete_all(buf, cap, len, ns, ts)
		     : m == SNC_STORAGE_DELETE_BEFORE
			     ? snc_storage_sig_delete_before(buf, cap, len, ns, ts)
			     : snc_storage_sig_expire_all(buf, cap, len, ns, ts);
		break;
	}
	case SNC_STORAGE_DELETE:
		if ((n = get_strings(params, "messages", hashes, f)) < 0)
			return -1;
		rc = snc_storage_sig_delete(buf, cap, len, hashes, (size_t)n);
		break;
	case SNC_STORAGE_GET_EXPIRIES:
		if (get_ts(params, "timestamp", false, &ts, f) != 0 ||
		    (n = get_strings(params, "messages", hashes, f)) < 0)
			return -1;
		rc = snc_storage_sig_get_expiries(buf, cap, len, ts, hashes, (size_t)n);
		break;
	case SNC_STORAGE_EXPIRE: {
		json_t *e = json_object_get(params, "expiry"), *x;
		bool shorten = json_is_true(json_object_get(params, "shorten"));
		bool extend = json_is_true(json_object_get(params, "extend"));
		size_t n_exp = 0, i;

		if (shorten && extend)
			return vfail(f, 400, "cannot specify both 'shorten' and 'extend'");
		if ((n = get_strings(params, "messages", hashes, f)) < 0)
			return -1;
		if (json_is_integer(e) && json_integer_value(e) >= 0) {
			exps[n_exp++] = (uint64_t)json_integer_value(e);
		} else if (json_is_array(e) && json_array_size(e) <= MAX_LIST) {
			json_array_foreach(e, i, x)
			{
				if (!json_is_integer(x) || json_integer_value(x) < 0)
					return vfail(f, 400, "'expiry' must hold integers");
				exps[n_exp++] = (uint64_t)json_integer_value(x);
			}
		} else {
			return vfail(f, 400, "'expiry' must be an integer or a list");
		}
		rc = snc_storage_sig_expire(buf, cap, len,
					    shorten  ? SNC_STORAGE_EXPIRE_SHORTEN
					    : extend ? SNC_STORAGE_EXPIRE_EXTEND
						     : SNC_STORAGE_EXPIRE_ANY,
					    exps, n_exp, hashes, (size_t)n);
		break;
	}
	case SNC_STORAGE_REVOKE_SUBACCOUNT:
	case SNC_STORAGE_UNREVOKE_SUBACCOUNT: {
		const char *key = m == SNC_STORAGE_REVOKE_SUBACCOUNT ? "revoke" : "unrevoke";

		if (get_ts(params, "timestamp", false, &ts, f) != 0 ||
		    (n = get_strings(params, key, hashes, f)) < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (snc_subaccount_token_decode(hashes[i], strlen(hashes[i]),
							tokens + (size_t)i * 36) != 0)
				return vfail(f, 400,
					     "'%s' holds a token that is not 48 base64 or "
					     "72 hex characters",
					     key);
		rc = m == SNC_STORAGE_REVOKE_SUBACCOUNT
			     ? snc_storage_sig_revoke_subaccount(buf, cap, len, ts, tokens,
								 (size_t)n)
			     : snc_storage_sig_unrevoke_subaccount(buf, cap, len, ts, tokens,
								   (size_t)n);
		break;
	}
	case SNC_STORAGE_REVOKED_SUBACCOUNTS:
		if (get_ts(params, "timestamp", false, &ts, f) != 0)
			return -1;
		rc = snc_storage_sig_revoked_subaccounts(buf, cap, len, ts);
		break;
	default:
		return vfail(f, 400, "unknown method");
	}
	if (rc == -E2BIG)
		return vfail(f, 400, "too many subaccount tokens (at most %d)",
			     SNC_SUBACCOUNT_MAX_REVOKE);
	if (rc != 0)
		return vfail(f, 400, "invalid parameters for the signed message (%s)",
			     strerror(-rc));
	*ns_out = ns;
	return 0;
}

static const char *
verify_reason(int rc)
{
	switch (rc) {
	case -EINVAL:
		return "subaccount without subaccount_sig, or on an owner-only method";
	case -EPROTO:
		return "pubkey_ed25519 is only permitted for 05 pubkeys";
	case -EKEYREJECTED:
		return "pubkey_ed25519 does not convert to the account's X25519 key";
	case -ENOKEY:
		return "05 account without pubkey_ed25519: signature fails";
	case -EXDEV:
		return "subaccount token is for another network id";
	case -EACCES:
		return "subaccount token lacks a required permission";
	case -EPERM:
		return "subaccount_sig is not the account's signature of the token";
	case -EBADMSG:
		return "signature verification failed";
	default:
		return "verification error";
	}
}

static json_t *
load_request(const char *path, struct vfail *f)
{
	json_error_t err;
	json_t *j =
		strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &err) : json_load_file(path, 0, &err);

	if (j == NULL)
		vfail(f, 400, "%s:%d: %s", path, err.line, err.text);
	return j;
}

/* The request: -> signed message, auth -> verification. 0 on success, -1 with f set. */
static int
verify_request(json_t *req, bool testnet, json_t *out, struct vfail *f)
{
	json_t *params = json_object_get(req, "params"), *pk_j;
	const char *method = json_string_value(json_object_get(req, "method"));
	const char *sig_s, *ped_s, *sa_s, *sas_s;
	enum snc_storage_method m;
	struct snc_storage_auth auth = {0};
	uint8_t pk[33], ped[32], token[36], tsig[64], sig[64];
	static uint8_t msg[MAX_SIGNED];
	size_t len = 0;
	int32_t ns = 0;
	int flags, rc;

	if (method == NULL || !json_is_object(params))
		return vfail(f, 400, "request needs a string \"method\" and an object \"params\"");
	if (snc_storage_sig_method_parse(method, &m) != 0)
		return vfail(f, 400, "method '%s' takes no signature or is unknown", method);
	pk_j = json_object_get(params, "pubkey");
	if (pk_j == NULL)
		pk_j = json_object_get(params, "pubKey");
	if (!json_is_string(pk_j) ||
	    snc_account_parse(json_string_value(pk_j), json_string_length(pk_j), testnet, pk) != 0)
		return vfail(f, 400, "pubkey must be 66 hex digits (33 bytes)");
	sig_s = json_string_value(json_object_get(params, "signature"));
	ped_s = json_string_value(json_object_get(params, "pubkey_ed25519"));
	sa_s = json_string_value(json_object_get(params, "subaccount"));
	sas_s = json_string_value(json_object_get(params, "subaccount_sig"));
	json_object_set_new(out, "method", json_string(method));
	if (sig_s == NULL) {
		/* store: public inboxes (n % 10 == 0) take unsigned messages. retrieve: only
		 * the no-auth namespaces, and only if nothing else of a signature was sent. */
		bool all_ok = m == SNC_STORAGE_DELETE_ALL || m == SNC_STORAGE_DELETE_BEFORE ||
			      m == SNC_STORAGE_EXPIRE_ALL;

		if (get_ns(params, all_ok, &ns, f) != 0)
			return -1;
		if (m == SNC_STORAGE_RETRIEVE &&
		    (ped_s != NULL || json_object_get(params, "timestamp") != NULL))
			return vfail(f, 400, "Required field 'signature' missing");
		if (!(m == SNC_STORAGE_STORE && ns % 10 == 0) &&
		    !(m == SNC_STORAGE_RETRIEVE && (ns == -10 || (ns < 0 && (-ns) % 20 == 1))))
			return vfail(f, 401, "signature required");
		json_object_set_new(out, "signed", json_false());
		json_object_set_new(out, "valid", json_true());
		return 0;
	}
	if (build_message(m, params, msg, sizeof(msg), &len, &ns, f) != 0)
		return -1;
	json_object_set_new(out, "message_hex", tool_json_hex(msg, len));
	if (decode_sig64(sig_s, sig) != 0)
		return vfail(f, 400,
			     "invalid signature: expected base64 encoded Ed25519 signature");
	auth.pubkey = pk;
	if (ped_s != NULL) {
		size_t l = strlen(ped_s);

		if (l == 64 ? tool_hex_exact(ped_s, ped, 32) != 0 : l == 32 ? 0 : 1)
			return vfail(f, 400, "invalid pubkey_ed25519: expected 64 hex characters");
		if (l == 32)
			memcpy(ped, ped_s, 32);
		auth.pubkey_ed25519 = ped;
	}
	flags = snc_storage_sig_required_flags(m, ns);
	auth.owner_only = flags < 0;
	auth.required_flags = flags < 0 ? 0 : (uint8_t)flags;
	/* Owner-only methods never read a subaccount, so it is ignored as the server does. */
	if (sa_s != NULL && sa_s[0] != '\0' && !auth.owner_only) {
		if (sas_s == NULL)
			return vfail(f, 400, "subaccount_sig is required when using subaccount");
		if (snc_subaccount_token_decode(sa_s, strlen(sa_s), token) != 0)
			return vfail(f, 400, "invalid subaccount: expected base64 or hex token");
		if (decode_sig64(sas_s, tsig) != 0)
			return vfail(f, 400, "invalid subaccount signature");
		auth.subaccount = token;
		auth.subaccount_sig = tsig;
	}
	rc = snc_storage_sig_verify(&auth, msg, len, sig);
	if (rc != 0)
		return vfail(f, snc_storage_sig_http_status(rc), "%s", verify_reason(rc));
	json_object_set_new(out, "signed", json_true());
	json_object_set_new(out, "signer",
			    json_string(auth.subaccount	      ? "subaccount"
					: auth.pubkey_ed25519 ? "pubkey_ed25519"
							      : "pubkey"));
	json_object_set_new(out, "required_flags", json_integer(auth.required_flags));
	json_object_set_new(out, "valid", json_true());
	return 0;
}

int
tool_cmd_verify_storage_sig(int argc, char **argv)
{
	static const int allowed[] = {OPT_REQUEST, OPT_TESTNET};
	const char *cmd = "verify-storage-sig";
	struct opts o;
	struct vfail f = {0, ""};
	json_t *req, *out;
	int rc = parse_opts(cmd, argc, argv, allowed, 2, "--request FILE|- [--testnet]", &o);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if ((rc = need(cmd, &o, OPT_REQUEST, "--request")) != 0)
		return rc;
	req = load_request(o.val[OPT_REQUEST], &f);
	if (req == NULL)
		return tool_fail(cmd, "%d %s", f.status, f.why);
	out = json_object();
	rc = verify_request(req, o.testnet, out, &f);
	json_decref(req);
	if (rc != 0) {
		json_decref(out);
		return tool_fail(cmd, "%d %s", f.status, f.why);
	}
	return tool_print_json(out);
}

/* "r,w,d,any" letters, or a number (decimal or 0x). */
static int
parse_flags(const char *s, uint8_t *flags)
{
	char *copy, *save = NULL, *tok;
	long long v;

	if (parse_int(s, 0, SNC_SUBACCOUNT_KNOWN_FLAGS, &v) == 0) {
		*flags = (uint8_t)v;
		return 0;
	}
	if (strncmp(s, "0x", 2) == 0) {
		char *end = NULL;
		unsigned long x = strtoul(s + 2, &end, 16);

		if (*end != '\0' || s[2] == '\0' || x > SNC_SUBACCOUNT_KNOWN_FLAGS)
			return -1;
		*flags = (uint8_t)x;
		return 0;
	}
	copy = strdup(s);
	if (copy == NULL)
		return -1;
	*flags = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "r") == 0 || strcmp(tok, "read") == 0)
			*flags |= SNC_SUBACCOUNT_READ;
		else if (strcmp(tok, "w") == 0 || strcmp(tok, "write") == 0)
			*flags |= SNC_SUBACCOUNT_WRITE;
		else if (strcmp(tok, "d") == 0 || strcmp(tok, "delete") == 0)
			*flags |= SNC_SUBACCOUNT_DELETE;
		else if (strcmp(tok, "any") == 0 || strcmp(tok, "any_prefix") == 0)
			*flags |= SNC_SUBACCOUNT_ANY_PREFIX;
		else {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

int
tool_cmd_subaccount_check(int argc, char **argv)
{
	static const int allowed[] = {OPT_PUBKEY,    OPT_SUBACCOUNT, OPT_SUBACCOUNT_SIG,
				      OPT_PUBKEY_ED, OPT_REQUIRE,    OPT_TESTNET};
	const char *cmd = "subaccount-check";
	struct opts o;
	uint8_t pk[33], ped[32], token[36], tsig[64], required = 0;
	const uint8_t *key;
	struct snc_subaccount_token t;
	json_t *out;
	int rc = parse_opts(cmd, argc, argv, allowed, 6,
			    "--pubkey HEX66 --subaccount B64|HEX --subaccount-sig B64|HEX128 "
			    "[--pubkey-ed25519 HEX64] [--require r,w,d,any] [--testnet]",
			    &o);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if ((rc = need(cmd, &o, OPT_PUBKEY, "--pubkey")) != 0 ||
	    (rc = need(cmd, &o, OPT_SUBACCOUNT, "--subaccount")) != 0 ||
	    (rc = need(cmd, &o, OPT_SUBACCOUNT_SIG, "--subaccount-sig")) != 0 ||
	    (rc = parse_pubkey(cmd, o.val[OPT_PUBKEY], o.testnet, pk)) != 0)
		return rc;
	if (snc_subaccount_token_decode(o.val[OPT_SUBACCOUNT], strlen(o.val[OPT_SUBACCOUNT]),
					token) != 0)
		return tool_usage_error(cmd, "--subaccount needs 48 base64 or 72 hex characters");
	if (decode_sig64(o.val[OPT_SUBACCOUNT_SIG], tsig) != 0 &&
	    tool_hex_exact(o.val[OPT_SUBACCOUNT_SIG], tsig, 64) != 0)
		return tool_usage_error(cmd, "--subaccount-sig needs base64 (86/88) or 128 hex");
	if (o.val[OPT_REQUIRE] != NULL && parse_flags(o.val[OPT_REQUIRE], &required) != 0)
		return tool_usage_error(cmd, "--require takes r,w,d,any or a number up to 15");
	key = pk + 1;
	if (o.val[OPT_PUBKEY_ED] != NULL) {
		if (tool_hex_exact(o.val[OPT_PUBKEY_ED], ped, 32) != 0)
			return tool_usage_error(cmd, "--pubkey-ed25519 needs 64 hex characters");
		rc = snc_account_check_ed25519(pk, ped);
		if (rc != 0)
			return tool_fail(cmd, "%s", verify_reason(rc));
		key = ped;
	}
	rc = snc_subaccount_check(token, tsig, pk[0], key, required);
	if (rc != 0)
		return tool_fail(cmd, "%s", verify_reason(rc));
	snc_subaccount_token_parse(token, &t);
	out = json_object();
	json_object_set_new(out, "valid", json_true());
	json_object_set_new(out, "netid", json_integer(t.netid));
	json_object_set_new(out, "flags", json_integer(t.flags));
	json_object_set_new(out, "read", json_boolean(t.flags & SNC_SUBACCOUNT_READ));
	json_object_set_new(out, "write", json_boolean(t.flags & SNC_SUBACCOUNT_WRITE));
	json_object_set_new(out, "delete", json_boolean(t.flags & SNC_SUBACCOUNT_DELETE));
	json_object_set_new(out, "any_prefix", json_boolean(t.flags & SNC_SUBACCOUNT_ANY_PREFIX));
	json_object_set_new(out, "subaccount_pubkey", tool_json_hex(t.pubkey, 32));
	return tool_print_json(out);
}

static int
blind_common(const char *cmd, int argc, char **argv, uint8_t sid[33], uint8_t spk[32])
{
	static const int allowed[] = {OPT_SESSION_ID, OPT_SERVER_PK};
	struct opts o;
	int rc =
		parse_opts(cmd, argc, argv, allowed, 2, "--session-id HEX66 --server-pk HEX64", &o);

	if (rc != 0)
		return rc;
	if ((rc = need(cmd, &o, OPT_SESSION_ID, "--session-id")) != 0 ||
	    (rc = need(cmd, &o, OPT_SERVER_PK, "--server-pk")) != 0)
		return rc;
	if (tool_hex_exact(o.val[OPT_SESSION_ID], sid, 33) != 0 || sid[0] != 0x05)
		return tool_usage_error(cmd, "--session-id needs 66 hex characters starting 05");
	if (tool_hex_exact(o.val[OPT_SERVER_PK], spk, 32) != 0)
		return tool_usage_error(cmd, "--server-pk needs 64 hex characters");
	return 0;
}

int
tool_cmd_blind15_id(int argc, char **argv)
{
	uint8_t sid[33], spk[32], ids[2][33];
	json_t *out, *alt;
	int rc = blind_common("blind15-id", argc, argv, sid, spk);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (snc_blind_id15(sid, spk, ids) != 0)
		return tool_fail("blind15-id", "the session ID is not a usable X25519 key");
	out = json_object();
	alt = json_array();
	json_array_append_new(alt, tool_json_hex(ids[0], 33));
	json_array_append_new(alt, tool_json_hex(ids[1], 33));
	json_object_set_new(out, "blinded_id", tool_json_hex(ids[0], 33));
	json_object_set_new(out, "candidates", alt);
	return tool_print_json(out);
}

int
tool_cmd_blind25_id(int argc, char **argv)
{
	uint8_t sid[33], spk[32], id[33];
	json_t *out;
	int rc = blind_common("blind25-id", argc, argv, sid, spk);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (snc_blind_id25(sid, spk, id) != 0)
		return tool_fail("blind25-id", "the session ID is not a usable X25519 key");
	out = json_object();
	json_object_set_new(out, "blinded_id", tool_json_hex(id, 33));
	return tool_print_json(out);
}
