/* SPDX-License-Identifier: MIT */
/*
 * The HTTPS leg of a reachability test (facts doc 6.2): POST
 * https://IP:PORT/ping_test/v1 with an empty body, no certificate validation
 * (nodes have self-signed certificates), a timeout (5 s); it passes when the
 * answer is 200 and its X-Oxen-Snode-Pubkey header is the tested node's key
 * (base64 of its Ed25519 key, what our HTTP entry sends). libcurl's multi
 * interface on the libevent loop, as control/onion_proxy.c.
 */
#ifndef CTL_REACH_HTTPS_H
#define CTL_REACH_HTTPS_H

#include <stdint.h>

struct event_base;
struct ctl_reach_https;

enum ctl_reach_https_result {
	CTL_REACH_HTTPS_OK = 0,
	CTL_REACH_HTTPS_CONNECT,  /* no connection or TLS handshake (refused, unreachable...) */
	CTL_REACH_HTTPS_TIMEOUT,  /* no complete answer within the timeout */
	CTL_REACH_HTTPS_STATUS,	  /* an answer other than 200 */
	CTL_REACH_HTTPS_PUBKEY,	  /* 200 without the header, or another node's key */
	CTL_REACH_HTTPS_SHUTDOWN, /* ctl_reach_https_free while in flight */
};

/* Called exactly once per accepted request (never from inside ctl_reach_https_ping). */
typedef void ctl_reach_https_done_fn(void *arg, enum ctl_reach_https_result result);

/* NULL when libcurl cannot start. */
struct ctl_reach_https *ctl_reach_https_new(struct event_base *base);
/* Every request in flight completes with CTL_REACH_HTTPS_SHUTDOWN first. */
void ctl_reach_https_free(struct ctl_reach_https *h);

/* ip: IPv4 in host order. 0, or -ENOMEM (done is not called). */
int ctl_reach_https_ping(struct ctl_reach_https *h, uint32_t ip, uint16_t port,
			 const uint8_t ed25519[32], uint64_t timeout_ms,
			 ctl_reach_https_done_fn *done, void *arg);

/* Requests in flight. */
unsigned ctl_reach_https_active(const struct ctl_reach_https *h);

/* A readable name of a result ("ok", "https_connect", ...): the counters' and logs' names. */
const char *ctl_reach_https_result_name(enum ctl_reach_https_result r);

#endif
