/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC request decoding (see rpc_params.h). Each method's decoder reads
 * its fields in the order session-storage-server does (types first, in
 * alphabetical field order, then the required fields and their content), so
 * that a request with several faults gets the same first complaint. Texts are
 * written after oxenss/rpc/client_rpc_endpoints.cpp (load_fields, load_pk,
 * load_pk_signature, load_subaccount, the per-method load functions) and
 * request_handler.cpp (process_client_req for the envelope).
 */
#include "rpc_params.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "msg_hash.h"

static const char *const method_names[CTL_RPC_METHOD_COUNT] = {
	[CTL_RPC_STORE] = "store",
	[CTL_RPC_RETRIEVE] = "retrieve",
	[CTL_RPC_DELETE] = "delete",
	[CTL_RPC_DELETE_ALL] = "delete_all",
	[CTL_RPC_DELETE_BEFORE] = "delete_before",
	[CTL_RPC_EXPIRE_ALL] = "expire_all",
	[CTL_RPC_EXPIRE] = "expire",
	[CTL_RPC_GET_EXPIRIES] = "get_expiries",
	[CTL_RPC_REVOKE_SUBACCOUNT] = "revoke_subaccount",
	[CTL_RPC_UNREVOKE_SUBACCOUNT] = "unrevoke_subaccount",
	[CTL_RPC_REVOKED_SUBACCOUNTS] = "revoked_subaccounts",
	[CTL_RPC_GET_SWARM] = "get_swarm",
	[CTL_RPC_INFO] = "info",
	[CTL_RPC_OXEND_REQUEST] = "oxend_request",
	[CTL_RPC_BATCH] = "batch",
	[CTL_RPC_SEQUENCE] = "sequence",
};

int
ctl_rpc_params_method(const char *name, enum ctl_rpc_method *m)
{
	if (name == NULL || m == NULL)
		return -EINVAL;
	for (int i = 0; i < CTL_RPC_METHOD_COUNT; i++)
		if (strcmp(name, method_names[i]) == 0) {
			*m = (enum ctl_rpc_method)i;
			return 0;
		}
	if (strcmp(name, "get_snodes_for_pubkey") == 0) {
		*m = CTL_RPC_GET_SWARM;
		return 0;
	}
	return -ENOENT;
}

const char *
ctl_rpc_params_method_name(enum ctl_rpc_method m)
{
	return (unsigned)m < CTL_RPC_METHOD_COUNT ? method_names[m] : NULL;
}

bool
ctl_rpc_params_ns_public_inbox(int32_t ns)
{
	return ns != CTL_RPC_NS_ALL && ns % 10 == 0;
}

bool
ctl_rpc_params_ns_public_outbox(int32_t ns)
{
	return ns < 0 && (-ns) % 20 == 1;
}

bool
ctl_rpc_params_ns_noauth_retrieve(int32_t ns)
{
	return ns == -10 || ctl_rpc_params_ns_public_outbox(ns);
}

bool
ctl_rpc_params_ns_unrevocable(int32_t ns)
{
	return ns < 0 && (-ns) % 100 == 11;
}

/* ---- status helpers ---------------------------------------------------- */

static int set_status(struct ctl_rpc_status *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
set_status(struct ctl_rpc_status *st, int code, const char *fmt, ...)
{
	va_list ap;

	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof(st->text), fmt, ap);
	va_end(ap);
	return code == 500 ? -ENOMEM : -EINVAL;
}

