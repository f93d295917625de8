/* SPDX-License-Identifier: MIT */
/*
 * POST /onion_req/v2: this node as the entry (first hop) of a Session
 * client's onion (facts doc 1.1-1.6, docs/http-entry.md). The body is the
 * entry payload [u32le N][blob]{"ephemeral_key", "enc_type", "hop_no"};
 * snode-control peels the first layer itself (X25519 + KDF + AEAD, libsnc)
 * and then, as session-storage-server's process_onion_req does:
 *   - destination ("headers"): runs the storage RPC here and answers 200 with
 *     the encrypted (base64) {"status", "body"};
 *   - proxy ("host"): POSTs the peeled layer to the server (onion_proxy.h)
 *     and answers with the server's status and body unmodified; a URL
 *     outside the allow-list (snc_route_proxy_url_ok) gets the encrypted
 *     400 "Invalid url";
 *   - relay: hands the next layer to the dataplane over the channel (ENTRY,
 *     docs/channel.md), which sends it as a CREATE with the Session-compatible
 *     reply mode and returns the path's reply cells (ENTRY_REPLY); the
 *     reassembled reply is the HTTP body, unchanged (200).
 * Errors as the reference: 400 "Error parsing onion request: ..." (plain),
 * 400 "Invalid ciphertext" (plain), an encrypted 400 "Invalid json", 503
 * "Snode not ready: <ed25519 hex>" without a dataplane, 502 "Next node not
 * found: <hex>", 504 "Request time out" when the path does not answer.
 */
#ifndef CTL_HTTP_ONION_H
#define CTL_HTTP_ONION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_onion_parse.h"

struct event_base;
struct ctl_rpc_server;
struct ctl_dp_channel;
struct ctl_proxy;

enum {
	CTL_ONION_PENDING_MAX = 65536,		/* relayed requests waiting for their path */
	CTL_ONION_REPLY_MAX = 16 * 1024 * 1024, /* bytes of one reassembled reply */
};

/* The answer to one request: status, JSON or plain text, body (valid during the call). */
typedef void ctl_http_answer_fn(void *arg, int code, bool json, const char *body, size_t len);

struct ctl_onion_entry_conf {
	struct event_base *base;
	const uint8_t *ed25519_sk;	/* 64 bytes: the node key (X25519 derived from it) */
	struct ctl_rpc_server *rpc;	/* borrowed */
	struct ctl_dp_channel *channel; /* borrowed; NULL: no dataplane (relays answer 503) */
	struct ctl_proxy *proxy;	/* borrowed; layers naming a server are POSTed there */
	unsigned timeout_ms;		/* a relayed request's wait for its reply */
};

struct ctl_onion_entry_stats {
	uint64_t requests, parse_errors, bad_ciphertext, bad_json;
	uint64_t destination, proxied, proxy_refused, relayed, relay_replies, relay_timeouts;
	uint64_t relay_failed; /* refused by the dataplane, or a reply that broke off */
	uint64_t not_ready, busy;
	uint64_t pending;
};

struct ctl_onion_entry;

struct ctl_onion_entry *ctl_onion_entry_new(const struct ctl_onion_entry_conf *conf);

/* Answers every relayed request still waiting (503 "server shutting down"), frees. */
void ctl_onion_entry_free(struct ctl_onion_entry *e);

/* Handles one body; answer is called exactly once, possibly before this returns. */
void ctl_onion_entry_handle(struct ctl_onion_entry *e, const uint8_t *body, size_t len,
			    ctl_http_answer_fn *answer, void *arg);

/* ctl_dp_entry_reply_fn: one ENTRY_REPLY from the dataplane. */
void ctl_onion_entry_on_reply(void *arg, uint64_t id, const uint8_t *body, size_t len);

void ctl_onion_entry_stats(const struct ctl_onion_entry *e, struct ctl_onion_entry_stats *out);

#endif
