#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Independent reference for crypto/session_msg.c, group_msg.c and direct.c.

Written from /work/shared/spec/session-protocol-facts.md section 5 and
docs/direct-messages.md alone, with PyNaCl (python3-nacl) and hashlib, so
that tests/cli/test_snode_tool_message.sh can check the C code against a
second implementation. Runs with the system python3 (python3-nacl is a Debian
package). Every command prints one line.

  session-seal   SEED_HEX RECIPIENT_HEX66 DATA_B64  -> base64 ciphertext (random ephemeral)
  session-open   SEED_HEX DATA_B64                  -> JSON {data_b64, sender_ed25519, sender_session_id}
  session-pad    DATA_B64                           -> base64 padded data
  group-seal     SEED_HEX KEY_HEX NONCE_HEX DATA_B64 -> base64 ciphertext
  group-open     KEY_HEX DATA_B64                   -> JSON {data_b64, author_ed25519}
  direct-vector                                     -> hex of the docs/direct-messages.md vector
"""
import base64
import hashlib
import json
import sys

from nacl import bindings as b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey


def keys(seed_hex):
    sk = SigningKey(bytes.fromhex(seed_hex))
    return sk, sk.verify_key.encode(), sk.to_curve25519_private_key()


def session_seal(seed_hex, recipient_hex, data_b64):
    sk, a, _ = keys(seed_hex)
    rid = bytes.fromhex(recipient_hex)
    assert len(rid) == 33 and rid[0] == 5
    y, m = rid[1:], base64.b64decode(data_b64)
    sig = sk.sign(m + a + y).signature
    return base64.b64encode(SealedBox(PublicKey(y)).encrypt(m + a + sig)).decode()


def session_open(seed_hex, data_b64):
    _, _, xsk = keys(seed_hex)
    inner = SealedBox(xsk).decrypt(base64.b64decode(data_b64))
    m, a, sig = inner[:-96], inner[-96:-64], inner[-64:]
    VerifyKey(a).verify(m + a + bytes(xsk.public_key), sig)
    x = VerifyKey(a).to_curve25519_public_key().encode()
    return json.dumps({"data_b64": base64.b64encode(m).decode(), "sender_ed25519": a.hex(),
                       "sender_session_id": "05" + x.hex()})


def session_pad(data_b64):
    m = base64.b64decode(data_b64)
    total = -(-(len(m) + 2) // 160) * 160 - 1
    return base64.b64encode(m + b"\x80" + bytes(total - len(m) - 1)).decode()


def bstr(v):
    return str(len(v)).encode() + b":" + v


def group_seal(seed_hex, key_hex, nonce_hex, data_b64):
    sk, a, _ = keys(seed_hex)
    d = base64.b64decode(data_b64)
    sig = sk.sign(d).signature
    body = b"d" + bstr(b"") + b"i1e" + bstr(b"a") + bstr(a) + bstr(b"d") + bstr(d) + \
        bstr(b"s") + bstr(sig) + b"e"
    body += bytes(-(24 + 16 + len(body)) % 256)
    nonce = bytes.fromhex(nonce_hex)
    ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(body, None, nonce, bytes.fromhex(key_hex))
    return base64.b64encode(nonce + ct).decode()


def group_open(key_hex, data_b64):
    raw = base64.b64decode(data_b64)
    body = b.crypto_aead_xchacha20poly1305_ietf_decrypt(raw[24:], None, raw[:24],
                                                        bytes.fromhex(key_hex)).rstrip(b"\0")
    assert body.startswith(b"d0:i1e1:a32:")
    a, rest = body[12:44], body[44:]
    assert rest.startswith(b"1:d")
    n, rest = rest[3:].split(b":", 1)
    d, rest = rest[:int(n)], rest[int(n):]
    assert rest[:6] == b"1:s64:" and rest[70:] == b"e"
    VerifyKey(a).verify(d, rest[6:70])
    return json.dumps({"data_b64": base64.b64encode(d).decode(), "author_ed25519": a.hex()})


# The fixed inputs of the docs/direct-messages.md vector.
DIRECT_SENDER_SEED = bytes(range(0x00, 0x20))
DIRECT_RECEIVER_SEED = bytes(range(0x20, 0x40))
DIRECT_TIMESTAMP_MS = 1700000000000
DIRECT_NONCE = bytes(range(0x40, 0x58))
DIRECT_PAYLOAD = b"snode direct test vector"


def direct_vector():
    s = SigningKey(DIRECT_SENDER_SEED)
    r = SigningKey(DIRECT_RECEIVER_SEED)
    s_x, r_x = s.to_curve25519_private_key(), r.to_curve25519_private_key()
    dh = b.crypto_scalarmult(bytes(s_x), bytes(r_x.public_key))
    key = hashlib.blake2b(dh + bytes(s_x.public_key) + bytes(r_x.public_key),
                          digest_size=32, key=b"snode-direct-v1").digest()
    header = bytes([1]) + s.verify_key.encode() + DIRECT_TIMESTAMP_MS.to_bytes(8, "big") + \
        DIRECT_NONCE
    ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(DIRECT_PAYLOAD, header, DIRECT_NONCE, key)
    body = header + ct
    return (body + s.sign(body).signature).hex()


COMMANDS = {
    "session-seal": session_seal,
    "session-open": session_open,
    "session-pad": session_pad,
    "group-seal": group_seal,
    "group-open": group_open,
    "direct-vector": direct_vector,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    print(COMMANDS[sys.argv[1]](*sys.argv[2:]))
