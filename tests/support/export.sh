#!/usr/bin/env bash
# Installs what the export tests need beyond cargo: headless Chromium (Debian
# `chromium`) to open the HTML export and take a screenshot. Idempotent: does
# nothing when chromium is already there. Run as root (CI and the dev
# machines are), before `cargo test --test export_html`.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
