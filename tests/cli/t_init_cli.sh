#!/bin/sh
# iscsi-initiator without a target: argument errors (exit 2), ISDSC codes
# (exit 1), --json results, --events, scripts, secrets never echoed.
. "$(dirname "$0")/lib.sh"
I="$BIN/iscsi-initiator"
[ -x "$I" ] || skip "iscsi-initiator not built"
T=$(mktemp -d /tmp/t_init_cli.XXXXXX)
TPID=""
trap '[ -n "$TPID" ] && kill -TERM $TPID 2>/dev/null; rm -rf "$T"' EXIT INT TERM

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

# option values: the range is checked and named, never a silent default
expect_exit 2 "$I" --scsi-timeout -1 VersionInfo
expect_out "--scsi-timeout: '-1': expected a number 1-4294967295"
expect_exit 2 "$I" --connect-timeout 0 VersionInfo
expect_out "--connect-timeout: '0'"
expect_exit 2 "$I" --max-recv-dsl 0 VersionInfo
expect_out "--max-recv-dsl: '0': expected a number 512-16777215"
expect_exit 2 "$I" --max-burst 4294967295 VersionInfo
expect_out "--max-burst: '4294967295': expected a number 512-16777215"
expect_exit 2 "$I" --max-outstanding-r2t 65536 VersionInfo
expect_out "--max-outstanding-r2t: '65536'"
expect_exit 2 "$I" --chap-algorithms 99 VersionInfo
expect_out "--chap-algorithms: expected a comma-separated list of CHAP_A numbers"
expect_exit 2 "$I" --chap-algorithms 7,,5 VersionInfo
expect_exit 0 "$I" --chap-algorithms 0x7,5 --nop-interval 0 VersionInfo

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

# scripts that cannot be read or are not text: a clear error, never a
# silent empty run; CRLF line ends are fine
expect_exit 2 "$I" --script "$T"
expect_out "$T: cannot read the script: Is a directory"
printf 'VersionInfo\nVersionInfo\0x\n' > "$T/nul.txt"
expect_exit 2 "$I" --script "$T/nul.txt"
expect_out "nul.txt:2: NUL byte in the line"
printf 'VersionInfo\r\nSleep 1\r\n' > "$T/crlf.txt"
expect_exit 0 "$I" --script "$T/crlf.txt"
: > "$T/empty.txt"
expect_exit 0 "$I" --script "$T/empty.txt"

# script from stdin, secrets in scripts never echoed
OUT=$(printf 'CHAPSecret VeryLongSecret99\nCHAPSecret *\n' | "$I" --json --script - 2>&1) ||
    fail "stdin script failed: $OUT"
case "$OUT" in *VeryLongSecret99*) fail "secret echoed";; esac

# WriteBlocks / ReadBlocks files against the target-sim (1 MiB LUN 0)
TS="$BIN/iscsi-target-sim"
[ -x "$TS" ] || { echo "ok (no iscsi-target-sim: file checks skipped)"; exit 0; }
"$TS" --listen 127.0.0.1:0 --target iqn.2024-01.org.example:disk --lun 1M \
    >"$T/ts.out" 2>"$T/ts.err" &
TPID=$!
i=0
until grep -q '^listening ' "$T/ts.out"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "target-sim not listening: $(cat "$T/ts.err")"
	sleep 0.1
done
TP=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/ts.out")
rw() {	# rw EXIT VERB-LINE: log in, then the verb
	printf 'QAddTargetPortal 127.0.0.1:%s\nQLoginTarget %s\n%s\n' "$TP" \
	    iqn.2024-01.org.example:disk "$2" > "$T/rw.txt"
	expect_exit "$1" timeout 30 "$I" --script "$T/rw.txt"
}
head -c 1536 /dev/zero | tr '\0' 'a' > "$T/two.bin"; head -c 512 "$T/two.bin" >> "$T/two.bin"
head -c 1000 "$T/two.bin" > "$T/odd.bin"
# a device that never ends: bounded by the LUN, nothing written
rw 2 'WriteBlocks $SID 0 0 /dev/zero'
expect_out "FILE '/dev/zero': does not fit in the LUN from LBA 0 (last LBA 2047); nothing written"
# larger than what is left of the LUN: refused before any write
rw 2 'WriteBlocks $SID 0 2045 '"$T/two.bin"
expect_out "does not fit in the LUN from LBA 2045 (last LBA 2047)"
rw 2 'WriteBlocks $SID 0 0 '"$T/odd.bin"
expect_out "1000 bytes, not a non-zero multiple of the block length 512"
rw 2 'WriteBlocks $SID 0 0 '"$T"
expect_out "FILE '$T': Is a directory"
rw 2 'WriteBlocks $SID 0 0 '"$T/missing.bin"
expect_out "No such file or directory"
rw 0 'WriteBlocks $SID 0 2044 '"$T/two.bin"
# ReadBlocks: an unwritable or full destination is an error, and FILE is
# replaced only when the read succeeded and every byte is written
rw 2 'ReadBlocks $SID 0 0 4 '"$T/no/such/dir.bin"
expect_out "FILE '$T/no/such/dir.bin': No such file or directory"
rw 2 'ReadBlocks $SID 0 0 1 /dev/full'
expect_out "FILE '/dev/full': No space left on device"
echo keep > "$T/keep.bin"
rw 1 'ReadBlocks $SID 0 2047 2 '"$T/keep.bin"
[ "$(cat "$T/keep.bin")" = keep ] || fail "a failed ReadBlocks changed FILE"
rw 0 'ReadBlocks $SID 0 2044 4 '"$T/keep.bin"
cmp -s "$T/keep.bin" "$T/two.bin" || fail "read back differs"
ls "$T" | grep -q 'keep\.bin\.' && fail "temporary file left: $(ls "$T")"
echo "ok"
