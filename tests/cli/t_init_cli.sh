#!/bin/sh
# iscsi-initiator without a target: argument errors (exit 2), ISDSC codes
# (exit 1), --json results, --events, scripts, secrets never echoed.
. "$(dirname "$0")/lib.sh"
I="$BIN/iscsi-initiator"
[ -x "$I" ] || skip "iscsi-initiator not built"
T=$(mktemp -d /tmp/t_init_cli.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# verbs are case-insensitive; VersionInfo / ListInitiators
expect_exit 0 "$I" versioninfo
expect_out "iscsi-initiator version"
expect_exit 0 "$I" --json LISTINITIATORS
expect_out '"initiators":["ROOT\\ISCSIPRT\\0000_0"]'
expect_out '"isdsc":0,"isdsc_hex":"0x00000000","isdsc_name":"SUCCESS"'

# usage errors: exit 2 with a clear message
expect_exit 2 "$I"
expect_out "no verb given"
expect_exit 2 "$I" NoSuchVerb
expect_out "unknown verb 'NoSuchVerb'"
expect_exit 2 "$I" ScsiInquiry 1
expect_out "wrong number of arguments"
expect_exit 2 "$I" ScsiInquiry 0x1-0x2 zz 0 0
expect_out "LUN 'zz'"
expect_exit 2 "$I" AddTargetPortal 127.0.0.1 70000
expect_out "TargetPortalSocket '70000'"
expect_exit 2 "$I" Sleep 12abc
expect_exit 2 "$I" WaitEvent 99 10
expect_out "EventId '99'"
expect_exit 2 "$I" --nop-interval
expect_exit 2 "$I" --bogus VersionInfo

# ISDSC failures: exit 1, name and value printed
expect_exit 1 "$I" NodeName 'bad_name!'
expect_out "ISDSC_INVALID_ISCSI_NAME (0xEFFF0051)"
expect_exit 1 "$I" ReadCapacity 0x1-0x2 0
expect_out "ISDSC_INVALID_SESSION_ID (0xEFFF001C)"
expect_exit 1 "$I" QLoginTarget iqn.2024-01.org.example:nowhere
expect_out "ISDSC_TARGET_NOT_FOUND"
expect_exit 1 "$I" WaitEvent 20 50
expect_out "ISDSC_NOT_FOUND"

# event 36: a short initiator CHAP secret; the secret itself is never logged
expect_exit 1 "$I" --events "$T/ev36.jsonl" --json CHAPSecret Sh0rtSecret
expect_out '"isdsc_name":"ISDSC_SHORT_CHAP_SECRET"'
grep -q '"event":36' "$T/ev36.jsonl" || fail "no event 36"
grep -q 'Sh0rtSecret' "$T/ev36.jsonl" && fail "secret in the event log"
case "$OUT" in *Sh0rtSecret*) fail "secret in the output";; esac

# unreachable portal (a closed loopback port): event 1, ISDSC_CONNECTION_FAILED
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) || port=9
expect_exit 1 "$I" --connect-timeout 1000 --events "$T/ev1.jsonl" --json \
    AddTargetPortal 127.0.0.1 "$port"
expect_out '"isdsc_name":"ISDSC_CONNECTION_FAILED"'
grep -q '"event":1,' "$T/ev1.jsonl" || fail "no event 1"
grep -q "\"port\":$port" "$T/ev1.jsonl" || fail "event 1 lacks the port"
grep -q '"event":113,' "$T/ev1.jsonl" || fail "no iScsiExe event 113"

# scripts: comments, stop at the first failing verb with its code
cat > "$T/s1.txt" <<S
# a comment line
  versioninfo   # trailing comment
NodeName iqn.2024-01.org.example:host
QLoginTarget iqn.2024-01.org.example:none
VersionInfo
S
expect_exit 1 "$I" --json --script "$T/s1.txt"
expect_out '"verb":"NodeName"'
expect_out '"isdsc_name":"ISDSC_TARGET_NOT_FOUND"'
n=$(printf '%s\n' "$OUT" | grep -c '"verb":"VersionInfo"')
[ "$n" -eq 1 ] || fail "script did not stop at the failing verb ($n VersionInfo)"
expect_out "s1.txt:4: QLoginTarget failed"

# $SID before any login is a usage error naming the line
printf 'ReportLUNs $SID\n' > "$T/s2.txt"
expect_exit 2 "$I" --script "$T/s2.txt"
expect_out 's2.txt:1: $SID used before a successful login'

# script from stdin, secrets in scripts never echoed
OUT=$(printf 'CHAPSecret VeryLongSecret99\nCHAPSecret *\n' | "$I" --json --script - 2>&1) ||
    fail "stdin script failed: $OUT"
case "$OUT" in *VeryLongSecret99*) fail "secret echoed";; esac
echo "ok"
