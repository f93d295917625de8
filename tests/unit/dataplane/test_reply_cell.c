/* SPDX-License-Identifier: MIT */
/*
 * dataplane/reply_cell.c: a reply crosses C -> B -> A -> client as bytes
 * (no DPDK): C writes its cells, each relay checks and rewrites them, the
 * client unmasks with the entry's kr and opens every layer with the hop keys
 * it chose. Then every size at its edge and every reason a relay refuses one.
 */
#include "test_common.h"

#include "aead.h"
#include "cell_mask.h"
#include "reply_cell.h"

enum {
	CAP = DP_CELL_SMALL - DP_CELL_DATA_HDR, /* 1212 */
};

static const uint64_t label_client = 0x1111111111111101ull, label_ab = 0x2222222222222202ull,
		      label_bc = 0x3333333333333303ull;
static uint8_t link_ab[32], link_bc[32];
/* The nonce the worker would draw from its ChaCha20 stream (dp_worker_random). */
static const uint8_t test_nonce[DP_REPLY_NONCE_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};

/* A (entry, client link), B (relay), C (destination, hop 2) of one circuit. */
struct path {
	struct dp_circuit a, b, c;
};

static void
hop(struct dp_circuit *c, uint64_t in_label, uint64_t out_label, uint8_t mode, uint8_t hop_no)
{
	memset(c, 0, sizeof(*c));
	c->in_label = in_label;
	c->out_label = out_label;
	c->reply_mode = mode;
	c->hop_no = hop_no;
	randombytes_buf(c->hop_key, 32);
	snc_cell_data_keys(c->hop_key, c->kf, c->kr);
}

static void
make_path(struct path *p, uint8_t mode, enum snc_enc_type enc)
{
	randombytes_buf(link_ab, 32);
	randombytes_buf(link_bc, 32);
	hop(&p->a, label_client, label_ab, mode, 0);
	p->a.client_link = 1;
	hop(&p->b, label_ab, label_bc, mode, 1);
	hop(&p->c, label_bc, 0, mode, 2);
	p->c.enc_type = (uint8_t)enc;
}

/* A cell on a link: parsed and unmasked as its receiver does. */
static void
receive(const uint8_t *cell, const uint8_t key[32], uint64_t label, struct dp_cell *out)
{
	uint8_t mask[DP_CELL_MASK_BYTES];

	assert_int_equal(dp_cell_parse(cell, DP_CELL_SMALL, out), DP_DROP_NONE);
	assert_int_equal(out->kind, DP_CELL_REPLY);
	assert_int_equal(out->label, label);
	snc_cell_mask(key, DP_CELL_REPLY, label, out->seq, mask);
	assert_int_equal(dp_cell_unmask(out, mask), DP_DROP_NONE);
}

/* One relay hop: check, rewrite for the previous link, pad. */
static void
relay(uint8_t *cell, struct dp_circuit *c, const uint8_t in_key[32], const uint8_t out_key[32])
{
	struct dp_cell parsed;
	uint32_t used;

	receive(cell, in_key, c->out_label, &parsed);
	assert_int_equal(dp_reply_cell_check(c, &parsed), DP_DROP_NONE);
	used = dp_reply_cell_rewrite(cell, &parsed, c, out_key);
	assert_true(used >= DP_CELL_DATA_HDR);
	randombytes_buf(cell + used, DP_CELL_SMALL - used);
}

/*
 * Sends the prepared reply through C, B, A; the client opens it into out.
 * links[k] keeps cell 0 as it was on the C-B, B-A and A-client links.
 */
