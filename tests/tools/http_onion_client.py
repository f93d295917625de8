#!/usr/bin/python3
"""A Session client's way into the network (facts doc 1.1-1.6): builds a Session onion with
the independent builder (onion_builder.py) for a path of testnet nodes and POSTs it to the
first node's /onion_req/v2 over plain HTTP (snode-control's http-listen), then opens the
destination's single encrypted reply with the key only the client has.

  http_onion_client.py --testnet DIR --path 0,1,2 info|store|retrieve|rpc ...
  --unknown-dest: the path continues to a node nobody knows (502 Next node not found);
  --wrong-dest-key: the last layer is sealed to a wrong key (dropped there: 504 timeout).
  --to-server: the last node of --path is the exit to a server (lsrpc_server.py, started here
  on 127.0.0.1): prints {"http": code, "server_reply": the reply opened with the server's key}.
  --tls: POST over HTTPS (the node's self-signed certificate is accepted, as Session does).
(the subcommands and their options are snode_client.py's). The first node of --path is the
entry (the one POSTed to), the last the destination. Output: {"http": code, "status": inner
code, "body": ...}; when the HTTP status is not 200, "text" holds the plain-text answer.
Exit 1 on a transport error or a reply that does not decrypt."""
import argparse
import base64
import http.client
import json
import os
import re
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onion_builder as ob  # noqa: E402
from lsrpc_server import LsrpcServer  # noqa: E402
import snode_client as sc  # noqa: E402


def http_port(testnet, i, tls=False):
    """Node i's plain HTTP (or HTTPS) port, from its snode-control's log (port 0 at start)."""
    with open(os.path.join(testnet, f"node{i}", "control.log")) as f:
        m = re.findall(r"HTTP entry: https port (\d+), http port (\d+)", f.read())
    port = m[-1][0 if tls else 1] if m else "0"
    if port == "0":
        raise ValueError(f"node {i}: no HTTP{'S' if tls else ''} entry in its control.log")
    return int(port)


def connect(testnet, i, tls, timeout):
    if not tls:
        return http.client.HTTPConnection("127.0.0.1", http_port(testnet, i), timeout=timeout)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # a node's self-signed certificate, as Session clients
    return http.client.HTTPSConnection("127.0.0.1", http_port(testnet, i, True),
                                       timeout=timeout, context=ctx)


def post(testnet, i, entry, timeout, tls=False):
    c = connect(testnet, i, tls, timeout)
    try:
        c.request("POST", "/onion_req/v2", body=entry)
        resp = c.getresponse()
        return resp.status, resp.read()
    finally:
        c.close()


def to_server(args, idx, pairs, body):
    """Every node of the path relays, the last one proxies to a local server."""
    srv = LsrpcServer()
    try:
        entry, key = ob.build(args.enc, pairs, (srv.pk, b""), body,
                              server=("127.0.0.1", "/oxen/v4/lsrpc", "http", srv.port))
        status, raw = post(args.testnet, idx[0], entry, args.timeout, args.tls)
        out = {"http": status, "server_saw": len(srv.seen)}
        try:
            out["server_reply"] = ob.open_(args.enc, key, raw).decode()
        except Exception:  # noqa: BLE001 - not the server's sealed reply
            out["text"] = raw.decode(errors="replace")
    except (OSError, ValueError, http.client.HTTPException) as e:
        print(f"http_onion_client: {e}", file=sys.stderr)
        return 1
    finally:
        srv.stop()
    print(json.dumps(out))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--enc", default="aes-gcm", choices=["aes-gcm", "xchacha20"])
    ap.add_argument("--timeout", type=float, default=15.0)
    # error paths: a destination no node knows; a last layer its node cannot decrypt
    ap.add_argument("--unknown-dest", action="store_true")
    ap.add_argument("--wrong-dest-key", action="store_true")
    ap.add_argument("--to-server", action="store_true")
    ap.add_argument("--tls", action="store_true", help="HTTPS (the node's listen port)")
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
    args = ap.parse_args()
    idx = [int(i) for i in args.path.split(",")]
    nodes = [sc.load_node(args.testnet, i) for i in idx]
    pairs = [(n["x"], n["ed"]) for n in nodes]
    if args.unknown_dest:
        pairs.append((sc.nb.crypto_scalarmult_base(os.urandom(32)), os.urandom(32)))
    if args.wrong_dest_key:
        pairs[-1] = (sc.nb.crypto_scalarmult_base(os.urandom(32)), pairs[-1][1])
    body = json.dumps(sc.rpc_body(args)).encode()
    if args.to_server:
        return to_server(args, idx, pairs, body)
    entry, key = ob.build(args.enc, pairs[:-1], pairs[-1], body)
    try:
        status, raw = post(args.testnet, idx[0], entry, args.timeout, args.tls)
        out = {"http": status}
        if status != 200:
            out["text"] = raw.decode(errors="replace")
        else:
            out.update(json.loads(ob.open_(args.enc, key, base64.b64decode(raw))))
    except (OSError, ValueError, http.client.HTTPException) as e:
        print(f"http_onion_client: {e}", file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
