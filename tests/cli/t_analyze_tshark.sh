#!/bin/sh
# For every capture in traces/ (and $ANALYZE_TRACES, space-separated extra
# files), `iscsi-bench analyze --json` must decode exactly the PDUs tshark
# decodes: the same total and the same count per opcode.  tshark is the
# oracle: `tshark -r FILE -Y iscsi -T fields -e iscsi.opcode`, every
# occurrence counted (several PDUs in one frame give "0x25,0x25,0x21"),
# with `-d tcp.port==N,iscsi` for every target port the analyzer found
# besides 3260 (found from a Login Request on that port).
# Exit 77 without tshark or python3.
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

python3 - "$BIN/iscsi-bench" $files <<'PY'
import json, subprocess, sys

# RFC 7143 11.1.1 opcodes, named as pdu_opcode_name() names them
NAMES = {0x00: "NOP-Out", 0x01: "SCSI Command", 0x02: "TMF Request",
         0x03: "Login Request", 0x04: "Text Request", 0x05: "SCSI Data-Out",
         0x06: "Logout Request", 0x10: "SNACK Request", 0x20: "NOP-In",
         0x21: "SCSI Response", 0x22: "TMF Response", 0x23: "Login Response",
         0x24: "Text Response", 0x25: "SCSI Data-In", 0x26: "Logout Response",
         0x31: "R2T", 0x32: "Async Message", 0x3f: "Reject"}

bench, files = sys.argv[1], sys.argv[2:]
failed = 0
for f in files:
    r = subprocess.run([bench, "analyze", "--json", f], capture_output=True,
                       text=True, timeout=120)
    if r.returncode != 0:
        print(f"FAIL {f}: analyze exited {r.returncode}: {r.stderr.strip()}")
        failed += 1
        continue
    doc = json.loads(r.stdout)
    ports = sorted({int(c["target"].rsplit(":", 1)[1])
                    for c in doc["connections"]} - {3260})
    cmd = ["tshark", "-n", "-r", f]
    for p in ports:
        cmd += ["-d", f"tcp.port=={p},iscsi"]
    cmd += ["-Y", "iscsi", "-T", "fields", "-e", "iscsi.opcode",
            "-E", "occurrence=a", "-E", "aggregator=,"]
    t = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if t.returncode != 0:
        print(f"FAIL {f}: tshark exited {t.returncode}: {t.stderr.strip()}")
        failed += 1
        continue
    want = {}
    for line in t.stdout.split():
        for v in line.split(","):
            if v:
                n = NAMES.get(int(v, 16) & 0x3f, f"opcode 0x{int(v, 16) & 0x3f:02x}")
                want[n] = want.get(n, 0) + 1
    total = sum(want.values())
    ok = doc["pdus"] == total and doc["opcodes"] == want
    print(("ok  " if ok else "FAIL") + f" {f}: analyze {doc['pdus']} PDUs, "
          f"tshark {total}" + ("" if not ports else f" (ports {ports})"))
    if not ok:
        for k in sorted(set(want) | set(doc["opcodes"])):
            a, b = doc["opcodes"].get(k, 0), want.get(k, 0)
            if a != b:
                print(f"     {k}: analyze {a}, tshark {b}")
        failed += 1
sys.exit(1 if failed else 0)
PY
