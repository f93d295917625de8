/* SPDX-License-Identifier: MIT */
/*
 * The configuration keys of reachability tests and uptime proofs
 * (docs/reachability.md "Configuration"): sections [reach] and [uptime] of
 * the config file (no command-line flags). Every constant of the reference's
 * schedule is a key, in milliseconds, so a local testnet runs a whole cycle
 * in seconds; the defaults are the reference's values.
 */
#ifndef CTL_CONFIG_REACH_H
#define CTL_CONFIG_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reach_sched.h"
#include "uptime.h"

struct ctl_config_reach {
	bool tests;  /* reach-tests: run reachability tests (with a dataplane) */
	bool proofs; /* uptime-proofs: send and keep uptime proofs (with a dataplane) */
	struct ctl_reach_conf reach;
	struct ctl_uptime_conf uptime;
	uint32_t proof_ip; /* proof-address: IPv4 (host order) of our HTTPS entry; 0: auto */
};

void ctl_config_reach_defaults(struct ctl_config_reach *c);

/* The section key belongs to ("reach", "uptime"), or NULL when it is none of these. */
const char *ctl_config_reach_section(const char *key);

/* Sets one key. 0, -ENOENT (not one of these keys), or -EINVAL with the reason in err. */
int ctl_config_reach_set(struct ctl_config_reach *c, const char *key, const char *value, char *err,
			 size_t errlen);

/* Cross-key checks (backoff-max >= backoff, validity > interval, ...): 0 or -EINVAL. */
int ctl_config_reach_validate(const struct ctl_config_reach *c, char *err, size_t errlen);

#endif
