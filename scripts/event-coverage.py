#!/usr/bin/env python3
"""Which iScsiPrt event IDs (1-62) the scenario suite causes: a Markdown table.

   scripts/event-coverage.py [SEED_CATALOG_JSON]

An event counts as covered when a scenario expects it (events include/order/count).
Needs PyYAML; the catalog JSON is `iscsi-bench catalog --json` output."""
import glob, json, subprocess, sys
import yaml

if len(sys.argv) > 1:
    cat = json.load(open(sys.argv[1]))
else:
    cat = json.loads(subprocess.run(["build/bin/iscsi-bench", "catalog", "--json"],
                                    capture_output=True, check=True, text=True).stdout)
cov = {}
for f in sorted(glob.glob("scenarios/*/*.yaml")):
    d = yaml.safe_load(open(f))
    ev = (d.get("expect") or {}).get("events") or {}
    ids = set(ev.get("include") or []) | set(ev.get("order") or [])
    for c in ev.get("count") or []:
        if c.get("exactly", 1) != 0 and c.get("max", 1) != 0:
            ids.add(c["event"])
    for i in ids:
        cov.setdefault(int(i), []).append(d["name"])
print("| event | message | scenarios |\n| --- | --- | --- |")
for i in range(1, 63):
    names = cov.get(i, [])
    shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
    print(f"| {i} | {cat['events'][str(i)]['message']} | {shown or '—'} |")
