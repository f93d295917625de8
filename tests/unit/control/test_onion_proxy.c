/* SPDX-License-Identifier: MIT */
/*
 * control/onion_proxy.c: the exit's POST to an HTTP server (facts doc 1.4),
 * against a real HTTP server (libevent's evhttp) on 127.0.0.1 in the same
 * event loop: status and body back unmodified, 504 on timeout, 502 on
 * refused connections and oversize answers, the private-address guard, the
 * concurrency limit and shutdown with requests in flight.
 */
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "onion_proxy.h"
#include "onion_route.h"
#include "test_common_ctl.h"

struct fixture {
	struct event_base *base;
	struct evhttp *http;
	uint16_t port;
	struct evhttp_request *held; /* the "never answers" handler keeps it */
	/* what the last request delivered */
	int status, calls;
	uint8_t *body;
	size_t len;
};

/* /loki/echo/lsrpc: 201 with "got:" + body; /loki/silent/lsrpc: never
 * answers; /loki/big/lsrpc: one byte over the limit. */
static void
serve(struct evhttp_request *req, void *arg)
{
	struct fixture *f = arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evbuffer *out = evbuffer_new();

	if (strcmp(uri, "/loki/silent/lsrpc") == 0) {
		f->held = req;
		evbuffer_free(out);
		return;
	}
	if (strcmp(uri, "/loki/big/lsrpc") == 0) {
		char *big = calloc(1, CTL_PROXY_REPLY_MAX + 1);

		assert_non_null(big);
		evbuffer_add(out, big, CTL_PROXY_REPLY_MAX + 1);
		free(big);
		evhttp_send_reply(req, 200, "OK", out);
	} else {
		evbuffer_add_printf(out, "got:");
		evbuffer_add_buffer(out, evhttp_request_get_input_buffer(req));
		evhttp_send_reply(req, 201, "Created", out);
	}
	evbuffer_free(out);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct evhttp_bound_socket *s;
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	assert_non_null(f);
	f->base = event_base_new();
	f->http = evhttp_new(f->base);
	evhttp_set_gencb(f->http, serve, f);
	s = evhttp_bind_socket_with_handle(f->http, "127.0.0.1", 0);
	assert_non_null(s);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&a, &n), 0);
	f->port = ntohs(a.sin_port);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	evhttp_free(f->http);
	event_base_free(f->base);
	free(f->body);
	free(f);
	return 0;
}

static void
on_done(void *arg, int status, const uint8_t *body, size_t len)
{
	struct fixture *f = arg;

	f->calls++;
	f->status = status;
	free(f->body);
	f->body = malloc(len + 1);
	memcpy(f->body, body, len);
	f->body[len] = '\0';
	f->len = len;
	event_base_loopbreak(f->base);
}

static struct snc_route
route(const char *host, const char *target, uint16_t port, bool https)
{
	struct snc_route r = {.kind = SNC_ROUTE_PROXY, .port = port, .https = https};

	snprintf(r.host, sizeof(r.host), "%s", host);
	snprintf(r.target, sizeof(r.target), "%s", target);
	r.target_allowed = snc_route_target_allowed(r.target);
	return r;
}

static struct ctl_proxy *
proxy(struct fixture *f, bool allow_private, unsigned timeout_ms, unsigned max_active)
{
	struct ctl_proxy_conf c = {.base = f->base,
				   .timeout_ms = timeout_ms,
				   .max_active = max_active,
				   .allow_private = allow_private};
	char err[128];
	struct ctl_proxy *p = ctl_proxy_new(&c, err, sizeof(err));

	assert_non_null(p);
	return p;
}

/* Runs the loop until on_done breaks it (bounded by a 10 s safety timer). */
static void
run(struct fixture *f)
{
	struct timeval tv = {10, 0};

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static void
status_and_body_come_back_unmodified(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, true, 0, 0);
	struct snc_route r = route("127.0.0.1", "/loki/echo/lsrpc", f->port, false);
	static const uint8_t layer[] = {3, 0, 0, 0, 'a', 0, 'b', '{', '}'};
	struct ctl_proxy_stats st;

	assert_int_equal(ctl_proxy_post(p, &r, layer, sizeof(layer), on_done, f), 0);
	assert_int_equal(f->calls, 0); /* never before post returns */
	run(f);
	assert_int_equal(f->calls, 1);
	assert_int_equal(f->status, 201);
	assert_int_equal(f->len, 4 + sizeof(layer));
	assert_memory_equal(f->body, "got:", 4);
	assert_memory_equal(f->body + 4, layer, sizeof(layer)); /* the NUL byte went through */
	ctl_proxy_stats(p, &st);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.active, 0);
	ctl_proxy_free(p);
}

