#!/usr/bin/python3
"""A stand-in for snode-dataplane's end of the local channel (docs/channel.md), written from
that page: it listens on the channel socket, exchanges HELLO with snode-control and sends
storage RPCs as REQUESTs (route 1, "json": true), as the dataplane does for an onion request
whose destination is this node. Shares no code with snode.

  chan_feeder.py --socket PATH --node-key ED25519_HEX store --seed HEX --count N --out FILE
      [--window W] [--tag TEXT] [--kill-pid PID --kill-after K [--marker FILE]
      [--pace-ms MS] [--need-after A]]
  chan_feeder.py --socket PATH --node-key ED25519_HEX retrieve --seed HEX --expect FILE...

store: public-inbox stores (namespace 0, unsigned) to the account of --seed, W in flight;
every 200 answer's hash and data go to --out ("hash data_b64" a line). With --kill-pid the
feeder sends SIGKILL to that process (one the calling test started) once K stores were
acknowledged, with the window full. If the channel closes (snode-control killed) the stream
ends there. Otherwise it goes on, one request every --pace-ms, until --need-after stores were
acknowledged after the first 5xx answer (Redis back) or --count is reached.
Prints one JSON summary: issued, acked, acked_before_kill, in_flight_at_kill, statuses
(answer code -> count), acked_after_outage, closed (the channel closed), timed_out.
retrieve: signed retrieves of namespace 0 page by page (last_hash) until "more" is false;
prints {"expected", "found", "missing", "total", "bad"}; exit 1 unless every line of every
--expect file (hash and data) came back.
Exit 2 when no connection or HELLO arrives within --timeout."""
import argparse
import base64
import json
import os
import select
import signal
import socket
import struct
import sys
import time

import nacl.bindings as nb
import nacl.signing

HDR = struct.Struct("<BBHIQIHH")  # version, type, flags, body_len, ref label, ip, port, worker
HELLO, REQUEST, REPLY = 1, 2, 3
F_MORE = 1
OPT_JSON = 1
ROUTE_DESTINATION = 1
MSG_MAX = 65536
TTL_MS = 3600 * 1000


class Closed(Exception):
    """The peer closed the channel."""


def account(seed_hex):
    sk = nacl.signing.SigningKey(bytes.fromhex(seed_hex))
    ed = bytes(sk.verify_key)
    return sk, ed, "05" + nb.crypto_sign_ed25519_pk_to_curve25519(ed).hex()


def listen_and_accept(path, node_key, timeout):
    """The dataplane's side: listen, accept one connection, HELLO both ways."""
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(timeout)
    try:
        conn, _ = srv.accept()
    finally:
        srv.close()
    conn.settimeout(timeout)
    conn.send(HDR.pack(1, HELLO, 0, 32, 0, 0, 0, 0) + node_key)
    msg = conn.recv(MSG_MAX)
    if len(msg) != HDR.size + 32 or msg[1] != HELLO or msg[HDR.size:] != node_key:
        raise ValueError(f"bad HELLO from snode-control: {msg.hex()}")
    conn.setblocking(False)
    return conn


def send_request(conn, ref, rpc):
    payload = bytes([ROUTE_DESTINATION, 1, OPT_JSON, 0]) + json.dumps(rpc).encode()
    if HDR.size + len(payload) > MSG_MAX:
        raise ValueError("request longer than one datagram")
    conn.send(HDR.pack(1, REQUEST, 0, len(payload), ref, 0, 0, 0) + payload)


class Replies:
    """Reassembles REPLY parts (MORE) into (ref, status, body) answers."""

    def __init__(self, conn):
        self.conn, self.parts, self.ref = conn, [], None

    def read(self, wait_s):
        """Answers that arrived within wait_s; raises Closed when the peer is gone."""
        out = []
        if not select.select([self.conn], [], [], wait_s)[0]:
            return out
        while True:
            try:
                msg = self.conn.recv(MSG_MAX)
            except BlockingIOError:
                return out
            except ConnectionResetError:
                msg = b""
            if not msg:
                if out:
                    return out  # hand these over first; the next read raises
                raise Closed()
            ver, typ, flags, blen, label, _, _, _ = HDR.unpack_from(msg)
            if ver != 1 or typ != REPLY or blen != len(msg) - HDR.size:
                raise ValueError(f"unexpected message from snode-control: {msg[:24].hex()}")
            if self.ref is not None and label != self.ref:
                raise ValueError("reply parts of two replies interleave")
            self.parts.append(msg[HDR.size:])
            self.ref = label
            if flags & F_MORE:
                continue
            answer = json.loads(b"".join(self.parts))
            out.append((label, answer["status"], answer["body"]))
            self.parts, self.ref = [], None


def store_rpc(sid, data_b64):
    p = {"pubkey": sid, "timestamp": int(time.time() * 1000), "ttl": TTL_MS, "namespace": 0,
         "data": data_b64}
    return {"method": "store", "params": p}


