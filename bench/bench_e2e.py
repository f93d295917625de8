#!/usr/bin/python3
"""End-to-end store requests over 3-hop paths on a running testnet (deploy/testnet.sh), through
the independent Python client (tests/tools/snode_client.py): every request is a fresh onion to a
random path of distinct nodes, sent as a CREATE cell, answered in REPLY cells, opened and checked
(status 200 and a hash). Not a test. Run inside the testnet's namespace:

  ip netns exec "$(cat DIR/netns)" bench/bench_e2e.py --testnet DIR [--requests N] [--window W]

Prints requests/s, latency p50/p99 and the client's own CPU per request (its onion building and
reply opening, the part of the figure that is not the nodes': Python + PyNaCl)."""
import argparse
import base64
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tools"))
import snode_client as sc  # noqa: E402


def one_store(testnet, nodes, seed, i):
    path = random.sample(nodes, 3)
    args = argparse.Namespace(testnet=testnet, path=",".join(map(str, path)), enc="aes-gcm",
                              mode=1, timeout=10.0, cmd="store", seed=seed, namespace=0,
                              data_b64=base64.b64encode(f"bench message {i}".encode()).decode(),
                              data=None, to=None, ttl=3600 * 1000)
    t0 = time.monotonic()
    reply = sc.request(args, json.dumps(sc.rpc_body(args)).encode())
    dt = time.monotonic() - t0
    body = reply["body"]
    body = json.loads(body) if isinstance(body, str) else body
    if reply["status"] != 200 or len(body.get("hash", "")) != 43:
        raise ValueError(f"request {i}: unexpected reply {reply}")
    return dt


def run(testnet, nodes, n, window):
    """n stores with `window` in flight; returns (seconds, latencies, failures)."""
    seed = os.urandom(32).hex()
    lat, fails, lock, next_i = [], [], threading.Lock(), [0]

    def worker():
        while True:
            with lock:
                if next_i[0] >= n or len(fails) >= 3:  # a broken testnet: stop early
                    return
                i = next_i[0]
                next_i[0] += 1
            try:
                d = one_store(testnet, nodes, seed, i)
                with lock:
                    lat.append(d)
            except (TimeoutError, ValueError, OSError) as e:
                with lock:
                    fails.append(str(e))

    threads = [threading.Thread(target=worker) for _ in range(window)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0, lat, fails


def pct(sorted_vals, p):
    return sorted_vals[min(len(sorted_vals) - 1, int(p / 100 * len(sorted_vals)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--window", type=int, default=8)
    a = ap.parse_args()
    nodes = sorted(int(d[4:]) for d in os.listdir(a.testnet) if d.startswith("node"))
    if len(nodes) < 3 or not 1 <= a.requests <= 100000 or not 1 <= a.window <= 64:
        print("bench_e2e: needs a testnet of 3+ nodes, --requests 1..100000, --window 1..64",
              file=sys.stderr)
        return 2
    _, _, fails = run(a.testnet, nodes, min(20, a.requests), 1)  # warm-up: ARP, caches
    if fails:
        print(f"bench_e2e: warm-up failed: {fails[0]}", file=sys.stderr)
        return 1
    for window in (1, a.window):
        cpu0 = time.process_time()
        secs, lat, fails = run(a.testnet, nodes, a.requests, window)
        cpu = time.process_time() - cpu0
        if fails:
            print(f"bench_e2e: stopped after {len(fails)} failures, first: {fails[0]}",
                  file=sys.stderr)
            return 1
        lat.sort()
        print(f"e2e store, 3 hops, {window:2d} in flight: {a.requests / secs:8.0f} req/s  "
              f"p50 {pct(lat, 50) * 1e3:7.2f} ms  p99 {pct(lat, 99) * 1e3:7.2f} ms  "
              f"client CPU {cpu / a.requests * 1e6:7.0f} us/req")
    return 0


if __name__ == "__main__":
    sys.exit(main())
