/* SPDX-License-Identifier: MIT */
/*
 * What `receive --new` has already shown: HOME/accounts/NAME/seen, one line per message,
 * "HASH EXPIRY_MS". A set of hashes rather than retrieve's last_hash, because every retrieve
 * goes to a random swarm member and each member orders its messages by its own arrival
 * (catch-up inserts late): a hash from one member can skip messages on another. Entries go
 * when their message expires; the file holds at most CLI_SEEN_MAX of them (the soonest to
 * expire go first). A lock file (flock) keeps two `receive --new` of one account in turn.
 */
#ifndef CLI_SEEN_H
#define CLI_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	CLI_SEEN_MAX = 10000, /* entries kept */
	CLI_SEEN_HASH = 43,   /* characters of a message hash */
};

struct cli_seen_entry {
	char hash[CLI_SEEN_HASH + 1];
	uint64_t expiry_ms;
};

struct cli_seen {
	struct cli_seen_entry *v;
	size_t n, cap;
	int lock_fd;
	char path[4096];
};

/* Locks and loads the account's file (missing: empty). SCL_E_ACCOUNT naming the file when
 * a line is not "HASH EXPIRY_MS"; SCL_E_SYSTEM when it cannot be read or locked. */
int cli_seen_open(struct cli_seen *s, const char *home, const char *account, struct scl_error *err);

bool cli_seen_has(const struct cli_seen *s, const char *hash);

/* Adds hash (when valid and not there); -ENOMEM. */
int cli_seen_add(struct cli_seen *s, const char *hash, uint64_t expiry_ms);

/* Drops the expired entries, keeps the CLI_SEEN_MAX latest to expire, writes the file. */
int cli_seen_save(struct cli_seen *s, uint64_t now_ms, struct scl_error *err);

/* Unlocks and frees (after a save or not). */
void cli_seen_close(struct cli_seen *s);

#endif
