/* SPDX-License-Identifier: MIT */
#include "snc.h"

#include <sodium.h>

int
snc_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}
