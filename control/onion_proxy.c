/* SPDX-License-Identifier: MIT */
#include "onion_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "curl_loop.h"
#include "onion_route.h"

struct proxy_req {
	struct ctl_proxy *proxy;
	CURL *easy;
	ctl_proxy_done_fn *done;
	void *arg;
	uint8_t *buf;
	size_t len, cap;
	bool too_large, refused;
	char errbuf[CURL_ERROR_SIZE];
	struct proxy_req *prev, *next;
};

struct ctl_proxy {
	struct ctl_proxy_conf conf;
	struct ctl_curl_loop *loop;
	CURLM *multi; /* the loop's */
	struct curl_slist *headers;
	struct proxy_req *active;
	struct ctl_proxy_stats st;
};

/* ---- which addresses a public exit may reach ---- */

static bool
v4_public(uint32_t a) /* host order */
{
	static const struct {
		uint32_t net, mask;
	} special[] = {
		{0x00000000, 0xff000000}, /* 0/8 "this network" */
		{0x0a000000, 0xff000000}, /* 10/8 */
		{0x64400000, 0xffc00000}, /* 100.64/10 shared (CGN) */
		{0x7f000000, 0xff000000}, /* 127/8 loopback */
		{0xa9fe0000, 0xffff0000}, /* 169.254/16 link-local */
		{0xac100000, 0xfff00000}, /* 172.16/12 */
		{0xc0000000, 0xffffff00}, /* 192.0.0/24 IETF */
		{0xc0000200, 0xffffff00}, /* 192.0.2/24 documentation */
		{0xc0a80000, 0xffff0000}, /* 192.168/16 */
		{0xc6120000, 0xfffe0000}, /* 198.18/15 benchmarking */
		{0xc6336400, 0xffffff00}, /* 198.51.100/24 documentation */
		{0xcb007100, 0xffffff00}, /* 203.0.113/24 documentation */
		{0xe0000000, 0xe0000000}, /* 224/3: multicast, reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if ((a & special[i].mask) == special[i].net)
			return false;
	return true;
}

static bool
v6_public(const uint8_t b[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t zero[15] = {0};

	if (memcmp(b, mapped, 12) == 0) /* ::ffff:a.b.c.d: the IPv4 rules */
		return v4_public((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
				 (uint32_t)b[14] << 8 | b[15]);
	if (memcmp(b, zero, 15) == 0) /* :: and ::1 */
		return false;
	if ((b[0] & 0xfe) == 0xfc || b[0] == 0xff) /* fc00::/7 unique local, ff00::/8 multicast */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
		return false;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 */
		return false;
	if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) /* 64:ff9b::/96 NAT64 */
		return false;
	return true;
}

bool
ctl_proxy_address_public(const void *sockaddr)
{
	const struct sockaddr *sa = sockaddr;

	if (sa->sa_family == AF_INET)
		return v4_public(ntohl(((const struct sockaddr_in *)sockaddr)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return v6_public(((const struct sockaddr_in6 *)sockaddr)->sin6_addr.s6_addr);
	return false;
}

/* ---- the URL ---- */

int
ctl_proxy_url(const struct snc_route *r, char *out, size_t outlen)
{
	uint16_t def = r->https ? 443 : 80;
	int n;

	if (!snc_route_proxy_url_ok(r))
		return -EINVAL;
	if (r->port == def)
		n = snprintf(out, outlen, "%s://%s%s", r->https ? "https" : "http", r->host,
			     r->target);
	else
		n = snprintf(out, outlen, "%s://%s:%u%s", r->https ? "https" : "http", r->host,
			     (unsigned)r->port, r->target);
	return n > 0 && (size_t)n < outlen ? 0 : -EINVAL;
}

/* ---- libcurl callbacks ---- */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct proxy_req *q = arg;
	size_t n = size * nmemb, cap;
	uint8_t *grown;

	if (n > CTL_PROXY_REPLY_MAX - q->len) {
		q->too_large = true;
		return 0; /* CURLE_WRITE_ERROR */
	}
	if (q->len + n > q->cap) {
		cap = q->cap ? q->cap : 4096;
		while (cap < q->len + n)
			cap *= 2;
		if (cap > CTL_PROXY_REPLY_MAX)
			cap = CTL_PROXY_REPLY_MAX;
		grown = realloc(q->buf, cap);
		if (grown == NULL)
			return 0;
		q->buf = grown;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, data, n);
	q->len += n;
	return n;
}

static curl_socket_t
on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct proxy_req *q = arg;

	(void)purpose;
	if (!q->proxy->conf.allow_private && !ctl_proxy_address_public(&a->addr)) {
		q->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static void
finish(struct ctl_proxy *p, struct proxy_req *q, CURLcode rc)
{
	long status = 0;
	const char *text = NULL;
	char msg[CURL_ERROR_SIZE + 32];

	curl_multi_remove_handle(p->multi, q->easy);
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		p->active = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	p->st.active--;
	if (rc == CURLE_OK)
		curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && status >= 100 && status <= 999) {
		p->st.answered++;
		q->done(q->arg, (int)status, q->buf, q->len);
	} else {
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			p->st.timeouts++;
			q->done(q->arg, 504, (const uint8_t *)"Proxy request timed out", 23);
			goto out;
		}
		if (q->refused) {
			p->st.refused_address++;
			text = "Proxy target address not allowed";
		} else if (q->too_large) {
			text = "Proxy response too large";
		} else {
			text = q->errbuf[0] != '\0' ? q->errbuf : curl_easy_strerror(rc);
		}
		p->st.failed++;
		snprintf(msg, sizeof(msg), "%s", text);
		q->done(q->arg, 502, (const uint8_t *)msg, strlen(msg));
	}
out:
	curl_easy_cleanup(q->easy);
	free(q->buf);
	free(q);
}

/* ctl_curl_loop_done_fn: a transfer ended. */
static void
on_done(void *arg, CURL *easy, CURLcode rc)
{
	struct proxy_req *q = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&q);
	finish(arg, q, rc);
}

