#!/usr/bin/env bash
# snode-cli end to end on a local testnet of 5 nodes (one swarm; deploy/testnet.sh): Alice
# sends Bob a Session message over random 3-hop paths of cells; every swarm member stores it
# (checked in each node's Redis); Bob reads it on two devices (the second restored from the
# recovery phrase), Alice's copy reaches her second device; both reply modes; a dead node on
# the first path -> the retry on another path answers; expire, delete, delete-all; errors
# with their exit codes (timeout, clock skew). Needs root (netns, tap): otherwise skipped.
# SNODE_CLI_BIN runs another snode-cli (e.g. a sanitizer build) against the same testnet.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
N=5
tn_require_root
tn_up cli $N
export SNODE_CLI_REGISTRY="$DIR/registry"
# cli HOME ARGS...: snode-cli inside the namespace (10 s per attempt: a busy machine)
cli() { local home=$1; shift; ip netns exec "$NS" "${SNODE_CLI_BIN:-$BUILD/client/cli/snode-cli}" --home "$H/$home" --timeout 10000 "$@"; }
# jq-like: jx FILE EXPR evaluates EXPR over j (the JSON in FILE)
jx() { $PY -c 'import json,sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1; }
expect() { # expect NAME FILE EXPR
	local got
	got=$(jx "$2" "$3")
	if [ "$got" = True ]; then tap_result ok "$1"; else tap_result not-ok "$1" "$3 -> $got: $(cat "$2")"; fi
}

cli alice --json account create >"$H/a.json"
cli bob --json account create >"$H/b.json"
ALICE=$(jx "$H/a.json" 'j["session_id"]')
BOB=$(jx "$H/b.json" 'j["session_id"]')
cli alice --json --verbose send --to "$BOB" --text "hello Bob, from Alice" >"$H/s1" 2>"$H/s1.err"
expect "Alice sends Bob a message: every member of his swarm stored it" "$H/s1" \
	'j["swarm_size"] == '$N' and len(j["stored_by"]) == '$N' and len(j["hash"]) == 43'
check "over a 3-hop path (the client's trace)" grep -qE '^attempt 1: path [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16}: answered' "$H/s1.err"
HASH=$(jx "$H/s1" 'j["hash"]')
stored=0
for i in $(seq 0 $((N - 1))); do
	[ "$(redis-cli -s "$DIR/node$i/redis.sock" EXISTS "sn1:m:$BOB:$HASH")" = 1 ] && stored=$((stored + 1))
done
check "each node's Redis holds it ($stored of $N)" test "$stored" -eq $N

cli bob --json receive >"$H/r1"
expect "Bob receives it: decrypted, sender verified as Alice" "$H/r1" \
	'[(m["from"], m["text"], m["hash"]) for m in j["messages"]] == [("'"$ALICE"'", "hello Bob, from Alice", "'"$HASH"'")]'
PHRASE=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["phrase"])' "$H/b.json")
cli bob2 --json account restore --phrase "$PHRASE" >"$H/b2.json"
expect "Bob's second device, restored from the phrase, is the same account" "$H/b2.json" \
	'j["session_id"] == "'"$BOB"'"'
cli bob2 --json --mode 0 receive >"$H/r2"
expect "it receives the same message (Session-compatible reply mode)" "$H/r2" \
	'[(m["from"], m["text"]) for m in j["messages"]] == [("'"$ALICE"'", "hello Bob, from Alice")]'
APHRASE=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["phrase"])' "$H/a.json")
cli alice2 account restore --phrase "$APHRASE" >/dev/null
cli alice2 --json receive >"$H/r3"
expect "Alice's second device gets her copy from her own swarm" "$H/r3" \
	'[(m["from"], m["text"]) for m in j["messages"]] == [("'"$ALICE"'", "hello Bob, from Alice")]'
expect "... as a sync copy naming Bob (DataMessage.syncTarget), sent at the original's time" "$H/r3" \
	'[m.get("sync_target") for m in j["messages"]] == ["'"$BOB"'"] and [m["sent"] for m in j["messages"]] == [m["sent"] for m in json.load(open("'"$H/r1"'"))["messages"]]'

# Session's wire form, checked against the independent builder (tests/tools/msg_reference.py:
# hand-written protobuf, PyNaCl): what snode-cli stored opens there, and what it seals opens
# in snode-cli.
REF="$PY $ROOT/tests/tools/msg_reference.py"
redis-cli -s "$DIR/node0/redis.sock" --raw HGET "sn1:m:$BOB:$HASH" d | head -c -1 | base64 -w0 >"$H/stored.b64"
$REF session-wire-open "$(cat "$H"/bob/accounts/*/seed)" "$(cat "$H/stored.b64")" >"$H/ref1" 2>&1
expect "the stored data is Session's (WebSocketMessage, Envelope, Content): the reference opens it" \
	"$H/ref1" 'j["from"] == "'"$ALICE"'" and j["text"] == "hello Bob, from Alice" and j["sync_target"] is None'
COPY=$(jx "$H/s1" 'j["copy_hash"]')
redis-cli -s "$DIR/node0/redis.sock" --raw HGET "sn1:m:$ALICE:$COPY" d | head -c -1 | base64 -w0 >"$H/copy.b64"
$REF session-wire-open "$(cat "$H"/alice/accounts/*/seed)" "$(cat "$H/copy.b64")" >"$H/ref1c" 2>&1
expect "... and Alice's sync copy: syncTarget Bob" "$H/ref1c" \
	'j["from"] == "'"$ALICE"'" and j["sync_target"] == "'"$BOB"'"'
