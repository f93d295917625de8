#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Independent reference for swarm/ (oxen-core calc_swarm_changes).

Written from /work/shared/spec/session-protocol-facts.md section 4.3, the C++
standard's definition of mt19937_64 and the std::sort of GCC's libstdc++
(bits/stl_algo.h, bits/stl_heap.h), not from the C in swarm/. It keeps
upstream's data shape: a dict swarm id -> list of pubkeys, walked in ascending
id order like a std::map, lists appended at the back like std::vector.

  check DUMP     recompute every block of an `snode-sim --dump` file; TAP out
  selftest       mt19937_64 and get_new_swarm_id vectors; TAP out
"""
import sys

M64 = (1 << 64) - 1
UNASSIGNED = M64  # UNASSIGNED_SWARM_ID
MAX_ID = M64 - 1

MIN_SWARM_SIZE = 5
IDEAL_SWARM_MARGIN = 2
NEW_SWARM_SIZE = 7
EXCESS_BASE = 5
FILL_SWARM_LOWER_PERCENTILE = 25
STEALING_SWARM_UPPER_PERCENTILE = 75
DECOMMISSIONED_REDISTRIBUTION_LOWER_PERCENTILE = 0


class Mt19937_64:
    """std::mt19937_64 ([rand.predef]: w=64 n=312 m=156 r=31)."""

    N, M = 312, 156

    def __init__(self, seed):
        self.x = [seed & M64]
        for i in range(1, self.N):
            prev = self.x[-1]
            self.x.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & M64)
        self.i = self.N

    def __call__(self):
        if self.i >= self.N:
            x = self.x
            for k in range(self.N):
                y = (x[k] & 0xFFFFFFFF80000000) | (x[(k + 1) % self.N] & 0x7FFFFFFF)
                v = x[(k + self.M) % self.N] ^ (y >> 1)
                if y & 1:
                    v ^= 0xB5026F5AA96619E9
                x[k] = v
            self.i = 0
        z = self.x[self.i]
        self.i += 1
        z ^= (z >> 29) & 0x5555555555555555
        z ^= (z << 17) & 0x71D67FFFEDA60000 & M64
        z ^= (z << 37) & 0xFFF7EEE000000000 & M64
        z ^= z >> 43
        return z & M64


def uniform(rng, n):
    """tools::uniform_distribution_portable."""
    assert n > 0
    secure_max = M64 - M64 % n
    while True:
        x = rng()
        if x < secure_max:
            return x // (secure_max // n)


# --- libstdc++ std::sort with a "less" on a key; ties keep libstdc++'s order ----

def _lt(a, b):
    return a[1] < b[1]


def _median_to_first(v, result, a, b, c):
    if _lt(v[a], v[b]):
        if _lt(v[b], v[c]):
            v[result], v[b] = v[b], v[result]
        elif _lt(v[a], v[c]):
            v[result], v[c] = v[c], v[result]
        else:
            v[result], v[a] = v[a], v[result]
    elif _lt(v[a], v[c]):
        v[result], v[a] = v[a], v[result]
    elif _lt(v[b], v[c]):
        v[result], v[c] = v[c], v[result]
    else:
        v[result], v[b] = v[b], v[result]


def _unguarded_partition(v, first, last, pivot):
    while True:
        while _lt(v[first], v[pivot]):
            first += 1
        last -= 1
        while _lt(v[pivot], v[last]):
            last -= 1
        if not first < last:
            return first
        v[first], v[last] = v[last], v[first]
        first += 1


def _push_heap(v, base, hole, top, value):
    parent = (hole - 1) // 2
    while hole > top and _lt(v[base + parent], value):
        v[base + hole] = v[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[base + hole] = value


def _adjust_heap(v, base, hole, length, value):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _lt(v[base + child], v[base + child - 1]):
            child -= 1
        v[base + hole] = v[base + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        v[base + hole] = v[base + child - 1]
        hole = child - 1
    _push_heap(v, base, hole, top, value)


def _heap_sort(v, first, last):
    length = last - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(v, first, parent, length, v[first + parent])
            if parent == 0:
                break
            parent -= 1
    while last - first > 1:
        last -= 1
        value = v[last]
        v[last] = v[first]
        _adjust_heap(v, first, 0, last - first, value)


def _introsort_loop(v, first, last, depth):
    while last - first > 16:
        if depth == 0:
            _heap_sort(v, first, last)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(v, first, first + 1, mid, last - 1)
        cut = _unguarded_partition(v, first + 1, last, first)
        _introsort_loop(v, cut, last, depth)
        last = cut


def _linear_insert(v, last):
    val = v[last]
    nxt = last - 1
    while _lt(val, v[nxt]):
        v[last] = v[nxt]
        last = nxt
        nxt -= 1
    v[last] = val


def _insertion_sort(v, first, last):
    for i in range(first + 1, last):
        if _lt(v[i], v[first]):
            val = v[i]
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            _linear_insert(v, i)


def std_sort(v):
    """Sorts a list of (id, size) pairs by size exactly as libstdc++'s std::sort."""
    n = len(v)
    if n == 0:
        return
    _introsort_loop(v, 0, n, 2 * (n.bit_length() - 1))
    if n > 16:
        _insertion_sort(v, 0, 16)
        for i in range(16, n):
            _linear_insert(v, i)
    else:
        _insertion_sort(v, 0, n)


