/* SPDX-License-Identifier: MIT */
/*
 * What a hop does with a peeled layer, decided from the layer's JSON exactly
 * in session-storage-server's order (process_inner_request):
 *   1. a key "headers" (any value)  -> this node is the destination
 *   2. else a key "host"            -> proxy to an HTTP(S) server (exit)
 *   3. else                         -> relay to "destination" (Ed25519 hex)
 * Also parses the entry request's JSON {"ephemeral_key","enc_type","hop_no"}.
 */
#ifndef SNC_ONION_ROUTE_H
#define SNC_ONION_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>

#include "enc_type.h"

enum snc_route_kind {
	SNC_ROUTE_DESTINATION,
	SNC_ROUTE_PROXY,
	SNC_ROUTE_RELAY,
};

/* Error codes of snc_route_parse / snc_route_parse_entry. */
enum {
	SNC_ROUTE_E_JSON = -EBADMSG, /* not a JSON object: answer 400 "Invalid json" */
	SNC_ROUTE_E_FIELD = -EINVAL, /* a required key missing or of the wrong type/format */
	SNC_ROUTE_E_HOPS = -ELOOP,   /* hop_no above SNC_ROUTE_MAX_HOPS */
};

enum {
	SNC_ROUTE_HOST_MAX = 255, /* bytes of a DNS name */
	SNC_ROUTE_TARGET_MAX = 255,
	SNC_ROUTE_MAX_HOPS = 15, /* SS MAX_ONION_HOPS */
};

struct snc_route {
	enum snc_route_kind kind;
	/* destination */
	bool json_body;	   /* "json": embed the RPC's JSON body (default false) */
	bool base64_reply; /* "base64": base64 the encrypted reply (default true) */
	/* proxy */
	char host[SNC_ROUTE_HOST_MAX + 1];
	char target[SNC_ROUTE_TARGET_MAX + 1];
	uint16_t port;	     /* default 443 */
	bool https;	     /* "protocol": "https" (default) or "http" */
	bool target_allowed; /* false: the exit answers 400 "Invalid url" (as SS does) */
	/* relay; for a proxy, the server's key material if the client sent it (else zero) */
	uint8_t next_ed25519[32];
	uint8_t eph_pk[32];
	enum snc_enc_type enc_type; /* default aes-gcm */
};

struct snc_route_entry {
	uint8_t eph_pk[32];
	enum snc_enc_type enc_type;
	int hop_no; /* clamped to >= 0 */
};

int snc_route_parse(const char *json, size_t len, struct snc_route *out);

int snc_route_parse_entry(const char *json, size_t len, struct snc_route_entry *out);

/* The reference's allow-list: starts with /loki/ or /oxen/, ends with /lsrpc, no '?'. */
bool snc_route_target_allowed(const char *target);

/*
 * What an exit actually proxies: the reference's allow-list above, plus a
 * host of DNS-name/IPv4 characters only and a target without bytes that
 * would make an HTTP client request another path than the one checked ('#',
 * '\\', spaces, controls, non-ASCII). Anything else answers 400 "Invalid url"
 * (the reference would try the request and fail with 502 instead).
 */
bool snc_route_proxy_url_ok(const struct snc_route *r);

#endif
