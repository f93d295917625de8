/* SPDX-License-Identifier: MIT */
/* snode-control logging (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static enum ctl_log_level max_level = CTL_LOG_INFO;
static FILE *out;
static int prefix = -1; /* -1: decide from $JOURNAL_STREAM at the first line */

static const struct {
	const char *name;
	enum ctl_log_level level;
} names[] = {
	{"error", CTL_LOG_ERR},	    {"warn", CTL_LOG_WARNING}, {"warning", CTL_LOG_WARNING},
	{"notice", CTL_LOG_NOTICE}, {"info", CTL_LOG_INFO},    {"debug", CTL_LOG_DEBUG},
};

int
ctl_log_level_parse(const char *s, enum ctl_log_level *level)
{
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*level = names[i].level;
			return 0;
		}
	return -EINVAL;
}

const char *
ctl_log_level_name(enum ctl_log_level l)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].level == l)
			return names[i].name;
	return "?";
}

void
ctl_log_set_level(enum ctl_log_level level)
{
	max_level = level;
}

void
ctl_log_set_output(FILE *f, bool sd_prefix)
{
	out = f;
	prefix = sd_prefix;
}

static void vlog(enum ctl_log_level level, const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void
vlog(enum ctl_log_level level, const char *suffix, const char *fmt, va_list ap)
{
	char line[CTL_LOG_LINE_MAX];
	int n = 0;

	if (level > max_level)
		return;
	if (prefix < 0)
		prefix = getenv("JOURNAL_STREAM") != NULL;
	if (prefix)
		n = snprintf(line, sizeof(line), "<%d>", (int)level);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	/* One event, one line: no newlines or escapes smuggled in by inputs. */
	for (char *p = line + n; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (suffix != NULL)
		strncat(line, suffix, sizeof(line) - strlen(line) - 2);
	strcat(line, "\n");
	fputs(line, out != NULL ? out : stderr);
	fflush(out != NULL ? out : stderr);
}

void
ctl_log(enum ctl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, NULL, fmt, ap);
	va_end(ap);
}

bool
ctl_log_rl(struct ctl_log_rl *rl, uint64_t now_ms, enum ctl_log_level level, const char *fmt, ...)
{
	char suffix[64] = "";
	va_list ap;

	if (rl->in_window == 0 || now_ms - rl->window_start_ms >= rl->interval_ms) {
		if (rl->suppressed > 0)
			snprintf(suffix, sizeof(suffix), " (%u similar lines suppressed)",
				 rl->suppressed);
		rl->window_start_ms = now_ms;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= rl->burst) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	va_start(ap, fmt);
	vlog(level, suffix[0] != '\0' ? suffix : NULL, fmt, ap);
	va_end(ap);
	return true;
}
