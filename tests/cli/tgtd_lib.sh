# Helpers for the interop tests against tgtd (Debian package tgt), sourced
# by tests/cli/t_init_tgtd*.sh after lib.sh.
#
#   tgtd_start          tgtd on 127.0.0.1:$TGT_PORT with a private control
#                       port ($TGT_CTL), a 16 MiB file-backed LUN 1 in $TGT_DIR,
#                       target $TGT_IQN; stopped by PID on exit (also on failure)
#   tgtadm_ ARGS...     tgtadm on our control port
#   tgtd_account USER PASS [--outgoing]
#
# Exits 77 with the reason when tgtd/tgtadm are not installed or tgtd cannot
# start (e.g. no permission).

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# tgtd ignores SIGTERM: ask it to exit over its control port, then
# SIGKILL by PID if it is still there after 3 s.
tgtd_gone() {
	! kill -0 "$TGT_PID" 2>/dev/null ||
	    grep -q '^[0-9]* ([^)]*) Z' "/proc/$TGT_PID/stat" 2>/dev/null
}

tgtd_cleanup() {
	if [ -n "${TGT_PID:-}" ]; then
		timeout 5 tgtadm -C "$TGT_CTL" --mode system --op delete \
		    >/dev/null 2>&1
		i=0
		while ! tgtd_gone && [ $i -lt 30 ]; do
			sleep 0.1; i=$((i + 1))
		done
		tgtd_gone || kill -9 "$TGT_PID" 2>/dev/null
		wait "$TGT_PID" 2>/dev/null
		TGT_PID=
	fi
	rm -f "/var/run/tgtd/socket.$TGT_CTL" "/var/run/tgtd/socket.$TGT_CTL.lock" 2>/dev/null
	[ -n "${TGT_DIR:-}" ] && rm -rf "$TGT_DIR"
}

tgtadm_() {
	timeout 10 tgtadm -C "$TGT_CTL" --lld iscsi "$@"
}

tgtd_start() {
	command -v tgtd >/dev/null 2>&1 || skip "tgtd not installed (Debian package tgt)"
	command -v tgtadm >/dev/null 2>&1 || skip "tgtadm not installed (Debian package tgt)"
	command -v python3 >/dev/null 2>&1 || skip "python3 needed to pick a free port"
	TGT_DIR=$(mktemp -d /tmp/iscsi-tgtd.XXXXXX)
	TGT_PORT=$(free_port)
	# a control port nobody else uses: derived from our PID, checked free
	TGT_CTL=$((20000 + $$ % 12000))	# tgtd takes at most 32767
	while [ -e "/var/run/tgtd/socket.$TGT_CTL" ]; do TGT_CTL=$((TGT_CTL + 1)); done
	TGT_IQN=iqn.2024-01.org.iscsi-bench:tgtd-lun1
	trap tgtd_cleanup EXIT INT TERM
	truncate -s 16M "$TGT_DIR/lun1.img" || skip "cannot create the LUN file"
	tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$TGT_PORT" \
	    >"$TGT_DIR/tgtd.log" 2>&1 &
	TGT_PID=$!
	i=0
	until tgtadm_ --mode target --op show >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 50 ] || ! kill -0 "$TGT_PID" 2>/dev/null; then
			tail -5 "$TGT_DIR/tgtd.log"
			skip "tgtd did not start (see its log above)"
		fi
		sleep 0.1
	done
	tgtadm_ --mode target --op new --tid 1 --targetname "$TGT_IQN" ||
	    fail "tgtadm: new target"
	tgtadm_ --mode logicalunit --op new --tid 1 --lun 1 \
	    --backing-store "$TGT_DIR/lun1.img" || fail "tgtadm: new LUN"
	tgtadm_ --mode target --op bind --tid 1 --initiator-address ALL ||
	    fail "tgtadm: bind"
}

tgtd_account() {
	tgtadm_ --mode account --op new --user "$1" --password "$2" ||
	    fail "tgtadm: new account"
	tgtadm_ --mode account --op bind --tid 1 --user "$1" $3 ||
	    fail "tgtadm: bind account"
}

tgtd_set() {
	tgtadm_ --mode target --op update --tid 1 --name "$1" --value "$2" ||
	    fail "tgtadm: set $1=$2"
}

# ini ARGS...: the initiator with short timeouts, events in $TGT_DIR/events
ini() {
	timeout 60 "$BIN/iscsi-initiator" --connect-timeout 2000 \
	    --login-timeout 5000 --events "$TGT_DIR/events.jsonl" "$@"
}
