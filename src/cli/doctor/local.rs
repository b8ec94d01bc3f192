//! The files the cockpit reads: config, playbooks, keymap, journal, secrets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::check::{Check, Level};
use crate::cli::args::Global;
use crate::config::{Config, Endpoint, Paths, SecretRef, UrlSetting, load_playbooks};
use crate::domain::playbook::PlaybookSet;
use crate::journal::Journal;

/// What the later checks need from the first ones.
pub struct Setup {
    pub paths: Option<Paths>,
    /// `None` when the config does not load (already reported as a failure).
    pub config: Option<Config>,
    pub playbooks: Option<PlaybookSet>,
}

impl Setup {
    pub fn read(global: &Global, out: &mut Vec<Check>) -> Self {
        let paths = Paths::discover();
        let config_path = global
            .config
            .clone()
            .or_else(|| paths.as_ref().map(Paths::config_file));
        let config = match &config_path {
            None => {
                out.push(Check::new(
                    "config",
                    Level::Info,
                    "no home directory: built-in defaults",
                ));
                Some(Config::default())
            }
            Some(p) => config_check(p, out),
        };
        let user_dir = paths.as_ref().map(Paths::user_playbooks);
        let playbooks = playbook_check(global, config.as_ref(), user_dir.as_deref(), out);
        if let Some(c) = &config {
            keymap_check(c, paths.as_ref(), out);
        }
        Self {
            paths,
            config,
            playbooks,
        }
    }
}

fn config_check(path: &Path, out: &mut Vec<Check>) -> Option<Config> {
    let shown = path.display();
    if !path.exists() {
        out.push(Check::new(
            "config",
            Level::Ok,
            format!("none at {shown}: built-in defaults (no endpoints)"),
        ));
        return Some(Config::default());
    }
    match Config::load(path) {
        Ok(c) => {
            out.push(Check::new(
                "config",
                Level::Ok,
                format!("{shown}: {} endpoint(s)", c.endpoints.len()),
            ));
            Some(c)
        }
        // The error names the file, line and key, never a secret.
        Err(e) => {
            out.push(
                Check::new("config", Level::Fail, e.to_string())
                    .todo("fix that line; every command refuses to start until then"),
            );
            None
        }
    }
}

