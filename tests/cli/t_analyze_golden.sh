#!/bin/sh
# Golden traces: every traces/golden/*.pcapng (made by the project's own
# scenario runs, traces/make-golden-traces.sh) is analysed and must give
# what traces/golden/expect.json records for it: PDU total and count per
# opcode, sessions (type, TSIH, redirect origin, chosen parameters), digests
# per connection, findings per check, and the listed findings at their exact
# frame and PDU with their inferred event (digest errors 22/25, Reject 29,
# connection loss 20, ...).  Then tshark (tests/cli/tshark_oracle.py) must
# count the same PDUs per opcode, with the digest preferences when the trace
# has digests and this tshark has them.  Without tshark the expect.json
# checks still run and the test exits 77 saying the oracle was not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${BIN:=$root/build/bin}"
case $BIN in /*) ;; *) BIN=$root/$BIN ;; esac
command -v python3 >/dev/null 2>&1 || { echo "python3 not found"; exit 77; }
"$BIN/iscsi-bench" analyze --help >/dev/null 2>&1 || { echo "analyze not registered"; exit 77; }
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1

PYTHONPATH=$here python3 - "$BIN/iscsi-bench" "$root/traces/golden" $have_tshark <<'PY'
import glob, json, os, sys
import tshark_oracle as o

bench, gdir, have_tshark = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
expect = json.load(open(os.path.join(gdir, "expect.json")))
files = sorted(glob.glob(os.path.join(gdir, "*.pcapng")))
failed = 0
names = {os.path.basename(f) for f in files}
for missing in sorted(set(expect) - names):
    print(f"FAIL {missing}: in expect.json but not in traces/golden/")
    failed += 1
if len(files) < 8:
    print(f"FAIL only {len(files)} golden traces (want at least 8)")
    failed += 1


def check_expect(name, doc, want):
    bad = []
    for key in ("pdus", "opcodes", "findings_by_check"):
        if doc[key] != want[key]:
            bad.append(f"{key}: got {doc[key]}, want {want[key]}")
    digests = [f'{c["header_digest"]}/{c["data_digest"]}'
               for c in doc["connections"]]
    if digests != want["digests"]:
        bad.append(f"digests: got {digests}, want {want['digests']}")
    if len(doc["sessions"]) != len(want["sessions"]):
        bad.append(f"sessions: got {len(doc['sessions'])}, "
                   f"want {len(want['sessions'])}")
    for s, w in zip(doc["sessions"], want["sessions"]):
        for k in ("type", "tsih", "redirected_from"):
            if s[k] != w[k]:
                bad.append(f"session {s['id']} {k}: got {s[k]}, want {w[k]}")
        for k, v in w.get("params", {}).items():
            got = (s["params"] or {}).get(k)
            if got != v:
                bad.append(f"session {s['id']} {k}: got {got}, want {v}")
    for w in want["findings"]:
        hit = [f for f in doc["findings"]
               if f["check"] == w["check"] and f["frame"] == w["frame"]
               and f.get("pdu") == w.get("pdu")
               and (f["event"] or {}).get("event") == w.get("event")]
        if not hit:
            bad.append(f"no finding {w}")
    return bad


for f in files:
    name = os.path.basename(f)
    doc, err = o.analyze_json(bench, f)
    if err is not None:
        print(f"FAIL {name}: {err}")
        failed += 1
        continue
    if name not in expect:
        print(f"FAIL {name}: no entry in expect.json")
        failed += 1
        continue
    bad = check_expect(name, doc, expect[name])
    note = ""
    if have_tshark:
        hd, dd = o.digests_of(doc)
        dg = {}
        want, opts, err = o.tshark_counts(f, o.target_ports(doc), hd, dd, dg)
        if err is not None:
            bad.append(err)
        else:
            bad += ["tshark: " + x for x in o.compare(doc, want)]
            bad += ["tshark: " + x for x in o.digest_diff(doc, hd, dd, dg)]
            note = f", tshark {sum(want.values())}"
            if hd or dd:
                note += f" digests {dg['header_good']}+{dg['header_bad']}/" \
                    f"{dg['data_good']}+{dg['data_bad']}"
    print(("FAIL" if bad else "ok  ") + f" {name}: analyze {doc['pdus']} PDUs"
          f", {doc['findings_total']} findings{note}")
    for line in bad:
        print("     " + line)
    failed += bool(bad)
if failed:
    sys.exit(1)
if not have_tshark:
    print("expect.json checks passed; tshark not found, oracle comparison not run")
    sys.exit(77)
PY
