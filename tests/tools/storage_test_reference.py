#!/usr/bin/env python3
"""Storage-proof tests (docs/storage-tests.md), computed independently of the C code:
the pairs of a height and the proof hash. Prints the vectors that
tests/unit/control/test_storage_test.c checks (run it to regenerate them).

  pairs: mt19937_64 seeded with the reference's quirk (the LE u64 of the first 8 ASCII
         characters of the block hash in lower-case hex); tester = uniform(n), testee =
         uniform(n) redrawn until it differs; the stream goes on for further pairs.
  proof: BLAKE2b-256("snode-storage-proof-v1" || nonce || LE64 height || tester || testee
         || k || per record: account33 || LE32 ns || hash32 || LE32 len || data)
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swarm_reference import Mt19937_64, uniform  # noqa: E402


def seed(block_hash):
    return struct.unpack("<Q", block_hash.hex()[:8].encode())[0]


def pairs(n, block_hash, k):
    if n < 2:
        return []
    rng = Mt19937_64(seed(block_hash))
    out = []
    for _ in range(k):
        tester = uniform(rng, n)
        testee = uniform(rng, n)
        while testee == tester:
            testee = uniform(rng, n)
        out.append((tester, testee))
    return out


def proof(nonce, height, tester, testee, recs):
    h = hashlib.blake2b(digest_size=32)
    h.update(b"snode-storage-proof-v1" + nonce + struct.pack("<Q", height) + tester + testee
             + bytes([len(recs)]))
    for account, ns, mhash, data in recs:
        h.update(account + struct.pack("<i", ns) + mhash + struct.pack("<I", len(data)) + data)
    return h.digest()


def main():
    for hx, n, k in (("00" * 32, 5, 1), ("a1b2c3d4" + "ee" * 28, 7, 3),
                     (bytes(range(32)).hex(), 2, 4), ("ff" * 32, 12, 12)):
        print(f"pairs {hx[:8]} n={n} k={k} seed={seed(bytes.fromhex(hx)):#x}:",
              pairs(n, bytes.fromhex(hx), k))
    nonce = bytes(range(32))
    tester, testee = bytes([1]) * 32, bytes([2]) * 32
    recs = [(bytes([5]) + bytes([0x11]) * 32, 0, bytes([0x22]) * 32, b"hello"),
            (bytes([3]) + bytes([0x33]) * 32, -10, bytes([0x44]) * 32, b"")]
    print("proof:", proof(nonce, 1234, tester, testee, recs).hex())


if __name__ == "__main__":
    main()
