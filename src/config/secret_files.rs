//! Secret files others can read, found when the configuration is loaded, so
//! every command that loads it says so (issue 10), not only the one that
//! happens to use the secret (which refuses it: `SecretRef::resolve`).

use super::endpoint::{Endpoint, UrlSetting};
use super::file::Config;
use super::secret::SecretRef;
use crate::domain::sanitize::clean_line;

/// One line per `file:` secret readable by group or others: where it is
/// declared, the key, the file and the command that fixes it. Never a value.
pub fn open_secret_files(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for e in &config.endpoints {
        for (key, r) in secret_refs(e) {
            if let SecretRef::File(path) = r
                && let Some(mode) = group_or_other_mode(path)
            {
                let p = clean_line(&path.display().to_string());
                out.push(format!(
                    "{}: endpoint `{}`: {key}: {p} is readable by group or others (mode {mode:o}); \
                     the endpoint will refuse it: chmod 600 {p}",
                    clean_line(&e.origin),
                    clean_line(&e.name),
                ));
            }
        }
    }
    out
}

/// Every secret reference of an endpoint, with the key it is written under.
fn secret_refs(e: &Endpoint) -> Vec<(String, &SecretRef)> {
    let mut v: Vec<(String, &SecretRef)> = [
        ("token", &e.token),
        ("routing_key", &e.routing_key),
        ("secret", &e.secret),
        ("app_token", &e.app_token),
    ]
    .into_iter()
    .filter_map(|(k, r)| r.as_ref().map(|r| (k.to_string(), r)))
    .collect();
    if let Some(UrlSetting::Secret(r)) = &e.url {
        v.push(("url".into(), r));
    }
    if let Some(r) = e.mail.as_ref().and_then(|m| m.password.as_ref()) {
        v.push(("password".into(), r));
    }
    v.extend(e.teams.iter().map(|(t, r)| (format!("teams.{t}"), r)));
    v
}

#[cfg(unix)]
fn group_or_other_mode(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn group_or_other_mode(_: &std::path::Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_secret_file_others_can_read_is_named_with_its_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("pd.key");
        std::fs::write(&secret, "R0UTINGKEYVALUE\n").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
        let path = dir.path().join("config.toml");
        let text = format!(
            "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"file:{}\"\n",
            secret.display()
        );
        let config = Config::parse(&path, &text).unwrap();
        let w = open_secret_files(&config);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("config.toml:2"), "{}", w[0]);
        assert!(w[0].contains("routing_key"), "{}", w[0]);
        assert!(w[0].contains("mode 644"), "{}", w[0]);
        assert!(!w[0].contains("R0UTINGKEYVALUE"), "{}", w[0]);
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(open_secret_files(&config).is_empty());
    }
}
