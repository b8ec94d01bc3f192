#!/usr/bin/env bash
# The whole test suite, from a fresh clone. `.ci/run` calls exactly this.
#
# 1. `cargo test`: unit, integration and CLI tests (no system packages needed).
# 2. Every tests/support/<area>.sh: each installs what its end-to-end tests need
#    (apt-get / pip, only if missing), starts its loopback servers or private
#    D-Bus, runs its tests against them, and stops what it started.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
run() {
  echo "== $*"
  "$@" || failed+=("$*")
}

run cargo test --locked --no-fail-fast
run cargo test --locked --benches --no-run
for support in tests/support/*.sh; do
  [ -e "$support" ] && run bash "$support"
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all test stages passed"