static size_t
cross(struct path *p, const uint8_t *prepared, size_t len, uint8_t *out,
      uint8_t links[3][DP_CELL_SMALL])
{
	uint32_t chunk = dp_reply_cell_chunk(0, p->c.reply_mode, p->c.hop_no);
	uint32_t n = dp_reply_cell_count(len, chunk);
	size_t got = 0;

	for (uint32_t seq = 0; seq < n; seq++) {
		uint8_t cell[DP_CELL_SMALL];
		struct dp_cell seen;
		uint32_t used =
			dp_reply_cell_write(cell, &p->c, link_bc, prepared, len, chunk, seq, n);

		assert_true(used > 0);
		randombytes_buf(cell + used, DP_CELL_SMALL - used);
		if (seq == 0)
			memcpy(links[0], cell, DP_CELL_SMALL);
		relay(cell, &p->b, link_bc, link_ab);
		if (seq == 0)
			memcpy(links[1], cell, DP_CELL_SMALL);
		relay(cell, &p->a, link_ab, p->a.kr);
		if (seq == 0)
			memcpy(links[2], cell, DP_CELL_SMALL);
		receive(cell, p->a.kr, label_client, &seen);
		assert_int_equal(seen.seq, seq);
		assert_int_equal(seen.flags,
				 DP_CELL_FLAG_CLIENT | (seq + 1 == n ? DP_CELL_FLAG_LAST : 0));
		memcpy(out + got, seen.data, seen.data_len);
		if (p->c.reply_mode == DP_CELL_REPLY_LAYERED) {
			const uint8_t *keys[3] = {p->a.kr, p->b.kr, p->c.kr};
			uint32_t l = seen.data_len;
			for (int k = 0; k < 3; k++, l -= DP_REPLY_LAYER)
				assert_int_equal(
					snc_cell_data_open(keys[k], seq, out + got, l, out + got),
					0);
			seen.data_len = l;
		}
		got += seen.data_len;
	}
	return got;
}

static void
layered_reply_opens_layer_by_layer(void **state)
{
	static uint8_t body[3000], out[4000], links[3][DP_CELL_SMALL];
	struct path p;
	struct dp_cell on_bc, on_ab, on_client;

	(void)state;
	randombytes_buf(body, sizeof(body));
	make_path(&p, DP_CELL_REPLY_LAYERED, SNC_ENC_AES_GCM);
	assert_int_equal(dp_reply_cell_prepared_len(&p.c, DP_REPLY_BASE64, sizeof(body)),
			 sizeof(body));
	assert_int_equal(cross(&p, body, sizeof(body), out, links), sizeof(body));
	assert_memory_equal(out, body, sizeof(body));
	/* Full cells fill the client link exactly: 1164 + 3 layers = 1212. */
	receive(links[0], link_bc, label_bc, &on_bc);
	receive(links[1], link_ab, label_ab, &on_ab);
	receive(links[2], p.a.kr, label_client, &on_client);
	assert_int_equal(on_bc.data_len, 1164 + 16);
	assert_int_equal(on_ab.data_len, 1164 + 32);
	assert_int_equal(on_client.data_len, CAP);
	/* The reply differs on every link. */
	assert_memory_not_equal(on_bc.data, on_ab.data, 64);
	assert_memory_not_equal(on_ab.data, on_client.data, 64);
	assert_true(p.a.reply_done && p.b.reply_done);
	assert_int_equal(p.b.reply_seq, 3);
}

