#!/usr/bin/env bash
# snode-cli groups on a local testnet of 3 nodes: Alice creates a group of 3 (Bob, Carol):
# each gets its invitation (subaccount auth data and the group key) as a one-to-one Session
# message and joins; all three send and read group messages (namespace 11 of the group's 03
# account, stored with the subaccount token); Alice removes Carol: her token is revoked on
# every node and the key rotated; Bob gets the new key (an invitation from Dave to his own
# group also named G, at a higher generation, does not shadow it) and reads the new messages, Carol's
# retrieve and store are refused (401) and her old keys do not open the new message
# (its ciphertext taken from a node's Redis, opened with snode-tool group-decrypt).
# Needs root (netns, tap): otherwise skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
tn_up clig 3
export SNODE_CLI_REGISTRY="$DIR/registry"
cli() { local home=$1; shift; ip netns exec "$NS" "${SNODE_CLI_BIN:-$BUILD/client/cli/snode-cli}" --home "$H/$home" --timeout 10000 "$@"; }
jtrue() { [ "$($PY -c 'import json,sys; j = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>&1)" = True ]; }
sid() { cli "$1" --json account show | $PY -c 'import json,sys; print(json.load(sys.stdin)["session_id"])'; }
texts() { $PY -c 'import json,sys; print(sorted(m["text"] for m in json.loads(sys.argv[1])["messages"]))' "$1" 2>&1; }

for p in alice bob carol; do cli $p account create >/dev/null; done
BOB=$(sid bob)
CAROL=$(sid carol)

out=$(cli alice --json group create --group G --member "$BOB" --member "$CAROL" 2>&1)
check "alice creates G of 3: 2 invitations sent, generation 0" \
	jtrue "$out" 'j["result"] == "created" and len(j["members"]) == 3 and j["invitations"] == 2 and j["gen"] == 0 and j["is_admin"]'
GID=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out" 2>/dev/null)
check "the group file is 0600 and holds the seed" \
	sh -c "[ \"\$(stat -c %a '$H/alice/groups/G/group.json')\" = 600 ] && grep -q '\"seed\"' '$H/alice/groups/G/group.json'"
out=$(cli bob --json group join --group G 2>&1)
check "bob joins from his inbox: same id, 3 members, not admin" \
	jtrue "$out" "j['result'] == 'joined' and j['id'] == '$GID' and len(j['members']) == 3 and not j['is_admin']"
check "bob's file holds auth data, never the seed" \
	sh -c "grep -q '\"auth\"' '$H/bob/groups/G/group.json' && ! grep -q '\"seed\"' '$H/bob/groups/G/group.json'"
out=$(cli carol --json group join --group G 2>&1)
check "carol joins" jtrue "$out" "j['result'] == 'joined' and j['id'] == '$GID'"
out=$(cli carol --json group join --group G 2>&1)
check "joining again: up to date" jtrue "$out" "j['result'] == 'up to date'"

cli alice group send --group G --text "hello from alice" >/dev/null 2>&1
cli bob group send --group G --text "hello from bob" >/dev/null 2>&1
cli carol group send --group G --text "hello from carol" >/dev/null 2>&1
stored=0
for i in 0 1 2; do
	[ "$(redis-cli -s "$DIR/node$i/redis.sock" ZCARD "sn1:i:$GID:11")" = 3 ] && stored=$((stored + 1))
done
check "3 group messages in namespace 11 of the group's 03 id on all 3 nodes" test "$stored" = 3
for p in alice bob carol; do
	out=$(cli $p --json group receive --group G 2>&1)
	check "$p reads the 3 messages, every author a member" \
		jtrue "$out" 'sorted(m["text"] for m in j["messages"]) == ["hello from alice", "hello from bob", "hello from carol"] and all(m["member"] for m in j["messages"]) and j["undecryptable"] == 0'
done
out=$(cli bob --json group receive --group G 2>&1)
check "the authors are verified: bob's message is from bob" \
	jtrue "$out" "[m['from'] for m in j['messages'] if m['text'] == 'hello from bob'] == ['$BOB']"

cli bob group remove --group G --member "$CAROL" >"$H/out" 2>&1
rc=$?
check "bob (not the admin) cannot remove: exit 2" sh -c "[ $rc -eq 2 ]"
out=$(cli alice --json group remove --group G --member "$CAROL" 2>&1)
check "alice removes carol: 2 members, generation 1, 2 keys, 1 invitation" \
	jtrue "$out" 'j["gen"] == 1 and len(j["members"]) == 2 and j["keys"] == 2 and j["invitations"] == 1'
revoked=0
for i in 0 1 2; do
	[ "$(redis-cli -s "$DIR/node$i/redis.sock" ZCARD "sn1:r:$GID")" = 1 ] && revoked=$((revoked + 1))
done
check "carol's token is in the revocation list of all 3 nodes" test "$revoked" = 3
# Dave, another inviter, has his own group named G with Bob in it, at generation 2.
cli dave account create >/dev/null
ALICE=$(sid alice)
cli dave group create --group G --member "$BOB" --member "$CAROL" --member "$ALICE" >/dev/null 2>&1
cli dave group remove --group G --member "$CAROL" >/dev/null 2>&1
out=$(cli dave --json group remove --group G --member "$ALICE" 2>&1)
check "dave's own group G reaches generation 2" jtrue "$out" 'j["gen"] == 2'
out=$(cli bob --json group join --group G 2>&1)
check "bob takes alice's new key (generation 1), not dave's group" \
	jtrue "$out" "j['result'] == 'updated' and j['gen'] == 1 and j['keys'] == 2 and j['id'] == '$GID'"
out=$(cli alice --json group send --group G --text "after carol left" 2>&1)
NEWHASH=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["hash"])' "$out" 2>/dev/null)
# The stored ciphertext (node 0's Redis) opened with each one's keys (snode-tool group-decrypt).
redis-cli -s "$DIR/node0/redis.sock" --raw HGET "sn1:m:$GID:$NEWHASH" d | head -c -1 | base64 -w0 >"$H/new.b64"
keyargs() { $PY -c 'import json,sys; print(" ".join("--key " + k for k in json.load(open(sys.argv[1]))["keys"]))' "$H/$1/groups/G/group.json"; }
check "the new message's ciphertext is stored (node 0)" test -s "$H/new.b64"
check "... bob's keys open it" sh -c "'$BUILD/tools/snode-tool' group-decrypt $(keyargs bob) --data-b64 \"\$(cat '$H/new.b64')\" | grep -q 'key_index'"
check "... carol's keys do not (exit non-zero)" sh -c "! '$BUILD/tools/snode-tool' group-decrypt $(keyargs carol) --data-b64 \"\$(cat '$H/new.b64')\""
out=$(cli bob --json group receive --group G 2>&1)
check "bob reads the new message (new key) and the old ones (old key)" \
	jtrue "$out" '"after carol left" in [m["text"] for m in j["messages"]] and len(j["messages"]) == 4 and j["undecryptable"] == 0'
out=$(cli carol --json group join --group G 2>&1)
check "carol gets no new key (her join stays at generation 0)" \
	jtrue "$out" 'j["result"] == "up to date" and j["gen"] == 0'
cli carol group receive --group G >"$H/out" 2>&1
rc=$?
check "carol's retrieve is refused: exit 7 (revoked token)" sh -c "[ $rc -eq 7 ]"
cli carol group send --group G --text "still here?" >"$H/out" 2>&1
rc=$?
check "carol's store is refused: exit 7" sh -c "[ $rc -eq 7 ]"
tap_done
