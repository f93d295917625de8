/* SPDX-License-Identifier: MIT */
/* control/config.c: defaults, every key, file:line errors, flags over the file. */
#include "test_common_ctl.h"

#include <unistd.h>

#include "config.h"

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/control.conf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
defaults(void **state)
{
	struct ctl_config c;

	(void)state;
	ctl_config_defaults(&c);
	assert_string_equal(c.data_dir, "/var/lib/snode");
	assert_string_equal(c.redis, "/run/snode/redis.sock");
	assert_string_equal(c.listen, "0.0.0.0:22021");
	assert_string_equal(c.dp_socket, "");
	assert_int_equal(c.log_level, CTL_LOG_INFO);
	assert_false(c.testnet);
	char err[200];
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), 0);
}

static void
file_every_key(void **state)
{
	struct ctl_config c;
	char err[300];

	(void)state;
	write_file(path, "# comment\n[node]\ndata-dir = /srv/snode\nlog-level = debug\n"
			 "testnet = yes\n\n[storage]\nredis = 127.0.0.1:6379\n[rpc]\n"
			 "listen = 10.0.0.1:443\n[dataplane]\ndp-socket = /run/snode/dp.sock\n");
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.data_dir, "/srv/snode");
	assert_int_equal(c.log_level, CTL_LOG_DEBUG);
	assert_true(c.testnet);
	assert_string_equal(c.redis, "127.0.0.1:6379");
	assert_string_equal(c.listen, "10.0.0.1:443");
	assert_string_equal(c.dp_socket, "/run/snode/dp.sock");
	assert_string_equal(c.config_path, path);
}

static void
expect_file_error(const char *text, const char *want)
{
	struct ctl_config c;
	char err[300], full[400];

	write_file(path, text);
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), -EBADMSG);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err, full);
}

static void
file_errors(void **state)
{
	(void)state;
	expect_file_error("[node]\nbogus = 1\n", "2: unknown key 'bogus'");
	expect_file_error("\n\n[storage]\ndata-dir = /x\n",
			  "4: key 'data-dir' belongs in section [node], not [storage]");
	expect_file_error("data-dir = /x\n", "1: key 'data-dir' belongs in section [node], not []");
	expect_file_error("[node]\ndata-dir = relative\n",
			  "2: data-dir must be an absolute path, not 'relative'");
	expect_file_error("[node]\nlog-level = loud\n",
			  "2: log-level must be error, warn, notice, info or debug, not 'loud'");
	expect_file_error("[node]\ntestnet = maybe\n",
			  "2: testnet must be true or false, not 'maybe'");
	expect_file_error("[storage]\nredis = host\n",
			  "2: redis must be an absolute unix socket path or host:port, not 'host'");
	expect_file_error(
		"[storage]\nredis = host:0\n",
		"2: redis must be an absolute unix socket path or host:port, not 'host:0'");
	expect_file_error("[rpc]\nlisten = 1.2.3.4:65536\n",
			  "2: listen must be IPv4:port (port 0-65535, 0: any free port) or none, "
			  "not '1.2.3.4:65536'");
	expect_file_error("[rpc]\nlisten = example.org:80\n",
			  "2: listen must be IPv4:port (port 0-65535, 0: any free port) or none, "
			  "not 'example.org:80'");
	expect_file_error("[dataplane]\ndp-socket = dp.sock\n",
			  "2: dp-socket must be an absolute path, not 'dp.sock'");
	expect_file_error("[node]\njunk line\n",
			  "2: syntax error (expected [section] or key = value)");
}