static void
session_reply_is_carried_unchanged(void **state)
{
	static const char body[] = "{\"status\":200,\"body\":\"{\\\"hf\\\":[19,0,0]}\"}";
	static uint8_t prepared[2 * CAP + 10], out[sizeof(prepared)], plain[sizeof(prepared)],
		links[3][DP_CELL_SMALL];
	struct dp_cell on_bc, on_client;
	size_t len, got, plen;
	struct path p;

	(void)state;
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_AES_CBC; t++) {
		for (uint32_t flags = 0; flags <= DP_REPLY_BASE64; flags++) {
			make_path(&p, DP_CELL_REPLY_COMPAT, (enum snc_enc_type)t);
			len = dp_reply_cell_prepared_len(&p.c, flags, strlen(body));
			assert_int_equal(dp_reply_cell_prepare(&p.c, flags, (const uint8_t *)body,
							       strlen(body), test_nonce, prepared,
							       len),
					 0);
			got = cross(&p, prepared, len, out, links);
			assert_int_equal(got, len);
			assert_memory_equal(out, prepared, len);
			if (flags & DP_REPLY_BASE64) {
				size_t bin;
				assert_int_equal(sodium_base642bin(plain, sizeof(plain),
								   (char *)out, got, NULL, &bin,
								   NULL,
								   sodium_base64_VARIANT_ORIGINAL),
						 0);
				memcpy(out, plain, bin);
				got = bin;
			}
			/* sealed with the given nonce: it leads the ciphertext (12, 24, 16 bytes)
			 */
			assert_memory_equal(out, test_nonce,
					    t == SNC_ENC_AES_GCM     ? 12
					    : t == SNC_ENC_XCHACHA20 ? 24
								     : 16);
			assert_int_equal(snc_aead_open((enum snc_enc_type)t, p.c.hop_key, out, got,
						       plain, sizeof(plain), &plen),
					 0);
			assert_int_equal(plen, strlen(body));
			assert_memory_equal(plain, body, plen);
			receive(links[0], link_bc, label_bc, &on_bc);
			receive(links[2], p.a.kr, label_client, &on_client);
			assert_int_equal(on_bc.data_len, on_client.data_len);
			assert_memory_equal(on_bc.data, on_client.data, on_bc.data_len);
		}
	}
}

static void
multi_cell_session_reply(void **state)
{
	static uint8_t body[5000], prepared[8000], out[8000], links[3][DP_CELL_SMALL];
	struct path p;
	size_t len, plen;
	uint8_t plain[5000];

	(void)state;
	randombytes_buf(body, sizeof(body));
	make_path(&p, DP_CELL_REPLY_COMPAT, SNC_ENC_XCHACHA20);
	len = dp_reply_cell_prepared_len(&p.c, 0, sizeof(body));
	assert_int_equal(len, sizeof(body) + 40);
	assert_int_equal(dp_reply_cell_count(len, CAP), 5);
	assert_int_equal(
		dp_reply_cell_prepare(&p.c, 0, body, sizeof(body), test_nonce, prepared, len), 0);
	assert_int_equal(cross(&p, prepared, len, out, links), len);
	assert_int_equal(snc_aead_open(SNC_ENC_XCHACHA20, p.c.hop_key, out, len, plain,
				       sizeof(plain), &plen),
			 0);
	assert_memory_equal(plain, body, sizeof(body));
}

static void
empty_reply_is_one_last_cell(void **state)
{
	static uint8_t out[64], links[3][DP_CELL_SMALL];
	struct path p;

	(void)state;
	make_path(&p, DP_CELL_REPLY_LAYERED, SNC_ENC_AES_GCM);
	assert_int_equal(dp_reply_cell_count(0, 1164), 1);
	assert_int_equal(cross(&p, out, 0, out, links), 0);
	assert_true(p.b.reply_done);
}

static void
chunk_sizes_at_every_edge(void **state)
{
	(void)state;
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_COMPAT, 0), CAP);
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_COMPAT, 15), CAP);
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_LAYERED, 0), CAP - 16);
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_LAYERED, 2), CAP - 48);
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_LAYERED, 15), 956);
	assert_int_equal(dp_reply_cell_chunk(0, DP_CELL_REPLY_LAYERED, 16), 0);
	assert_int_equal(dp_reply_cell_chunk(1, DP_CELL_REPLY_LAYERED, 0),
			 DP_CELL_MEDIUM - 20 - 16);
	assert_int_equal(dp_reply_cell_chunk(3, DP_CELL_REPLY_COMPAT, 0), 0);
	assert_int_equal(dp_reply_cell_count(CAP, CAP), 1);
	assert_int_equal(dp_reply_cell_count(CAP + 1, CAP), 2);
	assert_int_equal(dp_reply_cell_count(5, 0), 1);
	/* The worst cases of the limit fit the seq bound relays enforce. */
	assert_int_equal(dp_reply_cell_count(DP_REPLY_MAX, 956), 11037);
	assert_true(dp_reply_cell_count(DP_REPLY_MAX, 956) <= DP_REPLY_MAX_CELLS);
}