fn playbook_check(
    global: &Global,
    config: Option<&Config>,
    user_dir: Option<&Path>,
    out: &mut Vec<Check>,
) -> Option<PlaybookSet> {
    let set = match load_playbooks(user_dir) {
        Ok(s) => s,
        Err(e) => {
            out.push(Check::new("playbooks", Level::Fail, e.to_string()).todo(
                "fix the playbook (`cockpit playbook check FILE`) or move it out of the folder",
            ));
            return None;
        }
    };
    let new = global
        .playbook
        .clone()
        .or_else(|| config.and_then(|c| c.playbook.clone()))
        .unwrap_or_else(|| "default".into());
    let names: Vec<&str> = set.names().collect();
    let user = user_dir
        .map(|d| format!("; yours from {}", d.display()))
        .unwrap_or_default();
    if set.get(&new).is_none() {
        out.push(
            Check::new(
                "playbooks",
                Level::Fail,
                format!("new incidents use playbook `{new}`, which is not installed"),
            )
            .todo(format!("use one of: {}", names.join(", "))),
        );
    } else {
        out.push(Check::new(
            "playbooks",
            Level::Ok,
            format!(
                "{} installed ({}){user}; new incidents use `{new}`",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    Some(set)
}

fn keymap_check(config: &Config, paths: Option<&Paths>, out: &mut Vec<Check>) {
    let user = paths.map(|p| p.config_dir.join("keymap.toml"));
    let (_, warnings) = crate::ui::runner::load_keymap(config.keymap.as_deref(), user.as_deref());
    let base = config.keymap.as_deref().unwrap_or("default");
    if warnings.is_empty() {
        let over = match &user {
            Some(u) if u.exists() => format!(" with your overrides from {}", u.display()),
            _ => String::new(),
        };
        out.push(Check::new("keymap", Level::Ok, format!("`{base}`{over}")));
    }
    // The screen still opens, on the default keys: a warning.
    for w in warnings {
        out.push(Check::new("keymap", Level::Warn, w).todo("fix the keymap file"));
    }
}

/// Where the journal is, whether it opens, and what SQLite says of it. A
/// journal that does not exist yet is fine: the first command creates it
/// (and doctor must not).
pub fn journal(global: &Global, setup: &Setup, out: &mut Vec<Check>) {
    let Some(playbooks) = &setup.playbooks else {
        return;
    };
    let explicit = global
        .journal
        .clone()
        .or_else(|| setup.config.as_ref().and_then(|c| c.journal.clone()));
    let path: Option<PathBuf> = explicit
        .clone()
        .or_else(|| setup.paths.as_ref().map(Paths::default_journal));
    let Some(path) = path else {
        out.push(
            Check::new(
                "journal",
                Level::Fail,
                "no home directory to keep the journal in",
            )
            .todo("pass --journal PATH or set COCKPIT_JOURNAL"),
        );
        return;
    };
    let shown = path.display().to_string();
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(warning) = super::system::network_filesystem(&folder) {
        out.push(
            Check::new("journal", Level::Warn, format!("{shown} is on {warning}"))
                .todo("SQLite's WAL needs every writer on one host with shared memory (sqlite.org/wal.html): keep the journal on a local disk"),
        );
    }
    if !path.exists() {
        // The default folder is ours to create; an explicit path's is not.
        let (level, todo) = if folder.is_dir() || explicit.is_none() {
            (Level::Ok, "")
        } else {
            (
                Level::Fail,
                "create the folder, or point --journal elsewhere",
            )
        };
        out.push(
            Check::new(
                "journal",
                level,
                format!("none yet at {shown}; the first command creates it"),
            )
            .todo(todo),
        );
        return;
    }
    let journal = match Journal::open(&path, Arc::new(playbooks.clone())) {
        Ok(j) => j,
        Err(e) => {
            out.push(Check::new("journal", Level::Fail, e.to_string()).todo(
                "point --journal (or `journal =` in the config) at a cockpit journal, or move this file away",
            ));
            return;
        }
    };
    match journal.health() {
        Ok(h) if !h.integrity.is_empty() => out.push(
            Check::new(
                "journal",
                Level::Fail,
                format!("{shown}: integrity check failed: {}", h.integrity.join("; ")),
            )
            .todo("stop every cockpit on it, copy it aside, and `sqlite3 FILE .recover` into a new file"),
        ),
        Ok(h) => {
            let mode = if h.journal_mode == "wal" {
                String::new()
            } else {
                format!(", journal mode {} (expected wal)", h.journal_mode)
            };
            out.push(Check::new(
                "journal",
                if mode.is_empty() { Level::Ok } else { Level::Warn },
                format!(
                    "{shown}: schema v{}/{}, {}, {} incident(s), {} event(s), integrity ok{mode}",
                    h.schema,
                    h.latest_schema,
                    human_bytes(h.bytes),
                    h.incidents,
                    h.events
                ),
            ));
        }
        Err(e) => out.push(Check::new("journal", Level::Fail, e.to_string())),
    }
}

fn human_bytes(n: i64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Every secret reference of every endpoint: set, readable, private. Values
/// are read and dropped; only the reference is ever shown.
pub fn secrets(config: &Config, out: &mut Vec<Check>) {
    for e in &config.endpoints {
        for (key, r) in secret_refs(e) {
            match r.resolve() {
                Ok(_) => out.push(Check::new(
                    "secret",
                    Level::Ok,
                    format!("endpoint `{}` {key}: {r} is set", e.name),
                )),
                Err(err) => out.push(
                    Check::new(
                        "secret",
                        Level::Warn,
                        format!("endpoint `{}` ({}) {key}: {err}", e.name, e.origin),
                    )
                    .todo("nothing is sent to this endpoint until it is fixed; the outbox keeps the messages"),
                ),
            }
        }
    }
}

fn secret_refs(e: &Endpoint) -> Vec<(&'static str, &SecretRef)> {
    let mut v = Vec::new();
    if let Some(UrlSetting::Secret(r)) = &e.url {
        v.push(("url", r));
    }
    for (key, r) in [
        ("token", &e.token),
        ("routing_key", &e.routing_key),
        ("secret", &e.secret),
    ] {
        if let Some(r) = r {
            v.push((key, r));
        }
    }
    v
}
