use serde::Deserialize;
use std::path::{Path, PathBuf};

use super::endpoint::{Endpoint, RawEndpoint, check_endpoints, check_unique};
pub use super::error::ConfigError;

/// The user's `config.toml`. Every key is optional.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Playbook for new incidents (default: "default").
    pub playbook: Option<String>,
    /// Name written as the author of events (default: $COCKPIT_USER, then the login name).
    pub author: Option<String>,
    /// Journal file (default: the data dir's journal.sqlite).
    pub journal: Option<PathBuf>,
    /// Keymap: "default", "vim", or a path to a TOML file.
    pub keymap: Option<String>,
    /// IANA time zone for local times and out-of-hours rules (default: the system's).
    pub timezone: Option<String>,
    /// Sync endpoints (`[[endpoint]]` tables), checked.
    pub endpoints: Vec<Endpoint>,
    /// Where `playbook = …` is written (file, line), for an unknown name.
    pub playbook_at: Option<(PathBuf, Option<usize>)>,
    /// People the screen's role picker offers besides those already in the
    /// incident (issue 12): `people = ["ann", "bob"]`.
    pub people: Vec<String>,
}

/// The file as written, before the endpoints are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Playbook for new incidents (default: "default").
    pub playbook: Option<String>,
    /// Name written as the author of events (default: $COCKPIT_USER, then the login name).
    pub author: Option<String>,
    /// Journal file (default: the data dir's journal.sqlite).
    pub journal: Option<PathBuf>,
    /// Keymap: "default", "vim", or a path to a TOML file.
    pub keymap: Option<String>,
    /// IANA time zone for local times and out-of-hours rules (default: the system's).
    pub timezone: Option<String>,
    #[serde(default, rename = "endpoint")]
    endpoints: Vec<RawEndpoint>,
    #[serde(default)]
    people: Vec<String>,
}

impl Config {
    /// The configured playbook is one that is installed; else the error names
    /// the file, line and key where it is written (issue 13).
    pub fn check_playbook(
        &self,
        installed: &crate::domain::playbook::PlaybookSet,
    ) -> Result<(), ConfigError> {
        let (Some(name), Some((path, line))) = (&self.playbook, &self.playbook_at) else {
            return Ok(());
        };
        if installed.get(name).is_some() {
            return Ok(());
        }
        Err(ConfigError::Invalid {
            path: path.clone(),
            line: *line,
            key: "playbook".into(),
            message: format!(
                "unknown playbook `{}`; installed: {}",
                crate::domain::sanitize::clean_line(name),
                installed.names().collect::<Vec<_>>().join(", ")
            ),
        })
    }

    /// The user's time zone (`timezone = "Europe/London"`); `None`: the system's.
    pub fn zone(&self) -> Result<Option<chrono_tz::Tz>, ConfigError> {
        match self.timezone.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(name) => name
                .parse::<chrono_tz::Tz>()
                .map(Some)
                .map_err(|_| ConfigError::TimeZone(name.to_string())),
        }
    }

    /// Load `path`; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(ConfigError::Read {
                path: path.into(),
                detail: e.to_string(),
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            // The key is what stands before `=` on the line the error points
            // at; never the value, which may be a secret written by mistake.
            let key = e
                .span()
                .and_then(|s| {
                    let start = text[..s.start.min(text.len())]
                        .rfind('\n')
                        .map_or(0, |i| i + 1);
                    text[start..].lines().next()
                })
                .and_then(|l| l.split_once('=').map(|(k, _)| k))
                .map(|k| k.trim().trim_matches(['[', ']']).to_string())
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| "document".into());
            ConfigError::Invalid {
                path: path.into(),
                line,
                key,
                message: e.message().trim().to_string(),
            }
        })?;
        // A time zone is checked where it is written: the file, line and key
        // (issue 13), not later by whichever command first needs local time.
        if let Some(name) = raw.timezone.as_deref().map(str::trim)
            && !name.is_empty()
            && name.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(ConfigError::Invalid {
                path: path.into(),
                line: key_line(text, "timezone"),
                key: "timezone".into(),
                message: format!(
                    "unknown time zone `{name}`; use an IANA name like \"Europe/London\""
                ),
            });
        }
        let endpoints = check_endpoints(path, text, raw.endpoints)?;
        check_unique(path, &endpoints)?;
        Ok(Config {
            author: raw.author,
            journal: raw.journal,
            keymap: raw.keymap,
            playbook_at: raw
                .playbook
                .as_ref()
                .map(|_| (path.to_path_buf(), key_line(text, "playbook"))),
            playbook: raw.playbook,
            timezone: raw.timezone,
            endpoints,
            people: raw
                .people
                .iter()
                .map(|p| crate::domain::sanitize::clean_line(p).trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        })
    }
}

/// The line (from 1) where a top-level `key = …` is written.
pub(super) fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.split_once('=')
                .is_some_and(|(k, _)| k.trim().trim_matches('"') == key)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        let c = Config::parse(Path::new("c.toml"), "timezone = \"America/New_York\"\n").unwrap();
        assert_eq!(c.zone().unwrap(), Some(chrono_tz::America::New_York));
        assert_eq!(Config::default().zone().unwrap(), None);
        let bad = Config::parse(
            Path::new("c.toml"),
            "author = \"ann\"\ntimezone = \"Mars/Olympus\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            bad.starts_with("c.toml:2: timezone: unknown time zone `Mars/Olympus`"),
            "{bad}"
        );
    }

    #[test]
    fn missing_file_is_empty_config() {
        let c = Config::load(Path::new("/nonexistent/cockpit/config.toml")).unwrap();
        assert!(c.playbook.is_none());
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let text = "playbook = \"default\"\nauthor = \"ann\"\ncolour = \"red\"\n";
        let e = Config::parse(Path::new("/home/ann/.config/cockpit/config.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/home/ann/.config/cockpit/config.toml:3: colour:"),
            "{e}"
        );
        assert!(e.contains("unknown field"), "{e}");

        let e = Config::parse(Path::new("c.toml"), "author = 7\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:1: "), "{e}");
    }
}
