/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: every parser of libsnclient on any bytes. The first byte picks
 * the parser: registry text, a swarm (421) answer, the destination's
 * {status, body}, a recovery phrase, or REPLY cells opened with a fixed
 * circuit (both reply modes). None may crash, leak or read past its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mnemonic.h"
#include "nodes.h"
#include "onion_req.h"
#include "snc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct scl_circuit circ[2];

/* A circuit to three fixed nodes, built once: its keys open (or refuse) the cells. */
static void
init_circuits(void)
{
	static int done;
	struct snc_onion_node path[3];
	struct scl_error err;

	if (done)
		return;
	done = 1;
	snc_init();
	for (int i = 0; i < 3; i++) {
		memset(path[i].ed25519, i + 1, 32);
		memset(path[i].x25519, 9 + i, 32);
	}
	for (int m = 0; m < 2; m++) {
		uint8_t *cells = NULL;
		size_t n = 0;

		if (scl_onion_req_build(path, 3, SNC_ENC_AES_GCM, m, (const uint8_t *)"{}", 2,
					&circ[m], &cells, &n, &err) != 0)
			abort();
		free(cells);
	}
}

/* The rest of the input as REPLY cells of up to 1232 bytes. */
static void
reply_cells(int mode, const uint8_t *data, size_t size)
{
	const uint8_t *cells[64];
	size_t lens[64], n = 0;
	char *body = NULL;
	size_t body_len = 0;
	struct scl_error err;

	while (size > 0 && n < 64) {
		size_t l = size < SCL_CELL_BYTES ? size : SCL_CELL_BYTES;

		cells[n] = data;
		lens[n++] = l;
		data += l;
		size -= l;
	}
	if (scl_onion_reply_open(&circ[mode], cells, lens, n, &body, &body_len, &err) == 0) {
		if (body[body_len] != '\0')
			abort();
		free(body);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scl_error err;
	struct scl_nodes ns;
	char *text, *body = NULL;
	size_t body_len;
	int status;

	if (size == 0)
		return 0;
	init_circuits();
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	scl_nodes_init(&ns);
	switch (data[0] % 6) {
	case 0:
		scl_nodes_parse_registry(&ns, "fuzz", text, size - 1, &err);
		break;
	case 1:
		scl_nodes_apply_swarm(&ns, text, size - 1, &err);
		break;
	case 2:
		if (scl_onion_reply_parse(text, size - 1, &status, &body, &body_len, &err) == 0)
			free(body);
		break;
	case 3: {
		uint8_t seed[SCL_MNEMONIC_SEED_BYTES];
		char again[SCL_MNEMONIC_PHRASE_MAX];

		/* A phrase that decodes encodes back to the same seed. */
		if (scl_mnemonic_decode(text, seed, &err) == 0) {
			uint8_t back[SCL_MNEMONIC_SEED_BYTES];

			scl_mnemonic_encode(seed, again);
			if (scl_mnemonic_decode(again, back, &err) != 0 ||
			    memcmp(seed, back, sizeof(seed)) != 0)
				abort();
		}
		break;
	}
	default:
		reply_cells(data[0] % 6 - 4, data + 1, size - 1);
		break;
	}
	scl_nodes_free(&ns);
	free(text);
	return 0;
}
