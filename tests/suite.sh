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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
  echo "== $*"
  "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("$*")
}

run bash tests/support/tests2.sh
run bash tests/support/export.sh
run cargo test --locked --no-fail-fast
run cargo test --locked --benches --no-run
run bash tests/support/screen.sh
run bash tests/support/clocks.sh
run bash tests/support/sync.sh
run sh benches/quick.sh
run bash tests/support/reliability.sh
run bash tests/support/email.sh
run bash tests/support/completions.sh

status=0
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED stage: %s\n' "${failed[@]}"
  status=1
fi
# The closing line: every stage's tests together.
awk '/^test result:/ { p += $4; f += $6 } END { printf "suite: %d passed, %d failed\n", p, f }' "$log"
exit $status