static void
prepared_lengths(void **state)
{
	struct dp_circuit c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.reply_mode = DP_CELL_REPLY_COMPAT;
	c.enc_type = SNC_ENC_AES_GCM;
	assert_int_equal(dp_reply_cell_prepared_len(&c, 0, 10), 38);
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, 10), 52);
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, 11), 52);
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, 12), 56);
	c.enc_type = SNC_ENC_XCHACHA20;
	assert_int_equal(dp_reply_cell_prepared_len(&c, 0, 10), 50);
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, DP_REPLY_MAX),
			 (DP_REPLY_MAX + 40 + 2) / 3 * 4);
	assert_true(
		dp_reply_cell_count(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, DP_REPLY_MAX),
				    CAP) <= DP_REPLY_MAX_CELLS);
	c.enc_type = SNC_ENC_AES_CBC;
	assert_int_equal(dp_reply_cell_prepared_len(&c, 0, 15), 32);
	assert_int_equal(dp_reply_cell_prepared_len(&c, 0, 16), 48);
	c.enc_type = 7;
	assert_int_equal(dp_reply_cell_prepared_len(&c, 0, 10), 0);
	c.enc_type = SNC_ENC_AES_GCM;
	c.proxy = 1; /* a proxied server's reply: as is, base64 or not */
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, 10), 10);
	c.proxy = 0;
	c.reply_mode = DP_CELL_REPLY_LAYERED;
	assert_int_equal(dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, 10), 10);
}

static void
prepare_refuses_wrong_sizes_and_types(void **state)
{
	const uint8_t body[4] = {1, 2, 3, 4};
	uint8_t out[64];
	struct dp_circuit c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.reply_mode = DP_CELL_REPLY_COMPAT;
	assert_int_equal(dp_reply_cell_prepare(&c, 0, body, 4, test_nonce, out, 31), -EINVAL);
	assert_int_equal(dp_reply_cell_prepare(&c, 0, body, 4, test_nonce, out, 33), -EINVAL);
	assert_int_equal(dp_reply_cell_prepare(&c, 0, body, 4, test_nonce, out, 32), 0);
	c.enc_type = 7;
	assert_int_equal(dp_reply_cell_prepare(&c, 0, body, 4, test_nonce, out, 0), -EINVAL);
	assert_int_not_equal(dp_reply_cell_prepare(&c, 0, body, 0, test_nonce, out, 0), 0);
	c.proxy = 1;
	assert_int_equal(dp_reply_cell_prepare(&c, DP_REPLY_BASE64, body, 4, test_nonce, out, 4),
			 0);
	assert_memory_equal(out, body, 4);
}

/* Base64 is written in place over the seal, 768 sealed bytes per step: every length
 * around a step's edge gives exactly libsodium's one-shot encoding, and the byte after
 * the prepared length is never written. */
