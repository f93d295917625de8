/* SPDX-License-Identifier: MIT */
/*
 * snode-control: the storage RPC and swarm process (docs/control.md). Start
 * order: configuration -> log -> node key -> Redis reachability -> event
 * loop -> the node (store, swarm view, RPC, dataplane channel) -> READY=1. Every refusal to start
 * is one line on stderr and exit 1 (2 for a bad command line); SIGTERM/SIGINT stop it with exit 0.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "identity.h"
#include "log.h"
#include "loop.h"
#include "node.h"
#include "redis_ping.h"
#include "sd_notify.h"
#include "snc.h"
#include "snode_version.h"

enum {
	REDIS_PING_TIMEOUT_MS = 2000, /* ms: startup check */
};

int
main(int argc, char **argv)
{
	struct ctl_config cfg;
	struct snc_identity id;
	struct ctl_loop loop;
	struct ctl_node node;
	char err[512], path[PATH_MAX + 32], pk[2 * SNC_ED25519_PK_BYTES + 1];
	int rc;

	rc = ctl_config_from_args(&cfg, argc, argv, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "snode-control: %s\n", err);
		return rc == -EINVAL ? 2 : 1;
	}
	if (cfg.help) {
		fputs(ctl_config_usage(), stdout);
		return 0;
	}
	if (cfg.version) {
		printf("snode-control %s\n", SNODE_VERSION);
		return 0;
	}
	/* keys that are valid alone but not together ([reach], [uptime]) */
	if (ctl_config_validate(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "snode-control: %s\n", err);
		return 1;
	}
	ctl_log_set_level(cfg.log_level);
	/* libsnc: libsodium, the 8-way X25519 and AES-GCM implementations, the KDF's states
	 * (the HTTP entry peels onion layers here) */
	if (snc_init() != 0) {
		ctl_log(CTL_LOG_ERR, "snode-control: crypto init failed: %s", snc_init_error());
		return 1;
	}

	snprintf(path, sizeof(path), "%s/%s", cfg.data_dir, SNC_IDENTITY_FILE);
	if (snc_identity_load(path, &id, err, sizeof(err)) != 0) {
		ctl_log(CTL_LOG_ERR, "snode-control: node key: %s", err);
		return 1;
	}
	if (ctl_redis_ping(cfg.redis, REDIS_PING_TIMEOUT_MS, err, sizeof(err)) != 0) {
		ctl_log(CTL_LOG_ERR, "snode-control: %s", err);
		snc_identity_wipe(&id);
		return 1;
	}
	if (ctl_loop_init(&loop, ctl_sd_notify_watchdog_usec()) != 0) {
		ctl_log(CTL_LOG_ERR, "snode-control: cannot create the event loop");
		snc_identity_wipe(&id);
		return 1;
	}

	if (ctl_node_start(&node, loop.base, &cfg, &id, err, sizeof(err)) != 0) {
		ctl_log(CTL_LOG_ERR, "snode-control: %s", err);
		ctl_node_stop(&node);
		ctl_loop_free(&loop);
		snc_identity_wipe(&id);
		return 1;
	}

	sodium_bin2hex(pk, sizeof(pk), id.ed25519_pk, sizeof(id.ed25519_pk));
	ctl_log(CTL_LOG_NOTICE, "snode-control %s ready: node %s, redis %s, dataplane %s%s",
		SNODE_VERSION, pk, cfg.redis, cfg.dp_socket[0] != '\0' ? cfg.dp_socket : "absent",
		cfg.testnet ? ", testnet" : "");
	ctl_sd_notifyf("READY=1\nSTATUS=ready: node %.16s..., redis %s", pk, cfg.redis);

	rc = ctl_loop_run(&loop);
	ctl_sd_notify("STOPPING=1");
	ctl_node_stop(&node);
	ctl_log(CTL_LOG_NOTICE, "snode-control stopped");
	ctl_loop_free(&loop);
	snc_identity_wipe(&id);
	return rc == 0 ? 0 : 1;
}
