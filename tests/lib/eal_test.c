/* SPDX-License-Identifier: MIT */
#include "eal_test.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

enum {
	EAL_TEST_MAX_ARGS = 32
};

int
eal_test_init(const char *test_name, const char *const *vdevs)
{
	static char prefix[96];
	char *argv[EAL_TEST_MAX_ARGS];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=snode-test-%s-%d", test_name,
		 (int)getpid());
	argv[argc++] = (char *)test_name;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"128";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = (char *)"--log-level=lib.eal:error";
	argv[argc++] = prefix;
	for (; vdevs != NULL && *vdevs != NULL && argc < EAL_TEST_MAX_ARGS - 2; vdevs++) {
		argv[argc++] = (char *)"--vdev";
		argv[argc++] = (char *)*vdevs;
	}
	argv[argc] = NULL;
	return rte_eal_init(argc, argv) < 0 ? -1 : 0;
}

/* Removes the per-test runtime directory (/var/run/dpdk/<prefix>) left by EAL. */
static void
remove_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void
eal_test_cleanup(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	remove_runtime_dir(dir);
}

unsigned short
eal_test_sent_on(unsigned short port, struct rte_mbuf **pkts, unsigned short n)
{
	return rte_eth_rx_burst(port, 0, pkts, n);
}

void
eal_test_free_all(struct rte_mbuf **pkts, unsigned short n)
{
	for (unsigned short i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

unsigned
eal_test_be32_at(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}