static void
port_edges(void **state)
{
	struct ctl_config c;
	char err[200];

	(void)state;
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_set(&c, "listen", "1.2.3.4:65535", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "listen", "1.2.3.4:1", err, sizeof(err)), 0);
	/* port 0: the kernel picks a free port (tests read it from the log) */
	assert_int_equal(ctl_config_set(&c, "listen", "1.2.3.4:0", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "listen", "1.2.3.4:65536", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "listen", "1.2.3.4:-1", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "redis", "localhost:65535", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "redis", "localhost:65536", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "nope", "1", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "unknown key 'nope'");
	assert_int_equal(ctl_config_set(&c, "ping-interval", "1", err, sizeof(err)), 0);
	assert_int_equal(c.ping_interval_s, 1);
	assert_int_equal(ctl_config_set(&c, "ping-interval", "3600", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "ping-interval", "0", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "ping-interval", "3601", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "ping-interval", "5s", err, sizeof(err)), -EINVAL);
	/* quorum votes: 1..86400 seconds each; defaults 10 s and 65 min */
	assert_int_equal(c.vote_interval_s, 10);
	assert_int_equal(c.vote_fail_after_s, 3900);
	assert_int_equal(ctl_config_set(&c, "vote-interval", "1", err, sizeof(err)), 0);
	assert_int_equal(c.vote_interval_s, 1);
	assert_int_equal(ctl_config_set(&c, "vote-fail-after", "86400", err, sizeof(err)), 0);
	assert_int_equal(c.vote_fail_after_s, 86400);
	assert_int_equal(c.vote_interval_s, 1);
	assert_int_equal(ctl_config_set(&c, "vote-interval", "0", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "vote-interval must be 1..86400 seconds, not '0'");
	assert_int_equal(ctl_config_set(&c, "vote-fail-after", "86401", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "vote-fail-after must be 1..86400 seconds, not '86401'");
	assert_int_equal(ctl_config_set(&c, "vote-interval", "-1", err, sizeof(err)), -EINVAL);
	assert_true(c.quorum_votes);
	assert_int_equal(ctl_config_set(&c, "quorum-votes", "false", err, sizeof(err)), 0);
	assert_false(c.quorum_votes);
	assert_int_equal(ctl_config_set(&c, "quorum-votes", "maybe", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "nodes", "relative/nodes", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "nodes", "", err, sizeof(err)), 0);
	/* an empty dp-socket means "no dataplane" */
	assert_int_equal(ctl_config_set(&c, "dp-socket", "", err, sizeof(err)), 0);
	char long_path[600];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(ctl_config_set(&c, "redis", long_path, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "redis: value longer than 255 bytes");
}

static void
missing_file(void **state)
{
	struct ctl_config c;
	char err[300], want[300];

	(void)state;
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, "/nonexistent/x.conf", err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "/nonexistent/x.conf: cannot open: %s", strerror(ENOENT));
	assert_string_equal(err, want);
}

static void
flags_override_file(void **state)
{
	struct ctl_config c;
	char err[300];
	char *argv[] = {"snode-control", "--redis",	"/tmp/r.sock", "--config", path,
			"--testnet",	 "--log-level", "warn",	       NULL};

	(void)state;
	write_file(path, "[node]\ndata-dir = /srv/a\nlog-level = debug\n[storage]\nredis = h:1\n");
	assert_int_equal(ctl_config_from_args(&c, 8, argv, err, sizeof(err)), 0);
	assert_string_equal(c.data_dir, "/srv/a");
	assert_string_equal(c.redis, "/tmp/r.sock");
	assert_int_equal(c.log_level, CTL_LOG_WARNING);
	assert_true(c.testnet);
}

static void
flag_errors(void **state)
{
	struct ctl_config c;
	char err[300];
	char *bad_flag[] = {"snode-control", "--bogus", NULL};
	char *bad_value[] = {"snode-control", "--data-dir", "rel", NULL};
	char *extra[] = {"snode-control", "extra", NULL};
	char *no_value[] = {"snode-control", "--redis", NULL};
	char *help[] = {"snode-control", "--help", "--version", NULL};

	(void)state;
	assert_int_equal(ctl_config_from_args(&c, 2, bad_flag, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown option or missing value: --bogus");
	assert_int_equal(ctl_config_from_args(&c, 3, bad_value, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--data-dir: data-dir must be an absolute path, not 'rel'");
	assert_int_equal(ctl_config_from_args(&c, 2, extra, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unexpected argument: extra");
	assert_int_equal(ctl_config_from_args(&c, 2, no_value, err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_from_args(&c, 3, help, err, sizeof(err)), 0);
	assert_true(c.help && c.version);
	assert_non_null(strstr(ctl_config_usage(), "--config FILE"));
}

/* The HTTP(S) entry's keys: defaults, "none", every limit at its edge. */
static void
http_keys(void **state)
{
	struct ctl_config c;
	char err[200];

	(void)state;
	ctl_config_defaults(&c);
	assert_string_equal(c.http_listen, "none");
	assert_int_equal(c.rate_burst, 600);
	assert_int_equal(c.rate_per_s, 300);
	assert_int_equal(c.http_timeout_s, 30);
	assert_int_equal(c.onion_timeout_s, 30);
	assert_int_equal(ctl_config_set(&c, "listen", "none", err, sizeof(err)), 0);
	assert_string_equal(c.listen, "none");
	assert_int_equal(ctl_config_set(&c, "http-listen", "127.0.0.1:0", err, sizeof(err)), 0);
	assert_string_equal(c.http_listen, "127.0.0.1:0");
	assert_int_equal(ctl_config_set(&c, "http-listen", "nowhere", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "http-listen must be IPv4:port"));
	assert_int_equal(ctl_config_set(&c, "rate-burst", "1", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "rate-burst", "1000000", err, sizeof(err)), 0);
	assert_int_equal(c.rate_burst, 1000000);
	assert_int_equal(ctl_config_set(&c, "rate-burst", "0", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rate-burst must be 1..1000000, not '0'");
	assert_int_equal(ctl_config_set(&c, "rate-burst", "1000001", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "rate-per-s", "1", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "rate-per-s", "x", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "http-timeout", "3600", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "http-timeout", "3601", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "onion-timeout", "300", err, sizeof(err)), 0);
	assert_int_equal(c.onion_timeout_s, 300);
	assert_int_equal(ctl_config_set(&c, "onion-timeout", "301", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "onion-timeout", "-1", err, sizeof(err)), -EINVAL);
}

static void
proxy_keys(void **state)
{
	struct ctl_config c;
	char err[200];

	(void)state;
	ctl_config_defaults(&c);
	assert_int_equal(c.proxy_timeout_s, 25); /* SS ONION_URL_TIMEOUT */
	assert_false(c.proxy_private);
	assert_true(c.proxy_tls_verify);
	assert_int_equal(ctl_config_set(&c, "proxy-timeout", "1", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "proxy-timeout", "300", err, sizeof(err)), 0);
	assert_int_equal(c.proxy_timeout_s, 300);
	assert_int_equal(ctl_config_set(&c, "proxy-timeout", "0", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "proxy-timeout must be 1..300, not '0'");
	assert_int_equal(ctl_config_set(&c, "proxy-timeout", "301", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "proxy-private", "yes", err, sizeof(err)), 0);
	assert_true(c.proxy_private);
	assert_int_equal(ctl_config_set(&c, "proxy-tls-verify", "0", err, sizeof(err)), 0);
	assert_false(c.proxy_tls_verify);
	assert_int_equal(ctl_config_set(&c, "proxy-private", "maybe", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "proxy-private must be true or false, not 'maybe'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),	cmocka_unit_test(file_every_key),
		cmocka_unit_test(file_errors),	cmocka_unit_test(port_edges),
		cmocka_unit_test(missing_file), cmocka_unit_test(flags_override_file),
		cmocka_unit_test(flag_errors),	cmocka_unit_test(http_keys),
		cmocka_unit_test(proxy_keys),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
