/* SPDX-License-Identifier: MIT */
/*
 * Request cells and reply opening, checked against the node side done with
 * libsnc and the dataplane's codec: each hop peels the CREATE, opens its DATA
 * layer; replies are sealed per hop (mode 1) or Session-encrypted (mode 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "aead.h"
#include "cell.h"
#include "cell_mask.h"
#include "onion_layer.h"
#include "onion_req.h"
#include "payload.h"
#include "snc.h"

struct node {
	struct snc_node_keys k;
	struct snc_onion_node pub;
};

static void
make_nodes(struct node *n, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		uint8_t seed[32];

		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, n[i].k.x25519_sk, n[i].k.x25519_pk);
		memcpy(n[i].pub.x25519, n[i].k.x25519_pk, 32);
		randombytes_buf(n[i].pub.ed25519, 32);
	}
}

/* The destination's side: the body its CREATE layer and the DATA cells carry. */
static size_t
node_side(const struct node *n, size_t hops, const uint8_t *cells, size_t n_cells,
	  const struct scl_circuit *circ, uint8_t *body)
{
	struct dp_cell c;
	uint8_t mask[5], *pt = malloc(70000), *cur = malloc(70000), eph[32], key[32];
	size_t pt_len = 0, len = 0;
	struct snc_payload p;

	assert_int_equal(dp_cell_parse(cells, SCL_CELL_BYTES, &c), DP_DROP_NONE);
	assert_int_equal(c.kind, DP_CELL_CREATE);
	assert_int_equal(c.flags & DP_CELL_FLAG_MORE, n_cells > 1 ? DP_CELL_FLAG_MORE : 0);
	assert_true(c.flags & DP_CELL_FLAG_CLIENT);
	memcpy(eph, c.eph_key, 32);
	snc_cell_mask(circ->onion.entry_dh, DP_CELL_CREATE, c.label, 0, mask);
	assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
	assert_int_equal(c.hop_no, 0);
	/* Peel hop by hop; each layer's JSON names the next ephemeral key. */
	const uint8_t *blob = c.data;
	size_t blob_len = c.data_len;
	for (size_t h = 0; h < hops; h++) {
		assert_int_equal(snc_onion_layer_decrypt(&n[h].k, (enum snc_enc_type)c.enc_type,
							 eph, blob, blob_len, pt, 70000, &pt_len,
							 key),
				 0);
		assert_memory_equal(key, circ->onion.hop_keys[h], 32);
		assert_int_equal(snc_payload_parse(pt, pt_len, &p), 0);
		if (h + 1 < hops) {
			const char *e = strstr(p.json, "\"ephemeral_key\":\"");

			assert_non_null(e);
			sodium_hex2bin(eph, 32, e + 17, 64, NULL, NULL, NULL);
			memcpy(cur, p.blob, p.blob_len);
			blob = cur;
			blob_len = p.blob_len;
		}
	}
	memcpy(body, p.blob, p.blob_len);
	len = p.blob_len;
	for (size_t i = 1; i < n_cells; i++) {
		const uint8_t *cell = cells + i * SCL_CELL_BYTES;
		uint8_t buf[SCL_CELL_BYTES];
		size_t plen;

		assert_int_equal(dp_cell_parse(cell, SCL_CELL_BYTES, &c), DP_DROP_NONE);
		assert_int_equal(c.seq, i - 1);
		assert_int_equal(!!(c.flags & DP_CELL_FLAG_LAST), i + 1 == n_cells);
		snc_cell_mask(circ->kf[0], DP_CELL_DATA, c.label, c.seq, mask);
		assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
		memcpy(buf, c.data, c.data_len);
		plen = c.data_len;
		for (size_t h = 0; h < hops; h++) {
			assert_int_equal(snc_cell_data_open(circ->kf[h], c.seq, buf, plen, buf), 0);
			plen -= 16;
		}
		memcpy(body + len, buf, plen);
		len += plen;
	}
	free(pt);
	free(cur);
	return len;
}

