/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC admission checks (see rpc_auth.h). The order of checks and the
 * status texts follow session-storage-server oxenss/rpc/request_handler.cpp
 * (process_client_req per method, verify_signature); the signed messages come
 * from libsnc's storage_sig builders.
 */
#include "rpc_auth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_sig.h"
#include "subaccount.h"

static int refuse(struct ctl_rpc_status *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(struct ctl_rpc_status *st, int code, const char *fmt, ...)
{
	va_list ap;

	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof(st->text), fmt, ap);
	va_end(ap);
	return -EACCES;
}

static bool
outside(uint64_t t, uint64_t now, uint64_t tol)
{
	return t + tol < now || t > now + tol;
}

bool
ctl_rpc_auth_needs_revocations(const struct ctl_rpc_call *c)
{
	if (!c->acct.has_subaccount)
		return false;
	switch (c->method) {
	case CTL_RPC_STORE:
		return !ctl_rpc_params_ns_public_inbox(c->p.store.ns);
	case CTL_RPC_RETRIEVE:
		return c->p.retrieve.check_signature &&
		       !ctl_rpc_params_ns_unrevocable(c->p.retrieve.ns);
	case CTL_RPC_DELETE:
	case CTL_RPC_DELETE_ALL:
	case CTL_RPC_DELETE_BEFORE:
	case CTL_RPC_EXPIRE_ALL:
	case CTL_RPC_EXPIRE:
	case CTL_RPC_GET_EXPIRIES:
		return true;
	default: /* owner-only methods never read a subaccount */
		return false;
	}
}

static bool
is_revoked(const uint8_t *token, const uint8_t *revoked, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(revoked + 36 * i, token, 36) == 0)
			return true;
	return false;
}

/* The signed message of call c, in a malloc'd buffer. */
static int
build_msg(const struct ctl_rpc_call *c, uint8_t *out, size_t cap, size_t *len)
{
	const struct ctl_rpc_tokens *t = &c->p.tokens;

	switch (c->method) {
	case CTL_RPC_STORE:
		return snc_storage_sig_store(out, cap, len, c->p.store.ns,
					     c->p.store.sig_timestamp_ms);
	case CTL_RPC_RETRIEVE:
		return snc_storage_sig_retrieve(out, cap, len, c->p.retrieve.ns,
						c->p.retrieve.timestamp_ms);
	case CTL_RPC_DELETE:
		return snc_storage_sig_delete(out, cap, len, c->p.del.msgs.hashes, c->p.del.msgs.n);
	case CTL_RPC_DELETE_ALL:
		return snc_storage_sig_delete_all(out, cap, len, c->p.ns_time.ns,
						  c->p.ns_time.time_ms);
	case CTL_RPC_DELETE_BEFORE:
		return snc_storage_sig_delete_before(out, cap, len, c->p.ns_time.ns,
						     c->p.ns_time.time_ms);
	case CTL_RPC_EXPIRE_ALL:
		return snc_storage_sig_expire_all(out, cap, len, c->p.ns_time.ns,
						  c->p.ns_time.time_ms);
	case CTL_RPC_EXPIRE: {
		const struct ctl_rpc_expire *e = &c->p.expire;
		enum snc_storage_expire_mode mode =
			e->mode == CTL_RPC_EXPIRE_SHORTEN  ? SNC_STORAGE_EXPIRE_SHORTEN
			: e->mode == CTL_RPC_EXPIRE_EXTEND ? SNC_STORAGE_EXPIRE_EXTEND
							   : SNC_STORAGE_EXPIRE_ANY;
		return snc_storage_sig_expire(out, cap, len, mode, e->expiries, e->n_expiries,
					      e->msgs.hashes, e->msgs.n);
	}
	case CTL_RPC_GET_EXPIRIES:
		return snc_storage_sig_get_expiries(out, cap, len, c->p.get_expiries.timestamp_ms,
						    c->p.get_expiries.msgs.hashes,
						    c->p.get_expiries.msgs.n);
	case CTL_RPC_REVOKE_SUBACCOUNT:
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
		if (t->n == 0) {
			/* The builders refuse empty lists; the server signs just
			 * the method name and timestamp then. */
			const char *name = ctl_rpc_params_method_name(c->method);
			int n = snprintf((char *)out, cap, "%s%llu", name,
					 (unsigned long long)t->timestamp_ms);
			*len = (size_t)n;
			return (size_t)n < cap ? 0 : -ENOSPC;
		}
		return c->method == CTL_RPC_REVOKE_SUBACCOUNT
			       ? snc_storage_sig_revoke_subaccount(out, cap, len, t->timestamp_ms,
								   t->tokens, t->n)
			       : snc_storage_sig_unrevoke_subaccount(out, cap, len, t->timestamp_ms,
								     t->tokens, t->n);
	case CTL_RPC_REVOKED_SUBACCOUNTS:
		return snc_storage_sig_revoked_subaccounts(out, cap, len, t->timestamp_ms);
	default:
		return -EINVAL;
	}
}

