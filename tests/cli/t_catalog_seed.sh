#!/bin/sh
# `iscsi-bench catalog --json` must carry the seed's tables word for word:
# its "events" and "isdsc" members must equal, as parsed JSON, what the
# seed extraction tool prints for seed 004 (Microsoft iSCSI Software
# Initiator 2.0 user guide, Appendix B and D).
#
# Env: BIN (directory of the binaries, default build/bin), ISCSI_SEED_DIR
# (default ../shared/seeds relative to the repository root).  The tool is
# <seed dir>/../tools/seed_catalog.py.  Exit 77 (skip) without the seed or
# python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${BIN:=$root/build/bin}"
case $BIN in /*) ;; *) BIN=$root/$BIN ;; esac
seeddir=${ISCSI_SEED_DIR:-$root/../shared/seeds}

if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 not found"
	exit 77
fi
seed=$(ls "$seeddir"/004_*.txt 2>/dev/null | head -n 1)
tool=$seeddir/../tools/seed_catalog.py
if [ -z "$seed" ] || [ ! -r "$seed" ]; then
	echo "seed 004_*.txt not found in $seeddir (set ISCSI_SEED_DIR)"
	exit 77
fi
if [ ! -r "$tool" ]; then
	echo "seed tool not found: $tool"
	exit 77
fi
if [ ! -x "$BIN/iscsi-bench" ]; then
	echo "FAIL: $BIN/iscsi-bench not built"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$BIN/iscsi-bench" catalog --json >"$tmp/ours.json"; then
	echo "FAIL: iscsi-bench catalog --json exited with an error"
	exit 1
fi
if ! python3 "$tool" "$seed" >"$tmp/seed.json"; then
	echo "FAIL: $tool failed on $seed"
	exit 1
fi

python3 - "$tmp/ours.json" "$tmp/seed.json" <<'PY'
import json, sys

def load(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as e:
        print("FAIL: %s output is not valid JSON: %s" % (what, e))
        sys.exit(1)

ours = load(sys.argv[1], "iscsi-bench catalog --json")
seed = load(sys.argv[2], "seed tool")
bad = 0
for table in ("events", "isdsc"):
    a, b = ours.get(table), seed.get(table)
    if not isinstance(a, dict):
        print("FAIL: catalog output has no object %r" % table)
        bad += 1
        continue
    for key in sorted(set(a) | set(b), key=lambda k: (len(k), k)):
        if key not in a:
            print("%s[%s]: missing from catalog; seed has %s"
                  % (table, key, json.dumps(b[key])))
        elif key not in b:
            print("%s[%s]: not in the seed; catalog has %s"
                  % (table, key, json.dumps(a[key])))
        elif a[key] != b[key]:
            for field in sorted(set(a[key]) | set(b[key])):
                if a[key].get(field) != b[key].get(field):
                    print("%s[%s].%s: catalog %s, seed %s" % (
                        table, key, field,
                        json.dumps(a[key].get(field)),
                        json.dumps(b[key].get(field))))
        else:
            continue
        bad += 1
if bad:
    print("FAIL: %d entries differ from the seed" % bad)
    sys.exit(1)
print("ok: %d events and %d ISDSC codes match the seed"
      % (len(seed["events"]), len(seed["isdsc"])))
PY
