/* SPDX-License-Identifier: MIT */
/*
 * HOME/groups/G/group.json: a group's state (client/group.h's JSON), the
 * directories 0700 and the file 0600 (it holds the group seed or the member's
 * auth data and the group keys). Replaced atomically (a temporary file renamed).
 */
#ifndef CLI_GROUP_FILE_H
#define CLI_GROUP_FILE_H

#include <stdbool.h>

#include "error.h"
#include "group.h"

/* create: the group must not exist yet (SCL_E_ACCOUNT "already exists"). */
int cli_group_save(const char *home, const struct scl_group *g, bool create, struct scl_error *err);

/* SCL_E_ACCOUNT "unknown group" when it does not exist. */
int cli_group_load(const char *home, const char *name, struct scl_group *g, struct scl_error *err);

#endif
