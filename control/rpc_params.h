/* SPDX-License-Identifier: MIT */
/*
 * Storage RPC request decoding: a `{"method": ..., "params": {...}}` JSON body
 * (or one method's params object) becomes a typed struct per method, with
 * every syntactic rule of the storage server applied (field types, pubkey and
 * signature encodings, the millisecond check, data size, namespace range,
 * message-hash form, batch limits). Failures carry the server's status code
 * and text, so a client sees what it would see from session-storage-server
 * (texts from oxenss/rpc/client_rpc_endpoints.cpp and request_handler.cpp:
 * "invalid request: " followed by the parse error).
 *
 * Nothing here depends on the clock or on storage: timestamp windows, TTL
 * bounds, which namespaces need a signature, and signature verification are
 * rpc_auth.c's job. Handlers then take the checked structs.
 */
#ifndef CTL_RPC_PARAMS_H
#define CTL_RPC_PARAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CTL_RPC_TEXT_MAX = 256,		    /* bytes of a status text, NUL included */
	CTL_RPC_BATCH_MAX = 20,		    /* subrequests per batch/sequence */
	CTL_RPC_DATA_MAX = 76800,	    /* bytes: MAX_MESSAGE_BODY */
	CTL_RPC_DATA_B64_MAX = 102400,	    /* base64 characters of CTL_RPC_DATA_MAX */
	CTL_RPC_REVOKE_MAX = 50,	    /* tokens per revoke_subaccount */
	CTL_RPC_TIMESTAMP_MIN = 1000000000, /* ms: smaller values are taken as seconds */
	CTL_RPC_NS_ALL = 0x10000,	    /* namespace "all" (== SNC_STORAGE_SIG_NS_ALL) */
};

/* The per-node fields oxend's get_service_nodes can return that snode knows. */
enum ctl_sn_field {
	CTL_SN_SERVICE_NODE_PUBKEY = 1u << 0,
	CTL_SN_PUBKEY_ED25519 = 1u << 1,
	CTL_SN_PUBKEY_X25519 = 1u << 2,
	CTL_SN_PUBLIC_IP = 1u << 3,
	CTL_SN_STORAGE_PORT = 1u << 4,	   /* the HTTPS port */
	CTL_SN_STORAGE_LMQ_PORT = 1u << 5, /* the cell (dataplane) port */
	CTL_SN_SWARM_ID = 1u << 6,	   /* also "swarm": the id in hex, as get_swarm */
	CTL_SN_ACTIVE = 1u << 7,
	CTL_SN_FUNDED = 1u << 8,
	CTL_SN_REGISTRATION_HEIGHT = 1u << 9,
	CTL_SN_ALL = (1u << 10) - 1,
};

struct ctl_sn_query {
	bool active_only;
	uint32_t limit;	 /* 0: every node, in ascending Ed25519 order; else a random subset */
	uint32_t fields; /* enum ctl_sn_field bits */
};

enum {
	CTL_SN_LIMIT_MAX = 4096, /* the registry's node limit */
};

/* oxend_request get_service_nodes params: {"active_only", "limit", "fields": {name: bool}} (each
 * optional; unknown field names are ignored, as oxend does). 0, or -EINVAL with a reason. */
int ctl_sn_query_parse(json_t *params, struct ctl_sn_query *q, char *why, size_t whylen);

enum ctl_rpc_oxend_endpoint {
	CTL_OXEND_GET_SERVICE_NODES,
	CTL_OXEND_ONS_RESOLVE, /* accepted by name, answered 400: no blockchain */
};

struct ctl_rpc_oxend {
	enum ctl_rpc_oxend_endpoint endpoint;
	struct ctl_sn_query q;
};

enum ctl_rpc_method {
	CTL_RPC_STORE,
	CTL_RPC_RETRIEVE,
	CTL_RPC_DELETE,
	CTL_RPC_DELETE_ALL,
	CTL_RPC_DELETE_BEFORE,
	CTL_RPC_EXPIRE_ALL,
	CTL_RPC_EXPIRE,
	CTL_RPC_GET_EXPIRIES,
	CTL_RPC_REVOKE_SUBACCOUNT,
	CTL_RPC_UNREVOKE_SUBACCOUNT,
	CTL_RPC_REVOKED_SUBACCOUNTS,
	CTL_RPC_GET_SWARM,
	CTL_RPC_INFO,
	CTL_RPC_OXEND_REQUEST,
	CTL_RPC_BATCH,
	CTL_RPC_SEQUENCE,
	CTL_RPC_METHOD_COUNT,
};

/* A status to answer with: an HTTP-like code and the reference server's text. */
struct ctl_rpc_status {
	int code;
	char text[CTL_RPC_TEXT_MAX];
};