/* Method name as the server's verification-failure texts spell it. */
static const char *
fail_name(enum ctl_rpc_method m)
{
	return m == CTL_RPC_DELETE ? "delete_msgs" : ctl_rpc_params_method_name(m);
}

static int
sig_failed(const struct ctl_rpc_call *c, struct ctl_rpc_status *st)
{
	/* expire's text alone has a colon (request_handler.cpp). */
	if (c->method == CTL_RPC_EXPIRE)
		return refuse(st, 401, "expire: signature verification failed");
	return refuse(st, 401, "%s signature verification failed", fail_name(c->method));
}

/* verify_signature: revocation list, token, then the request signature. */
static int
verify(const struct ctl_rpc_auth_ctx *ctx, const struct ctl_rpc_call *c, bool skip_revoke,
       const uint8_t *revoked, size_t n_revoked, struct ctl_rpc_status *st)
{
	enum snc_storage_method sm;
	struct snc_storage_auth auth = {.pubkey = c->acct.pubkey, .ed_x_cache = ctx->ed_x_cache};
	uint8_t small[256], *msg = small;
	size_t len = 0;
	bool owner_only = c->method == CTL_RPC_REVOKE_SUBACCOUNT ||
			  c->method == CTL_RPC_UNREVOKE_SUBACCOUNT ||
			  c->method == CTL_RPC_REVOKED_SUBACCOUNTS;
	int rc;

	if (c->acct.has_subaccount && !owner_only && !skip_revoke &&
	    is_revoked(c->acct.subaccount, revoked, n_revoked))
		return sig_failed(c, st);
	rc = build_msg(c, msg, sizeof(small), &len);
	if (rc == -ENOSPC) {
		msg = malloc(len + 1);
		if (msg == NULL)
			return refuse(st, 500, "request failed");
		rc = build_msg(c, msg, len + 1, &len);
	}
	if (rc == 0 &&
	    snc_storage_sig_method_parse(ctl_rpc_params_method_name(c->method), &sm) != 0)
		rc = -EINVAL;
	if (rc == 0) {
		/* revoked_subaccounts is checked without pubkey_ed25519 by the server. */
		if (c->acct.has_pubkey_ed25519 && c->method != CTL_RPC_REVOKED_SUBACCOUNTS)
			auth.pubkey_ed25519 = c->acct.pubkey_ed25519;
		auth.owner_only = owner_only;
		if (c->acct.has_subaccount && !owner_only) {
			int32_t ns = c->method == CTL_RPC_STORE ? c->p.store.ns : 0;
			auth.subaccount = c->acct.subaccount;
			auth.subaccount_sig = c->acct.subaccount_sig;
			auth.required_flags = (uint8_t)snc_storage_sig_required_flags(sm, ns);
		}
		rc = snc_storage_sig_verify(&auth, msg, len, c->acct.signature);
	}
	if (msg != small)
		free(msg);
	return rc == 0 ? 0 : sig_failed(c, st);
}

static int
check_store(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c, const uint8_t *revoked,
	    size_t n_revoked, struct ctl_rpc_status *st)
{
	const struct ctl_rpc_store *s = &c->p.store;
	bool public_in = ctl_rpc_params_ns_public_inbox(s->ns);
	int64_t max = public_in ? CTL_RPC_TTL_MAX_PUBLIC_MS : CTL_RPC_TTL_MAX_PRIVATE_MS;
	int64_t now = (int64_t)ctx->now_ms;
	int64_t ttl;

	/* expiry - timestamp without overflow: both are int64 from the request. */
	if ((s->timestamp_ms < 0 && s->expiry_ms > INT64_MAX + s->timestamp_ms) ||
	    (s->timestamp_ms > 0 && s->expiry_ms < INT64_MIN + s->timestamp_ms))
		ttl = INT64_MAX;
	else
		ttl = s->expiry_ms - s->timestamp_ms;
	if (ttl < CTL_RPC_TTL_MIN_MS || ttl > max)
		return refuse(st, 403, "Provided expiry/TTL is not valid.");
	if (s->timestamp_ms > now + CTL_RPC_STORE_TOLERANCE_MS ||
	    s->expiry_ms < now - CTL_RPC_STORE_TOLERANCE_MS)
		return refuse(st, 406, "Timestamp error: check your clock");
	/* Public inboxes take anything: the server does not even verify a
	 * signature that is present (facts doc 2.3 says it does; the code
	 * skips the whole block). */
	if (public_in)
		return 0;
	if (!c->acct.has_signature)
		return refuse(st, 401, "store: signature required to store to namespace %d",
			      (int)s->ns);
	if (outside(s->sig_timestamp_ms, ctx->now_ms, CTL_RPC_SIG_TOLERANCE_MS))
		return refuse(st, 406, "store signature timestamp too far from current time");
	return verify(ctx, c, false, revoked, n_revoked, st);
}

