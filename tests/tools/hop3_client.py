#!/usr/bin/python3
"""The client and the destination's snode-control of a 3-hop run across three snode-dataplane
processes (tests/cli/test_dataplane_3hop.sh). Written from docs/wire-format.md and
docs/channel.md; shares no code with snode (cell_builder.py and onion_builder.py beside it do
the cell and onion work). Node 0 is A (entry), node 1 B (relay), node 2 C (destination).

  hop3_client.py make --spec S --out IN.pcap --state ST.json
      client CREATEs to A for the path A -> B -> C, one per (enc, reply mode) of
      (xchacha20, 1), (aes-gcm, 0), (aes-gcm, 1), (xchacha20, 0); ST.json keeps what the client
      needs to open the replies (its ephemeral seeds) and the bodies C must receive.
  hop3_client.py peer --spec S --state ST.json --socket PATH --ready FILE
      plays C's snode-control: HELLO with C's key, then for each REQUEST checks its meta and
      body byte for byte against ST.json and answers a REPLY (ref copied, BASE64 as asked).
      Touches FILE once HELLO is exchanged. Prints {"requests", "exact", "replied"}.
  hop3_client.py check --spec S --state ST.json --pcap OUT.pcap
      A's port-0 output: the REPLY cells to the client, opened with the client's keys (both
      modes); each must carry the reply the peer sent. Prints {"replies", "mode0", "mode1"}.
spec: {"nodes": [{"seed", "ip", "mac", "port"} x3], "client": {"ip", "mac", "port"}}."""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import time

import nacl.bindings as nb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cell_builder as cb  # noqa: E402
import onion_builder as ob  # noqa: E402
from chan_wire import CHAN, chan_msg, connect  # noqa: E402

HELLO, REQUEST, REPLY_MSG = 1, 2, 3
BASE64_FLAG = 2
CASES = [("xchacha20", 1), ("aes-gcm", 0), ("aes-gcm", 1), ("xchacha20", 0)]


def body_of(i):
    return b'{"method":"info","params":{"circuit":%d}}' % i


def reply_of(i):
    return b'{"body":"three hops %d","status":200}' % i


