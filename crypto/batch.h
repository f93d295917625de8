/* SPDX-License-Identifier: MIT */
/*
 * The batch contract shared by every snc_*_batch function: n items passed as
 * parallel arrays, and a per-item status[] (0 = ok, negative errno = failed).
 * An item whose status is already non-zero on entry is skipped, so a pipeline
 * (X25519 -> KDF -> AEAD) runs stage after stage over one status array and a
 * failure anywhere drops the item from the later stages. A multi-buffer
 * implementation replaces a scalar one behind the same signature.
 */
#ifndef SNC_BATCH_H
#define SNC_BATCH_H

#include <errno.h>

/* Per-item failure codes used by the crypto batches. */
enum {
	SNC_E_LOW_ORDER = -EDOM,	   /* X25519 output all zero: low-order point */
	SNC_E_AUTH = -EBADMSG,		   /* AEAD tag or padding check failed */
	SNC_E_LENGTH = -EMSGSIZE,	   /* input shorter than the framing, or output too small */
	SNC_E_ENC_TYPE = -EPROTONOSUPPORT, /* unknown or unsupported encryption type */
};

/* Largest burst the batch functions are sized for (the dataplane's burst). */
enum {
	SNC_BATCH_MAX = 64
};

#endif
