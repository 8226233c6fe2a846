#!/bin/sh
# Interop with tgtd on loopback: SendTargets discovery, login with
# AuthMethod None, ReportLUNs / ScsiInquiry / ReadCapacity, a written
# pattern read back, logout, and ERL 0 recovery (tgtd drops the
# connection: event 20, reinstatement, event 34, I/O goes on).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgtd_lib.sh"
[ -x "$BIN/iscsi-initiator" ] || skip "iscsi-initiator not built"
tgtd_start
EV="$TGT_DIR/events.jsonl"

# discovery: the portal's SendTargets answer lists our target
expect_exit 0 ini --json AddTargetPortal 127.0.0.1 "$TGT_PORT"
expect_exit 0 ini --json --script - <<S
AddTargetPortal 127.0.0.1 $TGT_PORT
ListTargets
TargetInfo $TGT_IQN
ListTargetPortals
S
expect_out "\"targets\":[\"$TGT_IQN\"]"
expect_out '"mechanism":"SendTargets"'
expect_out "\"port\":$TGT_PORT"

# login None over the discovered portal, the SCSI verbs, a pattern
head -c 262144 /dev/urandom > "$TGT_DIR/pattern.bin"
expect_exit 0 ini --json --script - <<S
AddTargetPortal 127.0.0.1 $TGT_PORT
QLoginTarget $TGT_IQN
SessionList
ReportLUNs \$SID
ScsiInquiry \$SID 1 0 0
ScsiInquiry \$SID 1 1 0x80 64
ReadCapacity \$SID 1
WriteBlocks \$SID 1 7 $TGT_DIR/pattern.bin
ReadBlocks \$SID 0x1 7 512 $TGT_DIR/back.bin
LogoutTarget \$SID
SessionList
S
expect_out '"state":"Q3 LOGGED_IN"'
expect_out '"lun":"0x0001000000000000","number":1'
expect_out '"vendor":"IET"'
expect_out '"product":"VIRTUAL-DISK"'
expect_out '"last_lba":32767,"block_length":512'
expect_out '"blocks":512,"bytes":262144'
expect_out '"verb":"LogoutTarget","result":{},"isdsc":0'
expect_out '"verb":"SessionList","result":{"sessions":[]}'
cmp -s "$TGT_DIR/pattern.bin" "$TGT_DIR/back.bin" || fail "read back differs"
n=$(grep -c '"verb"' <<E
$OUT
E
)
[ "$n" -eq 11 ] || fail "expected 11 results, got $n"

# ERL 0: tgtd drops the connection mid-session; the session comes back
cat > "$TGT_DIR/rec.txt" <<S
LoginTarget $TGT_IQN T 127.0.0.1 $TGT_PORT * * * * * * * 0 * * * * * 0
Sleep 1000
WaitEvent 20 5000
WaitEvent 34 15000
ReadBlocks \$SID 1 7 512 $TGT_DIR/back2.bin
SessionList
LogoutTarget \$SID
S
ini --json --script "$TGT_DIR/rec.txt" > "$TGT_DIR/rec.out" 2>&1 &
IPID=$!
i=0
sid=
while [ -z "$sid" ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
	sid=$(tgtadm_ --mode target --op show | awk '/I_T nexus:/ { print $3; exit }')
done
[ -n "$sid" ] || { kill $IPID; fail "no session appeared in tgtd"; }
tgtadm_ --mode conn --op delete --tid 1 --sid "$sid" --cid 1 ||
    { kill $IPID; fail "tgtadm could not drop the connection"; }
wait $IPID; rc=$?
[ $rc -eq 0 ] || fail "recovery script exited $rc: $(cat "$TGT_DIR/rec.out")"
grep -q '"reconnects":1' "$TGT_DIR/rec.out" || fail "no reconnect counted"
cmp -s "$TGT_DIR/pattern.bin" "$TGT_DIR/back2.bin" || fail "data after recovery differs"
grep -q '"event":20,' "$EV" || fail "no event 20"
grep '"event":34,' "$EV" | grep -q "\"target\":\"$TGT_IQN\"" ||
    fail "no event 34 with the target name"
echo ok