/* The account a request acts on and the authentication material it carries. */
struct ctl_rpc_account {
	uint8_t pubkey[33]; /* netid || key */
	bool has_pubkey_ed25519;
	uint8_t pubkey_ed25519[32];
	bool has_signature;
	uint8_t signature[64];
	bool has_subaccount;
	uint8_t subaccount[36];
	uint8_t subaccount_sig[64];
};

enum ctl_rpc_expire_mode {
	CTL_RPC_EXPIRE_ANY,
	CTL_RPC_EXPIRE_SHORTEN,
	CTL_RPC_EXPIRE_EXTEND,
};

struct ctl_rpc_store {
	int32_t ns;
	int64_t timestamp_ms; /* not range-checked: the server does not either */
	int64_t expiry_ms;    /* expiry, or timestamp + ttl */
	uint64_t sig_timestamp_ms;
	uint8_t *data; /* owned by the request */
	size_t data_len;
};

struct ctl_rpc_retrieve {
	int32_t ns;
	bool check_signature; /* signature fields present, or a namespace that needs them */
	uint64_t timestamp_ms;
	const char *last_hash; /* 43 characters, or NULL */
	bool has_max_count, has_max_size;
	int64_t max_count, max_size;
};

/* delete, expire, get_expiries: hashes point into the request's JSON. */
struct ctl_rpc_hashes {
	const char **hashes;
	size_t n;
};

struct ctl_rpc_delete {
	struct ctl_rpc_hashes msgs;
	bool required;
};

/* delete_all (timestamp), delete_before (before), expire_all (expiry). */
struct ctl_rpc_ns_time {
	int32_t ns; /* int16, or CTL_RPC_NS_ALL */
	uint64_t time_ms;
};

struct ctl_rpc_expire {
	struct ctl_rpc_hashes msgs;
	uint64_t *expiries; /* 1, or msgs.n (one per hash) */
	size_t n_expiries;
	enum ctl_rpc_expire_mode mode;
	/* Filled by ctl_rpc_auth_check: the expiries to apply (clamped to
	 * now + 30 days) and whether only extensions may be applied. */
	uint64_t *applied;
	bool extend_only;
};

struct ctl_rpc_get_expiries {
	struct ctl_rpc_hashes msgs;
	uint64_t timestamp_ms;
};

/* revoke_subaccount, unrevoke_subaccount, revoked_subaccounts (n = 0). */
struct ctl_rpc_tokens {
	uint8_t *tokens; /* n * 36 bytes */
	size_t n;
	uint64_t timestamp_ms;
};

/* One method call: a top-level request or one subrequest of a batch. */
struct ctl_rpc_call {
	enum ctl_rpc_method method;
	struct ctl_rpc_account acct; /* unused by info */
	union {
		struct ctl_rpc_store store;
		struct ctl_rpc_retrieve retrieve;
		struct ctl_rpc_delete del;
		struct ctl_rpc_ns_time ns_time;
		struct ctl_rpc_expire expire;
		struct ctl_rpc_get_expiries get_expiries;
		struct ctl_rpc_tokens tokens;
		struct ctl_rpc_oxend oxend;
	} p;
};

/*
 * A decoded request. For batch and sequence, method says which and calls[]
 * holds the 1..20 subrequests; otherwise n_calls is 1 and calls[0] is the
 * request itself (calls[0].method == method).
 */
struct ctl_rpc_request {
	enum ctl_rpc_method method;
	struct ctl_rpc_call *calls;
	size_t n_calls;
	json_t *root; /* keeps the strings calls point into */
};

/* Method name ("store", alias "get_snodes_for_pubkey"...) -> enum; -ENOENT if unknown. */
int ctl_rpc_params_method(const char *name, enum ctl_rpc_method *m);
const char *ctl_rpc_params_method_name(enum ctl_rpc_method m);

/*
 * Decodes a request body. Returns 0 (st->code 200), -EINVAL (st->code 400 and
 * the server's text: "invalid json", "no method X", "invalid request: ...") or
 * -ENOMEM (500 "request failed"). testnet also accepts 64-hex pubkeys (netid 05).
 * On success the caller frees req with ctl_rpc_params_free.
 */
int ctl_rpc_params_parse(const char *body, size_t len, bool testnet, struct ctl_rpc_request *req,
			 struct ctl_rpc_status *st);

/* The same from an already parsed method name and params object (OMQ-style
 * transports); params is borrowed (a reference is taken). */
int ctl_rpc_params_decode(const char *method, json_t *params, bool testnet,
			  struct ctl_rpc_request *req, struct ctl_rpc_status *st);

void ctl_rpc_params_free(struct ctl_rpc_request *req);

/* Namespace predicates of the storage server (oxenss/common/namespace.h). */
bool ctl_rpc_params_ns_public_inbox(int32_t ns);
bool ctl_rpc_params_ns_public_outbox(int32_t ns);
bool ctl_rpc_params_ns_noauth_retrieve(int32_t ns);
bool ctl_rpc_params_ns_unrevocable(int32_t ns);

#endif
