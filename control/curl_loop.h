/* SPDX-License-Identifier: MIT */
/*
 * libcurl's multi interface on the libevent loop: the sockets and the timer curl asks for are
 * libevent events, and every finished transfer is handed to one callback. Shared by the exit's
 * proxy to HTTP(S) servers (onion_proxy.c) and the HTTPS leg of reachability tests
 * (reach_https.c); each owns its easy handles (CURLOPT_PRIVATE finds their request).
 */
#ifndef CTL_CURL_LOOP_H
#define CTL_CURL_LOOP_H

#include <curl/curl.h>
#include <event2/event.h>

/* A finished transfer: still in the multi handle (the callback removes it). */
typedef void ctl_curl_loop_done_fn(void *arg, CURL *easy, CURLcode result);

struct ctl_curl_loop;

/* NULL when libcurl or memory fails. */
struct ctl_curl_loop *ctl_curl_loop_new(struct event_base *base, ctl_curl_loop_done_fn *done,
					void *arg);

/* The multi handle transfers are added to (curl_multi_add_handle) and removed from. */
CURLM *ctl_curl_loop_multi(struct ctl_curl_loop *l);

/* Frees the loop; the owner has removed its transfers first. NULL is a no-op. */
void ctl_curl_loop_free(struct ctl_curl_loop *l);

#endif
