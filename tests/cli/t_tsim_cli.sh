#!/bin/sh
# iscsi-target-sim command line: usage errors (exit 2), bad scenarios
# ("file:line: message", exit 2), "listening" lines, clean exit 0 on
# SIGTERM / SIGINT, every example scenario starts, the fault log.
. "$(dirname "$0")/lib.sh"
TS="$BIN/iscsi-target-sim"
[ -x "$TS" ] || fail "$TS missing"
ROOT=$(repo_root)
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill -TERM $PID 2>/dev/null; rm -rf "$WORK"' EXIT

expect_exit 2 timeout 10 "$TS"
expect_out "no arguments given"
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --lun 1M
expect_out "--lun must follow --target"
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1000
expect_out "multiple of 512"
expect_exit 2 timeout 10 "$TS" --listen 300.1.1.1:1 --target iqn.2024-01.org.x:a --lun 1M
expect_out "--listen '300.1.1.1:1'"
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1M --digest sha1
expect_out "--digest 'sha1'"
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1M --chap user:short
expect_out "shorter than 12"
long=$(printf '%0300d' 0)
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1M --chap "user:$long"
expect_out "CHAP secret longer than 256 bytes"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/none.yaml"
expect_out "$WORK/none.yaml"
printf 'name: x\ntarget:\n  portals:\n    - { name: a, address: "127.0.0.1:0", tpgt: 70000 }\n' >"$WORK/bad.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/bad.yaml"
expect_out "$WORK/bad.yaml:4:"
printf 'name: x\nrules:\n  - action: { type: drop }\nsurprise: 1\n' >"$WORK/bad2.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/bad2.yaml"
expect_out "$WORK/bad2.yaml:"
expect_out "surprise"

# a list with an empty item would renumber the LUNs after it
expect_exit 2 timeout 10 "$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1M,,2M
expect_out "--lun '1M,,2M': empty size in the list"
# scenario errors name the file and the line of the culprit
expect_exit 2 timeout 10 "$TS" --scenario "$WORK"
expect_out "$WORK: Is a directory"
T0='name: x
target:
  portals: [ { name: main, address: "127.0.0.1:0" } ]
  targets:
    - { name: iqn.2024-01.org.x:a, luns: [1M] }
'
printf '%s    - { name: iqn.2024-01.org.x:a, luns: [1M] }\n' "$T0" >"$WORK/dup.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/dup.yaml"
expect_out "$WORK/dup.yaml:6: target 'iqn.2024-01.org.x:a' defined twice"
printf '%srules:\n  - match: { opcode: scsi_cmd }\n    action: { type: stall, ms: 99999999999 }\n' "$T0" >"$WORK/ms.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/ms.yaml"
expect_out "$WORK/ms.yaml:8: 99999999999 is out of range [0, 3600000]"
printf '%stimeout: 99999999999999999999999\n' "$T0" >"$WORK/huge.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/huge.yaml"
expect_out "$WORK/huge.yaml:6: 99999999999999999999999 is out of range [0, 86400]"
printf 'name: x\ntarget:\n  settings: { keys: { MaxBurstLength: 8k } }\n  portals: [ { name: main, address: "127.0.0.1:0" } ]\n  targets:\n    - { name: iqn.2024-01.org.x:a, luns: [1M] }\n' >"$WORK/key.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/key.yaml"
expect_out "$WORK/key.yaml:3: MaxBurstLength: '8k' is not a number in [512, 16777215]"
printf 'name: x\n' >"$WORK/noportal.yaml"
expect_exit 2 timeout 10 "$TS" --scenario "$WORK/noportal.yaml"
expect_out "$WORK/noportal.yaml: no portal to listen on (target.portals or --listen)"

# run_until_listening N ARGS...: start, wait (bounded) for N listening lines
run_until_listening() {
	n=$1; shift
	"$TS" "$@" >"$WORK/out" 2>"$WORK/err" &
	PID=$!
	i=0
	while [ "$(grep -c '^listening ' "$WORK/out" 2>/dev/null)" -lt "$n" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "no $n listening lines: $(cat "$WORK/out" "$WORK/err")"
		kill -0 $PID 2>/dev/null || fail "exited early: $(cat "$WORK/err")"
		sleep 0.1
	done
}
stop_with() {
	kill -"$1" $PID
	i=0
	while kill -0 $PID 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || { kill -KILL $PID; fail "no exit within 10 s of SIG$1"; }
		sleep 0.1
	done
	wait $PID; rc=$?
	PID=""
	[ $rc -eq 0 ] || fail "exit $rc after SIG$1: $(cat "$WORK/err")"
}

run_until_listening 2 --listen 127.0.0.1:0 --listen 127.0.0.1:0 \
	--target iqn.2024-01.org.x:a --lun 1M,2M --target iqn.2024-01.org.x:b --lun 1M
grep -q '^listening 127\.0\.0\.1:[1-9][0-9]*$' "$WORK/out" || fail "bad listening line: $(cat "$WORK/out")"
[ "$(sed -n 1p "$WORK/out")" != "$(sed -n 2p "$WORK/out")" ] || fail "two portals, one port"
stop_with TERM
run_until_listening 1 --listen 127.0.0.1:0 --target iqn.2024-01.org.x:a --lun 1M
stop_with INT

for f in "$ROOT"/target-sim/examples/*.yaml; do
	run_until_listening 1 --scenario "$f"
	stop_with TERM
done

# the fault log: a redirect seen by libiscsi, when it is installed
if command -v iscsi-inq >/dev/null 2>&1; then
	run_until_listening 2 --scenario "$ROOT/target-sim/examples/login-redirect.yaml" \
		--fault-log "$WORK/faults.json"
	P=$(sed -n '1s/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/out")
	expect_exit 0 timeout 20 iscsi-inq iscsi://127.0.0.1:$P/iqn.2024-01.org.iscsi-bench:disk1/0
	stop_with TERM
	grep -q '"rule":"moved-temporarily","line":16,"action":"redirect","dir":"in"' "$WORK/faults.json" ||
		fail "fault log: $(cat "$WORK/faults.json")"
fi
echo "target-sim cli ok"
