/* SPDX-License-Identifier: MIT */
/*
 * A local unix stream socket that answers every connection with one line of
 * JSON (the node's counters, node_stats.h) and closes it: what
 * `snode-tool control-stats` and monitoring read. Mode 0600, so only the
 * node's user reads it. A stale socket file from a crashed process is
 * replaced; one another live process serves is left alone (an error).
 */
#ifndef CTL_STATS_SOCKET_H
#define CTL_STATS_SOCKET_H

#include <stddef.h>

struct event_base;

/* A malloc'd NUL-terminated text to send (a trailing newline is added), or NULL. */
typedef char *ctl_stats_text_fn(void *arg);

struct ctl_stats_socket;

/* NULL with a reason in err (path too long, in use, cannot bind). */
struct ctl_stats_socket *ctl_stats_socket_new(struct event_base *base, const char *path,
					      ctl_stats_text_fn *text, void *arg, char *err,
					      size_t errlen);

/* Stops listening, drops connections still being written, removes the file. */
void ctl_stats_socket_free(struct ctl_stats_socket *s);

#endif
