#!/bin/sh
# Install the Debian packages iscsi-bench needs; only calls apt-get for what is missing.
#   scripts/install-deps.sh [--quiet]
set -eu
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

# build + unit tests
PKGS="build-essential pkg-config clang libcunit1-dev libssl-dev libyaml-dev libpcap-dev"
# network link (ns-3), third-party peers and trace tools
PKGS="$PKGS libns3-dev iproute2 tgt libiscsi-bin tcpdump tshark"
# headless browser for the HTML report test
PKGS="$PKGS chromium"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	[ $quiet -eq 1 ] || echo "install-deps: all packages present"
	exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
		echo "install-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null
