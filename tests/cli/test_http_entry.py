#!/usr/bin/python3
"""snode-control's HTTP(S) entry (docs/http-entry.md) as a client sees it: a real
redis-server and snode-control, requests over plain HTTP and HTTPS with http.client,
onions built by the independent builder (tests/tools/onion_builder.py). TAP output.

usage: test_http_entry.py SNODE_CONTROL SNODE_TOOL"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import nacl.signing  # noqa: E402
import nacl.bindings as nb  # noqa: E402
import onion_builder as ob  # noqa: E402
from lsrpc_server import LsrpcServer  # noqa: E402

CTL, TOOL = sys.argv[1], sys.argv[2]
N = 0
FAILED = 0
WAIT = 20.0  # seconds: generous bound for every wait (shared, noisy machine)


def result(ok, name, diag=""):
    global N, FAILED
    N += 1
    if ok:
        print(f"ok {N} - {name}")
    else:
        FAILED += 1
        print(f"not ok {N} - {name}")
        for line in str(diag).splitlines():
            print(f"# {line}")
    sys.stdout.flush()


def wait_for(pred, timeout=WAIT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return None


class Node:
    """A redis-server and a snode-control on one data dir."""

    def __init__(self, top, name, key_dir, *flags):
        self.dir = os.path.join(top, name)
        os.makedirs(self.dir)
        self.sock = os.path.join(self.dir, "redis.sock")
        self.redis = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", self.sock, "--save", "",
             "--appendonly", "yes", "--dir", self.dir], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(self.sock))
        self.log = os.path.join(self.dir, "ctl.log")
        with open(self.log, "w") as log:
            self.ctl = subprocess.Popen(
                [CTL, "--data-dir", key_dir, "--redis", self.sock, "--testnet",
                 "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", *flags],
                stdout=log, stderr=log)
        line = wait_for(lambda: re.search(r"https port (\d+), http port (\d+)", self.text()))
        self.https, self.http = (int(line.group(1)), int(line.group(2))) if line else (0, 0)

    def text(self):
        with open(self.log) as f:
            return f.read()

    def stop(self):
        rc = None
        if self.ctl.poll() is None:
            self.ctl.send_signal(signal.SIGTERM)
            try:
                rc = self.ctl.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.ctl.kill()
                self.ctl.wait()
        self.redis.terminate()
        self.redis.wait()
        return rc


def post(port, path, body=b"", tls=False, headers=None, method="POST"):
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # self-signed, as Session clients accept
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=WAIT, context=ctx)
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read(), dict(r.getheaders())
    finally:
        c.close()


def rpc(port, method, params, tls=False):
    st, body, _ = post(port, "/storage_rpc/v1", json.dumps({"method": method, "params": params}),
                       tls=tls)
    return st, body


def account():
    sk = nacl.signing.SigningKey(os.urandom(32))
    ed = bytes(sk.verify_key)
    return sk, ed, "05" + nb.crypto_sign_ed25519_pk_to_curve25519(ed).hex()


def store_body(sid, data):
    return {"method": "store", "params": {"pubkey": sid, "timestamp": int(time.time() * 1000),
                                          "ttl": 3600000, "data": base64.b64encode(data).decode()}}


def retrieve_body(sk, ed, sid):
    now = int(time.time() * 1000)
    sig = sk.sign(f"retrieve{now}".encode()).signature
    return {"method": "retrieve", "params": {
        "pubkey": sid, "timestamp": now, "pubkey_ed25519": ed.hex(),
        "signature": base64.b64encode(sig).decode()}}


def onion(port, node, body, enc="aes-gcm"):
    """POSTs an onion with this node as its destination; returns (status, reply dict|bytes)."""
    entry, key = ob.build(enc, [], node, json.dumps(body).encode())
    st, raw, _ = post(port, "/onion_req/v2", entry)
    if st != 200:
        return st, raw
    return st, json.loads(ob.open_(enc, key, base64.b64decode(raw)))


def main():
    top = tempfile.mkdtemp(prefix="snode-test-http.")
    key_dir = os.path.join(top, "key")
    subprocess.run([TOOL, "keygen", "--data-dir", key_dir], check=True, stdout=subprocess.DEVNULL)
    ident = json.loads(subprocess.run([TOOL, "id", "--data-dir", key_dir], check=True,
                                      capture_output=True).stdout)
    node = (bytes.fromhex(ident["x25519"]), bytes.fromhex(ident["ed25519"]))
    nodes = []
    try:
        a = Node(top, "a", key_dir, "--proxy-private", "true", "--proxy-timeout", "1")
        nodes.append(a)
        result(a.https > 0 and a.http > 0, "both listeners are up on kernel-chosen ports",
               a.text())
        cert = os.path.join(key_dir, "https.crt")
        keyf = os.path.join(key_dir, "https.key")
        result(os.path.exists(cert) and os.stat(keyf).st_mode & 0o077 == 0,
               "a self-signed certificate was generated, its key mode 0600")
        st, body, hdr = post(a.https, "/ping_test/v1", tls=True)
        result(st == 200 and hdr.get("X-Oxen-Snode-Pubkey") ==
               base64.b64encode(node[1]).decode(),
               "HTTPS ping_test: 200 with X-Oxen-Snode-Pubkey = base64(node key)", (st, hdr))
        st, body = rpc(a.https, "info", {}, tls=True)
        result(st == 200 and json.loads(body)["version"] == [0, 1, 0],
               "HTTPS storage_rpc info answers the version", (st, body))
        st, body, _ = post(a.http, "/storage_rpc/v1", b"{not json")
        result((st, body) == (400, b"invalid json"), "storage_rpc: bad JSON is 400 invalid json",
               (st, body))
        st, body, _ = post(a.http, "/storage_rpc/v1", b'{"method":"nope","params":{}}')
        result((st, body) == (400, b"no method nope"), "storage_rpc: unknown method 400",
               (st, body))
        st, body, _ = post(a.http, "/storage_rpc/v1", b"", headers={"X-Loki-Long-Poll": "1"})
        result(st == 410, "X-Loki-Long-Poll is 410 as the reference", (st, body))
        st, body, _ = post(a.http, "/nope")
        result((st, body) == (404, b"POST /nope Not Found"), "an unknown path is 404", (st, body))
        st, body, _ = post(a.http, "/storage_rpc/v1", method="GET")
        result(st == 404, "GET on a POST route is 404", (st, body))

        # the 10 MiB body limit at its edge
        st, body, _ = post(a.http, "/storage_rpc/v1", b" " * (10 * 1024 * 1024))
        result((st, body) == (400, b"invalid json"), "a body of exactly 10 MiB is read",
               (st, body[:80]))
        # headers first: the server answers 413 from Content-Length, before any body byte
        with socket.create_connection(("127.0.0.1", a.http), timeout=WAIT) as s:
            s.sendall(b"POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: %d\r\n\r\n" % (10 * 1024 * 1024 + 1))
            head = s.recv(4096)
        st = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else head
        result(st == 413, "a body of 10 MiB + 1 is refused with 413", st)

        # storage over plain HTTP: store, then a signed retrieve
        sk, ed, sid = account()
        st, body = rpc(a.http, "store", store_body(sid, b"hello over http")["params"])
        result(st == 200 and "hash" in json.loads(body), "store over HTTP", (st, body))
        st, body = rpc(a.http, "retrieve", retrieve_body(sk, ed, sid)["params"])
        msgs = json.loads(body).get("messages", []) if st == 200 else []
        result(len(msgs) == 1 and base64.b64decode(msgs[0]["data"]) == b"hello over http",
               "retrieve over HTTP returns the message", (st, body))

        # /onion_req/v2 with this node as the destination
        for enc in ("aes-gcm", "xchacha20"):
            st, rep = onion(a.http, node, {"method": "info", "params": {}}, enc)
            ok = st == 200 and rep.get("status") == 200 and '"version"' in rep.get("body", "")
            result(ok, f"onion info ({enc}): 200, the reply decrypts, inner status 200",
                   (st, rep))
        data = b"hello through the onion entry"
        st, rep = onion(a.http, node, store_body(sid, data))
        result(st == 200 and rep.get("status") == 200, "onion store", (st, rep))
        st, rep = onion(a.http, node, retrieve_body(sk, ed, sid))
        got = json.loads(rep["body"])["messages"] if st == 200 and rep.get("status") == 200 else []
        result(any(base64.b64decode(m["data"]) == data for m in got),
               "onion retrieve returns the onion-stored message", (st, rep))

        bad = [
            (b"\x01\x00\x00", 400, b"Error parsing onion request: Unexpected payload size; "
             b"expected ciphertext size", "shorter than 4 bytes"),
            (struct.pack("<I", 9) + b"abc", 400, b"Error parsing onion request: Unexpected "
             b"payload size 3, expected >= 9", "N past the end"),
            (struct.pack("<I", 2) + b"ab{not json", 400, None, "bad JSON"),
            (ob.combined(b"ab", {"ephemeral_key": "00" * 31}), 400, None, "short key"),
            (ob.combined(b"ab", {"ephemeral_key": "00" * 32, "enc_type": "rot13"}), 400, None,
             "unknown enc_type"),
            (ob.combined(b"x" * 64, {"ephemeral_key": os.urandom(32).hex()}), 400,
             b"Invalid ciphertext", "garbage ciphertext"),
        ]
        for payload, code, text, name in bad:
            st, body, _ = post(a.http, "/onion_req/v2", payload)
            ok = st == code and (body == text if text else
                                 body.startswith(b"Error parsing onion request: "))
            result(ok, f"onion_req {name}: {code} plain text", (st, body))
        # the layer decrypts but its JSON is bad: an encrypted 400 "Invalid json"
        blob, eph, key = ob.encrypt_layer("aes-gcm", node[0], struct.pack("<I", 0) + b"{bad")
        st, raw, _ = post(a.http, "/onion_req/v2",
                          ob.combined(blob, {"ephemeral_key": eph.hex()}))
        rep = json.loads(ob.open_("aes-gcm", key, base64.b64decode(raw))) if st == 200 else raw
        result(st == 200 and rep == {"status": 400, "body": "Invalid json"},
               "a layer with bad JSON: 200 and an encrypted 400 Invalid json", (st, rep))
        # proxy to a server (this node the exit): the server's status and body unmodified
        srv = LsrpcServer(slow_s=3)
        try:
            for enc in ("aes-gcm", "xchacha20"):
                req = b"GET /room/x " + enc.encode()
                entry, key = ob.build(enc, [node], (srv.pk, b""), req,
                                      server=("127.0.0.1", "/oxen/v4/lsrpc", "http", srv.port))
                st, raw, _ = post(a.http, "/onion_req/v2", entry)
                got = ob.open_(enc, key, raw) if st == 203 else raw
                result(st == 203 and got == b"server saw: " + req,
                       f"an exit request to a server ({enc}): the server's 203 and its "
                       "encrypted body come back unmodified", (st, raw[:200]))
            path, body = srv.seen[-1] if srv.seen else ("", b"")
            result(path == "/oxen/v4/lsrpc" and ob.split(body)[1].get("host") == "127.0.0.1",
                   "the server received the exit's whole layer [N][blob]{json}", (path, body))
            entry, key = ob.build("aes-gcm", [node], (srv.pk, b""), b"x",
                                  server=("127.0.0.1", "/oxen/slow/lsrpc", "http", srv.port))
            st, raw, _ = post(a.http, "/onion_req/v2", entry)
            result((st, raw) == (504, b"Proxy request timed out"),
                   "a server slower than proxy-timeout: 504", (st, raw))
        finally:
            srv.stop()
        # the default policy: no loopback, private or special-purpose targets
        c = Node(top, "c", key_dir, "--stats-socket", "none")
        nodes.append(c)
        entry, _ = ob.build("aes-gcm", [node], (srv.pk, b""), b"x",
                            server=("127.0.0.1", "/oxen/v4/lsrpc", "http", srv.port))
        st, raw, _ = post(c.http, "/onion_req/v2", entry)
        result((st, raw) == (502, b"Proxy target address not allowed"),
               "by default a loopback target is refused: 502", (st, raw))
        c.stop()
        blob, eph, key = ob.encrypt_layer("aes-gcm", node[0], ob.combined(b"{}", {
            "host": "127.0.0.1", "target": "/etc/passwd", "protocol": "http"}))
        st, raw, _ = post(a.http, "/onion_req/v2", ob.combined(blob, {"ephemeral_key": eph.hex()}))
        rep = json.loads(ob.open_("aes-gcm", key, base64.b64decode(raw))) if st == 200 else raw
        result(rep == {"status": 400, "body": "Invalid url"},
               "a target outside the allow-list: encrypted 400 Invalid url", (st, rep))
        # a relay without a dataplane: 503 Snode not ready
        other = (nb.crypto_scalarmult_base(os.urandom(32)), os.urandom(32))
        entry, _ = ob.build("aes-gcm", [node], other, b"{}")
        st, body, _ = post(a.http, "/onion_req/v2", entry)
        result((st, body) == (503, b"Snode not ready: " + node[1].hex().encode()),
               "a relay without a dataplane: 503 Snode not ready", (st, body))

        # a second instance on the same data dir: the certificate is kept; small buckets
        before = open(cert, "rb").read()
        # the counters of instance a (snode-tool control-stats reads its stats socket)
        out = subprocess.run([TOOL, "control-stats", "--data-dir", key_dir],
                             capture_output=True, text=True)
        st = json.loads(out.stdout) if out.returncode == 0 else {}
        px, oe = st.get("proxy", {}), st.get("onion_entry", {})
        result(px.get("answered") == 2 and px.get("timeouts") == 1 and px.get("active") == 0
               and oe.get("proxied") == 3 and oe.get("proxy_refused") == 1
               and oe.get("bad_json") == 1 and st.get("http", {}).get("onion_req", 0) >= 10,
               "snode-tool control-stats: the proxy and onion entry counters of instance a",
               out.stdout + out.stderr)
        # a second instance on the same data dir must not take a's stats socket
        out = subprocess.run([CTL, "--data-dir", key_dir, "--redis", a.sock, "--listen", "none"],
                             capture_output=True, text=True, timeout=WAIT)
        result(out.returncode == 1 and "another process serves it" in out.stderr,
               "a second snode-control on a live stats socket refuses to start", out.stderr)
        b = Node(top, "b", key_dir, "--stats-socket", "none", "--rate-burst", "5", "--rate-per-s", "1",
                 "--http-timeout", "2", "--dp-socket", os.path.join(top, "no-dataplane.sock"))
        nodes.append(b)
        result(b.https > 0 and open(cert, "rb").read() == before,
               "an existing certificate is used, not replaced", b.text())
        codes = [rpc(b.http, "info", {})[0] for _ in range(5)]
        more = [rpc(b.http, "info", {})[0] for _ in range(3)]
        result(codes == [200] * 5 and 429 in more,
               "rate-burst 5: five requests pass, then 429", (codes, more))
        st, body, _ = post(b.http, "/onion_req/v2", b"x")
        result(st == 429, "onion_req shares the bucket", (st, body))
        time.sleep(1.2)  # one token back (1/s): the next onion_req is admitted
        st, body, _ = post(b.http, "/onion_req/v2", b"x")
        result((st, body) == (503, b"Snode not ready: " + node[1].hex().encode()),
               "a dataplane configured but not connected: 503 Snode not ready first", (st, body))
        st, _, _ = post(b.http, "/ping_test/v1")
        result(st == 200, "ping_test is not rate limited", st)

        # a slow client holds only its own connection, and is dropped at http-timeout
        slow = socket.create_connection(("127.0.0.1", b.https), timeout=WAIT)
        slow.sendall(b"\x16\x03\x01")  # a TLS record header, then nothing
        slow2 = socket.create_connection(("127.0.0.1", b.http), timeout=WAIT)
        slow2.sendall(b"POST /storage_rpc/v1 HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        t0 = time.monotonic()
        st, _, _ = post(b.http, "/ping_test/v1")
        result(st == 200 and time.monotonic() - t0 < WAIT,
               "other clients are served while two clients stall", st)
        closed = []
        for s in (slow, slow2):
            try:
                closed.append(s.recv(4096) is not None)
            except (ConnectionError, socket.timeout) as e:
                closed.append(isinstance(e, ConnectionError))
            s.close()
        result(closed == [True, True],
               "both stalled connections are closed by the server (http-timeout 2)", closed)
        for n, name in ((a, "a"), (b, "b")):
            rc = n.stop()
            result(rc == 0, f"instance {name} stops on SIGTERM with exit 0", rc)
            text = n.text()
            result("ERROR: AddressSanitizer" not in text and "runtime error" not in text and
                   "LeakSanitizer" not in text, f"no sanitizer report from instance {name}",
                   text[-2000:])
        nodes.clear()
    finally:
        for n in nodes:
            n.stop()
        shutil.rmtree(top, ignore_errors=True)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
