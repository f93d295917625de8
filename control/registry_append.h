/* SPDX-License-Identifier: MIT */
/*
 * Writing a registry log (registry_source.h): appending whole blocks, and
 * the pending queue of node events that the block producer
 * (registry_chain.h, `snode-tool chain run`) takes into its next block.
 *
 * An append is atomic against other writers: it names the log's length it
 * was validated against (a file's bytes, a list's entries: `position`) and
 * fails with -EAGAIN, writing nothing, when the log is no longer that long.
 *   file   flock(LOCK_EX) on the file, fstat size check, one write(2)
 *   redis  one Lua call: LLEN check, then RPUSH of every line
 * Readers do not lock: a file reader may see a block half written and refuse
 * that version once ("no newline at the end" / "no block line"); the next
 * change (the rest of the write) reloads it. A Redis reader never sees half.
 *
 * The pending queue: for a file PATH, the file PATH.pending (whole lines,
 * appended under flock(LOCK_EX): use ctl_registry_pending_put or
 * `snode-tool registry submit`, or `flock PATH.pending -c 'echo ... >>
 * PATH.pending'`); for redis:ADDR/KEY, the list KEY:pending (RPUSH).
 */
#ifndef CTL_REGISTRY_APPEND_H
#define CTL_REGISTRY_APPEND_H

#include <stddef.h>
#include <stdint.h>

#include "registry_source.h"

enum {
	CTL_REGISTRY_APPEND_LINES_MAX = 4096,	  /* lines in one append or put */
	CTL_REGISTRY_PENDING_BYTES_MAX = 4 << 20, /* a pending file larger is refused */
	CTL_REGISTRY_PENDING_TAKE_MAX = 1024,	  /* lines taken at most per call */
};

/* The length of the log the source's state came from (append's `position`). */
uint64_t ctl_registry_source_position(const struct ctl_registry_source *s);

/*
 * Appends lines (each without its newline; none may contain one or a NUL)
 * when the log is still `position` long. Returns 0, -EAGAIN (another writer
 * was first: reload and validate again), -EINVAL (a bad line or count), or
 * the system's error (-ENOENT, -EIO, -ECONNREFUSED, ...) with one line in err.
 */
int ctl_registry_append(const struct ctl_registry_spec *spec, uint64_t position,
			const char *const *lines, size_t n, char *err, size_t errlen);

/*
 * Takes up to max (at most CTL_REGISTRY_PENDING_TAKE_MAX) whole lines from
 * the head of the pending queue, removing them. *lines is malloc'd (free
 * with ctl_registry_lines_free), *n may be 0. A missing queue is empty; an
 * unfinished last line of a file stays there. 0 or a negative errno.
 */
int ctl_registry_pending_take(const struct ctl_registry_spec *spec, size_t max, char ***lines,
			      size_t *n, char *err, size_t errlen);

/* Appends whole lines to the tail of the pending queue. 0 or a negative errno. */
int ctl_registry_pending_put(const struct ctl_registry_spec *spec, const char *const *lines,
			     size_t n, char *err, size_t errlen);

void ctl_registry_lines_free(char **lines, size_t n);

#endif
