/* SPDX-License-Identifier: MIT */
/*
 * libsnc entry point: snc_init() must run once per process before any other
 * snc_ call (it initialises libsodium and picks CPU-specific implementations).
 */
#ifndef SNC_H
#define SNC_H

/* Returns 0, or -1 when libsodium cannot initialise or SNC_X25519_IMPL /
 * SNC_X25519_MB_MIN / SNC_AESGCM_IMPL ask for what this machine cannot do. */
int snc_init(void);

/* After snc_init() failed: the one-line reason. */
const char *snc_init_error(void);

#endif
