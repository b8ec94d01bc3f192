use std::path::Path;

use super::error::ConfigError;
use crate::domain::playbook::{Playbook, PlaybookSet};

/// The playbooks compiled into the binary: (file name, TOML).
/// `default` stays first: it is what a cockpit without configuration runs.
pub const BUILTIN_PLAYBOOKS: &[(&str, &str)] = &[
    (
        "default.toml",
        include_str!("../../assets/playbooks/default.toml"),
    ),
    ("qpp.toml", include_str!("../../assets/playbooks/qpp.toml")),
    ("ics.toml", include_str!("../../assets/playbooks/ics.toml")),
    ("dxw.toml", include_str!("../../assets/playbooks/dxw.toml")),
    (
        "eoc-imoc-cmoc.toml",
        include_str!("../../assets/playbooks/eoc-imoc-cmoc.toml"),
    ),
    (
        "sre-major.toml",
        include_str!("../../assets/playbooks/sre-major.toml"),
    ),
];

/// Built-in playbooks, then every `*.toml` in the user's playbook folder
/// (a user playbook with a built-in's name replaces it).
pub fn load_playbooks(user_dir: Option<&Path>) -> Result<PlaybookSet, ConfigError> {
    let mut set = PlaybookSet::new();
    for (file, text) in BUILTIN_PLAYBOOKS {
        let pb = Playbook::parse(&format!("assets/playbooks/{file}"), text)
            .expect("built-in playbooks are checked by tests");
        set.insert(pb);
    }
    let Some(dir) = user_dir else { return Ok(set) };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(set);
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        set.insert(load_playbook_file(&path)?);
    }
    Ok(set)
}

pub fn load_playbook_file(path: &Path) -> Result<Playbook, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.into(),
        detail: e.to_string(),
    })?;
    Ok(Playbook::parse(&path.display().to_string(), &text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_playbook_parses() {
        for (file, text) in BUILTIN_PLAYBOOKS {
            Playbook::parse(file, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn user_playbooks_replace_builtins_and_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mine: String = BUILTIN_PLAYBOOKS[0]
            .1
            .lines()
            .map(|l| {
                if l.starts_with("title = ") {
                    "title = \"Ours\"\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(dir.path().join("default.toml"), mine).unwrap();
        let set = load_playbooks(Some(dir.path())).unwrap();
        assert_eq!(set.get("default").unwrap().title, "Ours");

        std::fs::write(dir.path().join("broken.toml"), "name = 3\n").unwrap();
        let err = load_playbooks(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("broken.toml:1:"), "{err}");
    }
}
