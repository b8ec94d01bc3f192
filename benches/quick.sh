#!/bin/sh
# Every benchmark in its quick mode, so none can rot unnoticed (issue 14):
# `cargo test --benches` runs each bench binary once without `--bench`
# (criterion runs each function once; our own mains shrink their fixtures),
# then the outside measurements run briefly on the debug binary with their
# targets off: they must work, not be fast. Any panic or error fails it.
#
#   benches/quick.sh
set -eu
cd "$(dirname "$0")/.."
cargo test --locked --benches
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
cargo build --locked --bin cockpit
export COCKPIT_BIN="$TARGET_DIR/debug/cockpit" TARGETS=0
IDLE_SECONDS=2 benches/idle_cpu.sh
EVENTS=20000 IDLE_SECONDS=1 benches/idle_cpu.sh
EVENTS=20000 RUNS=1 benches/first_open.sh
python3 benches/key_latency.py "$COCKPIT_BIN" 5
echo "quick benches: all ran"
