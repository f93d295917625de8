#!/usr/bin/env bash
# snode-tool session-/group- encrypt and decrypt (tools/cmd_message.c), checked
# against the upstream libsession vector and against an independent PyNaCl
# implementation (tests/tools/msg_reference.py).
set -u
TOOL=$1
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
REF=$HERE/../tools/msg_reference.py
KAT=$HERE/../kat/session_encrypt.json

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
kat() { # kat FIELD: a field of the deterministic_one_to_one vector
	python3 -c 'import json,sys
v = [v for v in json.load(open(sys.argv[1]))["vectors"] if v["name"] == "deterministic_one_to_one"][0]
print(v[sys.argv[2]])' "$KAT" "$1"
}
b64() { printf '%s' "$1" | base64 -w0; }
hex2b64() { printf '%s' "$1" | xxd -r -p | base64 -w0; }
b642hex() { printf '%s' "$1" | base64 -d | xxd -p | tr -d '\n'; }

# expect_error CODE NAME CMD...: passes when CMD exits CODE with exactly one stderr line
# and nothing on stdout.
expect_error() {
	local code=$1 name=$2 rc err out
	shift 2
	out=$("$@" 2>/tmp/snode-msg-err.$$)
	rc=$?
	err=$(cat /tmp/snode-msg-err.$$)
	rm -f /tmp/snode-msg-err.$$
	if [ "$rc" -eq "$code" ] && [ -z "$out" ] && [ -n "$err" ] &&
		[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc, stdout: $out, stderr: $err"
	fi
}

S_SEED=$(kat sender_ed25519_seed)
R_SEED=$(kat recipient_ed25519_seed)
R_SID=$(kat recipient_session_id)
S_SID=$(kat sender_session_id)
S_PK=$(kat sender_ed25519_pubkey)
EXPECT=$(kat expected_ciphertext)
OTHER_SEED=$(printf '77%.0s' $(seq 32))

# --- one-to-one: upstream vector (libsession-util tests/test_session_encrypt.cpp) ---
out=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" \
	--data-b64 "$(b64 hello)" --deterministic)
check "session-encrypt --deterministic reproduces libsession's ciphertext" \
	test "$(b642hex "$(echo "$out" | json_field ciphertext_b64)")" = "$EXPECT"
check "session-encrypt reports the ciphertext length (149)" \
	test "$(echo "$out" | json_field length)" = 149
out=$("$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 "$(hex2b64 "$EXPECT")")
check "session-decrypt opens libsession's ciphertext" \
	test "$(echo "$out" | json_field data_b64)" = "$(b64 hello)"
check "session-decrypt names the sender's Session ID" \
	test "$(echo "$out" | json_field sender_session_id)" = "$S_SID"
check "session-decrypt names the sender's Ed25519 key" \
	test "$(echo "$out" | json_field sender_ed25519)" = "$S_PK"
r1=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" --data-b64 "$(b64 hi)" |
	json_field ciphertext_b64)
r2=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" --data-b64 "$(b64 hi)" |
	json_field ciphertext_b64)
check "session-encrypt without --deterministic differs each time" test "$r1" != "$r2"
expect_error 1 "session-decrypt with the wrong key fails" \
	"$TOOL" session-decrypt --recipient-seed "$OTHER_SEED" --data-b64 "$(hex2b64 "$EXPECT")"
expect_error 1 "session-decrypt of a truncated ciphertext fails" \
	"$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 "$(hex2b64 "${EXPECT:0:286}")"

# --- padding ---
MSG=$(b64 "a Content protobuf stand-in")
out=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" --data-b64 "$MSG" \
	--pad | json_field ciphertext_b64)
check "session-encrypt --pad gives 159 + 144 bytes" \
	test "$(printf '%s' "$out" | base64 -d | wc -c)" = 303
check "session-decrypt --unpad returns the original" test "$("$TOOL" session-decrypt \
	--recipient-seed "$R_SEED" --data-b64 "$out" --unpad | json_field data_b64)" = "$MSG"
unpadded_fail=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" \
	--data-b64 "$(b64 abc)" | json_field ciphertext_b64)
expect_error 1 "session-decrypt --unpad of an unpadded message fails" \
	"$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 "$unpadded_fail" --unpad

