//! Configuration: built-in defaults, then the user's TOML file, then
//! environment and command line (applied by the caller). Errors name the
//! file, the line and the key.

mod checker;
mod endpoint;
mod error;
mod file;
mod mail;
mod paths;
mod playbooks;
mod secret;
mod secret_files;

pub use endpoint::{
    DEFAULT_TIMEOUT, Endpoint, EndpointKind, Secret, SecretError, SecretRef, UrlSetting,
};
pub use file::{Config, ConfigError};
pub use mail::{MAIL_FLAGS, MailSettings, MailTls};
pub use paths::Paths;
pub use playbooks::{BUILTIN_PLAYBOOKS, load_playbook_file, load_playbooks};
pub use secret_files::open_secret_files;
