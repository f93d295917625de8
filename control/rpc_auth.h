/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC admission: the checks the storage server makes on a decoded
 * request before it touches storage, in its order (request_handler.cpp
 * process_client_req): swarm membership (421), TTL bounds (403), clock windows
 * (406, or 401 where the server says so), whether the namespace needs a
 * signature (401), then the signature itself through libsnc's
 * snc_storage_sig_verify with the method's signed message (401). A call that
 * passes is ready for its handler.
 *
 * Inputs that need state are passed in, so that this file never blocks:
 *   - the clock (now_ms), so tests can pin it;
 *   - swarm membership as an optional callback (NULL: every account is ours);
 *   - the account's subaccount revocation list as an array of 36-byte tokens.
 *     Fetch it only when ctl_rpc_auth_needs_revocations() says so (a
 *     subaccount is used, and the call is not a retrieve from an unrevocable
 *     namespace); tokens compare by all 36 bytes, as the server does.
 * Operators see the results as the status codes and texts of the reference
 * server (docs/control.md lists them).
 */
#ifndef CTL_RPC_AUTH_H
#define CTL_RPC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc_params.h"

enum {
	CTL_RPC_TTL_MIN_MS = 10 * 1000,			   /* ms: TTL_MINIMUM */
	CTL_RPC_TTL_MAX_PUBLIC_MS = 14 * 24 * 3600 * 1000, /* ms: TTL_MAXIMUM (public inbox) */
	CTL_RPC_STORE_TOLERANCE_MS = 10 * 1000,		   /* ms: STORE_TOLERANCE */
	CTL_RPC_SIG_TOLERANCE_MS = 60 * 1000,		   /* ms: SIGNATURE_TOLERANCE */
	CTL_RPC_SIG_TOLERANCE_FWD_MS = 70 * 1000,	   /* ms: ..._FORWARDED */
};

/* ms: TTL_MAXIMUM_PRIVATE (30 days) does not fit an int enum. */
#define CTL_RPC_TTL_MAX_PRIVATE_MS (30LL * 24 * 3600 * 1000)

struct snc_ed_x_cache;

struct ctl_rpc_auth_ctx {
	uint64_t now_ms; /* wall clock, ms since the epoch */
	bool forwarded;	 /* request came from a swarm peer (70 s windows) */
	/* Returns true when this node's swarm holds pubkey (33 bytes); NULL: always. */
	bool (*owns)(void *arg, const uint8_t *pubkey);
	void *owns_arg;
	struct snc_ed_x_cache *ed_x_cache; /* pubkey_ed25519 conversions; NULL: none */
};

/* True when the call's check needs the account's revocation list. */
bool ctl_rpc_auth_needs_revocations(const struct ctl_rpc_call *c);

/*
 * Runs the checks on one call (not on a batch itself: check each of its
 * calls, as each subrequest gets its own status). revoked: n_revoked * 36
 * bytes, may be NULL when n_revoked is 0. Returns 0 (st->code 200) or
 * -EACCES with st holding the code and text to answer with; 421 has an empty
 * text (the handler answers with the account's swarm). For expire, fills
 * c->p.expire.applied and extend_only.
 */
int ctl_rpc_auth_check(const struct ctl_rpc_auth_ctx *ctx, struct ctl_rpc_call *c,
		       const uint8_t *revoked, size_t n_revoked, struct ctl_rpc_status *st);

#endif
