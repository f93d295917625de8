/* SPDX-License-Identifier: MIT */
#include "seed.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "node_list.h"

struct buf {
	char *p;
	size_t len;
	bool too_big;
};

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;
	char *grown;

	if (n > SCL_SEED_ANSWER_MAX - b->len) {
		b->too_big = true;
		return 0;
	}
	grown = realloc(b->p, b->len + n + 1);
	if (grown == NULL)
		return 0;
	memcpy(grown + b->len, data, n);
	b->p = grown;
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* One seed's answer body into b; -1 with the reason in err. */
static int
fetch(const char *url, int timeout_ms, bool insecure, struct buf *b, struct scl_error *err)
{
	static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"method\":"
				   "\"get_n_service_nodes\",\"params\":" SCL_NODE_LIST_PARAMS "}";
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;

	if (c == NULL || hdr == NULL) {
		curl_slist_free_all(hdr);
		if (c != NULL)
			curl_easy_cleanup(c);
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	if (insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK)
		return scl_fail(err, rc == CURLE_OPERATION_TIMEDOUT ? SCL_E_TIMEOUT : SCL_E_NODES,
				"seed %s: %s", url,
				b->too_big ? "answer too large" : curl_easy_strerror(rc));
	if (status != 200)
		return scl_fail(err, SCL_E_NODES, "seed %s: HTTP status %ld", url, status);
	return 0;
}

int
scl_seed_bootstrap(const char *const *urls, size_t n, int timeout_ms, bool insecure,
		   struct scl_nodes *ns, struct scl_error *err)
{
	struct scl_nodes first, other;
	int rc = 0;

	if (n == 0 || n > SCL_SEEDS_MAX)
		return scl_fail(err, SCL_E_USAGE, "give 1 to %d seeds", SCL_SEEDS_MAX);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return scl_fail(err, SCL_E_SYSTEM, "cannot initialise libcurl");
	scl_nodes_init(&first);
	scl_nodes_init(&other);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct buf b = {0};
		struct scl_nodes *into = i == 0 ? &first : &other;

		rc = fetch(urls[i], timeout_ms, insecure, &b, err);
		if (rc == 0)
			rc = scl_node_list_parse(into, urls[i], b.p ? b.p : "", b.len, err);
		free(b.p);
		if (rc == 0 && i > 0 && !scl_node_list_same(&first, &other))
			rc = scl_fail(err, SCL_E_NODES,
				      "seeds disagree: %s and %s gave different node lists "
				      "(%zu and %zu nodes); nothing taken",
				      urls[0], urls[i], first.n, other.n);
	}
	curl_global_cleanup();
	scl_nodes_free(&other);
	if (rc != 0) {
		scl_nodes_free(&first);
		return -1;
	}
	scl_nodes_free(ns);
	*ns = first;
	return 0;
}
