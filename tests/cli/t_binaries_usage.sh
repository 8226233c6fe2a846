# Every binary prints usage on --help (exit 0) and fails clearly on bad arguments (exit 2).
. "$(dirname "$0")/lib.sh"
for b in iscsi-bench iscsi-target-sim iscsi-initiator; do
	[ -x "$BIN/$b" ] || fail "$BIN/$b missing"
	expect_exit 0 "$BIN/$b" --help
	expect_out "usage:"
	expect_exit 0 "$BIN/$b" --version
	expect_out "0."
	expect_exit 2 "$BIN/$b" --no-such-option
	expect_out "usage:"
done
expect_exit 2 "$BIN/iscsi-bench"
expect_exit 2 "$BIN/iscsi-bench" frobnicate
expect_out "unknown command 'frobnicate'"
expect_exit 2 "$BIN/iscsi-initiator" NoSuchVerb
expect_out "unknown verb 'NoSuchVerb'"
expect_exit 2 "$BIN/iscsi-initiator"
expect_out "no verb given"
# iscsicli verbs are case insensitive
expect_exit 0 "$BIN/iscsi-initiator" versioninfo
expect_out "version"
# subcommand misuse names the culprit
expect_exit 2 "$BIN/iscsi-bench" netlink frobnicate
expect_out "unknown action 'frobnicate' (check, sweep or selftest)"
expect_exit 2 "$BIN/iscsi-bench" netlink check extra
expect_out "netlink check: takes no arguments ('extra')"
expect_exit 1 "$BIN/iscsi-bench" crc32c /
expect_out "iscsi-bench crc32c: /: Is a directory"
expect_exit 2 "$BIN/iscsi-bench" catalog extra
expect_out "unknown argument 'extra'"
