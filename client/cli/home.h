/* SPDX-License-Identifier: MIT */
/*
 * snode-cli's home directory: HOME/accounts/NAME/seed holds an account's
 * Ed25519 seed as 64 hex digits (directories 0700, the file 0600, created
 * exclusively: an existing account is never overwritten); HOME/accounts/NAME/last_hash
 * the hash of the newest message `receive --new` has shown (namespace 0).
 */
#ifndef CLI_HOME_H
#define CLI_HOME_H

#include <stdint.h>

#include "error.h"
#include "identity.h"

enum {
	CLI_NAME_MAX = 64
};

/* --home, else $SNODE_CLI_HOME, else $HOME/.snode-cli; NULL when none is set. */
const char *cli_home(const char *opt, char *buf, size_t cap);

/* Letters, digits, '.', '_', '-'; 1..64; not starting with '.'. */
int cli_name_check(const char *name, struct scl_error *err);

/* Creates the account; SCL_E_ACCOUNT if it exists or cannot be written. */
int cli_account_save(const char *home, const char *name, const uint8_t seed[32],
		     struct scl_error *err);

/* Loads it; SCL_E_ACCOUNT "unknown account" when it does not exist. */
int cli_account_load(const char *home, const char *name, struct snc_identity *id,
		     struct scl_error *err);

/* The account's last hash into out (43 characters + NUL); "" when there is none.
 * SCL_E_ACCOUNT when the file exists but holds no valid message hash. */
int cli_last_hash_load(const char *home, const char *name, char out[48], struct scl_error *err);

/* Replaces it (a temporary file renamed over it). */
int cli_last_hash_save(const char *home, const char *name, const char *hash, struct scl_error *err);

#endif
