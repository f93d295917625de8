/* SPDX-License-Identifier: MIT */
/*
 * The exit's proxy to HTTP(S) servers (facts doc 1.4, case "host"): a layer
 * whose JSON names "host" and "target" is POSTed, whole ([N][blob]{json}), to
 * protocol://host[:port]/target, and the server's status and body go back
 * unmodified (the body is already encrypted for the client by the server).
 * Transport failures answer 504 (timeout) or 502 with a text, as the
 * reference does.
 *
 * libcurl's multi interface on the control loop: nothing blocks, DNS runs in
 * curl's resolver thread. Beyond the reference, for an operator's safety:
 * only http and https, no redirects, bounded concurrency and response size,
 * and by default no connection to loopback, private, link-local or other
 * special-purpose addresses (checked on the resolved address, so a DNS name
 * cannot point the node at its own network).
 */
#ifndef CTL_ONION_PROXY_H
#define CTL_ONION_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct snc_route;

enum {
	CTL_PROXY_TIMEOUT_MS = 25000,		/* SS ONION_URL_TIMEOUT */
	CTL_PROXY_MAX_ACTIVE = 256,		/* requests in flight; more answer 503 */
	CTL_PROXY_REPLY_MAX = 10 * 1024 * 1024, /* bytes of a server's answer (SS network max) */
	CTL_PROXY_URL_MAX = 16 + 255 + 6 + 255, /* "https://" host ":" port target */
};

struct ctl_proxy_conf {
	struct event_base *base;
	unsigned timeout_ms; /* 0: CTL_PROXY_TIMEOUT_MS */
	unsigned max_active; /* 0: CTL_PROXY_MAX_ACTIVE */
	bool allow_private;  /* connect to loopback/private/special addresses (tests) */
	bool tls_no_verify;  /* accept any server certificate */
};

struct ctl_proxy_stats {
	uint64_t requests, answered; /* answered: the server's own status came back */
	uint64_t bad_url;	     /* host or target refused before any connection */
	uint64_t refused_address;    /* the resolved address is not public (allow_private off) */
	uint64_t timeouts, failed;   /* 504; 502 (connect, TLS, DNS, too large, ...) */
	uint64_t busy;		     /* max_active in flight: 503 */
	uint64_t active;
};

/*
 * One finished request: status is the server's HTTP status with its body,
 * or 502/503/504 with a text made here. Called exactly once per accepted
 * request, never before ctl_proxy_post returns.
 */
typedef void ctl_proxy_done_fn(void *arg, int status, const uint8_t *body, size_t len);

struct ctl_proxy;

/* NULL with a reason in err (libcurl failed to initialise). */
struct ctl_proxy *ctl_proxy_new(const struct ctl_proxy_conf *conf, char *err, size_t errlen);

/* Answers every request in flight (503 "server shutting down"), then frees. */
void ctl_proxy_free(struct ctl_proxy *p);

/*
 * POSTs body (copied) to the route's server. Returns 0 (done will be called),
 * -EINVAL when the host or target cannot form a URL the reference would
 * accept (answer 400 "Invalid url"), -EBUSY at max_active, -ENOMEM.
 */
int ctl_proxy_post(struct ctl_proxy *p, const struct snc_route *r, const uint8_t *body, size_t len,
		   ctl_proxy_done_fn *done, void *arg);

/* The URL for a route into out (CTL_PROXY_URL_MAX + 1 bytes); -EINVAL as above. */
int ctl_proxy_url(const struct snc_route *r, char *out, size_t outlen);

/* Whether an address may be connected to with allow_private off (IPv4/IPv6 sockaddr). */
bool ctl_proxy_address_public(const void *sockaddr);

void ctl_proxy_stats(const struct ctl_proxy *p, struct ctl_proxy_stats *out);

#endif
