/* SPDX-License-Identifier: MIT */
/* libFuzzer: the cell parser and unmasking on any datagram (dataplane/cell.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_cell c;
	uint8_t mask[DP_CELL_MASK_BYTES] = {0};
	static uint8_t cell[DP_CELL_LARGE];
	uint32_t cls;

	/* Short inputs become full cells of their class: the size must match to reach the body. */
	if (size >= 3 && (cls = dp_cell_class_size(data[2])) != 0 && size <= cls) {
		memset(cell, 0, cls);
		memcpy(cell, data, size);
		data = cell;
		size = cls;
	}
	if (dp_cell_parse(data, size, &c) != DP_DROP_NONE)
		return 0;
	if (dp_cell_unmask(&c, mask) != DP_DROP_NONE)
		return 0;
	if (c.data < data || c.data + c.data_len > data + size)
		abort();
	return 0;
}