static void
base64_in_place_matches_one_shot(void **state)
{
	static uint8_t body[4000], sealed[4100], out[5600];
	static char want[5600];
	struct dp_circuit c;

	(void)state;
	randombytes_buf(body, sizeof(body));
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_AES_CBC; t++) {
		size_t lens[] = {0,
				 1,
				 2,
				 3,
				 700,
				 727,
				 728,
				 729,
				 730,
				 767,
				 768,
				 769,
				 1535,
				 1536,
				 1537,
				 2303,
				 2304,
				 2305,
				 sizeof(body) - 1,
				 sizeof(body)};
		memset(&c, 0, sizeof(c));
		c.reply_mode = DP_CELL_REPLY_COMPAT;
		c.enc_type = (uint8_t)t;
		randombytes_buf(c.hop_key, 32);
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			size_t len = lens[k], got = 0;
			size_t n = dp_reply_cell_prepared_len(&c, DP_REPLY_BASE64, len);
			size_t sl = snc_enc_type_sealed_len((enum snc_enc_type)t, len);

			assert_true(n > 0 && n < sizeof(out));
			assert_int_equal(snc_aead_seal_with_nonce((enum snc_enc_type)t, c.hop_key,
								  test_nonce, body, len, sealed,
								  sizeof(sealed), &got),
					 0);
			assert_int_equal(got, sl);
			sodium_bin2base64(want, sizeof(want), sealed, sl,
					  sodium_base64_VARIANT_ORIGINAL);
			assert_int_equal(strlen(want), n);
			memset(out, 0xa5, sizeof(out));
			assert_int_equal(dp_reply_cell_prepare(&c, DP_REPLY_BASE64, body, len,
							       test_nonce, out, n),
					 0);
			assert_memory_equal(out, want, n);
			assert_int_equal(out[n], 0xa5);
		}
	}
}

/* The pump's path (masks from one batch) writes the bytes of the one-mask-per-cell path,
 * in both modes, for every cell of a 3-cell reply (mode 1 seals with a fixed nonce: kr, seq). */
static void
write_masked_equals_write(void **state)
{
	uint8_t a[DP_CELL_SMALL], b[DP_CELL_SMALL], mask[DP_CELL_MASK_BYTES], data[3 * 1000];
	struct path p;

	(void)state;
	randombytes_buf(data, sizeof(data));
	for (int mode = 0; mode < 2; mode++) {
		make_path(&p, mode ? DP_CELL_REPLY_LAYERED : DP_CELL_REPLY_COMPAT, SNC_ENC_AES_GCM);
		for (uint32_t seq = 0; seq < 3; seq++) {
			uint32_t na, nb;
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			na = dp_reply_cell_write(a, &p.c, link_bc, data, sizeof(data), 1000, seq,
						 3);
			snc_cell_mask(link_bc, DP_CELL_REPLY, p.c.in_label, seq, mask);
			nb = dp_reply_cell_write_masked(b, &p.c, mask, data, sizeof(data), 1000,
							seq, 3);
			assert_true(na > 0);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, sizeof(a));
		}
	}
}

static void
write_cell_refuses_bad_arguments(void **state)
{
	uint8_t cell[DP_CELL_SMALL], data[CAP];
	struct path p;

	(void)state;
	memset(data, 7, sizeof(data));
	make_path(&p, DP_CELL_REPLY_LAYERED, SNC_ENC_AES_GCM);
	assert_int_equal(dp_reply_cell_write(cell, &p.c, link_bc, data, 10, 1164, 1, 1), 0);
	assert_int_equal(dp_reply_cell_write(cell, &p.c, link_bc, data, 10, 0, 0, 1), 0);
	/* Mode 1 needs room for its own tag: CAP - 16 fits, CAP - 15 does not. */
	assert_int_equal(dp_reply_cell_write(cell, &p.c, link_bc, data, CAP - 16, CAP - 16, 0, 1),
			 DP_CELL_SMALL);
	assert_int_equal(dp_reply_cell_write(cell, &p.c, link_bc, data, CAP - 15, CAP - 15, 0, 1),
			 0);
	p.c.reply_mode = DP_CELL_REPLY_COMPAT;
	assert_int_equal(dp_reply_cell_write(cell, &p.c, link_bc, data, CAP, CAP, 0, 1),
			 DP_CELL_SMALL);
}

/* A REPLY as B receives it from C: a parsed cell with the given fields. */
static struct dp_cell
from_next(uint32_t seq, uint32_t len, uint8_t flags)
{
	struct dp_cell c = {.kind = DP_CELL_REPLY,
			    .size_class = 0,
			    .flags = flags,
			    .label = label_bc,
			    .seq = seq,
			    .data_len = len,
			    .data_cap = CAP};
	return c;
}

