#!/usr/bin/python3
"""Golden DIRECT frames (tests/cli/test_dataplane_golden.sh), built from docs/wire-format.md
("DIRECT"), docs/channel.md ("DIRECT") and docs/direct-messages.md; shares no code with snode.
Node A (the dataplane under test), B and C are spec.json's nodes (their seeds give the keys).
The messages are real DIRECT messages (sealed and signed as docs/direct-messages.md says, fixed
timestamp and nonces) although the dataplane never looks inside them.

  direct_golden.py frames --spec S --out IN.pcap
      DIRECT cells to A: from B a ping (short), from B one whose message fills the small cell
      (1,216 bytes), and one from 10.0.0.9 (no node: the dataplane drops it, unknown_peer).
  direct_golden.py peer --spec S --socket PATH --fifo FIFO --in IN.pcap
      Plays snode-control on the channel: writes IN.pcap into FIFO (the dataplane's rx_pcap)
      only once HELLO is exchanged, checks each DIRECT message the dataplane sends up byte
      for byte against the one built here, then sends A's two DIRECT messages (to B: short,
      to C: a full cell) down. Prints {"direct_up": N, "exact": N, "sent": 2}.
  direct_golden.py check --spec S --pcap OUT.pcap
      Each frame the dataplane wrote for them must equal the frame built here (Ethernet from
      net_pcap port 0's MAC, IPv4 with DF, UDP 22030, the DIRECT cell) up to the padding; the
      full-cell one has no padding and is compared whole. Prints {"frames", "exact", "whole"}.
"""
import argparse
import hashlib
import json
import os
import socket
import struct
import sys
import time

import nacl.bindings as nb
from nacl.signing import SigningKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cell_builder import frame, read_pcap, write_pcap  # noqa: E402 (frame layout helpers)
from chan_wire import chan_msg, connect  # noqa: E402 (the channel's header and socket)

SMALL = 1232            # small cell bytes (wire-format.md)
DIRECT_HDR = 16         # common header (12) + body_len (4)
MSG_MAX = SMALL - DIRECT_HDR  # 1,216: the largest DIRECT message one cell carries
HELLO, DIRECT = 1, 4
PCAP_MAC = "02:70:63:61:70:00"  # net_pcap port 0's MAC
TIMESTAMP_MS = 1_700_000_000_000


def node(spec, i):
    n = spec["nodes"][i]
    return dict(n, key=SigningKey(bytes.fromhex(n["seed"])))


def seal(sender, receiver, payload, nonce_byte):
    """docs/direct-messages.md: version, sender key, timestamp, nonce, XChaCha20-Poly1305
    over the payload with the 65 header bytes as AD, Ed25519 signature over all of it."""
    s, r = sender["key"], receiver["key"]
    s_x, r_x = s.to_curve25519_private_key(), r.to_curve25519_private_key()
    dh = nb.crypto_scalarmult(bytes(s_x), bytes(r_x.public_key))
    key = hashlib.blake2b(dh + bytes(s_x.public_key) + bytes(r_x.public_key), digest_size=32,
                          key=b"snode-direct-v1").digest()
    nonce = bytes([nonce_byte]) * 24
    header = bytes([1]) + s.verify_key.encode() + TIMESTAMP_MS.to_bytes(8, "big") + nonce
    body = header + nb.crypto_aead_xchacha20poly1305_ietf_encrypt(payload, header, nonce, key)
    return body + s.sign(body).signature


def full_payload(tag):
    """A payload whose sealed message is exactly MSG_MAX bytes (n + 145)."""
    return (b'{"t":"' + tag + b'","pad":"').ljust(MSG_MAX - 145 - 2, b"x") + b'"}'


def messages_up(spec):
    """(sender address, message) of the cells fed to A."""
    a, b = node(spec, 0), node(spec, 1)
    ping = seal(b, a, b'{"t":"ping","n":1}', 0x11)
    full = seal(b, a, full_payload(b"up"), 0x12)
    assert len(full) == MSG_MAX
    stranger = dict(b, ip="10.0.0.9")
    return [(b, ping), (b, full), (stranger, seal(b, a, b'{"t":"ping","n":2}', 0x13))]


