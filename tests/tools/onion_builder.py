#!/usr/bin/python3
"""Independent Session onion builder and peeler, written from
../shared/spec/session-protocol-facts.md (sections 1.2-1.6) alone, on PyNaCl
and python3-cryptography. It shares no code with snode: tests use it to check
that snode peels what it builds and that it peels what snode builds.

  build --enc-type T --relay X25519HEX:ED25519HEX ... --dest X25519HEX:ED25519HEX --body-b64 B
        [--server host,target,protocol,port]   (--dest then names the server's key only)
  peel  --node-sk X25519HEX (--entry-b64 B | --enc-type T --eph HEX --blob-b64 B)
  layer --enc-type T --node-pk HEX --data-b64 B     (one layer; prints eph sk/pk too)
  open  --enc-type T --key HEX --data-b64 B         (a reply)
  seal  --enc-type T --key HEX --data-b64 B
Output: one JSON object on stdout."""
import argparse
import base64
import hashlib
import hmac
import json
import os
import struct
import sys

import nacl.bindings as nb
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NAMES = {"aes-gcm": "aes-gcm", "gcm": "aes-gcm", "xchacha20": "xchacha20",
         "xchacha20-poly1305": "xchacha20", "aes-cbc": "aes-cbc", "cbc": "aes-cbc"}


def hop_key(enc, dh, client_pk, node_pk):
    if enc == "aes-gcm":
        return hmac.new(b"LOKI", dh, hashlib.sha256).digest()
    if enc == "xchacha20":
        return hashlib.blake2b(dh + client_pk + node_pk, digest_size=32).digest()
    return dh  # aes-cbc: the raw shared secret


def seal(enc, key, pt):
    if enc == "aes-gcm":
        iv = os.urandom(12)
        return iv + AESGCM(key).encrypt(iv, pt, None)
    if enc == "xchacha20":
        nonce = os.urandom(24)
        return nonce + nb.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, None, nonce, key)
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    enc_ = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + enc_.update(padder.update(pt) + padder.finalize()) + enc_.finalize()


def open_(enc, key, ct):
    if enc == "aes-gcm":
        return AESGCM(key).decrypt(ct[:12], ct[12:], None)
    if enc == "xchacha20":
        return nb.crypto_aead_xchacha20poly1305_ietf_decrypt(ct[24:], None, ct[:24], key)
    dec = Cipher(algorithms.AES(key), modes.CBC(ct[:16])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(ct[16:]) + dec.finalize()) + unpadder.finalize()


def encrypt_layer(enc, node_pk, pt):
    """Returns (ciphertext, eph_pk, hop key) for a fresh ephemeral key."""
    eph_sk = os.urandom(32)
    eph_pk = nb.crypto_scalarmult_base(eph_sk)
    key = hop_key(enc, nb.crypto_scalarmult(eph_sk, node_pk), eph_pk, node_pk)
    return seal(enc, key, pt), eph_pk, key


def combined(blob, obj):
    # libsession's spacing (", " and ": "); any JSON whitespace is valid.
    return struct.pack("<I", len(blob)) + blob + json.dumps(obj).encode()


def split(payload):
    if len(payload) < 4:
        raise ValueError("payload shorter than 4 bytes")
    (n,) = struct.unpack("<I", payload[:4])
    if n > len(payload) - 4:
        raise ValueError("N runs past the payload")
    return payload[4:4 + n], json.loads(payload[4 + n:].decode())


def build(enc, relays, dest, body, server=None):
    """relays/dest: (x25519, ed25519) byte pairs. Facts 1.5."""
    if server is None:
        inner = combined(body, {"headers": ""})
        blob, eph, dest_key = encrypt_layer(enc, dest[0], inner)
        routing = {"destination": dest[1].hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    else:
        host, target, protocol, port = server
        blob, eph, dest_key = encrypt_layer(enc, dest[0], body)
        routing = {"host": host, "target": target, "method": "POST", "protocol": protocol,
                   "port": int(port), "ephemeral_key": eph.hex(), "enc_type": enc}
    for x_pk, ed_pk in reversed(relays):
        blob, eph, _ = encrypt_layer(enc, x_pk, combined(blob, routing))
        routing = {"destination": ed_pk.hex(), "ephemeral_key": eph.hex(), "enc_type": enc}
    entry = combined(blob, {"ephemeral_key": eph.hex(), "enc_type": enc})
    return entry, dest_key


def peel(node_sk, enc, eph, blob):
    node_pk = nb.crypto_scalarmult_base(node_sk)
    key = hop_key(enc, nb.crypto_scalarmult(node_sk, eph), eph, node_pk)
    pt = open_(enc, key, blob)
    out = {"hop_key": key.hex(), "plaintext_b64": base64.b64encode(pt).decode()}
    try:
        inner, routing = split(pt)
    except (ValueError, UnicodeDecodeError):
        return out  # a server destination's raw body
    out["blob_b64"] = base64.b64encode(inner).decode()
    out["json"] = routing
    if "headers" in routing:
        out["kind"] = "destination"
    elif "host" in routing:
        out["kind"] = "proxy"
    else:
        out["kind"] = "relay"
    return out


def pair(text):
    x, ed = text.split(":")
    return bytes.fromhex(x), bytes.fromhex(ed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["build", "peel", "layer", "open", "seal"])
    ap.add_argument("--enc-type", default="aes-gcm")
    ap.add_argument("--relay", action="append", default=[], type=pair)
    ap.add_argument("--dest", type=pair)
    ap.add_argument("--server")
    ap.add_argument("--body-b64")
    ap.add_argument("--node-sk")
    ap.add_argument("--node-pk")
    ap.add_argument("--entry-b64")
    ap.add_argument("--eph")
    ap.add_argument("--blob-b64")
    ap.add_argument("--key")
    ap.add_argument("--data-b64")
    a = ap.parse_args()
    enc = NAMES[a.enc_type]
    if a.command == "build":
        server = a.server.split(",") if a.server else None
        entry, key = build(enc, a.relay, a.dest, base64.b64decode(a.body_b64), server)
        out = {"payload_b64": base64.b64encode(entry).decode(), "dest_key": key.hex()}
    elif a.command == "peel":
        if a.entry_b64:
            blob, outer = split(base64.b64decode(a.entry_b64))
            enc = NAMES[outer.get("enc_type", "aes-gcm")]
            eph = bytes.fromhex(outer["ephemeral_key"])
        else:
            blob, eph = base64.b64decode(a.blob_b64), bytes.fromhex(a.eph)
        out = peel(bytes.fromhex(a.node_sk), enc, eph, blob)
    elif a.command == "layer":
        ct, eph, key = encrypt_layer(enc, bytes.fromhex(a.node_pk), base64.b64decode(a.data_b64))
        out = {"ciphertext_b64": base64.b64encode(ct).decode(), "ephemeral_key": eph.hex(),
               "hop_key": key.hex()}
    elif a.command == "open":
        out = {"plaintext_b64": base64.b64encode(
            open_(enc, bytes.fromhex(a.key), base64.b64decode(a.data_b64))).decode()}
    else:
        out = {"ciphertext_b64": base64.b64encode(
            seal(enc, bytes.fromhex(a.key), base64.b64decode(a.data_b64))).decode()}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