static void
round_trip(size_t hops, size_t body_len, enum snc_enc_type enc)
{
	struct node n[3];
	struct scl_circuit circ;
	struct scl_error err = {0};
	uint8_t *body = malloc(body_len + 1), *got = malloc(body_len + 70000), *cells = NULL;
	size_t n_cells = 0;

	make_nodes(n, hops);
	struct snc_onion_node path[3] = {n[0].pub, n[1].pub, n[2].pub};
	randombytes_buf(body, body_len);
	assert_int_equal(scl_onion_req_build(path, hops, enc, 1, body, body_len, &circ, &cells,
					     &n_cells, &err),
			 0);
	assert_int_equal(node_side(n, hops, cells, n_cells, &circ, got), body_len);
	assert_memory_equal(got, body, body_len);
	free(cells);
	scl_circuit_free(&circ);
	free(body);
	free(got);
}

static void
test_requests(void **state)
{
	(void)state;
	round_trip(3, 10, SNC_ENC_AES_GCM);
	round_trip(3, 10, SNC_ENC_XCHACHA20);
	round_trip(1, 10, SNC_ENC_AES_GCM);
	round_trip(3, 5000, SNC_ENC_AES_GCM); /* CREATE + DATA */
	round_trip(2, 30000, SNC_ENC_XCHACHA20);
	round_trip(3, 0, SNC_ENC_AES_GCM);
}

/* The exact edge: the largest body in one CREATE, and one byte more needs one DATA. */
static void
test_create_edge(void **state)
{
	struct node n[3];
	struct scl_circuit circ;
	struct scl_error err = {0};
	uint8_t body[2000] = {0}, *cells = NULL;
	size_t n_cells = 0, fit = 0;

	(void)state;
	make_nodes(n, 3);
	struct snc_onion_node path[3] = {n[0].pub, n[1].pub, n[2].pub};
	for (size_t len = 0; len < sizeof(body); len++) {
		assert_int_equal(scl_onion_req_build(path, 3, SNC_ENC_AES_GCM, 1, body, len, &circ,
						     &cells, &n_cells, &err),
				 0);
		free(cells);
		scl_circuit_free(&circ);
		if (n_cells == 1)
			fit = len;
		else
			break;
	}
	assert_true(fit > 200 && fit < 1176);
	assert_int_equal(scl_onion_req_build(path, 3, SNC_ENC_AES_GCM, 1, body, fit + 1, &circ,
					     &cells, &n_cells, &err),
			 0);
	assert_int_equal(n_cells, 2);
	free(cells);
	scl_circuit_free(&circ);
	assert_int_equal(scl_onion_req_build(path, 3, SNC_ENC_AES_GCM, 2, body, 1, &circ, &cells,
					     &n_cells, &err),
			 -1);
}

/* Reply cells as the path sends them to the client. */
static uint8_t **
reply_cells(const struct scl_circuit *circ, const uint8_t *body, size_t len, size_t *n)
{
	size_t hops = circ->onion.n_hops;
	size_t chunk = circ->reply_mode == 1 ? 1212 - 16 * hops : 1212;
	uint8_t **cells;

	*n = len == 0 ? 1 : (len + chunk - 1) / chunk;
	cells = calloc(*n, sizeof(*cells));
	for (size_t s = 0; s < *n; s++) {
		size_t off = s * chunk, l = len - off < chunk ? len - off : chunk;
		uint8_t payload[1300], mask[5];

		memcpy(payload, body + off, l);
		if (circ->reply_mode == 1)
			for (size_t h = hops; h-- > 0;) {
				snc_cell_data_seal(circ->kr[h], (uint32_t)s, payload, l, payload);
				l += 16;
			}
		cells[s] = malloc(SCL_CELL_BYTES);
		snc_cell_mask(circ->kr[0], DP_CELL_REPLY, circ->label, (uint32_t)s, mask);
		assert_int_not_equal(dp_cell_write_data(cells[s], DP_CELL_REPLY, 0,
							(uint8_t)(0x80 | (s + 1 == *n)),
							circ->label, (uint32_t)s, mask, payload,
							(uint32_t)l),
				     0);
	}
	return cells;
}

