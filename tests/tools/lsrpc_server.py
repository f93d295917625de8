#!/usr/bin/python3
"""A server behind an exit (facts doc 1.4, the "host" case) for tests: an HTTP server on
127.0.0.1 that opens the layer the exit POSTs (the whole [N][blob]{json}) with its own X25519
key, the way a SOGS or the file server does, and answers status 203 with
Enc(key, b"server saw: " + request). POSTs to /oxen/slow/lsrpc wait slow_s seconds first.
Independent of snode's code: onion_builder.py's primitives only."""
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import nacl.bindings as nb

import onion_builder as ob

STATUS = 203  # not 200: the status must come back unmodified


class LsrpcServer:
    def __init__(self, slow_s=3.0):
        self.sk = os.urandom(32)
        self.pk = nb.crypto_scalarmult_base(self.sk)
        self.seen = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.seen.append((self.path, body))
                if self.path == "/oxen/slow/lsrpc":
                    time.sleep(slow_s)
                blob, routing = ob.split(body)
                enc = routing.get("enc_type", "aes-gcm")
                eph = bytes.fromhex(routing["ephemeral_key"])
                key = ob.hop_key(enc, nb.crypto_scalarmult(outer.sk, eph), eph, outer.pk)
                out = ob.seal(enc, key, b"server saw: " + ob.open_(enc, key, blob))
                self.send_response(STATUS)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
