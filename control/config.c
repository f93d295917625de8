/* SPDX-License-Identifier: MIT */
/* snode-control configuration (see config.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_source.h"

/* Which section each key lives in. */
static const struct {
	const char *key, *section;
} keys[] = {
	{"data-dir", "node"},
	{"log-level", "node"},
	{"testnet", "node"},
	{"nodes", "node"},
	{"ping-interval", "node"},
	{"redis", "storage"},
	{"listen", "rpc"},
	{"dp-socket", "dataplane"},
	{"registry", "node"},
	{"stats-socket", "node"},
	{"stats-interval", "node"},
	/* obligations-quorum votes (control/quorum_vote.h) */
	{"vote-interval", "node"},
	{"vote-fail-after", "node"},
	{"quorum-votes", "node"},
	/* the HTTP(S) entry (control/http_server.h) */
	{"http-listen", "rpc"},
	{"rate-burst", "rpc"},
	{"rate-per-s", "rpc"},
	{"http-timeout", "rpc"},
	{"onion-timeout", "rpc"},
	/* the exit's proxy to HTTP(S) servers (control/onion_proxy.h) */
	{"proxy-timeout", "rpc"},
	{"proxy-private", "rpc"},
	{"proxy-tls-verify", "rpc"},
};

void
ctl_config_defaults(struct ctl_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", CTL_CONFIG_DATA_DIR);
	snprintf(c->redis, sizeof(c->redis), "%s", CTL_CONFIG_REDIS);
	snprintf(c->listen, sizeof(c->listen), "%s", CTL_CONFIG_LISTEN);
	c->log_level = CTL_LOG_INFO;
	c->ping_interval_s = 10;
	c->vote_interval_s = 10;
	c->vote_fail_after_s = 65 * 60; /* facts 6.1: unreachable for 65 min */
	c->quorum_votes = true;
	snprintf(c->http_listen, sizeof(c->http_listen), "none");
	c->rate_burst = 600; /* session-storage-server's per-IP bucket */
	c->rate_per_s = 300;
	c->http_timeout_s = 30;
	c->onion_timeout_s = 30; /* the reference's per-relay timeout */
	c->proxy_timeout_s = 25; /* SS ONION_URL_TIMEOUT */
	c->proxy_tls_verify = true;
	ctl_config_reach_defaults(&c->reach);
	ctl_config_stest_defaults(&c->stest);
}

