#!/usr/bin/env bash
# snode-cli with two swarms: a 14-node testnet (swarms of 7). The client computes the
# recipient's swarm from the registry; a first path forced to end at a node of the other swarm
# gets 421, the client takes the swarm from the 421 body and the retry stores the message in
# the right swarm (all 7 members, none of the others). Needs root (netns, tap): else skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
N=14
tn_require_root
tn_up cli2 $N
export SNODE_CLI_REGISTRY="$DIR/registry"
cli() { local home=$1; shift; ip netns exec "$NS" "${SNODE_CLI_BIN:-$BUILD/client/cli/snode-cli}" --home "$H/$home" --timeout 10000 "$@"; }
jx() { $PY -c 'import json,sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1; }
expect() { # expect NAME FILE EXPR
	local got
	got=$(jx "$2" "$3")
	if [ "$got" = True ]; then tap_result ok "$1"; else tap_result not-ok "$1" "$3 -> $got: $(cat "$2")"; fi
}
ED() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node$1/id.json"; }

cli alice account create >/dev/null
cli bob --json account create >"$H/b.json"
BOB=$(jx "$H/b.json" 'j["session_id"]')
cli alice --json send --to "$BOB" --text "first" >"$H/s1" 2>&1
expect "a message to Bob is stored by the 7 members of his swarm" "$H/s1" \
	'j["swarm_size"] == 7 and len(j["stored_by"]) == 7'
# A node of the other swarm as the destination of the first path: one not among the members
# that stored Bob's message (Alice's copy may be stored in either swarm: not that list).
jx "$H/s1" '"\n".join(j["stored_by"])' >"$H/bob_swarm"
OTHER=""
for i in $(seq 0 $((N - 1))); do
	e=$(ED "$i")
	if ! grep -qx "$e" "$H/bob_swarm"; then OTHER=$i; break; fi
done
check "some node is outside Bob's swarm (node $OTHER)" test -n "$OTHER"
A=$(( (OTHER + 1) % N )); B=$(( (OTHER + 2) % N ))
cli alice --json --verbose --first-path "$(ED $A | cut -c1-16),$(ED $B | cut -c1-16),$(ED "$OTHER" | cut -c1-16)" \
	send --to "$BOB" --text "second" >"$H/s2" 2>"$H/s2.err"
check "the first attempt meets a node of the other swarm: 421" \
	grep -q "^attempt 1: path .*$(ED "$OTHER" | cut -c1-16): 421, swarm updated" "$H/s2.err"
expect "the retry stores the message in Bob's swarm, all 7 members" "$H/s2" \
	'j["attempts"] == 2 and sorted(j["stored_by"]) == sorted(json.load(open("'"$H/s1"'"))["stored_by"])'
cli bob --json receive >"$H/r1"
expect "Bob receives both messages" "$H/r1" '[m["text"] for m in j["messages"]] == ["first", "second"]'
tap_done
