/* SPDX-License-Identifier: MIT */
/* libevent loop and signals for snode-control (see loop.h). */
#include "loop.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <string.h>

#include "log.h"
#include "sd_notify.h"

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct ctl_loop *l = arg;

	(void)what;
	if (sig == SIGHUP) {
		l->hups++;
		ctl_log(CTL_LOG_NOTICE,
			"SIGHUP received: configuration reload is not implemented yet, keeping "
			"the running configuration");
		return;
	}
	ctl_log(CTL_LOG_NOTICE, "%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	l->stop_signal = (int)sig;
	event_base_loopbreak(l->base);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ctl_sd_notify("WATCHDOG=1");
}

int
ctl_loop_init(struct ctl_loop *l, uint64_t watchdog_usec)
{
	memset(l, 0, sizeof(*l));
	signal(SIGPIPE, SIG_IGN);
	l->base = event_base_new();
	if (l->base == NULL)
		return -ENOMEM;
	l->sig_int = evsignal_new(l->base, SIGINT, on_signal, l);
	l->sig_term = evsignal_new(l->base, SIGTERM, on_signal, l);
	l->sig_hup = evsignal_new(l->base, SIGHUP, on_signal, l);
	if (l->sig_int == NULL || l->sig_term == NULL || l->sig_hup == NULL ||
	    evsignal_add(l->sig_int, NULL) != 0 || evsignal_add(l->sig_term, NULL) != 0 ||
	    evsignal_add(l->sig_hup, NULL) != 0)
		goto fail;
	if (watchdog_usec > 0) {
		struct timeval tv = {.tv_sec = (time_t)(watchdog_usec / 2 / 1000000),
				     .tv_usec = (suseconds_t)(watchdog_usec / 2 % 1000000)};
		l->watchdog = event_new(l->base, -1, EV_PERSIST, on_watchdog, l);
		if (l->watchdog == NULL || event_add(l->watchdog, &tv) != 0)
			goto fail;
	}
	return 0;
fail:
	ctl_loop_free(l);
	return -ENOMEM;
}

int
ctl_loop_run(struct ctl_loop *l)
{
	return event_base_dispatch(l->base) < 0 ? -EIO : 0;
}

void
ctl_loop_stop(struct ctl_loop *l)
{
	event_base_loopbreak(l->base);
}

void
ctl_loop_free(struct ctl_loop *l)
{
	struct event *evs[] = {l->sig_int, l->sig_term, l->sig_hup, l->watchdog};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	if (l->base != NULL)
		event_base_free(l->base);
	memset(l, 0, sizeof(*l));
}
