# Helpers for tests/cli/t_*.sh (sourced).  BIN points at the binaries.
: "${BIN:=build/bin}"
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
# expect_exit CODE CMD...: run CMD, check its exit status, keep output in $OUT
expect_exit() {
	want=$1; shift
	OUT=$("$@" 2>&1); got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; output: $OUT"
}
expect_out() {
	case "$OUT" in *"$1"*) ;; *) fail "output lacks '$1': $OUT";; esac
}
repo_root() { (cd "$(dirname "$0")/../.." && pwd); }
seed_dir() {
	if [ -n "${ISCSI_SEED_DIR:-}" ]; then echo "$ISCSI_SEED_DIR"; return; fi
	echo "$(repo_root)/../shared/seeds"
}
