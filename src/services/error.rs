//! `WorkerError`: what went wrong on the journal worker's side, kept typed
//! across its channel until the screen words it (the status line shows its
//! `Display`). `Clone` because replies are; the sources are shared, not copied.

use std::sync::Arc;

use super::cockpit::AppError;
use crate::domain::RuleError;
use crate::export::ExportError;
use crate::journal::JournalError;
use crate::sync::OutboxError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WorkerError {
    /// Recording an intent failed: a rule refused it, or the journal did.
    #[error(transparent)]
    App(Arc<AppError>),
    /// Reading the journal failed.
    #[error(transparent)]
    Journal(Arc<JournalError>),
    /// The outbox (sync rows) failed.
    #[error(transparent)]
    Outbox(Arc<OutboxError>),
    /// Writing the postmortem draft failed.
    #[error(transparent)]
    Export(Arc<ExportError>),
    /// An export was asked for before any incident was selected.
    #[error("no incident to export")]
    NoIncident,
}

impl WorkerError {
    /// The playbook rule that refused the request, if that is what happened.
    pub fn rule(&self) -> Option<&RuleError> {
        match self {
            WorkerError::App(e) => e.rule(),
            WorkerError::Journal(e) => match e.as_ref() {
                JournalError::Rule(r) => Some(r),
                _ => None,
            },
            _ => None,
        }
    }
}

impl From<AppError> for WorkerError {
    fn from(e: AppError) -> Self {
        WorkerError::App(Arc::new(e))
    }
}

impl From<RuleError> for WorkerError {
    fn from(e: RuleError) -> Self {
        AppError::from(e).into()
    }
}

impl From<JournalError> for WorkerError {
    fn from(e: JournalError) -> Self {
        WorkerError::Journal(Arc::new(e))
    }
}

impl From<OutboxError> for WorkerError {
    fn from(e: OutboxError) -> Self {
        WorkerError::Outbox(Arc::new(e))
    }
}

impl From<ExportError> for WorkerError {
    fn from(e: ExportError) -> Self {
        WorkerError::Export(Arc::new(e))
    }
}
