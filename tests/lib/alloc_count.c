/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* dladdr */
#include "alloc_count.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <malloc.h> /* memalign, valloc */
#include <stdint.h>
#include <stdlib.h>

enum {
	SITES = 16, /* call sites kept for the report */
};

static __thread bool armed;
static unsigned long allocs, frees;
static unsigned nsites;
static void *sites[SITES];

void
alloc_count_arm(void)
{
	armed = true;
}

void
alloc_count_disarm(void)
{
	armed = false;
}

bool
alloc_count_armed(void)
{
	return armed;
}

unsigned long
alloc_count_allocs(void)
{
	return __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

unsigned long
alloc_count_frees(void)
{
	return __atomic_load_n(&frees, __ATOMIC_RELAXED);
}

void
alloc_count_reset(void)
{
	__atomic_store_n(&allocs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&frees, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&nsites, 0, __ATOMIC_RELAXED);
}

void
alloc_count_report(FILE *f)
{
	bool was = armed;
	unsigned n = __atomic_load_n(&nsites, __ATOMIC_RELAXED);

	armed = false; /* dladdr and stdio may allocate */
	for (unsigned i = 0; i < n && i < SITES; i++) {
		Dl_info info;
		if (dladdr(sites[i], &info) != 0 && info.dli_sname != NULL)
			fprintf(f, "# counted call from %s+%#tx (%s)\n", info.dli_sname,
				(char *)sites[i] - (char *)info.dli_saddr, info.dli_fname);
		else
			fprintf(f, "# counted call from %p (%s)\n", sites[i],
				info.dli_fname != NULL ? info.dli_fname : "?");
	}
	armed = was;
}

#ifdef ALLOC_COUNT_OFF
bool
alloc_count_works(void)
{
	return false;
}
#else
bool
alloc_count_works(void)
{
	return true;
}

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);

static void
note(unsigned long *counter, void *site)
{
	unsigned i;

	if (!armed)
		return;
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
	i = __atomic_fetch_add(&nsites, 1, __ATOMIC_RELAXED);
	if (i < SITES)
		sites[i] = site;
}

void *
malloc(size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_realloc(p, n);
}

void
free(void *p)
{
	if (p != NULL)
		note(&frees, __builtin_return_address(0));
	__libc_free(p);
}

void *
memalign(size_t align, size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_memalign(align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_memalign(align, n);
}

void *
valloc(size_t n)
{
	note(&allocs, __builtin_return_address(0));
	return __libc_memalign(4096, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	note(&allocs, __builtin_return_address(0));
	p = __libc_memalign(align, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}
#endif
