/* SPDX-License-Identifier: MIT */
/*
 * The registry as a file: the event log of registry.h on disk, for static
 * testnets (deploy/testnet.sh writes one) and anything that can append lines
 * to a file. Loading replays it from the first line; reloading after the
 * file changed replays only what was appended when everything read before is
 * still there byte for byte (BLAKE2b of the prefix), and from scratch
 * otherwise. Either way the result is the state a full replay gives, and a
 * file with an error changes nothing. Operators see errors as
 * "FILE:LINE: reason" (or "FILE: reason" when it cannot be read).
 *
 * Strict on what a writer can get half done: every line ends with a newline,
 * and the file ends with a block line after its last node event (a block's
 * events take effect with its block line). Write a new version to a
 * temporary file and rename it over the old one, or append whole blocks.
 */
#ifndef CTL_REGISTRY_FILE_H
#define CTL_REGISTRY_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "registry.h"

/* What stat(2) said, to notice a change without reading the file. */
struct ctl_registry_file_stamp {
	uint64_t dev, ino, size;
	struct timespec mtime;
	int err; /* errno of a failed stat, else 0 */
};

struct ctl_registry_file {
	char path[PATH_MAX];
	struct ctl_registry reg;	       /* the state after the last good load */
	uint64_t bytes;			       /* the length of the file it came from */
	uint64_t lines;			       /* and its lines */
	uint8_t digest[32];		       /* BLAKE2b-256 of those bytes */
	struct ctl_registry_file_stamp loaded; /* the file reg came from */
	struct ctl_registry_file_stamp seen;   /* the file last looked at (good or not) */
	uint64_t incremental, full;	       /* reloads by appended lines, by full replay */
};

/*
 * Replays path into f (initialised here; free with ctl_registry_file_free,
 * also after an error). Returns 0, or a negative errno with one line in err:
 *   -ENOENT/-EACCES/-EIO  "FILE: reason" (cannot open or read)
 *   -EINVAL/-E2BIG        "FILE:LINE: reason" (see ctl_registry_apply; also
 *                         a line longer than CTL_REGISTRY_LINE_MAX - 1, a NUL
 *                         byte, no newline at the end, events without their
 *                         block line at the end)
 *   -ENOMEM
 */
int ctl_registry_file_load(struct ctl_registry_file *f, const char *path, char *err, size_t errlen);

/*
 * Checks the file against the last look (inode, size, mtime to the
 * nanosecond) and replays it when it changed. *changed: true when f->reg was
 * replaced. Returns 0 when the file is unchanged or was reloaded; a negative
 * errno as ctl_registry_file_load, f->reg untouched, the first time a given
 * version of the file (or stat error) fails: it is not retried, nor reported
 * again, until the file changes again (-ENOMEM is retried at the next call).
 */
int ctl_registry_file_reload(struct ctl_registry_file *f, bool *changed, char *err, size_t errlen);

void ctl_registry_file_free(struct ctl_registry_file *f);

#endif