static void
relay_check_every_edge(void **state)
{
	struct dp_cell cell;
	struct path p;

	(void)state;
	make_path(&p, DP_CELL_REPLY_LAYERED, SNC_ENC_AES_GCM);
	/* Mode 1 length: an inner tag at least, and room for ours. */
	cell = from_next(0, 15, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_BAD_LENGTH);
	cell = from_next(0, CAP - 15, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_BAD_LENGTH);
	cell = from_next(0, CAP - 16, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_NONE);
	cell = from_next(1, 16, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_NONE);
	/* The same seq again, or an older one. */
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_REPLY_SEQ);
	cell = from_next(0, 16, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_REPLY_SEQ);
	/* A gap is allowed (the lost cell is the client's problem), the bound is not. */
	cell = from_next(DP_REPLY_MAX_CELLS, 16, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_REPLY_SEQ);
	cell = from_next(DP_REPLY_MAX_CELLS - 1, 16, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_NONE);
	assert_int_equal(p.b.reply_seq, DP_REPLY_MAX_CELLS);
	/* Another class than the circuit's. */
	make_path(&p, DP_CELL_REPLY_COMPAT, SNC_ENC_AES_GCM);
	cell = from_next(0, 0, 0);
	cell.size_class = 1;
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_BAD_CLASS);
	/* Mode 0: any length the cell holds, empty included; nothing after LAST. */
	cell = from_next(0, 0, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_NONE);
	cell = from_next(1, CAP, DP_CELL_FLAG_LAST);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_NONE);
	cell = from_next(2, 1, 0);
	assert_int_equal(dp_reply_cell_check(&p.b, &cell), DP_DROP_REPLY_SEQ);
}

static void
back_key_by_link(void **state)
{
	struct dp_node_table t;
	uint8_t sk[32], pk[32], peer_sk[32], peer_pk[32], ed[32] = {9}, mac[6] = {2};
	struct dp_circuit c;
	const uint8_t *key;

	(void)state;
	randombytes_buf(sk, 32);
	randombytes_buf(peer_sk, 32);
	crypto_scalarmult_base(pk, sk);
	crypto_scalarmult_base(peer_pk, peer_sk);
	assert_int_equal(dp_node_table_init(&t, 4, sk, pk), 0);
	assert_int_equal(dp_node_table_add(&t, ed, peer_pk, 0x0a000002, 22030, mac), 0);
	memset(&c, 0, sizeof(c));
	randombytes_buf(c.kr, 32);
	c.client_link = 1;
	assert_ptr_equal(dp_reply_cell_back_key(&c, &t), c.kr);
	c.client_link = 0;
	c.prev = (struct dp_addr){0x0a000002, 22030};
	key = dp_reply_cell_back_key(&c, &t);
	assert_non_null(key);
	assert_memory_equal(key, dp_node_by_addr(&t, 0x0a000002, 22030)->link_key, 32);
	c.prev.port = 22031; /* no node there */
	assert_null(dp_reply_cell_back_key(&c, &t));
	dp_node_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layered_reply_opens_layer_by_layer),
		cmocka_unit_test(session_reply_is_carried_unchanged),
		cmocka_unit_test(multi_cell_session_reply),
		cmocka_unit_test(empty_reply_is_one_last_cell),
		cmocka_unit_test(chunk_sizes_at_every_edge),
		cmocka_unit_test(prepared_lengths),
		cmocka_unit_test(prepare_refuses_wrong_sizes_and_types),
		cmocka_unit_test(base64_in_place_matches_one_shot),
		cmocka_unit_test(write_cell_refuses_bad_arguments),
		cmocka_unit_test(relay_check_every_edge),
		cmocka_unit_test(back_key_by_link),
		cmocka_unit_test(write_masked_equals_write),
	};

	return RUN_GROUP("dataplane/reply_cell", tests);
}
