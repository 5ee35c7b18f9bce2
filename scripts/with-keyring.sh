#!/usr/bin/env bash
# Runs a command with a private D-Bus session and an unlocked gnome-keyring, so keytar has a
# real Secret Service to talk to. Nothing is written to the user's own keyring.
set -euo pipefail
if [ "${TUSK_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; install the Debian packages dbus and gnome-keyring" >&2
    exit 1
  fi
done
keyring_home=$(mktemp -d /tmp/tusk-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
export TUSK_IN_KEYRING=1 XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c '
  printf tusk | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' with-keyring "$@"
