#!/usr/bin/python3
"""Independent reference of docs/quorums.md: the replay of epochs, RANDAO seeds
and obligations quorums from a registry log, written from the doc (not from
control/). Uses swarm_reference's mt19937_64 and uniform (themselves checked
against std::mt19937_64). Run it to print the vector log's SHA-256 and its
quorums, the numbers test_registry_quorum.c checks.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import swarm_reference as ref  # noqa: E402

VALIDATORS, MIN_WORKERS, NTH = 10, 50, 100


def b2b(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def le64(v):
    return v.to_bytes(8, "little")


def shuffle(a, seed64):
    rng = ref.Mt19937_64(seed64)
    for i in range(1, len(a)):
        j = ref.uniform(rng, i + 1)
        a[i], a[j] = a[j], a[i]


def draw(active, decomm, seed):
    """active, decomm: ascending key lists -> (validators, workers)."""
    lst = active + decomm
    n, na = len(lst), len(active)
    nv = min(na, VALIDATORS)
    idx = list(range(n))
    s = int.from_bytes(seed[:8], "little")  # + obligations type 0
    if 0 < nv < n and 0 < na < n:
        head = idx[:na]
        shuffle(head, s)
        idx[:na] = head
        tail = idx[nv:]
        shuffle(tail, s)
        idx[nv:] = tail
    else:
        shuffle(idx, s)
    rest = n - nv
    nw = min(rest, max(MIN_WORKERS, rest // NTH))
    return [active[i] for i in idx[:nv]], [lst[i] for i in idx[nv:nv + nw]]


def replay(text):
    """Returns {epoch: (seed, validators, workers)} (signatures not checked)."""
    eb, nodes, commits = 10, {}, {}  # key -> status; (key, epoch) -> [hash, secret]
    last_hash, cur, out = bytes(32), None, {}
    for line in text.splitlines():
        w = line.split("#")[0].split()
        if not w:
            continue
        if w[0] == "option":
            if w[1] == "epoch-blocks":
                eb = int(w[2])
            continue
        h = int(w[{"block": 1, "register": 4}.get(w[0], 2)])
        q = h // eb
        if cur is None or q > cur:
            revealed = sorted((k, c[1]) for (k, e), c in commits.items()
                              if e == q - 2 and c[1] is not None and k in nodes)
            if cur is not None and q == cur + 1 and revealed:
                seed = b2b(b"snode-randao-v1" + le64(q) +
                           b"".join(bytes.fromhex(k) + s for k, s in revealed))
            else:
                seed = last_hash
            act = sorted(k for k, st in nodes.items() if st == "active")
            dec = sorted(k for k, st in nodes.items() if st == "decomm")
            out[q] = (seed,) + draw(act, dec, seed)
            cur = q
        if w[0] == "block":
            last_hash = bytes.fromhex(w[2])
        elif w[0] == "register" or w[0] == "recommission":
            nodes[w[1]] = "active"
        elif w[0] == "decommission":
            nodes[w[1]] = "decomm"
        elif w[0] == "deregister":
            del nodes[w[1]]
        elif w[0] == "commit":
            commits[(w[1], q)] = [bytes.fromhex(w[3]), None]
        elif w[0] == "reveal":
            commits[(w[1], q - 1)][1] = bytes.fromhex(w[3])
    return out


def vector_log():
    """The log test_registry_quorum.c builds: 70 nodes, epochs of 4 blocks."""
    from nacl.signing import SigningKey
    sha = lambda s: hashlib.sha256(s.encode()).digest()  # noqa: E731
    keys = [SigningKey(sha("ed %d" % i)) for i in range(70)]
    pk = [k.verify_key.encode().hex() for k in keys]
    lines = ["option epoch-blocks 4", "option unverified-records"]
    for i in range(70):
        lines.append("register %s %s 10.0.%d.1:22030 1" % (pk[i], sha("x %d" % i).hex(), i))
    lines.append("block 1 " + sha("block 1").hex())
    lines.append("decommission %s 2 -" % pk[6])
    lines.append("block 2 " + sha("block 2").hex())
    for i in range(5):
        secret = sha("secret %d" % i)
        hh = b2b(secret)
        msg = b"snode-commit-v1" + bytes.fromhex(pk[i]) + le64(0) + hh
        lines.append("commit %s 3 %s %s" % (pk[i], hh.hex(), keys[i].sign(msg).signature.hex()))
    lines.append("block 3 " + sha("block 3").hex())
    for i in range(4):  # node 4 withholds its reveal
        lines.append("reveal %s 5 %s" % (pk[i], sha("secret %d" % i).hex()))
    lines.append("block 5 " + sha("block 5").hex())
    lines.append("block 8 " + sha("block 8").hex())
    lines.append("block 13 " + sha("block 13").hex())
    return "\n".join(lines) + "\n", pk


if __name__ == "__main__":
    text, pk = vector_log()
    print("sha256", hashlib.sha256(text.encode()).hexdigest())
    for e, (seed, val, work) in sorted(replay(text).items()):
        print("epoch %d seed %s" % (e, seed.hex()))
        print("  validators", [pk.index(k) for k in val])
        print("  workers", len(work), [pk.index(k) for k in work])
