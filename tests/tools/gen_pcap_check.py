#!/usr/bin/python3
"""Independent reading of a snode-tool gen-pcap pcap (mode in) or of what the dataplane sent
for it (mode out), written from docs/wire-format.md and docs/snode-tool.md; shares no code with
snode (cell_builder.py and onion_builder.py beside it).

  gen_pcap_check.py in|out TOOLS_DIR SPEC.json PCAP SUMMARY.json
SPEC: {"nodes": [{"seed", "ip", "mac", "port"}, ...] (node 0 the target), "client_ip": A.B.C.D};
SUMMARY: gen-pcap's JSON line. Prints the counts read as JSON; an assertion names what is wrong.
Used by tests/cli/test_gen_pcap.sh and tests/cli/test_dataplane_golden.sh."""
import base64, json, socket, struct, sys
sys.path.insert(0, sys.argv[2])
import cell_builder as cb  # noqa: E402
import onion_builder as ob  # noqa: E402
import nacl.bindings as nb  # noqa: E402

mode, spec, pcap = sys.argv[1], json.load(open(sys.argv[3])), sys.argv[4]
want = json.load(open(sys.argv[5]))
CLS = {"small": 0, "medium": 1, "large": 2}[want["class"]]
SIZE = cb.SIZES[CLS]  # medium and large cells travel as 1500-byte fragments: reassembled here
keys = [cb.node_keys(n["seed"]) for n in spec["nodes"]]
by_ed = {k["ed"]: i for i, k in enumerate(keys)}
by_ip = {socket.inet_aton(n["ip"]): i for i, n in enumerate(spec["nodes"])}
A, nA = keys[0], spec["nodes"][0]
ENC = {0: "aes-gcm", 1: "xchacha20"}
HEAD = b'{"method":"info","params":{"pad":"'
n = dict(create=0, create_more=0, data=0, bad_version=0, bad_mac=0, not_cell=0)
seen = dict(requests=0, hops=set(), enc=set(), clients=set())


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def peel_path(sk_index, enc, eph, blob):
    """Peels from node sk_index to the destination: (path, hop keys, destination body)."""
    path, hop_keys = [sk_index], []
    out = ob.peel(keys[sk_index]["x_sk"], enc, eph, blob)
    hop_keys.append(bytes.fromhex(out["hop_key"]))
    while out["kind"] == "relay":
        nxt = by_ed[bytes.fromhex(out["json"]["destination"])]
        assert nxt not in path, "a node twice on one path"
        assert out["json"]["enc_type"] == enc
        path.append(nxt)
        out = ob.peel(keys[nxt]["x_sk"], enc, bytes.fromhex(out["json"]["ephemeral_key"]),
                      base64.b64decode(out["blob_b64"]))
        hop_keys.append(bytes.fromhex(out["hop_key"]))
    assert out["kind"] == "destination" and out["json"] == {"headers": ""}, out
    return path, hop_keys, base64.b64decode(out["blob_b64"])


def check_frame(fr):
    assert fr[0:6] == cb.mac(nA["mac"]) and fr[12:14] == b"\x08\x00", "not IPv4 to the target"
    ip = fr[14:34]
    assert ip[0] == 0x45 and ip[9] == 17 and ip[16:20] == socket.inet_aton(nA["ip"])
    assert cb.ip_checksum(ip[:10] + b"\0\0" + ip[12:]) == struct.unpack("!H", ip[10:12])[0]
    total, = struct.unpack("!H", ip[2:4])
    sport, dport, ulen, _ = struct.unpack("!HHHH", fr[34:42])
    assert total == len(fr) - 14 and ulen == len(fr) - 34 and sport >= 1024
    src = struct.unpack("!I", ip[12:16])[0] - struct.unpack("!I", socket.inet_aton(spec["client_ip"]))[0]
    assert 0 <= src < want["clients"], "source outside the client range"
    assert clients.setdefault(src, sport) == sport, "a client on two ports"
    seen["clients"].add(src)
    return (src, sport), dport, fr[42:]


