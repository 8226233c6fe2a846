#!/bin/sh
# Interop with tgtd on loopback: one-way CHAP, a wrong secret
# (ISDSC_AUTHENTICATION_FAILURE, event 10), no CHAP against a CHAP target
# (event 40), mutual CHAP with header and data digests and a pattern
# written and read back, a wrong target secret in mutual CHAP (event 17).
# Secrets never appear in the output or the event log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgtd_lib.sh"
[ -x "$BIN/iscsi-initiator" ] || skip "iscsi-initiator not built"
tgtd_start
EV="$TGT_DIR/events.jsonl"
U=benchuser
S=Ini7Secret-42x
TU=tgtuser
TS=Tgt9Secret-17y
tgtd_account "$U" "$S"

# one-way CHAP (AuthType 1)
expect_exit 0 ini --json --script - <<X
LoginTarget $TGT_IQN T 127.0.0.1 $TGT_PORT * * * * * * * * * $U $S 1 * 0
ReadCapacity \$SID 1
LogoutTarget \$SID
X
expect_out '"block_length":512'

# a wrong secret: authentication failure, event 10 with the response PDU
expect_exit 1 ini --json LoginTarget "$TGT_IQN" T 127.0.0.1 "$TGT_PORT" \
    '*' '*' '*' '*' '*' '*' '*' '*' '*' "$U" WrongSecret-000 1
expect_out '"isdsc_name":"ISDSC_AUTHENTICATION_FAILURE"'
grep '"event":10,' "$EV" | grep -q '"status_name":"ISDSC_AUTHENTICATION_FAILURE"' ||
    fail "no event 10 for the wrong secret"

# no CHAP configured against a target that requires it: event 40
expect_exit 1 ini --json LoginTarget "$TGT_IQN" T 127.0.0.1 "$TGT_PORT"
expect_out '"isdsc_name":"ISDSC_AUTHENTICATION_FAILURE"'
grep -q '"event":40,' "$EV" || fail "no event 40"

# mutual CHAP (AuthType 2) with both digests required
tgtd_account "$TU" "$TS" --outgoing
tgtd_set HeaderDigest CRC32C
tgtd_set DataDigest CRC32C
head -c 1048576 /dev/urandom > "$TGT_DIR/pattern.bin"
expect_exit 0 ini --json --script - <<X
CHAPSecret $TS
LoginTarget $TGT_IQN T 127.0.0.1 $TGT_PORT * * * * 1 1 * * * $U $S 2 * 0
SessionList
WriteBlocks \$SID 1 0 $TGT_DIR/pattern.bin
ReadBlocks \$SID 1 0 2048 $TGT_DIR/back.bin
ScsiInquiry \$SID 1 0 0
LogoutTarget \$SID
X
expect_out '"header_digest":true,"data_digest":true'
expect_out '"blocks":2048,"bytes":1048576'
cmp -s "$TGT_DIR/pattern.bin" "$TGT_DIR/back.bin" || fail "read back differs"

# mutual CHAP with the wrong initiator secret: the target's response
# does not verify (event 17)
expect_exit 1 ini --json --script - <<X
CHAPSecret Other-Secret-99
LoginTarget $TGT_IQN T 127.0.0.1 $TGT_PORT * * * * * * * * * $U $S 2 * 0
X
expect_out '"isdsc_name":"ISDSC_AUTHENTICATION_FAILURE"'
grep -q '"event":17,' "$EV" || fail "no event 17"

# a digest we require that the target does not allow: event 18
tgtd_set HeaderDigest None
expect_exit 1 ini --json LoginTarget "$TGT_IQN" T 127.0.0.1 "$TGT_PORT" \
    '*' '*' '*' '*' 1 '*' '*' '*' '*' "$U" "$S" 1
grep -q '"event":18,' "$EV" || fail "no event 18"

# secrets never reach the event log
for s in "$S" "$TS" WrongSecret-000 Other-Secret-99; do
	grep -q -- "$s" "$EV" && fail "a secret is in the event log"
	hex=$(printf '%s' "$s" | od -An -tx1 | tr -d ' \n')
	grep -q "$hex" "$EV" && fail "a secret is in a dump"
done
echo ok