class Stream:
    def __init__(self, args):
        self.args = args
        _, _, self.sid = account(args.seed)
        self.data = {}
        self.issued = self.acked = self.acked_after_outage = 0
        self.acked_before_kill = self.in_flight_at_kill = None
        self.statuses = {}
        self.outage = False
        self.last_send = 0.0
        self.out = open(args.out, "w")

    def killed(self):
        return self.acked_before_kill is not None

    def may_send(self):
        a = self.args
        if self.issued >= a.count or len(self.data) >= a.window:
            return False
        return not self.killed() or time.monotonic() - self.last_send >= a.pace_ms / 1000

    def fill(self, conn):
        while self.may_send():
            i = self.issued
            d = base64.b64encode(f"{self.args.tag}-{i}".encode()).decode()
            send_request(conn, i, store_rpc(self.sid, d))
            self.data[i] = d
            self.issued += 1
            self.last_send = time.monotonic()

    def on_answer(self, ref, status, body):
        d = self.data.pop(ref)
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if status >= 500:
            self.outage = self.outage or self.killed()
            return
        if status != 200:
            return
        self.out.write(f"{body['hash']} {d}\n")
        self.out.flush()
        self.acked += 1
        if self.outage:
            self.acked_after_outage += 1

    def maybe_kill(self, conn):
        a = self.args
        if a.kill_pid and not self.killed() and self.acked >= a.kill_after:
            self.fill(conn)  # the window is full when the kill lands
            os.kill(a.kill_pid, signal.SIGKILL)
            self.acked_before_kill, self.in_flight_at_kill = self.acked, len(self.data)
            if a.marker:
                open(a.marker, "w").close()

    def done(self):
        a = self.args
        if self.killed() and a.need_after and self.acked_after_outage >= a.need_after:
            return not self.data
        return self.issued >= a.count and not self.data

    def run(self, conn):
        replies = Replies(conn)
        deadline = time.monotonic() + self.args.timeout
        closed = False
        while not self.done() and time.monotonic() < deadline:
            try:
                self.fill(conn)
                for ref, status, body in replies.read(0.005):
                    self.on_answer(ref, status, body)
                self.maybe_kill(conn)
            except (Closed, BrokenPipeError, ConnectionResetError):
                closed = True
                break
        return {"issued": self.issued, "acked": self.acked,
                "acked_before_kill": self.acked_before_kill,
                "in_flight_at_kill": self.in_flight_at_kill, "statuses": self.statuses,
                "acked_after_outage": self.acked_after_outage, "closed": closed,
                "timed_out": not closed and not self.done()}


def retrieve_rpc(seed_hex, last_hash):
    sk, ed, sid = account(seed_hex)
    now = int(time.time() * 1000)
    sig = base64.b64encode(sk.sign(f"retrieve{now}".encode()).signature).decode()
    p = {"pubkey": sid, "timestamp": now, "namespace": 0, "pubkey_ed25519": ed.hex(),
         "signature": sig}
    if last_hash:
        p["last_hash"] = last_hash
    return {"method": "retrieve", "params": p}


def retrieve_all(conn, args):
    """Every message of the account, in pages; hash -> data."""
    replies, got, last, bad = Replies(conn), {}, None, []
    deadline = time.monotonic() + args.timeout
    for page in range(10000):
        send_request(conn, page, retrieve_rpc(args.seed, last))
        answers = []
        while not answers and time.monotonic() < deadline:
            answers = replies.read(0.1)
        if not answers or answers[0][1] != 200:
            bad.append(str(answers[0][1:] if answers else "no answer"))
            break
        body = answers[0][2]
        for m in body["messages"]:
            got[m["hash"]] = m["data"]
            last = m["hash"]
        if not body["more"] or not body["messages"]:
            break
    return got, bad


def check_retrieved(conn, args):
    got, bad = retrieve_all(conn, args)
    expected = [line.split() for f in args.expect for line in open(f) if line.strip()]
    missing = [h for h, d in expected if got.get(h) != d]
    return {"expected": len(expected), "found": len(expected) - len(missing),
            "missing": missing, "total": len(got), "bad": bad}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--node-key", required=True)
    ap.add_argument("--timeout", type=float, default=20.0)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("store")
    s.add_argument("--seed", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--window", type=int, default=8)
    s.add_argument("--tag", default="durable")
    s.add_argument("--kill-pid", type=int)
    s.add_argument("--kill-after", type=int, default=0)
    s.add_argument("--marker")
    s.add_argument("--pace-ms", type=float, default=0)
    s.add_argument("--need-after", type=int, default=0)
    r = sub.add_parser("retrieve")
    r.add_argument("--seed", required=True)
    r.add_argument("--expect", nargs="+", required=True)
    args = ap.parse_args()
    try:
        conn = listen_and_accept(args.socket, bytes.fromhex(args.node_key), args.timeout)
    except (OSError, ValueError) as e:
        print(f"chan_feeder: no channel: {e}", file=sys.stderr)
        if os.path.exists(args.socket):
            os.unlink(args.socket)
        return 2
    try:
        if args.cmd == "store":
            result = Stream(args).run(conn)
            ok = not result["timed_out"]
        else:
            result = check_retrieved(conn, args)
            ok = not result["missing"] and not result["bad"]
    finally:
        conn.close()
        os.unlink(args.socket)
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
