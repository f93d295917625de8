#!/usr/bin/env bash
# snode-cli's node list (whitepaper 4.5) on a local testnet of 3 nodes: bootstrap from the
# nodes' POST /json_rpc as seed nodes (every one must agree); a seed that lies about one node
# and a seed that does not answer leave the list untouched with exit 4; messages travel with
# the bootstrapped list alone (no registry); a node added to the registry appears after
# `nodes refresh`, which asks known nodes through onion requests (oxend_request) and takes
# the list only when they agree. Needs root (netns, tap): otherwise skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_cleanup_extra() { [ -n "$LIAR" ] && kill "$LIAR" 2>/dev/null; }
LIAR=
tn_require_root
tn_up clin 3
CLI=$BUILD/client/cli/snode-cli
incli() { ip netns exec "$NS" "$CLI" --home "$H/a" --timeout 10000 "$@"; }
seed_url() { echo "http://127.0.0.1:$(grep -o 'http port [0-9]*' "$DIR/node$1/control.log" | tail -1 | cut -d' ' -f3)/json_rpc"; }
# jtrue JSON EXPR: EXPR over j (the parsed JSON text) is True
jtrue() { [ "$($PY -c 'import json,sys; j = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>&1)" = True ]; }
count() { $PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["service_node_states"]))' "$H/a/nodes.json" 2>&1; }

out=$("$CLI" --home "$H/a" --json nodes bootstrap --seed "$(seed_url 0)" --seed "$(seed_url 1)" --seed "$(seed_url 2)" 2>&1)
check "bootstrap from the 3 nodes' /json_rpc: they agree, 3 nodes in 1 swarm" \
	jtrue "$out" 'j == {"nodes": "bootstrapped", "count": 3, "swarms": 1, "sources": 3}'
check "the list is kept in HOME/nodes.json" test "$(count)" = 3
cp "$H/a/nodes.json" "$H/kept.json"

# A seed that answers the same list with one node's port changed.
$PY - "$(seed_url 0)" "$H/liar.port" <<'PY' &
import json, sys, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
real = sys.argv[1]
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        req = urllib.request.Request(real, data=body, headers={"Content-Type": "application/json"})
        ans = json.load(urllib.request.urlopen(req, timeout=10))
        ans["result"]["service_node_states"][0]["storage_lmq_port"] = 22031
        out = json.dumps(ans).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a):
        pass
s = HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
LIAR=$!
for _ in $(seq 50); do [ -s "$H/liar.port" ] && break; sleep 0.1; done
"$CLI" --home "$H/a" nodes bootstrap --seed "$(seed_url 1)" --seed "http://127.0.0.1:$(cat "$H/liar.port")/json_rpc" >"$H/out" 2>&1
rc=$?
check "a seed that differs in one node: exit 4, 'seeds disagree'" \
	sh -c "[ $rc -eq 4 ] && grep -q 'seeds disagree' '$H/out'"
check "... and the kept list is untouched" cmp -s "$H/kept.json" "$H/a/nodes.json"
kill "$LIAR" 2>/dev/null
wait "$LIAR" 2>/dev/null
LIAR=
"$CLI" --home "$H/a" --timeout 2000 nodes bootstrap --seed "$(seed_url 0)" --seed "http://127.0.0.1:1/json_rpc" >"$H/out" 2>&1
rc=$?
check "a seed that does not answer: exit 4 naming it, list untouched" \
	sh -c "[ $rc -eq 4 ] && grep -q '127.0.0.1:1/json_rpc' '$H/out' && cmp -s '$H/kept.json' '$H/a/nodes.json'"

# Messages with the bootstrapped list alone (no registry anywhere).
unset SNODE_CLI_REGISTRY
ID=$(incli --json account create | $PY -c 'import json,sys; print(json.load(sys.stdin)["session_id"])')
incli --json send --to "$ID" --text "via the seed list" >"$H/send" 2>&1
check "a message is stored with the bootstrapped list (3 of 3 members)" \
	jtrue "$(cat "$H/send")" 'len(j["stored_by"]) == 3 and j["swarm_size"] == 3'
