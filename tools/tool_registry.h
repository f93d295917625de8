/* SPDX-License-Identifier: MIT */
/* snode-tool's registry writers (cmd_registry.c, cmd_chain.c). */
#ifndef TOOL_REGISTRY_H
#define TOOL_REGISTRY_H

#include <stddef.h>

/* Reads at most CTL_REGISTRY_APPEND_LINES_MAX lines of at most 511 bytes from
 * path (stdin when NULL). TOOL_EXIT_OK or a failure already printed. */
int tool_registry_read_lines(const char *cmd, const char *path, char ***lines, size_t *n);

int tool_cmd_registry(int argc, char **argv);
int tool_cmd_chain(int argc, char **argv);

#endif