static int
copy(char *dst, size_t cap, const char *value, const char *key, char *err, size_t errlen)
{
	if (strlen(value) >= cap) {
		snprintf(err, errlen, "%s: value longer than %zu bytes", key, cap - 1);
		return -EINVAL;
	}
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

/* "A.B.C.D:PORT" with a port 1..65535 (0 too when any_port: the kernel picks one). */
static bool
ipv4_port_ok_any(const char *s, bool any_port)
{
	const char *colon = strrchr(s, ':');
	char host[INET_ADDRSTRLEN];
	struct in_addr a;
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	return inet_pton(AF_INET, host, &a) == 1 && end != colon + 1 && *end == '\0' &&
	       (port > 0 || (any_port && port == 0 && colon[1] == '0')) && port <= 65535;
}

/* redis: an absolute socket path, or host:port with a port 1..65535. */
static bool
redis_ok(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (s[0] == '/')
		return true;
	if (colon == NULL || colon == s)
		return false;
	port = strtol(colon + 1, &end, 10);
	return end != colon + 1 && *end == '\0' && port > 0 && port <= 65535;
}

/* A decimal in [lo, hi] for key; the message names the range. */
static int
set_uint(unsigned *out, const char *key, const char *value, unsigned long lo, unsigned long hi,
	 char *err, size_t errlen)
{
	char *end;
	unsigned long v = strtoul(value, &end, 10);

	if (value[0] < '0' || value[0] > '9' || *end != '\0' || v < lo || v > hi) {
		snprintf(err, errlen, "%s must be %lu..%lu, not '%.100s'", key, lo, hi, value);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* true/yes/1 or false/no/0 for key. */
static int
set_bool(bool *out, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0) {
		*out = true;
	} else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
		   strcmp(value, "0") == 0) {
		*out = false;
	} else {
		snprintf(err, errlen, "%s must be true or false, not '%.100s'", key, value);
		return -EINVAL;
	}
	return 0;
}

/* The HTTP(S) entry's keys; -ENOENT when key is none of them. */
static int
set_http(struct ctl_config *c, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "listen") == 0 || strcmp(key, "http-listen") == 0) {
		char *dst = key[0] == 'l' ? c->listen : c->http_listen;

		if (strcmp(value, "none") != 0 && !ipv4_port_ok_any(value, true)) {
			snprintf(err, errlen,
				 "%s must be IPv4:port (port 0-65535, 0: any free port) or none, "
				 "not "
				 "'%.100s'",
				 key, value);
			return -EINVAL;
		}
		return copy(dst, CTL_CONFIG_ADDR_MAX, value, key, err, errlen);
	}
	if (strcmp(key, "rate-burst") == 0)
		return set_uint(&c->rate_burst, key, value, 1, 1000000, err, errlen);
	if (strcmp(key, "rate-per-s") == 0)
		return set_uint(&c->rate_per_s, key, value, 1, 1000000, err, errlen);
	if (strcmp(key, "http-timeout") == 0)
		return set_uint(&c->http_timeout_s, key, value, 1, 3600, err, errlen);
	if (strcmp(key, "onion-timeout") == 0)
		return set_uint(&c->onion_timeout_s, key, value, 1, 300, err, errlen);
	if (strcmp(key, "proxy-timeout") == 0)
		return set_uint(&c->proxy_timeout_s, key, value, 1, 300, err, errlen);
	if (strcmp(key, "quorum-votes") == 0)
		return set_bool(&c->quorum_votes, key, value, err, errlen);
	if (strcmp(key, "proxy-private") == 0)
		return set_bool(&c->proxy_private, key, value, err, errlen);
	if (strcmp(key, "proxy-tls-verify") == 0)
		return set_bool(&c->proxy_tls_verify, key, value, err, errlen);
	return -ENOENT;
}

