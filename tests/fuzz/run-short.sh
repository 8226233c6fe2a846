#!/bin/sh
# Run every libFuzzer harness in build/fuzz/ for a bounded time each, on its
# seed corpus (tests/fuzz/corpus/<name>/) copied to a scratch directory.
#   tests/fuzz/run-short.sh [SECONDS]   (default 20)
set -eu
secs=${1:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
found=0
for f in "$root"/build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	found=1
	name=$(basename "$f" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	if [ -d "$root/tests/fuzz/corpus/$name" ]; then
		cp -r "$root/tests/fuzz/corpus/$name/." "$work/"
	fi
	echo "fuzz $name: ${secs}s"
	mkdir "$work/corpus" "$work/artifacts"
	find "$work" -maxdepth 1 -type f -exec mv {} "$work/corpus/" \;
	rc=0
	"$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/artifacts/" "$work/corpus" > "$work/log" 2>&1 || rc=$?
	tail -6 "$work/log"
	if [ $rc -ne 0 ]; then
		echo "fuzz $name: FAILED (exit $rc); log and reproducer in $work"
		exit 1
	fi
	rm -rf "$work"
done
[ $found -eq 1 ] || { echo "no fuzz harnesses built (make fuzz)"; exit 1; }