/* ---- life cycle ---- */

struct ctl_proxy *
ctl_proxy_new(const struct ctl_proxy_conf *conf, char *err, size_t errlen)
{
	struct ctl_proxy *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(err, errlen, "proxy: out of memory");
		return NULL;
	}
	p->conf = *conf;
	if (p->conf.timeout_ms == 0)
		p->conf.timeout_ms = CTL_PROXY_TIMEOUT_MS;
	if (p->conf.max_active == 0)
		p->conf.max_active = CTL_PROXY_MAX_ACTIVE;
	p->loop = ctl_curl_loop_new(conf->base, on_done, p);
	/* no "Expect: 100-continue" round trip before large bodies */
	p->headers = curl_slist_append(NULL, "Expect:");
	if (p->loop == NULL || p->headers == NULL) {
		snprintf(err, errlen, "proxy: cannot initialise libcurl (or out of memory)");
		ctl_proxy_free(p);
		return NULL;
	}
	p->multi = ctl_curl_loop_multi(p->loop);
	return p;
}

void
ctl_proxy_free(struct ctl_proxy *p)
{
	static const char text[] = "server shutting down";

	if (p == NULL)
		return;
	while (p->active != NULL) {
		struct proxy_req *q = p->active;

		p->active = q->next;
		curl_multi_remove_handle(p->multi, q->easy);
		q->done(q->arg, 503, (const uint8_t *)text, sizeof(text) - 1);
		curl_easy_cleanup(q->easy);
		free(q->buf);
		free(q);
	}
	ctl_curl_loop_free(p->loop);
	curl_slist_free_all(p->headers);
	free(p);
}

static int
setup_easy(struct ctl_proxy *p, struct proxy_req *q, const char *url, const uint8_t *body,
	   size_t len)
{
	CURL *e = q->easy;
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_URL, url);
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never an environment proxy */
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)p->conf.timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_POST, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	bad |= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, (const char *)body);
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->headers);
	bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CTL_PROXY_REPLY_MAX);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, q);
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, q);
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, q->errbuf);
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, q);
	if (p->conf.tls_no_verify) {
		bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return bad ? -ENOMEM : 0;
}

int
ctl_proxy_post(struct ctl_proxy *p, const struct snc_route *r, const uint8_t *body, size_t len,
	       ctl_proxy_done_fn *done, void *arg)
{
	char url[CTL_PROXY_URL_MAX + 1];
	struct proxy_req *q;

	p->st.requests++;
	if (ctl_proxy_url(r, url, sizeof(url)) != 0) {
		p->st.bad_url++;
		return -EINVAL;
	}
	if (p->st.active >= p->conf.max_active) {
		p->st.busy++;
		return -EBUSY;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL || (q->easy = curl_easy_init()) == NULL)
		goto nomem;
	*q = (struct proxy_req){.proxy = p, .easy = q->easy, .done = done, .arg = arg};
	if (setup_easy(p, q, url, body, len) != 0 ||
	    curl_multi_add_handle(p->multi, q->easy) != CURLM_OK)
		goto nomem;
	q->next = p->active;
	if (p->active != NULL)
		p->active->prev = q;
	p->active = q;
	p->st.active++;
	return 0;
nomem:
	if (q != NULL && q->easy != NULL)
		curl_easy_cleanup(q->easy);
	free(q);
	return -ENOMEM;
}

void
ctl_proxy_stats(const struct ctl_proxy *p, struct ctl_proxy_stats *out)
{
	*out = p->st;
}
