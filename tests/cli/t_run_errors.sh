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

# options: an unknown one is named as unknown, not as lacking a value
expect_exit 2 "$BIN/iscsi-bench" run --bogus
expect_out "unknown option '--bogus'"
# a directory without scenarios says so
mkdir -p "$tmp/empty"
expect_exit 2 "$BIN/iscsi-bench" run "$tmp/empty"
expect_out "$tmp/empty: no *.yaml scenario file in this directory or below"
# where results go is checked before anything runs (exit 2, nothing lost later)
expect_exit 2 "$BIN/iscsi-bench" run --out "$tmp/runs" --junit "$tmp/no/such/j.xml" "$tmp/fine.yaml"
expect_out "--junit $tmp/no/such/j.xml: No such file or directory"
expect_exit 2 "$BIN/iscsi-bench" run --out "$tmp/runs" --junit "$tmp" "$tmp/fine.yaml"
expect_out "--junit $tmp: Is a directory"
: > "$tmp/plainfile"
expect_exit 2 "$BIN/iscsi-bench" run --out "$tmp/plainfile/runs" "$tmp/fine.yaml"
expect_out "--out $tmp/plainfile/runs: Not a directory"
expect_exit 2 "$BIN/iscsi-bench" run --out "$tmp/runs" --html "$tmp/plainfile/h" "$tmp/fine.yaml"
expect_out "--html $tmp/plainfile/h: Not a directory"

# expectations that would check nothing or cannot be evaluated are load
# errors naming the line; values are named when out of range
HDR='target: {portals: [{name: p1, address: "127.0.0.1:0"}], targets: [{name: "iqn.2026-11.org.x:a", portals: [p1], luns: [1M]}]}
initiator: {script: VersionInfo}'
bad_expect() {	# bad_expect NAME EXPECT-LINE MESSAGE
	printf 'name: %s\n%s\n%s\n' "$1" "$HDR" "$2" > "$tmp/$1.yaml"
	expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/$1.yaml"
	expect_out "$1.yaml:4: $3"
}
bad_expect count-none 'expect: {events: {count: [{event: 10}]}}' \
    "'count' entry needs exactly, min or max"
bad_expect path-empty 'expect: {events: {fields: [{event: 1, path: "", equals: 1}]}}' \
    "bad path ''"
bad_expect path-dots 'expect: {events: {fields: [{event: 1, path: "data..port", equals: 1}]}}' \
    "bad path 'data..port'"
bad_expect result-path 'expect: {steps: [{step: 1, isdsc: success, result: {"sessions.": 1}}]}' \
    "bad path 'sessions.'"
bad_expect step-zero 'expect: {steps: [{step: 0, isdsc: success}]}' \
    "0 is out of range [1, 10000]"
bad_expect isdsc-word 'expect: {steps: [{step: 1, isdsc: LOGIN_FAILED}]}' \
    "unknown ISDSC code 'LOGIN_FAILED' (an ISDSC_* name, success, or a number)"
bad_expect event-63 'expect: {events: {include: [63]}}' \
    "event 63 is not a documented event ID"
# SUCCESS, as the initiator's --json prints isdsc_name, is accepted
printf 'name: succ\n%s\nexpect: {steps: [{step: 1, isdsc: SUCCESS}]}\n' "$HDR" > "$tmp/succ.yaml"
expect_exit 0 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/succ.yaml"
# a usage error of our initiator (a bad option in the scenario) is quoted
printf 'name: badopt\n%s\n  options: [--scsi-timeout, "0"]\nexpect: {exit: 0}\n' \
    "$(printf '%s' "$HDR" | sed 's/initiator: {script: VersionInfo}/initiator:\n  script: VersionInfo/')" > "$tmp/badopt.yaml"
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/badopt.yaml"
expect_out "expected 0, got 2 (iscsi-initiator: --scsi-timeout: '0'"
# an initiator command that does not exist: a clear error, no hang
printf 'name: nocmd\n%s\nexpect: {exit: 0}\n' \
    "$(printf '%s' "$HDR" | sed 's/initiator: {script: VersionInfo}/initiator: {command: [no-such-initiator-xyz]}/')" > "$tmp/nocmd.yaml"
expect_exit 1 timeout 60 "$BIN/iscsi-bench" run --out "$tmp/runs" "$tmp/nocmd.yaml"
expect_out "cannot run no-such-initiator-xyz: No such file or directory"
echo ok
