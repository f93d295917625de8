/* SPDX-License-Identifier: MIT */
/*
 * snode-control configuration: an INI file (libinih) whose keys are the long
 * command-line flags, and the flags themselves, which win over the file.
 * Operators write deploy/etc/control.conf.example's keys; every error names
 * the file and line (or the flag) at fault.
 *
 *   [node]       data-dir, log-level, testnet, nodes, registry, ping-interval,
 *                vote-interval, vote-fail-after, quorum-votes,
 *                stats-socket, stats-interval
 *   [storage]    redis
 *   [rpc]        listen, http-listen, rate-burst, rate-per-s, http-timeout, onion-timeout,
 *                proxy-timeout, proxy-private, proxy-tls-verify
 *   [dataplane]  dp-socket
 *   [reach], [uptime]  reachability tests and uptime proofs (config_reach.h; file only)
 *   [storage_test]     storage-proof tests (config_stest.h; file only)
 */
#ifndef CTL_CONFIG_H
#define CTL_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "config_reach.h"
#include "config_stest.h"
#include "log.h"

#define CTL_CONFIG_DATA_DIR "/var/lib/snode"
#define CTL_CONFIG_REDIS    "/run/snode/redis.sock"
#define CTL_CONFIG_LISTEN   "0.0.0.0:22021"

enum {
	CTL_CONFIG_ADDR_MAX = 256, /* bytes of a host:port or socket path value */
};

struct ctl_config {
	char config_path[PATH_MAX]; /* "" when no file was read */
	char data_dir[PATH_MAX];
	char redis[CTL_CONFIG_ADDR_MAX];       /* /unix/socket/path or host:port */
	char dp_socket[CTL_CONFIG_ADDR_MAX];   /* "" when the dataplane is absent */
	char nodes[PATH_MAX];		       /* node list (swarm view); "" for this node alone */
	char registry[PATH_MAX];	       /* registry log: FILE or redis:ADDR/KEY; "": none */
	char stats_socket[PATH_MAX];	       /* counters socket; "": DATA-DIR/control.sock */
	unsigned stats_interval_s;	       /* one stats log line every S seconds; 0: off */
	unsigned ping_interval_s;	       /* DIRECT pings of the listed nodes */
	unsigned vote_interval_s;	       /* quorum vote rounds (quorum_vote.h) */
	unsigned vote_fail_after_s;	       /* unreachable this long: a failing vote */
	bool quorum_votes;		       /* votes and RANDAO lines (quorum_vote.h) */
	char listen[CTL_CONFIG_ADDR_MAX];      /* IPv4:port of the HTTPS entry, or "none" */
	char http_listen[CTL_CONFIG_ADDR_MAX]; /* plain HTTP (tests), "none" by default */
	unsigned rate_burst, rate_per_s;       /* per-IP token bucket of the HTTP(S) entry */
	unsigned http_timeout_s;	       /* a client that sends nothing for this long */
	unsigned onion_timeout_s;	       /* an entry onion request's wait for its path */
	unsigned proxy_timeout_s;	       /* an exit's POST to a server (SS: 25 s) */
	bool proxy_private;		       /* the proxy may reach loopback/private addresses */
	bool proxy_tls_verify;		       /* check the server's certificate (default) */
	struct ctl_config_reach reach;	       /* [reach] and [uptime] (config_reach.h) */
	struct ctl_stest_conf stest;	       /* [storage_test] (config_stest.h) */
	enum ctl_log_level log_level;
	bool testnet;
	bool help, version; /* --help / --version given */
};

void ctl_config_defaults(struct ctl_config *c);

/* Sets one key (flag name without "--") from a string. Returns 0, -ENOENT for
 * an unknown key, or -EINVAL with a reason in err (without location). */
int ctl_config_set(struct ctl_config *c, const char *key, const char *value, char *err,
		   size_t errlen);

/* Reads an INI file over c. Errors: "FILE:LINE: reason", or "FILE: reason"
 * when it cannot be opened. Returns 0, -ENOENT/-EACCES/-EIO (open) or
 * -EBADMSG (syntax, unknown key, bad value). */
int ctl_config_load(struct ctl_config *c, const char *path, char *err, size_t errlen);

/* Whole command line: defaults, then --config FILE, then every other flag.
 * Returns 0, -EINVAL for a bad flag (a usage error: exit 2), or the file's
 * error from ctl_config_load (exit 1). */
int ctl_config_from_args(struct ctl_config *c, int argc, char **argv, char *err, size_t errlen);

/* Cross-field checks: an absolute data-dir, a usable redis address. */
int ctl_config_validate(const struct ctl_config *c, char *err, size_t errlen);

/* The --help text. */
const char *ctl_config_usage(void);

#endif
