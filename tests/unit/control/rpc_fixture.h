/* SPDX-License-Identifier: MIT */
/*
 * Test fixture for the storage RPC server: one private redis-server per test
 * binary (group setup), and per test a store on a fresh key prefix, a swarm
 * view holding this node, and a server with a pinned clock. fx_call runs one
 * request body and the event loop (bounded) until its answer came, and
 * counts done calls so that "exactly once" can be checked.
 */
#ifndef RPC_FIXTURE_H
#define RPC_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "redis_test.h"
#include "rpc_server.h"
#include "store.h"
#include "swarm_view.h"

enum {
	FX_WAIT_MS = 10000,
};

/* One answer as done gave it. */
struct answer {
	int calls; /* done calls seen for this request */
	int code;
	bool json;
	char *body; /* NUL-terminated copy */
	json_t *j;  /* parsed body when json */
};

struct rpc_fx {
	struct redis_test rt;
	struct event_base *base;
	struct store *st;
	struct ctl_swarm_view *view;
	struct ctl_rpc_server *srv;
	uint8_t node_pk[32], node_sk[64];
	char node_hex[65];
	uint64_t now; /* the server's clock */
	int n_prefix;
};

/* Options of fx_server_up; zero for the defaults. */
struct fx_opts {
	uint32_t timeout_ms;	    /* store request deadline */
	uint64_t account_bytes_max; /* quota */
	bool not_member;	    /* this node is not in the swarm (421) */
	bool no_nodes;		    /* empty node list: no swarm at all */
	bool testnet;
};

/*
 * The cmocka hooks of a test binary whose tests each run against a fresh
 * server on fixture F: group_down (stops the redis-server), setup (a server
 * with the default options) and teardown. The binary's group_up makes its
 * accounts and calls fx_redis_up(&F).
 */
#define RPC_FX_HOOKS(F)                                                                            \
	static int group_down(void **state)                                                        \
	{                                                                                          \
		(void)state;                                                                       \
		fx_redis_down(&(F));                                                               \
		return 0;                                                                          \
	}                                                                                          \
	static int setup(void **state)                                                             \
	{                                                                                          \
		(void)state;                                                                       \
		return fx_server_up(&(F), NULL);                                                   \
	}                                                                                          \
	static int teardown(void **state)                                                          \
	{                                                                                          \
		(void)state;                                                                       \
		fx_server_down(&(F));                                                              \
		return 0;                                                                          \
	}

int fx_redis_up(struct rpc_fx *f);
/*
 * For tests with several nodes on the fixture's redis-server: a store under
 * key prefix "<tag><k>:" (k counts up per binary), ready (asserts), for one
 * node; the realtime clock in ms; a random node identity (asserts).
 */
struct store *fx_store_new(struct rpc_fx *f, char tag);
uint64_t fx_wall_ms(void);
void fx_identity(struct snc_identity *id);
void fx_redis_down(struct rpc_fx *f);
int fx_server_up(struct rpc_fx *f, const struct fx_opts *o);
void fx_server_down(struct rpc_fx *f);

/* The done callback of fx_start: records into the struct answer arg. */
void fx_on_done(void *arg, int code, bool json, const char *body, size_t len);
/* Starts body without waiting; a->calls counts the done calls. */
int fx_start(struct rpc_fx *f, const char *body, struct answer *a);
int fx_start_len(struct rpc_fx *f, const char *body, size_t len, struct answer *a);
/* Runs the loop until a has its answer (fails the test after FX_WAIT_MS). */
void fx_wait(struct rpc_fx *f, struct answer *a);
void fx_call(struct rpc_fx *f, const char *body, struct answer *a);
/* {"method": m, "params": params} (params consumed). */
void fx_call_json(struct rpc_fx *f, const char *method, json_t *params, struct answer *a);
void answer_free(struct answer *a);

/* fx_call_json, then asserts the code; returns a->j (may be NULL for text). */
json_t *fx_expect(struct rpc_fx *f, int code, const char *method, json_t *params, struct answer *a);
/* Asserts a text answer with exactly code and text. */
void fx_expect_text(struct rpc_fx *f, int code, const char *text, const char *method,
		    json_t *params);

/* body["swarm"][node hex], asserting it is the only entry, with "t" and "hf". */
json_t *fx_mine(const struct rpc_fx *f, json_t *body);
/* Asserts mine["signature"] is the node's Ed25519 signature of msg (libsodium). */
void fx_check_sig(const struct rpc_fx *f, json_t *mine, const void *msg, size_t len);

#endif
