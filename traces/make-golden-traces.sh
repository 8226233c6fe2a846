#!/bin/sh
# Regenerate traces/golden/*.pcapng: the captures of a few of the project's
# own scenario runs (`iscsi-bench run --keep --net loopback`), copied under
# stable names.  Each is small (the scenarios move little data) and covers
# one thing the analyzer must keep decoding and reporting the same way;
# tests/cli/t_analyze_golden.sh checks them against traces/golden/expect.json
# and tshark.  After regenerating, run that test: the counts in expect.json
# are exact and a new run may differ (ports, timing): review and update it.
#
#   traces/make-golden-traces.sh [BIN]     (default BIN: build/bin;
#                                           GOLDEN_OUT: another directory)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
bin=${1:-build/bin}
out=${GOLDEN_OUT:-traces/golden}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# golden name            scenario
list="
plain-read-write         traces/golden/scenarios/plain-read-write.yaml
digests-read-write       traces/golden/scenarios/digests-read-write.yaml
digest-header-error      scenarios/digest/header-data-in.yaml
digest-data-error        scenarios/digest/data-data-in.yaml
redirect-temporary       scenarios/redirect/temporary-to-second-portal.yaml
reject-invalid-pdu-field scenarios/reject/reason-09-invalid-pdu-field.yaml
async-scsi-event         scenarios/async/scsi-event.yaml
drop-reinstatement       scenarios/recovery/reinstatement-tsih-zero.yaml
discovery-sendtargets    scenarios/discovery/sendtargets-several-targets.yaml
chap-mutual              scenarios/auth/mutual-sha256.yaml
"
files=$(echo "$list" | awk 'NF == 2 { print $2 }')
# shellcheck disable=SC2086
"$bin/iscsi-bench" run -j 1 --keep --net loopback --out "$tmp/runs" $files || {
	echo "make-golden-traces: a scenario failed; traces/golden left as it was" >&2
	exit 1
}
while read -r gname scn; do
	[ -n "$gname" ] || continue
	sname=$(sed -n 's/^name: *//p' "$scn" | head -n 1)
	cap="$tmp/runs/$sname/capture.pcapng"
	[ -f "$cap" ] || { echo "make-golden-traces: no capture for $scn" >&2; exit 1; }
	cp "$cap" "$out/$gname.pcapng"
	echo "$out/$gname.pcapng: $(wc -c <"$out/$gname.pcapng") bytes (from $scn)"
done <<LIST
$list
LIST
