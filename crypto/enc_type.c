/* SPDX-License-Identifier: MIT */
#include "enc_type.h"

#include <string.h>

#include "batch.h"

struct enc_name {
	const char *name;
	enum snc_enc_type type;
};

static const struct enc_name enc_names[] = {
	{"aes-gcm", SNC_ENC_AES_GCM},	  {"gcm", SNC_ENC_AES_GCM},
	{"xchacha20", SNC_ENC_XCHACHA20}, {"xchacha20-poly1305", SNC_ENC_XCHACHA20},
	{"aes-cbc", SNC_ENC_AES_CBC},	  {"cbc", SNC_ENC_AES_CBC},
};

int
snc_enc_type_parse(const char *name, size_t len, enum snc_enc_type *out)
{
	for (size_t i = 0; i < sizeof(enc_names) / sizeof(enc_names[0]); i++) {
		if (strlen(enc_names[i].name) == len && memcmp(enc_names[i].name, name, len) == 0) {
			*out = enc_names[i].type;
			return 0;
		}
	}
	return SNC_E_ENC_TYPE;
}

const char *
snc_enc_type_name(enum snc_enc_type type)
{
	switch (type) {
	case SNC_ENC_AES_GCM:
		return "aes-gcm";
	case SNC_ENC_XCHACHA20:
		return "xchacha20";
	case SNC_ENC_AES_CBC:
		return "aes-cbc";
	default:
		return "unknown";
	}
}

size_t
snc_enc_type_sealed_len(enum snc_enc_type type, size_t len)
{
	switch (type) {
	case SNC_ENC_AES_GCM:
		return SNC_GCM_IV_BYTES + len + SNC_GCM_TAG_BYTES;
	case SNC_ENC_XCHACHA20:
		return SNC_XCHACHA_NONCE_BYTES + len + SNC_XCHACHA_TAG_BYTES;
	case SNC_ENC_AES_CBC:
		return SNC_CBC_IV_BYTES + (len / SNC_CBC_BLOCK_BYTES + 1) * SNC_CBC_BLOCK_BYTES;
	default:
		return 0;
	}
}

size_t
snc_enc_type_min_len(enum snc_enc_type type)
{
	return snc_enc_type_sealed_len(type, 0);
}
