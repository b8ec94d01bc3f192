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
    // v3: the sync outbox (DESIGN.md "Sync: the outbox"). One row per request
    // an endpoint must receive, written in the same transaction as its event.
    // Unlike events, rows change state as they are delivered; they hold no
    // secret (tokens and webhook URLs are added at delivery time).
    r#"
    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint    TEXT NOT NULL,
        event_id    TEXT NOT NULL,
        event_seq   INTEGER NOT NULL,
        incident    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        part        INTEGER NOT NULL,
        what        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'done', 'parked', 'dropped')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        created_ms  INTEGER NOT NULL,
        next_ms     INTEGER NOT NULL DEFAULT 0,
        claimed_by  TEXT,
        lease_ms    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        done_ms     INTEGER,
        remote_id   TEXT,
        UNIQUE (endpoint, event_id, part)
    );
    CREATE INDEX outbox_queue ON outbox (endpoint, state, id);
    CREATE INDEX outbox_by_state ON outbox (state, done_ms);
    "#,
    // v4: many seats, one incident (issue 15). An event another seat wrote
    // keeps that seat's id and sequence number (its place in the fold order,
    // domain/converge.rs), when it arrived here and whether it arrived late;
    // NULL origin: written on this seat. `seat` names this journal's seat;
    // an incident with events from other seats is `shared` (folded in the
    // order of converge.rs, not by `seq`, and never snapshotted).
    r#"
    ALTER TABLE events ADD COLUMN origin TEXT;
    ALTER TABLE events ADD COLUMN origin_seq INTEGER;
    ALTER TABLE events ADD COLUMN imported_at TEXT;
    ALTER TABLE events ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE incidents ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE seat (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        id  TEXT NOT NULL
    );
    INSERT INTO seat (one, id) VALUES (1, lower(hex(randomblob(16))));
    "#,
    // v5: search across every incident (issue 12 item 7), an FTS5 index of
    // what people wrote: notes, amendments, titles and declared summaries.
    // rowid = events.seq. The trigger fills it inside the transaction that
    // appends the event (imported events from other seats too); events are
    // append-only, so the index never needs an update or delete. A body that
    // is not JSON (never written by a cockpit) is indexed as nothing rather
    // than failing the append. Porter stemming: "timeouts" finds "timeout".
    // https://www.sqlite.org/fts5.html (4.3.1 unicode61, 4.3.3 porter)
    r#"
    CREATE VIRTUAL TABLE search USING fts5(
        text,
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER events_to_search AFTER INSERT ON events
        WHEN new.kind IN ('note', 'amended', 'declared', 'title_changed')
        AND json_valid(new.body)
        BEGIN
            INSERT INTO search (rowid, text) VALUES (new.seq,
                CASE new.kind
                    WHEN 'declared' THEN coalesce(json_extract(new.body, '$.title'), '')
                        || char(10) || coalesce(json_extract(new.body, '$.summary'), '')
                    WHEN 'title_changed' THEN coalesce(json_extract(new.body, '$.title'), '')
                    ELSE coalesce(json_extract(new.body, '$.text'), '')
                END);
        END;
    INSERT INTO search (rowid, text)
        SELECT seq,
            CASE kind
                WHEN 'declared' THEN coalesce(json_extract(body, '$.title'), '')
                    || char(10) || coalesce(json_extract(body, '$.summary'), '')
                WHEN 'title_changed' THEN coalesce(json_extract(body, '$.title'), '')
                ELSE coalesce(json_extract(body, '$.text'), '')
            END
        FROM events
        WHERE kind IN ('note', 'amended', 'declared', 'title_changed') AND json_valid(body);
    "#,
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
