#!/bin/sh
# Run every tests/cli/t_*.sh with BIN pointing at the built binaries.
set -u
: "${BIN:=build/bin}"
export BIN
dir=$(dirname "$0")
pass=0; fail=0; skip=0
for t in "$dir"/t_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$(sh "$t" 2>&1); rc=$?
	case $rc in
	0) pass=$((pass+1)); echo "ok   $name";;
	77) skip=$((skip+1)); echo "skip $name: $(echo "$out" | tail -1)";;
	*) fail=$((fail+1)); echo "FAIL $name (exit $rc)"; echo "$out" | sed 's/^/     /' | tail -40;;
	esac
done
echo "cli tests: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
