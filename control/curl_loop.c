/* SPDX-License-Identifier: MIT */
/* libcurl's multi interface on the libevent loop (see curl_loop.h). */
#include "curl_loop.h"

#include <stdlib.h>

struct ctl_curl_loop {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	ctl_curl_loop_done_fn *done;
	void *arg;
};

static void
check_done(struct ctl_curl_loop *l)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(l->multi, &left)) != NULL) {
		if (m->msg == CURLMSG_DONE)
			l->done(l->arg, m->easy_handle, m->data.result);
	}
}

static void
on_socket_event(evutil_socket_t fd, short events, void *arg)
{
	struct ctl_curl_loop *l = arg;
	int running, flags = 0;

	if (events & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (events & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(l->multi, fd, flags, &running);
	check_done(l);
}

static void
on_timer(evutil_socket_t fd, short events, void *arg)
{
	struct ctl_curl_loop *l = arg;
	int running;

	(void)fd;
	(void)events;
	curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(l);
}

/* CURLMOPT_SOCKETFUNCTION: one persistent event per socket curl watches. */
static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct ctl_curl_loop *l = userp;
	struct event *ev = socketp;
	short kind = EV_PERSIST;

	(void)easy;
	if (ev != NULL)
		event_free(ev);
	if (what == CURL_POLL_REMOVE) {
		curl_multi_assign(l->multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	ev = event_new(l->base, s, kind, on_socket_event, l);
	if (ev == NULL || event_add(ev, NULL) != 0) {
		if (ev != NULL)
			event_free(ev);
		curl_multi_assign(l->multi, s, NULL);
		return -1;
	}
	curl_multi_assign(l->multi, s, ev);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION */
static int
on_timeout_change(CURLM *multi, long timeout_ms, void *userp)
{
	struct ctl_curl_loop *l = userp;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

	(void)multi;
	if (timeout_ms < 0)
		return evtimer_del(l->timer);
	return evtimer_add(l->timer, &tv);
}

struct ctl_curl_loop *
ctl_curl_loop_new(struct event_base *base, ctl_curl_loop_done_fn *done, void *arg)
{
	struct ctl_curl_loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(l);
		return NULL;
	}
	l->base = base;
	l->done = done;
	l->arg = arg;
	l->multi = curl_multi_init();
	l->timer = evtimer_new(base, on_timer, l);
	if (l->multi == NULL || l->timer == NULL) {
		ctl_curl_loop_free(l);
		return NULL;
	}
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timeout_change);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	return l;
}

CURLM *
ctl_curl_loop_multi(struct ctl_curl_loop *l)
{
	return l->multi;
}

void
ctl_curl_loop_free(struct ctl_curl_loop *l)
{
	if (l == NULL)
		return;
	if (l->multi != NULL)
		curl_multi_cleanup(l->multi);
	if (l->timer != NULL)
		event_free(l->timer);
	curl_global_cleanup();
	free(l);
}
