#!/usr/bin/env bash
# snode-cli without a network: accounts (files, modes, recovery phrases with upstream known
# answers) and every input error that is caught before a request, with its exit code.
set -u
CLI=$1
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/tap.sh"
D=$(mktemp -d /tmp/snode-cli-offline.XXXXXX)
trap 'rm -rf "$D"' EXIT
PY=/usr/bin/python3
jget() { $PY -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# expect_exit NAME CODE TEXT CMD...: CMD exits CODE and says TEXT on stderr
expect_exit() {
	local name=$1 code=$2 text=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && printf '%s' "$out" | grep -q -- "$text"; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc (want $code): $out"
	fi
}

out=$("$CLI" --home "$D/a" --json account create --name alice)
SID=$(printf '%s' "$out" | jget session_id)
PHRASE=$(printf '%s' "$out" | jget phrase)
check "account create prints a Session ID (05 + 64 hex)" \
	$PY -c 'import re,sys; sys.exit(not re.fullmatch("05[0-9a-f]{64}", sys.argv[1]))' "$SID"
check "and a 13-word phrase" test "$(echo "$PHRASE" | wc -w)" -eq 13
check "the seed file is mode 0600, its directories 0700" test \
	"$(stat -c %a "$D/a/accounts/alice/seed") $(stat -c %a "$D/a/accounts/alice") $(stat -c %a "$D/a")" = "600 700 700"
check "the seed file holds 64 hex digits whose last 32 are zero (Session's 16-byte seeds)" \
	grep -qE '^[0-9a-f]{32}0{32}$' "$D/a/accounts/alice/seed"
got=$("$CLI" --home "$D/b" --json account restore --phrase "$PHRASE" | jget session_id)
check "account restore on another home gives the same Session ID" test "$got" = "$SID"
got=$(SNODE_CLI_HOME="$D/a" "$CLI" --account alice --json account show --show-phrase | jget phrase)
check "account show --show-phrase (home from SNODE_CLI_HOME) repeats the phrase" test "$got" = "$PHRASE"
got=$("$CLI" --home "$D/c" --json account restore --phrase \
	"puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger kiwi" --name p)
check "an upstream phrase restores the upstream account" test "$(printf '%s' "$got" | jget session_id)" = \
	"$("$CLI" --home "$D/c" --account p --json account show | jget session_id)"
S13=$(printf 'session %.0s' $(seq 13))
got=$("$CLI" --home "$D/c" --json account restore --phrase "$S13" --name s | jget session_id)
check "'session' x 13 is Session's 0512742f...4b12 (upstream known answer)" test \
	"$got" = 0512742fb4ac033a8a33f5776aa0e7e88f35f7af9f65dee31e57fbc7d6f8664b12

expect_exit "account create over an existing account: exit 3" 3 "already exists" \
	"$CLI" --home "$D/a" account create --name alice
check "and the account is unchanged" test \
	"$("$CLI" --home "$D/a" --account alice --json account show | jget session_id)" = "$SID"
# The checksum word is one of the first 12 and is compared by its 3-letter prefix: the
# replacement must differ from the real one (1 phrase in ~1,600 ends with "zoom").
case "${PHRASE##* }" in zoo*) WRONG=abbey ;; *) WRONG=zoom ;; esac
expect_exit "a phrase with a wrong checksum word: exit 3" 3 "checksum" \
	"$CLI" --home "$D/d" account restore --phrase "${PHRASE% *} $WRONG"
expect_exit "a phrase of 12 words: exit 3" 3 "13 words" \
	"$CLI" --home "$D/d" account restore --phrase "${PHRASE% *}"
expect_exit "a word not in the list: exit 3" 3 "word 2" \
	"$CLI" --home "$D/d" account restore --phrase "$(echo "$PHRASE" | awk '{$2="qqqq"; print}')"
expect_exit "unknown account: exit 3" 3 "unknown account 'bob'" \
	"$CLI" --home "$D/a" --account bob receive
expect_exit "bad account name: exit 2" 2 "bad account name" \
	"$CLI" --home "$D/a" account create --name ../x
expect_exit "bad Session ID: exit 2" 2 "bad Session ID" \
	"$CLI" --home "$D/a" --account alice send --to 05abc --text hi
expect_exit "a 03 (group) ID is not a Session ID: exit 2" 2 "bad Session ID" \
	"$CLI" --home "$D/a" --account alice send --to "03${SID#05}" --text hi
expect_exit "send without --text: exit 2" 2 "needs --to" \
	"$CLI" --home "$D/a" --account alice send --to "$SID"
expect_exit "a text over 60000 bytes: exit 2" 2 "longer than 60000" \
	"$CLI" --home "$D/a" --account alice send --to "$SID" --text "$(head -c 60001 /dev/zero | tr '\0' x)"
expect_exit "no node list: exit 4" 4 "registry" \
	env -u SNODE_CLI_REGISTRY "$CLI" --home "$D/a" --account alice receive
