// SPDX-License-Identifier: MIT
// Prints the std::mt19937_64 and std::sort vectors that test_mt19937_64.c,
// test_stl_sort.c and tests/tools/swarm_reference.py compare against, from
// the real libstdc++. Not built by meson (snode is C):
//   g++ -std=c++20 -O2 tests/unit/swarm/gxx_vectors.cpp -o /tmp/v && /tmp/v
// Printed with g++ 12.2 (Debian 12); the expected arrays in the tests are this output.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

struct swarm_size { // as oxen-core's: the sort key is size only
	uint64_t swarm_id;
	size_t size;
};

static void print_sorted(const char *name, std::vector<swarm_size> v)
{
	std::sort(v.begin(), v.end(),
		  [](const swarm_size &a, const swarm_size &b) { return a.size < b.size; });
	std::printf("%s:", name);
	for (const auto &s : v)
		std::printf(" %llu", (unsigned long long)s.swarm_id);
	std::printf("\n");
}

static void drawn(size_t n, uint64_t seed, uint64_t mod)
{
	std::mt19937_64 rng(seed);
	std::vector<swarm_size> v(n);
	char name[64];

	for (size_t i = 0; i < n; i++)
		v[i] = {i, size_t(rng() % mod)};
	std::snprintf(name, sizeof(name), "sort n=%zu seed=%llu mod=%llu", n,
		      (unsigned long long)seed, (unsigned long long)mod);
	print_sorted(name, v);
}

int main()
{
	for (uint64_t seed : {5489ull, 0ull, 12345ull, 18446744073709551615ull}) {
		std::mt19937_64 rng(seed);
		std::printf("mt19937_64(%llu):", (unsigned long long)seed);
		for (int i = 1; i <= 313; i++) {
			uint64_t v = rng();
			if (i <= 3 || i >= 312)
				std::printf(" #%d=%llu", i, (unsigned long long)v);
		}
		std::printf("\n");
	}
	std::mt19937_64 dflt;
	dflt.discard(9999);
	std::printf("mt19937_64 default, 10000th: %llu\n", (unsigned long long)dflt());

	drawn(16, 16, 3);
	drawn(17, 17, 3);
	drawn(100, 2024, 6);
	// A McIlroy antiqsort input with ties: the depth limit runs out (heapsort fallback).
	const size_t killer[40] = {38, 0,  36, 2,  34, 5,  32, 7,  37, 9,  33, 11, 39, 13,
				   30, 15, 34, 17, 20, 19, 0,  2,  4,  6,  8,  10, 12, 14,
				   16, 18, 30, 26, 28, 25, 26, 22, 24, 20, 22, 29};
	std::vector<swarm_size> v(40);
	for (size_t i = 0; i < 40; i++)
		v[i] = {i, killer[i]};
	print_sorted("sort antiqsort 40", v);
}
