//! Secrets: where one is read from (`env:` / `file:`), its value (printed as
//! stars) and why it could not be read. A leaf: the endpoint and mail
//! checkers both use it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a secret is read from. The reference is safe to show; the value never is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    Env(String),
    File(PathBuf),
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(n) => write!(f, "env:{n}"),
            SecretRef::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

/// A secret's value. Printing it shows stars, so it cannot slip into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    #[error("cannot read {}: {detail}", .path.display())]
    Unreadable { path: PathBuf, detail: String },
    #[error("{} is readable by group or others (mode {mode:o}); a secret file must be private: chmod 600 {}", .path.display(), .path.display())]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{} is empty", .0)]
    Empty(String),
    /// A line break inside a token cannot go in an HTTP header: every request
    /// would fail the same way, so the endpoint waits for a fixed value
    /// instead of retrying (issue 10). The value is never shown.
    #[error("{} holds a line break or another control character inside the value; write the value on one line", .0)]
    ControlCharacter(String),
}

impl SecretRef {
    /// `env:NAME` or `file:PATH`; anything else is refused without echoing it.
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Some(name) = s.strip_prefix("env:") {
            let ok =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return if ok {
                Ok(SecretRef::Env(name.to_string()))
            } else {
                Err("`env:` must be followed by a variable name (letters, digits, _)".into())
            };
        }
        if let Some(path) = s.strip_prefix("file:") {
            return if path.is_empty() {
                Err("`file:` must be followed by a path".into())
            } else {
                Ok(SecretRef::File(PathBuf::from(path)))
            };
        }
        Err("a secret is never written in the config file: use `env:NAME` or `file:PATH` (a file only its owner can read)".into())
    }

    /// Read the value now. A file readable by group or others is refused.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        let value = match self {
            SecretRef::Env(name) => {
                std::env::var(name).map_err(|_| SecretError::MissingEnv(name.clone()))?
            }
            SecretRef::File(path) => read_private_file(path)?,
        };
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(SecretError::Empty(self.to_string()));
        }
        if value.chars().any(char::is_control) {
            return Err(SecretError::ControlCharacter(self.to_string()));
        }
        Ok(Secret(value))
    }
}

fn read_private_file(path: &Path) -> Result<String, SecretError> {
    let unreadable = |e: std::io::Error| SecretError::Unreadable {
        path: path.into(),
        detail: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretError::TooOpen {
                path: path.into(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    std::fs::read_to_string(path).map_err(unreadable)
}
