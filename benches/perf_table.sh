#!/bin/sh
# The README's performance table, from a full run of every benchmark and of
# the measurements driven from outside (tmux and /proc). Prints the table;
# with --write it also replaces the table in README.md (between the
# perf-table markers). Takes about ten minutes after a release build.
#
#   benches/perf_table.sh            print
#   benches/perf_table.sh --write    print and update README.md
set -eu
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT INT TERM

# The bins with the benches' dependency features: one build of the
# dependencies serves both (the bin alone would build them all again).
cargo build --locked --release --benches --bins >&2
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
export COCKPIT_BIN="$TARGET_DIR/release/cockpit" TARGETS=0
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
for b in append_latency frame fold first_frame outbox search; do
    echo "== cargo bench --bench $b" >&2
    cargo bench --locked --bench "$b" > "$OUT/$b" 2>&1 || { cat "$OUT/$b" >&2; exit 1; }
done
echo "== benches/idle_cpu.sh" >&2
benches/idle_cpu.sh > "$OUT/idle" 2>&1 || { cat "$OUT/idle" >&2; exit 1; }
echo "== EVENTS=1000000 benches/idle_cpu.sh" >&2
EVENTS=1000000 IDLE_SECONDS=5 benches/idle_cpu.sh > "$OUT/rss" 2>&1 || { cat "$OUT/rss" >&2; exit 1; }
echo "== benches/key_latency.py" >&2
python3 benches/key_latency.py "$COCKPIT_BIN" > "$OUT/keys" 2>&1 || { cat "$OUT/keys" >&2; exit 1; }
echo "== benches/first_open.sh" >&2
benches/first_open.sh > "$OUT/open" 2>&1 || { cat "$OUT/open" >&2; exit 1; }

# The middle of criterion's "time: [low mid high]" after the line naming $2.
crit() { awk -v name="$2" 'index($0, name) { f = 1 } f && /time:/ { sub(/.*\[/, ""); split($0, v, " "); print v[3] " " v[4]; exit }' "$OUT/$1"; }
line() { grep -m1 "$2" "$OUT/$1" | sed "s/^$2//"; }
# Under 1 ms: criterion's unit is ns or µs, or ms below 1.
under_ms() { case "$1" in *" ns"|*" µs") echo met ;; *" ms") awk -v v="${1% ms}" 'BEGIN { print (v < 1 ? "met" : "**missed**") }' ;; *) echo "**missed**" ;; esac; }
verdict() { case "$1" in *MISSED*|*MISSES*) echo "**missed**" ;; *) echo "met" ;; esac; }

APPEND=$(line append_latency "p99 ratio: ")
P99=$(awk '/^Journal::append/ { o = $4 } /^bare INSERT/ { b = $5 } END { printf "p99 %s µs vs %s µs", o, b }' "$OUT/append_latency")
FRAME=$(crit frame "render 160x48, 100k-row timeline")
DRAW=$(crit frame "draw 160x48 through TestBackend")
FOLD=$(crit fold "replay 1000000 events")
FIRST=$(line first_frame "first frame, 1000000-event journal, 160x48: ")
DRAIN=$(line outbox "delivered ")
LAT=$(line outbox "commit to request: ")
CPU=$(line idle "idle CPU: ")
BYTES=$(line idle "idle bytes to the terminal: ")
RSS=$(line rss "screen RSS after the first frame, 1000000-event journal: ")
RSS4=$(sed -n 's/^screen RSS after the first frame, 4-event journal: //p' "$OUT/idle")
KEYS=$(line keys "key press answered while an endpoint hangs: ")
SEARCH=$(line search "slowest search, 1000 incidents: ")
COLD=$(line open "cockpit show, 1000000 events, no snapshot: ")
WARM=$(line open "cockpit show, 1000000 events, snapshot present: ")

{
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(uname -sr)), release build, load average at the start $LOAD; the machine is shared, so absolute times move from run to run. Regenerate with \`benches/perf_table.sh --write\`."
echo
echo "| what | result | target | | command |"
echo "|---|---|---|---|---|"
echo "| durable note append (\`synchronous=FULL\`), p99 against a bare rusqlite INSERT with the same pragmas, interleaved | $APPEND; $P99 | ≤ 1.2x | $(verdict "$APPEND") | \`cargo bench --bench append_latency\` |"
echo "| one full frame, 100,000-row timeline, 160x48 | $FRAME (with diff and flush to a TestBackend: $DRAW) | < 1 ms | $(under_ms "$FRAME") | \`cargo bench --bench frame\` |"
echo "| key press answered while an endpoint hangs (through tmux; its floor is ~9 ms) | $KEYS | < 16 ms | $(verdict "$KEYS") | \`python3 benches/key_latency.py BIN\` |"
echo "| fold of a 1,000,000-event incident, in memory | $FOLD | | | \`cargo bench --bench fold\` |"
echo "| first frame, 1,000,000-event journal with its fold snapshot | $FIRST | < 60 ms | $(verdict "$FIRST") | \`cargo bench --bench first_frame\` |"
echo "| first open of a 1,000,000-event journal without a fold snapshot (\`cockpit show\`) | $COLD | < 1 s | $(verdict "$COLD") | \`benches/first_open.sh\` |"
echo "| \`cockpit search\`, 1,000 incidents x 50 notes, slowest of a rare word, a word in every note and three words (bm25, 20 hits) | $SEARCH | < 50 ms | $(verdict "$SEARCH") | \`cargo bench --bench search\` |"
echo "| same, snapshot present | $WARM | | | \`benches/first_open.sh\` |"
echo "| screen RSS, 1,000,000-event incident open | $RSS (4 events: $RSS4) | < 50 MB | $(verdict "$RSS") | \`EVENTS=1000000 IDLE_SECONDS=5 benches/idle_cpu.sh\` |"
echo "| idle CPU, countdowns running | $CPU | < 0.1% | $(verdict "$CPU") | \`benches/idle_cpu.sh\` |"
echo "| idle bytes to the terminal | $BYTES | < 60 B/s | $(verdict "$BYTES") | \`benches/idle_cpu.sh\` |"
echo "| outbox: 10,000 events to an unthrottled loopback endpoint | $DRAIN | < 1 s | $(verdict "$DRAIN") | \`cargo bench --bench outbox\` |"
echo "| outbox: a note's commit to its HTTP request | $LAT | < 50 ms | $(verdict "$LAT") | \`cargo bench --bench outbox\` |"
} > "$OUT/table"
cat "$OUT/table"

if [ "${1:-}" = "--write" ]; then
    awk -v table="$OUT/table" '
        /<!-- perf-table:begin -->/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
        /<!-- perf-table:end -->/ { skip = 0 }
        !skip' README.md > "$OUT/README.md"
    grep -q "perf-table:begin" "$OUT/README.md" || { echo "README.md has no perf-table markers" >&2; exit 1; }
    cp "$OUT/README.md" README.md
    echo "README.md updated" >&2
fi
