#!/bin/sh
# CPU time an idle cockpit uses while its countdowns run (target: under 0.6 s
# in 60 s). Runs the release binary in a detached tmux session (a real pty),
# on an active SEV1 whose check-in countdown ticks every second, and reads
# utime + stime of the process from /proc/PID/stat before and after.
#
#   benches/idle_cpu.sh               60 s, the release build
#   IDLE_SECONDS=10 benches/idle_cpu.sh
#   COCKPIT_BIN=target/debug/cockpit benches/idle_cpu.sh
set -eu
cd "$(dirname "$0")/.."
SECONDS_IDLE=${IDLE_SECONDS:-60}
TARGET_CPU=${TARGET_CPU:-0.6}
tests/support/screen.sh --install >/dev/null

if [ -z "${COCKPIT_BIN:-}" ]; then
    cargo build --release --bin cockpit >&2
    COCKPIT_BIN=target/release/cockpit
fi
BIN=$(realpath "$COCKPIT_BIN")
DIR=$(mktemp -d)
SOCK="cockpit-idle-$$"
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM

export HOME="$DIR" XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data" COCKPIT_USER=ann
J="$DIR/journal.db"
"$BIN" --journal "$J" declare "db down" --severity SEV1 >/dev/null
"$BIN" --journal "$J" role assign ic ann >/dev/null
"$BIN" --journal "$J" action propose "restart the primary" >/dev/null
"$BIN" --journal "$J" note "waiting for the replica" >/dev/null

tmux -L "$SOCK" -f /dev/null new-session -d -s idle -x 160 -y 48 \
    "env HOME='$DIR' XDG_CONFIG_HOME='$DIR/config' XDG_DATA_HOME='$DIR/data' COCKPIT_USER=ann '$BIN' --journal '$J'"
# Wait for the first frame.
i=0
until tmux -L "$SOCK" capture-pane -p -t idle | grep -q "next check-in in"; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "the cockpit did not start" >&2; exit 1; }
    sleep 0.05
done
PANE=$(tmux -L "$SOCK" display-message -p -t idle '#{pane_pid}')
# The pane runs `env`, which execs the cockpit: same pid. Check its name.
PID=$PANE
[ "$(cat /proc/$PID/comm)" = cockpit ] || { echo "pane process is $(cat /proc/$PID/comm), not cockpit" >&2; exit 1; }

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
BEFORE=$(ticks "$PID")
# The header's "time since declared" shows that the screen kept ticking.
elapsed() { tmux -L "$SOCK" capture-pane -p -t idle | head -1 | awk -F'│' '{ gsub(/ /, "", $3); print $3 }'; }
FIRST=$(elapsed)
sleep "$SECONDS_IDLE"
AFTER=$(ticks "$PID")
LAST=$(elapsed)
CPU=$(awk -v a="$AFTER" -v b="$BEFORE" -v hz="$HZ" 'BEGIN { printf "%.2f", (a - b) / hz }')
echo "idle CPU: ${CPU} s in ${SECONDS_IDLE} s (utime+stime of pid $PID, release=$( [ "$COCKPIT_BIN" = target/release/cockpit ] && echo yes || echo no )); header elapsed ${FIRST:-?} -> ${LAST:-?}; target < ${TARGET_CPU} s per 60 s"
awk -v c="$CPU" -v s="$SECONDS_IDLE" -v t="$TARGET_CPU" 'BEGIN { exit !(c * 60 / s < t) }' || { echo "MISSED" ; exit 1; }
echo OK
