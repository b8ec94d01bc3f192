#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need
# (idempotently), starts the loopback servers the end-to-end tests talk to,
# then runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each support script installs its packages if missing and exports what its
# tests need (server URLs, a D-Bus address...). They are sourced so the
# exports reach cargo; each cleans up after itself via the EXIT trap list.
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
for support in tests/support/*.sh; do
  [ -e "$support" ] || continue
  echo "== $support"
  # shellcheck source=/dev/null
  source "$support"
done

echo "== cargo test"
cargo test --locked --no-fail-fast
echo "== benches compile"
cargo test --locked --benches --no-run


