/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC request signatures: the exact bytes each method signs, and the
 * server's rules for checking them (who may sign for an account, and how a
 * subaccount token stands in for the owner). Every signed message is the
 * concatenation of its parts with no separators; integers and millisecond
 * timestamps are decimal; the namespace part is "" for namespace 0, else the
 * decimal namespace, or "all" where a method allows it.
 *
 * Not checked here (control's job): timestamp windows (±60 s, 70 s for
 * forwarded delete_all/expire_all, delete_before not > now+60 s, expiries not
 * older than now-60 s), which namespaces need a signature at all, and the
 * subaccount revocation list. Operators run the whole check with
 * `snode-tool verify-storage-sig`.
 */
#ifndef SNC_STORAGE_SIG_H
#define SNC_STORAGE_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Namespace argument of the builders: SNC_MSG_NS_MIN..MAX, or this for "all". */
enum {
	SNC_STORAGE_SIG_NS_ALL = 0x10000, /* delete_all, delete_before, expire_all only */
	SNC_STORAGE_SIG_BYTES = 64,
};

enum snc_storage_method {
	SNC_STORAGE_STORE,
	SNC_STORAGE_RETRIEVE,
	SNC_STORAGE_DELETE,
	SNC_STORAGE_DELETE_ALL,
	SNC_STORAGE_DELETE_BEFORE,
	SNC_STORAGE_EXPIRE_ALL,
	SNC_STORAGE_EXPIRE,
	SNC_STORAGE_GET_EXPIRIES,
	SNC_STORAGE_REVOKE_SUBACCOUNT,
	SNC_STORAGE_UNREVOKE_SUBACCOUNT,
	SNC_STORAGE_REVOKED_SUBACCOUNTS,
	SNC_STORAGE_METHOD_COUNT,
};

enum snc_storage_expire_mode {
	SNC_STORAGE_EXPIRE_ANY,	    /* signs "" */
	SNC_STORAGE_EXPIRE_SHORTEN, /* signs "shorten" */
	SNC_STORAGE_EXPIRE_EXTEND,  /* signs "extend" */
};

/* RPC method name ("delete_all"...) and back; -EINVAL for an unknown name. */
const char *snc_storage_sig_method_name(enum snc_storage_method m);
int snc_storage_sig_method_parse(const char *name, enum snc_storage_method *m);

/*
 * Subaccount flags a method needs (SNC_SUBACCOUNT_*): store Write (+Delete in a
 * public-outbox namespace, as store replaces the message there), retrieve and
 * get_expiries Read, expire Write (shortening without Delete is refused by the
 * server after verification: control's job), delete/delete_all/delete_before/
 * expire_all Delete. Returns -EPERM for revoke_subaccount, unrevoke_subaccount
 * and revoked_subaccounts, which only the owner may sign.
 */
int snc_storage_sig_required_flags(enum snc_storage_method m, int32_t ns);

/*
 * Builders. Each writes the signed message into out[0..cap) and its length into
 * *len. Common errors: -EINVAL (NULL, a malformed or missing part), -ERANGE
 * (namespace outside int16 or "all" where not allowed, timestamp above
 * INT64_MAX), -ENOSPC (cap too small; *len is then the size needed).
 * Message hashes for delete and expire must be valid 43-character hashes as
 * the server requires; get_expiries takes any strings, empty ones included (the
 * server does not check them). Lists must be non-empty.
 */
int snc_storage_sig_store(uint8_t *out, size_t cap, size_t *len, int32_t ns,
			  uint64_t sig_timestamp_ms);
int snc_storage_sig_retrieve(uint8_t *out, size_t cap, size_t *len, int32_t ns,
			     uint64_t timestamp_ms);
int snc_storage_sig_delete(uint8_t *out, size_t cap, size_t *len, const char *const *hashes,
			   size_t n);
int snc_storage_sig_delete_all(uint8_t *out, size_t cap, size_t *len, int32_t ns,
			       uint64_t timestamp_ms);
int snc_storage_sig_delete_before(uint8_t *out, size_t cap, size_t *len, int32_t ns,
				  uint64_t before_ms);
int snc_storage_sig_expire_all(uint8_t *out, size_t cap, size_t *len, int32_t ns,
			       uint64_t expiry_ms);
/* n_expiries is 1, or n (one expiry per hash, all concatenated in the message). */
int snc_storage_sig_expire(uint8_t *out, size_t cap, size_t *len, enum snc_storage_expire_mode mode,
			   const uint64_t *expiries_ms, size_t n_expiries,
			   const char *const *hashes, size_t n);
int snc_storage_sig_get_expiries(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms,
				 const char *const *hashes, size_t n);
/* tokens: n * 36 raw bytes, in request order. revoke allows at most
 * SNC_SUBACCOUNT_MAX_REVOKE (-E2BIG above); unrevoke has no server limit. */
int snc_storage_sig_revoke_subaccount(uint8_t *out, size_t cap, size_t *len, uint64_t timestamp_ms,
				      const uint8_t *tokens, size_t n);
int snc_storage_sig_unrevoke_subaccount(uint8_t *out, size_t cap, size_t *len,
					uint64_t timestamp_ms, const uint8_t *tokens, size_t n);
int snc_storage_sig_revoked_subaccounts(uint8_t *out, size_t cap, size_t *len,
					uint64_t timestamp_ms);

/* Who signed a request, as the request carries it. */
struct snc_ed_x_cache;

struct snc_storage_auth {
	const uint8_t *pubkey;		   /* 33 bytes: netid || key (required) */
	const uint8_t *pubkey_ed25519;	   /* 32 bytes, or NULL */
	const uint8_t *subaccount;	   /* 36-byte token, or NULL */
	const uint8_t *subaccount_sig;	   /* 64 bytes; required with subaccount */
	uint8_t required_flags;		   /* from snc_storage_sig_required_flags() */
	bool owner_only;		   /* revoke/unrevoke/revoked: no subaccount allowed */
	struct snc_ed_x_cache *ed_x_cache; /* optional: pubkey_ed25519 conversions (ed_x_cache.h) */
};

/*
 * Verification results. Negative errno values, one per way a request fails, so
 * that control can answer as the server does (snc_storage_sig_http_status):
 *   -EINVAL       400 missing pubkey/signature, subaccount without its sig, or a
 *                     subaccount on an owner-only method (the server never reads
 *                     one there: control must not pass it)
 *   -EPROTO       400 pubkey_ed25519 given for a pubkey that is not 05
 *   -EKEYREJECTED 401 pubkey_ed25519 does not convert to the 05 account's key
 *   -ENOKEY       401 a 05 account without pubkey_ed25519 whose signature also
 *                     fails the server's fallback (the X25519 bytes used as an
 *                     Ed25519 key); a 05 signature made that way does pass
 *   -EXDEV        401 subaccount token for another netid, without AnyPrefix
 *   -EACCES       401 subaccount token lacks a required flag
 *   -EPERM        401 subaccount_sig is not the account key's signature of the token
 *   -EBADMSG      401 the request signature does not verify
 * The revocation list is checked by the caller, before or after (the server
 * checks it between the key conversion and the token checks: any order gives
 * a 401).
 */
int snc_storage_sig_verify(const struct snc_storage_auth *auth, const uint8_t *msg, size_t len,
			   const uint8_t sig[SNC_STORAGE_SIG_BYTES]);

/* 200 for 0, 400 or 401 for the codes above, 500 for anything else. */
int snc_storage_sig_http_status(int rc);

#endif
