/* SPDX-License-Identifier: MIT */
/* [reach] and [uptime] configuration keys (see config_reach.h). */
#include "config_reach.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	DAY_MS = 86400000,
};

/* Every millisecond key: where it goes and its range. */
struct ms_key {
	const char *key, *section;
	size_t off;
	uint64_t lo, hi;
};

#define R(f) offsetof(struct ctl_config_reach, reach.f)
#define U(f) offsetof(struct ctl_config_reach, uptime.f)
static const struct ms_key ms_keys[] = {
	{"reach-tick-ms", "reach", R(tick_ms), 10, 60000},
	{"reach-interval-ms", "reach", R(interval_mean_ms), 1, DAY_MS},
	{"reach-interval-sd-ms", "reach", R(interval_sd_ms), 0, DAY_MS},
	{"reach-backoff-ms", "reach", R(backoff_ms), 0, DAY_MS},
	{"reach-backoff-max-ms", "reach", R(backoff_max_ms), 1, DAY_MS},
	{"reach-timeout-ms", "reach", R(timeout_ms), 100, 600000},
	{"reach-failure-validity-ms", "reach", R(failure_validity_ms), 1, DAY_MS},
	{"proof-interval-ms", "uptime", U(interval_ms), 100, DAY_MS},
	{"proof-validity-ms", "uptime", U(validity_ms), 100, 7 * (uint64_t)DAY_MS},
	{"proof-tolerance-ms", "uptime", U(tolerance_ms), 0, DAY_MS},
	{"proof-startup-delay-ms", "uptime", U(startup_delay_ms), 0, DAY_MS},
	{"proof-check-interval-ms", "uptime", U(check_interval_ms), 10, DAY_MS},
	{"proof-heard-window-ms", "uptime", U(heard_window_ms), 0, 7 * (uint64_t)DAY_MS},
};
#undef R
#undef U

void
ctl_config_reach_defaults(struct ctl_config_reach *c)
{
	memset(c, 0, sizeof(*c));
	c->tests = c->proofs = true;
	ctl_reach_sched_conf_defaults(&c->reach);
	ctl_uptime_conf_defaults(&c->uptime);
}

const char *
ctl_config_reach_section(const char *key)
{
	for (size_t i = 0; i < sizeof(ms_keys) / sizeof(ms_keys[0]); i++)
		if (strcmp(ms_keys[i].key, key) == 0)
			return ms_keys[i].section;
	if (strcmp(key, "reach-tests") == 0 || strcmp(key, "reach-retests-per-tick") == 0)
		return "reach";
	if (strcmp(key, "uptime-proofs") == 0 || strcmp(key, "proof-address") == 0)
		return "uptime";
	return NULL;
}

static int
set_u64(uint64_t *out, const char *key, const char *value, uint64_t lo, uint64_t hi, char *err,
	size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		snprintf(err, errlen, "%s must be %llu..%llu, not '%.100s'", key,
			 (unsigned long long)lo, (unsigned long long)hi, value);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
set_flag(bool *out, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else {
		snprintf(err, errlen, "%s must be true or false, not '%.100s'", key, value);
		return -EINVAL;
	}
	return 0;
}

static int
set_address(uint32_t *out, const char *value, char *err, size_t errlen)
{
	struct in_addr a;

	if (strcmp(value, "auto") == 0) {
		*out = 0;
		return 0;
	}
	if (inet_pton(AF_INET, value, &a) != 1 || a.s_addr == 0) {
		snprintf(err, errlen, "proof-address must be an IPv4 address or auto, not '%.100s'",
			 value);
		return -EINVAL;
	}
	*out = ntohl(a.s_addr);
	return 0;
}

int
ctl_config_reach_set(struct ctl_config_reach *c, const char *key, const char *value, char *err,
		     size_t errlen)
{
	uint64_t v;
	int rc;

	for (size_t i = 0; i < sizeof(ms_keys) / sizeof(ms_keys[0]); i++)
		if (strcmp(ms_keys[i].key, key) == 0)
			return set_u64((uint64_t *)((char *)c + ms_keys[i].off), key, value,
				       ms_keys[i].lo, ms_keys[i].hi, err, errlen);
	if (strcmp(key, "reach-retests-per-tick") == 0) {
		/* reach.c starts at most 64 tests a tick: retests + the random one */
		if ((rc = set_u64(&v, key, value, 1, 63, err, errlen)) == 0)
			c->reach.retests_per_tick = (unsigned)v;
		return rc;
	}
	if (strcmp(key, "reach-tests") == 0)
		return set_flag(&c->tests, key, value, err, errlen);
	if (strcmp(key, "uptime-proofs") == 0)
		return set_flag(&c->proofs, key, value, err, errlen);
	if (strcmp(key, "proof-address") == 0)
		return set_address(&c->proof_ip, value, err, errlen);
	return -ENOENT;
}

int
ctl_config_reach_validate(const struct ctl_config_reach *c, char *err, size_t errlen)
{
	if (c->reach.backoff_max_ms < c->reach.backoff_ms) {
		snprintf(err, errlen,
			 "reach-backoff-max-ms (%llu) is below reach-backoff-ms (%llu)",
			 (unsigned long long)c->reach.backoff_max_ms,
			 (unsigned long long)c->reach.backoff_ms);
		return -EINVAL;
	}
	if (c->uptime.validity_ms <= c->uptime.interval_ms) {
		snprintf(err, errlen,
			 "proof-validity-ms (%llu) must exceed proof-interval-ms (%llu): "
			 "otherwise every node is down between two proofs",
			 (unsigned long long)c->uptime.validity_ms,
			 (unsigned long long)c->uptime.interval_ms);
		return -EINVAL;
	}
	return 0;
}
