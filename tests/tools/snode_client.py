#!/usr/bin/python3
"""An independent snode client (shares no code with snode's C): builds a Session onion for a
path of testnet nodes, sends it to the entry node as a CREATE cell over UDP, waits for the
REPLY cells, opens them and prints the destination's answer as JSON.

  snode_client.py --testnet DIR --path 0,1,2 info
  snode_client.py --testnet DIR --path 2 store --seed HEX --data TEXT [--ttl MS] [--namespace N]
                  [--to SESSION_ID] [--data-b64 B64]  (into another account's public inbox)
  snode_client.py --testnet DIR --path 1,2 retrieve --seed HEX [--namespace N] [--last-hash H]
  snode_client.py ... delete --seed HEX HASH...
  snode_client.py ... expire --seed HEX --expiry MS [--shorten] HASH...
  snode_client.py ... revoke --seed HEX TOKEN_HEX...    (revoke_subaccount of the group 03||ed
                                                        key of the seed, 72 hex digits each)
  snode_client.py ... revoked --seed HEX                (revoked_subaccounts of that group)
  snode_client.py ... rpc --json '{"method": ..., "params": {...}}'
Options: --enc aes-gcm|xchacha20, --mode 0 (Session-compatible reply) | 1 (layered),
--timeout SECONDS. The last node of --path is the destination; the first is the entry.
Output: {"status": code, "body": ..., "cells": n}; exit 1 on timeout or a bad reply.
Written from docs/wire-format.md, the facts doc (1.5, 1.6, 2.2) and deploy/testnet.sh's
address plan (node i at 10.77.i.2, its gateway 10.77.i.1)."""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import time

import nacl.bindings as nb
import nacl.signing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cell_builder as cb  # noqa: E402
import onion_builder as ob  # noqa: E402

CELL_PORT = 22030


def load_node(testnet, i):
    with open(os.path.join(testnet, f"node{i}", "id.json")) as f:
        d = json.load(f)
    return {"ed": bytes.fromhex(d["ed25519"]), "x": bytes.fromhex(d["x25519"]),
            "ip": f"10.77.{i}.2", "gw": f"10.77.{i}.1"}


def layer(enc, node_x, pt):
    """One Session layer with a fresh ephemeral key: (ct, eph_pk, hop key, raw DH)."""
    eph_sk = os.urandom(32)
    eph_pk = nb.crypto_scalarmult_base(eph_sk)
    dh = nb.crypto_scalarmult(eph_sk, node_x)
    key = ob.hop_key(enc, dh, eph_pk, node_x)
    return ob.seal(enc, key, pt), eph_pk, key, dh


