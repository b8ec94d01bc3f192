#!/usr/bin/env bash
# Clock notifications over a real D-Bus session bus.
#
# Installs (once) Debian's dbus, python3-dbus and python3-gi, starts a private
# session bus with dbus-run-session, runs the fake notification server
# (tests/support/fake_notifyd.py) on it, and runs the ignored test in
# tests/notify_dbus.rs against it. Also runs the no-bus test. Idempotent; safe
# to run again. Exit status is the tests'.
#
# usage: tests/support/clocks.sh        (from anywhere; uses the repo's target/)
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3   # Debian's python, where python3-dbus and python3-gi live
missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus dbus-bin)
command -v dbus-send >/dev/null 2>&1 || missing+=(dbus-bin)
[ -x "$PY" ] || missing+=(python3)
"$PY" -c 'import dbus' >/dev/null 2>&1 || missing+=(python3-dbus)
"$PY" -c 'import gi; from gi.repository import GLib' >/dev/null 2>&1 || missing+=(python3-gi)
if [ ${#missing[@]} -gt 0 ]; then
    echo "clocks.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Build first, outside the bus session, so the bus is not waiting on the compiler.
cargo test --no-run --test notify_dbus --test notify_no_bus >/dev/null 2>&1 || \
    cargo test --no-run --test notify_dbus --test notify_no_bus

cargo test --test notify_no_bus -- --test-threads=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export COCKPIT_FAKE_NOTIFYD_LOG="$work/notifications.jsonl"
export PY

# dbus-daemon may print "Failed to set fd limit"; harmless (ENDPOINTS.md §6.2).
dbus-run-session -- bash -c '
    set -u
    "$PY" tests/support/fake_notifyd.py "$COCKPIT_FAKE_NOTIFYD_LOG" &
    server=$!
    # Wait (up to 10 s) until the server owns its name on this bus.
    for _ in $(seq 100); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus \
            /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
            string:org.freedesktop.Notifications 2>/dev/null | grep -q "boolean true"; then
            break
        fi
        sleep 0.1
    done
    cargo test --test notify_dbus -- --ignored --test-threads=1
    status=$?
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    exit $status
' 2> >(grep -v "Failed to set fd limit" >&2)
echo "clocks.sh: notifications received:" >&2
cat "$COCKPIT_FAKE_NOTIFYD_LOG" >&2
