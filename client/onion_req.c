/* SPDX-License-Identifier: MIT */
#include "onion_req.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cell.h"
#include "cell_mask.h"
#include "payload.h"

enum {
	CREATE_CAP = SCL_CELL_BYTES - DP_CELL_CREATE_HDR,
	DATA_CAP = SCL_CELL_BYTES - DP_CELL_DATA_HDR,
};

/* The blob (relay 0's layer) inside the onion's entry payload. */
static int
entry_blob(const struct snc_onion *o, const uint8_t **blob, size_t *len)
{
	struct snc_payload p;

	if (snc_payload_parse(o->payload, o->payload_len, &p) != 0)
		return -1;
	*blob = p.blob;
	*len = p.blob_len;
	return 0;
}

static int
build_onion(const struct snc_onion_node *path, size_t n, enum snc_enc_type enc, const uint8_t *body,
	    size_t len, struct snc_onion *o)
{
	return snc_onion_build_to_node(enc, path, n - 1, &path[n - 1], body, len, NULL, o);
}

/* How many body bytes the CREATE carries: the onion's overhead only depends on
 * the body's length, so an onion of an empty body measures it. */
static int
create_room(const struct snc_onion_node *path, size_t n, enum snc_enc_type enc, size_t *room)
{
	struct snc_onion o;
	const uint8_t *blob;
	size_t blob_len;
	int rc = build_onion(path, n, enc, (const uint8_t *)"", 0, &o);

	if (rc == 0)
		rc = entry_blob(&o, &blob, &blob_len);
	if (rc == 0 && blob_len > CREATE_CAP)
		rc = -1;
	if (rc == 0)
		*room = CREATE_CAP - blob_len;
	snc_onion_free(&o);
	return rc;
}

static void
write_create(const struct scl_circuit *c, int more, const uint8_t *blob, size_t blob_len,
	     uint8_t *cell)
{
	uint8_t mask[SNC_CELL_MASK_BYTES];

	snc_cell_mask(c->onion.entry_dh, DP_CELL_CREATE, c->label, 0, mask);
	dp_cell_write_create(cell, 0,
			     (uint8_t)(DP_CELL_FLAG_CLIENT | (more ? DP_CELL_FLAG_MORE : 0)),
			     c->label, (uint8_t)c->onion.type, (uint8_t)c->reply_mode,
			     c->onion.entry_eph, 0, mask, blob, (uint32_t)blob_len);
}

/* DATA cell seq: the chunk sealed with kf of the destination first, the entry's last. */
static void
write_data(const struct scl_circuit *c, uint32_t seq, int last, const uint8_t *chunk, size_t len,
	   uint8_t *cell)
{
	uint8_t payload[DATA_CAP], mask[SNC_CELL_MASK_BYTES];
	size_t hops = c->onion.n_hops, plen = len;

	memcpy(payload, chunk, len);
	for (size_t k = hops; k-- > 0;) {
		snc_cell_data_seal(c->kf[k], seq, payload, plen, payload);
		plen += SNC_CELL_DATA_TAG_BYTES;
	}
	snc_cell_mask(c->kf[0], DP_CELL_DATA, c->label, seq, mask);
	dp_cell_write_data(cell, DP_CELL_DATA, 0,
			   (uint8_t)(DP_CELL_FLAG_CLIENT | (last ? DP_CELL_FLAG_LAST : 0)),
			   c->label, seq, mask, payload, (uint32_t)plen);
}

static void
pad_cells(uint8_t *cells, size_t n)
{
	/* Random padding everywhere first; the writers overwrite the used part. */
	randombytes_buf(cells, n * SCL_CELL_BYTES);
}