def build(enc, path, body):
    """Facts 1.5 for a snode destination, keeping every hop's key (the client's side)."""
    dest = path[-1]
    blob, eph, key, dh = layer(enc, dest["x"], ob.combined(body, {"headers": ""}))
    keys, dhs = [key], [dh]
    routing = {"destination": dest["ed"].hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    for hop in reversed(path[:-1]):
        blob, eph, key, dh = layer(enc, hop["x"], ob.combined(blob, routing))
        keys.insert(0, key)
        dhs.insert(0, dh)
        routing = {"destination": hop["ed"].hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    return blob, eph, keys, dhs


CREATE_CAP = cb.SMALL - cb.CREATE_HDR   # blob bytes one CREATE carries
DATA_KIND = 2


def data_seal(key, seq, pt):
    nonce = b"snode-dc" + struct.pack(">I", seq) + bytes(12)
    return nb.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, None, nonce, key)


def split_request(enc, path, body):
    """The part of the RPC body the onion can carry in one CREATE, and the rest (DATA cells):
    the onion's overhead does not depend on the body's bytes, only on its length."""
    empty, _, _, _ = build(enc, path, b"")
    room = CREATE_CAP - len(empty)
    if room < 0:
        raise ValueError("the path is too long for one CREATE cell")
    return body[:room], body[room:]


def data_cells(keys, label, rest):
    """DATA cells (wire-format.md "DATA in detail"): chunk = cap - 16 * hops, sealed with the
    destination's kf first and the entry's outermost; the entry's kf masks the client link."""
    kf = [cb.data_keys(k)[0] for k in keys]
    chunk = cb.SMALL - cb.DATA_HDR - 16 * len(keys)
    parts = [rest[i:i + chunk] for i in range(0, len(rest), chunk)]
    cells = []
    for seq, part in enumerate(parts):
        payload = part
        for k in reversed(kf):
            payload = data_seal(k, seq, payload)
        flags = 0x80 | (1 if seq == len(parts) - 1 else 0)
        m = cb.mask(kf[0], DATA_KIND, label, seq)
        masked = bytes(a ^ b for a, b in zip(struct.pack(">I", len(payload)), m))
        cell = bytes([1, DATA_KIND, 0, flags]) + struct.pack(">QI", label, seq) + masked + payload
        cells.append(cell + os.urandom(cb.SMALL - len(cell)))
    return cells


def open_cells(enc, mode, keys, label, cells):
    """REPLY cells (in seq order) -> the destination's plaintext (wire-format.md, facts 1.6)."""
    kr = [cb.data_keys(k)[1] for k in keys]
    body = b""
    for seq, cell in enumerate(cells):
        m = cb.mask(kr[0], cb.REPLY, label, seq)  # the entry's kr masks the client link
        (n,) = struct.unpack(">I", bytes(a ^ b for a, b in zip(cell[16:20], m)))
        if n > len(cell) - cb.DATA_HDR:
            raise ValueError(f"cell {seq}: payload_len {n} runs past the cell")
        payload = cell[cb.DATA_HDR:cb.DATA_HDR + n]
        if mode == 1:
            for k in kr:
                payload = cb.data_open(k, seq, payload)
        body += payload
    if mode == 0:
        body = ob.open_(enc, keys[-1], base64.b64decode(body, validate=True))
    return body


def receive(sock, label, timeout):
    """REPLY cells of our circuit until LAST; other datagrams are ignored."""
    cells, deadline = {}, time.monotonic() + timeout
    last = None
    while last is None or len(cells) < last + 1:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out with {len(cells)} reply cell(s)")
        sock.settimeout(left)
        data = sock.recv(70000)
        if len(data) < cb.DATA_HDR or data[0] != 1 or data[1] != cb.REPLY:
            continue
        got_label, seq = struct.unpack(">QI", data[4:16])
        if got_label != label:
            continue
        cells[seq] = data
        if data[3] & 1:
            last = seq
    return [cells[i] for i in range(last + 1)]


def request(args, body):
    path = [load_node(args.testnet, int(i)) for i in args.path.split(",")]
    first, rest = split_request(args.enc, path, body)
    blob, eph, keys, dhs = build(args.enc, path, first)
    label = int.from_bytes(os.urandom(8), "big") | 1
    cell = cb.create_cell(0x81 if rest else 0x80, label, args.enc, args.mode, eph, 0,
                          cb.mask(dhs[0], 1, label), blob)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((path[0]["gw"], 0))
        s.sendto(cell, (path[0]["ip"], CELL_PORT))
        for i, data in enumerate(data_cells(keys, label, rest) if rest else []):
            if i % 32 == 31:
                time.sleep(0.002)  # a small pause per burst: the tap queue is 1024 frames
            s.sendto(data, (path[0]["ip"], CELL_PORT))
        cells = receive(s, label, args.timeout)
    reply = json.loads(open_cells(args.enc, args.mode, keys, label, cells))
    reply["cells"] = len(cells)
    return reply


def account(seed_hex):
    sk = nacl.signing.SigningKey(bytes.fromhex(seed_hex))
    ed = bytes(sk.verify_key)
    return sk, ed, "05" + nb.crypto_sign_ed25519_pk_to_curve25519(ed).hex()


def ns_part(ns):
    return "" if ns == 0 else str(ns)


def rpc_body(args):
    now = int(time.time() * 1000)
    if args.cmd == "info":
        return {"method": "info", "params": {}}
    if args.cmd == "rpc":
        return json.loads(args.json)
    sk, ed, sid = account(args.seed)
    if args.cmd == "store":
        data = args.data_b64 or base64.b64encode(args.data.encode()).decode()
        p = {"pubkey": args.to or sid, "timestamp": now, "ttl": args.ttl,
             "namespace": args.namespace, "data": data}
        if args.namespace % 10 != 0:  # only public inboxes take unsigned stores
            sig = sk.sign(f"store{ns_part(args.namespace)}{now}".encode()).signature
            p.update(signature=base64.b64encode(sig).decode(), pubkey_ed25519=ed.hex())
        return {"method": "store", "params": p}
    if args.cmd == "delete":  # signed "delete" || hashes (facts 2.5)
        sig = sk.sign(("delete" + "".join(args.hashes)).encode()).signature
        return {"method": "delete", "params": {
            "pubkey": sid, "pubkey_ed25519": ed.hex(), "messages": args.hashes,
            "signature": base64.b64encode(sig).decode()}}
    if args.cmd == "expire":  # signed "expire" || mode || expiry || hashes (facts 2.5)
        mode = "shorten" if args.shorten else ""
        sig = sk.sign(f"expire{mode}{args.expiry}{''.join(args.hashes)}".encode()).signature
        p = {"pubkey": sid, "pubkey_ed25519": ed.hex(), "messages": args.hashes,
             "expiry": args.expiry, "signature": base64.b64encode(sig).decode()}
        if args.shorten:
            p["shorten"] = True
        return {"method": "expire", "params": p}
    if args.cmd in ("revoke", "unrevoke", "revoked"):  # method || timestamp (|| the tokens)
        method = {"revoke": "revoke_subaccount", "unrevoke": "unrevoke_subaccount",
                  "revoked": "revoked_subaccounts"}[args.cmd]
        toks = [bytes.fromhex(t) for t in args.tokens] if args.cmd != "revoked" else []
        sig = sk.sign(method.encode() + str(now).encode() + b"".join(toks)).signature
        # subaccounts are a group (03) feature: the group's key signs, no pubkey_ed25519
        p = {"pubkey": "03" + ed.hex(), "timestamp": now,
             "signature": base64.b64encode(sig).decode()}
        if args.cmd != "revoked":
            p[args.cmd] = args.tokens
        return {"method": method, "params": p}
    sig = sk.sign(f"retrieve{ns_part(args.namespace)}{now}".encode()).signature
    p = {"pubkey": sid, "timestamp": now, "namespace": args.namespace, "pubkey_ed25519": ed.hex(),
         "signature": base64.b64encode(sig).decode()}
    if args.last_hash:
        p["last_hash"] = args.last_hash
    return {"method": "retrieve", "params": p}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--enc", default="aes-gcm", choices=["aes-gcm", "xchacha20"])
    ap.add_argument("--mode", type=int, default=1, choices=[0, 1])
    ap.add_argument("--timeout", type=float, default=5.0)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("info")
    r = sub.add_parser("rpc")
    r.add_argument("--json", required=True)
    for name in ("store", "retrieve"):
        p = sub.add_parser(name)
        p.add_argument("--seed", required=True)
        p.add_argument("--namespace", type=int, default=0)
        if name == "store":
            d = p.add_mutually_exclusive_group(required=True)
            d.add_argument("--data")
            d.add_argument("--data-b64")
            p.add_argument("--to")
            p.add_argument("--ttl", type=int, default=3600 * 1000)
        else:
            p.add_argument("--last-hash")
    p = sub.add_parser("delete")
    p.add_argument("--seed", required=True)
    p.add_argument("hashes", nargs="+")
    p = sub.add_parser("expire")
    p.add_argument("--seed", required=True)
    p.add_argument("--expiry", type=int, required=True)
    p.add_argument("--shorten", action="store_true")
    p.add_argument("hashes", nargs="+")
    for name in ("revoke", "unrevoke"):  # tokens: 72 hex digits each
        p = sub.add_parser(name)
        p.add_argument("--seed", required=True)
        p.add_argument("tokens", nargs="+")
    p = sub.add_parser("revoked")
    p.add_argument("--seed", required=True)
    args = ap.parse_args()
    try:
        reply = request(args, json.dumps(rpc_body(args)).encode())
    except (TimeoutError, ValueError) as e:
        print(f"snode_client: {e}", file=sys.stderr)
        return 1
    print(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(main())
