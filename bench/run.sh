#!/bin/sh
# Run every benchmark binary (build/bin/bench_*) and print their tables.
set -eu
: "${BIN:=build/bin}"
found=0
for b in "$BIN"/bench_*; do
	[ -x "$b" ] || continue
	found=1
	printf '\n### %s\n' "$(basename "$b")"
	"$b"
done
[ $found -eq 1 ] || { echo "no benchmarks built" >&2; exit 1; }
