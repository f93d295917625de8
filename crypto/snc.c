/* SPDX-License-Identifier: MIT */
#include "snc.h"

#include <sodium.h>

#include "aead.h"
#include "kdf.h"
#include "x25519.h"

/*
 * Fails (-1) also when SNC_X25519_IMPL / SNC_X25519_MB_MIN / SNC_AESGCM_IMPL ask
 * for what this machine cannot do; snc_init_error() gives the one-line reason.
 */
int
snc_init(void)
{
	int aead_rc;

	if (sodium_init() < 0)
		return -1;
	aead_rc = snc_aead_select();
	snc_kdf_init();
	if (snc_x25519_select() != 0 || aead_rc != 0)
		return -1;
	return 0;
}

const char *
snc_init_error(void)
{
	const char *e = snc_x25519_select_error();

	if (e == NULL)
		e = snc_aead_select_error();
	return e != NULL ? e : "libsodium failed to initialise";
}
