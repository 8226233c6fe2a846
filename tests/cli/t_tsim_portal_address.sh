# iscsi-target-sim --portal-address NAME=ADDR:PORT moves a scenario portal
# (the harness passes it in ns3 mode); unknown names and bad addresses exit 2.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/s.yaml" <<'YAML'
name: portal-address
target:
  portals:
    - {name: p1, address: "127.0.0.1:0"}
    - {name: p2, address: "127.0.0.1:0"}
  targets:
    - {name: "iqn.2026-11.org.iscsi-bench:disk1", portals: [p1, p2], luns: [1M]}
YAML
expect_exit 2 "$BIN/iscsi-target-sim" --scenario "$tmp/s.yaml" --portal-address p9=127.0.0.1:0
expect_out "no portal named 'p9'"
expect_exit 2 "$BIN/iscsi-target-sim" --scenario "$tmp/s.yaml" --portal-address p1
expect_out "expected NAME=ADDR:PORT"
"$BIN/iscsi-target-sim" --scenario "$tmp/s.yaml" --portal-address p2=127.0.0.2:0 \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while :; do
	n=$(grep -c '^listening ' "$tmp/out" 2>/dev/null); n=${n:-0}
	[ "$n" -ge 2 ] && break
	[ $i -ge 100 ] && fail "target-sim did not report 2 portals: $(cat "$tmp/out" "$tmp/err")"
	sleep 0.1; i=$((i+1))
done
kill "$pid" 2>/dev/null
wait "$pid"; rc=$?
[ $rc -eq 0 ] || fail "target-sim exited $rc: $(cat "$tmp/err")"
sed -n 1p "$tmp/out" | grep -q '^listening 127\.0\.0\.1:[0-9]' || fail "p1 moved: $(cat "$tmp/out")"
sed -n 2p "$tmp/out" | grep -q '^listening 127\.0\.0\.2:[0-9]' || fail "p2 not moved: $(cat "$tmp/out")"
exit 0
