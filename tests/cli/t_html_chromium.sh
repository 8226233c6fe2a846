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

# a real run: the scenario page shows the verdicts, the event log in the seed's words and
# the ladder diagram (inline SVG) with the injected fault marked
root=$(repo_root)
scn=$(grep -l 'name: login-status-0201' "$root"/scenarios/login/*.yaml | head -1)
[ -n "$scn" ] || fail "no login-status-0201 scenario in the suite"
(cd "$root" && "$BIN/iscsi-bench" run --out "$tmp/runs2" --html "$tmp/html2" "$scn") >/dev/null 2>&1 ||
	fail "the 0x0201 scenario did not pass"
page=$(ls "$tmp"/html2/login-status-0201*.html | head -1)
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/profile" --dump-dom "file://$page" 2>/dev/null)
case "$dom" in *'Login request failed. The login response packet is given in the dump data.'*) ;;
*) fail "the page lacks event 10 in the seed's wording";; esac
case "$dom" in *'<svg'*'fault: '*) ;; *) fail "the page lacks the ladder with the fault marked";; esac
case "$dom" in *'class="fail"'*) fail "a verdict failed on the page";; esac
