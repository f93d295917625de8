/* SPDX-License-Identifier: MIT */
#include "test_rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <sodium.h>

#include "log.h"

/* Drivers with no wire: what a golden test runs on. */
static int
port_is_virtual(uint16_t port, const char **driver)
{
	static const char *const ok[] = {"net_pcap", "net_ring", "net_null"};
	struct rte_eth_dev_info info;

	*driver = "?";
	if (rte_eth_dev_info_get(port, &info) != 0 || info.driver_name == NULL)
		return 0;
	*driver = info.driver_name;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(info.driver_name, ok[i]) == 0)
			return 1;
	return 0;
}

int
dp_test_rng_apply(struct dp_worker *w, uint16_t port)
{
	const char *hex = getenv(DP_TEST_RNG_ENV), *driver;
	uint8_t seed[32], key[DP_RNG_KEY_BYTES];
	static const uint8_t iv[DP_RNG_IV_BYTES]; /* the key differs per lcore */
	uint32_t lcore = w->lcore;
	size_t got = 0;

	if (hex == NULL)
		return 0;
	if (sodium_hex2bin(seed, sizeof(seed), hex, strlen(hex), NULL, &got, NULL) != 0 ||
	    got != sizeof(seed) || strlen(hex) != 64) {
		fprintf(stderr, "snode-dataplane: %s must be 64 hex digits\n", DP_TEST_RNG_ENV);
		return -1;
	}
	if (!port_is_virtual(port, &driver)) {
		fprintf(stderr,
			"snode-dataplane: %s makes padding and labels predictable: refused on "
			"port %u (driver %s); only net_pcap, net_ring and net_null ports take it\n",
			DP_TEST_RNG_ENV, (unsigned)port, driver);
		sodium_memzero(seed, sizeof(seed));
		return -1;
	}
	crypto_generichash(key, sizeof(key), (const uint8_t *)&lcore, sizeof(lcore), seed,
			   sizeof(seed));
	sodium_memzero(seed, sizeof(seed));
	dp_rng_free(&w->rng);
	if (dp_rng_init(&w->rng, key, iv) != 0) {
		sodium_memzero(key, sizeof(key));
		fprintf(stderr, "snode-dataplane: cannot key the test RNG\n");
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	DP_LOG(WARNING, "lcore %u: deterministic padding and labels (%s): tests only", lcore,
	       DP_TEST_RNG_ENV);
	return 0;
}
