/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC signed messages and their verification. The builders never
 * write past cap: parts are measured first, then copied, so a short buffer
 * leaves *len as the size the caller needs.
 */
#include "storage_sig.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "msg_hash.h"
#include "subaccount.h"

static const char *const method_names[SNC_STORAGE_METHOD_COUNT] = {
	[SNC_STORAGE_STORE] = "store",
	[SNC_STORAGE_RETRIEVE] = "retrieve",
	[SNC_STORAGE_DELETE] = "delete",
	[SNC_STORAGE_DELETE_ALL] = "delete_all",
	[SNC_STORAGE_DELETE_BEFORE] = "delete_before",
	[SNC_STORAGE_EXPIRE_ALL] = "expire_all",
	[SNC_STORAGE_EXPIRE] = "expire",
	[SNC_STORAGE_GET_EXPIRIES] = "get_expiries",
	[SNC_STORAGE_REVOKE_SUBACCOUNT] = "revoke_subaccount",
	[SNC_STORAGE_UNREVOKE_SUBACCOUNT] = "unrevoke_subaccount",
	[SNC_STORAGE_REVOKED_SUBACCOUNTS] = "revoked_subaccounts",
};

const char *
snc_storage_sig_method_name(enum snc_storage_method m)
{
	return (unsigned)m < SNC_STORAGE_METHOD_COUNT ? method_names[m] : NULL;
}

int
snc_storage_sig_method_parse(const char *name, enum snc_storage_method *m)
{
	if (name == NULL || m == NULL)
		return -EINVAL;
	for (int i = 0; i < SNC_STORAGE_METHOD_COUNT; i++)
		if (strcmp(name, method_names[i]) == 0) {
			*m = (enum snc_storage_method)i;
			return 0;
		}
	return -EINVAL;
}

static bool
is_public_outbox(int32_t ns)
{
	return ns < 0 && ns != SNC_STORAGE_SIG_NS_ALL && (-ns) % 20 == 1;
}

