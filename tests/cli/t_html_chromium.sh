# The HTML report renders in headless Chromium: the summary and a scenario page load
# and show the verdicts (issue #5: "Check the page in headless Chromium").
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null 2>&1 || skip "chromium is not installed (scripts/install-deps.sh installs it)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# one scenario that cannot load: its page and the index exist without any target running
printf 'name: broken\ntarget: [\n' > "$tmp/broken.yaml"
expect_exit 1 "$BIN/iscsi-bench" run --out "$tmp/runs" --html "$tmp/html" "$tmp/broken.yaml"
[ -f "$tmp/html/index.html" ] || fail "no index.html"
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/profile" --dump-dom "file://$tmp/html/index.html" 2>/dev/null)
case "$dom" in
*'id="totals">1 scenarios: 0 passed, 0 failed, 1 errors, 0 skipped'*) ;;
*) fail "Chromium did not render the totals; DOM: $(echo "$dom" | head -20)";;
esac
case "$dom" in *'unloadable-broken.yaml.html'*) ;; *) fail "index lacks the scenario link";; esac
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/profile" --dump-dom "file://$tmp/html/unloadable-broken.yaml.html" 2>/dev/null)
case "$dom" in *"broken.yaml:3:"*) ;; *) fail "scenario page lacks the load error";; esac
