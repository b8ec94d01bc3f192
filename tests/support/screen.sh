#!/bin/sh
# The screen's end-to-end test needs tmux. Idempotent: installs tmux only if
# it is missing, then runs the tmux test with COCKPIT_SCREEN_E2E=1, so a
# missing tmux is a failure rather than a skip. screen_flows drives the
# check-in loop, a handoff and a close with objections with keys.
#
#   tests/support/screen.sh            install tmux if needed, run the e2e test
#   tests/support/screen.sh --install  only install tmux
set -eu

if ! command -v tmux >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tmux >/dev/null
fi
tmux -V

[ "${1:-}" = "--install" ] && exit 0

cd "$(dirname "$0")/../.."
COCKPIT_SCREEN_E2E=1 exec cargo test --test screen_tmux --test screen_flows --test journal_locks --test screen_keystrokes -- --nocapture
