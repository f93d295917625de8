/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) entry of snode-control (docs/http-entry.md): what real Session
 * clients and nodes reach, on libevent's evhttp in the control loop.
 *   POST /storage_rpc/v1  {"method", "params"} -> the storage RPC (rpc_server.h)
 *   POST /onion_req/v2    the entry payload     -> http_onion.h
 *   POST /ping_test/v1    200 with X-Oxen-Snode-Pubkey: base64(node key)
 *   POST /json_rpc        the seed node's get_n_service_nodes (json_rpc.h)
 * HTTPS (self-signed certificate, http_tls.h) on `listen`, plain HTTP on
 * `http-listen` (tests, or behind a TLS terminator); either may be "none".
 * Bodies over 10 MiB get 413 from evhttp before they are read; a client
 * that sends nothing for http-timeout seconds is disconnected; per-IP token
 * buckets (http_ratelimit.h) answer 429 to /storage_rpc/v1 and
 * /onion_req/v2. Nothing here blocks: a slow client holds only its own
 * connection.
 */
#ifndef CTL_HTTP_SERVER_H
#define CTL_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct ctl_rpc_server;
struct ctl_onion_entry;

enum {
	CTL_HTTP_BODY_MAX = 10 * 1024 * 1024, /* SS MAX_REQUEST_BODY_SIZE */
	CTL_HTTP_HEADERS_MAX = 16 * 1024,     /* bytes of request line and headers */
};

#define CTL_HTTP_PUBKEY_HEADER "X-Oxen-Snode-Pubkey"

struct ctl_http_conf {
	struct event_base *base;
	const char *data_dir;	  /* holds the HTTPS certificate */
	const char *https_listen; /* IPv4:port or "none" */
	const char *http_listen;  /* IPv4:port or "none" */
	unsigned rate_burst, rate_per_s, timeout_s;
	const uint8_t *ed25519_pk;     /* 32 bytes */
	struct ctl_rpc_server *rpc;    /* borrowed */
	struct ctl_onion_entry *onion; /* borrowed */
};

struct ctl_http_stats {
	uint64_t requests;
	uint64_t storage_rpc, onion_req, ping_test, json_rpc;
	uint64_t not_found;    /* another path or method: 404 */
	uint64_t rate_limited; /* 429 */
	uint64_t long_poll;    /* X-Loki-Long-Poll: 410 */
	uint64_t in_flight;    /* waiting on the RPC or the onion path */
	uint32_t rate_clients; /* addresses the token buckets track */
};

struct ctl_http;

/* NULL with one line in err (an address that cannot be bound, the certificate). */
struct ctl_http *ctl_http_new(const struct ctl_http_conf *conf, char *err, size_t errlen);

/* Closes the listeners and every connection. Free the RPC server and the onion entry
 * first: their last answers (503) still go out through this server. */
void ctl_http_free(struct ctl_http *h);

void ctl_http_stats(const struct ctl_http *h, struct ctl_http_stats *out);

/* The bound port of the HTTPS (tls true) or plain listener, 0 when it is off. */
uint16_t ctl_http_port(const struct ctl_http *h, int tls);

#endif
