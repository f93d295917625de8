#!/usr/bin/python3
"""Independent client and checker for snode cells, written from
docs/wire-format.md and the facts doc (shares no code with snode; uses
onion_builder.py beside it for the Session layers).

  make  --spec spec.json --out in.pcap     client CREATE frames (+ bad ones) for node A
  check --spec spec.json --pcap out.pcap   what A sent: relayed CREATEs peel at B
  open-reply --spec replies.json           the client opening REPLY cells (both reply modes)
  reply-creates --spec spec.json --out c.pcap      4 client CREATEs, reply modes 0, 1, 0, 1
  reply-frames --spec spec.json --creates c.pcap --pcap relayed.pcap --out in.pcap
      c.pcap's frames, then B's one-cell REPLY on each circuit A relayed (A's out label read
      at B's end: the relayed CREATE carrying the ephemeral key A's layer names)
  reply-check --spec spec.json --creates in.pcap --pcap out.pcap
      what A sent back: each REPLY to the client carries B's payload (under A's layer in mode 1)
spec.json: {"nodes": [{"seed": hex, "ip": "10.0.0.1", "mac": "02:..", "port": 22030}, ...],
            "client": {"ip": .., "mac": .., "port": ..}, "count": N}
Node 0 is A (the dataplane under test), node 1 is B, node 2 is C (the destination).
replies.json: {"replies": [{"enc_type": "aes-gcm", "reply_mode": 0|1, "base64": bool,
  "label": hex (the client's label), "hops": [{"seed": hex, "x25519": hex}, ...] (the client's
  ephemeral seed and the node's key per hop, entry first), "cells": [hex, ...]}]}
  -> {"replies": [{"cells": n, "body_b64": ..}]}: keys derived here from the seeds."""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys

import nacl.bindings as nb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onion_builder as ob  # noqa: E402

SMALL = 1232
SIZES = {0: SMALL, 1: 8192, 2: 65000}   # size classes (wire-format.md)
MTU = 1500                              # the golden link's: bigger datagrams travel as fragments
CREATE_HDR = 56
DATA_HDR = 20
REPLY = 3
BODY = b'{"method":"info","params":{}}'


def node_keys(seed_hex):
    pk, sk = nb.crypto_sign_seed_keypair(bytes.fromhex(seed_hex))
    return {"ed": pk, "x_pk": nb.crypto_sign_ed25519_pk_to_curve25519(pk),
            "x_sk": nb.crypto_sign_ed25519_sk_to_curve25519(sk)}


def mask(key, kind, label, seq=0):
    msg = b"snode-hdr" + bytes([kind]) + struct.pack(">QI", label, seq)
    return hashlib.blake2b(msg, key=key, digest_size=32).digest()[:5]


def link_key(own_sk, own_pk, peer_pk):
    dh = nb.crypto_scalarmult(own_sk, peer_pk)
    lo, hi = sorted([own_pk, peer_pk])
    return hashlib.blake2b(b"snode-link" + lo + hi, key=dh, digest_size=32).digest()


def create_cell(flags, label, enc, reply_mode, eph, hop, m, blob, cls=0):
    enc_code = {"aes-gcm": 0, "xchacha20": 1, "aes-cbc": 2}[enc]
    masked = bytes(a ^ b for a, b in zip(struct.pack(">IB", len(blob), hop), m))
    cell = (bytes([1, 1, cls, flags]) + struct.pack(">Q", label)
            + bytes([enc_code, reply_mode, 0, 0]) + eph + masked[:4] + masked[4:] + bytes(3) + blob)
    return cell + os.urandom(SIZES[cls] - len(cell))


def ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def frame(src, dst, payload, proto=17):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(payload), 0, 0x4000, 64, proto, 0,
                     socket.inet_aton(src["ip"]), socket.inet_aton(dst["ip"]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", src["port"], dst["port"], 8 + len(payload), 0)
    return mac(dst["mac"]) + mac(src["mac"]) + b"\x08\x00" + ip + udp + payload


def ip_piece(fr, off, length, more, ident):
    """An IPv4 fragment of frame fr (Ethernet + IPv4 without options): IP payload bytes
    [off, off + length) (zeros past the end), MF as given, IP id ident (RFC 791)."""
    eth, ip, payload = fr[:14], bytearray(fr[14:34]), fr[34:]
    body = (payload + bytes(off + length))[off:off + length]
    ip[2:4] = struct.pack("!H", 20 + length)
    ip[4:6] = struct.pack("!H", ident)
    ip[6:8] = struct.pack("!H", (0x2000 if more else 0) | off // 8)
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", ip_checksum(bytes(ip)))
    return eth + bytes(ip) + body


def fragments(fr, piece, ident):
    """Frame fr cut as a sender with an MTU of piece + 20 would (piece a multiple of 8)."""
    total = len(fr) - 34
    return [ip_piece(fr, off, min(piece, total - off), off + piece < total, ident)
            for off in range(0, total, piece)]


def arp_request(src, target_ip):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(src["mac"]),
                       socket.inet_aton(src["ip"]), bytes(6), socket.inet_aton(target_ip))
    return b"\xff" * 6 + mac(src["mac"]) + b"\x08\x06" + body


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)) + fr)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def client_create(spec, keys, enc, cls=0, body=BODY, mode=1):
    a, b, c = keys
    entry, _ = ob.build(enc, [(a["x_pk"], a["ed"]), (b["x_pk"], b["ed"])], (c["x_pk"], c["ed"]), body)
    blob, outer = ob.split(entry)
    eph = bytes.fromhex(outer["ephemeral_key"])
    # The client masks with this hop's shared secret; it recomputes it from A's side here,
    # since onion_builder keeps its ephemeral secrets to itself.
    dh = nb.crypto_scalarmult(a["x_sk"], eph)
    label = int.from_bytes(os.urandom(8), "big") | 1
    return create_cell(0x80, label, enc, mode, eph, 0, mask(dh, 1, label), blob, cls)


def medium_frames(spec, keys):
    """A medium CREATE (a 3,000-byte body) as the 6 IPv4 fragments a 1500-byte link carries."""
    body = b'{"method":"info","params":{"pad":"' + b"x" * 2960 + b'"}}'
    cell = client_create(spec, keys, "xchacha20", 1, body)
    return fragments(frame(spec["client"], spec["nodes"][0], cell), MTU - 20, 0x4242)


def make(spec, out):
    keys = [node_keys(n["seed"]) for n in spec["nodes"]]
    cl, a = spec["client"], spec["nodes"][0]
    frames = []
    for i in range(spec["count"]):
        frames.append(frame(cl, a, client_create(spec, keys, "aes-gcm" if i % 2 else "xchacha20")))
    frames.append(frames[0])                                   # replay
    bad = bytearray(client_create(spec, keys, "aes-gcm"))
    bad[CREATE_HDR + 30] ^= 1                                  # bad MAC
    frames.append(frame(cl, a, bytes(bad)))
    frames.append(frame(cl, dict(a, port=9), b"not a cell"))   # another UDP port
    frames.append(arp_request(cl, a["ip"]))                    # ARP for A
    frames += medium_frames(spec, keys)                        # a medium CREATE in fragments
    write_pcap(out, frames)


def reassemble(frames):
    """Frames with IPv4 fragments put back together (by IP id, in offset order)."""
    whole, parts = [], {}
    for fr in frames:
        fo = struct.unpack("!H", fr[20:22])[0] if fr[12:14] == b"\x08\x00" else 0
        if fo & 0x3FFF == 0:
            whole.append(fr)
            continue
        parts.setdefault(fr[18:20], []).append(((fo & 0x1FFF) * 8, fo & 0x2000, fr))
    for pieces in parts.values():
        pieces.sort()
        payload = b""
        for off, more, fr in pieces:
            assert off == len(payload), "a fragment missing or overlapping"
            assert len(fr) <= 14 + MTU, "a fragment over the MTU"
            payload += fr[34:]
        assert not pieces[-1][1], "the last fragment has MF set"
        ip = bytearray(pieces[0][2][14:34])
        ip[2:4] = struct.pack("!H", 20 + len(payload))
        ip[6:8] = ip[10:12] = b"\0\0"
        ip[10:12] = struct.pack("!H", ip_checksum(bytes(ip)))
        whole.append(pieces[0][2][:14] + bytes(ip) + payload)
    return whole