static int
check_retrieve(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c, const uint8_t *revoked,
	       size_t n_revoked, struct ctl_rpc_status *st)
{
	const struct ctl_rpc_retrieve *r = &c->p.retrieve;

	if (!ctl_rpc_params_ns_noauth_retrieve(r->ns) && !r->check_signature)
		return refuse(st, 401, "retrieve: request signature required");
	if (!r->check_signature)
		return 0;
	if (outside(r->timestamp_ms, ctx->now_ms, CTL_RPC_SIG_TOLERANCE_MS))
		return refuse(st, 406, "retrieve timestamp too far from current time");
	return verify(ctx, c, ctl_rpc_params_ns_unrevocable(r->ns), revoked, n_revoked, st);
}

static int
check_expire(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c, const uint8_t *revoked,
	     size_t n_revoked, struct ctl_rpc_status *st)
{
	struct ctl_rpc_expire *e = &c->p.expire;
	uint64_t cap = ctx->now_ms + (uint64_t)CTL_RPC_TTL_MAX_PRIVATE_MS;
	int rc;

	for (size_t i = 0; i < e->n_expiries; i++) {
		if (e->expiries[i] + CTL_RPC_SIG_TOLERANCE_MS < ctx->now_ms)
			return refuse(st, 401, "expire: timestamp should be >= current time");
		e->applied[i] = e->expiries[i] < cap ? e->expiries[i] : cap;
	}
	if ((rc = verify(ctx, c, false, revoked, n_revoked, st)) != 0)
		return rc;
	e->extend_only = e->mode == CTL_RPC_EXPIRE_EXTEND;
	if (c->acct.has_subaccount && !(c->acct.subaccount[1] & SNC_SUBACCOUNT_DELETE)) {
		if (e->mode == CTL_RPC_EXPIRE_SHORTEN)
			return refuse(st, 400,
				      "expire: shorten parameter cannot be used with this "
				      "subaccount token (missing delete access)");
		e->extend_only = true;
	}
	return 0;
}

/* delete_all, revoke_subaccount, unrevoke_subaccount, revoked_subaccounts,
 * get_expiries: a ±60 s window on the signed timestamp, then the signature. */
static int
check_window(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c, uint64_t ts, uint64_t tol,
	     const uint8_t *revoked, size_t n_revoked, struct ctl_rpc_status *st)
{
	if (outside(ts, ctx->now_ms, tol))
		return refuse(st, 406, "%s timestamp too far from current time",
			      ctl_rpc_params_method_name(c->method));
	return verify(ctx, c, false, revoked, n_revoked, st);
}

int
ctl_rpc_auth_check(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c,
		   const uint8_t *revoked, size_t n_revoked, struct ctl_rpc_status *st)
{
	uint64_t fwd_tol = ctx->forwarded ? CTL_RPC_SIG_TOLERANCE_FWD_MS : CTL_RPC_SIG_TOLERANCE_MS;
	int rc = 0;

	if (revoked == NULL)
		n_revoked = 0;
	if (c->method != CTL_RPC_GET_SWARM && c->method != CTL_RPC_INFO && ctx->owns != NULL &&
	    !ctx->owns(ctx->owns_arg, c->acct.pubkey))
		return refuse(st, 421, "%s", "");
	switch (c->method) {
	case CTL_RPC_STORE:
		rc = check_store(ctx, c, revoked, n_revoked, st);
		break;
	case CTL_RPC_RETRIEVE:
		rc = check_retrieve(ctx, c, revoked, n_revoked, st);
		break;
	case CTL_RPC_DELETE:
		rc = verify(ctx, c, false, revoked, n_revoked, st);
		break;
	case CTL_RPC_DELETE_ALL:
		rc = check_window(ctx, c, c->p.ns_time.time_ms, fwd_tol, revoked, n_revoked, st);
		break;
	case CTL_RPC_DELETE_BEFORE:
		if (c->p.ns_time.time_ms > ctx->now_ms + CTL_RPC_SIG_TOLERANCE_MS)
			rc = refuse(st, 401, "delete_before timestamp too far in the future");
		else
			rc = verify(ctx, c, false, revoked, n_revoked, st);
		break;
	case CTL_RPC_EXPIRE_ALL:
		if (c->p.ns_time.time_ms + fwd_tol < ctx->now_ms)
			rc = refuse(st, 406, "expire_all timestamp should be >= current time");
		else
			rc = verify(ctx, c, false, revoked, n_revoked, st);
		break;
	case CTL_RPC_EXPIRE:
		rc = check_expire(ctx, c, revoked, n_revoked, st);
		break;
	case CTL_RPC_GET_EXPIRIES:
		rc = check_window(ctx, c, c->p.get_expiries.timestamp_ms, CTL_RPC_SIG_TOLERANCE_MS,
				  revoked, n_revoked, st);
		break;
	case CTL_RPC_REVOKE_SUBACCOUNT:
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
	case CTL_RPC_REVOKED_SUBACCOUNTS:
		rc = check_window(ctx, c, c->p.tokens.timestamp_ms, CTL_RPC_SIG_TOLERANCE_MS,
				  revoked, n_revoked, st);
		break;
	case CTL_RPC_GET_SWARM:
	case CTL_RPC_INFO:
		break;
	default:
		rc = refuse(st, 400, "invalid request: not a single call");
	}
	if (rc == 0) {
		st->code = 200;
		st->text[0] = '\0';
	}
	return rc;
}