def messages_down(spec):
    """(receiver, message) A's snode-control sends."""
    a, b, c = node(spec, 0), node(spec, 1), node(spec, 2)
    pong = seal(a, b, b'{"t":"pong","n":1}', 0x21)
    full = seal(a, c, full_payload(b"down"), 0x22)
    assert len(full) == MSG_MAX
    return [(b, pong), (c, full)]


def direct_cell(msg, pad=b""):
    """wire-format.md: version 1, kind 4, class 0 (small), flags 0, label 0, body_len."""
    cell = bytes([1, 4, 0, 0]) + bytes(8) + struct.pack(">I", len(msg)) + msg
    return cell + pad[:SMALL - len(cell)]


def cmd_frames(spec, out):
    a = node(spec, 0)
    frames = []
    for i, (src, msg) in enumerate(messages_up(spec)):
        pad = bytes((i * 31 + k) & 0xFF for k in range(SMALL))
        frames.append(frame(src, a, direct_cell(msg, pad)))
    write_pcap(out, frames)




def cmd_peer(spec, path, fifo, inp):
    a = node(spec, 0)
    data = open(inp, "rb").read()
    f = open(fifo, "wb", buffering=0)  # blocks until the dataplane opens its rx_pcap
    f.write(data[:24])                 # the pcap header: the probe reads it at once
    conn = connect(path, 20)
    conn.settimeout(10)
    want_hello = chan_msg(HELLO, a["key"].verify_key.encode())
    hello = conn.recv(65536)
    if hello != want_hello:
        raise SystemExit(f"bad HELLO from the dataplane: {hello.hex()}")
    conn.send(want_hello)
    time.sleep(0.5)                    # the dataplane takes our HELLO before any cell
    f.write(data[24:])
    f.close()
    want = [chan_msg(DIRECT, src["key"].verify_key.encode() + msg)
            for src, msg in messages_up(spec)[:2]]  # the stranger's is dropped
    got = []
    conn.settimeout(5)
    try:
        while len(got) < len(want):
            got.append(conn.recv(65536))
    except socket.timeout:
        pass
    exact = sum(1 for g, w in zip(got, want) if g == w)
    for g, w in zip(got, want):
        if g != w:
            print(f"# want {w[:64].hex()}...\n# got  {g[:64].hex()}...", file=sys.stderr)
    for to, msg in messages_down(spec):
        conn.send(chan_msg(DIRECT, to["key"].verify_key.encode() + msg))
    time.sleep(0.5)  # the dataplane sends them on its next iterations
    conn.close()
    print(json.dumps({"direct_up": len(got), "exact": exact, "sent": 2}))


def cmd_check(spec, pcap):
    a = dict(node(spec, 0), mac=PCAP_MAC)
    frames = [fr for fr in read_pcap(pcap) if len(fr) > 42 + 4 and fr[43] == 4]
    exact = whole = 0
    for fr, (to, msg) in zip(frames, messages_down(spec)):
        want = frame(a, to, direct_cell(msg, bytes(SMALL)))
        n = 42 + DIRECT_HDR + len(msg)  # headers and cell up to the padding
        if len(fr) == len(want) and fr[:n] == want[:n]:
            exact += 1
            whole += len(msg) == MSG_MAX and fr == want
        else:
            print(f"# want {want[:n].hex()}\n# got  {fr[:n].hex()}", file=sys.stderr)
    print(json.dumps({"frames": len(frames), "exact": exact, "whole": whole}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["frames", "peer", "check"])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--out")
    ap.add_argument("--socket")
    ap.add_argument("--fifo")
    ap.add_argument("--in", dest="inp")
    ap.add_argument("--pcap")
    args = ap.parse_args()
    spec = json.load(open(args.spec))
    if args.command == "frames":
        cmd_frames(spec, args.out)
    elif args.command == "peer":
        cmd_peer(spec, args.socket, args.fifo, args.inp)
    else:
        cmd_check(spec, args.pcap)


if __name__ == "__main__":
    main()
