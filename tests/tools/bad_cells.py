#!/usr/bin/python3
"""The dataplane's bad-input corpus: writes a pcap of frames for node A (10.0.0.1), each built to
land in one drop counter (or an ARP reply / one relay), and a JSON file of the counts expected
in /snode/dp/drops and /snode/dp/stats. Built from docs/wire-format.md with the independent
helpers beside it (cell_builder.py, onion_builder.py, snode_client.py); shares no code with snode.

  bad_cells.py --seed-a HEX --seed-b HEX --out corpus.pcap --expect expected.json
A's node table must list B at 10.0.0.2:22030 (MAC 02:00:00:00:00:02)."""
import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cell_builder as cb  # noqa: E402
import onion_builder as ob  # noqa: E402
import snode_client as sc  # noqa: E402

A = {"ip": "10.0.0.1", "mac": "02:00:00:00:00:01", "port": 22030}
B = {"ip": "10.0.0.2", "mac": "02:00:00:00:00:02", "port": 22030}
STRANGER = {"ip": "10.0.0.66", "mac": "02:00:00:00:00:66", "port": 22030}
CLIENT = {"ip": "10.0.0.100", "mac": "02:00:00:00:00:64", "port": 40000}
ENC = "aes-gcm"


def label():
    return int.from_bytes(os.urandom(8), "big") | 1


def create(blob, eph, dh, hop=0, blob_len=None, flags=0x80, lab=None, enc_code=None,
           reply_mode=1):
    """A client CREATE to A, masked with the hop's raw DH (wire-format.md, Masks)."""
    lab = lab or label()
    m = cb.mask(dh, 1, lab)
    n = len(blob) if blob_len is None else blob_len
    masked = bytes(a ^ b for a, b in zip(struct.pack(">IB", n, hop), m))
    cell = (bytes([1, 1, 0, flags]) + struct.pack(">Q", lab)
            + bytes([0 if enc_code is None else enc_code, reply_mode, 0, 0])
            + eph + masked[:4] + masked[4:] + bytes(3) + blob)
    return cell + os.urandom(cb.SMALL - len(cell))


def layer_for_a(a, pt):
    ct, eph, _, dh = sc.layer(ENC, a["x"], pt)
    return ct, eph, dh


