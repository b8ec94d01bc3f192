#!/bin/sh
# The cockpit measured from outside, as an IC's machine sees it: the release
# binary in a detached tmux session (a real pty, 160x48), on an active SEV1
# whose check-in countdown runs. Prints three figures:
#
#   idle CPU       utime + stime from /proc/PID/stat over IDLE_SECONDS
#   idle bytes     everything written to the terminal over the same seconds
#                  (`tmux pipe-pane`), per second
#   RSS            VmRSS from /proc/PID/status once the first frame is up
#
# With EVENTS=N the journal holds N events (benches/big_journal.sh: notes
# bulk-written, then one `cockpit show` leaves the fold snapshot), for the
# screen's memory with a large incident open.
#
#   benches/idle_cpu.sh                    60 s, the release build
#   IDLE_SECONDS=10 benches/idle_cpu.sh
#   EVENTS=1000000 IDLE_SECONDS=5 benches/idle_cpu.sh
#   COCKPIT_BIN=target/debug/cockpit benches/idle_cpu.sh
#
# Targets (issue 14): CPU under 0.1% (0.06 s in 60 s), 60 B/s to the terminal,
# 50 MB RSS with 1,000,000 events. TARGETS=0 only prints (the suite's quick run
# on a debug build checks that it works, not how fast).
set -eu
cd "$(dirname "$0")/.."
SECONDS_IDLE=${IDLE_SECONDS:-60}
EVENTS=${EVENTS:-0}
TARGET_CPU_PCT=${TARGET_CPU_PCT:-0.1}
TARGET_BYTES=${TARGET_BYTES:-60}
TARGET_RSS_MB=${TARGET_RSS_MB:-50}
TARGETS=${TARGETS:-1}
tests/support/screen.sh --install >/dev/null

if [ -z "${COCKPIT_BIN:-}" ]; then
    cargo build --release --bin cockpit >&2
    COCKPIT_BIN=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')/release/cockpit
fi
BIN=$(realpath "$COCKPIT_BIN")
DIR=$(mktemp -d -p "${BENCH_TMP:-/var/tmp}")
SOCK="cockpit-idle-$$"
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM

export HOME="$DIR" XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data" COCKPIT_USER=ann
J="$DIR/journal.db"
if [ "$EVENTS" -gt 0 ]; then
    benches/big_journal.sh "$BIN" "$J" "$EVENTS"
    "$BIN" --journal "$J" show >/dev/null
    READY="observation $((EVENTS - 2))"
else
    "$BIN" --journal "$J" declare "db down" --severity SEV1 >/dev/null
    "$BIN" --journal "$J" role assign ic ann >/dev/null
    "$BIN" --journal "$J" action propose "restart the primary" >/dev/null
    "$BIN" --journal "$J" note "waiting for the replica" >/dev/null
    READY="waiting for the replica"
fi

tmux -L "$SOCK" -f /dev/null new-session -d -s idle -x 160 -y 48 \
    "env HOME='$DIR' XDG_CONFIG_HOME='$DIR/config' XDG_DATA_HOME='$DIR/data' COCKPIT_USER=ann '$BIN' --journal '$J'"
# Wait for the first full frame: the countdown and the newest timeline entry.
i=0
until tmux -L "$SOCK" capture-pane -p -t idle | grep -q "next check-in in" &&
    tmux -L "$SOCK" capture-pane -p -t idle | grep -q "$READY"; do
    i=$((i + 1)); [ $i -gt 600 ] && { echo "the cockpit did not start" >&2; tmux -L "$SOCK" capture-pane -p -t idle >&2; exit 1; }
    sleep 0.05
done
PID=$(tmux -L "$SOCK" display-message -p -t idle '#{pane_pid}')
# The pane runs `env`, which execs the cockpit: same pid. Check its name.
[ "$(cat /proc/$PID/comm)" = cockpit ] || { echo "pane process is $(cat /proc/$PID/comm), not cockpit" >&2; exit 1; }
sleep 1
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
OUT="$DIR/terminal.bytes"
tmux -L "$SOCK" pipe-pane -o -t idle "cat > '$OUT'"
BEFORE=$(ticks "$PID")
# The header's "time since declared" shows that the screen kept ticking.
elapsed() { tmux -L "$SOCK" capture-pane -p -t idle | head -1 | awk -F'│' '{ gsub(/ /, "", $3); print $3 }'; }
FIRST=$(elapsed)
sleep "$SECONDS_IDLE"
AFTER=$(ticks "$PID")
BYTES=$(wc -c < "$OUT")
LAST=$(elapsed)
kill -0 "$PID" || { echo "the cockpit died" >&2; exit 1; }

awk -v a="$AFTER" -v b="$BEFORE" -v hz="$HZ" -v s="$SECONDS_IDLE" -v by="$BYTES" -v rss="$RSS_KB" -v ev="$EVENTS" \
    -v tc="$TARGET_CPU_PCT" -v tb="$TARGET_BYTES" -v tr="$TARGET_RSS_MB" -v targets="$TARGETS" -v first="${FIRST:-?}" -v last="${LAST:-?}" 'BEGIN {
    cpu = (a - b) / hz; pct = cpu * 100 / s; bps = by / s; mb = rss / 1024
    printf "idle CPU: %.2f s in %d s = %.3f%% (target < %s%%) %s; header elapsed %s -> %s\n", cpu, s, pct, tc, (pct < tc ? "OK" : "MISSED"), first, last
    printf "idle bytes to the terminal: %d in %d s = %.1f B/s (target < %s B/s) %s\n", by, s, bps, tb, (bps < tb ? "OK" : "MISSED")
    printf "screen RSS after the first frame, %d-event journal: %.1f MB", (ev > 0 ? ev : 4), mb
    if (ev >= 1000000) printf " (target < %s MB) %s", tr, (mb < tr ? "OK" : "MISSED")
    printf "\n"
    if (targets == "1" && (pct >= tc || bps >= tb || (ev >= 1000000 && mb >= tr))) exit 1
}' || { echo MISSED; exit 1; }