static void
private_addresses_are_refused_by_default(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, false, 0, 0);
	struct snc_route r = route("127.0.0.1", "/loki/echo/lsrpc", f->port, false);
	struct ctl_proxy_stats st;

	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"x", 1, on_done, f), 0);
	run(f);
	assert_int_equal(f->status, 502);
	assert_string_equal((char *)f->body, "Proxy target address not allowed");
	ctl_proxy_stats(p, &st);
	assert_int_equal(st.refused_address, 1);
	assert_int_equal(st.failed, 1);
	ctl_proxy_free(p);
}

static void
a_silent_server_times_out_with_504(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, true, 300, 0);
	struct snc_route r = route("127.0.0.1", "/loki/silent/lsrpc", f->port, false);
	struct ctl_proxy_stats st;

	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"x", 1, on_done, f), 0);
	run(f);
	assert_int_equal(f->status, 504);
	assert_string_equal((char *)f->body, "Proxy request timed out");
	ctl_proxy_stats(p, &st);
	assert_int_equal(st.timeouts, 1);
	ctl_proxy_free(p);
}

static void
a_closed_port_fails_with_502(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, true, 0, 0);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof(a);
	struct snc_route r;

	/* a port that was free a moment ago and has no listener */
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &n), 0);
	close(s);
	r = route("127.0.0.1", "/oxen/x/lsrpc", ntohs(a.sin_port), false);
	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"x", 1, on_done, f), 0);
	run(f);
	assert_int_equal(f->status, 502);
	assert_true(f->len > 0);
	ctl_proxy_free(p);
}

static void
an_answer_over_the_limit_fails_with_502(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, true, 5000, 0);
	struct snc_route r = route("127.0.0.1", "/loki/big/lsrpc", f->port, false);

	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"x", 1, on_done, f), 0);
	run(f);
	assert_int_equal(f->status, 502);
	ctl_proxy_free(p);
}

static void
max_active_answers_ebusy_and_free_answers_503(void **state)
{
	struct fixture *f = *state;
	struct ctl_proxy *p = proxy(f, true, 0, 1);
	struct snc_route r = route("127.0.0.1", "/loki/silent/lsrpc", f->port, false);
	struct ctl_proxy_stats st;
	struct timeval tv = {0, 200000};

	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"x", 1, on_done, f), 0);
	assert_int_equal(ctl_proxy_post(p, &r, (const uint8_t *)"y", 1, on_done, f), -EBUSY);
	event_base_loopexit(f->base, &tv); /* let the first one reach the server */
	event_base_dispatch(f->base);
	assert_non_null(f->held);
	ctl_proxy_stats(p, &st);
	assert_int_equal(st.busy, 1);
	assert_int_equal(st.active, 1);
	assert_int_equal(f->calls, 0);
	ctl_proxy_free(p);
	assert_int_equal(f->calls, 1);
	assert_int_equal(f->status, 503);
	assert_string_equal((char *)f->body, "server shutting down");
}

static void
urls_keep_the_reference_form(void **state)
{
	char url[CTL_PROXY_URL_MAX + 1];
	struct snc_route r = route("example.org", "/oxen/v4/lsrpc", 443, true);

	(void)state;
	assert_int_equal(ctl_proxy_url(&r, url, sizeof(url)), 0);
	assert_string_equal(url, "https://example.org/oxen/v4/lsrpc");
	r = route("example.org", "/loki/v3/lsrpc", 80, false);
	assert_int_equal(ctl_proxy_url(&r, url, sizeof(url)), 0);
	assert_string_equal(url, "http://example.org/loki/v3/lsrpc");
	r = route("10.0.0.1", "/loki/v3/lsrpc", 8080, true);
	assert_int_equal(ctl_proxy_url(&r, url, sizeof(url)), 0);
	assert_string_equal(url, "https://10.0.0.1:8080/loki/v3/lsrpc");
}

