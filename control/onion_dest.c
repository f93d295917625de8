/* SPDX-License-Identifier: MIT */
#include "onion_dest.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "onion_proxy.h"
#include "onion_route.h"
#include "payload.h"
#include "rpc_server.h"

/* One request between the channel and the RPC's answer. */
struct pending {
	struct ctl_onion_dest *dest;
	struct chan_ref ref;
	uint8_t opts;
};

char *
ctl_onion_wrap_reply(int code, const char *body, size_t len, bool json_body, size_t *out_len)
{
	json_t *value = json_body ? json_loadb(body, len, JSON_DECODE_ANY, NULL) : NULL;
	json_t *o = json_object();
	char *text = NULL;

	if (value == NULL)
		value = json_stringn(body, len);
	if (o != NULL && value != NULL && json_object_set_new(o, "body", value) == 0 &&
	    json_object_set_new(o, "status", json_integer(code)) == 0)
		text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	else if (value != NULL && o == NULL)
		json_decref(value);
	json_decref(o);
	*out_len = text != NULL ? strlen(text) : 0;
	return text;
}

static void
send_reply(struct ctl_onion_dest *d, const struct chan_ref *ref, uint8_t opts, int code,
	   const char *body, size_t len)
{
	size_t n;
	char *text = ctl_onion_wrap_reply(code, body, len, (opts & CHAN_OPT_JSON) != 0, &n);
	uint16_t flags = (opts & CHAN_OPT_BASE64) ? CHAN_F_BASE64 : 0;

	if (text == NULL ||
	    ctl_dp_channel_reply(d->channel, ref, flags, (const uint8_t *)text, n) != 0) {
		d->reply_failed++;
	} else {
		d->replies++;
	}
	free(text);
}

static void
on_rpc_done(void *arg, int code, bool json, const char *body, size_t len)
{
	struct pending *p = arg;

	if (!json)
		p->opts &= (uint8_t)~CHAN_OPT_JSON; /* error texts stay strings */
	send_reply(p->dest, &p->ref, p->opts, code, body, len);
	free(p);
}

/* The server's answer goes back as it came: it is already end-to-end (facts 1.4). */
static void
on_proxy_done(void *arg, int status, const uint8_t *body, size_t len)
{
	struct pending *p = arg;

	(void)status; /* a cell reply carries the body only (docs/channel.md) */
	if (ctl_dp_channel_reply(p->dest->channel, &p->ref, 0, body, len) != 0)
		p->dest->reply_failed++;
	else
		p->dest->replies++;
	free(p);
}

/* Exit: the whole layer is POSTed to the server the layer's JSON names. */
static void
proxy(struct ctl_onion_dest *d, const struct ctl_dp_request *req)
{
	struct snc_payload pl;
	struct snc_route r;
	struct pending *p;
	int rc;

	d->proxied++;
	if (snc_payload_parse(req->body, req->len, &pl) != 0 ||
	    snc_route_parse(pl.json, pl.json_len, &r) != 0 || r.kind != SNC_ROUTE_PROXY ||
	    !snc_route_proxy_url_ok(&r) || d->proxy == NULL) {
		/* the dataplane seals this one: it saw the same URL and did not mark a proxy */
		d->proxy_refused++;
		send_reply(d, &req->ref, req->opts, 400, "Invalid url", 11);
		return;
	}
	p = malloc(sizeof(*p));
	if (p == NULL) {
		ctl_dp_channel_reply(d->channel, &req->ref, 0, (const uint8_t *)"request failed",
				     14);
		return;
	}
	*p = (struct pending){d, req->ref, req->opts};
	rc = ctl_proxy_post(d->proxy, &r, req->body, req->len, on_proxy_done, p);
	if (rc != 0) {
		static const char busy[] = "Server busy, try again later";

		free(p);
		ctl_dp_channel_reply(d->channel, &req->ref, 0, (const uint8_t *)busy,
				     sizeof(busy) - 1);
	}
}

void
ctl_onion_dest_on_request(void *arg, const struct ctl_dp_request *req)
{
	struct ctl_onion_dest *d = arg;
	struct pending *p;

	d->requests++;
	if (req->route != CHAN_ROUTE_DESTINATION) {
		proxy(d, req);
		return;
	}
	p = malloc(sizeof(*p));
	if (p == NULL) {
		send_reply(d, &req->ref, req->opts, 500, "request failed", 14);
		return;
	}
	*p = (struct pending){d, req->ref, req->opts};
	if (ctl_rpc_handle(d->rpc, (const char *)req->body, req->len, on_rpc_done, p) != 0) {
		send_reply(d, &req->ref, req->opts, 500, "request failed", 14);
		free(p);
	}
}
