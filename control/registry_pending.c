/* SPDX-License-Identifier: MIT */
/* Pending submissions to registry lines (registry_pending.h). */
#include "registry_pending.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const EVENTS[] = {"decommission", "recommission", "deregister", "commit",
				     "reveal"};

/* The next field of s: *start and its length; 0 when there is none. */
static size_t
field(const char **s, const char **start)
{
	size_t n;

	*s += strspn(*s, " \t");
	*start = *s;
	n = strcspn(*s, " \t\r\n");
	*s += n;
	return n;
}

static int
known_event(const char *ev, size_t n)
{
	for (size_t i = 0; i < sizeof(EVENTS) / sizeof(EVENTS[0]); i++)
		if (strlen(EVENTS[i]) == n && memcmp(EVENTS[i], ev, n) == 0)
			return 1;
	return 0;
}

int
ctl_registry_pending_fill(const char *line, uint64_t height, char *out, size_t outlen)
{
	const char *s = line, *ev, *key, *star, *rest;
	size_t nev = field(&s, &ev), nkey = field(&s, &key), nstar = field(&s, &star), nrest;
	int w;

	if (nev == 0 || !known_event(ev, nev) || nkey == 0 || nstar != 1 || *star != '*')
		return -EINVAL;
	s += strspn(s, " \t");
	rest = s;
	nrest = strcspn(rest, "\r\n");
	if (nrest == 0 || rest[nrest + strspn(rest + nrest, "\r\n")] != '\0')
		return -EINVAL; /* nothing after the height, or a line break inside */
	w = snprintf(out, outlen, "%.*s %.*s %" PRIu64 " %.*s", (int)nev, ev, (int)nkey, key,
		     height, (int)nrest, rest);
	return w >= 0 && (size_t)w < outlen ? 0 : -ENOSPC;
}