static void
hosts_and_targets_that_could_change_the_url_are_refused(void **state)
{
	static const char *hosts[] = {"", "a.b@c", "a:1", "a/b", "[::1]", "-a", ".a", "a b", "a#"};
	static const char *targets[] = {
		"/loki/a#/lsrpc",	"/loki/a b/lsrpc", "/loki/\\/lsrpc", "/loki/\x7f/lsrpc",
		"/loki/\xc3\xa9/lsrpc", "/loki/x?y/lsrpc", "/lok/x/lsrpc",   "/loki/x/lsrpcx"};
	char url[CTL_PROXY_URL_MAX + 1];
	struct snc_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		r = route(hosts[i], "/loki/v3/lsrpc", 443, true);
		assert_false(snc_route_proxy_url_ok(&r));
		assert_int_equal(ctl_proxy_url(&r, url, sizeof(url)), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		r = route("example.org", targets[i], 443, true);
		assert_false(snc_route_proxy_url_ok(&r));
	}
	/* the longest host and target still fit the URL buffer */
	memset(r.host, 'a', SNC_ROUTE_HOST_MAX);
	r.host[SNC_ROUTE_HOST_MAX] = '\0';
	memset(r.target, 'x', SNC_ROUTE_TARGET_MAX);
	memcpy(r.target, "/loki/", 6);
	memcpy(r.target + SNC_ROUTE_TARGET_MAX - 6, "/lsrpc", 7);
	r.target_allowed = snc_route_target_allowed(r.target);
	r.port = 65535;
	assert_int_equal(ctl_proxy_url(&r, url, sizeof(url)), 0);
}

static bool
public4(const char *ip)
{
	struct sockaddr_in a = {.sin_family = AF_INET};

	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return ctl_proxy_address_public(&a);
}

static bool
public6(const char *ip)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};

	assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
	return ctl_proxy_address_public(&a);
}

static void
special_purpose_ranges_are_not_public_at_their_edges(void **state)
{
	(void)state;
	assert_true(public4("9.255.255.255"));
	assert_false(public4("10.0.0.0"));
	assert_false(public4("10.255.255.255"));
	assert_true(public4("11.0.0.0"));
	assert_true(public4("100.63.255.255"));
	assert_false(public4("100.64.0.0"));
	assert_false(public4("100.127.255.255"));
	assert_true(public4("100.128.0.0"));
	assert_false(public4("127.0.0.1"));
	assert_false(public4("169.254.169.254")); /* cloud metadata */
	assert_true(public4("172.15.255.255"));
	assert_false(public4("172.16.0.0"));
	assert_false(public4("172.31.255.255"));
	assert_true(public4("172.32.0.0"));
	assert_false(public4("192.168.1.1"));
	assert_false(public4("0.0.0.0"));
	assert_false(public4("224.0.0.1"));
	assert_false(public4("255.255.255.255"));
	assert_true(public4("223.255.255.255"));
	assert_true(public4("8.8.8.8"));
	assert_false(public6("::"));
	assert_false(public6("::1"));
	assert_false(public6("::ffff:127.0.0.1"));
	assert_true(public6("::ffff:8.8.8.8"));
	assert_false(public6("fc00::1"));
	assert_false(public6("fdff::1"));
	assert_false(public6("fe80::1"));
	assert_false(public6("febf::1"));
	assert_false(public6("ff02::1"));
	assert_false(public6("2001:db8::1"));
	assert_false(public6("64:ff9b::a00:1"));
	assert_true(public6("2606:4700::1111"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(status_and_body_come_back_unmodified, setup,
						teardown),
		cmocka_unit_test_setup_teardown(private_addresses_are_refused_by_default, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_silent_server_times_out_with_504, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_closed_port_fails_with_502, setup, teardown),
		cmocka_unit_test_setup_teardown(an_answer_over_the_limit_fails_with_502, setup,
						teardown),
		cmocka_unit_test_setup_teardown(max_active_answers_ebusy_and_free_answers_503,
						setup, teardown),
		cmocka_unit_test(urls_keep_the_reference_form),
		cmocka_unit_test(hosts_and_targets_that_could_change_the_url_are_refused),
		cmocka_unit_test(special_purpose_ranges_are_not_public_at_their_edges),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
