#!/bin/sh
# bench/bench_target.sh: iscsi-perf (libiscsi-bin) against iscsi-target-sim
# and against tgtd (Debian package tgt) in one run, same LUN size, both
# RAM-backed (target-sim: anonymous memory; tgtd: a file on /dev/shm), both
# on 127.0.0.1, one after the other; 4 KiB reads at queue depth 32 and
# 256 KiB reads at queue depth 8.  Then 1,000 concurrent idle sessions and
# the target's memory per session (build/bin/bench_tsim_sessions).
#
#   BIN=build/bin bench/bench_target.sh      TSIM_BENCH_SECONDS=5 per run
#
# Bounded: 4 runs of TSIM_BENCH_SECONDS plus set-up, well under 2 minutes.
set -u
: "${BIN:=build/bin}"
DUR=${TSIM_BENCH_SECONDS:-5}
LUNSIZE=256M
IQN_SIM=iqn.2024-01.org.iscsi-bench:bench-sim
IQN_TGT=iqn.2024-01.org.iscsi-bench:bench-tgt

for t in iscsi-perf tgtd tgtadm timeout; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "bench_target: skipped, $t not installed (libiscsi-bin, tgt)"
		exit 0
	fi
done
[ -x "$BIN/iscsi-target-sim" ] || { echo "bench_target: $BIN/iscsi-target-sim missing" >&2; exit 1; }

WORK=$(mktemp -d /dev/shm/tsim-bench.XXXXXX)
SIM_PID=""
TGT_PID=""
CP=""
# tgtd leaves only once its targets are gone (SIGTERM alone is not enough)
stop_tgtd() {
	[ -n "$TGT_PID" ] || return 0
	tgtadm -C $CP --lld iscsi --op delete --mode target --tid 1 --force >/dev/null 2>&1
	tgtadm -C $CP --lld iscsi --op delete --mode system >/dev/null 2>&1
	i=0
	while kill -0 "$TGT_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$TGT_PID" 2>/dev/null && kill -KILL "$TGT_PID"
	wait "$TGT_PID" 2>/dev/null
	TGT_PID=""
}
cleanup() {
	[ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null
	stop_tgtd
	sleep 0.2
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# ---- iscsi-target-sim -----------------------------------------------------
"$BIN/iscsi-target-sim" --listen 127.0.0.1:0 --target $IQN_SIM --lun $LUNSIZE \
	>"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
i=0
while ! grep -q '^listening ' "$WORK/sim.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || { echo "bench_target: iscsi-target-sim did not start: $(cat "$WORK/sim.err")" >&2; exit 1; }
	sleep 0.1
done
SIM_PORT=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/sim.out" | head -1)

# ---- tgtd: its own control port and portal --------------------------------
port_busy() { ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 \|\*:$1 \|0.0.0.0:$1 "; }
CP=$((20000 + $$ % 12000))	# tgtd takes control ports up to 32767
while [ $CP -lt 32766 ] && { port_busy $CP || port_busy $((CP + 1)); }; do CP=$((CP + 2)); done
TGT_PORT=$((CP + 1))
truncate -s $LUNSIZE "$WORK/tgt.img"
tgtd -f -C $CP --iscsi portal=127.0.0.1:$TGT_PORT >"$WORK/tgtd.log" 2>&1 &
TGT_PID=$!
i=0
until tgtadm -C $CP --lld iscsi --op show --mode target >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 50 ] || { echo "bench_target: tgtd did not start: $(cat "$WORK/tgtd.log")" >&2; exit 1; }
	sleep 0.1
done
tgtadm -C $CP --lld iscsi --op new --mode target --tid 1 -T $IQN_TGT &&
tgtadm -C $CP --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$WORK/tgt.img" &&
tgtadm -C $CP --lld iscsi --op bind --mode target --tid 1 -I ALL ||
	{ echo "bench_target: tgtadm set-up failed" >&2; exit 1; }

# perf URL DEPTH BLOCKS: "IOPS MBPS" averaged over the run
perf() {
	out=$(timeout -s INT -k 5 "$DUR" iscsi-perf -m "$2" -b "$3" "$1" 2>&1 |
	    tr '\r' '\n' | grep 'iops average' | tail -1)
	iops=$(echo "$out" | sed -n 's/.*iops average \([0-9]*\) (\([0-9]*\) MB\/s).*/\1/p')
	mbps=$(echo "$out" | sed -n 's/.*iops average \([0-9]*\) (\([0-9]*\) MB\/s).*/\2/p')
	echo "${iops:-0} ${mbps:-0}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

printf '%-22s %12s %10s %12s %10s %8s %8s\n' "workload" "sim IOPS" "sim MB/s" \
	"tgtd IOPS" "tgtd MB/s" "IOPS x" "MB/s x"
for w in "4KiB-qd32 32 8" "256KiB-qd8 8 512"; do
	set -- $w
	s=$(perf "iscsi://127.0.0.1:$SIM_PORT/$IQN_SIM/0" "$2" "$3")
	g=$(perf "iscsi://127.0.0.1:$TGT_PORT/$IQN_TGT/1" "$2" "$3")
	set -- "$1" $s $g
	printf '%-22s %12s %10s %12s %10s %8s %8s\n' "$1 read" "$2" "$3" "$4" "$5" \
	    "$(ratio "$2" "$4")" "$(ratio "$3" "$5")"
done
echo "(each ${DUR} s of iscsi-perf on 127.0.0.1, LUN $LUNSIZE in RAM for both; x = sim / tgtd)"

kill -TERM "$SIM_PID"; wait "$SIM_PID"; SIM_PID=""
stop_tgtd

if [ -x "$BIN/bench_tsim_sessions" ]; then
	echo
	timeout 90 "$BIN/bench_tsim_sessions" 1000
fi