int
ctl_config_set(struct ctl_config *c, const char *key, const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "data-dir") == 0) {
		if (value[0] != '/') {
			snprintf(err, errlen, "data-dir must be an absolute path, not '%.100s'",
				 value);
			return -EINVAL;
		}
		return copy(c->data_dir, sizeof(c->data_dir), value, key, err, errlen);
	}
	if (strcmp(key, "redis") == 0) {
		if (!redis_ok(value)) {
			snprintf(err, errlen,
				 "redis must be an absolute unix socket path or host:port, not "
				 "'%.100s'",
				 value);
			return -EINVAL;
		}
		return copy(c->redis, sizeof(c->redis), value, key, err, errlen);
	}
	if (strcmp(key, "vote-interval") == 0 || strcmp(key, "vote-fail-after") == 0) {
		char *end;
		unsigned long v = strtoul(value, &end, 10);

		if (value[0] < '0' || value[0] > '9' || *end != '\0' || v < 1 || v > 86400) {
			snprintf(err, errlen, "%s must be 1..86400 seconds, not '%.100s'", key,
				 value);
			return -EINVAL;
		}
		if (strcmp(key, "vote-interval") == 0)
			c->vote_interval_s = (unsigned)v;
		else
			c->vote_fail_after_s = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "ping-interval") == 0) {
		char *end;
		unsigned long v = strtoul(value, &end, 10);

		if (value[0] < '0' || value[0] > '9' || *end != '\0' || v < 1 || v > 3600) {
			snprintf(err, errlen, "ping-interval must be 1..3600 seconds, not '%.100s'",
				 value);
			return -EINVAL;
		}
		c->ping_interval_s = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "nodes") == 0) {
		if (value[0] != '\0' && value[0] != '/') {
			snprintf(err, errlen, "nodes must be an absolute path, not '%.100s'",
				 value);
			return -EINVAL;
		}
		return copy(c->nodes, sizeof(c->nodes), value, key, err, errlen);
	}
	if (strcmp(key, "registry") == 0) {
		struct ctl_registry_spec spec; /* a file or redis:ADDR/KEY (registry_source.h) */

		if (strlen(value) >= sizeof(c->registry))
			return copy(c->registry, sizeof(c->registry), value, key, err, errlen);
		if (value[0] != '\0' && ctl_registry_spec_parse(value, &spec, err, errlen) != 0)
			return -EINVAL;
		return copy(c->registry, sizeof(c->registry), value, key, err, errlen);
	}
	if (strcmp(key, "stats-socket") == 0) {
		if (value[0] != '\0' && value[0] != '/' && strcmp(value, "none") != 0) {
			snprintf(err, errlen,
				 "stats-socket must be an absolute path or none, not '%.100s'",
				 value);
			return -EINVAL;
		}
		return copy(c->stats_socket, sizeof(c->stats_socket), value, key, err, errlen);
	}
	if (strcmp(key, "stats-interval") == 0)
		return set_uint(&c->stats_interval_s, key, value, 0, 86400, err, errlen);
	if (strcmp(key, "dp-socket") == 0) {
		if (value[0] != '\0' && value[0] != '/') {
			snprintf(err, errlen, "dp-socket must be an absolute path, not '%.100s'",
				 value);
			return -EINVAL;
		}
		return copy(c->dp_socket, sizeof(c->dp_socket), value, key, err, errlen);
	}
	if (strcmp(key, "log-level") == 0) {
		if (ctl_log_level_parse(value, &c->log_level) != 0) {
			snprintf(err, errlen,
				 "log-level must be error, warn, notice, info or debug, not "
				 "'%.100s'",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(key, "testnet") == 0)
		return set_bool(&c->testnet, key, value, err, errlen);
	int rc = set_http(c, key, value, err, errlen);

	if (rc != -ENOENT)
		return rc;
	rc = ctl_config_reach_set(&c->reach, key, value, err, errlen);
	if (rc != -ENOENT)
		return rc;
	rc = ctl_config_stest_set(&c->stest, key, value, err, errlen);
	if (rc != -ENOENT)
		return rc;
	snprintf(err, errlen, "unknown key '%.100s'", key);
	return -ENOENT;
}

struct ini_state {
	struct ctl_config *c;
	char why[200]; /* the first handler error; inih gives its line */
};

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *s = user;
	const char *reach = ctl_config_reach_section(name);
	size_t i;

	if (reach == NULL)
		reach = ctl_config_stest_section(name); /* [storage_test]: the same rule */

	if (s->why[0] != '\0')
		return 0;
	if (reach != NULL && strcmp(reach, section) != 0) {
		snprintf(s->why, sizeof(s->why), "key '%s' belongs in section [%s], not [%.64s]",
			 name, reach, section);
		return 0;
	}
	if (reach != NULL)
		return ctl_config_set(s->c, name, value, s->why, sizeof(s->why)) == 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, name) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		snprintf(s->why, sizeof(s->why), "unknown key '%.64s'", name);
		return 0;
	}
	if (strcmp(keys[i].section, section) != 0) {
		snprintf(s->why, sizeof(s->why), "key '%s' belongs in section [%s], not [%.64s]",
			 name, keys[i].section, section);
		return 0;
	}
	if (ctl_config_set(s->c, name, value, s->why, sizeof(s->why)) != 0)
		return 0;
	return 1;
}

int
ctl_config_load(struct ctl_config *c, const char *path, char *err, size_t errlen)
{
	struct ini_state s = {.c = c};
	FILE *f = fopen(path, "r");
	int line, e = errno;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return e == ENOENT || e == EACCES ? -e : -EIO;
	}
	line = ini_parse_file(f, on_key, &s);
	fclose(f);
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
			 s.why[0] != '\0' ? s.why
					  : "syntax error (expected [section] or key = value)");
		return -EBADMSG;
	}
	snprintf(c->config_path, sizeof(c->config_path), "%s", path);
	return 0;
}