def check(spec, path):
    keys = [node_keys(n["seed"]) for n in spec["nodes"]]
    a, b, c = keys
    nb_ = spec["nodes"][1]
    lk = link_key(b["x_sk"], b["x_pk"], a["x_pk"])             # computed at B's end
    relayed = arps = 0
    for fr in reassemble(read_pcap(path)):
        if fr[12:14] == b"\x08\x06":
            assert fr[0:6] == mac(spec["client"]["mac"]), "ARP reply not to the asker"
            assert fr[28:32] == socket.inet_aton(spec["nodes"][0]["ip"]), "ARP reply sender IP"
            arps += 1
            continue
        assert fr[0:6] == mac(nb_["mac"]), "relayed frame not addressed to B's MAC"
        assert fr[30:34] == socket.inet_aton(nb_["ip"]), "relayed datagram not to B"
        cell = fr[42:]
        assert cell[2] in SIZES and len(cell) == SIZES[cell[2]], "cell not re-padded to its class"
        assert cell[0:4] == bytes([1, 1, cell[2], 0]), "not a node CREATE"
        (label,) = struct.unpack(">Q", cell[4:12])
        m = mask(lk, 1, label)
        blob_len, hop = struct.unpack(">IB", bytes(x ^ y for x, y in zip(cell[48:53], m)))
        assert hop == 1, f"hop_no {hop}, expected 1"
        enc = {0: "aes-gcm", 1: "xchacha20"}[cell[12]]
        out = ob.peel(b["x_sk"], enc, cell[16:48], cell[CREATE_HDR:CREATE_HDR + blob_len])
        assert out["kind"] == "relay" and out["json"]["destination"] == c["ed"].hex(), out
        relayed += 1
    print(json.dumps({"relayed": relayed, "arp_replies": arps}))


def data_keys(hop_key):
    """(kf, kr) of a hop: BLAKE2b-256 keyed with the hop key (wire-format.md)."""
    return tuple(hashlib.blake2b(m, key=hop_key, digest_size=32).digest()
                 for m in (b"snode-data-fwd", b"snode-data-rev"))


def data_open(key, seq, sealed):
    nonce = b"snode-dc" + struct.pack(">I", seq) + bytes(12)
    return nb.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, None, nonce, key)


def client_hop_keys(enc, hops):
    """The Session hop key of every hop, as the client derives it from its ephemeral seed."""
    keys = []
    for h in hops:
        sk, node_pk = bytes.fromhex(h["seed"]), bytes.fromhex(h["x25519"])
        eph_pk = nb.crypto_scalarmult_base(sk)
        keys.append(ob.hop_key(enc, nb.crypto_scalarmult(sk, node_pk), eph_pk, node_pk))
    return keys


def open_reply(r):
    enc = ob.NAMES[r["enc_type"]]
    keys = client_hop_keys(enc, r["hops"])
    kr = [data_keys(k)[1] for k in keys]
    label = int(r["label"], 16)
    cells = [bytes.fromhex(c) for c in r["cells"]]
    body = b""
    for seq, cell in enumerate(cells):
        assert len(cell) == SMALL, f"cell {seq}: {len(cell)} bytes"
        flags = 0x80 | (1 if seq == len(cells) - 1 else 0)   # CLIENT, LAST on the final one
        assert cell[0:4] == bytes([1, REPLY, 0, flags]), f"cell {seq}: header {cell[:4].hex()}"
        got_label, got_seq = struct.unpack(">QI", cell[4:16])
        assert (got_label, got_seq) == (label, seq), f"cell {seq}: label/seq {got_label:x}/{got_seq}"
        m = mask(kr[0], REPLY, label, seq)                      # the entry's kr masks the client link
        (n,) = struct.unpack(">I", bytes(a ^ b for a, b in zip(cell[16:20], m)))
        assert n <= SMALL - DATA_HDR, f"cell {seq}: payload_len {n}"
        payload = cell[DATA_HDR:DATA_HDR + n]
        if r["reply_mode"] == 1:
            for k in kr:                                        # entry's layer is the outermost
                payload = data_open(k, seq, payload)
        body += payload
    if r["reply_mode"] == 0:
        if r["base64"]:
            body = base64.b64decode(body, validate=True)
        body = ob.open_(enc, keys[-1], body)                    # facts 1.6: the destination's key
    return {"cells": len(cells), "body_b64": base64.b64encode(body).decode()}


