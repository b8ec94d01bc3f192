#!/bin/sh
# What the foundation tests need from the system (idempotent).
# tests/journal.rs and tests/cli.rs make a directory unwritable to check that
# the journal names it. Root ignores file modes, so as root they set the ext4
# immutable flag with `chattr` (e2fsprogs); the filesystem under $TMPDIR must
# support it (ext2/3/4, xfs, btrfs; not tmpfs or overlayfs).
set -e
if ! command -v chattr >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq e2fsprogs
fi