def create_in(src, cell):
    flags, label = cell[3], struct.unpack(">Q", cell[4:12])[0]
    assert cell[1:3] == bytes([1, CLS]) and flags in (0x80, 0x81) and cell[13] == 1, cell[:16].hex()
    assert len(cell) == SIZE
    enc, eph = ENC[cell[12]], cell[16:48]
    m = cb.mask(nb.crypto_scalarmult(A["x_sk"], eph), 1, label)
    blob_len, hop = struct.unpack(">IB", xor(cell[48:53], m))
    assert hop == 0 and blob_len <= SIZE - cb.CREATE_HDR
    try:
        path, hop_keys, body = peel_path(0, enc, eph, cell[56:56 + blob_len])
    except Exception:  # noqa: BLE001: the tag does not verify at the target
        assert flags == 0x80, "a bad MAC CREATE with MORE"
        n["bad_mac"] += 1
        return
    n["create"] += 1
    seen["hops"].add(len(path))
    seen["enc"].add(enc)
    if flags & 1:
        n["create_more"] += 1
        assert body == HEAD, body
        circuits[(src, label)] = dict(kf=[cb.data_keys(k)[0] for k in hop_keys], seq=0, body=body)
    else:
        assert json.loads(body) == {"method": "info", "params": {}}
        seen["requests"] += 1


def data_in(src, cell):
    flags, (label, seq) = cell[3], struct.unpack(">QI", cell[4:16])
    c = circuits[(src, label)]
    assert flags in (0x80, 0x81) and seq == c["seq"], "DATA out of order"
    ln, = struct.unpack(">I", xor(cell[16:20], cb.mask(c["kf"][0], 2, label, seq)))
    payload = cell[20:20 + ln]
    for k in c["kf"]:  # the entry's layer is the outermost
        payload = cb.data_open(k, seq, payload)
    assert cell[2] == CLS and len(cell) == SIZE
    assert len(payload) == SIZE - cb.DATA_HDR - 16 * len(c["kf"])
    c["body"] += payload
    c["seq"] += 1
    n["data"] += 1
    if flags & 1:
        assert json.loads(c["body"])["method"] == "info"
        seen["requests"] += 1
        del circuits[(src, label)]


def read_in():
    for fr in cb.reassemble(cb.read_pcap(pcap)):
        src, dport, cell = check_frame(fr)
        if dport != nA["port"]:
            n["not_cell"] += 1
        elif cell[0] != 1:
            n["bad_version"] += 1
        elif cell[1] == 1:
            create_in(src, cell)
        else:
            assert cell[1] == 2, "unexpected kind"
            data_in(src, cell)
    assert not circuits, "a request without its LAST DATA"
    garbage = n["bad_version"] + n["bad_mac"] + n["not_cell"]
    got = dict(n, frames=n["create"] + n["data"] + garbage, garbage=garbage)
    for k, v in got.items():
        assert want[k] == v, f"{k}: pcap has {v}, gen-pcap said {want[k]}"
    enc = {"mix": {"aes-gcm", "xchacha20"}}.get(want["enc"], {want["enc"]})
    if n["create"] > 1:
        assert seen["enc"] == enc, seen["enc"]
    if n["create"] > 0:
        assert seen["hops"] == {want["hops"]}, seen["hops"]
    print(json.dumps(dict(got, requests=seen["requests"], clients=len(seen["clients"])), sort_keys=True))


def read_out():
    """Each relayed CREATE unmasks with the link key and peels at its next hop; each relayed
    DATA unmasks with the same link key and opens with that hop's key."""
    out = dict(create=0, data=0)
    for fr in cb.reassemble(cb.read_pcap(pcap)):
        nxt = by_ip[fr[30:34]]
        assert nxt != 0 and fr[0:6] == cb.mac(spec["nodes"][nxt]["mac"])
        cell, K = fr[42:], keys[nxt]
        lk = cb.link_key(K["x_sk"], K["x_pk"], A["x_pk"])
        assert len(cell) == SIZE and cell[2] == CLS and cell[3] & 0x80 == 0, "not a node cell"
        label = struct.unpack(">Q", cell[4:12])[0]
        if cell[1] == 1:
            blob_len, hop = struct.unpack(">IB", xor(cell[48:53], cb.mask(lk, 1, label)))
            assert hop == 1
            _, hop_keys, _ = peel_path(nxt, ENC[cell[12]], cell[16:48], cell[56:56 + blob_len])
            circuits[(nxt, label)] = cb.data_keys(hop_keys[0])[0]
            out["create"] += 1
        else:
            seq, = struct.unpack(">I", cell[12:16])
            ln, = struct.unpack(">I", xor(cell[16:20], cb.mask(lk, 2, label, seq)))
            cb.data_open(circuits[(nxt, label)], seq, cell[20:20 + ln])
            out["data"] += 1
    assert out == dict(create=want["create"], data=want["data"]), out
    print(json.dumps(out, sort_keys=True))


circuits, clients = {}, {}
read_in() if mode == "in" else read_out()
