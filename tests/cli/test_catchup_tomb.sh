#!/usr/bin/env bash
# Tombstones, shortened expiries and revocations through catch-up (docs/replication.md, "Merge
# rules") on a local testnet of 3 nodes, one swarm. Three messages are stored everywhere; node
# 1's snode-control is killed; through node 0 one message is deleted, one's expiry shortened, a
# subaccount token of the seed's group (03) account revoked, and a second token, revoked
# everywhere before, unrevoked (node 1 times out). Nodes 0 and 2 are then stopped and node 1 is
# started alone: it still holds all three as they were, and only the second token revoked.
# Node 0 starts again: node 1 and node 0
# pull from each other (node 1 is the only member node 0 can reach). Afterwards node 1 has
# neither the deleted message nor the old expiry, lists the revoked token and not the unrevoked
# one, and node 0 did not get the deleted message nor the unrevoked token back from node 1 (it
# fails without tombstones, or without unrevocations in pages, whichever pull ran first). Needs
# root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
tn_up catchtomb 3
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" --timeout 20 "$@"; }
field() { $PY -c 'import json,sys; print(json.loads(json.load(open(sys.argv[1]))["body"])'"$1"')' "$2"; }
start_control() {
	local d=$DIR/node$1
	"$BUILD/control/snode-control" --data-dir "$d" --redis "$d/redis.sock" --dp-socket "$d/dp.sock" \
		--registry "$DIR/registry" --ping-interval 1 --listen none --http-listen 127.0.0.1:0 \
		>>"$d/control.$2.log" 2>&1 &
	echo $! >"$d/control.pid"
}
wait_log() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
stats() { "$BUILD/tools/snode-tool" control-stats --data-dir "$DIR/node$1"; }
for _ in $(seq 100); do
	[ "$(cat "$DIR"/node*/control.log | grep -c "catch-up from .* done")" -ge 3 ] && break
	sleep 0.2
done

SEED=$($PY -c 'import os; print(os.urandom(32).hex())')
TOKEN=03$(printf '%070x' $((RANDOM + 1)))
TOKEN2=04$(printf '%070x' $((RANDOM + 1)))
for m in del short keep; do
	tn_store "$DIR/s.$m" --path 0 store --seed "$SEED" --ttl 3600000 --data "tomb test: $m"
done
DEL=$(field '["hash"]' "$DIR/s.del")
SHORT=$(field '["hash"]' "$DIR/s.short")
KEEP=$(field '["hash"]' "$DIR/s.keep")
tn_store "$DIR/r1.before" --path 1 retrieve --seed "$SEED"
n=$($PY -c 'import json,sys; print(len(json.loads(json.load(open(sys.argv[1]))["body"])["messages"]))' "$DIR/r1.before")
check "node 1 holds the three messages before it goes away ($n)" test "$n" = 3
tn_store "$DIR/r.tok2" --path 0 revoke --seed "$SEED" "$TOKEN2"

kill -9 "$(cat "$DIR/node1/control.pid")"
SHORTER=$(($(date +%s%3N) + 600000))
client --path 0 delete --seed "$SEED" "$DEL" >"$DIR/a.del"
client --path 0 expire --seed "$SEED" --shorten --expiry "$SHORTER" "$SHORT" >"$DIR/a.exp"
tn_store "$DIR/a.rev" --path 0 revoke --seed "$SEED" "$TOKEN"
tn_store "$DIR/a.unrev" --path 0 unrevoke --seed "$SEED" "$TOKEN2"
res=$($PY - "$DIR" "$DEL" "$SHORT" <<'PYEOF'
import json, sys
d, dl, sh = sys.argv[1:]
b = [json.loads(json.load(open(f"{d}/a.{x}"))["body"]) for x in ("del", "exp")]
ok = [any(dl in (r.get("deleted") or []) for r in b[0]["swarm"].values()),
      any(sh in (r.get("updated") or []) for r in b[1]["swarm"].values()),
      sum(r == {"failed": True, "timeout": True} for r in b[0]["swarm"].values()) == 1]
print("ok" if all(ok) else f"{ok} {b}")
PYEOF
)
check "delete and shortening applied by nodes 0 and 2, node 1 timed out" test "$res" = ok

