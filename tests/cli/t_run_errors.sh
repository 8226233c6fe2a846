# iscsi-bench run: bad scenario files and bad options give clear errors, never a crash.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'name: broken\ntarget: {portals: [{name: p1}]}\ninitiator: {script: x}\nexpect: {exit: 0}\nbogus: [\n' > "$tmp/broken.yaml"
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/broken.yaml"
expect_out "error"
expect_out "broken.yaml:"
expect_exit 2 "$BIN/iscsi-bench" run "$tmp/nothing-here.yaml"
expect_out "no such scenario file"
expect_exit 2 "$BIN/iscsi-bench" run -j 0 "$tmp/broken.yaml"
expect_out "-j takes 1-64"
expect_exit 2 "$BIN/iscsi-bench" run --shard 3/2 "$tmp/broken.yaml"
expect_out "--shard takes I/N"
expect_exit 2 "$BIN/iscsi-bench" run --net wifi "$tmp/broken.yaml"
printf 'name: fine\ntarget: {portals: [{name: p1}]}\ninitiator: {script: x}\nexpect: {exit: 0}\n' > "$tmp/fine.yaml"
expect_exit 2 "$BIN/iscsi-bench" run --filter 'nomatch*' "$tmp/fine.yaml"
expect_out "no scenario selected"
# a file that does not load is reported even when a filter is given
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" --filter 'nomatch*' "$tmp/broken.yaml"
expect_out "broken.yaml:6:"
# JUnit output names the failing file
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" --junit "$tmp/j.xml" "$tmp/broken.yaml"
grep -q '<error message=' "$tmp/j.xml" || fail "JUnit lacks the error"
# a scenario that needs the ns-3 link is skipped on loopback with its reason,
# and a result.json left by an earlier run is never taken for this one
printf 'name: needs-link\ntarget: {portals: [{name: p1, address: "127.0.0.1:0"}], targets: [{name: "iqn.2026-11.org.x:a", portals: [p1], luns: [1M]}]}\ninitiator: {script: SessionList}\nnetwork: {faults: [{at: 1, action: down}]}\nexpect: {exit: 0}\n' > "$tmp/link.yaml"
mkdir -p "$tmp/runs/needs-link"
printf '{"name":"needs-link","status":"pass","reason":"stale","ms":1,"verdicts":[]}\n' > "$tmp/runs/needs-link/result.json"
expect_exit 0 "$BIN/iscsi-bench" run --net loopback --out "$tmp/runs" "$tmp/link.yaml"
expect_out "skip"
expect_out "running with --net loopback"
expect_out "1 skipped"
# a wire assertion with a bad selector is a load error with file:line
printf 'name: bad-wire\ntarget: {portals: [{name: p1}]}\nrules: [{name: r1}]\ninitiator: {script: x}\nexpect:\n  wire:\n    - pdu: {direction: i2t, opcode: login_rsp}\n      count: 1\n' > "$tmp/wire.yaml"
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/wire.yaml"
expect_out "wire.yaml:7: login_rsp never travels i2t"
# so is a rule name that the scenario does not have
printf 'name: bad-rule\ntarget: {portals: [{name: p1}]}\nrules: [{name: r1}]\ninitiator: {script: x}\nexpect:\n  faults_not_fired: [r2]\n' > "$tmp/rule.yaml"
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/rule.yaml"
expect_out "rule.yaml:6: no rule named 'r2'"
