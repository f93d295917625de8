/* SPDX-License-Identifier: MIT */
/*
 * Client side of Session onion requests (libsession's builder, facts 1.5):
 * wraps a request for a destination (a node, or an HTTP(S) server reached
 * through the last relay) in one layer per relay, and keeps the destination's
 * hop key to open the reply. The result is the entry request body:
 *   [u32le N][layer for relay 0]{"ephemeral_key": A_0, "enc_type": t}
 */
#ifndef SNC_ONION_BUILD_H
#define SNC_ONION_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "enc_type.h"

enum {
	SNC_ONION_MAX_RELAYS = 14
}; /* with the destination: SS's 15-hop ceiling */

struct snc_onion_node {
	uint8_t ed25519[32]; /* names the node in the previous hop's routing JSON */
	uint8_t x25519[32];  /* the layer is encrypted to this key */
};

struct snc_onion_server {
	const char *host;
	const char *target;   /* e.g. /oxen/v4/lsrpc */
	const char *protocol; /* "https" or "http" */
	uint16_t port;
	uint8_t x25519[32];
};

struct snc_onion {
	uint8_t *payload; /* entry request body (malloc'd) */
	size_t payload_len;
	enum snc_enc_type type;
	uint8_t dest_key[32]; /* opens the destination's reply (snc_aead_open) */
	/* For cell clients (docs/wire-format.md): every hop's key, relay 0 first and the
	 * destination's last (n_hops of them), and relay 0's ephemeral key and raw X25519
	 * secret (the CREATE's header and its client mask). */
	uint8_t hop_keys[SNC_ONION_MAX_RELAYS + 1][32];
	size_t n_hops;
	uint8_t entry_eph[32];
	uint8_t entry_dh[32];
};

/*
 * eph_seeds: NULL for fresh random ephemeral keys, or (n_relays + 1) x 32 bytes
 * of seeds (relay 0 first, the destination's last) for reproducible vectors.
 * Returns 0, -EINVAL (bad arguments), -ENOMEM, or a crypto error.
 */
int snc_onion_build_to_node(enum snc_enc_type type, const struct snc_onion_node *relays,
			    size_t n_relays, const struct snc_onion_node *dest, const uint8_t *body,
			    size_t body_len, const uint8_t *eph_seeds, struct snc_onion *out);

/* Same for a server destination; needs at least one relay (the exit). */
int snc_onion_build_to_server(enum snc_enc_type type, const struct snc_onion_node *relays,
			      size_t n_relays, const struct snc_onion_server *server,
			      const uint8_t *body, size_t body_len, const uint8_t *eph_seeds,
			      struct snc_onion *out);

/* Opens the destination's reply (raw, not base64). */
int snc_onion_open_reply(const struct snc_onion *onion, const uint8_t *in, size_t in_len,
			 uint8_t *out, size_t out_cap, size_t *out_len);

void snc_onion_free(struct snc_onion *onion);

#endif
