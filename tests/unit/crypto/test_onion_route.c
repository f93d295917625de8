/* SPDX-License-Identifier: MIT */
/*
 * crypto/onion_route.c: classification in session-storage-server's order,
 * against tests/kat/onion_hop.json (SS unit_test/onion_requests.cpp) and the
 * shapes libsession and Session Desktop send; every malformed field.
 */
#include "test_common.h"

#include "batch.h"
#include "kat.h"
#include "onion_route.h"
#include "payload.h"

static json_t *kat;

static int
route(const char *json, struct snc_route *r)
{
	return snc_route_parse(json, strlen(json), r);
}

static void
upstream_process_inner_request_cases(void **state)
{
	json_t *vecs = json_object_get(json_object_get(kat, "process_inner_request"), "vectors"),
	       *o;
	uint8_t buf[512];
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(vecs), 4);
	json_array_foreach(vecs, i, o)
	{
		json_t *e = json_object_get(o, "expect");
		const char *kind = kat_str(e, "kind");
		size_t len = kat_hex(o, "payload", buf, sizeof(buf), 0);
		struct snc_payload p;
		struct snc_route r;

		assert_int_equal(snc_payload_parse(buf, len, &p), 0);
		assert_int_equal(snc_route_parse(p.json, p.json_len, &r), 0);
		if (strcmp(kind, "final_destination") == 0) {
			assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
			assert_memory_equal(p.blob, kat_str(e, "ciphertext_ascii"), p.blob_len);
		} else if (strcmp(kind, "relay_to_server") == 0) {
			assert_int_equal(r.kind, SNC_ROUTE_PROXY);
			assert_string_equal(r.host, kat_str(e, "host"));
			assert_string_equal(r.target, kat_str(e, "target"));
			assert_int_equal(r.port, json_integer_value(json_object_get(e, "port")));
			assert_int_equal(r.https, strcmp(kat_str(e, "protocol"), "https") == 0);
			assert_false(r.target_allowed); /* "target" is not an allowed URL */
		} else {
			uint8_t ed[32], eph[32];
			assert_string_equal(kind, "relay_to_node");
			assert_int_equal(r.kind, SNC_ROUTE_RELAY);
			kat_hex(e, "destination_ed25519", ed, 32, 32);
			kat_hex(e, "ephemeral_key", eph, 32, 32);
			assert_memory_equal(r.next_ed25519, ed, 32);
			assert_memory_equal(r.eph_pk, eph, 32);
			assert_int_equal(r.enc_type, SNC_ENC_AES_GCM);
		}
	}
}

static void
upstream_url_target_filter(void **state)
{
	json_t *vecs = json_object_get(json_object_get(kat, "url_target_filter"), "vectors"), *o;
	size_t i;

	(void)state;
	assert_true(json_array_size(vecs) >= 6);
	json_array_foreach(vecs, i, o)
	{
		assert_int_equal(snc_route_target_allowed(kat_str(o, "target")),
				 json_is_true(json_object_get(o, "allowed")));
	}
}

static void
destination_shapes_of_real_clients(void **state)
{
	struct snc_route r;

	(void)state;
	assert_int_equal(route("{\"headers\":\"\"}", &r), 0); /* libsession */
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_false(r.json_body);
	assert_true(r.base64_reply);
	assert_int_equal(route("{\"headers\":{},\"body\":null}", &r), 0); /* desktop */
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_int_equal(route("{\"headers\":null,\"json\":true,\"base64\":false}", &r), 0);
	assert_true(r.json_body);
	assert_false(r.base64_reply);
	/* "headers" wins over "host" and "destination": SS checks it first. */
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"headers\":1}", &r),
			 0);
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_int_equal(route("{\"headers\":\"\",\"json\":\"yes\"}", &r), SNC_ROUTE_E_FIELD);
}

static void
proxy_fields_and_defaults(void **state)
{
	struct snc_route r;

	(void)state;
	assert_int_equal(route("{\"host\":\"sogs.example\",\"target\":\"/oxen/v4/lsrpc\","
			       "\"method\":\"POST\",\"ephemeral_key\":\"x\"}",
			       &r),
			 0);
	assert_int_equal(r.kind, SNC_ROUTE_PROXY);
	assert_int_equal(r.port, 443);
	assert_true(r.https);
	assert_true(r.target_allowed);
	assert_int_equal(route("{\"host\":\"h\"}", &r), SNC_ROUTE_E_FIELD); /* no target */
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"port\":0}", &r),
			 SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"port\":65536}", &r),
			 SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"port\":65535}", &r),
			 0);
	assert_int_equal(
		route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"port\":\"80\"}", &r),
		SNC_ROUTE_E_FIELD);
	assert_int_equal(
		route("{\"host\":\"h\",\"target\":\"/oxen/v4/lsrpc\",\"protocol\":\"ftp\"}", &r),
		SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"host\":\"\",\"target\":\"/oxen/v4/lsrpc\"}", &r),
			 SNC_ROUTE_E_FIELD);
}

