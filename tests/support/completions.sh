#!/bin/sh
# Shell completions in bash, zsh and fish, and the man page through man/groff
# (issue 18). Idempotent: installs zsh, fish and man-db only when missing,
# then runs the completion tests with every shell required (a missing shell
# is a failure here, a skip in a plain `cargo test`).
set -eu

missing=""
for p in zsh fish man groff; do
    command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        zsh fish man-db groff-base >/dev/null
fi

cd "$(dirname "$0")/../.."
COCKPIT_SHELLS_REQUIRED=1 exec cargo test --test completions
