/* SPDX-License-Identifier: MIT */
#include "bigmem.h"

#include <stdint.h>
#include <sys/mman.h>

#include "prefault.h"

static size_t
round_up(size_t len, size_t to)
{
	return (len + to - 1) / to * to;
}

/* What is actually mapped for len: whole pages, whole 2 MiB blocks from 2 MiB up. */
static size_t
mapped_len(size_t len)
{
	return len >= DP_BIGMEM_HUGE ? round_up(len, DP_BIGMEM_HUGE)
				     : round_up(len, DP_PREFAULT_PAGE);
}

/* An anonymous mapping of len bytes starting on a 2 MiB boundary (THP needs that). */
static void *
map_aligned(size_t len)
{
	size_t over = len + DP_BIGMEM_HUGE;
	uint8_t *raw = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p;
	size_t head, tail;

	if (raw == MAP_FAILED)
		return NULL;
	p = (uint8_t *)round_up((size_t)(uintptr_t)raw, DP_BIGMEM_HUGE);
	head = (size_t)(p - raw);
	tail = over - head - len;
	if (head > 0)
		munmap(raw, head);
	if (tail > 0)
		munmap(p + len, tail);
	return p;
}

void *
dp_bigmem_alloc(size_t len)
{
	size_t m = mapped_len(len);
	void *p;

	if (len == 0 || m < len)
		return NULL;
	if (m >= DP_BIGMEM_HUGE) {
		p = map_aligned(m);
		if (p == NULL)
			return NULL;
		(void)madvise(p, m, MADV_HUGEPAGE); /* advice: 4 KiB pages when refused */
	} else {
		p = mmap(NULL, m, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
	}
	dp_prefault(p, m); /* anonymous pages read as zero: the table is zeroed */
	return p;
}

void
dp_bigmem_free(void *p, size_t len)
{
	if (p != NULL)
		munmap(p, mapped_len(len));
}
