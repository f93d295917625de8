/* SPDX-License-Identifier: MIT */
#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "http_onion.h"
#include "http_ratelimit.h"
#include "http_tls.h"
#include "json_rpc.h"
#include "rpc_server.h"

struct ctl_http {
	struct evhttp *plain, *tls;
	struct evhttp_bound_socket *plain_sock, *tls_sock;
	SSL_CTX *ctx;
	struct ctl_rpc_server *rpc;
	struct ctl_onion_entry *onion;
	char pubkey_b64[45];
	struct ctl_http_rl rl;
	struct ctl_http_stats st;
};

/* One request between its callback and its answer. */
struct call {
	struct ctl_http *h;
	struct evhttp_request *req;
};

static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 406:
		return "Not Acceptable";
	case 410:
		return "Gone";
	case 413:
		return "Payload Too Large";
	case 421:
		return "Misdirected Request";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Unknown";
	}
}

static void
send_answer(struct evhttp_request *req, int code, bool json, const char *body, size_t len)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);

	evhttp_add_header(hdr, "Content-Type", json ? "application/json" : "text/plain");
	if (len > 0)
		evbuffer_add(out, body, len);
	evhttp_send_reply(req, code, reason(code), NULL);
}

/* SS's error_response without a body: the status text and a newline. */
static void
send_status(struct evhttp_request *req, int code)
{
	char text[64];

	snprintf(text, sizeof(text), "%s\n", reason(code));
	send_answer(req, code, false, text, strlen(text));
}

static void
on_answer(void *arg, int code, bool json, const char *body, size_t len)
{
	struct call *c = arg;

	c->h->st.in_flight--;
	send_answer(c->req, code, json, body, len);
	free(c);
}

static struct call *
new_call(struct ctl_http *h, struct evhttp_request *req)
{
	struct call *c = malloc(sizeof(*c));

	if (c == NULL) {
		send_answer(req, 500, false, "request failed", 14);
		return NULL;
	}
	*c = (struct call){h, req};
	h->st.in_flight++;
	return c;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The client's IPv4 address (host order); false for anything else. */
static bool
peer_ipv4(struct evhttp_request *req, uint32_t *ip)
{
	struct evhttp_connection *con = evhttp_request_get_connection(req);
	const struct sockaddr *sa = con != NULL ? evhttp_connection_get_addr(con) : NULL;

	if (sa == NULL || sa->sa_family != AF_INET)
		return false;
	*ip = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
	return true;
}

/* The body as one contiguous block (evhttp capped it at CTL_HTTP_BODY_MAX). */
static const uint8_t *
body_of(struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);

	*len = evbuffer_get_length(in);
	return *len > 0 ? evbuffer_pullup(in, -1) : (const uint8_t *)"";
}

/* Rate limit for the routes that cost work; false when answered already. */
static bool
admit(struct ctl_http *h, struct evhttp_request *req)
{
	uint32_t ip;

	if (!peer_ipv4(req, &ip)) { /* SS: only IPv4 clients */
		send_status(req, 400);
		return false;
	}
	if (!ctl_http_rl_allow(&h->rl, ip, now_ns())) {
		h->st.rate_limited++;
		send_status(req, 429);
		return false;
	}
	return true;
}

static void
storage_rpc(struct ctl_http *h, struct evhttp_request *req)
{
	const char *poll =
		evhttp_find_header(evhttp_request_get_input_headers(req), "X-Loki-Long-Poll");
	const uint8_t *body;
	struct call *c;
	size_t len;

	h->st.storage_rpc++;
	if (!admit(h, req))
		return;
	if (poll != NULL && poll[0] != '\0') {
		static const char gone[] =
			"long polling is no longer supported, client upgrade required";

		h->st.long_poll++;
		send_answer(req, 410, false, gone, sizeof(gone) - 1);
		return;
	}
	body = body_of(req, &len);
	if ((c = new_call(h, req)) == NULL)
		return;
	if (ctl_rpc_handle(h->rpc, (const char *)body, len, on_answer, c) != 0)
		on_answer(c, 500, false, "request failed", 14);
}

static void
onion_req(struct ctl_http *h, struct evhttp_request *req)
{
	const uint8_t *body;
	struct call *c;
	size_t len;

	h->st.onion_req++;
	if (!admit(h, req))
		return;
	body = body_of(req, &len);
	if ((c = new_call(h, req)) != NULL)
		ctl_onion_entry_handle(h->onion, body, len, on_answer, c);
}

/* The seed nodes' JSON-RPC (json_rpc.h): answered here, no Redis. */
static void
json_rpc(struct ctl_http *h, struct evhttp_request *req)
{
	const uint8_t *body;
	size_t len;
	char *text;

	h->st.json_rpc++;
	if (!admit(h, req))
		return;
	body = body_of(req, &len);
	text = ctl_json_rpc(h->rpc, (const char *)body, len);
	if (text == NULL)
		send_answer(req, 500, false, "request failed", 14);
	else
		send_answer(req, 200, true, text, strlen(text));
	free(text);
}

