/* SPDX-License-Identifier: MIT */
/*
 * Message hashes. The netid byte is hashed although the storage server's
 * doc comment says only "PUBKEY": the code and its unit test include it.
 */
#include "msg_hash.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>

int
snc_msg_hash_compute(const uint8_t pubkey[33], int32_t ns, const uint8_t *data, size_t len,
		     char out[SNC_MSG_HASH_B64_BUF])
{
	crypto_generichash_state st;
	uint8_t h[SNC_MSG_HASH_BYTES];
	char nsbuf[8];
	int nslen = 0;

	if (pubkey == NULL || out == NULL || (data == NULL && len > 0))
		return -EINVAL;
	if (ns < SNC_MSG_NS_MIN || ns > SNC_MSG_NS_MAX)
		return -ERANGE;
	if (ns != 0)
		nslen = snprintf(nsbuf, sizeof(nsbuf), "%d", (int)ns);
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, pubkey, 33);
	crypto_generichash_update(&st, (const uint8_t *)nsbuf, (size_t)nslen);
	if (len > 0)
		crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2base64(out, SNC_MSG_HASH_B64_BUF, h, sizeof(h),
			  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	return 0;
}

static bool
is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_';
}

bool
snc_msg_hash_is_valid(const char *s, size_t len)
{
	if (s == NULL || len != SNC_MSG_HASH_B64_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_b64_char(s[i]))
			return false;
	return true;
}