static void
free_cells(uint8_t **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

static void
reply_round_trip(int mode, size_t len)
{
	struct node n[3];
	struct scl_circuit circ;
	struct scl_error err = {0};
	uint8_t *cells = NULL, **rc;
	char *text = malloc(len + 1), *got = NULL, *wire;
	size_t n_cells, n_rc, got_len = 0, wire_len;
	size_t lens[4096];

	make_nodes(n, 3);
	struct snc_onion_node path[3] = {n[0].pub, n[1].pub, n[2].pub};
	for (size_t i = 0; i < len; i++)
		text[i] = (char)('a' + i % 26);
	text[len] = '\0';
	assert_int_equal(scl_onion_req_build(path, 3, SNC_ENC_XCHACHA20, mode, (const uint8_t *)"x",
					     1, &circ, &cells, &n_cells, &err),
			 0);
	if (mode == 1) {
		wire = strdup(text);
		wire_len = len;
	} else { /* the destination's Session reply: base64(Enc(dest key, body)) */
		uint8_t *ct = malloc(len + 64);
		size_t ct_len;

		assert_int_equal(snc_aead_seal(SNC_ENC_XCHACHA20, circ.onion.dest_key,
					       (const uint8_t *)text, len, ct, len + 64, &ct_len),
				 0);
		wire_len = sodium_base64_ENCODED_LEN(ct_len, sodium_base64_VARIANT_ORIGINAL);
		wire = malloc(wire_len);
		sodium_bin2base64(wire, wire_len, ct, ct_len, sodium_base64_VARIANT_ORIGINAL);
		wire_len = strlen(wire);
		free(ct);
	}
	rc = reply_cells(&circ, (const uint8_t *)wire, wire_len, &n_rc);
	for (size_t i = 0; i < n_rc; i++)
		lens[i] = SCL_CELL_BYTES;
	assert_int_equal(scl_onion_reply_open(&circ, (const uint8_t *const *)rc, lens, n_rc, &got,
					      &got_len, &err),
			 0);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, text, len);
	free(got);
	/* A flipped byte in any layer's payload: the reply does not open. */
	rc[n_rc - 1][25] ^= 1;
	assert_int_equal(scl_onion_reply_open(&circ, (const uint8_t *const *)rc, lens, n_rc, &got,
					      &got_len, &err),
			 -1);
	assert_int_equal(err.code, SCL_E_REPLY);
	/* A cell shorter than its header. */
	lens[0] = 19;
	assert_int_equal(scl_onion_reply_open(&circ, (const uint8_t *const *)rc, lens, n_rc, &got,
					      &got_len, &err),
			 -1);
	free_cells(rc, n_rc);
	free(wire);
	free(text);
	free(cells);
	scl_circuit_free(&circ);
}

static void
test_replies(void **state)
{
	(void)state;
	reply_round_trip(1, 100);
	reply_round_trip(1, 1164); /* exactly one full layered cell at 3 hops */
	reply_round_trip(1, 1165); /* one byte into a second */
	reply_round_trip(1, 50000);
	reply_round_trip(0, 100);
	reply_round_trip(0, 50000);
}

static void
test_reply_parse(void **state)
{
	struct scl_error err = {0};
	char *body = NULL;
	size_t len = 0;
	int status = 0;

	(void)state;
	const char *ok1 = "{\"body\":\"hi\",\"status\":200}";
	const char *ok2 = "{\"body\":{\"a\":1},\"status\":421}";

	assert_int_equal(scl_onion_reply_parse(ok1, strlen(ok1), &status, &body, &len, &err), 0);
	assert_int_equal(status, 200);
	assert_string_equal(body, "hi");
	free(body);
	assert_int_equal(scl_onion_reply_parse(ok2, strlen(ok2), &status, &body, &len, &err), 0);
	assert_string_equal(body, "{\"a\":1}");
	free(body);
	static const char *bad[] = {"",
				    "{}",
				    "{\"status\":200}",
				    "{\"body\":\"x\"}",
				    "{\"body\":\"x\",\"status\":\"200\"}",
				    "{\"body\":\"x\",\"status\":99}",
				    "{\"body\":\"x\",\"status\":600}",
				    "[1]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			scl_onion_reply_parse(bad[i], strlen(bad[i]), &status, &body, &len, &err),
			-1);
		assert_int_equal(err.code, SCL_E_REPLY);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_create_edge),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_reply_parse),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests_name("onion_req", tests, NULL, NULL);
}
