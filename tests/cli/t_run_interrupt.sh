# iscsi-bench run, interrupted: SIGINT to its process group (a terminal's
# Ctrl-C) or SIGTERM to the harness alone stops everything the run started,
# exits 130 and reports the unfinished scenario as an error "interrupted",
# never as a pass.  Processes are found by the temp scenario's unique name
# (in their command lines) and by the PIDs recorded from them; nothing is
# ever killed by name.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
. "$(dirname "$0")/interrupt_lib.sh"

# 1. Ctrl-C: SIGINT to the whole process group
n=${uniq}a
slow_scenario "$tmp/$n.yaml" "$n" "$(echo "$OURS" | sed "s/NAME/$n/")"
start "$n" "$tmp/$n.yaml"
wait_tools "$n" iscsi-target-sim iscsi-initiator
kill -INT "-$bench"
check_stopped "$n"

# 2. SIGTERM to the harness alone (its children get nothing from outside)
n=${uniq}b
slow_scenario "$tmp/$n.yaml" "$n" "$(echo "$OURS" | sed "s/NAME/$n/")"
start "$n" "$tmp/$n.yaml"
wait_tools "$n" iscsi-target-sim iscsi-initiator
kill -TERM "$bench"
check_stopped "$n"

# 3. an initiator that ignores SIGTERM (its process group gets SIGKILL),
#    and a second interrupt, which forces the stop
n=${uniq}c
slow_scenario "$tmp/$n.yaml" "$n" "  command: [sh, -c, \"trap '' TERM; sleep 60; : $n\"]"
start "$n" "$tmp/$n.yaml"
wait_tools "$n" iscsi-target-sim "sh -c"
kill -TERM "$bench"
i=0
until grep -q "interrupt again to force" "$tmp/$n.out"; do
	[ $i -lt 100 ] || fail "no 'stopping' message: $(cat "$tmp/$n.out")"
	sleep 0.1; i=$((i + 1))
done
kill -TERM "$bench" 2>/dev/null
check_stopped "$n"

# 4. scenarios not started yet are reported "not run (interrupted)", and
#    the one that was running as interrupted: none of them as a pass
n=${uniq}d
slow_scenario "$tmp/${n}1.yaml" "${n}1" "$(echo "$OURS" | sed "s/NAME/${n}1/")"
slow_scenario "$tmp/${n}2.yaml" "${n}2" "$(echo "$OURS" | sed "s/NAME/${n}2/")"
start "$n" --tap "$tmp/${n}1.yaml" "$tmp/${n}2.yaml"
wait_tools "$n" iscsi-target-sim iscsi-initiator
kill -INT "-$bench"
wait "$bench"; rc=$?
bench=
[ "$rc" -eq 130 ] || fail "$n: exit $rc, expected 130"
out=$(cat "$tmp/$n.out")
case $out in *"not ok 1 - ${n}1"*"reason: \"interrupted\""*"not ok 2 - ${n}2"*"reason: \"not run (interrupted)\""*) ;;
*) fail "$n: TAP does not show both as not ok: $out";; esac
grep -q 'errors="2"' "$tmp/$n.xml" || fail "$n: JUnit: $(cat "$tmp/$n.xml")"
left=$(procs "$n")
[ -z "$left" ] || fail "$n: processes left: $(grep -F -- "$n" "$tmp/ps")"
echo "ok: interrupts stop every process and report error, never pass"
