# iscsi-bench crc32c FILE prints the CRC32C as 8 hex digits (check value of "123456789").
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '123456789' > "$tmp/check"
expect_exit 0 "$BIN/iscsi-bench" crc32c "$tmp/check"
[ "$OUT" = "e3069283" ] || fail "crc32c of 123456789 gave '$OUT'"
: > "$tmp/empty"
expect_exit 0 "$BIN/iscsi-bench" crc32c "$tmp/empty"
[ "$OUT" = "00000000" ] || fail "crc32c of empty file gave '$OUT'"
# RFC 7143 B.4: 32 bytes of zeros -> aa36918a
head -c 32 /dev/zero > "$tmp/zeros"
expect_exit 0 "$BIN/iscsi-bench" crc32c "$tmp/zeros"
[ "$OUT" = "8a9136aa" ] || fail "crc32c of 32 zero bytes gave '$OUT'"
expect_exit 1 "$BIN/iscsi-bench" crc32c "$tmp/does-not-exist"
expect_out "No such file"
expect_exit 2 "$BIN/iscsi-bench" crc32c
