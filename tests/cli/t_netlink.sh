# iscsi-bench netlink selftest: two namespaces joined by an ns-3 link (root +
# ns-3 needed, else skipped with the reason).  Checks the measured link
# survives a 2 s link-down, fails with ETIMEDOUT under TCP_USER_TIMEOUT,
# and that no namespace or link process of the run is left, also when the
# run is ended by SIGTERM halfway.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$BIN/iscsi-bench" netlink --help >/dev/null 2>&1 ||
	skip "iscsi-bench has no netlink subcommand"
why=$("$BIN/iscsi-bench" netlink check 2>&1) || skip "$why"
command -v timeout >/dev/null 2>&1 || skip "coreutils timeout missing"

# names_of FILE: the namespace names a run printed; link_of FILE: its pid
names_of() { sed -n 's/^  namespaces *\(ib[0-9]*i[0-9]*\) .* <-> \(ib[0-9]*t[0-9]*\) .*/\1 \2/p' "$1"; }
link_of() { sed -n 's/.*link process \([0-9]*\) ready.*/\1/p' "$1"; }
assert_clean() {	# FILE: nothing of that run remains
	names=$(names_of "$1")
	[ -n "$names" ] || fail "no namespace names in output: $(cat "$1")"
	for n in $names; do
		ip netns list | awk '{print $1}' | grep -qx "$n" &&
			fail "namespace $n left behind"
	done
	lp=$(link_of "$1")
	[ -n "$lp" ] || fail "no link process pid in output"
	i=0	# the link process may still be a zombie for a moment
	while [ -d "/proc/$lp" ] && [ "$(cut -d' ' -f3 "/proc/$lp/stat" 2>/dev/null)" != Z ]; do
		i=$((i + 1)); [ $i -le 50 ] || fail "link process $lp still running"
		sleep 0.1
	done
}

# 1. The whole self-test, bounded in time.
timeout -s TERM 60 "$BIN/iscsi-bench" netlink selftest > "$tmp/run1" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "selftest exited $rc: $(cat "$tmp/run1")"
OUT=$(cat "$tmp/run1")
expect_out "result: PASS"
expect_out "connection survived"
expect_out "Connection timed out"
assert_clean "$tmp/run1"
cat "$tmp/run1"

# 2. SIGTERM in the middle: the namespaces and the link process go too.
"$BIN/iscsi-bench" netlink selftest > "$tmp/run2" 2>&1 &
pid=$!
i=0
until grep -q "^  throughput" "$tmp/run2"; do
	i=$((i + 1))
	if [ $i -gt 150 ] || ! kill -0 $pid 2>/dev/null; then
		kill -KILL $pid 2>/dev/null
		fail "selftest did not reach the transfer: $(cat "$tmp/run2")"
	fi
	sleep 0.1
done
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 50 ] || { kill -KILL $pid; fail "selftest ignored SIGTERM"; }
	sleep 0.1
done
wait $pid
rc=$?
[ $rc -eq 143 ] || fail "selftest exited $rc after SIGTERM, expected 143"
assert_clean "$tmp/run2"
echo "SIGTERM mid-run: namespaces and link process cleaned up"
