/* SPDX-License-Identifier: MIT */
/*
 * The registry in Redis: the event log of registry.h as a Redis list, one
 * line per entry (RPUSH), at a configurable key on a configurable Redis (a
 * unix socket or host:port; it may be another server than the node's storage
 * Redis), for a shared testnet whose log grows while nodes run. Writers append
 * with `snode-tool registry append` or `snode-tool chain run`
 * (registry_append.h), whole blocks at a time with a check of the list's
 * length, so a reader never sees half a block from them.
 *
 * A list, not a stream: entries are addressed by their line number (LRANGE
 * from the first unread one), the append check is "the length is still N",
 * and the entries are the file's lines unchanged, so both sources share one
 * format and one line numbering in errors ("redis:ADDR/KEY:LINE: reason").
 *
 * Reading is incremental, as for the file: a reload asks Redis for the length
 * and last entry (cheap) and, when they changed, reads only the entries after
 * the ones already replayed, in one Lua call that also checks that those are
 * still there byte for byte (SHA-1, computed by Redis, of the entries each
 * followed by a newline: the bytes a file of the same lines would hold). A
 * list that shrank or whose prefix changed is replayed from its first entry.
 * Every CTL_REGISTRY_REDIS_DEEP_POLLS reloads the prefix is checked even when
 * the length and last entry did not change (an LSET in the middle).
 * SHA-1 detects changes here, it authenticates nothing: whoever can write the
 * key decides the states anyway (quorum records are not verified yet).
 */
#ifndef CTL_REGISTRY_REDIS_H
#define CTL_REGISTRY_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

enum {
	CTL_REGISTRY_REDIS_ADDR_MAX = 256, /* bytes of a socket path or host:port, NUL included */
	CTL_REGISTRY_REDIS_KEY_MAX = 128,  /* bytes of a key, NUL included */
	CTL_REGISTRY_REDIS_CHUNK = 1024,   /* entries read per Lua call */
	CTL_REGISTRY_REDIS_LINES_MAX = 1 << 20, /* entries replayed at most (1,048,576) */
	CTL_REGISTRY_REDIS_DEEP_POLLS = 30,	/* a full prefix check every N reloads */
	CTL_REGISTRY_REDIS_BACKOFF_MAX = 16,	/* reloads skipped at most while Redis is down */
};

/* What the cheap probe saw: the list's length and last entry. */
struct ctl_registry_redis_seen {
	bool valid;
	uint64_t len;
	char tail[CTL_REGISTRY_LINE_MAX + 1]; /* longer entries are cut: still compared by len */
	size_t tail_len;
	char digest[41]; /* SHA-1 hex of every entry, "" when not known */
};

struct ctl_registry_redis {
	char addr[CTL_REGISTRY_REDIS_ADDR_MAX];
	char key[CTL_REGISTRY_REDIS_KEY_MAX];
	char name[CTL_REGISTRY_REDIS_ADDR_MAX + CTL_REGISTRY_REDIS_KEY_MAX +
		  8];			     /* redis:ADDR/KEY */
	unsigned chunk;			     /* entries per read call (tests make it small) */
	int timeout_ms;			     /* per connect and call */
	struct redisContext *conn;	     /* NULL while not connected */
	struct ctl_registry reg;	     /* the state after the last good load */
	uint64_t lines;			     /* entries it came from */
	char digest[41];		     /* SHA-1 hex of those entries, each + "\n" */
	struct ctl_registry_redis_seen seen; /* the list last looked at (good or not) */
	uint64_t polls;			     /* reloads asked */
	uint64_t incremental, full;	     /* reloads by appended entries, by full replay */
	uint64_t redis_errors;		     /* calls that failed: Redis down or erring */
	uint64_t outages;		     /* times Redis went from answering to not */
	bool down;			     /* the last call failed */
	unsigned skip, backoff;		     /* reloads to skip while down, next backoff */
};

/*
 * Replays the list at key on the Redis at addr from its first entry into r
 * (initialised here; free with ctl_registry_redis_free, also after an error).
 * Returns 0, or a negative errno with one line in err:
 *   -ECONNREFUSED  "redis at ADDR unreachable: ..." (or a call failed)
 *   -EIO           Redis answered an error (a key that is not a list, ...)
 *   -EINVAL/-E2BIG "redis:ADDR/KEY:LINE: reason" (ctl_registry_apply's, and
 *                  an entry longer than CTL_REGISTRY_LINE_MAX - 1 bytes, a NUL
 *                  byte or a newline in an entry, events without their block
 *                  line at the end, more than CTL_REGISTRY_REDIS_LINES_MAX)
 *   -ENOMEM
 * A key that does not exist is an empty log (no error).
 */
int ctl_registry_redis_load(struct ctl_registry_redis *r, const char *addr, const char *key,
			    char *err, size_t errlen);

/*
 * Looks at the list again and replays what changed (see above). *changed:
 * true when r->reg was replaced. Returns 0 when nothing changed or the new
 * state was adopted; a negative errno as ctl_registry_redis_load, r->reg
 * untouched, the first time a given version of the list fails (not reported
 * again until it changes) and the first time Redis fails after answering
 * (later failures of the same outage return 0 and count in redis_errors;
 * the reloads back off, skipping 1, 2, 4 .. CTL_REGISTRY_REDIS_BACKOFF_MAX
 * calls, and the first answer after an outage rereads the list).
 */
int ctl_registry_redis_reload(struct ctl_registry_redis *r, bool *changed, char *err,
			      size_t errlen);

/* Forgets what the last look saw, so that the next reload reads the list again. */
void ctl_registry_redis_forget(struct ctl_registry_redis *r);

void ctl_registry_redis_free(struct ctl_registry_redis *r);

#endif
