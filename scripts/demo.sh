#!/bin/sh
# The main job, as far as the project has grown: shows what the binaries do.
# (Grows with each issue until it runs the scenario suite and writes the report.)
set -eu
: "${BIN:=build/bin}"
say() { printf '\n== %s\n' "$*"; }

say "versions"
"$BIN/iscsi-bench" --version
"$BIN/iscsi-initiator" VersionInfo
"$BIN/iscsi-target-sim" --version

say "documented catalog (seed: Microsoft iSCSI Software Initiator 2.0 user guide)"
if "$BIN/iscsi-bench" catalog --json > /tmp/iscsi-bench-catalog.$$ 2>/dev/null; then
	python3 - /tmp/iscsi-bench-catalog.$$ <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["events"]; isd = d["isdsc"]
prt = sorted((int(k) for k, v in ev.items() if v["source"] == "iScsiPrt"))
exe = sorted((int(k) for k, v in ev.items() if v["source"] == "iScsiExe"))
print(f"iScsiPrt events {prt[0]}-{prt[-1]} ({len(prt)}), service events {exe[0]}-{exe[-1]} ({len(exe)}), ISDSC codes {len(isd)}")
for k in ("1", "20", "34"):
    print(f"  event {k:>3}: {ev[k]['message']}")
for k in ("ISDSC_AUTHENTICATION_FAILURE", "ISDSC_TARGET_MOVED_TEMPORARILY"):
    print(f"  {k} {isd[k]['code']}: {isd[k]['message']}")
PY
else
	echo "(catalog not available in this build)"
fi
rm -f /tmp/iscsi-bench-catalog.$$

say "CRC32C digest of a 1 MiB pattern (iscsi-bench crc32c)"
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
head -c 1048576 /dev/zero | tr '\0' 'A' > "$tmp"
"$BIN/iscsi-bench" crc32c "$tmp"

mkdir -p build/test-results
say "the scenario suite (the main job): iscsi-bench run"
if [ -d scenarios ] && find scenarios -name '*.yaml' | grep -q .; then
	"$BIN/iscsi-bench" run -j 2 --net "${NET:-loopback}" --html build/report \
	    --junit build/test-results/suite.xml scenarios && rc=0 || rc=$?
	echo "HTML report: build/report/index.html; JUnit: build/test-results/suite.xml"
else
	echo "(no scenarios yet)"
	rc=0
fi

say "done"
exit $rc
