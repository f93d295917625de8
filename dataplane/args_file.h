/* SPDX-License-Identifier: MIT */
/*
 * The dataplane's config file (--config-file FILE): the application options
 * as "key = value" lines, keys being the long option names that take a value
 * (ip, nodes, gateway-mac, data-dir, cell-port, stats-interval, channel,
 * portmask, config). '#' starts a comment (so values cannot hold one), blank
 * lines are ignored, spaces around key and value are trimmed. Options on the
 * command line override the file's.
 */
#ifndef DP_ARGS_FILE_H
#define DP_ARGS_FILE_H

#include <stddef.h>

enum {
	DP_ARGS_FILE_MAX = 65536,   /* bytes of a config file */
	DP_ARGS_FILE_LINE_MAX = 512 /* bytes of a line, newline included */
};

/* Reads path whole into *text (malloc'd, NUL-terminated). 0, or -1 with err filled. */
int dp_args_file_read(const char *path, char **text, char *err, size_t errlen);

/* One "key = value": 0, or -1 with *why set (the caller adds the location). */
typedef int dp_args_file_set_fn(void *arg, const char *key, const char *value, const char **why);

/*
 * Splits text (in place: keys and values become NUL-terminated strings inside
 * it) and calls set for each line in order. 0, or -1 with "NAME:LINE: reason"
 * in err.
 */
int dp_args_file_parse(char *text, const char *name, dp_args_file_set_fn *set, void *arg, char *err,
		       size_t errlen);

#endif
