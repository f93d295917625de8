/* SPDX-License-Identifier: MIT */
/*
 * snode-tool: operator and test CLI over libsnc. `snode-tool help` lists the
 * subcommands; docs/snode-tool.md describes each one with examples.
 */
#include <stdio.h>
#include <string.h>

#include "snc.h"
#include "snode_version.h"
#include "tool.h"

struct tool_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct tool_cmd tool_cmds[] = {
	{"keygen", tool_cmd_keygen, "create a node identity (Ed25519 seed, mode 0600)"},
	{"id", tool_cmd_id, "print the node's Ed25519, X25519 and 05-prefixed keys as JSON"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: snode-tool <command> [options]   (snode %s)\n\ncommands:\n",
		SNODE_VERSION);
	for (size_t i = 0; i < sizeof(tool_cmds) / sizeof(tool_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", tool_cmds[i].name, tool_cmds[i].help);
	fprintf(f, "\n'snode-tool <command> --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return TOOL_EXIT_OK;
	}
	if (snc_init() != 0) {
		fprintf(stderr, "snode-tool: libsodium failed to initialise\n");
		return TOOL_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(tool_cmds) / sizeof(tool_cmds[0]); i++)
		if (strcmp(argv[1], tool_cmds[i].name) == 0)
			return tool_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "snode-tool: unknown command '%s' ('snode-tool help' lists them)\n",
		argv[1]);
	return TOOL_EXIT_USAGE;
}