static void
host_length_limit_at_its_edge(void **state)
{
	char json[600], host[300];
	struct snc_route r;

	(void)state;
	memset(host, 'a', sizeof(host));
	host[SNC_ROUTE_HOST_MAX] = '\0';
	snprintf(json, sizeof(json), "{\"host\":\"%s\",\"target\":\"/oxen/v4/lsrpc\"}", host);
	assert_int_equal(route(json, &r), 0);
	assert_int_equal(strlen(r.host), SNC_ROUTE_HOST_MAX);
	host[SNC_ROUTE_HOST_MAX] = 'a';
	host[SNC_ROUTE_HOST_MAX + 1] = '\0';
	snprintf(json, sizeof(json), "{\"host\":\"%s\",\"target\":\"/oxen/v4/lsrpc\"}", host);
	assert_int_equal(route(json, &r), SNC_ROUTE_E_FIELD);
}

static void
relay_fields(void **state)
{
	const char *k64 = "0000111122223333444455556666777788889999000011112222333344445555";
	char json[400];
	struct snc_route r;

	(void)state;
	snprintf(json, sizeof(json),
		 "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\",\"enc_type\":\"xchacha20\"}",
		 k64, k64);
	assert_int_equal(route(json, &r), 0);
	assert_int_equal(r.enc_type, SNC_ENC_XCHACHA20);
	snprintf(json, sizeof(json), "{\"destination\":\"%s\"}", k64);
	assert_int_equal(route(json, &r), SNC_ROUTE_E_FIELD); /* no ephemeral_key */
	snprintf(json, sizeof(json), "{\"destination\":\"%.63s\",\"ephemeral_key\":\"%s\"}", k64,
		 k64);
	assert_int_equal(route(json, &r), SNC_ROUTE_E_FIELD); /* 63 hex characters */
	snprintf(json, sizeof(json), "{\"destination\":\"%.63sg\",\"ephemeral_key\":\"%s\"}", k64,
		 k64);
	assert_int_equal(route(json, &r), SNC_ROUTE_E_FIELD); /* not hex */
	snprintf(json, sizeof(json),
		 "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\",\"enc_type\":\"rot13\"}", k64,
		 k64);
	assert_int_equal(route(json, &r), SNC_E_ENC_TYPE);
	assert_int_equal(route("{}", &r), SNC_ROUTE_E_FIELD);
}

static void
invalid_json_is_reported_as_such(void **state)
{
	const char *bad[] = {"",
			     "{",
			     "[]",
			     "\"headers\"",
			     "{\"headers\":1,}",
			     "null",
			     "{} {}",
			     "{\"headers\":1,\"headers\":2}"};
	struct snc_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(route(bad[i], &r), SNC_ROUTE_E_JSON);
	/* Length-bounded: JSON is not NUL-terminated inside a payload. */
	assert_int_equal(snc_route_parse("{\"headers\":1}garbage", 13, &r), 0);
}

static void
entry_json_fields(void **state)
{
	const char *k64 = "8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652";
	char json[300];
	struct snc_route_entry e;

	(void)state;
	snprintf(json, sizeof(json), "{\"ephemeral_key\":\"%s\"}", k64);
	assert_int_equal(snc_route_parse_entry(json, strlen(json), &e), 0);
	assert_int_equal(e.enc_type, SNC_ENC_AES_GCM);
	assert_int_equal(e.hop_no, 0);
	snprintf(json, sizeof(json), "{\"ephemeral_key\":\"%s\",\"hop_no\":-5}", k64);
	assert_int_equal(snc_route_parse_entry(json, strlen(json), &e), 0);
	assert_int_equal(e.hop_no, 0); /* clamped */
	snprintf(json, sizeof(json), "{\"ephemeral_key\":\"%s\",\"hop_no\":15}", k64);
	assert_int_equal(snc_route_parse_entry(json, strlen(json), &e), 0);
	assert_int_equal(e.hop_no, 15);
	snprintf(json, sizeof(json), "{\"ephemeral_key\":\"%s\",\"hop_no\":16}", k64);
	assert_int_equal(snc_route_parse_entry(json, strlen(json), &e), SNC_ROUTE_E_HOPS);
	snprintf(json, sizeof(json), "{\"ephemeral_key\":\"%s\",\"hop_no\":1.5}", k64);
	assert_int_equal(snc_route_parse_entry(json, strlen(json), &e), SNC_ROUTE_E_FIELD);
	assert_int_equal(snc_route_parse_entry("{\"enc_type\":\"gcm\"}", 18, &e),
			 SNC_ROUTE_E_FIELD);
	assert_int_equal(snc_route_parse_entry("[1]", 3, &e), SNC_ROUTE_E_JSON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upstream_process_inner_request_cases),
		cmocka_unit_test(upstream_url_target_filter),
		cmocka_unit_test(destination_shapes_of_real_clients),
		cmocka_unit_test(proxy_fields_and_defaults),
		cmocka_unit_test(host_length_limit_at_its_edge),
		cmocka_unit_test(relay_fields),
		cmocka_unit_test(invalid_json_is_reported_as_such),
		cmocka_unit_test(entry_json_fields),
	};
	int rc;

	kat = kat_load("onion_hop.json");
	rc = RUN_GROUP("crypto/onion_route", tests);
	json_decref(kat);
	return rc;
}
