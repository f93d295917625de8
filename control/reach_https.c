/* SPDX-License-Identifier: MIT */
/* The HTTPS leg of a reachability test (see reach_https.h). */
#include "reach_https.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sodium.h>

#include "curl_loop.h"
#include "http_server.h"

struct ping {
	struct ctl_reach_https *h;
	CURL *easy;
	char expect[48]; /* base64 of the key, as the header carries it */
	bool key_ok;
	ctl_reach_https_done_fn *done;
	void *arg;
	struct ping *prev, *next;
};

struct ctl_reach_https {
	struct ctl_curl_loop *loop;
	CURLM *multi; /* the loop's */
	struct ping *active;
	unsigned n;
};

const char *
ctl_reach_https_result_name(enum ctl_reach_https_result r)
{
	switch (r) {
	case CTL_REACH_HTTPS_OK:
		return "ok";
	case CTL_REACH_HTTPS_CONNECT:
		return "https_connect";
	case CTL_REACH_HTTPS_TIMEOUT:
		return "https_timeout";
	case CTL_REACH_HTTPS_STATUS:
		return "https_status";
	case CTL_REACH_HTTPS_PUBKEY:
		return "https_pubkey";
	case CTL_REACH_HTTPS_SHUTDOWN:
		return "shutdown";
	}
	return "?";
}

/* CURLOPT_HEADERFUNCTION: one header line; only the key header matters. */
static size_t
on_header(char *line, size_t size, size_t nitems, void *arg)
{
	static const char name[] = CTL_HTTP_PUBKEY_HEADER ":";
	struct ping *q = arg;
	size_t n = size * nitems, vlen, elen = strlen(q->expect);
	const char *v;

	if (n < sizeof(name) - 1 || strncasecmp(line, name, sizeof(name) - 1) != 0)
		return n;
	v = line + sizeof(name) - 1;
	vlen = n - (sizeof(name) - 1);
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
		vlen--;
	q->key_ok = vlen == elen && sodium_memcmp(v, q->expect, elen) == 0;
	return n;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb; /* the body is empty and means nothing */
}

static void
unlink_ping(struct ctl_reach_https *h, struct ping *q)
{
	curl_multi_remove_handle(h->multi, q->easy);
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		h->active = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	h->n--;
}

static void
finish(struct ctl_reach_https *h, struct ping *q, CURLcode rc)
{
	enum ctl_reach_https_result r = CTL_REACH_HTTPS_CONNECT;
	long status = 0;

	unlink_ping(h, q);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		r = CTL_REACH_HTTPS_TIMEOUT;
	else if (rc == CURLE_OK) {
		curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &status);
		r = status != 200 ? CTL_REACH_HTTPS_STATUS
		    : q->key_ok	  ? CTL_REACH_HTTPS_OK
				  : CTL_REACH_HTTPS_PUBKEY;
	}
	q->done(q->arg, r);
	curl_easy_cleanup(q->easy);
	free(q);
}

/* ctl_curl_loop_done_fn: a ping ended. */
static void
on_done(void *arg, CURL *easy, CURLcode rc)
{
	struct ping *q = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&q);
	finish(arg, q, rc);
}

struct ctl_reach_https *
ctl_reach_https_new(struct event_base *base)
{
	struct ctl_reach_https *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->loop = ctl_curl_loop_new(base, on_done, h);
	if (h->loop == NULL) {
		free(h);
		return NULL;
	}
	h->multi = ctl_curl_loop_multi(h->loop);
	return h;
}

void
ctl_reach_https_free(struct ctl_reach_https *h)
{
	if (h == NULL)
		return;
	while (h->active != NULL) {
		struct ping *q = h->active;

		unlink_ping(h, q);
		q->done(q->arg, CTL_REACH_HTTPS_SHUTDOWN);
		curl_easy_cleanup(q->easy);
		free(q);
	}
	ctl_curl_loop_free(h->loop);
	free(h);
}

static int
setup(struct ping *q, const char *url, uint64_t timeout_ms)
{
	CURL *e = q->easy;
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_URL, url);
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never an environment proxy */
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* a new connection every time: a kept-alive one would pass while the node no
	 * longer accepts any */
	bad |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_POST, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	bad |= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, "");
	/* self-signed certificates: the key header is what proves the node (as SS) */
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, q);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, q);
	return bad ? -ENOMEM : 0;
}

int
ctl_reach_https_ping(struct ctl_reach_https *h, uint32_t ip, uint16_t port,
		     const uint8_t ed25519[32], uint64_t timeout_ms, ctl_reach_https_done_fn *done,
		     void *arg)
{
	char url[64];
	struct ping *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->easy = curl_easy_init()) == NULL) {
		free(q);
		return -ENOMEM;
	}
	q->h = h;
	q->done = done;
	q->arg = arg;
	sodium_bin2base64(q->expect, sizeof(q->expect), ed25519, 32,
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(url, sizeof(url), "https://%u.%u.%u.%u:%u/ping_test/v1", ip >> 24, ip >> 16 & 0xff,
		 ip >> 8 & 0xff, ip & 0xff, (unsigned)port);
	if (setup(q, url, timeout_ms) != 0 ||
	    curl_multi_add_handle(h->multi, q->easy) != CURLM_OK) {
		curl_easy_cleanup(q->easy);
		free(q);
		return -ENOMEM;
	}
	q->next = h->active;
	if (h->active != NULL)
		h->active->prev = q;
	h->active = q;
	h->n++;
	return 0;
}

unsigned
ctl_reach_https_active(const struct ctl_reach_https *h)
{
	return h->n;
}
