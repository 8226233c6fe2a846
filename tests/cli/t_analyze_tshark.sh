#!/bin/sh
# For every capture in traces/ (and $ANALYZE_TRACES, space-separated extra
# files), `iscsi-bench analyze --json` must decode exactly the PDUs tshark
# decodes: the same total and the same count per opcode.  tshark is the
# oracle (tests/cli/tshark_oracle.py: the top-level iSCSI layers of
# `tshark -r FILE -Y iscsi -T pdml`, so the header a Reject carries is not
# counted; out-of-order TCP segments reassembled), with
# `-d tcp.port==N,iscsi` for every target port the analyzer found besides
# 3260 and the digest preferences when analyze found digests and this
# tshark has them.  Where analyze found digests tshark must have decoded
# them too (tshark_oracle.digest_diff), and a capture named *hdigest* must
# have HeaderDigest=CRC32C.  traces/golden/ has its own test
# (t_analyze_golden.sh).  Exit 77 without tshark or python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${BIN:=$root/build/bin}"
case $BIN in /*) ;; *) BIN=$root/$BIN ;; esac
command -v tshark >/dev/null 2>&1 || { echo "tshark not found"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 not found"; exit 77; }
files=$(ls "$root"/traces/*.pcap "$root"/traces/*.pcapng 2>/dev/null)
files="$files ${ANALYZE_TRACES:-}"
[ -n "$(echo $files)" ] || { echo "no captures in traces/"; exit 77; }
"$BIN/iscsi-bench" analyze --help >/dev/null 2>&1 || { echo "analyze not registered"; exit 77; }

PYTHONPATH=$here python3 - "$BIN/iscsi-bench" $files <<'PY'
import sys
import tshark_oracle as o

bench, files = sys.argv[1], sys.argv[2:]
failed = 0
for f in files:
    doc, err = o.analyze_json(bench, f)
    if err is None:
        ports = o.target_ports(doc)
        hd, dd = o.digests_of(doc)
        dg = {}
        want, opts, err = o.tshark_counts(f, ports, hd, dd, dg)
    if err is not None:
        print(f"FAIL {f}: {err}")
        failed += 1
        continue
    diff = o.compare(doc, want) + o.digest_diff(doc, hd, dd, dg)
    if "hdigest" in f.rsplit("/", 1)[-1] and not hd:
        diff.append("named hdigest but no connection has HeaderDigest=CRC32C")
    note = "" if not ports else f" (ports {ports})"
    if hd or dd:
        note += f" digests {dg['header_good']}+{dg['header_bad']}/" \
            f"{dg['data_good']}+{dg['data_bad']}"
    print(("FAIL" if diff else "ok  ") + f" {f}: analyze {doc['pdus']} PDUs, "
          f"tshark {sum(want.values())}{note}")
    for line in diff:
        print("     " + line)
    failed += bool(diff)
sys.exit(1 if failed else 0)
PY
