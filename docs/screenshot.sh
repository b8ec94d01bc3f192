#!/usr/bin/env bash
# Render docs/cockpit.png: run `cockpit demo` in tmux, capture the pane with its
# colours, turn it into HTML and photograph it with headless Chromium.
# Needs tmux and chromium (apt-get install -y tmux chromium fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'tmux kill-session -t cockpit-shot 2>/dev/null; rm -rf "$work"' EXIT
tmux new-session -d -s cockpit-shot -x 160 -y 46 "COCKPIT_USER=alex target/release/cockpit demo"
sleep "${SHOT_AFTER:-40}"
tmux send-keys -t cockpit-shot 3
sleep 1
tmux capture-pane -e -p -t cockpit-shot > "$work/pane.ansi"
python3 docs/ansi_to_html.py < "$work/pane.ansi" > "$work/pane.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$work/chrome" --hide-scrollbars \
  --window-size=1390,830 --screenshot="$PWD/docs/cockpit.png" "file://$work/pane.html" 2>/dev/null
echo "wrote docs/cockpit.png"
