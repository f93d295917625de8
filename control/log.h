/* SPDX-License-Identifier: MIT */
/*
 * snode-control's log: one line per event on stderr. Under systemd (when
 * $JOURNAL_STREAM is set) each line starts with the sd-daemon "<N>" priority
 * prefix so that journald files it at the right level (`journalctl -p`).
 * Lines are cut at CTL_LOG_LINE_MAX and control characters are replaced, so
 * one event is one line. Callers never pass keys, seeds or message data:
 * there is no hex/base64 helper here on purpose. The rate-limited variant
 * keeps a flood (a client hammering a bad request) to a burst per interval
 * and says how many lines it dropped.
 */
#ifndef CTL_LOG_H
#define CTL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* syslog(3) priorities, as the "<N>" prefix carries them. */
enum ctl_log_level {
	CTL_LOG_ERR = 3,
	CTL_LOG_WARNING = 4,
	CTL_LOG_NOTICE = 5,
	CTL_LOG_INFO = 6,
	CTL_LOG_DEBUG = 7,
};

enum {
	CTL_LOG_LINE_MAX = 1024, /* bytes of one line, prefix and newline included */
};

/* "error", "warn"/"warning", "notice", "info", "debug". Returns 0 or -EINVAL. */
int ctl_log_level_parse(const char *s, enum ctl_log_level *out);
const char *ctl_log_level_name(enum ctl_log_level l);

/* Lines above level are dropped. Default: info. */
void ctl_log_set_level(enum ctl_log_level level);
/* Where lines go (default stderr) and whether they carry "<N>" (default: when
 * $JOURNAL_STREAM is set, read at the first line). */
void ctl_log_set_output(FILE *f, bool sd_prefix);

void ctl_log(enum ctl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A rate limit: at most burst lines per interval_ms. Zero-initialise the
 * counters; set interval_ms and burst. */
struct ctl_log_rl {
	uint64_t interval_ms;
	uint32_t burst;
	uint64_t window_start_ms;
	uint32_t in_window;
	uint32_t suppressed;
};

/* Logs like ctl_log unless rl's budget for the current window is spent. The
 * first line of a new window after drops ends with "(N similar lines
 * suppressed)". now_ms: a monotonic clock. Returns true when it logged. */
bool ctl_log_rl(struct ctl_log_rl *rl, uint64_t now_ms, enum ctl_log_level level, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

#endif