/* A parse error: 400 "invalid request: <why>". */
static int bad(struct ctl_rpc_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
bad(struct ctl_rpc_status *st, const char *fmt, ...)
{
	char why[CTL_RPC_TEXT_MAX - 20];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return set_status(st, 400, "invalid request: %s", why);
}

static int
oom(struct ctl_rpc_status *st)
{
	return set_status(st, 500, "request failed");
}

/* ---- encodings --------------------------------------------------------- */

/* Base64 digit value (standard and URL-safe alphabets, as oxenc), or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* The server's is_base64: no length of 4k+1, and one or two '=' only when
 * they pad to a multiple of 4. Returns the length without padding, or -1. */
static long
b64_check(const char *s, size_t len)
{
	size_t end = len;

	if (len % 4 == 1)
		return -1;
	if (len > 0 && len % 4 == 0) {
		if (s[end - 1] == '=')
			end--;
		if (s[end - 1] == '=')
			end--;
	}
	for (size_t i = 0; i < end; i++)
		if (b64_value((unsigned char)s[i]) < 0)
			return -1;
	return (long)end;
}

/* Decodes n valid (checked) base64 digits into out; returns the byte count. */
static size_t
b64_decode(const char *s, size_t n, uint8_t *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 6) | (uint32_t)b64_value((unsigned char)s[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static bool
hex_exact(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t got = 0;
	const char *end = NULL;

	return len == 2 * n && sodium_hex2bin(out, n, s, len, NULL, &got, &end) == 0 && got == n &&
	       end == s + len;
}

/* An Ed25519 signature in JSON: base64 of 86 characters, or 88 ending "==". */
static bool
sig_decode(const char *s, size_t len, uint8_t out[64])
{
	long n = b64_check(s, len);

	if (n < 0 || !(len == 86 || (len == 88 && s[86] == '=' && s[87] == '=')))
		return false;
	return b64_decode(s, (size_t)n, out) == 64;
}

/* A subaccount token in JSON: 48 base64 or 72 hex characters. */
static bool
token_decode(const char *s, size_t len, uint8_t out[36])
{
	if (len == 48 && b64_check(s, len) == 48)
		return b64_decode(s, 48, out) == 36;
	return hex_exact(s, len, out, 36);
}

/* ---- typed field readers ---------------------------------------------- */
/*
 * Each returns 0 with *v NULL when the field is absent or null (the server
 * treats both as not given), 0 with the value, or a 400 for the wrong type.
 */

static json_t *
field(json_t *params, const char *name)
{
	json_t *v = json_object_get(params, name);

	return v == NULL || json_is_null(v) ? NULL : v;
}

static int
wrong_type(struct ctl_rpc_status *st, const char *name, const char *want)
{
	return bad(st, "Invalid value given for '%s': expected %s", name, want);
}

static int
f_str(json_t *params, const char *name, json_t **v, struct ctl_rpc_status *st)
{
	*v = field(params, name);
	return *v == NULL || json_is_string(*v) ? 0 : wrong_type(st, name, "string");
}

static int
f_bool(json_t *params, const char *name, bool *out, struct ctl_rpc_status *st)
{
	json_t *v = field(params, name);

	*out = false;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return wrong_type(st, name, "boolean");
	*out = json_is_true(v);
	return 0;
}

/* field() that also says in *has whether the field is given. */
static json_t *
field_has(json_t *params, const char *name, bool *has)
{
	json_t *v = field(params, name);

	*has = v != NULL;
	return v;
}

/* A given field's integer, not below min; else a 400 that wants "want". */
static int
int_value(json_t *v, const char *name, const char *want, json_int_t min, int64_t *out,
	  struct ctl_rpc_status *st)
{
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return wrong_type(st, name, want);
	*out = json_integer_value(v);
	return 0;
}

static int
f_int(json_t *params, const char *name, bool *has, int64_t *out, struct ctl_rpc_status *st)
{
	json_t *v = field_has(params, name, has);

	return v == NULL ? 0 : int_value(v, name, "integer", INT64_MIN, out, st);
}

/* A millisecond timestamp: a non-negative integer, not below 1e9. */
static int
f_ts(json_t *params, const char *name, bool *has, uint64_t *out, struct ctl_rpc_status *st)
{
	json_t *v = field_has(params, name, has);
	int64_t n = 0;
	int rc;

	if (v == NULL)
		return 0;
	if ((rc = int_value(v, name, "integer timestamp (in milliseconds)", 0, &n, st)) != 0)
		return rc;
	if (n < CTL_RPC_TIMESTAMP_MIN)
		return bad(st, "Invalid timestamp for '%s': timestamp must be in milliseconds",
			   name);
	*out = (uint64_t)n;
	return 0;
}

/* namespace: an int16, or with allow_all also the string "all". */
static int
f_ns(json_t *params, bool allow_all, int32_t *out, struct ctl_rpc_status *st)
{
	json_t *v = field(params, "namespace");
	const char *want = allow_all ? "integer or \"all\"" : "16-bit integer";

	*out = 0;
	if (v == NULL)
		return 0;
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < SNC_MSG_NS_MIN || n > SNC_MSG_NS_MAX)
			return bad(st, "Invalid value given for 'namespace': value out of range");
		*out = (int32_t)n;
		return 0;
	}
	if (allow_all && json_is_string(v) && strcmp(json_string_value(v), "all") == 0) {
		*out = CTL_RPC_NS_ALL;
		return 0;
	}
	return wrong_type(st, "namespace", want);
}

/* A string, or an array of strings (a single string is a one-element list). */
static int
f_strs(json_t *params, const char *name, json_t **v, struct ctl_rpc_status *st)
{
	size_t i;
	json_t *e;

	*v = field(params, name);
	if (*v == NULL || json_is_string(*v))
		return 0;
	if (!json_is_array(*v))
		return wrong_type(st, name, "string array");
	json_array_foreach(*v, i, e)
	{
		if (!json_is_string(e))
			return wrong_type(st, name, "string array");
	}
	return 0;
}

/* expire's expiry: a non-negative integer or an array of them (no ms check,
 * as the server's timestamp-array reader has none). */
static int
f_ts_array(json_t *params, const char *name, json_t **v, struct ctl_rpc_status *st)
{
	size_t i;
	json_t *e;

	*v = field(params, name);
	if (*v == NULL || (json_is_integer(*v) && json_integer_value(*v) >= 0))
		return 0;
	if (!json_is_array(*v))
		return wrong_type(st, name, "timestamp array");
	json_array_foreach(*v, i, e)
	{
		if (!json_is_integer(e) || json_integer_value(e) < 0)
			return wrong_type(st, name, "timestamp array");
	}
	return 0;
}

static size_t
list_len(json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : 1;
}

static json_t *
list_at(json_t *v, size_t i)
{
	return json_is_array(v) ? json_array_get(v, i) : v;
}

/* Collects a checked string list into h (pointers into the JSON). */
static int
collect_hashes(json_t *v, struct ctl_rpc_hashes *h, bool validate, struct ctl_rpc_status *st)
{
	size_t n = list_len(v);

	h->n = 0;
	if (n == 0)
		return bad(st, "messages does not contain any message hashes");
	h->hashes = calloc(n, sizeof(*h->hashes));
	if (h->hashes == NULL)
		return oom(st);
	for (size_t i = 0; i < n; i++) {
		json_t *e = list_at(v, i);
		h->hashes[i] = json_string_value(e);
	}
	h->n = n;
	/* Unvalidated lists (get_expiries) are signed as given: each must be a string without
	 * NUL (the signed message is built from C strings). */
	for (size_t i = 0; i < n && !validate; i++)
		if (h->hashes[i] == NULL ||
		    strlen(h->hashes[i]) != json_string_length(list_at(v, i)))
			return bad(st, "messages must be strings without NUL bytes");
	if (!validate)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!snc_msg_hash_is_valid(h->hashes[i], json_string_length(list_at(v, i))))
			return bad(st, "invalid message hash: %.64s", h->hashes[i]);
	return 0;
}

