//! The postmortem / RCA draft, made from the journal.

pub mod lint;