printf 'register 00 00 1.2.3.4:1 1\n' >"$D/badreg"
expect_exit "a malformed registry names file and line: exit 4" 4 "badreg:1:" \
	"$CLI" --home "$D/a" --account alice --registry "$D/badreg" receive
expect_exit "delete with a malformed hash: exit 2" 2 "bad message hash" \
	"$CLI" --home "$D/a" --account alice delete --hash nothash
expect_exit "expire without --ttl: exit 2" 2 "needs --ttl" \
	"$CLI" --home "$D/a" --account alice expire --hash "$(printf 'A%.0s' $(seq 43))"
expect_exit "--ttl below the 10 s minimum: exit 2" 2 "ttl" \
	"$CLI" --home "$D/a" --account alice send --to "$SID" --text hi --ttl 9
# Groups: every check that needs no node.
B=$("$CLI" --home "$D/gb" --json account create | jget session_id)
C=$("$CLI" --home "$D/gc" --json account create | jget session_id)
expect_exit "group without a subcommand: exit 2" 2 "group needs one of" "$CLI" --home "$D/a" group
expect_exit "group send without --group: exit 2" 2 "needs --group" \
	"$CLI" --home "$D/a" --account alice group send --text hi
expect_exit "a bad group name: exit 2" 2 "bad group name" \
	"$CLI" --home "$D/a" --account alice group create --group ../G --member "$B" --member "$C"
expect_exit "a group of 2 (the admin and one member): exit 2" 2 "3 to 100 distinct members" \
	"$CLI" --home "$D/a" --account alice group create --group G --member "$B"
expect_exit "... the admin and a duplicate do not count: exit 2" 2 "got 2" \
	"$CLI" --home "$D/a" --account alice group create --group G --member "$B" --member "$B" --member "$SID"
expect_exit "a member whose key is no X25519 point: exit 2, nothing saved" 2 "not a usable X25519 key" \
	"$CLI" --home "$D/a" --account alice group create --group G --member "$B" --member "05$(printf 'ab%.0s' $(seq 32))"
check "... no group directory" test ! -e "$D/a/groups/G"
many=""
for i in $(seq 100); do many="$many --member 05$(printf '%064x' "$i")"; done
expect_exit "100 other members (101 with the admin): exit 2" 2 "more than 100 members" \
	"$CLI" --home "$D/a" --account alice group create --group G $many
expect_exit "101 --member: exit 2" 2 "at most 100 --member" \
	"$CLI" --home "$D/a" --account alice group create --group G $many --member "$B"
expect_exit "send to an unknown group: exit 3" 3 "unknown group 'G'" \
	"$CLI" --home "$D/a" --account alice group send --group G --text hi
expect_exit "group create with no node list: exit 4 after saving the group" 4 "registry" \
	env -u SNODE_CLI_REGISTRY "$CLI" --home "$D/a" --account alice group create --group G --member "$B" --member "$C"
check "... the group file is 0600, the directory 0700" \
	sh -c "[ \"\$(stat -c %a '$D/a/groups/G/group.json')\" = 600 ] && [ \"\$(stat -c %a '$D/a/groups/G')\" = 700 ]"
out=$("$CLI" --home "$D/a" --account alice --json group show --group G)
check "group show: 3 members, admin, generation 0" \
	test "$(printf '%s' "$out" | jget members | tr -cd , | wc -c):$(printf '%s' "$out" | jget is_admin):$(printf '%s' "$out" | jget gen)" = "2:True:0"
expect_exit "group create over an existing group: exit 3" 3 "already exists" \
	"$CLI" --home "$D/a" --account alice group create --group G --member "$B" --member "$C"
expect_exit "remove the admin: exit 2" 2 "cannot remove itself" \
	"$CLI" --home "$D/a" --account alice group remove --group G --member "$SID"
expect_exit "remove a non-member: exit 2" 2 "not a member" \
	"$CLI" --home "$D/a" --account alice group remove --group G --member "05$(printf '%064x' 7)"
printf '{"v":1}' >"$D/a/groups/G/group.json"
expect_exit "a damaged group file: exit 3" 3 "group:" \
	"$CLI" --home "$D/a" --account alice group show --group G
expect_exit "an unknown command: exit 2" 2 "unknown command" "$CLI" --home "$D/a" fly
out=$("$CLI" --home "$D/a" --json --account nobody receive 2>/dev/null)
check "--json errors are JSON on stdout too" test "$(printf '%s' "$out" | jget error)" = account
printf 'not-a-hash 1\n' >"$D/a/accounts/alice/seen"
expect_exit "receive --new with a damaged seen file: exit 3 naming it and the line" 3 "seen:1: not" \
	"$CLI" --home "$D/a" --account alice receive --new
expect_exit "--refresh-after over a year: exit 2" 2 "refresh-after" \
	"$CLI" --home "$D/a" --refresh-after 31536001 nodes show
tap_done
