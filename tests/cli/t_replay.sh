#!/bin/sh
# iscsi-bench replay --as target: (a) scenarios with a reject, a redirect,
# an Async message, a digest error, drops and a login status are run and
# captured, each capture becomes a scenario, and the generated scenario
# must pass (every generated rule fired: faults_fired) with the expected
# rule kinds; (b) the tgtd captures of traces/ are replayed and some of
# them run; (c) bad input: exit 2, a clear message, nothing overwritten.
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
tr=$root/traces
bench=$BIN/iscsi-bench
case $bench in /*) ;; *) bench=$root/$bench ;; esac
"$bench" replay --help >/dev/null 2>&1 || skip "replay not registered"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$root" || fail "cd $root"

# ---- (c) bad input -------------------------------------------------------
expect_exit 2 "$bench" replay
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" -o "$tmp/x.yaml"
expect_out "--as target"
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" --as initiator -o "$tmp/x.yaml"
expect_out "only the target"
expect_exit 2 "$bench" replay "$tmp/none.pcap" --as target -o "$tmp/x.yaml"
expect_out "No such file"
printf 'this is not a capture file at all\n' > "$tmp/text.pcap"
expect_exit 2 "$bench" replay "$tmp/text.pcap" --as target -o "$tmp/x.yaml"
head -c 24 "$tr/tgt_inq.pcap" > "$tmp/empty.pcap"	# header, no packet
expect_exit 2 "$bench" replay "$tmp/empty.pcap" --as target -o "$tmp/x.yaml"
expect_out "no iSCSI PDUs"
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" --as target --session 9 -o "$tmp/x.yaml"
expect_out "1 session (1..1)"
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" --as target --session 0 -o "$tmp/x.yaml"
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" --as target -o "$tmp/no/such/dir/x.yaml"
expect_out "cannot write"
[ ! -e "$tmp/x.yaml" ] || fail "a failed replay left $tmp/x.yaml"
echo "keep me" > "$tmp/exists.yaml"
expect_exit 2 "$bench" replay "$tr/tgt_inq.pcap" --as target -o "$tmp/exists.yaml"
expect_out "--force"
[ "$(cat "$tmp/exists.yaml")" = "keep me" ] || fail "existing -o file overwritten"
expect_exit 0 "$bench" replay "$tr/tgt_inq.pcap" --as target -o "$tmp/exists.yaml" --force
grep -q "^tags: \[replay\]" "$tmp/exists.yaml" || fail "--force did not replace the file"
[ -z "$(ls "$tmp" | grep '\.tmp')" ] || fail "temporary file left: $(ls "$tmp")"

# ---- (b) the tgtd captures -------------------------------------------------
mkdir "$tmp/tgt"
for f in "$tr"/tgt_*.pcap; do
	n=$(basename "$f" .pcap)
	expect_exit 0 "$bench" replay "$f" --as target -o "$tmp/tgt/$n.yaml"
	grep -q "^name: replay-$n$" "$tmp/tgt/$n.yaml" || fail "$n: name"
done
g=$tmp/tgt
# iscsi-ls: a discovery session, then a login refused at its first request
grep -q "AddTargetPortal \${p1.addr} \${p1.port}" "$g/tgt_ls.yaml" || fail "tgt_ls: discovery"
grep -q "match: {direction: in, opcode: login_req, key: InitiatorName, nth: 2}" "$g/tgt_ls.yaml" ||
	fail "tgt_ls: login_status rule on the 2nd login"
grep -q "action: {type: login_status, status: 0x0201}" "$g/tgt_ls.yaml" || fail "tgt_ls: 0x0201"
# wrong CHAP secret: refused on the CHAP_R request; CHAP with a placeholder
grep -q "key: CHAP_R, nth: 1}" "$g/tgt_chap_badsecret.yaml" || fail "badsecret: CHAP_R rule"
grep -q "chap: {user: benchuser, secret: replay-secret-1}" "$g/tgt_chap.yaml" || fail "tgt_chap: auth"
grep -q "benchuser replay-secret-1 1 \* 0" "$g/tgt_chap.yaml" || fail "tgt_chap: script credentials"
# LUN 1 of 8 MiB from READ CAPACITY; a portal on port 13261
grep -q "8M    # LUN 1: 16384 blocks of 512 bytes" "$g/tgt_perf.yaml" || fail "tgt_perf: LUN size"
grep -q "captured 127.0.0.2:13261" "$g/tgt_altport.yaml" || fail "tgt_altport: portal"
grep -q "^rules: \[\]" "$g/tgt_inq.yaml" || fail "tgt_inq: no rules expected"
expect_exit 0 "$bench" run -j 1 --net loopback --out "$tmp/tgtruns" \
    "$g/tgt_inq.yaml" "$g/tgt_chap.yaml" "$g/tgt_chap_badsecret.yaml" \
    "$g/tgt_ls.yaml" "$g/tgt_readcap16_hdigest.yaml"
expect_out "5 passed"

# ---- (a) our own runs, captured and replayed ------------------------------
# scenario file | rule kinds the replay must contain
cases="reject/reason-04-protocol-error.yaml:reject
redirect/temporary-to-second-portal.yaml:redirect
async/logout-request.yaml:async
digest/data-data-in.yaml:corrupt_digest
drop/mid-read-rst.yaml:drop
drop/login-security-drop.yaml:drop
async/connection-drop.yaml:async"
files=$(echo "$cases" | sed 's/:.*//; s|^|scenarios/|')
# shellcheck disable=SC2086
"$bench" run -j 1 --keep --net loopback --out "$tmp/runs" $files >"$tmp/run.log" 2>&1 ||
	fail "the original scenarios failed: $(cat "$tmp/run.log")"
n=0
for f in "$tmp"/runs/*/capture.pcapng; do [ -s "$f" ] && n=$((n + 1)); done
[ "$n" -gt 0 ] || skip "no capture was made (needs CAP_NET_RAW): part (a) not run"
mkdir "$tmp/gen"
for c in $cases; do
	file=scenarios/${c%%:*}
	kinds=${c#*:}
	name=$(sed -n 's/^name: *//p' "$file")
	cap=$tmp/runs/$name/capture.pcapng
	[ -s "$cap" ] || fail "$name: no capture"
	out=$tmp/gen/$name.yaml
	expect_exit 0 "$bench" replay "$cap" --as target -o "$out"
	for k in $kinds; do
		grep -q "action: {type: $k" "$out" || fail "$name: no $k rule in $(cat "$out")"
	done
	grep -q "faults_fired:" "$out" || fail "$name: no faults_fired"
done
expect_exit 0 "$bench" run -j 1 --net loopback --out "$tmp/genruns" "$tmp"/gen/*.yaml
expect_out "7 passed"
echo "ok: replay (bad input, $(ls "$g" | wc -l) tgtd captures, 7 captured runs replayed)"
