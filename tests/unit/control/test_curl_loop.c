/* SPDX-License-Identifier: MIT */
/*
 * control/curl_loop.c on a real libevent loop: a GET to an evhttp server of the test on
 * 127.0.0.1 completes once with CURLE_OK and its body; two transfers at once both complete;
 * a closed port completes with a connect error; a loop freed with nothing in flight.
 */
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "curl_loop.h"
#include "test_common_ctl.h"

static struct event_base *base;
static struct evhttp *srv;
static unsigned port;
static int done_count;
static CURLcode last_rc;

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();

	(void)arg;
	evbuffer_add_printf(b, "pong");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
on_done(void *arg, CURL *easy, CURLcode rc)
{
	struct ctl_curl_loop *l = *(struct ctl_curl_loop **)arg;

	curl_multi_remove_handle(ctl_curl_loop_multi(l), easy);
	curl_easy_cleanup(easy);
	last_rc = rc;
	done_count++;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	strncat(arg, data, size * n < 16 ? size * n : 16);
	return size * n;
}

static CURL *
transfer(struct ctl_curl_loop *l, unsigned to_port, char *body)
{
	char url[64];
	CURL *e = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ping", to_port);
	assert_non_null(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
	assert_int_equal(curl_multi_add_handle(ctl_curl_loop_multi(l), e), CURLM_OK);
	return e;
}

/* Runs the loop until want transfers completed, or for at most ms milliseconds. */
static void
run_until(int want, int ms)
{
	for (int i = 0; i < ms / 10 && done_count < want; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(10000);
}

static int
setup(void **state)
{
	struct evhttp_bound_socket *s;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	(void)state;
	base = event_base_new();
	srv = evhttp_new(base);
	evhttp_set_gencb(srv, on_request, NULL);
	s = evhttp_bind_socket_with_handle(srv, "127.0.0.1", 0);
	assert_non_null(s);
	getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	evhttp_free(srv);
	event_base_free(base);
	return 0;
}

static void
one_transfer_completes_once(void **state)
{
	struct ctl_curl_loop *l = NULL;
	char body[32] = "";

	(void)state;
	l = ctl_curl_loop_new(base, on_done, &l);
	assert_non_null(l);
	done_count = 0;
	transfer(l, port, body);
	run_until(1, 10000);
	run_until(2, 300); /* nothing more arrives */
	assert_int_equal(done_count, 1);
	assert_int_equal(last_rc, CURLE_OK);
	assert_string_equal(body, "pong");
	ctl_curl_loop_free(l);
}

static void
two_at_once(void **state)
{
	struct ctl_curl_loop *l = NULL;
	char b1[32] = "", b2[32] = "";

	(void)state;
	l = ctl_curl_loop_new(base, on_done, &l);
	done_count = 0;
	transfer(l, port, b1);
	transfer(l, port, b2);
	run_until(2, 10000);
	assert_int_equal(done_count, 2);
	assert_string_equal(b1, "pong");
	assert_string_equal(b2, "pong");
	ctl_curl_loop_free(l);
}

static void
closed_port_is_a_connect_error(void **state)
{
	struct ctl_curl_loop *l = NULL;
	char body[32] = "";

	(void)state;
	l = ctl_curl_loop_new(base, on_done, &l);
	done_count = 0;
	transfer(l, 1, body); /* port 1: nothing listens */
	run_until(1, 10000);
	assert_int_equal(done_count, 1);
	assert_int_equal(last_rc, CURLE_COULDNT_CONNECT);
	ctl_curl_loop_free(l);
	ctl_curl_loop_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_transfer_completes_once),
		cmocka_unit_test(two_at_once),
		cmocka_unit_test(closed_port_is_a_connect_error),
	};

	signal(SIGPIPE, SIG_IGN); /* as snode-control: a peer may close first */

	return cmocka_run_group_tests_name("curl_loop", tests, setup, teardown);
}
