/* SPDX-License-Identifier: MIT */
#include "snc.h"

#include <sodium.h>

#include "aead.h"
#include "kdf.h"
#include "x25519.h"

/*
 * Fails (-1) also when SNC_X25519_IMPL / SNC_X25519_MB_MIN ask for what this
 * machine cannot do; snc_x25519_select_error() gives the one-line reason.
 */
int
snc_init(void)
{
	if (sodium_init() < 0)
		return -1;
	snc_aead_select();
	snc_kdf_init();
	if (snc_x25519_select() != 0)
		return -1;
	return 0;
}
