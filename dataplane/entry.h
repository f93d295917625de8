/* SPDX-License-Identifier: MIT */
/*
 * HTTP entry requests (docs/http-entry.md): snode-control peeled the first
 * layer of a Session client's onion it received on /onion_req/v2 and hands
 * the next layer over the channel (ENTRY). The worker that takes it opens a
 * circuit whose previous hop is the channel itself (`entry` set, in_label
 * the request id chosen by snode-control, no previous address) and sends
 * the CREATE to the next node with the Session-compatible reply mode. The
 * REPLY cells that come back on that circuit are not sent on: each goes to
 * snode-control as one ENTRY_REPLY (channel.c), which reassembles them.
 */
#ifndef DP_ENTRY_H
#define DP_ENTRY_H

#include <stdint.h>

#include "drop.h"
#include "worker.h"

/*
 * On w's lcore: sends the CREATE of the ENTRY body (chan_msg.h: next hop,
 * ephemeral key, enc_type, hop_no, blob) and opens its circuit. DP_DROP_NONE,
 * or the reason nothing was sent (unknown_next_hop, circuit_full, tx_full,
 * bad_length, bad_enc_type, too_many_hops), which is counted by the caller.
 */
enum dp_drop_reason dp_entry_send(struct dp_worker *w, uint64_t id, const uint8_t *body,
				  uint32_t len, uint64_t now_ns);

#endif
