//! `Failure`: how a command fails (one line for stderr and the exit code).
//! A leaf of `cli`: every command module returns it, none imports another
//! for it (tests/architecture.rs).

use crate::config::ConfigError;
use crate::domain::RuleError;
use crate::export::ExportError;
use crate::services::AppError;
use crate::sync::OutboxError;

/// A command that failed: one line for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        // A value the playbook does not know is a usage error, like a bad flag.
        let code = match e.rule() {
            Some(
                RuleError::UnknownSeverity { .. }
                | RuleError::UnknownState { .. }
                | RuleError::UnknownRole { .. }
                | RuleError::UnknownTag { .. }
                | RuleError::UnknownLinkKind { .. }
                | RuleError::UnknownServiceStatus { .. }
                | RuleError::UnknownClock { .. }
                | RuleError::UnknownChecklist { .. }
                | RuleError::UnknownStep { .. },
            ) => 2,
            _ => 1,
        };
        Self {
            code,
            message: e.to_string(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Self {
            code: 1,
            message: e.to_string(),
        }
    }
}

impl From<crate::journal::JournalError> for Failure {
    fn from(e: crate::journal::JournalError) -> Self {
        AppError::from(e).into()
    }
}

impl From<OutboxError> for Failure {
    fn from(e: OutboxError) -> Self {
        let code = match e {
            OutboxError::NoSuchRow(_) | OutboxError::NotParked { .. } => 2,
            _ => 1,
        };
        Self {
            code,
            message: e.to_string(),
        }
    }
}

impl From<ExportError> for Failure {
    fn from(e: ExportError) -> Self {
        Self {
            code: 1,
            message: e.to_string(),
        }
    }
}