/* ---- pubkey and signature fields -------------------------------------- */

static int
load_pk(json_t *pk, bool testnet, const char *msg, struct ctl_rpc_account *a,
	struct ctl_rpc_status *st)
{
	if (pk == NULL)
		return bad(st, "Required field 'pubkey' missing");
	if (snc_account_parse(json_string_value(pk), json_string_length(pk), testnet, a->pubkey) !=
	    0)
		return bad(st, "%s", msg);
	return 0;
}

static const char pk_msg[] = "Pubkey must be 66 hex digits (33 bytes) long";

/* pubkey plus required signature and optional pubkey_ed25519 (load_pk_signature). */
static int
load_pk_signature(json_t *pk, json_t *pk_ed, json_t *sig, bool testnet, struct ctl_rpc_account *a,
		  struct ctl_rpc_status *st)
{
	int rc = load_pk(pk, testnet, pk_msg, a, st);

	if (rc != 0)
		return rc;
	if (sig == NULL)
		return bad(st, "Required field 'signature' missing");
	if (pk_ed != NULL) {
		const char *s = json_string_value(pk_ed);
		size_t len = json_string_length(pk_ed);

		if (a->pubkey[0] != SNC_ACCOUNT_NETID_SESSION)
			return bad(st, "pubkey_ed25519 is only permitted for 05[...] pubkeys");
		if (len == 64) {
			if (!hex_exact(s, len, a->pubkey_ed25519, 32))
				return bad(st, "invalid pubkey_ed25519: value is not hex");
		} else if (len == 32) {
			memcpy(a->pubkey_ed25519, s, 32);
		} else {
			return bad(st, "Invalid pubkey_ed25519: expected 64 hex char or 32 byte "
				       "pubkey");
		}
		a->has_pubkey_ed25519 = true;
	}
	if (!sig_decode(json_string_value(sig), json_string_length(sig), a->signature))
		return bad(st, "invalid signature: expected base64 encoded Ed25519 signature");
	a->has_signature = true;
	return 0;
}

static int
load_subaccount(json_t *sa, json_t *sa_sig, struct ctl_rpc_account *a, struct ctl_rpc_status *st)
{
	if (sa == NULL || json_string_length(sa) == 0)
		return 0;
	if (sa_sig == NULL)
		return bad(st, "invalid subaccount: subaccount_sig is required when using "
			       "subaccount");
	if (!token_decode(json_string_value(sa), json_string_length(sa), a->subaccount))
		return bad(st, "invalid subaccount: expected base64 or hex-encoded subaccount "
			       "token");
	if (!sig_decode(json_string_value(sa_sig), json_string_length(sa_sig), a->subaccount_sig))
		return bad(st, "invalid subaccount signature: expected base64 encoded Ed25519 "
			       "signature");
	a->has_subaccount = true;
	return 0;
}

/* The common fields of signed methods, read in the server's alphabetical order
 * around the method's own fields. */
struct auth_fields {
	json_t *pk, *pk_ed, *sig, *sa, *sa_sig;
};

static int
read_auth_fields(json_t *p, struct auth_fields *f, bool with_subaccount, struct ctl_rpc_status *st)
{
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = f_str(p, "pubkey", &f->pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &f->pk_ed, st)) != 0 ||
	    (rc = f_str(p, "signature", &f->sig, st)) != 0)
		return rc;
	if (!with_subaccount)
		return 0;
	if ((rc = f_str(p, "subaccount", &f->sa, st)) != 0 ||
	    (rc = f_str(p, "subaccount_sig", &f->sa_sig, st)) != 0)
		return rc;
	return 0;
}

static int
load_auth(const struct auth_fields *f, bool testnet, bool with_subaccount,
	  struct ctl_rpc_account *a, struct ctl_rpc_status *st)
{
	int rc = load_pk_signature(f->pk, f->pk_ed, f->sig, testnet, a, st);

