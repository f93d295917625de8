#!/usr/bin/env bash
# snode-tool msg-hash, swarm-point, closest-swarm, verify-storage-sig, subaccount-check,
# blind15-id, blind25-id (tools/cmd_account.c) against the upstream vectors in tests/kat.
set -u
TOOL=$1
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
KAT=$HERE/../kat
DIR=$(mktemp -d /tmp/snode-test-account.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
kat() { python3 -c "import json,sys; d=json.load(open('$KAT/'+sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# expect_error CODE NAME CMD...: passes when CMD exits CODE and writes exactly one stderr line.
expect_error() {
	local code=$1 name=$2 rc err
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		[ -n "$err" ]; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc, stderr: $err"
	fi
}

# --- msg-hash: SS unit_test/service_node.cpp vector (tests/kat/message_hash.json)
PK=$(kat message_hash.json "d['vectors'][0]['pubkey']")
DATA=$(kat message_hash.json "d['vectors'][0]['data_b64']")
WANT=$(kat message_hash.json "d['vectors'][0]['expected_hash_b64']")
check "msg-hash reproduces the upstream hash" \
	test "$("$TOOL" msg-hash --pubkey "$PK" --namespace 0 --data-b64 "$DATA" | json_field hash)" = "$WANT"
check "msg-hash: namespace defaults to 0" \
	test "$("$TOOL" msg-hash --pubkey "$PK" --data-b64 "$DATA" | json_field hash)" = "$WANT"
check "msg-hash: another namespace gives another hash" \
	test "$("$TOOL" msg-hash --pubkey "$PK" --namespace -10 --data-b64 "$DATA" | json_field hash)" != "$WANT"
check "msg-hash: namespace 32767 is accepted" "$TOOL" msg-hash --pubkey "$PK" --namespace 32767 --data-b64 ""
expect_error 2 "msg-hash: namespace 32768 is a usage error" \
	"$TOOL" msg-hash --pubkey "$PK" --namespace 32768 --data-b64 ""
expect_error 2 "msg-hash: a 64-digit pubkey is refused on mainnet" \
	"$TOOL" msg-hash --pubkey "${PK:2}" --data-b64 ""
check "msg-hash: a 64-digit pubkey is a 05 ID on testnet" \
	test "$("$TOOL" msg-hash --testnet --pubkey "${PK:2}" --data-b64 "$DATA" | json_field hash)" = "$WANT"
expect_error 1 "msg-hash: bad base64 fails" "$TOOL" msg-hash --pubkey "$PK" --data-b64 "@@@@"
expect_error 2 "msg-hash: missing --data-b64 is a usage error" "$TOOL" msg-hash --pubkey "$PK"

# --- swarm-point / closest-swarm: oxen-storage-server unit_test/swarm.cpp (swarm_closest.json)
check "swarm-point: every upstream point" python3 - "$TOOL" "$KAT" <<'PY'
import json, subprocess, sys
tool, kat = sys.argv[1], sys.argv[2]
d = json.load(open(kat + '/swarm_closest.json'))
for v in d['pubkey_to_swarm_space']['vectors']:
    out = json.loads(subprocess.check_output([tool, 'swarm-point', '--pubkey', v['pubkey']]))
    assert int(out['point']) == v['expected_space'], v
    assert int(out['point_hex'], 16) == v['expected_space'], v
PY
check "closest-swarm: all 32 upstream cases (hex ids too)" python3 - "$TOOL" "$KAT" <<'PY'
import json, subprocess, sys
tool, kat = sys.argv[1], sys.argv[2]
d = json.load(open(kat + '/swarm_closest.json'))
for i, v in enumerate(d['vectors']):
    ids = [str(x) if i % 2 else hex(x) for x in reversed(v['swarm_ids'])]
    out = json.loads(subprocess.check_output(
        [tool, 'closest-swarm', '--pubkey', v['pubkey'], '--swarms', ','.join(ids)]))
    assert int(out['swarm']) == v['expected_swarm'], (v, out)
    assert int(out['point']) == v['swarm_space'], (v, out)
assert len(d['vectors']) == 32
PY
expect_error 2 "closest-swarm: duplicate ids are a usage error" \
	"$TOOL" closest-swarm --pubkey "$PK" --swarms 1,1
expect_error 2 "closest-swarm: 2^64-1 is not a swarm id" \
	"$TOOL" closest-swarm --pubkey "$PK" --swarms 18446744073709551615
expect_error 2 "closest-swarm: a negative id is a usage error" \
	"$TOOL" closest-swarm --pubkey "$PK" --swarms 5,-3
check "closest-swarm: 2^64-2 is the largest id" \
	"$TOOL" closest-swarm --pubkey "$PK" --swarms 18446744073709551614

# --- verify-storage-sig: libsession-util test_group_keys.cpp subaccount vector (signatures.json)
python3 - "$KAT" "$DIR" <<'PY'
import json, sys
kat, d = sys.argv[1], sys.argv[2]
v = [x for x in json.load(open(kat + '/signatures.json'))['vectors']
     if x['name'] == 'group_subaccount_retrieve'][0]
req = {"method": "retrieve", "params": {
    "pubkey": v['group_id'], "namespace": 999, "timestamp": 1693340111000,
    "subaccount": v['subaccount_b64'], "subaccount_sig": v['subaccount_sig_b64'],
    "signature": v['signature_b64']}}
json.dump(req, open(d + '/ok.json', 'w'))
bad = json.loads(json.dumps(req)); bad['params']['timestamp'] += 1
json.dump(bad, open(d + '/badts.json', 'w'))
bad = json.loads(json.dumps(req)); bad['method'] = 'delete_all'
json.dump(bad, open(d + '/perm.json', 'w'))
bad = json.loads(json.dumps(req)); bad['params']['pubkey_ed25519'] = v['group_ed25519_pubkey']
json.dump(bad, open(d + '/ed.json', 'w'))
bad = json.loads(json.dumps(req)); del bad['params']['subaccount_sig']
json.dump(bad, open(d + '/nosig.json', 'w'))
open(d + '/sub.hex', 'w').write(v['subaccount'])
open(d + '/subsig.hex', 'w').write(v['subaccount_sig'])
PY
out=$("$TOOL" verify-storage-sig --request "$DIR/ok.json")
check "verify-storage-sig accepts the upstream subaccount request" \
	test "$(echo "$out" | json_field valid)" = True
check "verify-storage-sig signs 'retrieve' || '999' || timestamp" \
	test "$(echo "$out" | json_field message_hex)" = "$(printf 'retrieve9991693340111000' | od -An -tx1 | tr -d ' \n')"
check "verify-storage-sig reads the request from stdin" \
	bash -c "'$TOOL' verify-storage-sig --request - <'$DIR/ok.json' | grep -q '\"valid\":true'"
expect_error 1 "verify-storage-sig: another timestamp fails" \
	"$TOOL" verify-storage-sig --request "$DIR/badts.json"
check "verify-storage-sig: the failure is a 401" \
	bash -c "'$TOOL' verify-storage-sig --request '$DIR/badts.json' 2>&1 | grep -q ': 401 '"
expect_error 1 "verify-storage-sig: a read/write token cannot delete_all" \
	"$TOOL" verify-storage-sig --request "$DIR/perm.json"
check "verify-storage-sig: pubkey_ed25519 on a 03 account is a 400" \
	bash -c "'$TOOL' verify-storage-sig --request '$DIR/ed.json' 2>&1 | grep -q ': 400 '"
expect_error 1 "verify-storage-sig: subaccount without subaccount_sig fails" \
	"$TOOL" verify-storage-sig --request "$DIR/nosig.json"
echo '{"method":"store","params":{"pubkey":"'"$PK"'","timestamp":1693340111000,"ttl":86400000,"data":""}}' >"$DIR/pub.json"
check "verify-storage-sig: an unsigned store to namespace 0 is allowed" \
	bash -c "'$TOOL' verify-storage-sig --request '$DIR/pub.json' | grep -q '\"signed\":false'"
echo '{"method":"store","params":{"pubkey":"'"$PK"'","namespace":3,"timestamp":1693340111000,"ttl":86400000,"data":""}}' >"$DIR/priv.json"
expect_error 1 "verify-storage-sig: an unsigned store to namespace 3 fails" \
	"$TOOL" verify-storage-sig --request "$DIR/priv.json"
echo '{"method":"retrieve","params":{' >"$DIR/broken.json"
expect_error 1 "verify-storage-sig: broken JSON fails" "$TOOL" verify-storage-sig --request "$DIR/broken.json"
expect_error 1 "verify-storage-sig: a missing file fails" "$TOOL" verify-storage-sig --request "$DIR/none.json"
expect_error 2 "verify-storage-sig: --request is required" "$TOOL" verify-storage-sig

# --- subaccount-check
GROUP=$(kat signatures.json "[x for x in d['vectors'] if x['name']=='group_subaccount_retrieve'][0]['group_id']")
check "subaccount-check: the upstream token grants read+write" \
	bash -c "'$TOOL' subaccount-check --pubkey $GROUP --subaccount $(cat "$DIR/sub.hex") --subaccount-sig $(cat "$DIR/subsig.hex") --require r,w | grep -q '\"write\":true'"
expect_error 1 "subaccount-check: the token cannot delete" \
	"$TOOL" subaccount-check --pubkey "$GROUP" --subaccount "$(cat "$DIR/sub.hex")" \
	--subaccount-sig "$(cat "$DIR/subsig.hex")" --require d
expect_error 1 "subaccount-check: not valid for another netid" \
	"$TOOL" subaccount-check --pubkey "05${GROUP:2}" --subaccount "$(cat "$DIR/sub.hex")" \
	--subaccount-sig "$(cat "$DIR/subsig.hex")"
expect_error 2 "subaccount-check: a short token is a usage error" \
	"$TOOL" subaccount-check --pubkey "$GROUP" --subaccount abcd --subaccount-sig "$(cat "$DIR/subsig.hex")"

# --- blind15-id / blind25-id: libsession-util test_blinding.cpp (blinding.json)
check "blind25-id and blind15-id: every upstream ID" python3 - "$TOOL" "$KAT" <<'PY'
import json, subprocess, sys
tool, kat = sys.argv[1], sys.argv[2]
n = 0
for v in json.load(open(kat + '/blinding.json'))['vectors']:
    if v['kind'] not in ('blind15_id', 'blind25_id'):
        continue
    cmd = 'blind15-id' if v['kind'] == 'blind15_id' else 'blind25-id'
    out = json.loads(subprocess.check_output(
        [tool, cmd, '--session-id', v['session_id'], '--server-pk', v['server_pk']]))
    assert out['blinded_id'] == v['expected_blinded_id'], (v, out)
    n += 1
assert n == 5
PY
expect_error 2 "blind25-id: a 03 ID is a usage error" \
	"$TOOL" blind25-id --session-id "03${PK:2}" --server-pk "${PK:2}"
expect_error 2 "blind15-id: a short server key is a usage error" \
	"$TOOL" blind15-id --session-id "$PK" --server-pk abcd
check "help lists the account commands" \
	bash -c "'$TOOL' help | grep -q verify-storage-sig && '$TOOL' help | grep -q blind25-id"
tap_done
