/* SPDX-License-Identifier: MIT */
/*
 * snode-control's event loop: a libevent base with the process signals wired
 * in. SIGINT/SIGTERM stop the loop (graceful stop: the caller then sends
 * STOPPING=1 and tears down in reverse start order); SIGHUP is logged (reload
 * comes later); SIGPIPE is ignored so a closed socket is an error return, not
 * a death. When systemd asks for a watchdog, WATCHDOG=1 goes out every half
 * period.
 */
#ifndef CTL_LOOP_H
#define CTL_LOOP_H

#include <stdint.h>

struct event_base;
struct event;

struct ctl_loop {
	struct event_base *base;
	struct event *sig_int, *sig_term, *sig_hup, *watchdog;
	int stop_signal; /* the signal that stopped the loop, 0 if none */
	unsigned hups;	 /* SIGHUPs seen */
};

/* watchdog_usec: 0 for none. Returns 0 or -ENOMEM. */
int ctl_loop_init(struct ctl_loop *l, uint64_t watchdog_usec);
/* Runs until stopped; returns 0, or -EIO if libevent fails. */
int ctl_loop_run(struct ctl_loop *l);
void ctl_loop_stop(struct ctl_loop *l);
void ctl_loop_free(struct ctl_loop *l);

#endif
