/* SPDX-License-Identifier: MIT */
/*
 * The configuration keys of storage-proof tests (docs/storage-tests.md,
 * "Configuration"): section [storage_test] of the config file (no
 * command-line flags). Times in milliseconds, so a local testnet runs tests
 * every fraction of a second.
 */
#ifndef CTL_CONFIG_STEST_H
#define CTL_CONFIG_STEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CTL_STEST_INTERVAL_MS_DEFAULT = 60000, /* a test round a minute (2 a block) */
	CTL_STEST_RECORDS_DEFAULT = 4,
	CTL_STEST_TIMEOUT_MS_DEFAULT = 15000, /* the reference's storage-test timeout */
	CTL_STEST_RETRY_MS_DEFAULT = 10000,   /* a testee waits this long for unknown records */
	CTL_STEST_FAILURES_DEFAULT = 5,	      /* failed tests in a row that make a failing vote */
	CTL_STEST_PAIRS_DEFAULT = 1,	      /* pairs per height: 1 is the reference */
};

struct ctl_stest_conf {
	bool enabled;	      /* storage-tests */
	uint64_t interval_ms; /* storage-test-interval-ms */
	uint32_t records;     /* storage-test-records */
	uint64_t timeout_ms;  /* storage-test-timeout-ms */
	uint64_t retry_ms;    /* storage-test-retry-ms */
	uint32_t failures;    /* storage-test-failures */
	uint32_t pairs;	      /* storage-test-pairs */
};

void ctl_config_stest_defaults(struct ctl_stest_conf *c);

/* "storage_test" for one of these keys, NULL otherwise. */
const char *ctl_config_stest_section(const char *key);

/* Sets one key. 0, -ENOENT (not one of these keys), or -EINVAL with the reason in err. */
int ctl_config_stest_set(struct ctl_stest_conf *c, const char *key, const char *value, char *err,
			 size_t errlen);

/* Cross-key checks (retry below timeout): 0 or -EINVAL. */
int ctl_config_stest_validate(const struct ctl_stest_conf *c, char *err, size_t errlen);

#endif