# --- the algorithm, facts doc 4.3 ------------------------------------------------

def get_new_swarm_id(swarms):
    ids = sorted(swarms)
    if not ids:
        return 0
    best, best_gap = 0, 0
    for k in range(len(ids) - 1):
        if ids[k + 1] - ids[k] > best_gap:
            best, best_gap = k, ids[k + 1] - ids[k]
    wrap = MAX_ID - ids[-1] + ids[0] + 1
    if wrap > best_gap:
        best, best_gap = len(ids) - 1, wrap
    return (ids[best] + best_gap // 2) % (MAX_ID + 1)


def sizes_sorted(swarms):
    v = [(sid, len(swarms[sid])) for sid in sorted(swarms)]
    std_sort(v)
    return v


def excess_pool(swarms, threshold):
    """(pool of (pubkey, swarm id), excess) over swarms larger than threshold."""
    pool, excess = [], 0
    for sid in sorted(swarms):
        if len(swarms[sid]) > threshold:
            excess += len(swarms[sid]) - MIN_SWARM_SIZE
            pool.extend((pk, sid) for pk in swarms[sid])
    return pool, excess


def new_swarms_from_excess(swarms, rng):
    if any(len(m) < MIN_SWARM_SIZE for m in swarms.values()):
        return
    while (sum(max(0, len(m) - EXCESS_BASE) for m in swarms.values())
           >= NEW_SWARM_SIZE + IDEAL_SWARM_MARGIN * len(swarms)):
        members = []
        while len(members) < NEW_SWARM_SIZE:
            pool, _ = excess_pool(swarms, EXCESS_BASE)
            pk, sid = pool[uniform(rng, len(pool))]
            swarms[sid].remove(pk)
            members.append(pk)
        swarms[get_new_swarm_id(swarms)] = members


def assign(pubkeys, swarms, rng, percentile):
    for pk in pubkeys:
        v = sizes_sorted(swarms)
        if not v:
            raise IndexError("no swarm left (upstream: std::out_of_range)")
        pidx = percentile * (len(v) - 1) // 100
        last = pidx
        while last + 1 < len(v) and v[last + 1][1] == v[pidx][1]:
            last += 1
        swarms[v[uniform(rng, last + 1)][0]].append(pk)
        new_swarms_from_excess(swarms, rng)


def robin_hood(swarms, rng):
    v = sizes_sorted(swarms)
    pv = v[STEALING_SWARM_UPPER_PERCENTILE * (len(v) - 1) // 100][1] - 1
    if pv < 0:  # upstream's size_t: 0 - 1 is 2^64 - 1, so nothing counts as rich
        pv = M64
    pv = max(MIN_SWARM_SIZE, pv)
    for sid, size in v:
        if size >= MIN_SWARM_SIZE:
            return
        poor = swarms[sid]
        while True:
            pool, excess = excess_pool(swarms, pv)
            if excess < MIN_SWARM_SIZE - len(poor):
                return
            pk, rich = pool[uniform(rng, len(pool))]
            swarms[rich].remove(pk)
            poor.append(pk)
            if len(poor) >= MIN_SWARM_SIZE:
                break


def dissolve(swarms, rng):
    if len(swarms) <= 1:
        return
    while True:
        starving = [sid for sid in sorted(swarms) if len(swarms[sid]) < MIN_SWARM_SIZE]
        if not starving:
            return
        members = swarms.pop(starving[0])
        assign(members, swarms, rng, DECOMMISSIONED_REDISTRIBUTION_LOWER_PERCENTILE)


def calc_swarm_changes(swarms, seed):
    if not swarms:
        return
    rng = Mt19937_64(seed)
    unassigned = swarms.pop(UNASSIGNED, [])
    if not swarms:
        swarms[get_new_swarm_id({})] = []
    assign(unassigned, swarms, rng, FILL_SWARM_LOWER_PERCENTILE)
    robin_hood(swarms, rng)
    new_swarms_from_excess(swarms, rng)
    dissolve(swarms, rng)


def assign_nodes(nodes, seed):
    """nodes: [(pubkey bytes, swarm id)] sorted by pubkey -> new ids, or None if upstream throws."""
    swarms = {}
    for pk, sid in nodes:
        swarms.setdefault(sid, []).append(pk)
    try:
        calc_swarm_changes(swarms, seed)
    except IndexError:
        return None
    where = {pk: sid for sid, members in swarms.items() for pk in members}
    return [where[pk] for pk, _ in nodes]


# --- command line ----------------------------------------------------------------

def read_dump(path):
    """Yields (block, seed, [(pubkey, in id)], [out id] or None where C refused)."""
    with open(path) as f:
        lines = iter(f.read().splitlines())
    for line in lines:
        if not line or line.startswith("#"):
            continue
        word = line.split()
        assert word[0] == "block" and word[2] == "seed" and word[4] == "nodes", line
        block, seed, n = int(word[1]), int(word[3]), int(word[5])
        nodes, out = [], []
        for _ in range(n):
            pk, sid_in, sid_out = next(lines).split()
            nodes.append((bytes.fromhex(pk), int(sid_in)))
            out.append(None if sid_out == "error" else int(sid_out))
        yield block, seed, nodes, (None if None in out else out)


def check(path):
    count = failed = 0
    for block, seed, nodes, out in read_dump(path):
        count += 1
        want = assign_nodes(nodes, seed)
        if want == out:
            print(f"ok {count} - block {block}: {len(nodes)} nodes, seed {seed}")
            continue
        failed += 1
        print(f"not ok {count} - block {block}: {len(nodes)} nodes, seed {seed}")
        if want is None or out is None:
            print(f"# reference {'fails' if want is None else 'assigns'}, "
                  f"C {'fails' if out is None else 'assigns'}")
        else:
            diff = [i for i in range(len(nodes)) if want[i] != out[i]]
            print(f"# {len(diff)} nodes differ, first nodes[{diff[0]}]: "
                  f"reference {want[diff[0]]}, C {out[diff[0]]}")
    print(f"1..{count}")
    return 1 if failed or count == 0 else 0


def selftest():
    results = []
    rng = Mt19937_64(5489)
    for _ in range(9999):
        rng()
    results.append(("mt19937_64 default seed: 10000th output", rng() == 9981545732273789042))
    half = MAX_ID // 2
    results.append(("get_new_swarm_id single swarm wraps", get_new_swarm_id({half: 0}) == MAX_ID))
    results.append(("get_new_swarm_id straddle +100",
                    get_new_swarm_id({half - 100: 0, half + 100: 0}) == MAX_ID))
    results.append(("get_new_swarm_id straddle +101",
                    get_new_swarm_id({half - 100: 0, half + 101: 0}) == 0))
    # orders g++ 12's std::sort gives (tests/unit/swarm/gxx_vectors.cpp)
    for n, seed, mod, want in (
            (16, 16, 3, "1,6,13,0,2,3,8,10,15,4,5,7,9,11,12,14"),
            (17, 17, 3, "8,16,15,11,9,2,1,5,6,7,12,0,4,10,3,13,14")):
        rng = Mt19937_64(seed)
        v = [(i, rng() % mod) for i in range(n)]
        std_sort(v)
        results.append((f"std_sort {n} items as g++", ",".join(str(i) for i, _ in v) == want))
    sizes = [38, 0, 36, 2, 34, 5, 32, 7, 37, 9, 33, 11, 39, 13, 30, 15, 34, 17, 20, 19,
             0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 30, 26, 28, 25, 26, 22, 24, 20, 22, 29]
    v = list(enumerate(sizes))
    std_sort(v)
    results.append(("std_sort heapsort fallback as g++", [i for i, _ in v] == [
        1, 20, 3, 21, 22, 5, 23, 7, 24, 9, 25, 11, 26, 13, 27, 15, 28, 17, 29, 19,
        37, 18, 38, 35, 36, 33, 31, 34, 32, 39, 14, 30, 6, 10, 16, 4, 2, 8, 0, 12]))
    for i, (name, ok) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    print(f"1..{len(results)}")
    return 0 if all(ok for _, ok in results) else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) == 2 and argv[1] == "selftest":
        return selftest()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