def reply_creates(spec, out):
    keys = [node_keys(n["seed"]) for n in spec["nodes"]]
    cl, a = spec["client"], spec["nodes"][0]
    write_pcap(out, [frame(cl, a, client_create(spec, keys, ("xchacha20", "aes-gcm")[i // 2],
                                                mode=i % 2)) for i in range(4)])


def b_payload(i):
    """B's reply payload on circuit i (what A must carry back: as is in mode 0)."""
    return hashlib.sha256(b"golden reply %d" % i).digest() * 3 + b"end %d" % i


def client_circuits(spec, frames):
    """The client's CREATEs: label -> (mode, A's hop key, the ephemeral key A gives B)."""
    a = node_keys(spec["nodes"][0]["seed"])
    out = {}
    for fr in frames:
        cell = fr[42:]
        if fr[30:34] != socket.inet_aton(spec["nodes"][0]["ip"]) or cell[1] != 1 or not cell[3] & 0x80:
            continue
        (label,) = struct.unpack(">Q", cell[4:12])
        enc, eph = {0: "aes-gcm", 1: "xchacha20"}[cell[12]], cell[16:48]
        m = mask(nb.crypto_scalarmult(a["x_sk"], eph), 1, label)
        blob_len, _ = struct.unpack(">IB", bytes(x ^ y for x, y in zip(cell[48:53], m)))
        peeled = ob.peel(a["x_sk"], enc, eph, cell[CREATE_HDR:CREATE_HDR + blob_len])
        out[label] = (cell[13], bytes.fromhex(peeled["hop_key"]),
                      bytes.fromhex(peeled["json"]["ephemeral_key"]))
    return out


def out_labels(spec, frames):
    """What A relayed to B: the ephemeral key of each CREATE -> A's out label on that link."""
    b_ip = socket.inet_aton(spec["nodes"][1]["ip"])
    return {fr[42 + 16:42 + 48]: struct.unpack(">Q", fr[46:54])[0] for fr in frames
            if fr[30:34] == b_ip and fr[43] == 1}


def reply_frames(spec, creates, relayed, out):
    a, b = (node_keys(n["seed"]) for n in spec["nodes"][:2])
    lk = link_key(b["x_sk"], b["x_pk"], a["x_pk"])             # computed at B's end
    frames = read_pcap(creates)
    labels = out_labels(spec, read_pcap(relayed))
    for i, (_, _, eph_b) in enumerate(client_circuits(spec, frames).values()):
        label, p = labels[eph_b], b_payload(i)
        m = mask(lk, REPLY, label, 0)
        cell = (bytes([1, REPLY, 0, 0x01]) + struct.pack(">QI", label, 0)
                + bytes(x ^ y for x, y in zip(struct.pack(">I", len(p)), m)) + p)
        frames.append(frame(spec["nodes"][1], spec["nodes"][0], cell + bytes(SMALL - len(cell))))
    write_pcap(out, frames)


def reply_check(spec, creates, path):
    circuits = client_circuits(spec, read_pcap(creates))
    order = list(circuits)
    got = {"relayed": 0, "replies": 0, "mode0": 0, "mode1": 0}
    for fr in read_pcap(path):
        cell = fr[42:]
        if fr[30:34] == socket.inet_aton(spec["nodes"][1]["ip"]):
            got["relayed"] += 1
            continue
        assert fr[0:6] == mac(spec["client"]["mac"]), "a REPLY not to the client's MAC"
        assert fr[30:34] == socket.inet_aton(spec["client"]["ip"]), "a REPLY not to the client"
        assert fr[26:30] == socket.inet_aton(spec["nodes"][0]["ip"]), "not from A's address"
        assert len(cell) == SMALL and cell[0:4] == bytes([1, REPLY, 0, 0x81]), cell[:4].hex()
        label, seq = struct.unpack(">QI", cell[4:16])
        mode, hop, _ = circuits[label]
        kr = data_keys(hop)[1]
        m = mask(kr, REPLY, label, seq)
        (n,) = struct.unpack(">I", bytes(x ^ y for x, y in zip(cell[16:20], m)))
        payload = cell[DATA_HDR:DATA_HDR + n]
        if mode == 1:
            payload = data_open(kr, seq, payload)               # A's layer on B's payload
        assert seq == 0 and payload == b_payload(order.index(label)), "not B's payload"
        got["replies"] += 1
        got["mode%d" % mode] += 1
    print(json.dumps(got))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["make", "check", "open-reply", "reply-creates",
                                        "reply-frames", "reply-check"])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--out")
    ap.add_argument("--pcap")
    ap.add_argument("--creates")
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    if a.command == "reply-creates":
        reply_creates(spec, a.out)
    elif a.command == "reply-frames":
        reply_frames(spec, a.creates, a.pcap, a.out)
    elif a.command == "reply-check":
        reply_check(spec, a.creates, a.pcap)
    elif a.command == "make":
        make(spec, a.out)
    elif a.command == "open-reply":
        print(json.dumps({"replies": [open_reply(r) for r in spec["replies"]]}))
    else:
        check(spec, a.pcap)


if __name__ == "__main__":
    main()