int
snc_storage_sig_required_flags(enum snc_storage_method m, int32_t ns)
{
	switch (m) {
	case SNC_STORAGE_STORE:
		return SNC_SUBACCOUNT_WRITE | (is_public_outbox(ns) ? SNC_SUBACCOUNT_DELETE : 0);
	case SNC_STORAGE_RETRIEVE:
	case SNC_STORAGE_GET_EXPIRIES:
		return SNC_SUBACCOUNT_READ;
	case SNC_STORAGE_EXPIRE:
		return SNC_SUBACCOUNT_WRITE;
	case SNC_STORAGE_DELETE:
	case SNC_STORAGE_DELETE_ALL:
	case SNC_STORAGE_DELETE_BEFORE:
	case SNC_STORAGE_EXPIRE_ALL:
		return SNC_SUBACCOUNT_DELETE;
	case SNC_STORAGE_REVOKE_SUBACCOUNT:
	case SNC_STORAGE_UNREVOKE_SUBACCOUNT:
	case SNC_STORAGE_REVOKED_SUBACCOUNTS:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

/* An output cursor: counts every byte, copies only while they fit. */
struct sigbuf {
	uint8_t *out;
	size_t cap;
	size_t len;
};

static void
put(struct sigbuf *b, const void *p, size_t n)
{
	if (n > 0 && b->len <= b->cap && n <= b->cap - b->len)
		memcpy(b->out + b->len, p, n);
	b->len += n;
}

static void
put_str(struct sigbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

static int
put_u64(struct sigbuf *b, uint64_t v)
{
	char tmp[24];

	if (v > INT64_MAX) /* the server holds ms timestamps as int64 */
		return -ERANGE;
	put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%" PRIu64, v));
	return 0;
}

static int
put_ns(struct sigbuf *b, int32_t ns, bool all_allowed)
{
	char tmp[8];

	if (ns == SNC_STORAGE_SIG_NS_ALL) {
		if (!all_allowed)
			return -ERANGE;
		put_str(b, "all");
		return 0;
	}
	if (ns < SNC_MSG_NS_MIN || ns > SNC_MSG_NS_MAX)
		return -ERANGE;
	if (ns != 0)
		put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%d", (int)ns));
	return 0;
}

/* validate: 1 = must be a 43-char message hash, 0 = any string, even empty (get_expiries:
 * the server signs over what it was given and does not check it). */
static int
put_hashes(struct sigbuf *b, const char *const *hashes, size_t n, int validate)
{
	if (hashes == NULL || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		size_t l;

		if (hashes[i] == NULL)
			return -EINVAL;
		l = strlen(hashes[i]);
		if (validate && (l == 0 || !snc_msg_hash_is_valid(hashes[i], l)))
			return -EINVAL;
		put(b, hashes[i], l);
	}
	return 0;
}

static int
finish(struct sigbuf *b, int rc, size_t *len)
{
	if (rc != 0)
		return rc;
	*len = b->len;
	return b->len <= b->cap ? 0 : -ENOSPC;
}

static bool
bad_out(const uint8_t *out, size_t cap, const size_t *len)
{
	return len == NULL || (out == NULL && cap > 0);
}

/* "<method>" || ns || integer: store, retrieve, delete_all, delete_before, expire_all. */
static int
ns_then_int(const char *method, bool all_allowed, uint8_t *out, size_t cap, size_t *len, int32_t ns,
	    uint64_t v)
{
	struct sigbuf b = {out, cap, 0};
	int rc;

	if (bad_out(out, cap, len))
		return -EINVAL;
	put_str(&b, method);
	rc = put_ns(&b, ns, all_allowed);
	if (rc == 0)
		rc = put_u64(&b, v);
	return finish(&b, rc, len);
}

int
snc_storage_sig_store(uint8_t *out, size_t cap, size_t *len, int32_t ns, uint64_t sig_timestamp_ms)
{
	return ns_then_int("store", false, out, cap, len, ns, sig_timestamp_ms);
}

int
snc_storage_sig_retrieve(uint8_t *out, size_t cap, size_t *len, int32_t ns, uint64_t timestamp_ms)
{
	return ns_then_int("retrieve", false, out, cap, len, ns, timestamp_ms);
}

int
snc_storage_sig_delete_all(uint8_t *out, size_t cap, size_t *len, int32_t ns, uint64_t timestamp_ms)
{
	return ns_then_int("delete_all", true, out, cap, len, ns, timestamp_ms);
}

int
snc_storage_sig_delete_before(uint8_t *out, size_t cap, size_t *len, int32_t ns, uint64_t before_ms)
{
	return ns_then_int("delete_before", true, out, cap, len, ns, before_ms);
}

int
snc_storage_sig_expire_all(uint8_t *out, size_t cap, size_t *len, int32_t ns, uint64_t expiry_ms)
{
	return ns_then_int("expire_all", true, out, cap, len, ns, expiry_ms);
}

int
snc_storage_sig_delete(uint8_t *out, size_t cap, size_t *len, const char *const *hashes, size_t n)
{
	struct sigbuf b = {out, cap, 0};

	if (bad_out(out, cap, len))
		return -EINVAL;
	put_str(&b, "delete");
	return finish(&b, put_hashes(&b, hashes, n, 1), len);
}

int
snc_storage_sig_expire(uint8_t *out, size_t cap, size_t *len, enum snc_storage_expire_mode mode,
		       const uint64_t *expiries_ms, size_t n_expiries, const char *const *hashes,
		       size_t n)
{
	static const char *const modes[] = {"", "shorten", "extend"};
	struct sigbuf b = {out, cap, 0};
	int rc = 0;

	if (bad_out(out, cap, len) || (unsigned)mode > SNC_STORAGE_EXPIRE_EXTEND ||
	    expiries_ms == NULL || n_expiries == 0 || n == 0 ||
	    (n_expiries != 1 && n_expiries != n))
		return -EINVAL;
	put_str(&b, "expire");
	put_str(&b, modes[mode]);
	for (size_t i = 0; i < n_expiries && rc == 0; i++)
		rc = put_u64(&b, expiries_ms[i]);
	if (rc == 0)
		rc = put_hashes(&b, hashes, n, 1);
	return finish(&b, rc, len);
}

int
snc_storage_sig_get_expiries(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms,
			     const char *const *hashes, size_t n)
{
	struct sigbuf b = {out, cap, 0};
	int rc;

	if (bad_out(out, cap, len))
		return -EINVAL;
	put_str(&b, "get_expiries");
	rc = put_u64(&b, timestamp_ms);
	if (rc == 0)
		rc = put_hashes(&b, hashes, n, 0);
	return finish(&b, rc, len);
}

static int
tokens_msg(const char *method, size_t max, uint8_t *out, size_t cap, size_t *len,
	   uint64_t timestamp_ms, const uint8_t *tokens, size_t n)
{
	struct sigbuf b = {out, cap, 0};
	int rc;

	if (bad_out(out, cap, len) || tokens == NULL || n == 0)
		return -EINVAL;
	if (n > max)
		return -E2BIG;
	put_str(&b, method);
	rc = put_u64(&b, timestamp_ms);
	if (rc == 0)
		put(&b, tokens, n * SNC_SUBACCOUNT_TOKEN_BYTES);
	return finish(&b, rc, len);
}

int
snc_storage_sig_revoke_subaccount(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms,
				  const uint8_t *tokens, size_t n)
{
	return tokens_msg("revoke_subaccount", SNC_SUBACCOUNT_MAX_REVOKE, out, cap, len,
			  timestamp_ms, tokens, n);
}

int
snc_storage_sig_unrevoke_subaccount(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms,
				    const uint8_t *tokens, size_t n)
{
	/* Bounded only so that n * 36 cannot overflow. */
	return tokens_msg("unrevoke_subaccount", SIZE_MAX / SNC_SUBACCOUNT_TOKEN_BYTES, out, cap,
			  len, timestamp_ms, tokens, n);
}

int
snc_storage_sig_revoked_subaccounts(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms)
{
	struct sigbuf b = {out, cap, 0};

	if (bad_out(out, cap, len))
		return -EINVAL;
	put_str(&b, "revoked_subaccounts");
	return finish(&b, put_u64(&b, timestamp_ms), len);
}

int
snc_storage_sig_verify(const struct snc_storage_auth *auth, const uint8_t *msg, size_t len,
		       const uint8_t sig[SNC_STORAGE_SIG_BYTES])
{
	const uint8_t *key, *signer;
	int rc;

	if (auth == NULL || auth->pubkey == NULL || sig == NULL || (msg == NULL && len > 0))
		return -EINVAL;
	if (auth->subaccount != NULL && (auth->subaccount_sig == NULL || auth->owner_only))
		return -EINVAL;
	key = auth->pubkey + 1;
	if (auth->pubkey_ed25519 != NULL) {
		rc = snc_account_check_ed25519_cached(auth->ed_x_cache, auth->pubkey,
						      auth->pubkey_ed25519);
		if (rc != 0)
			return rc;
		key = auth->pubkey_ed25519;
	}
	signer = key;
	if (auth->subaccount != NULL) {
		rc = snc_subaccount_check(auth->subaccount, auth->subaccount_sig, auth->pubkey[0],
					  key, auth->required_flags);
		if (rc != 0)
			return rc;
		signer = auth->subaccount + 4;
	}
	if (crypto_sign_verify_detached(sig, msg, len, signer) == 0)
		return 0;
	/* Only the server's fallback for a 05 account without pubkey_ed25519 failed. */
	if (auth->subaccount == NULL && auth->pubkey_ed25519 == NULL &&
	    auth->pubkey[0] == SNC_ACCOUNT_NETID_SESSION)
		return -ENOKEY;
	return -EBADMSG;
}

int
snc_storage_sig_http_status(int rc)
{
	switch (rc) {
	case 0:
		return 200;
	case -EINVAL:
	case -EPROTO:
		return 400;
	case -EKEYREJECTED:
	case -ENOKEY:
	case -EXDEV:
	case -EACCES:
	case -EPERM:
	case -EBADMSG:
		return 401;
	default:
		return 500;
	}
}
