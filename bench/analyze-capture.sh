#!/bin/sh
# Make a real capture of iSCSI traffic for bench_analyze: iscsi-target-sim
# on 127.0.0.1 (a free port, a 64 MiB RAM LUN), tcpdump -i lo on that port
# (full snap length, large buffer), and two libiscsi iscsi-perf sessions
# reading, one 4 KiB per request from the start, one 256 KiB per request
# from a quarter of the size on, until the file reaches MB megabytes.  The
# target requires digests (--digest crc32c): iscsi-perf offers
# HeaderDigest=None,CRC32C whatever its URL says, and no data digest, so
# the sessions run with HeaderDigest=CRC32C, DataDigest=None (tshark
# frames header digests).  When tcpdump reports
# dropped packets the capture is made again at queue depth 1 (at most 3
# tries).  Every process started here is stopped by its PID; every wait is
# bounded.  Not a benchmark itself (bench/run.sh runs bench_*).
#
#   bench/analyze-capture.sh OUT MB        (BIN: build/bin)
# On success prints "port N drops 0 qd Q" as its last line; exit 0.
# Exit 77 when a tool is missing or the capture cannot be made (the
# reason on stderr), 1 on other errors.
set -u
out=$1
mb=$2
: "${BIN:=build/bin}"
iqn=iqn.2024-01.org.example:bench
for t in tcpdump iscsi-perf; do
	command -v $t >/dev/null 2>&1 || { echo "$t not found" >&2; exit 77; }
done
[ -x "$BIN/iscsi-target-sim" ] || { echo "$BIN/iscsi-target-sim not built" >&2; exit 77; }
tmp=$(mktemp -d)
tsim= dump= perf1= perf2=

# stop PID [SIG]: signal it, wait at most 5 s, then SIGKILL
stop() {
	[ -n "$1" ] || return 0
	kill -"${2:-TERM}" "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
cleanup() {
	stop "$perf1" INT; stop "$perf2" INT; stop "$dump" INT; stop "$tsim"
	perf1= perf2= dump= tsim=
}
trap 'cleanup; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# capture QD: one attempt; sets drops
capture() {
	qd=$1
	rm -f "$out"
	"$BIN/iscsi-target-sim" --listen 127.0.0.1:0 --digest crc32c --target $iqn --lun 64M \
	    >"$tmp/tsim.out" 2>"$tmp/tsim.err" &
	tsim=$!
	i=0
	until grep -q '^listening ' "$tmp/tsim.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] && kill -0 $tsim 2>/dev/null || {
			echo "iscsi-target-sim did not start: $(cat "$tmp/tsim.err")" >&2
			return 1
		}
		sleep 0.1
	done
	port=$(sed -n 's/^listening .*:\([0-9]*\)$/\1/p' "$tmp/tsim.out" | head -n 1)
	# 128 MiB kernel buffer; buffered writes (no -U) keep up better
	tcpdump -i lo -s 0 -B 131072 -w "$out" "tcp port $port" \
	    2>"$tmp/tcpdump.err" &
	dump=$!
	i=0
	until grep -q "listening on" "$tmp/tcpdump.err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] && kill -0 $dump 2>/dev/null || {
			echo "tcpdump did not start: $(cat "$tmp/tcpdump.err")" >&2
			return 77
		}
		sleep 0.1
	done
	url="iscsi://127.0.0.1:$port/$iqn/0?header_digest=crc32c"
	# 4 KiB reads alone for the first quarter (many small PDUs), then
	# 256 KiB reads too (the bytes)
	iscsi-perf -m "$qd" -b 8 "$url" >"$tmp/perf2.out" 2>&1 &
	perf2=$!
	want=$((mb * 1000000))
	i=0
	while :; do
		size=$(stat -c %s "$out" 2>/dev/null || echo 0)
		[ "$size" -ge $want ] && break
		if [ -z "$perf1" ] && [ "$size" -ge $((want / 4)) ]; then
			iscsi-perf -m "$qd" -b 512 "$url" >"$tmp/perf1.out" 2>&1 &
			perf1=$!
		fi
		i=$((i + 1))
		if [ $i -gt 12000 ]; then		# 120 s
			echo "capture reached only $size bytes in 120 s" >&2
			return 1
		fi
		if ! kill -0 $perf2 2>/dev/null ||
		    { [ -n "$perf1" ] && ! kill -0 $perf1 2>/dev/null; }; then
			echo "iscsi-perf exited early: $(tail -c 300 "$tmp/perf2.out" "$tmp/perf1.out" 2>/dev/null)" >&2
			return 1
		fi
		sleep 0.01
	done
	stop "$perf1" INT; stop "$perf2" INT; perf1= perf2=
	sleep 0.2
	stop "$dump" INT; dump=
	stop "$tsim"; tsim=
	drops=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$tmp/tcpdump.err")
	[ -n "$drops" ] || { echo "tcpdump gave no drop count: $(cat "$tmp/tcpdump.err")" >&2; return 1; }
	ifdrops=$(sed -n 's/^\([0-9]*\) packets dropped by interface.*/\1/p' "$tmp/tcpdump.err")
	drops=$((drops + ${ifdrops:-0}))
	return 0
}

for qd in 4 1 1; do
	capture $qd
	rc=$?
	[ $rc -eq 0 ] || { cleanup; exit $rc; }
	[ "$drops" -eq 0 ] && { echo "port $port drops 0 qd $qd"; exit 0; }
	echo "tcpdump dropped $drops packets at queue depth $qd; capturing again" >&2
	cleanup
done
echo "tcpdump dropped packets in every try" >&2
exit 1