	if (rc == 0 && with_subaccount)
		rc = load_subaccount(f->sa, f->sa_sig, a, st);
	return rc;
}

/* Exactly one of pubkey / its alias pubKey (store, retrieve, get_swarm). */
static int
pick_pubkey(json_t *pubkey, json_t *alias, json_t **out, struct ctl_rpc_status *st)
{
	if (pubkey != NULL && alias != NULL)
		return bad(st, "Cannot specify both 'pubkey' and 'pubKey'");
	if (pubkey == NULL && alias == NULL)
		return bad(st, "Required field 'pubkey' missing");
	*out = pubkey != NULL ? pubkey : alias;
	return 0;
}

/* ---- store's stringified integers ------------------------------------- */

static bool
parse_i64(const char *s, size_t len, bool allow_negative, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	size_t i = 0;

	if (allow_negative && len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* timestamp (signed) or ttl (unsigned) of store: an integer or a string of one. */
static int
f_stringified(json_t *p, const char *name, bool is_signed, bool *has, int64_t *out,
	      struct ctl_rpc_status *st)
{
	json_t *v = field_has(p, name, has);

	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		if (parse_i64(json_string_value(v), json_string_length(v), is_signed, out))
			return 0;
		char *dump = json_dumps(v, JSON_ENCODE_ANY);
		int rc = bad(st, "Invalid value given for '%s': %.100s", name,
			     dump != NULL ? dump : "?");
		free(dump);
		return rc;
	}
	return int_value(v, name, is_signed ? "integer" : "positive integer",
			 is_signed ? INT64_MIN : 0, out, st);
}

/* ---- per-method decoders ---------------------------------------------- */

static int
load_store(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	struct ctl_rpc_store *s = &c->p.store;
	json_t *data, *pk_alt, *pk, *pk_ed, *sig, *sa, *sa_sig;
	bool has_exp, has_sig_ts, has_ts, has_ttl;
	uint64_t expiry = 0, sig_ts = 0;
	int64_t ts = 0, ttl = 0;
	int32_t ns;
	int rc;

	if ((rc = f_str(p, "data", &data, st)) != 0 ||
	    (rc = f_ts(p, "expiry", &has_exp, &expiry, st)) != 0 ||
	    (rc = f_ns(p, false, &ns, st)) != 0 || (rc = f_str(p, "pubKey", &pk_alt, st)) != 0 ||
	    (rc = f_str(p, "pubkey", &pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &pk_ed, st)) != 0 ||
	    (rc = f_ts(p, "sig_timestamp", &has_sig_ts, &sig_ts, st)) != 0 ||
	    (rc = f_str(p, "signature", &sig, st)) != 0 ||
	    (rc = f_str(p, "subaccount", &sa, st)) != 0 ||
	    (rc = f_str(p, "subaccount_sig", &sa_sig, st)) != 0 ||
	    (rc = f_stringified(p, "timestamp", true, &has_ts, &ts, st)) != 0 ||
	    (rc = f_stringified(p, "ttl", false, &has_ttl, &ttl, st)) != 0)
		return rc;
	if (!has_ts)
		return bad(st, "Required field 'timestamp' missing");
	if (has_exp && has_ttl)
		return bad(st, "Cannot specify both 'expiry' and 'ttl'");
	if (!has_exp && !has_ttl)
		return bad(st, "Required field 'expiry' or 'ttl' missing");
	s->timestamp_ms = ts;
	if (has_exp)
		s->expiry_ms = (int64_t)expiry;
	else if (ts > 0 && ttl > INT64_MAX - ts) /* ts may be negative: no overflow then */
		s->expiry_ms = INT64_MAX;	 /* fails the TTL check */
	else
		s->expiry_ms = ts + ttl;
	if ((rc = pick_pubkey(pk, pk_alt, &pk, st)) != 0)
		return rc;
	s->ns = ns;
	if (sig != NULL) {
		if ((rc = load_pk_signature(pk, pk_ed, sig, testnet, &c->acct, st)) != 0 ||
		    (rc = load_subaccount(sa, sa_sig, &c->acct, st)) != 0)
			return rc;
		s->sig_timestamp_ms = has_sig_ts ? sig_ts : (uint64_t)ts;
	} else if ((rc = load_pk(pk, testnet, pk_msg, &c->acct, st)) != 0) {
		return rc;
	}
	if (data == NULL)
		return bad(st, "Required field 'data' missing");
	long n = b64_check(json_string_value(data), json_string_length(data));
	if (n < 0)
		return bad(st, "Invalid 'data' value: not base64 encoded");
	if (json_string_length(data) > CTL_RPC_DATA_B64_MAX)
		return bad(st, "Message body exceeds maximum allowed length of %d bytes",
			   CTL_RPC_DATA_MAX);
	s->data = malloc((size_t)n * 3 / 4 + 1);
	if (s->data == NULL)
		return oom(st);
	s->data_len = b64_decode(json_string_value(data), (size_t)n, s->data);
	return 0;
}

static int
load_retrieve(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	struct ctl_rpc_retrieve *r = &c->p.retrieve;
	json_t *lastHash, *last_hash, *pk_alt, *pk, *pk_ed, *sig, *sa, *sa_sig;
	bool has_ns, has_ts, reverse;
	int rc;

	if ((rc = f_str(p, "lastHash", &lastHash, st)) != 0 ||
	    (rc = f_str(p, "last_hash", &last_hash, st)) != 0 ||
	    (rc = f_int(p, "max_count", &r->has_max_count, &r->max_count, st)) != 0 ||
	    (rc = f_int(p, "max_size", &r->has_max_size, &r->max_size, st)) != 0 ||
	    (rc = f_ns(p, false, &r->ns, st)) != 0 || (rc = f_str(p, "pubKey", &pk_alt, st)) != 0 ||
	    (rc = f_str(p, "pubkey", &pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &pk_ed, st)) != 0 ||
	    (rc = f_bool(p, "reverse_direction", &reverse, st)) != 0 ||
	    (rc = f_str(p, "signature", &sig, st)) != 0 ||
	    (rc = f_str(p, "subaccount", &sa, st)) != 0 ||
	    (rc = f_str(p, "subaccount_sig", &sa_sig, st)) != 0 ||
	    (rc = f_ts(p, "timestamp", &has_ts, &r->timestamp_ms, st)) != 0)
		return rc;
	if ((rc = pick_pubkey(pk, pk_alt, &pk, st)) != 0)
		return rc;
	has_ns = field(p, "namespace") != NULL;
	if (pk_ed != NULL || sig != NULL || has_ts ||
	    (has_ns && !ctl_rpc_params_ns_noauth_retrieve(r->ns))) {
		if ((rc = load_pk_signature(pk, pk_ed, sig, testnet, &c->acct, st)) != 0 ||
		    (rc = load_subaccount(sa, sa_sig, &c->acct, st)) != 0)
			return rc;
		/* The server dereferences a missing timestamp here (undefined
		 * behaviour); a clear 400 is the only sane reading. */
		if (!has_ts)
			return bad(st, "Required field 'timestamp' missing");
		r->check_signature = true;
	} else if ((rc = load_pk(pk, testnet, pk_msg, &c->acct, st)) != 0) {
		return rc;
	}
	if (last_hash != NULL && lastHash != NULL)
		return bad(st, "Cannot specify both 'last_hash' and 'lastHash'");
	if (lastHash != NULL)
		last_hash = lastHash;
	if (last_hash != NULL && json_string_length(last_hash) > 0) {
		if (json_string_length(last_hash) != SNC_MSG_HASH_B64_LEN)
			return bad(st, "Invalid last_hash: expected base64 (43 chars)");
		if (!snc_msg_hash_is_valid(json_string_value(last_hash), SNC_MSG_HASH_B64_LEN))
			return bad(st, "Invalid last_hash: not base64");
		r->last_hash = json_string_value(last_hash);
	}
	return 0;
}

static int
load_delete(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	struct auth_fields f;
	json_t *msgs;
	int rc;

	if ((rc = f_strs(p, "messages", &msgs, st)) != 0 ||
	    (rc = f_str(p, "pubkey", &f.pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &f.pk_ed, st)) != 0 ||
	    (rc = f_bool(p, "required", &c->p.del.required, st)) != 0 ||
	    (rc = f_str(p, "signature", &f.sig, st)) != 0 ||
	    (rc = f_str(p, "subaccount", &f.sa, st)) != 0 ||
	    (rc = f_str(p, "subaccount_sig", &f.sa_sig, st)) != 0)
		return rc;
	if ((rc = load_auth(&f, testnet, true, &c->acct, st)) != 0)
		return rc;
	if (msgs == NULL)
		return bad(st, "Required field 'messages' missing");
	return collect_hashes(msgs, &c->p.del.msgs, true, st);
}

/* delete_all (timestamp), delete_before (before), expire_all (expiry). */
static int
load_ns_time(json_t *p, bool testnet, const char *time_name, struct ctl_rpc_call *c,
	     struct ctl_rpc_status *st)
{
	struct ctl_rpc_ns_time *t = &c->p.ns_time;
	struct auth_fields f;
	bool has_time;
	int rc;

	/* "before" and "expiry" sort before "namespace", "timestamp" after "subaccount_sig". */
	bool first = strcmp(time_name, "timestamp") != 0;
	if (first && (rc = f_ts(p, time_name, &has_time, &t->time_ms, st)) != 0)
		return rc;
	if ((rc = f_ns(p, true, &t->ns, st)) != 0 || (rc = read_auth_fields(p, &f, true, st)) != 0)
		return rc;
	if (!first && (rc = f_ts(p, time_name, &has_time, &t->time_ms, st)) != 0)
		return rc;
	if ((rc = load_auth(&f, testnet, true, &c->acct, st)) != 0)
		return rc;
	if (!has_time)
		return bad(st, "Required field '%s' missing", time_name);
	return 0;
}

static int
load_expire(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	struct ctl_rpc_expire *e = &c->p.expire;
	struct auth_fields f;
	json_t *exp, *msgs;
	bool extend, shorten;
	int rc;

	if ((rc = f_ts_array(p, "expiry", &exp, st)) != 0 ||
	    (rc = f_bool(p, "extend", &extend, st)) != 0 ||
	    (rc = f_strs(p, "messages", &msgs, st)) != 0 ||
	    (rc = f_str(p, "pubkey", &f.pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &f.pk_ed, st)) != 0 ||
	    (rc = f_bool(p, "shorten", &shorten, st)) != 0 ||
	    (rc = f_str(p, "signature", &f.sig, st)) != 0 ||
	    (rc = f_str(p, "subaccount", &f.sa, st)) != 0 ||
	    (rc = f_str(p, "subaccount_sig", &f.sa_sig, st)) != 0)
		return rc;
	if ((rc = load_auth(&f, testnet, true, &c->acct, st)) != 0)
		return rc;
	if (exp == NULL)
		return bad(st, "Required field 'expiry' missing");
	if (list_len(exp) == 0)
		return bad(st, "'expiry' does not contain any expiration timestamps");
	if (shorten && extend)
		return bad(st, "cannot specify both 'shorten' and 'extend'");
	e->mode = shorten  ? CTL_RPC_EXPIRE_SHORTEN
		  : extend ? CTL_RPC_EXPIRE_EXTEND
			   : CTL_RPC_EXPIRE_ANY;
	if (msgs == NULL)
		return bad(st, "Required field 'messages' missing");
	if (list_len(msgs) == 0)
		return bad(st, "messages does not contain any message hashes");
	if (list_len(exp) > 1 && list_len(exp) != list_len(msgs))
		return bad(st,
			   "'expiry' must be a single expiry, or the same length as 'messages'");
	e->n_expiries = list_len(exp);
	e->expiries = calloc(e->n_expiries, sizeof(*e->expiries));
	e->applied = calloc(e->n_expiries, sizeof(*e->applied));
	if (e->expiries == NULL || e->applied == NULL)
		return oom(st);
	for (size_t i = 0; i < e->n_expiries; i++)
		e->expiries[i] = (uint64_t)json_integer_value(list_at(exp, i));
	return collect_hashes(msgs, &e->msgs, true, st);
}

static int
load_get_expiries(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	struct auth_fields f;
	json_t *msgs;
	bool has_ts;
	int rc;

	if ((rc = f_strs(p, "messages", &msgs, st)) != 0 ||
	    (rc = read_auth_fields(p, &f, true, st)) != 0 ||
	    (rc = f_ts(p, "timestamp", &has_ts, &c->p.get_expiries.timestamp_ms, st)) != 0)
		return rc;
	if ((rc = load_auth(&f, testnet, true, &c->acct, st)) != 0)
		return rc;
	if (!has_ts)
		return bad(st, "Required field 'timestamp' missing");
	if (msgs == NULL)
		return bad(st, "Required field 'messages' missing");
	/* The server does not check these hashes. */
	return collect_hashes(msgs, &c->p.get_expiries.msgs, false, st);
}

/* revoke_subaccount / unrevoke_subaccount / revoked_subaccounts (list NULL). */
static int
load_tokens(json_t *p, bool testnet, const char *list, struct ctl_rpc_call *c,
	    struct ctl_rpc_status *st)
{
	struct ctl_rpc_tokens *t = &c->p.tokens;
	struct auth_fields f;
	json_t *toks = NULL;
	bool has_ts;
	int rc;

	/* Field order: pubkey, pubkey_ed25519, revoke, signature, timestamp, unrevoke. */
	if ((rc = f_str(p, "pubkey", &f.pk, st)) != 0 ||
	    (rc = f_str(p, "pubkey_ed25519", &f.pk_ed, st)) != 0)
		return rc;
	if (list != NULL && strcmp(list, "revoke") == 0 && (rc = f_strs(p, list, &toks, st)) != 0)
		return rc;
	if ((rc = f_str(p, "signature", &f.sig, st)) != 0 ||
	    (rc = f_ts(p, "timestamp", &has_ts, &t->timestamp_ms, st)) != 0)
		return rc;
	if (list != NULL && strcmp(list, "unrevoke") == 0 && (rc = f_strs(p, list, &toks, st)) != 0)
		return rc;
	if ((rc = load_auth(&f, testnet, false, &c->acct, st)) != 0)
		return rc;
	bool revoke = list != NULL && strcmp(list, "revoke") == 0;
	if (list != NULL && !revoke && !has_ts) /* unrevoke checks timestamp first */
		return bad(st, "Required field 'timestamp' missing");
	if (list != NULL) {
		if (toks == NULL)
			return bad(st, "Required field '%s' missing", list);
		size_t n = list_len(toks);
		if (revoke && n > CTL_RPC_REVOKE_MAX)
			return bad(st,
				   "invalid revoke: cannot revoke more than %d subaccounts at once",
				   CTL_RPC_REVOKE_MAX);
		t->tokens = malloc(n * 36 + 1);
		if (t->tokens == NULL)
			return oom(st);
		for (size_t i = 0; i < n; i++) {
			json_t *e = list_at(toks, i);
			if (!token_decode(json_string_value(e), json_string_length(e),
					  t->tokens + 36 * i))
				return bad(st,
					   "invalid %s: expected base64 or hex-encoded subaccount "
					   "tag",
					   list);
			t->n = i + 1;
		}
	}
	if (!has_ts)
		return bad(st, "Required field 'timestamp' missing");
	return 0;
}

static int
load_get_swarm(json_t *p, bool testnet, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	json_t *pk_alt, *pk;
	int rc;

	if ((rc = f_str(p, "pubKey", &pk_alt, st)) != 0 ||
	    (rc = f_str(p, "pubkey", &pk, st)) != 0 || (rc = pick_pubkey(pk, pk_alt, &pk, st)) != 0)
		return rc;
	return load_pk(pk, testnet, "Pubkey must be 66 hex digits/33 bytes long", &c->acct, st);
}

static const struct {
	const char *name;
	uint32_t bit;
} field_names[] = {
	{"service_node_pubkey", CTL_SN_SERVICE_NODE_PUBKEY},
	{"pubkey_ed25519", CTL_SN_PUBKEY_ED25519},
	{"pubkey_x25519", CTL_SN_PUBKEY_X25519},
	{"public_ip", CTL_SN_PUBLIC_IP},
	{"storage_port", CTL_SN_STORAGE_PORT},
	{"storage_lmq_port", CTL_SN_STORAGE_LMQ_PORT},
	{"swarm_id", CTL_SN_SWARM_ID},
	{"active", CTL_SN_ACTIVE},
	{"funded", CTL_SN_FUNDED},
	{"registration_height", CTL_SN_REGISTRATION_HEIGHT},
};

int
ctl_sn_query_parse(json_t *params, struct ctl_sn_query *q, char *why, size_t whylen)
{
	json_t *v;
	const char *key;
	json_t *val;

	*q = (struct ctl_sn_query){.fields = CTL_SN_ALL};
	if (params == NULL || json_is_null(params))
		return 0;
	if (!json_is_object(params))
		return snprintf(why, whylen, "params must be an object"), -EINVAL;
	if ((v = json_object_get(params, "active_only")) != NULL) {
		if (!json_is_boolean(v))
			return snprintf(why, whylen, "active_only must be a boolean"), -EINVAL;
		q->active_only = json_is_true(v);
	}
	if ((v = json_object_get(params, "limit")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < -1 ||
		    json_integer_value(v) > CTL_SN_LIMIT_MAX)
			return snprintf(why, whylen, "limit must be -1..%d", CTL_SN_LIMIT_MAX),
			       -EINVAL;
		q->limit = json_integer_value(v) > 0 ? (uint32_t)json_integer_value(v) : 0;
	}
	if ((v = json_object_get(params, "fields")) == NULL)
		return 0;
	if (!json_is_object(v))
		return snprintf(why, whylen, "fields must be an object of booleans"), -EINVAL;
	q->fields = 0;
	json_object_foreach(v, key, val)
	{
		if (!json_is_boolean(val))
			return snprintf(why, whylen, "fields must be an object of booleans"),
			       -EINVAL;
		for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (json_is_true(val) && strcmp(key, field_names[i].name) == 0)
				q->fields |= field_names[i].bit;
	}
	return 0;
}

/* oxend_request: {"endpoint", "params"?} (SS allows get_service_nodes and ons_resolve). */
static int
load_oxend(json_t *p, struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	json_t *ep = json_object_get(p, "endpoint");
	char why[96];

	if (!json_is_string(ep))
		return bad(st, "oxend_request: missing or invalid 'endpoint'");
	if (strcmp(json_string_value(ep), "get_service_nodes") == 0)
		c->p.oxend.endpoint = CTL_OXEND_GET_SERVICE_NODES;
	else if (strcmp(json_string_value(ep), "ons_resolve") == 0)
		c->p.oxend.endpoint = CTL_OXEND_ONS_RESOLVE;
	else
		return bad(st, "oxend_request: endpoint %.64s is not allowed",
			   json_string_value(ep));
	if (ctl_sn_query_parse(json_object_get(p, "params"), &c->p.oxend.q, why, sizeof(why)) != 0)
		return bad(st, "oxend_request: %s", why);
	return 0;
}

static void
call_free(struct ctl_rpc_call *c)
{
	switch (c->method) {
	case CTL_RPC_STORE:
		free(c->p.store.data);
		break;
	case CTL_RPC_DELETE:
		free(c->p.del.msgs.hashes);
		break;
	case CTL_RPC_EXPIRE:
		free(c->p.expire.msgs.hashes);
		free(c->p.expire.expiries);
		free(c->p.expire.applied);
		break;
	case CTL_RPC_GET_EXPIRIES:
		free(c->p.get_expiries.msgs.hashes);
		break;
	case CTL_RPC_REVOKE_SUBACCOUNT:
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
		free(c->p.tokens.tokens);
		break;
	default:
		break;
	}
	sodium_memzero(c, sizeof(*c));
}

static int
load_call(enum ctl_rpc_method m, json_t *p, bool testnet, struct ctl_rpc_call *c,
	  struct ctl_rpc_status *st)
{
	memset(c, 0, sizeof(*c));
	c->method = m;
	switch (m) {
	case CTL_RPC_STORE:
		return load_store(p, testnet, c, st);
	case CTL_RPC_RETRIEVE:
		return load_retrieve(p, testnet, c, st);
	case CTL_RPC_DELETE:
		return load_delete(p, testnet, c, st);
	case CTL_RPC_DELETE_ALL:
		return load_ns_time(p, testnet, "timestamp", c, st);
	case CTL_RPC_DELETE_BEFORE:
		return load_ns_time(p, testnet, "before", c, st);
	case CTL_RPC_EXPIRE_ALL:
		return load_ns_time(p, testnet, "expiry", c, st);
	case CTL_RPC_EXPIRE:
		return load_expire(p, testnet, c, st);
	case CTL_RPC_GET_EXPIRIES:
		return load_get_expiries(p, testnet, c, st);
	case CTL_RPC_REVOKE_SUBACCOUNT:
		return load_tokens(p, testnet, "revoke", c, st);
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
		return load_tokens(p, testnet, "unrevoke", c, st);
	case CTL_RPC_REVOKED_SUBACCOUNTS:
		return load_tokens(p, testnet, NULL, c, st);
	case CTL_RPC_GET_SWARM:
		return load_get_swarm(p, testnet, c, st);
	case CTL_RPC_INFO:
		return 0;
	case CTL_RPC_OXEND_REQUEST:
		return load_oxend(p, c, st);
	default:
		return set_status(st, 500, "request failed");
	}
}

/* batch / sequence: {"requests": [{"method", "params"}, ...]} (batch::load_from). */
static int
load_batch(json_t *p, bool testnet, struct ctl_rpc_request *req, struct ctl_rpc_status *st)
{
	json_t *reqs = json_object_get(p, "requests");
	size_t n;
	int rc;

	if (!json_is_array(reqs) || json_array_size(reqs) == 0)
		return bad(st, "Invalid batch request: no valid \"requests\" field");
	n = json_array_size(reqs);
	if (n > CTL_RPC_BATCH_MAX)
		return bad(st, "Invalid batch request: subrequest limit exceeded");
	req->calls = calloc(n, sizeof(*req->calls));
	if (req->calls == NULL)
		return oom(st);
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(reqs, i);
		json_t *meth = json_object_get(r, "method");
		json_t *params = json_object_get(r, "params");
		enum ctl_rpc_method m;

		if (!json_is_object(r))
			return bad(st, "Invalid batch request: requests must be objects");
		if (!json_is_string(meth) || !json_is_object(params))
			return bad(st, "Invalid batch request: subrequests must have method/params "
				       "keys");
		if (strcmp(json_string_value(meth), "ifelse") == 0)
			return bad(st, "Invalid batch subrequest: subrequests may not contain "
				       "meta-requests");
		if (ctl_rpc_params_method(json_string_value(meth), &m) != 0)
			return bad(st, "Invalid batch subrequest: invalid method \"%.64s\"",
				   json_string_value(meth));
		if (m == CTL_RPC_BATCH || m == CTL_RPC_SEQUENCE)
			return bad(st, "Invalid batch subrequest: subrequests may not contain "
				       "meta-requests");
		req->n_calls = i + 1;
		if ((rc = load_call(m, params, testnet, &req->calls[i], st)) != 0)
			return rc;
	}
	return 0;
}

