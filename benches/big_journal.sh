#!/bin/sh
# Make a journal of N events for the measurements driven from outside:
# `cockpit declare` (the real binary) writes a declared SEV1, then the sqlite3
# shell appends N-1 note rows to it in one transaction, one every 86 ms of a
# 24 h day, five authors, five tags (two of them feed the fold: `noticed`
# highlights, `hypothesis` feeds the handoff briefing). No fold snapshot is
# left: the first open after this is the "journal filled from elsewhere" case.
#
#   benches/big_journal.sh BIN JOURNAL N
set -eu
BIN=$1 J=$2 N=$3
command -v sqlite3 >/dev/null 2>&1 || {
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq sqlite3 >/dev/null
}
"$BIN" --journal "$J" declare "Checkout API returning 502s" --severity SEV1 >/dev/null
"$BIN" --journal "$J" role assign ic ann >/dev/null
INCIDENT=$(sqlite3 "$J" "SELECT incident FROM events ORDER BY seq LIMIT 1")
START=$(sqlite3 "$J" "SELECT at FROM events ORDER BY seq LIMIT 1")
# Ids are well-formed UUIDs (version 4), unique by their last field.
sqlite3 "$J" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N - 2)
INSERT INTO events (id, incident, at, recorded_at, author, kind, body)
SELECT
    printf('%08x-0000-4000-8000-%012x', abs(random()) % 4294967296, i),
    '$INCIDENT',
    strftime('%Y-%m-%dT%H:%M:%f000Z', '$START', '+' || (i * 86400.0 / $N) || ' seconds'),
    strftime('%Y-%m-%dT%H:%M:%f000Z', '$START', '+' || (i * 86400.0 / $N) || ' seconds'),
    json_extract('["ann","bob","carol","dave","eve"]', '$[' || (i % 5) || ']'),
    'note',
    json_object(
        'text', 'observation ' || i || ': error rate ' || (i % 97) || '%',
        'tag', json_extract('["note","noticed","hypothesis","command","comms"]', '$[' || (i % 5) || ']'),
        'private', json('false'))
FROM n;
COMMIT;
SQL