check "and read back" sh -c "ip netns exec '$NS' '$CLI' --home '$H/a' --timeout 10000 receive | grep -q 'via the seed list'"

# A fourth node joins through the registry; refresh asks 3 known nodes over onion requests.
if out=$($TN add --dir "$DIR" 2>&1); then tap_result ok "a fourth node is added to the registry"; else tap_result not-ok "a fourth node is added to the registry" "$out"; fi
# A stale list refreshes itself before a command (--refresh-after, default 1 h).
touch -d '2 hours ago' "$H/a/nodes.json"
incli --json nodes show >/dev/null 2>&1
check "nodes show shows the list as it is (no refresh: the file keeps its age)" \
	test $(($(date +%s) - $(stat -c %Y "$H/a/nodes.json"))) -ge 7000
incli --json --refresh-after 0 receive >/dev/null 2>"$H/auto0.err"
check "--refresh-after 0: never refreshed" \
	sh -c "[ \$(( \$(date +%s) - \$(stat -c %Y '$H/a/nodes.json') )) -ge 7000 ] && ! grep -q refresh '$H/auto0.err'"
ok=
for _ in $(seq 20); do # the controls re-read the registry within a second
	touch -d '2 hours ago' "$H/a/nodes.json"
	incli --json --verbose receive >/dev/null 2>"$H/auto.err" && [ "$(count)" = 4 ] && { ok=1; break; }
	sleep 0.5
done
check "a list 2 hours old is refreshed before the command: 4 nodes, from 3 nodes" \
	sh -c "[ -n '$ok' ] && grep -q 'refreshed from 3 node(s): 4 node(s)' '$H/auto.err'"
[ -z "$ok" ] && sed 's/^/# /' "$H/auto.err"
# A refresh that fails (every known node at a closed port) leaves the list, says so, and is
# not tried again before --refresh-after has passed.
mkdir -p "$H/b" && cp -r "$H/a/accounts" "$H/b/"
$PY -c 'import json,sys; j = json.load(open(sys.argv[1])); [n.update(storage_lmq_port=1) for n in j["service_node_states"]]; json.dump(j, open(sys.argv[2], "w"))' "$H/a/nodes.json" "$H/b/nodes.json"
touch -d '2 hours ago' "$H/b/nodes.json"
ip netns exec "$NS" "$CLI" --home "$H/b" --timeout 300 --attempts 1 receive >/dev/null 2>"$H/fail1.err"
ip netns exec "$NS" "$CLI" --home "$H/b" --timeout 300 --attempts 1 receive >/dev/null 2>"$H/fail2.err"
check "a failed refresh: the old list is used, stderr says why and when it is tried again" \
	grep -q 'refresh failed (.*): using it; next try in 3600 s' "$H/fail1.err"
check "... and the next command does not try again" \
	sh -c "! grep -q refresh '$H/fail2.err' && [ \$(( \$(date +%s) - \$(stat -c %Y '$H/b/nodes.json') )) -lt 600 ]"
ok=
for _ in $(seq 20); do # the controls re-read the registry within a second
	incli --json nodes refresh --from 3 >"$H/ref" 2>&1 && jtrue "$(cat "$H/ref")" 'j["count"] == 4 and j["sources"] == 3' && { ok=1; break; }
	sleep 0.5
done
check "nodes refresh --from 3: the 3 asked nodes agree on 4 nodes" test -n "$ok" -a "$(count)" = 4
# every node in nodes.json must be usable: a message through the new list
incli --json send --to "$ID" --text "after the refresh" >"$H/send2" 2>&1
check "a message after the refresh is stored by the 4 members" \
	jtrue "$(cat "$H/send2")" 'len(j["stored_by"]) == 4'
[ -z "$ok" ] && sed 's/^/# /' "$H/ref"
tap_done
