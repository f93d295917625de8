/* SPDX-License-Identifier: MIT */
/*
 * This node as an onion request's final destination (facts doc 1.4 and 1.6):
 * the dataplane delivers the layer's RPC body over the channel, the storage
 * RPC answers it, and the answer goes back wrapped exactly as
 * session-storage-server wraps it: {"status": code, "body": ...}, the body
 * a JSON value when the layer asked for "json": true and the RPC answered
 * JSON, else a string. The dataplane then encrypts the wrapped reply for the
 * client (and base64s it unless the layer said "base64": false).
 * A layer naming a server ("host") is proxied (onion_proxy.h): the server's
 * body goes back unmodified.
 */
#ifndef CTL_ONION_DEST_H
#define CTL_ONION_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_channel.h"

struct ctl_rpc_server;
struct ctl_proxy;

struct ctl_onion_dest {
	struct ctl_dp_channel *channel;
	struct ctl_rpc_server *rpc;
	struct ctl_proxy *proxy; /* exits: POST to the layer's server (onion_proxy.h) */
	uint64_t requests, replies, reply_failed;
	uint64_t proxied;	/* layers naming a server ("host") */
	uint64_t proxy_refused; /* their URL refused: sealed 400 "Invalid url" */
};

/*
 * The wrapped reply: a malloc'd JSON text (keys sorted, compact, as the
 * reference's nlohmann::json dump) and its length; NULL when out of memory.
 * json_body: embed body as a JSON value (it is one, and the layer asked for
 * "json": true); a body that does not parse stays a string.
 */
char *ctl_onion_wrap_reply(int code, const char *body, size_t len, bool json_body, size_t *out_len);

/* ctl_dp_request_fn for ctl_dp_channel_new; arg is a struct ctl_onion_dest. */
void ctl_onion_dest_on_request(void *arg, const struct ctl_dp_request *req);

#endif