void
ctl_rpc_params_free(struct ctl_rpc_request *req)
{
	if (req == NULL)
		return;
	for (size_t i = 0; i < req->n_calls; i++)
		call_free(&req->calls[i]);
	free(req->calls);
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

int
ctl_rpc_params_decode(const char *method, json_t *params, bool testnet, struct ctl_rpc_request *req,
		      struct ctl_rpc_status *st)
{
	enum ctl_rpc_method m;
	int rc;

	memset(req, 0, sizeof(*req));
	if (ctl_rpc_params_method(method, &m) != 0)
		return set_status(st, 400, "no method %.200s", method);
	req->method = m;
	req->root = json_incref(params);
	if (m == CTL_RPC_BATCH || m == CTL_RPC_SEQUENCE) {
		rc = load_batch(params, testnet, req, st);
	} else {
		req->calls = calloc(1, sizeof(*req->calls));
		if (req->calls == NULL) {
			rc = oom(st);
		} else {
			req->n_calls = 1;
			rc = load_call(m, params, testnet, &req->calls[0], st);
		}
	}
	if (rc != 0) {
		ctl_rpc_params_free(req);
		return rc;
	}
	st->code = 200;
	st->text[0] = '\0';
	return 0;
}

int
ctl_rpc_params_parse(const char *body, size_t len, bool testnet, struct ctl_rpc_request *req,
		     struct ctl_rpc_status *st)
{
	json_t *root, *meth, *params;
	int rc;

	memset(req, 0, sizeof(*req));
	root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (root == NULL)
		return set_status(st, 400, "invalid json");
	meth = json_object_get(root, "method");
	params = json_object_get(root, "params");
	if (!json_is_string(meth))
		rc = set_status(st, 400, "invalid json: no `method` field");
	else if (!json_is_object(params))
		rc = set_status(st, 400, "invalid json: no `params` field");
	else
		rc = ctl_rpc_params_decode(json_string_value(meth), params, testnet, req, st);
	json_decref(root);
	return rc;
}
