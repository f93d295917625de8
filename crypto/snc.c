/* SPDX-License-Identifier: MIT */
#include "snc.h"

#include <sodium.h>

#include "aead.h"

int
snc_init(void)
{
	if (sodium_init() < 0)
		return -1;
	snc_aead_select();
	return 0;
}