static int
make_cells(struct scl_circuit *c, const uint8_t *rest, size_t rest_len, uint8_t **cells,
	   size_t *n_cells, struct scl_error *err)
{
	size_t chunk = DATA_CAP - SNC_CELL_DATA_TAG_BYTES * c->onion.n_hops;
	size_t n_data = rest_len == 0 ? 0 : (rest_len + chunk - 1) / chunk;
	const uint8_t *blob;
	size_t blob_len;
	uint8_t *out = malloc((1 + n_data) * SCL_CELL_BYTES);

	if (out == NULL || entry_blob(&c->onion, &blob, &blob_len) != 0) {
		free(out);
		return scl_fail(err, SCL_E_SYSTEM, "out of memory building the request");
	}
	pad_cells(out, 1 + n_data);
	write_create(c, n_data > 0, blob, blob_len, out);
	for (size_t i = 0; i < n_data; i++) {
		size_t off = i * chunk, len = rest_len - off < chunk ? rest_len - off : chunk;

		write_data(c, (uint32_t)i, i + 1 == n_data, rest + off, len,
			   out + (1 + i) * SCL_CELL_BYTES);
	}
	*cells = out;
	*n_cells = 1 + n_data;
	return 0;
}

int
scl_onion_req_build(const struct snc_onion_node *path, size_t n, enum snc_enc_type enc,
		    int reply_mode, const uint8_t *body, size_t len, struct scl_circuit *circ,
		    uint8_t **cells, size_t *n_cells, struct scl_error *err)
{
	size_t room = 0, first;

	memset(circ, 0, sizeof(*circ));
	if (n == 0 || n > SNC_ONION_MAX_RELAYS + 1 || reply_mode < 0 || reply_mode > 1)
		return scl_fail(err, SCL_E_USAGE, "bad path or reply mode");
	if (len > SCL_REQUEST_BODY_MAX)
		return scl_fail(err, SCL_E_USAGE, "request of %zu bytes is over the %d-byte limit",
				len, SCL_REQUEST_BODY_MAX);
	if (create_room(path, n, enc, &room) != 0)
		return scl_fail(err, SCL_E_SYSTEM, "cannot build an onion for this path");
	first = len < room ? len : room;
	if (build_onion(path, n, enc, body, first, &circ->onion) != 0)
		return scl_fail(err, SCL_E_SYSTEM, "cannot build an onion for this path");
	randombytes_buf(&circ->label, sizeof(circ->label));
	circ->label |= 1; /* never 0 */
	circ->reply_mode = reply_mode;
	for (size_t k = 0; k < circ->onion.n_hops; k++)
		snc_cell_data_keys(circ->onion.hop_keys[k], circ->kf[k], circ->kr[k]);
	if (make_cells(circ, body + first, len - first, cells, n_cells, err) != 0) {
		scl_circuit_free(circ);
		return -1;
	}
	return 0;
}

void
scl_circuit_free(struct scl_circuit *circ)
{
	snc_onion_free(&circ->onion);
	sodium_memzero(circ, sizeof(*circ));
}

/* The payload of REPLY cell seq after unmasking its length with the entry's kr. */
static int
cell_payload(const struct scl_circuit *c, const uint8_t *cell, size_t len, uint32_t seq,
	     const uint8_t **p, size_t *plen)
{
	uint8_t mask[SNC_CELL_MASK_BYTES];
	uint32_t n;

	if (len < DP_CELL_DATA_HDR)
		return -1;
	snc_cell_mask(c->kr[0], DP_CELL_REPLY, c->label, seq, mask);
	n = ((uint32_t)(cell[16] ^ mask[0]) << 24) | ((uint32_t)(cell[17] ^ mask[1]) << 16) |
	    ((uint32_t)(cell[18] ^ mask[2]) << 8) | (uint32_t)(cell[19] ^ mask[3]);
	if (n > len - DP_CELL_DATA_HDR)
		return -1;
	*p = cell + DP_CELL_DATA_HDR;
	*plen = n;
	return 0;
}

