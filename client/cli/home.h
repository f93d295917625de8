/* SPDX-License-Identifier: MIT */
/*
 * snode-cli's home directory: HOME/accounts/NAME/seed holds an account's
 * Ed25519 seed as 64 hex digits (directories 0700, the file 0600, created
 * exclusively: an existing account is never overwritten); HOME/accounts/NAME/seen the
 * messages `receive --new` has shown (client/cli/seen.h).
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

/* Replaces path with len bytes of text: a unique temporary file in the same directory
 * (mkstemp, mode 0600), renamed over it, so readers see the old or the new whole file and
 * two writers never share a temporary. SCL_E_SYSTEM naming path on failure. */
int cli_file_replace(const char *path, const char *text, size_t len, struct scl_error *err);

#endif
