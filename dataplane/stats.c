/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <stdio.h>
#include <string.h>

void
dp_stats_sum(const struct dp_stats *const *per, unsigned n, struct dp_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < n; i++) {
		out->rx += per[i]->rx;
		out->tx += per[i]->tx;
		out->create_relayed += per[i]->create_relayed;
		out->create_delivered += per[i]->create_delivered;
		out->arp_replies += per[i]->arp_replies;
		out->replies += per[i]->replies;
		out->reply_cells += per[i]->reply_cells;
		out->reply_relayed += per[i]->reply_relayed;
		out->reply_nombuf += per[i]->reply_nombuf;
		out->reply_tx_busy += per[i]->reply_tx_busy;
		out->data_relayed += per[i]->data_relayed;
		out->data_delivered += per[i]->data_delivered;
		out->handoff_out += per[i]->handoff_out;
		out->handoff_in += per[i]->handoff_in;
		out->direct_in += per[i]->direct_in;
		out->direct_out += per[i]->direct_out;
		out->entry_out += per[i]->entry_out;
		out->entry_replies += per[i]->entry_replies;
		out->frags_in += per[i]->frags_in;
		out->reassembled += per[i]->reassembled;
		out->fragmented += per[i]->fragmented;
		out->tx_frags += per[i]->tx_frags;
		out->frag_tx_nombuf += per[i]->frag_tx_nombuf;
		out->rx_linearized += per[i]->rx_linearized;
		for (int r = 0; r < DP_DROP_COUNT; r++)
			out->drops[r] += per[i]->drops[r];
	}
}

int
dp_stats_format(const struct dp_stats *s, char *buf, size_t len)
{
	uint64_t total = 0;
	size_t used;

	for (int r = 0; r < DP_DROP_COUNT; r++)
		total += s->drops[r];
	used = (size_t)snprintf(
		buf, len,
		"rx=%llu tx=%llu relayed=%llu delivered=%llu replies=%llu reply_relayed=%llu "
		"arp=%llu drops=%llu",
		(unsigned long long)s->rx, (unsigned long long)s->tx,
		(unsigned long long)s->create_relayed, (unsigned long long)s->create_delivered,
		(unsigned long long)s->replies, (unsigned long long)s->reply_relayed,
		(unsigned long long)s->arp_replies, (unsigned long long)total);
	for (int r = 1; r < DP_DROP_COUNT && used < len; r++)
		if (s->drops[r] != 0)
			used += (size_t)snprintf(buf + used, len - used, " %s=%llu",
						 dp_drop_label(r), (unsigned long long)s->drops[r]);
	return used < len ? 0 : -1;
}
