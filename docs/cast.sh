#!/usr/bin/env bash
# Regenerate the README's media from `cockpit demo`, all from one run:
#   docs/cockpit.cast  asciinema recording (asciicast v2) of the demo
#   docs/cockpit.txt   the screen's text at the moment of the screenshot: the
#                      screenshot's source, which tests/docs_demo.rs checks
#                      against what the demo writes today
#   docs/cockpit.png   that screen, photographed (colours kept)
# asciinema comes from PyPI into a venv under /var/tmp; tmux and Chromium
# from apt when missing. Nothing is downloaded while recording.
#
#   docs/cast.sh                      (CARGO_TARGET_DIR is honoured)
#   COCKPIT_BIN=target/debug/cockpit docs/cast.sh
#   SHOT_AFTER=40 CAST_LENGTH=75 docs/cast.sh
set -euo pipefail
cd "$(dirname "$0")/.."

venv=/var/tmp/cockpit-asciinema-venv
if [ ! -x "$venv/bin/asciinema" ]; then
  python3 -m venv "$venv"
  # 2.4.0: the last asciinema on PyPI (Python); writes asciicast v2.
  "$venv/bin/pip" install --quiet asciinema==2.4.0
fi
command -v tmux >/dev/null || sh tests/support/screen.sh --install
bash tests/support/export.sh    # chromium, only if missing

# COCKPIT_BIN=path skips the build (any build of this commit draws the same).
if [ -z "${COCKPIT_BIN:-}" ]; then
  cargo build --release --quiet
  COCKPIT_BIN="${CARGO_TARGET_DIR:-target}/release/cockpit"
fi
bin="$(realpath "$COCKPIT_BIN")"
work=$(mktemp -d)
session=cockpit-cast-$$
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$work"' EXIT

# 160x46: the layout the README shows. The idle limit keeps the cast short
# where nothing moves but the countdown.
tmux new-session -d -s "$session" -x 160 -y 46 \
  "COCKPIT_USER=alex $venv/bin/asciinema rec --quiet --overwrite --idle-time-limit 2 \
     --cols 160 --rows 46 --title 'cockpit demo' \
     --command '$bin demo' '$work/cockpit.cast'"
sleep "${SHOT_AFTER:-40}"
tmux send-keys -t "$session" 3          # the approval queue
sleep 1
tmux capture-pane -e -p -t "$session" > "$work/pane.ansi"
tmux capture-pane -p -t "$session" | sed -e 's/[[:space:]]*$//' > docs/cockpit.txt
python3 docs/ansi_to_html.py < "$work/pane.ansi" > "$work/pane.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$work/chrome" --hide-scrollbars \
  --window-size=1390,830 --screenshot="$PWD/docs/cockpit.png" "file://$work/pane.html" 2>/dev/null
tmux send-keys -t "$session" a          # approve the failover on camera
sleep $(( ${CAST_LENGTH:-75} - ${SHOT_AFTER:-40} ))
tmux send-keys -t "$session" q
for _ in $(seq 50); do
  tmux has-session -t "$session" 2>/dev/null || break
  sleep 0.2
done
cp "$work/cockpit.cast" docs/cockpit.cast
echo "wrote docs/cockpit.cast, docs/cockpit.txt, docs/cockpit.png"
