#!/usr/bin/env bash
# Installs what Tusk needs on Debian/Ubuntu: the system libraries keytar builds against, the
# keyring and D-Bus the tests use, Chromium for the UI tests, then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libsecret-1-dev gnome-keyring dbus chromium openssl python3 make g++ ca-certificates pgbouncer openssh-server openssh-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Electron's binary comes from a host these machines cannot reach; its types come from npm.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
