#!/bin/sh
# The scenario suite's wall time (issue 5 bench figure): `iscsi-bench run -j 2`
# over every scenario, on the default network (--net auto: the ns-3 link as
# root, loopback otherwise), against the target of < 120 s for >= 150
# scenarios.  Reports the scenario count, results, the sum of the scenarios'
# own times, the wall time and the parallel efficiency; never asserts (the
# figure goes in the closing note).  Exit 1 only if the suite itself fails.
#   BIN=build/bin bench/bench_suite.sh [--net MODE] [-j N]
set -eu
: "${BIN:=build/bin}"
net=auto
jobs=2
while [ $# -gt 0 ]; do
	case "$1" in
	--net) net=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	*) echo "usage: bench_suite.sh [--net MODE] [-j N]" >&2; exit 2 ;;
	esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
cd "$root"
t0=$(date +%s.%N)
rc=0
"$BIN/iscsi-bench" run -j "$jobs" --net "$net" --out "$out/runs" \
    --junit "$out/suite.xml" scenarios > "$out/summary.txt" 2> "$out/err.txt" || rc=$?
t1=$(date +%s.%N)
mode=$(sed -n 's/^iscsi-bench run: --net auto: \([a-z0-9]*\).*/\1/p' "$out/err.txt")
[ -n "$mode" ] || mode=$net
tail -2 "$out/summary.txt" | sed 's/^/  /'
python3 - "$out/suite.xml" "$t0" "$t1" "$jobs" "$mode" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = list(root.iter("testcase"))
busy = sum(float(c.get("time", 0)) for c in cases)
wall = float(sys.argv[3]) - float(sys.argv[2])
jobs = int(sys.argv[4])
print(f"{'figure':34} {'value':>12}")
print(f"{'network':34} {sys.argv[5]:>12}")
print(f"{'scenarios':34} {len(cases):>12}")
print(f"{'jobs (-j)':34} {jobs:>12}")
print(f"{'scenario time, summed (s)':34} {busy:>12.1f}")
print(f"{'wall time (s)':34} {wall:>12.1f}")
print(f"{'parallel efficiency':34} {busy / wall / jobs:>12.2f}")
longest = sorted(cases, key=lambda c: -float(c.get("time", 0)))[:5]
print("longest: " + ", ".join(f"{c.get('name')} {float(c.get('time')):.1f}s" for c in longest))
ok = len(cases) >= 150 and wall < 120
print(f"target: < 120 s for >= 150 scenarios with -j 2: {'met' if ok and jobs == 2 else 'NOT met'}")
PY
if [ "$rc" -ne 0 ]; then
	echo "the suite did not pass (exit $rc); see above" >&2
	exit 1
fi
