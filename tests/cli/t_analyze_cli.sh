#!/bin/sh
# iscsi-bench analyze: exit codes, damaged files (clear error + findings up
# to the damage), --json, --port / --no-detect, --ladder, --strict.
# Exit 77 while the subcommand is not registered in harness/main.c.
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
tr=$root/traces
"$BIN/iscsi-bench" analyze --help >/dev/null 2>&1 || skip "analyze not registered"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect_exit 2 "$BIN/iscsi-bench" analyze
expect_exit 2 "$BIN/iscsi-bench" analyze "$tr/tgt_inq.pcap" --port 70000
expect_exit 2 "$BIN/iscsi-bench" analyze "$tr/tgt_inq.pcap" --bogus
expect_exit 1 "$BIN/iscsi-bench" analyze "$tmp/none.pcap"
expect_out "No such file"
printf 'this is not a capture file at all\n' > "$tmp/text.pcap"
expect_exit 1 "$BIN/iscsi-bench" analyze "$tmp/text.pcap"
expect_out "format"

# a zero-byte file is called empty, not "truncated"; a directory is named
: > "$tmp/zero.pcap"
expect_exit 1 "$BIN/iscsi-bench" analyze "$tmp/zero.pcap"
expect_out "zero.pcap: empty file (0 bytes), not a pcap or pcapng capture"
expect_exit 2 "$BIN/iscsi-bench" replay "$tmp/zero.pcap" --as target -o "$tmp/z.yaml"
expect_out "iscsi-bench replay: $tmp/zero.pcap: empty file"
case "$OUT" in *"zero.pcap: $tmp/zero.pcap"*) fail "file named twice: $OUT";; esac
expect_exit 1 "$BIN/iscsi-bench" analyze "$tmp"
expect_out "Is a directory"
# a capture without iSCSI says why the report is empty
python3 - "$tmp/http.pcap" <<'PY'
import struct, sys
tcp = struct.pack('!HHIIBBHHH', 40000, 80, 1, 0, 0x50, 0x18, 65535, 0, 0)
data = b'GET / HTTP/1.0\r\n\r\n'
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(data), 0, 0, 64, 6, 0,
                 bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
frame = b'\0' * 12 + b'\x08\x00' + ip + tcp + data
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack('<IIII', 1, 0, len(frame), len(frame)) + frame)
PY
expect_exit 0 "$BIN/iscsi-bench" analyze "$tmp/http.pcap"
expect_out "1 frames (Ethernet), 0 PDUs"
expect_out "no iSCSI PDUs found"

# a clean capture: summary with the session and no error finding
expect_exit 0 "$BIN/iscsi-bench" analyze --strict "$tr/tgt_inq.pcap"
expect_out "iqn.2024-01.org.example.bench:analyze"
expect_out "Findings: 0"

# RFC 7143 11.13.5 0x0201 -> event 10, ISDSC_AUTHENTICATION_FAILURE
expect_exit 3 "$BIN/iscsi-bench" analyze --strict "$tr/tgt_chap_badsecret.pcap"
expect_out "LOGIN_FAILED"
expect_out "ISDSC_AUTHENTICATION_FAILURE"

# truncated file: the error, the PDUs decoded before it, exit 1
head -c 2500 "$tr/tgt_chap.pcap" > "$tmp/trunc.pcap"
expect_exit 1 "$BIN/iscsi-bench" analyze "$tmp/trunc.pcap"
expect_out "truncated"
expect_out "PDUs by opcode"
"$BIN/iscsi-bench" analyze --json "$tmp/trunc.pcap" > "$tmp/trunc.json" 2>/dev/null
python3 - "$tmp/trunc.json" <<'PY' || fail "truncated --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["error"] and "truncated" in d["error"], d["error"]
assert d["pdus"] > 0 and d["opcodes"]["Login Request"] >= 1, d["opcodes"]
PY

# non-standard port: found from the Login Request unless --no-detect
expect_exit 0 "$BIN/iscsi-bench" analyze --no-detect "$tr/tgt_altport.pcap"
expect_out "0 PDUs"
expect_exit 0 "$BIN/iscsi-bench" analyze --no-detect --port 13261 "$tr/tgt_altport.pcap"
expect_out "12 PDUs"
expect_exit 0 "$BIN/iscsi-bench" analyze "$tr/tgt_altport.pcap"
expect_out "12 PDUs"

# ladder of session 1 (CHAP login): a well-formed SVG with every PDU
expect_exit 0 "$BIN/iscsi-bench" analyze --ladder "$tmp/l.svg" "$tr/tgt_chap.pcap"
python3 - "$tmp/l.svg" <<'PY' || fail "ladder SVG"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
lines = [e for e in root.iter("{http://www.w3.org/2000/svg}line")
         if e.get("marker-end")]
assert len(lines) == 18, len(lines)
PY
expect_exit 0 "$BIN/iscsi-bench" analyze --ladder "$tmp/x.svg" --session 9 "$tr/tgt_chap.pcap"
expect_out "no PDUs"
[ ! -e "$tmp/x.svg" ] || fail "ladder written for a missing session"
exit 0
