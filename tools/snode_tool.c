/* SPDX-License-Identifier: MIT */
/*
 * snode-tool: operator and test CLI over libsnc. `snode-tool help` lists the
 * subcommands; docs/snode-tool.md describes each one with examples.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "snc.h"
#include "x25519.h"
#include "snode_version.h"
#include "tool.h"
#include "cmd_gen_pcap.h"
#include "tool_registry.h"

struct tool_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct tool_cmd tool_cmds[] = {
	{"keygen", tool_cmd_keygen, "create a node identity (Ed25519 seed, mode 0600)"},
	{"id", tool_cmd_id, "print the node's Ed25519, X25519 and 05-prefixed keys as JSON"},
	{"onion-encrypt", tool_cmd_onion_encrypt,
	 "encrypt one onion layer to a node (client side)"},
	{"onion-decrypt", tool_cmd_onion_decrypt, "decrypt one onion layer (node side)"},
	{"onion-build", tool_cmd_onion_build, "build a whole onion request for a path"},
	{"onion-peel", tool_cmd_onion_peel, "peel one layer and say what the hop does next"},
	{"onion-reply-seal", tool_cmd_onion_reply_seal, "encrypt a destination's reply"},
	{"onion-reply-open", tool_cmd_onion_reply_open, "decrypt a destination's reply"},
	{"session-encrypt", tool_cmd_session_encrypt, "encrypt a Session 1:1 message (test tool)"},
	{"session-decrypt", tool_cmd_session_decrypt, "decrypt a Session 1:1 message (test tool)"},
	{"group-encrypt", tool_cmd_group_encrypt, "encrypt a groups v2 message (test tool)"},
	{"group-decrypt", tool_cmd_group_decrypt, "decrypt a groups v2 message (test tool)"},
	{"msg-hash", tool_cmd_msg_hash, "storage message hash of a pubkey, namespace and data"},
	{"swarm-point", tool_cmd_swarm_point, "a pubkey's point in swarm space"},
	{"closest-swarm", tool_cmd_closest_swarm, "the swarm that stores a pubkey"},
	{"verify-storage-sig", tool_cmd_verify_storage_sig, "verify a storage RPC signature"},
	{"subaccount-check", tool_cmd_subaccount_check, "check a subaccount token for an account"},
	{"blind15-id", tool_cmd_blind15_id, "15-blinded community IDs of a Session ID"},
	{"blind25-id", tool_cmd_blind25_id, "25-blinded community ID of a Session ID"},
	{"gen-pcap", tool_cmd_gen_pcap, "pcap of client cells for a node under test (load tests)"},
	{"control-stats", tool_cmd_control_stats, "a running snode-control's counters as JSON"},
	{"registry", tool_cmd_registry,
	 "append to / submit to / show a registry log (file or Redis)"},
	{"chain", tool_cmd_chain, "chain run: a testnet block producer over a registry log"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: snode-tool <command> [options]   (snode %s)\n\ncommands:\n",
		SNODE_VERSION);
	for (size_t i = 0; i < sizeof(tool_cmds) / sizeof(tool_cmds[0]); i++)
		fprintf(f, "  %-18s %s\n", tool_cmds[i].name, tool_cmds[i].help);
	fprintf(f, "\n'snode-tool <command> --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	/* Redis and the stats socket may close first: an error, not the end of the process. */
	signal(SIGPIPE, SIG_IGN);
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
		fprintf(stderr, "snode-tool: crypto init failed: %s\n", snc_init_error());
		return TOOL_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(tool_cmds) / sizeof(tool_cmds[0]); i++)
		if (strcmp(argv[1], tool_cmds[i].name) == 0)
			return tool_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "snode-tool: unknown command '%s' ('snode-tool help' lists them)\n",
		argv[1]);
	return TOOL_EXIT_USAGE;
}
