/* SPDX-License-Identifier: MIT */
/*
 * systemd readiness and watchdog notifications without libsystemd: one
 * datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an
 * abstract name written with a leading '@'). Operators see the results as
 * the unit's state (Type=notify), `systemctl status` (STATUS=) and watchdog
 * restarts (WatchdogSec=).
 */
#ifndef CTL_SD_NOTIFY_H
#define CTL_SD_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", "STATUS=...", "STOPPING=1", "WATCHDOG=1", several
 * separated by '\n'). Returns 1 when sent, 0 when $NOTIFY_SOCKET is unset
 * (not under systemd), or a negative errno (-EINVAL for a bad socket name). */
int ctl_sd_notify(const char *state);

int ctl_sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The watchdog period systemd asks for ($WATCHDOG_USEC, when $WATCHDOG_PID is
 * unset or this process), in microseconds; 0 when there is none. */
uint64_t ctl_sd_notify_watchdog_usec(void);

#endif