def onion(enc, hops, body):
    """ob.build's onion with ephemeral seeds the client keeps (open_reply derives the reply
    keys from them): hops are node_keys dicts, entry first, the destination last."""
    seeds = [os.urandom(32) for _ in hops]

    def layer(i, pt):
        pk = nb.crypto_scalarmult_base(seeds[i])
        node_x = hops[i]["x_pk"]
        key = ob.hop_key(enc, nb.crypto_scalarmult(seeds[i], node_x), pk, node_x)
        return ob.seal(enc, key, pt), pk

    blob, eph = layer(len(hops) - 1, ob.combined(body, {"headers": ""}))
    routing = {"destination": hops[-1]["ed"].hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    for i in range(len(hops) - 2, -1, -1):
        blob, eph = layer(i, ob.combined(blob, routing))
        routing = {"destination": hops[i]["ed"].hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    return blob, eph, seeds


def cmd_make(spec, out, state):
    keys = [cb.node_keys(n["seed"]) for n in spec["nodes"]]
    frames, circuits = [], []
    for i, (enc, mode) in enumerate(CASES):
        blob, eph, seeds = onion(enc, keys, body_of(i))
        label = int.from_bytes(os.urandom(8), "big") | 1
        m = cb.mask(nb.crypto_scalarmult(seeds[0], keys[0]["x_pk"]), 1, label)
        cell = cb.create_cell(0x80, label, enc, mode, eph, 0, m, blob)
        frames.append(cb.frame(spec["client"], spec["nodes"][0], cell))
        circuits.append({"enc_type": enc, "reply_mode": mode, "label": "%016x" % label,
                         "hops": [{"seed": s.hex(), "x25519": k["x_pk"].hex()}
                                  for s, k in zip(seeds, keys)]})
    cb.write_pcap(out, frames)
    with open(state, "w") as f:
        json.dump({"circuits": circuits}, f)




def cmd_peer(spec, state, path, ready):
    c_ed = cb.node_keys(spec["nodes"][2]["seed"])["ed"]
    circuits = json.load(open(state))["circuits"]
    conn = connect(path, 10)
    conn.settimeout(5)
    hello = chan_msg(HELLO, c_ed)
    got = conn.recv(65536)
    if got != hello:
        raise SystemExit(f"bad HELLO from C's dataplane: {got.hex()}")
    conn.send(hello)
    time.sleep(0.2)  # C takes our HELLO before any REQUEST can need it
    open(ready, "w").close()
    bodies = {body_of(i): i for i in range(len(circuits))}
    n = exact = replied = 0
    end = time.time() + 10  # the whole wait, however many REQUESTs come
    try:
        while n < len(circuits) and time.time() < end:
            conn.settimeout(max(0.01, end - time.time()))
            msg = conn.recv(65536)
            ver, mtype, flags, blen, *ref = CHAN.unpack(msg[:CHAN.size])
            if mtype != REQUEST:
                continue
            n += 1
            meta, payload = msg[CHAN.size:CHAN.size + 4], msg[CHAN.size + 4:]
            i = bodies.get(payload)
            # route 1 (destination), the circuit's reply mode, one datagram
            if i is None or flags != 0 or blen != len(msg) - CHAN.size or meta[0] != 1 \
                    or meta[1] != circuits[i]["reply_mode"] or meta[3] != 0:
                print(f"# unexpected REQUEST {msg[:64].hex()}", file=sys.stderr)
                continue
            exact += 1
            conn.send(chan_msg(REPLY_MSG, reply_of(i), BASE64_FLAG if meta[2] & 2 else 0, ref))
            circuits[i]["base64"] = bool(meta[2] & 2)
            replied += 1
    except socket.timeout:
        pass
    with open(state, "w") as f:  # the reply encodings C was asked for, for check
        json.dump({"circuits": circuits}, f)
    time.sleep(1)  # the dataplane sends the replies on its next iterations
    conn.close()
    print(json.dumps({"requests": n, "exact": exact, "replied": replied}))


def cmd_check(spec, state, pcap):
    circuits = json.load(open(state))["circuits"]
    by_label = {int(c["label"], 16): (i, c) for i, c in enumerate(circuits)}
    cells = {}
    for fr in cb.read_pcap(pcap):
        if fr[12:14] != b"\x08\x00" or fr[23] != 17 or len(fr) < 42 + 20 or fr[43] != cb.REPLY:
            continue
        assert fr[0:6] == cb.mac(spec["client"]["mac"]), "a REPLY not to the client's MAC"
        assert fr[30:34] == socket.inet_aton(spec["client"]["ip"]), "a REPLY not to the client"
        assert fr[26:30] == socket.inet_aton(spec["nodes"][0]["ip"]), "not from A's address"
        (label,) = struct.unpack(">Q", fr[46:54])
        cells.setdefault(label, []).append(fr[42:].hex())
    got = {"replies": 0, "mode0": 0, "mode1": 0}
    for label, hexcells in cells.items():
        i, c = by_label[label]
        r = cb.open_reply(dict(c, base64=c.get("base64", True), cells=hexcells))
        body = base64.b64decode(r["body_b64"])
        assert body == reply_of(i), f"circuit {i}: {body[:80]!r}"
        got["replies"] += 1
        got["mode%d" % c["reply_mode"]] += 1
    print(json.dumps(got))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["make", "peer", "check"])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--out")
    ap.add_argument("--socket")
    ap.add_argument("--ready")
    ap.add_argument("--pcap")
    a = ap.parse_args()
    spec = json.load(open(a.spec))
    if a.command == "make":
        cmd_make(spec, a.out, a.state)
    elif a.command == "peer":
        cmd_peer(spec, a.state, a.socket, a.ready)
    else:
        cmd_check(spec, a.state, a.pcap)


if __name__ == "__main__":
    main()