static void
ping_test(struct ctl_http *h, struct evhttp_request *req)
{
	h->st.ping_test++;
	evhttp_add_header(evhttp_request_get_output_headers(req), CTL_HTTP_PUBKEY_HEADER,
			  h->pubkey_b64);
	send_answer(req, 200, false, "", 0);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct ctl_http *h = arg;
	const char *path = evhttp_request_get_uri(req);
	bool post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	char text[300];

	h->st.requests++;
	if (post && strcmp(path, "/storage_rpc/v1") == 0) {
		storage_rpc(h, req);
	} else if (post && strcmp(path, "/onion_req/v2") == 0) {
		onion_req(h, req);
	} else if (post && strcmp(path, "/ping_test/v1") == 0) {
		ping_test(h, req);
	} else if (post && strcmp(path, "/json_rpc") == 0) {
		json_rpc(h, req);
	} else {
		h->st.not_found++;
		snprintf(text, sizeof(text), "%s %.200s Not Found", post ? "POST" : "GET", path);
		send_answer(req, 404, false, text, strlen(text));
	}
}

static struct bufferevent *
tls_bev(struct event_base *base, void *arg)
{
	struct ctl_http *h = arg;
	SSL *ssl = SSL_new(h->ctx);
	struct bufferevent *bev;

	if (ssl == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL) /* clients that just close must not count as errors */
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* An evhttp with our limits and routes, bound to addr ("IPv4:port"). */
static struct evhttp *
open_listener(struct ctl_http *h, const struct ctl_http_conf *conf, const char *addr,
	      struct evhttp_bound_socket **sock, char *err, size_t errlen)
{
	struct evhttp *http = evhttp_new(conf->base);
	const char *colon = strrchr(addr, ':');
	char host[64];

	if (http == NULL || colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
		snprintf(err, errlen, "HTTP listener %s: cannot create it", addr);
		if (http != NULL)
			evhttp_free(http);
		return NULL;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
	evhttp_set_max_body_size(http, CTL_HTTP_BODY_MAX);
	evhttp_set_max_headers_size(http, CTL_HTTP_HEADERS_MAX);
	evhttp_set_timeout(http, (int)conf->timeout_s);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, on_request, h);
	*sock = evhttp_bind_socket_with_handle(http, host, (uint16_t)atoi(colon + 1));
	if (*sock == NULL) {
		snprintf(err, errlen, "HTTP listener %s: cannot bind (address in use?)", addr);
		evhttp_free(http);
		return NULL;
	}
	return http;
}

struct ctl_http *
ctl_http_new(const struct ctl_http_conf *conf, char *err, size_t errlen)
{
	struct ctl_http *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->rpc = conf->rpc;
	h->onion = conf->onion;
	ctl_http_rl_init(&h->rl, conf->rate_burst, conf->rate_per_s);
	sodium_bin2base64(h->pubkey_b64, sizeof(h->pubkey_b64), conf->ed25519_pk, 32,
			  sodium_base64_VARIANT_ORIGINAL);
	if (strcmp(conf->http_listen, "none") != 0 &&
	    (h->plain = open_listener(h, conf, conf->http_listen, &h->plain_sock, err, errlen)) ==
		    NULL)
		goto fail;
	if (strcmp(conf->https_listen, "none") != 0) {
		if ((h->ctx = ctl_http_tls_ctx(conf->data_dir, err, errlen)) == NULL ||
		    (h->tls = open_listener(h, conf, conf->https_listen, &h->tls_sock, err,
					    errlen)) == NULL)
			goto fail;
		evhttp_set_bevcb(h->tls, tls_bev, h);
	}
	return h;
fail:
	ctl_http_free(h);
	return NULL;
}

void
ctl_http_free(struct ctl_http *h)
{
	if (h == NULL)
		return;
	if (h->plain != NULL)
		evhttp_free(h->plain);
	if (h->tls != NULL)
		evhttp_free(h->tls);
	if (h->ctx != NULL)
		SSL_CTX_free(h->ctx);
	free(h);
}

void
ctl_http_stats(const struct ctl_http *h, struct ctl_http_stats *out)
{
	*out = h->st;
	out->rate_clients = ctl_http_rl_clients(&h->rl);
}

uint16_t
ctl_http_port(const struct ctl_http *h, int tls)
{
	struct evhttp_bound_socket *s = tls ? h->tls_sock : h->plain_sock;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (s == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&sa, &len) != 0)
		return 0;
	return ntohs(sa.sin_port);
}
