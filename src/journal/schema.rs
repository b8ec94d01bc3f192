//! Schema versions and forward migrations. `PRAGMA user_version` is the
//! version; each migration runs once, in order, inside one transaction.

/// 'ICKP': marks the file as a cockpit journal.
pub const APPLICATION_ID: i64 = 0x4943_4b50;

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1: the append-only events table (DESIGN.md "Core"), the incident index
    // and fold snapshots (a rebuildable cache, never a source of truth).
    r#"
    CREATE TABLE events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        incident    TEXT NOT NULL,
        at          TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        author      TEXT NOT NULL,
        kind        TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX events_by_incident ON events (incident, seq);
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TABLE incidents (
        id           TEXT PRIMARY KEY,
        declared_seq INTEGER NOT NULL
    );
    CREATE TABLE snapshots (
        incident     TEXT PRIMARY KEY,
        seq          INTEGER NOT NULL,
        fold_version INTEGER NOT NULL,
        playbook     TEXT NOT NULL,
        state        TEXT NOT NULL
    );
    "#,
    // v2: the timeline is read newest-first by when things happened (backdated
    // notes take their place by time), a page at a time.
    r#"
    CREATE INDEX events_by_incident_time ON events (incident, at, seq);
    "#,
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
