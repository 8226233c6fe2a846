#!/bin/sh
# Regenerate the tgt_*.pcap captures: tgtd on 127.0.0.2 (loopback) with a
# file-backed LUN, libiscsi's tools as the initiator, tcpdump -i lo.
# Needs root, tgt, libiscsi-bin and tcpdump.  The *_hdigest captures are
# made with target 1 offering HeaderDigest/DataDigest CRC32C,None: libiscsi
# 1.19's tools offer HeaderDigest=None,CRC32C and DataDigest=None whatever
# the URL says (header_digest=crc32c is kept in it), and tgtd answers its
# own first choice, so they get HeaderDigest=CRC32C, DataDigest=None; the
# captures without digests are made before target 1 is told to take
# CRC32C (tgtd's default is None only).  Every process started here is
# stopped by its PID; every wait is bounded.
#
#   traces/make-tgt-traces.sh [OUTDIR]     (default: the directory of this script)
set -u
out=${1:-$(cd "$(dirname "$0")" && pwd)}
ip=127.0.0.2
port=3260
altport=13261
ctl=29606
iqn=iqn.2024-01.org.example.bench:analyze
iqnchap=iqn.2024-01.org.example.bench:chap
tmp=$(mktemp -d)
tgtpid=
dumppid=

cleanup() {
	[ -n "$dumppid" ] && kill "$dumppid" 2>/dev/null
	if [ -n "$tgtpid" ]; then
		# tgtd ignores SIGTERM: ask it over its control port first
		timeout 5 tgtadm -C "$ctl" --mode system --op delete >/dev/null 2>&1
		i=0; while kill -0 "$tgtpid" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
		kill -KILL "$tgtpid" 2>/dev/null
		wait "$tgtpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

adm() { tgtadm -C "$ctl" --lld iscsi "$@"; }

dd if=/dev/zero of="$tmp/lun1.img" bs=1M count=8 status=none
dd if=/dev/zero of="$tmp/lun2.img" bs=1M count=4 status=none
tgtd -f -C "$ctl" --iscsi portal=$ip:$port >"$tmp/tgtd.log" 2>&1 &
tgtpid=$!
sleep 0.3
kill -0 "$tgtpid" 2>/dev/null || { echo "tgtd exited" >&2; cat "$tmp/tgtd.log" >&2; exit 1; }
i=0
until adm --mode target --op show >/dev/null 2>&1; do
	i=$((i+1)); [ $i -lt 50 ] || { echo "tgtd did not start" >&2; cat "$tmp/tgtd.log" >&2; exit 1; }
	sleep 0.1
done
adm --mode target --op new --tid 1 -T "$iqn"
adm --mode logicalunit --op new --tid 1 --lun 1 -b "$tmp/lun1.img"
adm --mode target --op bind --tid 1 -I ALL
adm --mode target --op new --tid 2 -T "$iqnchap"
adm --mode logicalunit --op new --tid 2 --lun 1 -b "$tmp/lun2.img"
adm --mode target --op bind --tid 2 -I ALL
adm --mode account --op new --user benchuser --password benchsecret12
adm --mode account --op bind --tid 2 --user benchuser
adm --mode portal --op new --param portal=$ip:$altport

# capture NAME PORT [tcpdump -c COUNT] -- CMD...
capture() {
	name=$1; cport=$2; shift 2
	count=
	if [ "$1" = "-c" ]; then count="-c $2"; shift 2; fi
	[ "$1" = "--" ] && shift
	rm -f "$out/$name"
	# shellcheck disable=SC2086
	tcpdump -i lo -s 0 -U --immediate-mode $count -w "$out/$name" "host $ip and tcp port $cport" >"$tmp/tcpdump.log" 2>&1 &
	dumppid=$!
	i=0
	until grep -q "listening on" "$tmp/tcpdump.log" 2>/dev/null; do
		i=$((i+1)); [ $i -lt 50 ] || break; sleep 0.1
	done
	timeout -s INT 20 "$@" >"$tmp/cmd.log" 2>&1 || true
	sleep 1
	kill -INT "$dumppid" 2>/dev/null
	i=0; while kill -0 "$dumppid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	dumppid=
	echo "$name: $(wc -c <"$out/$name") bytes; $(head -c 300 "$tmp/cmd.log" | tr '\n' ' ')"
}

url=iscsi://$ip:$port/$iqn/1
capture tgt_ls.pcap $port -- iscsi-ls -s iscsi://$ip:$port
capture tgt_inq.pcap $port -- iscsi-inq "$url"
capture tgt_chap.pcap $port -- iscsi-inq "iscsi://benchuser%benchsecret12@$ip:$port/$iqnchap/1"
capture tgt_chap_badsecret.pcap $port -- iscsi-inq "iscsi://benchuser%wrongsecret12@$ip:$port/$iqnchap/1"
capture tgt_altport.pcap $altport -- iscsi-inq "iscsi://$ip:$altport/$iqn/1"
capture tgt_perf.pcap $port -c 160 -- timeout -s INT 3 iscsi-perf -m 4 -b 8 "$url"
# from here on target 1 takes digests (tgtd's default is None only)
adm --mode target --op update --tid 1 --name HeaderDigest --value CRC32C,None
adm --mode target --op update --tid 1 --name DataDigest --value CRC32C,None
capture tgt_perf_hdigest.pcap $port -c 120 -- timeout -s INT 3 iscsi-perf -m 4 -b 16 "$url?header_digest=crc32c"
capture tgt_readcap16_hdigest.pcap $port -- iscsi-readcapacity16 "$url?header_digest=crc32c"