# --- one-to-one against PyNaCl ---
if /usr/bin/python3 -c 'import nacl' 2>/dev/null; then
	ct=$("$REF" session-seal "$S_SEED" "$R_SID" "$MSG")
	out=$("$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 "$ct")
	check "session-decrypt opens a PyNaCl sealed box" \
		test "$(echo "$out" | json_field data_b64)" = "$MSG"
	check "... and reports the PyNaCl sender" \
		test "$(echo "$out" | json_field sender_session_id)" = "$S_SID"
	ours=$("$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID" \
		--data-b64 "$MSG" --pad | json_field ciphertext_b64)
	check "PyNaCl opens and verifies session-encrypt --pad output" test \
		"$("$REF" session-open "$R_SEED" "$ours" | json_field data_b64)" = "$("$REF" session-pad "$MSG")"
else
	tap_result ok "PyNaCl cross-checks # SKIP python3-nacl not installed"
fi

# --- groups v2 ---
A_SEED=$S_SEED
K0=$(printf '%02x' $(seq 0 31))
K1=$(printf '%02x' $(seq 64 95))
NONCE=00112233445566778899aabbccddeeff00ffeeddccbbaa99
G=$(b64 "hello group")
out=$("$TOOL" group-encrypt --author-seed "$A_SEED" --key "$K0" --nonce "$NONCE" --data-b64 "$G")
gct=$(echo "$out" | json_field ciphertext_b64)
check "group-encrypt pads to 256 bytes" test "$(echo "$out" | json_field length)" = 256
out=$("$TOOL" group-decrypt --key "$K1" --key "$K0" --data-b64 "$gct")
check "group-decrypt tries each key and reports which opened it" \
	test "$(echo "$out" | json_field key_index)" = 1
check "group-decrypt returns the data" test "$(echo "$out" | json_field data_b64)" = "$G"
check "group-decrypt names the author" \
	test "$(echo "$out" | json_field author_session_id)" = "$S_SID"
if /usr/bin/python3 -c 'import nacl' 2>/dev/null; then
	check "group-encrypt --nonce equals PyNaCl's construction byte for byte" \
		test "$gct" = "$("$REF" group-seal "$A_SEED" "$K0" "$NONCE" "$G")"
	rnd=$("$TOOL" group-encrypt --author-seed "$A_SEED" --key "$K0" --data-b64 "$G" |
		json_field ciphertext_b64)
	check "PyNaCl opens and verifies group-encrypt output" \
		test "$("$REF" group-open "$K0" "$rnd" | json_field data_b64)" = "$G"
else
	tap_result ok "PyNaCl group cross-checks # SKIP python3-nacl not installed"
fi
expect_error 1 "group-decrypt with no matching key fails" \
	"$TOOL" group-decrypt --key "$K1" --data-b64 "$gct"
expect_error 1 "group-encrypt of empty data fails" \
	"$TOOL" group-encrypt --author-seed "$A_SEED" --key "$K0" --data-b64 ""

# --- docs/direct-messages.md: the printed vector is the one PyNaCl computes ---
if /usr/bin/python3 -c 'import nacl' 2>/dev/null; then
	doc=$(sed -n '/^## Test vector/,$p' "$HERE/../../docs/direct-messages.md" |
		sed -n '/^```$/,/^```$/p' | grep -v '^```' | tr -d '\n')
	check "docs/direct-messages.md vector matches msg_reference.py" \
		test "$doc" = "$("$REF" direct-vector)"
else
	tap_result ok "DIRECT doc vector # SKIP python3-nacl not installed"
fi

# --- command-line errors ---
expect_error 2 "session-encrypt without --data-b64 is a usage error" \
	"$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "$R_SID"
expect_error 2 "session-encrypt with a recipient lacking 05 is a usage error" \
	"$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "06${R_SID:2}" --data-b64 "$G"
expect_error 2 "session-encrypt with a 64-hex recipient is a usage error" \
	"$TOOL" session-encrypt --sender-seed "$S_SEED" --recipient "${R_SID:2}" --data-b64 "$G"
expect_error 2 "session-encrypt with a short seed is a usage error" \
	"$TOOL" session-encrypt --sender-seed abcd --recipient "$R_SID" --data-b64 "$G"
expect_error 2 "session-decrypt with bad base64 is a usage error" \
	"$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 'not*base64'
expect_error 2 "session-decrypt with an unknown option is a usage error" \
	"$TOOL" session-decrypt --recipient-seed "$R_SEED" --data-b64 "$G" --frob
expect_error 2 "group-encrypt with two keys is a usage error" \
	"$TOOL" group-encrypt --author-seed "$A_SEED" --key "$K0" --key "$K1" --data-b64 "$G"
expect_error 2 "group-encrypt with a short nonce is a usage error" \
	"$TOOL" group-encrypt --author-seed "$A_SEED" --key "$K0" --nonce 0011 --data-b64 "$G"
expect_error 2 "group-decrypt without --key is a usage error" \
	"$TOOL" group-decrypt --data-b64 "$gct"
check "session-encrypt --help prints usage and exits 0" \
	bash -c "'$TOOL' session-encrypt --help | grep -q -- --recipient"
check "help lists the message commands" \
	bash -c "'$TOOL' help | grep -q session-decrypt && '$TOOL' help | grep -q group-encrypt"
tap_done
