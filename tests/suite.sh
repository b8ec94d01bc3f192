#!/usr/bin/env bash
# The whole test suite, from a fresh clone. `.ci/run` calls exactly this.
#
# 1. Install what `cargo test` itself needs (idempotent, only when missing):
#    chattr for the unwritable-directory tests, Chromium for the HTML export test.
# 2. `cargo test`: unit, integration, CLI, snapshot and golden tests.
# 3. The end-to-end stages: each tests/support script installs its packages if
#    missing, starts its own servers (tmux, a private D-Bus, Synapse and
#    Alertmanager on 127.0.0.1), runs its tests against them and stops them.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
run() {
  echo "== $*"
  "$@" || failed+=("$*")
}

run bash tests/support/tests2.sh
run bash tests/support/export.sh
run cargo test --locked --no-fail-fast
run cargo test --locked --benches --no-run
run bash tests/support/screen.sh
run bash tests/support/clocks.sh
run bash tests/support/sync.sh

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all test stages passed"
