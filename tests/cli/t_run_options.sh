# iscsi-bench run options on tiny loopback scenarios: --tag selects by tag,
# --keep keeps the run directories of passing runs (removed without it),
# --tap prints the TAP shape, --shard I/N splits the selection into parts
# whose union is the whole selection with no scenario twice, --help says
# what --seed seeds.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/s"
TGT='target: {portals: [{name: p1, address: "127.0.0.1:0"}], targets: [{name: "iqn.2026-11.org.x:a", portals: [p1], luns: [1M]}]}'
scn() {	# scn NAME TAGS EXIT: a scenario expecting the initiator's exit status EXIT
	printf 'name: %s\ntags: [%s]\n%s\ninitiator: {script: VersionInfo}\nexpect: {exit: %s}\n' \
	    "$1" "$2" "$TGT" "$3" > "$tmp/s/$1.yaml"
}
scn opt-a alpha,common 0
scn opt-b beta,common 0
scn opt-c beta 0
scn opt-d gamma 0
scn opt-e gamma 0
scn opt-f failing 7	# VersionInfo exits 0: fails
R="$BIN/iscsi-bench run --net loopback --out $tmp/runs"

# --tap: version line, plan, one ok / not ok line per scenario in path order,
# a YAML block for the failure
expect_exit 1 $R --tap "$tmp/s"
printf '%s\n' "$OUT" | grep -v '^iscsi-bench' > "$tmp/tap"
[ "$(sed -n 1p "$tmp/tap")" = "TAP version 13" ] || fail "TAP: no version line: $OUT"
[ "$(sed -n 2p "$tmp/tap")" = "1..6" ] || fail "TAP: plan is not 1..6: $OUT"
[ "$(grep -c '^ok [0-9]* - opt-' "$tmp/tap")" -eq 5 ] || fail "TAP: not 5 ok lines: $OUT"
grep -qx 'ok 1 - opt-a' "$tmp/tap" || fail "TAP: ok 1 - opt-a missing: $OUT"
grep -qx 'ok 5 - opt-e' "$tmp/tap" || fail "TAP: ok 5 - opt-e missing: $OUT"
grep -qx 'not ok 6 - opt-f' "$tmp/tap" || fail "TAP: not ok 6 - opt-f missing: $OUT"
sed -n '/^not ok 6/,$p' "$tmp/tap" > "$tmp/block"
[ "$(sed -n 2p "$tmp/block")" = "  ---" ] || fail "TAP: no YAML block start: $OUT"
sed -n 3p "$tmp/block" | grep -q '^  reason: "' || fail "TAP: no reason: $OUT"
grep -qx '  \.\.\.' "$tmp/block" || fail "TAP: no YAML block end: $OUT"

# --tag: only the scenarios carrying the tag
expect_exit 0 $R --tap --tag beta "$tmp/s"
printf '%s\n' "$OUT" | sed -n 's/^\(not \)\{0,1\}ok [0-9]* - //p' > "$tmp/names"
[ "$(tr '\n' ' ' < "$tmp/names")" = "opt-b opt-c " ] || fail "--tag beta ran: $(cat "$tmp/names")"
expect_exit 0 $R --tag alpha "$tmp/s"
expect_out "1 scenarios: 1 passed"
expect_out "opt-a"
expect_exit 2 $R --tag nosuchtag "$tmp/s"
expect_out "no scenario selected"

# --keep: the run directory of a passing scenario stays; without it, it goes
rm -rf "$tmp/runs"
expect_exit 0 $R --filter opt-a "$tmp/s"
[ ! -e "$tmp/runs/opt-a" ] || fail "run directory kept without --keep"
expect_exit 0 $R --keep --filter opt-a "$tmp/s"
[ -d "$tmp/runs/opt-a" ] || fail "--keep did not keep the run directory"
grep -q '"status":"pass"' "$tmp/runs/opt-a/result.json" ||
    fail "--keep: result.json: $(cat "$tmp/runs/opt-a/result.json")"
[ -s "$tmp/runs/opt-a/initiator.out" ] || fail "--keep: no initiator.out"
# a failing run's directory is kept anyway
expect_exit 1 $R --filter opt-f "$tmp/s"
[ -d "$tmp/runs/opt-f" ] || fail "failing run directory removed"

# --shard I/N: the shards' union is the selection, no scenario twice
for N in 2 3 4; do
	: > "$tmp/union"
	I=1
	while [ $I -le "$N" ]; do
		"$BIN/iscsi-bench" run --net loopback --out "$tmp/runs" --tap \
		    --shard "$I/$N" --filter 'opt-[a-e]' "$tmp/s" > "$tmp/shard" 2>&1
		rc=$?
		[ $rc -eq 0 ] || fail "--shard $I/$N exited $rc: $(cat "$tmp/shard")"
		sed -n 's/^ok [0-9]* - //p' "$tmp/shard" > "$tmp/part"
		[ -s "$tmp/part" ] || fail "--shard $I/$N ran nothing: $(cat "$tmp/shard")"
		grep -q "^1\.\.$(wc -l < "$tmp/part" | tr -d ' ')\$" "$tmp/shard" ||
		    fail "--shard $I/$N: plan does not match: $(cat "$tmp/shard")"
		cat "$tmp/part" >> "$tmp/union"
		I=$((I + 1))
	done
	[ "$(sort "$tmp/union" | tr '\n' ' ')" = "opt-a opt-b opt-c opt-d opt-e " ] ||
	    fail "--shard */$N union: $(sort "$tmp/union" | tr '\n' ' ')"
done
# a shard beyond the selection selects nothing
expect_exit 2 $R --shard 6/6 --filter 'opt-[a-e]' "$tmp/s"
expect_out "no scenario selected"

# --seed: the help says what it seeds
expect_exit 0 "$BIN/iscsi-bench" run --help
expect_out "seed of the ns-3 link's random packet loss"
echo "ok: --tap, --tag, --keep, --shard, --seed help"
