/* SPDX-License-Identifier: MIT */
#include "drop.h"

static const char *const drop_labels[DP_DROP_COUNT] = {[DP_DROP_NONE] = "none",
#define DP_DROP_LABEL(name, label, help) [DP_DROP_##name] = label,
						       DP_DROP_LIST(DP_DROP_LABEL)
#undef DP_DROP_LABEL
};

static const char *const drop_helps[DP_DROP_COUNT] = {[DP_DROP_NONE] = "not dropped",
#define DP_DROP_HELP(name, label, help) [DP_DROP_##name] = help,
						      DP_DROP_LIST(DP_DROP_HELP)
#undef DP_DROP_HELP
};

const char *
dp_drop_label(enum dp_drop_reason r)
{
	return (unsigned)r < DP_DROP_COUNT ? drop_labels[r] : "unknown";
}

const char *
dp_drop_help(enum dp_drop_reason r)
{
	return (unsigned)r < DP_DROP_COUNT ? drop_helps[r] : "unknown";
}
