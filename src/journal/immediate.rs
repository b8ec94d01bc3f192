//! The append's write transaction, from cached statements.
//!
//! rusqlite's `Transaction` sends "BEGIN IMMEDIATE" and "COMMIT" through
//! `execute_batch`, which parses them again on every call: a few microseconds
//! a note that a bare INSERT does not pay (issue 2: our p99 within 1.3x of one).

use rusqlite::Connection;

/// `BEGIN IMMEDIATE` now; `COMMIT` on `commit`; `ROLLBACK` if dropped before.
pub struct Immediate<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> Immediate<'c> {
    pub fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(Self { conn, open: true })
    }

    pub fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl std::ops::Deref for Immediate<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Immediate<'_> {
    fn drop(&mut self) {
        // A failed COMMIT may have ended the transaction already.
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(c: &Connection) -> i64 {
        c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn commits_or_rolls_back() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (x)").unwrap();
        let tx = Immediate::begin(&c).unwrap();
        assert!(!c.is_autocommit());
        tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        tx.commit().unwrap();
        assert!(c.is_autocommit());
        assert_eq!(count(&c), 1);

        let tx = Immediate::begin(&c).unwrap();
        tx.execute("INSERT INTO t VALUES (2)", []).unwrap();
        drop(tx);
        assert!(c.is_autocommit());
        assert_eq!(count(&c), 1);
        // The cached statements work again after a rollback.
        Immediate::begin(&c).unwrap().commit().unwrap();
    }
}
