/* SPDX-License-Identifier: MIT */
/* [storage_test] configuration keys (see config_stest.h). */
#include "config_stest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_test.h"

enum {
	DAY_MS = 86400000,
};

/* Every numeric key: where it goes (a uint64_t, unsigned or uint32_t) and its range. */
struct num_key {
	const char *key;
	size_t off;
	int width; /* 8: uint64_t, 4: unsigned / uint32_t */
	uint64_t lo, hi;
};

#define F(f) offsetof(struct ctl_stest_conf, f)
static const struct num_key num_keys[] = {
	{"storage-test-interval-ms", F(interval_ms), 8, 100, DAY_MS},
	{"storage-test-records", F(records), 4, 1, CTL_STEST_RECORDS_MAX},
	{"storage-test-timeout-ms", F(timeout_ms), 8, 100, 600000},
	{"storage-test-retry-ms", F(retry_ms), 8, 0, 600000},
	{"storage-test-failures", F(failures), 4, 1, 1000},
	{"storage-test-pairs", F(pairs), 4, 1, CTL_STEST_PAIRS_MAX},
};
#undef F

void
ctl_config_stest_defaults(struct ctl_stest_conf *c)
{
	*c = (struct ctl_stest_conf){
		.enabled = true,
		.interval_ms = CTL_STEST_INTERVAL_MS_DEFAULT,
		.records = CTL_STEST_RECORDS_DEFAULT,
		.timeout_ms = CTL_STEST_TIMEOUT_MS_DEFAULT,
		.retry_ms = CTL_STEST_RETRY_MS_DEFAULT,
		.failures = CTL_STEST_FAILURES_DEFAULT,
		.pairs = CTL_STEST_PAIRS_DEFAULT,
	};
}

const char *
ctl_config_stest_section(const char *key)
{
	if (strcmp(key, "storage-tests") == 0)
		return "storage_test";
	for (size_t i = 0; i < sizeof(num_keys) / sizeof(num_keys[0]); i++)
		if (strcmp(num_keys[i].key, key) == 0)
			return "storage_test";
	return NULL;
}

static int
set_num(struct ctl_stest_conf *c, const struct num_key *k, const char *value, char *err,
	size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || v < k->lo ||
	    v > k->hi) {
		snprintf(err, errlen, "%s must be %llu..%llu, not '%.100s'", k->key,
			 (unsigned long long)k->lo, (unsigned long long)k->hi, value);
		return -EINVAL;
	}
	if (k->width == 8)
		*(uint64_t *)(void *)((char *)c + k->off) = v;
	else
		*(uint32_t *)(void *)((char *)c + k->off) = (uint32_t)v;
	return 0;
}

int
ctl_config_stest_set(struct ctl_stest_conf *c, const char *key, const char *value, char *err,
		     size_t errlen)
{
	for (size_t i = 0; i < sizeof(num_keys) / sizeof(num_keys[0]); i++)
		if (strcmp(num_keys[i].key, key) == 0)
			return set_num(c, &num_keys[i], value, err, errlen);
	if (strcmp(key, "storage-tests") != 0)
		return -ENOENT;
	if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
		c->enabled = true;
	else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
		c->enabled = false;
	else {
		snprintf(err, errlen, "storage-tests must be true or false, not '%.100s'", value);
		return -EINVAL;
	}
	return 0;
}

int
ctl_config_stest_validate(const struct ctl_stest_conf *c, char *err, size_t errlen)
{
	/* the tester must still be waiting when the testee gives up on unknown records */
	if (c->retry_ms >= c->timeout_ms) {
		snprintf(err, errlen,
			 "storage-test-retry-ms (%llu) must be below storage-test-timeout-ms "
			 "(%llu): "
			 "otherwise the tester gives up before the testee answers",
			 (unsigned long long)c->retry_ms, (unsigned long long)c->timeout_ms);
		return -EINVAL;
	}
	return 0;
}
