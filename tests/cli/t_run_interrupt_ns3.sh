# iscsi-bench run --net ns3, interrupted (SIGINT to its process group, then
# SIGTERM to the harness alone): the run's network namespaces, its ns-3
# link process and the tools are all gone afterwards, exit 130, the
# scenario is an error "interrupted".  Needs root and ns-3 (else skipped
# with the reason).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "not root: the ns3 interrupt check needs namespaces"
why=$("$BIN/iscsi-bench" netlink check 2>&1) || skip "$why"
tmp=$(mktemp -d)
. "$(dirname "$0")/interrupt_lib.sh"

NET=ns3
for how in INT-group TERM-parent; do
	n=${uniq}$(echo "$how" | cut -c1)
	slow_scenario "$tmp/$n.yaml" "$n" "$(echo "$OURS" | sed "s/NAME/$n/")" \
	    "network: {mode: ns3}"
	start "$n" "$tmp/$n.yaml"
	wait_tools "$n" iscsi-target-sim iscsi-initiator
	# the runner child started the tools; its pid names its namespaces
	tpid=$(awk 'NR == 1 {print $1}' "$tmp/tools")
	runner=$(ps -o ppid= -p "$tpid" | tr -d ' ')
	[ -n "$runner" ] || fail "no runner process for $tpid"
	ns=$(ip netns list | awk '{print $1}' | grep -E "^ib${runner}[it][0-9]+$")
	[ -n "$ns" ] || fail "no namespace of runner $runner: $(ip netns list)"
	kids=$(ps -o pid= --ppid "$runner")	# link, capture, target, initiator
	case $how in
	INT-group) kill -INT "-$bench";;
	TERM-parent) kill -TERM "$bench";;
	esac
	check_stopped "$n"
	for x in $ns; do
		ip netns list | awk '{print $1}' | grep -qx "$x" &&
		    fail "$how: namespace $x left behind"
	done
	live
	for k in $runner $kids; do
		awk -v p="$k" '$1 == p { exit 1 }' "$tmp/ps" ||
		    fail "$how: process $k of the run still runs: $(grep -w "$k" "$tmp/ps")"
	done
done
echo "ok: ns3 runs leave no namespace, link process or tool when interrupted"
