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
  content-text   TEXT SENT_MS [SYNC_TARGET]         -> hex of Session's protobuf Content
  envelope-wrap  CT_HEX SENT_MS REQUEST_ID          -> hex of WebSocketMessage(Envelope(CT))
  session-wire-seal SEED_HEX RECIPIENT_HEX66 TEXT SENT_MS REQUEST_ID [SYNC_TARGET]
                                                    -> base64 of what a Session client stores
  session-wire-open SEED_HEX DATA_B64               -> JSON {from, text, sent, sync_target}

The protobuf code below is a hand-written encoder/decoder of the wire format (varints and
length-delimited fields) with the field numbers of Session's SignalService.proto (facts doc
5.1): independent of protobuf-c and of client/proto/session.proto.
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


def pb_varint(n):
    out = b""
    while True:
        b7 = n & 0x7F
        n >>= 7
        if n == 0:
            return out + bytes([b7])
        out += bytes([b7 | 0x80])


def pb_int(num, value):
    return pb_varint(num << 3) + pb_varint(value)


def pb_bytes(num, value):
    return pb_varint(num << 3 | 2) + pb_varint(len(value)) + value


def pb_parse(buf):
    """{field number: [values]}; varints as ints, length-delimited as bytes."""
    fields, i = {}, 0

    def varint():
        nonlocal i
        n = shift = 0
        while True:
            c = buf[i]
            i += 1
            n |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                return n
    while i < len(buf):
        key = varint()
        num, wt = key >> 3, key & 7
        if wt == 0:
            v = varint()
        elif wt == 2:
            n = varint()
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"wire type {wt} not expected here")
        fields.setdefault(num, []).append(v)
    return fields


# Content{1 dataMessage{1 body, 105 syncTarget}, 15 sigTimestamp}
def pb_content(text, sent_ms, sync=None):
    dm = pb_bytes(1, text.encode())
    if sync:
        dm += pb_bytes(105, sync.encode())
    return pb_bytes(1, dm) + pb_int(15, int(sent_ms))


# WebSocketMessage{1 type REQUEST=1, 2 request{1 verb, 2 path, 3 body, 4 id}},
# body = Envelope{1 type SESSION_MESSAGE=6, 5 timestamp, 8 content}
def pb_wrap(ct, sent_ms, request_id):
    env = pb_int(1, 6) + pb_int(5, int(sent_ms)) + pb_bytes(8, ct)
    req = pb_bytes(1, b"PUT") + pb_bytes(2, b"/api/v1/message") + pb_bytes(3, env) + \
        pb_int(4, int(request_id))
    return pb_int(1, 1) + pb_bytes(2, req)


def content_text(text, sent_ms, sync=None):
    return pb_content(text, sent_ms, sync).hex()


def envelope_wrap(ct_hex, sent_ms, request_id):
    return pb_wrap(bytes.fromhex(ct_hex), sent_ms, request_id).hex()


def session_wire_seal(seed_hex, recipient_hex, text, sent_ms, request_id, sync=None):
    padded = base64.b64decode(session_pad(base64.b64encode(pb_content(text, sent_ms, sync))))
    ct = base64.b64decode(session_seal(seed_hex, recipient_hex, base64.b64encode(padded)))
    return base64.b64encode(pb_wrap(ct, sent_ms, request_id)).decode()


def session_wire_open(seed_hex, data_b64):
    ws = pb_parse(base64.b64decode(data_b64))
    assert ws[1] == [1], "not a WebSocketMessage REQUEST"
    req = pb_parse(ws[2][0])
    assert req[1] == [b"PUT"] and req[2] == [b"/api/v1/message"]
    env = pb_parse(req[3][0])
    assert env[1] == [6], "not a SESSION_MESSAGE envelope"
    opened = json.loads(session_open(seed_hex, base64.b64encode(env[8][0])))
    padded = base64.b64decode(opened["data_b64"]).rstrip(b"\0")
    assert padded.endswith(b"\x80")
    content = pb_parse(padded[:-1])
    assert content[15] == env[5], "sigTimestamp differs from the envelope's timestamp"
    dm = pb_parse(content[1][0])
    return json.dumps({"from": opened["sender_session_id"], "text": dm[1][0].decode(),
                       "sent": env[5][0],
                       "sync_target": dm[105][0].decode() if 105 in dm else None})


COMMANDS = {
    "content-text": content_text,
    "envelope-wrap": envelope_wrap,
    "session-wire-seal": session_wire_seal,
    "session-wire-open": session_wire_open,
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
