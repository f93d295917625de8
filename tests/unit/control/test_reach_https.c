/* SPDX-License-Identifier: MIT */
/*
 * control/reach_https.c against real servers on 127.0.0.1: snode's own HTTP
 * entry (control/http_server.c, self-signed TLS) passes with its key and
 * fails with another's; a TLS server of the test answering 503, or 200
 * without the header, fails with its reason; a closed port and a plain-HTTP
 * port are connect failures; a server that never answers times out; freeing
 * with a request in flight completes it once with "shutdown".
 */
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "http_server.h"
#include "http_tls.h"
#include "reach_https.h"
#include "test_common_ctl.h"

static struct event_base *base;
static char dir[64];
static uint8_t pk[32], other[32];
static struct ctl_http *http;
static int results[8], n_results;

static void
on_done(void *arg, enum ctl_reach_https_result r)
{
	(void)arg;
	results[n_results++] = (int)r;
	event_base_loopbreak(base);
}

/* Runs the loop until a result (or 10 s). */
static int
wait_result(void)
{
	struct timeval tv = {10, 0};

	n_results = 0;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(n_results, 1);
	return results[0];
}

static int
setup(void **state)
{
	struct ctl_http_conf hc = {.data_dir = dir,
				   .https_listen = "127.0.0.1:0",
				   .http_listen = "127.0.0.1:0",
				   .rate_burst = 100,
				   .rate_per_s = 100,
				   .timeout_s = 5,
				   .ed25519_pk = pk};
	char err[300];

	(void)state;
	assert_true(sodium_init() >= 0);
	randombytes_buf(pk, 32);
	randombytes_buf(other, 32);
	make_tmpdir(dir, sizeof(dir));
	base = event_base_new();
	hc.base = base;
	http = ctl_http_new(&hc, err, sizeof(err));
	assert_non_null(http);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	ctl_http_free(http);
	event_base_free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
our_entry_passes_with_its_key_only(void **state)
{
	struct ctl_reach_https *h = ctl_reach_https_new(base);

	(void)state;
	assert_non_null(h);
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, ctl_http_port(http, 1), pk, 5000,
					      on_done, NULL),
			 0);
	assert_int_equal(ctl_reach_https_active(h), 1);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_OK);
	assert_int_equal(ctl_reach_https_active(h), 0);
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, ctl_http_port(http, 1), other, 5000,
					      on_done, NULL),
			 0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_PUBKEY);
	ctl_reach_https_free(h);
}

/* A TLS server of our own: 503, or 200 without the key header. */
static SSL_CTX *ctx;

static struct bufferevent *
tls_bev(struct event_base *b, void *arg)
{
	(void)arg;
	return bufferevent_openssl_socket_new(b, -1, SSL_new(ctx), BUFFEREVENT_SSL_ACCEPTING,
					      BEV_OPT_CLOSE_ON_FREE);
}

static void
answer(struct evhttp_request *req, void *arg)
{
	evhttp_send_reply(req, *(int *)arg, "x", NULL);
}

static void
other_answers_fail_with_their_reason(void **state)
{
	struct ctl_reach_https *h = ctl_reach_https_new(base);
	struct evhttp *srv = evhttp_new(base);
	struct evhttp_bound_socket *s;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char err[300];
	int status = 503;

	(void)state;
	ctx = ctl_http_tls_ctx(dir, err, sizeof(err));
	assert_non_null(ctx);
	evhttp_set_bevcb(srv, tls_bev, NULL);
	evhttp_set_gencb(srv, answer, &status);
	s = evhttp_bind_socket_with_handle(srv, "127.0.0.1", 0);
	assert_non_null(s);
	getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&sa, &len);
	assert_int_equal(
		ctl_reach_https_ping(h, 0x7f000001, ntohs(sa.sin_port), pk, 5000, on_done, NULL),
		0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_STATUS);
	status = 200; /* no X-Oxen-Snode-Pubkey */
	assert_int_equal(
		ctl_reach_https_ping(h, 0x7f000001, ntohs(sa.sin_port), pk, 5000, on_done, NULL),
		0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_PUBKEY);
	ctl_reach_https_free(h);
	evhttp_free(srv);
	SSL_CTX_free(ctx);
}

/* A bound, listening socket that never accepts or answers; its port. */
static int
silent_listener(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void
closed_plain_and_silent_ports(void **state)
{
	struct ctl_reach_https *h = ctl_reach_https_new(base);
	uint16_t port;
	int fd = silent_listener(&port);

	(void)state;
	close(fd); /* nothing listens there now */
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, port, pk, 5000, on_done, NULL), 0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_CONNECT);
	/* our plain HTTP listener: no TLS handshake */
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, ctl_http_port(http, 0), pk, 5000,
					      on_done, NULL),
			 0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_CONNECT);
	fd = silent_listener(&port);
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, port, pk, 300, on_done, NULL), 0);
	assert_int_equal(wait_result(), CTL_REACH_HTTPS_TIMEOUT);
	close(fd);
	ctl_reach_https_free(h);
}

static void
free_in_flight_completes_once_with_shutdown(void **state)
{
	struct ctl_reach_https *h = ctl_reach_https_new(base);
	uint16_t port;
	int fd = silent_listener(&port);

	(void)state;
	n_results = 0;
	assert_int_equal(ctl_reach_https_ping(h, 0x7f000001, port, pk, 5000, on_done, NULL), 0);
	ctl_reach_https_free(h);
	assert_int_equal(n_results, 1);
	assert_int_equal(results[0], CTL_REACH_HTTPS_SHUTDOWN);
	close(fd);
	assert_string_equal(ctl_reach_https_result_name(CTL_REACH_HTTPS_CONNECT), "https_connect");
	assert_string_equal(ctl_reach_https_result_name(CTL_REACH_HTTPS_PUBKEY), "https_pubkey");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(our_entry_passes_with_its_key_only),
		cmocka_unit_test(other_answers_fail_with_their_reason),
		cmocka_unit_test(closed_plain_and_silent_ports),
		cmocka_unit_test(free_in_flight_completes_once_with_shutdown),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	return cmocka_run_group_tests_name("reach_https", tests, setup, teardown);
}