cli dave --json account create >"$H/d.json"
DAVE=$(jx "$H/d.json" 'j["session_id"]')
CSEED=$($PY -c 'import os; print(os.urandom(32).hex())')
REFDATA=$($REF session-wire-seal "$CSEED" "$DAVE" "hello Dave, from the reference" "$(date +%s%3N)" 99)
$PY "$ROOT/tests/tools/http_onion_client.py" --testnet "$DIR" --tls --path 0,1,2 store \
	--seed "$CSEED" --to "$DAVE" --data-b64 "$REFDATA" >"$H/ref2" 2>&1
cli dave --json receive >"$H/r8"
expect "a message sealed by the reference reaches Dave's snode-cli" "$H/r8" \
	'[m["text"] for m in j["messages"]] == ["hello Dave, from the reference"] and j["undecryptable"] == 0'
# receive --new: only what came after the last `receive --new` (retrieve's last_hash).
cli dave --json receive --new >"$H/n1"
cli dave --json receive --new >"$H/n2"
cli alice --json send --to "$DAVE" --text "one more for Dave" >"$H/n3" 2>&1
cli dave --json receive --new >"$H/n4"
expect "receive --new: first everything, then nothing, then only the newer message" "$H/n4" \
	'[m["text"] for m in j["messages"]] == ["one more for Dave"] and [m["text"] for m in json.load(open("'"$H/n1"'"))["messages"]] == ["hello Dave, from the reference"] and json.load(open("'"$H/n2"'"))["messages"] == []'

# A long message: the request takes CREATE + DATA cells, the reply several REPLY cells.
LONG=$(head -c 6000 /dev/urandom | base64 -w0)
cli bob --json send --to "$ALICE" --text "$LONG" >"$H/s2" 2>&1
cli alice --json receive >"$H/r4"
expect "a 8,000-character message (DATA cells) arrives whole" "$H/r4" \
	'[m["text"] for m in j["messages"] if m["from"] == "'"$BOB"'"] == ["'"$LONG"'"]'

cli bob --json expire --hash "$HASH" --ttl 600 >"$H/e1"
expect "expire sets the message's expiry (every member answers)" "$H/e1" \
	'j["updated"] == ["'"$HASH"'"]'
cli bob --json receive >"$H/r6"
expect "the new expiry is what retrieve reports" "$H/r6" \
	'[m["expiration"] for m in j["messages"] if m["hash"] == "'"$HASH"'"] == [json.load(open("'"$H/e1"'"))["expiry"]]'
cli bob --json delete --hash "$HASH" >"$H/d1"
expect "delete removes it" "$H/d1" 'j["deleted"] == ["'"$HASH"'"]'
cli bob2 --json receive >"$H/r7"
expect "and no device sees it any more (Bob's copy of his own message is left)" "$H/r7" \
	'[m["from"] for m in j["messages"]] == ["'"$BOB"'"]'
cli alice --json delete-all --all-namespaces >"$H/d2"
expect "delete-all removes Alice's messages (her copies of what she sent Bob and Dave, Bob's long one)" "$H/d2" 'len(j["deleted"]) == 3'
left=0
for i in $(seq 0 $((N - 1))); do
	left=$((left + $(redis-cli -s "$DIR/node$i/redis.sock" --scan --pattern "sn1:m:$ALICE:*" | wc -l)))
done
check "no node's Redis holds a message of Alice any more ($left)" test "$left" -eq 0
out=$(SNODE_CLI_CLOCK_SKEW_MS=600000 cli bob receive 2>&1)
rc=$?
check "a clock 10 minutes fast: exit 6, clock-skew error ($rc)" \
	sh -c '[ "$1" -eq 6 ] && printf "%s" "$2" | grep -q "clock-skew"' _ "$rc" "$out"

# A dead node: node 1's dataplane stopped. A path through it times out (or cannot be sent
# when it is the entry); the client retries around it.
ED() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"][:16])' "$DIR/node$1/id.json"; }
kill "$(cat "$DIR/node1/dataplane.pid")"
sleep 0.5
cli carol account create >/dev/null
cli carol --json --timeout 2000 --verbose --first-path "$(ED 2),$(ED 1),$(ED 0)" receive >"$H/r8" 2>"$H/r8.err"
expect "node 1 dead in the middle of the first path: the client retries on another path" "$H/r8" \
	'j["attempts"] >= 2 and j["messages"] == []'
check "the trace shows the timeout, then the answer" \
	sh -c 'grep -q "^attempt 1: path $1 $2 $3: no complete reply in 2000 ms" "$4" && grep -q "answered" "$4"' \
	_ "$(ED 2)" "$(ED 1)" "$(ED 0)" "$H/r8.err"
cli carol --json --verbose --first-path "$(ED 1),$(ED 2),$(ED 0)" receive >"$H/r9" 2>"$H/r9.err"
expect "node 1 dead as the entry (its address unreachable): retried too" "$H/r9" 'j["attempts"] >= 2'
out=$(cli carol --timeout 1500 --attempts 1 --first-path "$(ED 2),$(ED 1),$(ED 0)" receive 2>&1)
rc=$?
check "one attempt through the dead node: exit 5, a timeout error ($rc)" \
	sh -c '[ "$1" -eq 5 ] && printf "%s" "$2" | grep -q "timeout"' _ "$rc" "$out"
tap_done
