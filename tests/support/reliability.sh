#!/bin/sh
# The slow half of the reliability suite (issue 10). Idempotent: installs
# tmux and e2fsprogs only if missing, then runs with COCKPIT_RELIABILITY_E2E=1
# so a missing tmux is a failure rather than a skip:
#   reliability_crash    200 rounds of SIGKILL against two `cockpit note`
#                        writers; SIGKILL of the screen after saved notes
#   reliability_disk     the journal on a 4 MB tmpfs this script's tests
#                        mount (root; CI runs as root), filled to the last byte
#   reliability_signals  SIGTERM, SIGHUP, SIGINT and a render panic in tmux
# (The fast half, bad journals and the sync task's supervision, runs in
# `cargo test`: tests/reliability_journals.rs, tests/reliability_sync.rs.)
set -eu

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
missing=
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v chattr >/dev/null 2>&1 || missing="$missing e2fsprogs"
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "WARNING: not root: the full-disk test cannot mount its tmpfs and will SKIP" >&2
fi

cd "$(dirname "$0")/../.."
COCKPIT_RELIABILITY_E2E=1 exec cargo test --locked \
    --test reliability_crash --test reliability_disk --test reliability_signals \
    -- --nocapture --test-threads=1
