//! The rest of a long catch-up on two threads: this one steps SQLite and
//! copies each row's text into a batch, a second decodes and folds the
//! batches in order. A first open without a fold snapshot reads every event
//! of the incident once; reading and folding then take turns on one core
//! (issue 14: 1,000,000 events within 1 s on a two-core machine).
//!
//! The fold is the same: one event after another, in journal order, on one
//! incident; only where the rows are decoded changes.

use std::sync::mpsc::{channel, sync_channel};

use super::fold::{TEXT_COLUMNS, decode, text};
use crate::domain::{Incident, Playbook};

/// Rows handed over at a time.
const BATCH: usize = 2048;
/// Batches read ahead of the fold.
const AHEAD: usize = 4;

/// Rows as text, copied out of SQLite: one buffer, six columns a row.
#[derive(Default)]
struct Batch {
    seqs: Vec<i64>,
    text: String,
    /// Where each column ends in `text`.
    ends: Vec<usize>,
}

impl Batch {
    fn push(&mut self, r: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        let seq = r.get(0)?;
        for i in TEXT_COLUMNS {
            self.text.push_str(text(r, i)?);
            self.ends.push(self.text.len());
        }
        self.seqs.push(seq);
        Ok(())
    }

    fn row(&self, k: usize) -> (i64, [&str; 6]) {
        let n = TEXT_COLUMNS.len();
        let col = |c: usize| {
            let i = k * n + c;
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.text[start..self.ends[i]]
        };
        (
            self.seqs[k],
            [col(0), col(1), col(2), col(3), col(4), col(5)],
        )
    }

    fn clear(&mut self) {
        self.seqs.clear();
        self.text.clear();
        self.ends.clear();
    }
}

/// Fold every row `rows` has left into `incident`, as the catch-up does one
/// by one; `last_seq` follows the rows folded. Returns how many. An error
/// (a row that does not decode, or SQLite's) is the first in journal order.
pub(super) fn fold_rest(
    rows: &mut rusqlite::Rows<'_>,
    incident: &mut Incident,
    playbook: &Playbook,
    last_seq: &mut i64,
) -> rusqlite::Result<usize> {
    let id = incident.id;
    let (full, folder_in) = sync_channel::<Batch>(AHEAD);
    let (spent, reader_in) = channel::<Batch>();
    std::thread::scope(|s| {
        let folder = s.spawn(move || -> (usize, rusqlite::Result<()>) {
            let mut n = 0;
            for mut batch in folder_in {
                for k in 0..batch.seqs.len() {
                    let (seq, cols) = batch.row(k);
                    match decode(seq, cols, id) {
                        Ok(event) => incident.replay_one(&event, playbook),
                        Err(e) => return (n, Err(e)),
                    }
                    *last_seq = seq;
                    n += 1;
                }
                batch.clear();
                // The reader may be gone already (it read the last row).
                let _ = spent.send(batch);
            }
            (n, Ok(()))
        });
        let read = (|| -> rusqlite::Result<()> {
            loop {
                let mut batch = reader_in.try_recv().unwrap_or_default();
                let mut end = false;
                while batch.seqs.len() < BATCH {
                    match rows.next()? {
                        Some(r) => batch.push(r)?,
                        None => {
                            end = true;
                            break;
                        }
                    }
                }
                // A send fails only when the folder stopped at a bad row: its
                // error is the one to report.
                if full.send(batch).is_err() || end {
                    return Ok(());
                }
            }
        })();
        drop(full);
        let (n, folded) = match folder.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // The folder's error came from an earlier row than any the reader
        // could still meet.
        folded.and(read).map(|()| n)
    })
}
