#!/usr/bin/env bash
# Onion interoperability between snode (snode-tool onion-*) and an independent
# builder written from the facts doc alone (tests/tools/onion_builder.py, on
# PyNaCl + python3-cryptography): each peels what the other builds, replies
# open on the other side, for aes-gcm, xchacha20 and (decrypt only) aes-cbc.
set -u
TOOL=$1
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
PY=/usr/bin/python3 # Debian's python, which has python3-nacl and python3-cryptography
REF="$PY $HERE/../tools/onion_builder.py"

field() { $PY -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[k]
print(v)' "$1"; }
b64() { printf '%s' "$1" | base64 -w0; }
rand32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
x25519_pub() { $PY -c 'import sys,nacl.bindings as b; print(b.crypto_scalarmult_base(bytes.fromhex(sys.argv[1])).hex())' "$1"; }

declare -a SK PK ED
for i in 0 1 2 3; do
	SK[i]=$(rand32)
	PK[i]=$(x25519_pub "${SK[i]}")
	ED[i]=$(rand32)
done
BODY='{"method":"retrieve","params":{"pubkey":"05aa"}}'

for enc in aes-gcm xchacha20; do
	# Python builds, snode peels hop by hop.
	built=$($REF build --enc-type $enc --relay "${PK[0]}:${ED[0]}" --relay "${PK[1]}:${ED[1]}" \
		--relay "${PK[2]}:${ED[2]}" --dest "${PK[3]}:${ED[3]}" --body-b64 "$(b64 "$BODY")")
	out=$("$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 "$(field payload_b64 <<<"$built")")
	ok=1
	for i in 1 2 3; do
		[ "$(field route.kind <<<"$out")" = relay ] || ok=0
		[ "$(field route.destination <<<"$out")" = "${ED[i]}" ] || ok=0
		out=$("$TOOL" onion-peel --node-x25519-sk "${SK[i]}" --enc-type $enc \
			--ephemeral-key "$(field route.ephemeral_key <<<"$out")" \
			--blob-b64 "$(field blob_b64 <<<"$out")") || ok=0
	done
	check "$enc: snode peels a 3-relay onion built by the reference, each hop names the next" \
		test $ok -eq 1
	check "$enc: the destination sees a destination route and the request body" \
		test "$(field route.kind <<<"$out") $(field blob_b64 <<<"$out" | base64 -d)" = \
		"destination $BODY"
	reply=$("$TOOL" onion-reply-seal --enc-type $enc --key "$(field hop_key <<<"$out")" \
		--data-b64 "$(b64 '{"status":200,"body":"ok"}')")
	opened=$($REF open --enc-type $enc --key "$(field dest_key <<<"$built")" \
		--data-b64 "$(field ciphertext_b64 <<<"$reply")" 2>&1)
	check "$enc: the reference client opens snode's reply" \
		test "$(field plaintext_b64 <<<"$opened" | base64 -d)" = '{"status":200,"body":"ok"}'

	# snode builds, Python peels hop by hop.
	built=$("$TOOL" onion-build --enc-type $enc --relay "${PK[0]}:${ED[0]}" \
		--relay "${PK[1]}:${ED[1]}" --relay "${PK[2]}:${ED[2]}" --dest "${PK[3]}:${ED[3]}" \
		--body-b64 "$(b64 "$BODY")")
	out=$($REF peel --node-sk "${SK[0]}" --entry-b64 "$(field payload_b64 <<<"$built")")
	ok=1
	for i in 1 2 3; do
		[ "$(field json.destination <<<"$out")" = "${ED[i]}" ] || ok=0
		out=$($REF peel --node-sk "${SK[i]}" --enc-type $enc \
			--eph "$(field json.ephemeral_key <<<"$out")" --blob-b64 "$(field blob_b64 <<<"$out")") || ok=0
	done
	check "$enc: the reference peels a 3-relay onion built by snode" test $ok -eq 1
	check "$enc: the reference destination gets the body" \
		test "$(field kind <<<"$out") $(field blob_b64 <<<"$out" | base64 -d)" = "destination $BODY"
	reply=$($REF seal --enc-type $enc --key "$(field hop_key <<<"$out")" --data-b64 "$(b64 pong)")
	opened=$("$TOOL" onion-reply-open --enc-type $enc --key "$(field dest_key <<<"$built")" \
		--data-b64 "$(field ciphertext_b64 <<<"$reply")")
	check "$enc: snode opens the reference destination's reply" \
		test "$(field plaintext_b64 <<<"$opened" | base64 -d)" = pong
done

# Legacy aes-cbc: snode decrypts layers the reference encrypts (no integrity: padding only).
layer=$($REF layer --enc-type aes-cbc --node-pk "${PK[0]}" --data-b64 "$(b64 "cbc legacy layer")")
out=$("$TOOL" onion-decrypt --enc-type aes-cbc --node-x25519-sk "${SK[0]}" \
	--ephemeral-key "$(field ephemeral_key <<<"$layer")" --data-b64 "$(field ciphertext_b64 <<<"$layer")")
check "aes-cbc: snode decrypts a reference layer" \
	test "$(field plaintext_b64 <<<"$out" | base64 -d)" = "cbc legacy layer"
check "aes-cbc: snode derives the same hop key (the raw shared secret)" \
	test "$(field hop_key <<<"$out")" = "$(field hop_key <<<"$layer")"

# Server destination through an exit.
built=$($REF build --relay "${PK[0]}:${ED[0]}" --relay "${PK[1]}:${ED[1]}" \
	--dest "${PK[3]}:${ED[3]}" --server "files.test,/oxen/v4/lsrpc,https,443" --body-b64 "$(b64 l3:abce)")
out=$("$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 "$(field payload_b64 <<<"$built")")
out=$("$TOOL" onion-peel --node-x25519-sk "${SK[1]}" --enc-type aes-gcm \
	--ephemeral-key "$(field route.ephemeral_key <<<"$out")" --blob-b64 "$(field blob_b64 <<<"$out")")
check "the exit sees a proxy route to the named server" \
	test "$(field route.kind <<<"$out") $(field route.host <<<"$out") $(field route.target <<<"$out") $(field route.target_allowed <<<"$out")" = \
	"proxy files.test /oxen/v4/lsrpc True"

# Bad input: one line on stderr, exit 1, Session's texts.
entry=$($REF build --relay "${PK[0]}:${ED[0]}" --dest "${PK[3]}:${ED[3]}" --body-b64 "$(b64 x)")
bad=$(field payload_b64 <<<"$entry" | base64 -d | $PY -c 'import sys; b=bytearray(sys.stdin.buffer.read()); b[20]^=1; sys.stdout.buffer.write(b)' | base64 -w0)
err=$("$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 "$bad" 2>&1 >/dev/null)
check "a flipped byte gives 'Invalid ciphertext' and exit 1" \
	test "$?:$err" = "1:snode-tool onion-peel: Invalid ciphertext"
err=$("$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 "$(b64 $'\x05\x00\x00\x00abcde{"x":1}')" 2>&1 >/dev/null)
check "an entry without ephemeral_key is a parse error" grep -q 'Error parsing onion request' <<<"$err"
err=$("$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 "$(b64 $'\xff\x00\x00\x00abc')" 2>&1 >/dev/null)
check "a length prefix past the end is a parse error" grep -q 'bad combined payload' <<<"$err"
"$TOOL" onion-peel --node-x25519-sk "${SK[0]}" --entry-b64 '!!notbase64' >/dev/null 2>&1
check "bad base64 exits 1" test $? -eq 1
"$TOOL" onion-decrypt --enc-type rot13 --node-x25519-sk "${SK[0]}" >/dev/null 2>&1
check "an unknown enc_type is a usage error (exit 2)" test $? -eq 2
tap_done