# node 1 alone: it still has what the others deleted or shortened
kill -9 "$(cat "$DIR/node0/control.pid")" "$(cat "$DIR/node2/control.pid")"
sleep 1
start_control 1 second
tn_store "$DIR/r1.alone" --path 1 retrieve --seed "$SEED"
tn_store "$DIR/v1.alone" --path 1 revoked --seed "$SEED"
check "node 1, alone, still holds the deleted message and the old expiry, only token 2 revoked" \
	$PY - "$DIR/r1.alone" "$DEL" "$SHORT" "$SHORTER" "$DIR/v1.alone" "$TOKEN2" <<'PYEOF'
import base64, json, sys
f, dl, sh, shorter, v = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
revoked = json.loads(json.load(open(v))["body"])["revoked_subaccounts"]
m = {x["hash"]: x for x in json.loads(json.load(open(f))["body"])["messages"]}
tok2 = base64.b64encode(bytes.fromhex(sys.argv[6])).decode()
sys.exit(not (dl in m and m[sh]["expiration"] > shorter and revoked == [tok2]))
PYEOF

# node 0 comes back: node 1 is the only member it can reach
start_control 0 second
check "node 0 logs a catch-up from node 1" wait_log "$DIR/node0/control.second.log" "catch-up from .* done"
check "node 1 logs its catch-up" wait_log "$DIR/node1/control.second.log" "catch-up from .* done"
start_control 2 second
for p in 1 0; do tn_store "$DIR/r$p.after" --path $p retrieve --seed "$SEED"; done
for p in 1 0; do tn_store "$DIR/v$p.after" --path $p revoked --seed "$SEED"; done
verdict=$($PY - "$DIR" "$DEL" "$SHORT" "$KEEP" "$SHORTER" "$TOKEN" "$TOKEN2" <<'PYEOF'
import base64, json, sys
d, dl, sh, kp, shorter, tok, tok2 = sys.argv[1:8]
bad = []
for p in ("1", "0"):
    m = {x["hash"]: x for x in json.loads(json.load(open(f"{d}/r{p}.after"))["body"])["messages"]}
    if dl in m: bad.append(f"node {p} has the deleted message")
    if kp not in m: bad.append(f"node {p} lost the kept message")
    if m.get(sh, {}).get("expiration") != int(shorter):
        bad.append(f"node {p} expiry {m.get(sh, {}).get('expiration')} not {shorter}")
for p in ("1", "0"):
    r = json.load(open(f"{d}/v{p}.after"))
    v = json.loads(r["body"]).get("revoked_subaccounts", []) if r["status"] == 200 else r
    if base64.b64encode(bytes.fromhex(tok)).decode() not in v or \
       base64.b64encode(bytes.fromhex(tok2)).decode() in v:
        bad.append(f"node {p} revoked list {v}")
print("ok" if not bad else "; ".join(bad))
PYEOF
)
check "after catch-up: no deleted message on nodes 1 and 0, the shortened expiry, the revocation, not the unrevoked token" \
	sh -c 'echo "$1"; [ "$1" = ok ]' _ "$verdict"
got=$( (stats 1; stats 0) | $PY -c '
import json, sys
c = [json.loads(l)["catchup"] for l in sys.stdin]
print(c[0]["lowered"], c[0]["revocations_added"], c[0]["tombs_deleted"] + c[1]["tombstoned"],
      c[0]["old_version"] + c[1]["old_version"], c[0]["unrevokes_applied"])')
set -- $got
check "stats: expiry lowered ($1), token added ($2), the deleted copy removed or refused ($3), no old pages ($4), token unlisted ($5)" \
	sh -c "[ $1 -ge 1 ] && [ $2 -ge 1 ] && [ $3 -ge 1 ] && [ $4 -eq 0 ] && [ $5 -ge 1 ]"

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process" sh -c "! ip netns list | grep -q '^$NS'"
tap_done