def frames_and_counts(a, b):
    frames, drops, stats = [], {}, {"create_relayed": 0, "arp_replies": 0}

    def add(fr, reason=None, stat=None):
        frames.append(fr)
        if reason:
            drops[reason] = drops.get(reason, 0) + 1
        if stat:
            stats[stat] += 1

    to_a = lambda payload, src=CLIENT: cb.frame(src, A, payload)  # noqa: E731
    # a valid onion A -> B: relayed once, its copy is a replay
    blob, eph, keys, dhs = sc.build(ENC, [a, b], b'{"method":"info","params":{}}')
    good = create(blob, eph, dhs[0])
    add(to_a(good), stat="create_relayed")
    add(to_a(good), "replay")
    # crypto and routing failures, each with a fresh ephemeral key
    blob, eph, keys, dhs = sc.build(ENC, [a, b], b"{}")
    add(to_a(create(blob[:40] + bytes([blob[40] ^ 1]) + blob[41:], eph, dhs[0])), "bad_mac")
    ct, eph, dh = layer_for_a(a, struct.pack("<I", 1) + b"x" + b"{not json")
    add(to_a(create(ct, eph, dh)), "bad_json")
    route = {"destination": os.urandom(32).hex(), "ephemeral_key": os.urandom(32).hex(),
             "enc_type": ENC}
    ct, eph, dh = layer_for_a(a, ob.combined(b"inner", route))
    add(to_a(create(ct, eph, dh)), "unknown_next_hop")
    add(to_a(create(b"x" * 100, bytes(32), bytes(32))), "low_order")
    ct, eph, dh = layer_for_a(a, b"y" * 50)
    add(to_a(create(ct, eph, dh, hop=16)), "too_many_hops")
    ct, eph, dh = layer_for_a(a, b"y" * 50)
    add(to_a(create(ct, eph, dh, blob_len=cb.SMALL)), "bad_length")
    # header checks
    ct, eph, dh = layer_for_a(a, b"z")
    base = bytearray(create(ct, eph, dh))
    for off, val, reason in ((0, 2, "bad_version"), (1, 9, "bad_kind"), (2, 7, "bad_class"),
                             (3, 0x80 | 0x40, "bad_flags"), (12, 5, "bad_enc_type"),
                             (13, 3, "bad_reply_mode")):
        c = bytearray(base)
        c[off] = val
        add(to_a(bytes(c)), reason)
    c = bytearray(base)
    c[4:12] = bytes(8)
    add(to_a(bytes(c)), "bad_label")
    add(to_a(bytes(base[:100])), "bad_size")
    # circuit cells nobody asked for
    # a REPLY from B, its length masked with the A-B link key, on a label A never chose
    lab = label()
    m = cb.mask(cb.link_key(b["x_sk"], b["x"], a["x"]), 3, lab, 0)
    reply = bytes([1, 3, 0, 0]) + struct.pack(">QI", lab, 0) + bytes(m[:4])
    add(cb.frame(B, A, reply + bytes(cb.SMALL - len(reply))), "no_circuit")
    add(cb.frame(B, A, bytes([1, 3, 0, 0]) + struct.pack(">QI", lab, 0) + b"\xff" * 4
                 + bytes(cb.SMALL - 20)), "bad_length")  # the same, length past the cell
    add(cb.frame(STRANGER, A, reply + bytes(cb.SMALL - len(reply))), "unknown_peer")
    data = bytes([1, 2, 0, 0x80]) + struct.pack(">QI", label(), 0) + bytes(4)
    add(to_a(data + bytes(cb.SMALL - len(data))), "no_circuit")
    direct = bytes([1, 4, 0, 0]) + bytes(8) + struct.pack(">I", 3) + b"abc"
    add(cb.frame(STRANGER, A, direct + bytes(cb.SMALL - len(direct))), "unknown_peer")
    add(cb.frame(B, A, direct + bytes(cb.SMALL - len(direct))), "channel_down")
    # framing
    add(cb.frame(CLIENT, dict(A, port=9999), good), "not_cell")
    add(cb.frame(CLIENT, dict(A, ip="10.0.0.9"), good), "not_cell")
    v6 = bytearray(to_a(good))
    v6[12:14] = b"\x86\xdd"
    add(bytes(v6), "not_cell")
    bad_ihl = bytearray(to_a(good))
    bad_ihl[14] = 0x43
    add(bytes(bad_ihl), "bad_ip")
    # fragments: a first piece whose rest never comes (dropped at its 2 s deadline), a piece
    # off the 8-byte grid, one past what a large cell can reach, and a CREATE in two pieces
    frag = bytearray(to_a(good))
    frag[20:22] = struct.pack("!H", 0x2000)  # more fragments
    add(bytes(frag), "frag_timeout")
    add(cb.ip_piece(to_a(good), 0, 1001, True, 0x101), "frag_bad")
    add(cb.ip_piece(to_a(good), 65000, 16, False, 0x102), "frag_oversize")
    blob, eph, keys, dhs = sc.build(ENC, [a, b], b'{"method":"info","params":{}}')
    pieces = cb.fragments(to_a(create(blob, eph, dhs[0])), 600, 0x103)
    for p in pieces[:-1]:
        add(p)
    add(pieces[-1], stat="create_relayed")
    add(to_a(good)[:30], "not_cell")  # shorter than Ethernet + IPv4 + UDP
    add(cb.arp_request(CLIENT, A["ip"]), stat="arp_replies")
    return frames, {"drops": drops, "stats": stats, "frames": len(frames)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed-a", required=True)
    ap.add_argument("--seed-b", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--expect", required=True)
    args = ap.parse_args()
    a, b = ({"ed": k["ed"], "x": k["x_pk"], "x_sk": k["x_sk"]} for k in
            (cb.node_keys(args.seed_a), cb.node_keys(args.seed_b)))
    frames, expect = frames_and_counts(a, b)
    cb.write_pcap(args.out, frames)
    with open(args.expect, "w") as f:
        json.dump(expect, f, sort_keys=True)


if __name__ == "__main__":
    main()
