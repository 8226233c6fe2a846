# Helpers for tests/cli/t_run_interrupt*.sh (sourced after lib.sh and
# after setting $tmp): start a harness run of a slow scenario in its own
# process group, find the processes it started (by the scenario's unique
# name in their command lines, then by PID and process group), check that
# an interrupt left nothing behind and reported the scenario as an error.
# The EXIT trap stops a run left by a failed check (by its process group;
# the processes it started die with it).
# a failed check must not leave the run behind: stop it by its process group
bench=
trap '[ -n "$bench" ] && kill -KILL "-$bench" 2>/dev/null; rm -rf "$tmp"' EXIT
uniq="intr$$x$(date +%s%N | tail -c 7)"

# slow_scenario FILE NAME INITIATOR-LINES [MORE-YAML]: a scenario whose
# initiator sleeps
slow_scenario() {
	cat > "$1" <<EOF
name: $2
timeout: 120
target:
  portals:
    - {name: p1, address: "127.0.0.1:0"}
  targets:
    - name: iqn.2026-11.org.iscsi-bench:$2
      portals: [p1]
      luns: [1M]
initiator:
$3
expect:
  exit: 0
${4:-}
EOF
}
OURS='  script: |
    LoginTarget iqn.2026-11.org.iscsi-bench:NAME T ${p1.addr} ${p1.port} * * * * * * * 0 * * * 0 * 0
    Sleep 60000
    LogoutTarget $SID'

# start NAME ARGS...: the harness in its own session and process group (as a
# shell's foreground job; the signals a script's "&" would ignore are reset),
# output in $tmp/NAME.out; its pid in $bench
start() {
	n=$1; shift
	setsid env --default-signal=INT,TERM,HUP "$BIN/iscsi-bench" run \
	    --net "${NET:-loopback}" --out "$tmp/runs" --junit "$tmp/$n.xml" "$@" \
	    > "$tmp/$n.out" 2>&1 &
	bench=$!
}

# live: the processes that are not zombies (a killed grandchild waits for
# init to reap it), as "pid pgid args" lines in $tmp/ps
live() {
	ps -eo pid=,pgid=,stat=,args= | awk '$3 !~ /^Z/ {
	    $3 = ""; print }' > "$tmp/ps"
}

# procs NAME: "pid pgid" of every live process whose command line holds NAME
procs() {
	live
	grep -F -- "$1" "$tmp/ps" | awk '{print $1, $2}'
}

# wait_tools NAME PATTERN...: wait (bounded) until a process of the run
# matching each PATTERN runs; their "pid pgid" lines go to $tmp/tools
wait_tools() {
	n=$1; shift
	i=0
	while [ $i -lt 300 ]; do
		live
		: > "$tmp/tools"
		all=1
		for p in "$@"; do
			grep -F -- "$n" "$tmp/ps" | grep -F -- "$p" |
			    awk '{print $1, $2}' >> "$tmp/tools"
			grep -F -- "$n" "$tmp/ps" | grep -qF -- "$p" || all=0
		done
		if [ $all -eq 1 ]; then
			# not forked by setsid: the harness leads its own group
			[ "$(ps -o pgid= -p "$bench" | tr -d ' ')" = "$bench" ] ||
			    fail "the harness does not lead its process group"
			return 0
		fi
		kill -0 "$bench" 2>/dev/null || fail "the run ended early: $(cat "$tmp/$n.out")"
		sleep 0.1
		i=$((i + 1))
	done
	fail "the tools of $n did not start: $(cat "$tmp/$n.out")"
}

# check_stopped NAME: exit 130, nothing of the run left, reported interrupted
check_stopped() {
	n=$1
	wait "$bench"; rc=$?
	bench=
	[ "$rc" -eq 130 ] || fail "$n: exit $rc, expected 130: $(cat "$tmp/$n.out")"
	cp "$tmp/tools" "$tmp/started"
	live
	while read -r pid pgid; do
		awk -v p="$pid" '$1 == p { exit 1 }' "$tmp/ps" ||
		    fail "$n: process $pid is still running"
		awk -v g="$pgid" '$2 == g { exit 1 }' "$tmp/ps" ||
		    fail "$n: process group $pgid still has members: $(cat "$tmp/ps")"
	done < "$tmp/started"
	left=$(procs "$n")
	[ -z "$left" ] || fail "$n: processes left: $(grep -F -- "$n" "$tmp/ps")"
	out=$(cat "$tmp/$n.out")
	case $out in *"$n "*" error "*"interrupted"*) ;;
	*) fail "$n: summary does not say error/interrupted: $out";; esac
	case $out in *"1 scenarios: 0 passed, 0 failed, 1 errors"*) ;;
	*) fail "$n: summary totals wrong: $out";; esac
	grep -q "<error message=\"interrupted" "$tmp/$n.xml" ||
	    fail "$n: JUnit lacks the interrupted error: $(cat "$tmp/$n.xml")"
	grep -q 'errors="1"' "$tmp/$n.xml" || fail "$n: JUnit errors count"
	grep -q '"status":"error","reason":"interrupted"' \
	    "$tmp/runs/$n/result.json" || fail "$n: result.json: $(cat \
	    "$tmp/runs/$n/result.json")"
}

