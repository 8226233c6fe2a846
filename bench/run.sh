#!/bin/sh
# Run every benchmark binary (build/bin/bench_*) and script (bench/bench_*.sh)
# and print their tables.
set -eu
: "${BIN:=build/bin}"
found=0
for b in "$BIN"/bench_*; do
	[ -x "$b" ] || continue
	found=1
	printf '\n### %s\n' "$(basename "$b")"
	"$b"
done
# build-free benchmark scripts (bench/bench_*.sh), e.g. bench_target.sh
for s in "$(dirname "$0")"/bench_*.sh; do
	[ -x "$s" ] || continue
	found=1
	printf '\n### %s\n' "$(basename "$s")"
	BIN="$BIN" "$s"
done
[ $found -eq 1 ] || { echo "no benchmarks built" >&2; exit 1; }
