#!/bin/sh
# First open of a large journal, measured from outside: `cockpit show` on an
# N-event journal (benches/big_journal.sh) with no fold snapshot (after an
# upgrade, or a journal filled from elsewhere), then again with the snapshot
# the first run left. Wall time and peak RSS (VmHWM) by /usr/bin/time.
#
#   benches/first_open.sh                 1,000,000 events, the release build
#   EVENTS=20000 COCKPIT_BIN=target/debug/cockpit TARGETS=0 benches/first_open.sh
#
# Target (issue 14): the first open within 1 s.
set -eu
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-1000000}
RUNS=${RUNS:-3}
TARGET_S=${TARGET_S:-1}
TARGETS=${TARGETS:-1}
if [ -z "${COCKPIT_BIN:-}" ]; then
    cargo build --release --bin cockpit >&2
    COCKPIT_BIN=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')/release/cockpit
fi
BIN=$(realpath "$COCKPIT_BIN")
DIR=$(mktemp -d -p "${BENCH_TMP:-/var/tmp}")
trap 'rm -rf "$DIR"' EXIT INT TERM
export HOME="$DIR" XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data" COCKPIT_USER=ann
J="$DIR/journal.db"
benches/big_journal.sh "$BIN" "$J" "$EVENTS"
cp "$J" "$DIR/fresh.db"
measure() { /usr/bin/time -f "%e %M" -o "$DIR/time" "$BIN" --journal "$1" show >/dev/null && cat "$DIR/time"; }
# Each cold run on a fresh copy of the journal (no snapshot, WAL checkpointed).
cold="" warm=""
i=0
while [ $i -lt "$RUNS" ]; do
    rm -f "$DIR/run.db"*
    cp "$DIR/fresh.db" "$DIR/run.db"
    cold="$cold$(measure "$DIR/run.db")
"
    warm="$warm$(measure "$DIR/run.db")
"
    i=$((i + 1))
done
SNAP=$(sqlite3 "$DIR/run.db" "SELECT count(*) FROM snapshots")
[ "$SNAP" = 1 ] || { echo "the first show left no snapshot" >&2; exit 1; }
median() { sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
C_S=$(printf %s "$cold" | awk '{ print $1 }' | median)
C_KB=$(printf %s "$cold" | awk '{ print $2 }' | median)
W_S=$(printf %s "$warm" | awk '{ print $1 }' | median)
W_KB=$(printf %s "$warm" | awk '{ print $2 }' | median)
awk -v cs="$C_S" -v ck="$C_KB" -v ws="$W_S" -v wk="$W_KB" -v n="$EVENTS" -v r="$RUNS" -v t="$TARGET_S" -v targets="$TARGETS" 'BEGIN {
    printf "cockpit show, %d events, no snapshot: median %.2f s, %.0f MB peak over %d runs (target < %s s) %s\n", n, cs, ck / 1024, r, t, (cs < t ? "OK" : "MISSED")
    printf "cockpit show, %d events, snapshot present: median %.2f s, %.0f MB peak\n", n, ws, wk / 1024
    if (targets == "1" && cs >= t) exit 1
}' || { echo MISSED; exit 1; }
