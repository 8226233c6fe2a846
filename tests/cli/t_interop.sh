# iscsi-bench interop: the conformance steps pass against iscsi-target-sim (None, CHAP,
# mutual CHAP, with writes) and against tgtd (Debian tgt) on loopback.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgtd_lib.sh"
tmp=$(mktemp -d)
TS_PID=
ts_stop() { [ -n "$TS_PID" ] && kill "$TS_PID" 2>/dev/null && wait "$TS_PID" 2>/dev/null; TS_PID=; }
cleanup_all() { ts_stop; tgtd_cleanup; rm -rf "$tmp"; }
ts_start() {
	"$BIN/iscsi-target-sim" --listen 127.0.0.1:0 "$@" > "$tmp/ts.out" 2> "$tmp/ts.err" &
	TS_PID=$!
	i=0
	until grep -q '^listening ' "$tmp/ts.out" 2>/dev/null || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done
	TS_PORT=$(sed -n 's/^listening 127.0.0.1://p' "$tmp/ts.out")
	[ -n "$TS_PORT" ] || fail "iscsi-target-sim did not start: $(cat "$tmp/ts.err")"
}

ts_start --target iqn.2026-11.org.iscsi-bench:interop --lun 16M
trap cleanup_all EXIT INT TERM
expect_exit 0 "$BIN/iscsi-bench" interop --portal "127.0.0.1:$TS_PORT" --write-lba 8
expect_out "0 check(s) failed"
expect_out "write then read back (64 KiB)      pass"
ts_stop

ts_start --target iqn.2026-11.org.iscsi-bench:interop --lun 16M \
    --chap user1:secret-1234567 --mutual-chap tgt1:tsecret-987654
expect_exit 0 "$BIN/iscsi-bench" interop --portal "127.0.0.1:$TS_PORT" \
    --chap user1:secret-1234567 --mutual-chap tgt1:tsecret-987654 --json
expect_out '"failed":0'
expect_out '"check":"wrong CHAP secret refused","result":"pass"'
ts_stop

# a check that must fail does fail: the wrong target name
expect_exit 1 "$BIN/iscsi-bench" interop --portal "127.0.0.1:1" --target iqn.2026-11.x:y
expect_out "FAIL"

# tgtd, the third-party target CI runs
tgtd_start
trap cleanup_all EXIT INT TERM
expect_exit 0 "$BIN/iscsi-bench" interop --portal "127.0.0.1:$TGT_PORT" --target "$TGT_IQN" \
    --lun 1 --write-lba 0
expect_out "0 check(s) failed"
expect_out "write then read back (64 KiB)      pass"
# with CRC32C allowed on tgtd the digest check must pass too
tgtd_set HeaderDigest CRC32C,None
tgtd_set DataDigest CRC32C,None
expect_exit 0 "$BIN/iscsi-bench" interop --portal "127.0.0.1:$TGT_PORT" --target "$TGT_IQN" \
    --lun 1 --write-lba 0
expect_out "header + data digests (CRC32C)     pass"