/* Appends cell seq's bytes to out, opening every layer in mode 1. */
static int
append_cell(const struct scl_circuit *c, const uint8_t *cell, size_t len, uint32_t seq,
	    uint8_t *out, size_t *out_len)
{
	const uint8_t *p;
	size_t plen;
	uint8_t buf[SCL_CELL_BYTES];

	if (cell_payload(c, cell, len, seq, &p, &plen) != 0 || plen > sizeof(buf))
		return -1;
	if (c->reply_mode == SCL_REPLY_MODE_LAYERED) {
		memcpy(buf, p, plen);
		for (size_t k = 0; k < c->onion.n_hops; k++) {
			if (snc_cell_data_open(c->kr[k], seq, buf, plen, buf) != 0)
				return -1;
			plen -= SNC_CELL_DATA_TAG_BYTES;
		}
		p = buf;
	}
	if (*out_len + plen > SCL_REPLY_BODY_MAX * 2)
		return -1;
	memcpy(out + *out_len, p, plen);
	*out_len += plen;
	return 0;
}

/* Mode 0: the concatenation is base64 of Enc(destination key, body). */
static int
open_compat(const struct scl_circuit *c, const uint8_t *in, size_t in_len, uint8_t *out,
	    size_t *out_len)
{
	uint8_t *raw = malloc(in_len + 1);
	size_t raw_len = 0;
	int rc = raw == NULL ? -1 : 0;

	if (rc == 0 && sodium_base642bin(raw, in_len + 1, (const char *)in, in_len, NULL, &raw_len,
					 NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		rc = -1;
	if (rc == 0 && snc_onion_open_reply(&c->onion, raw, raw_len, out, in_len, out_len) != 0)
		rc = -1;
	free(raw);
	return rc;
}

int
scl_onion_reply_open(const struct scl_circuit *circ, const uint8_t *const *cells, const size_t *len,
		     size_t n, char **body, size_t *body_len, struct scl_error *err)
{
	uint8_t *acc, *out;
	size_t acc_len = 0;
	int rc = 0;

	if (n == 0 || n > SCL_REPLY_CELLS_MAX)
		return scl_fail(err, SCL_E_REPLY, "a reply of %zu cells", n);
	acc = malloc(n * SCL_CELL_BYTES + 1);
	if (acc == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = append_cell(circ, cells[i], len[i], (uint32_t)i, acc, &acc_len);
	if (rc != 0) {
		free(acc);
		return scl_fail(err, SCL_E_REPLY,
				"a reply cell does not open (wrong keys or damaged)");
	}
	if (circ->reply_mode == SCL_REPLY_MODE_LAYERED) {
		out = acc;
	} else {
		size_t out_len = 0;

		out = malloc(acc_len + 1);
		rc = out == NULL ? -1 : open_compat(circ, acc, acc_len, out, &out_len);
		free(acc);
		if (rc != 0) {
			free(out);
			return scl_fail(err, SCL_E_REPLY, "the Session reply does not open");
		}
		acc_len = out_len;
	}
	if (acc_len > SCL_REPLY_BODY_MAX) {
		free(out);
		return scl_fail(err, SCL_E_REPLY, "a reply over %d bytes", SCL_REPLY_BODY_MAX);
	}
	out[acc_len] = '\0';
	*body = (char *)out;
	*body_len = acc_len;
	return 0;
}

int
scl_onion_reply_parse(const char *reply, size_t len, int *status, char **body, size_t *body_len,
		      struct scl_error *err)
{
	json_t *root = json_loadb(reply, len, 0, NULL);
	json_t *st = json_object_get(root, "status"), *b = json_object_get(root, "body");
	char *text = NULL;

	if (root == NULL || !json_is_integer(st) || b == NULL || json_integer_value(st) < 100 ||
	    json_integer_value(st) > 599) {
		json_decref(root);
		return scl_fail(err, SCL_E_REPLY, "the destination's answer is not {status, body}");
	}
	if (json_is_string(b)) {
		*body_len = json_string_length(b);
		text = malloc(*body_len + 1);
		if (text != NULL) {
			memcpy(text, json_string_value(b), *body_len);
			text[*body_len] = '\0';
		}
	} else {
		text = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		*body_len = text != NULL ? strlen(text) : 0;
	}
	*status = (int)json_integer_value(st);
	json_decref(root);
	if (text == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	*body = text;
	return 0;
}
