/* SPDX-License-Identifier: MIT */
/*
 * The onion route parser as it was before crypto/json_scan: jansson's
 * json_loadb(JSON_REJECT_DUPLICATES), then the same classification. It is the
 * reference the scanner-based snc_route_parse is compared with (differential
 * fuzzing, the route micro-benchmark), and snc_route_parse's fallback for the
 * rare input whose open keys outgrow the scanner's workspace (over 1 KB of
 * keys), so that every input gets exactly jansson's answer.
 */
#ifndef SNC_ONION_ROUTE_JANSSON_H
#define SNC_ONION_ROUTE_JANSSON_H

#include "onion_route.h"

/* Same contract as snc_route_parse / snc_route_parse_entry (onion_route.h). */
int snc_route_jansson_parse(const char *json, size_t len, struct snc_route *out);

int snc_route_jansson_parse_entry(const char *json, size_t len, struct snc_route_entry *out);

#endif