static const struct option opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"data-dir", required_argument, NULL, 'd'},
	{"redis", required_argument, NULL, 'r'},
	{"dp-socket", required_argument, NULL, 'p'},
	{"log-level", required_argument, NULL, 'l'},
	{"listen", required_argument, NULL, 'L'},
	{"testnet", no_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"nodes", required_argument, NULL, 'n'},
	{"ping-interval", required_argument, NULL, 'P'},
	{"registry", required_argument, NULL, 'R'},
	{"http-listen", required_argument, NULL, 'H'},
	{"rate-burst", required_argument, NULL, 'B'},
	{"rate-per-s", required_argument, NULL, 'S'},
	{"http-timeout", required_argument, NULL, 'T'},
	{"onion-timeout", required_argument, NULL, 'O'},
	{"proxy-timeout", required_argument, NULL, 'X'},
	{"proxy-private", required_argument, NULL, 'Y'},
	{"proxy-tls-verify", required_argument, NULL, 'Z'},
	{"stats-socket", required_argument, NULL, 'k'},
	{"stats-interval", required_argument, NULL, 'i'},
	{"vote-interval", required_argument, NULL, 'v'},
	{"vote-fail-after", required_argument, NULL, 'f'},
	{"quorum-votes", required_argument, NULL, 'Q'},
	{NULL, 0, NULL, 0},
};

const char *
ctl_config_usage(void)
{
	return "usage: snode-control [--config FILE] [--data-dir DIR] [--redis PATH|HOST:PORT]\n"
	       "                     [--dp-socket PATH] [--log-level LEVEL] [--listen IP:PORT]\n"
	       "                     [--nodes FILE] [--ping-interval SECONDS] [--testnet]\n"
	       "                     [--registry FILE|redis:ADDR/KEY] [--http-listen "
	       "IP:PORT|none]\n"
	       "                     [--stats-socket PATH|none] [--stats-interval S]\n"
	       "                     [--rate-burst N] [--rate-per-s N] [--http-timeout S]\n"
	       "                     [--onion-timeout S] [--proxy-timeout S]\n"
	       "                     [--proxy-private true|false] [--proxy-tls-verify true|false]\n"
	       "                     [--vote-interval S] [--vote-fail-after S]\n"
	       "                     [--quorum-votes true|false]\n"
	       "                     [--help] [--version]\n"
	       "Flags override the same keys in the --config file (docs/control.md).\n";
}

int
ctl_config_from_args(struct ctl_config *c, int argc, char **argv, char *err, size_t errlen)
{
	const char *file = NULL;
	int o, rc;

	ctl_config_defaults(c);
	/* Pass 1: find --config; pass 2 applies every flag over the file. */
	opterr = 0;
	optind = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'c')
			file = optarg;
		else if (o == '?') {
			snprintf(err, errlen, "unknown option or missing value: %s",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument: %s", argv[optind]);
		return -EINVAL;
	}
	if (file != NULL && (rc = ctl_config_load(c, file, err, errlen)) != 0)
		return rc;
	optind = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char why[200];
		const char *key = NULL;

		switch (o) {
		case 't':
			c->testnet = true;
			continue;
		case 'h':
			c->help = true;
			continue;
		case 'V':
			c->version = true;
			continue;
		case 'c':
			continue;
		default:
			for (size_t i = 0; opts[i].name != NULL; i++)
				if (opts[i].val == o)
					key = opts[i].name;
		}
		if (key != NULL && ctl_config_set(c, key, optarg, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "--%s: %s", key, why);
			return -EINVAL;
		}
	}
	return 0;
}

int
ctl_config_validate(const struct ctl_config *c, char *err, size_t errlen)
{
	/* ctl_config_set already refused bad single values; defaults are valid. */
	if (c->data_dir[0] != '/' || !redis_ok(c->redis)) {
		snprintf(err, errlen, "invalid configuration");
		return -EINVAL;
	}
	if (ctl_config_reach_validate(&c->reach, err, errlen) != 0)
		return -EINVAL;
	return ctl_config_stest_validate(&c->stest, err, errlen);
}
