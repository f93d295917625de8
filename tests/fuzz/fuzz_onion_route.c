/* SPDX-License-Identifier: MIT */
/* libFuzzer: a peeled layer's routing JSON (classify: destination / proxy / relay). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onion_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snc_route r;

	if (snc_route_parse((const char *)data, size, &r) != 0)
		return 0;
	if (r.kind == SNC_ROUTE_PROXY &&
	    (strlen(r.host) > SNC_ROUTE_HOST_MAX || strlen(r.target) > SNC_ROUTE_TARGET_MAX))
		abort();
	if (r.kind == SNC_ROUTE_PROXY && r.target_allowed != snc_route_target_allowed(r.target))
		abort();
	/* what an exit proxies is a subset of the reference's allow-list, and only for proxies */
	if (snc_route_proxy_url_ok(&r) && (r.kind != SNC_ROUTE_PROXY || !r.target_allowed))
		abort();
	return 0;
}
