//! `cockpit completions SHELL` loaded into real shells, and `cockpit man`
//! rendered by man/groff (issue 18). Bash always (the suite's shell); zsh and
//! fish when installed (tests/support/completions.sh installs them and sets
//! COCKPIT_SHELLS_REQUIRED=1 so a missing shell fails instead of skipping).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch home with a journal holding one open SEV1 with people on it.
struct Desk {
    home: tempfile::TempDir,
}

impl Desk {
    fn new() -> Self {
        let d = Self {
            home: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(d.home.path().join("config")).unwrap();
        d
    }

    fn journal(&self) -> PathBuf {
        self.home.path().join("journal.sqlite")
    }

    fn env(&self, c: &mut Command) {
        let h = self.home.path();
        c.env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("COCKPIT_CONFIG", h.join("no-config.toml"))
            .env("COCKPIT_JOURNAL", self.journal())
            .env("COCKPIT_USER", "ann")
            .env_remove("COCKPIT_PLAYBOOK")
            .env_remove("COCKPIT_COMPLETE");
    }

    fn cockpit(&self, args: &[&str]) -> String {
        let mut c = Command::new(bin());
        self.env(&mut c);
        let out = c.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "cockpit {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Declare an incident with ann as IC and sam as scribe; its short id.
    fn with_incident(self) -> (Self, String) {
        let out = self.cockpit(&["declare", "Checkout down", "--severity", "SEV1"]);
        self.cockpit(&["role", "engage", "ic", "ann"]);
        self.cockpit(&["role", "assign", "scribe", "sam"]);
        let list = self.cockpit(&["list", "--json"]);
        let v: serde_json::Value = serde_json::from_str(list.lines().next().unwrap()).unwrap();
        let id = v["short"].as_str().unwrap_or_default().to_string();
        assert!(!id.is_empty(), "no id in {list} (declare said {out})");
        (self, id)
    }

    fn shell(&self, shell: &str, script: &str) -> Output {
        let mut c = Command::new(shell);
        self.env(&mut c);
        c.env("COCKPIT", bin())
            .arg("-c")
            .arg(script)
            .output()
            .unwrap()
    }

    /// Candidates bash offers for the words of `line` (the last word is the
    /// one being completed), through the script `cockpit completions bash`
    /// prints, exactly as bash calls a `complete -F` function.
    fn bash_complete(&self, line: &str) -> Vec<String> {
        let script = format!(
            r#"source <("$COCKPIT" completions bash) || exit 9
COMP_LINE={line:?}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
fn=$(complete -p cockpit | sed -E 's/.*-F ([^ ]+) .*/\1/')
"$fn" cockpit "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        let out = self.shell("bash", &script);
        assert!(
            out.status.success(),
            "bash: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cockpit")
}

fn have(prog: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {prog}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("COCKPIT_SHELLS_REQUIRED").is_some() {
        panic!("{prog} is required (tests/support/completions.sh installs it)");
    }
    found
}

#[test]
fn bash_completes_commands_from_the_grammar() {
    let d = Desk::new();
    assert_eq!(d.bash_complete("cockpit rol"), ["role"]);
    let role = d.bash_complete("cockpit role ");
    for sub in [
        "assign", "engage", "release", "handoff", "accept", "decline",
    ] {
        assert!(
            role.contains(&sub.to_string()),
            "{sub} missing from {role:?}"
        );
    }
    assert!(
        d.bash_complete("cockpit completions ")
            .contains(&"zsh".to_string())
    );
    assert!(
        d.bash_complete("cockpit --jso")
            .contains(&"--json".to_string())
    );
}

#[test]
fn bash_completes_roles_people_severities_and_ids_from_the_journal() {
    let (d, id) = Desk::new().with_incident();
    let roles = d.bash_complete("cockpit role assign ");
    for r in ["ic", "scribe"] {
        assert!(roles.contains(&r.to_string()), "{r} missing from {roles:?}");
    }
    assert_eq!(d.bash_complete("cockpit role assign scribe s"), ["sam"]);
    assert_eq!(
        d.bash_complete("cockpit severity SEV"),
        ["SEV1", "SEV2", "SEV3"]
    );
    assert_eq!(d.bash_complete("cockpit show --incident "), [id.clone()]);
    let prefix = &id[..2];
    assert_eq!(
        d.bash_complete(&format!("cockpit timeline --incident {prefix}")),
        [id]
    );
}

#[test]
fn completion_on_a_fresh_home_offers_the_default_playbook_and_creates_nothing() {
    let d = Desk::new();
    assert!(
        d.bash_complete("cockpit declare x --severity ")
            .contains(&"SEV1".to_string())
    );
    assert!(
        d.bash_complete("cockpit role engage ")
            .contains(&"ic".to_string())
    );
    assert!(!d.journal().exists(), "a Tab must not create the journal");
}

#[test]
fn fish_loads_the_script_and_completes() {
    if !have("fish") {
        return;
    }
    let (d, _) = Desk::new().with_incident();
    let out = d.shell(
        "fish",
        r#"$COCKPIT completions fish | source; complete -C "cockpit rol"; complete -C "cockpit role assign scribe s""#,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "fish: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let words: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert!(words.contains(&"role"), "fish offered {words:?}");
    assert!(words.contains(&"sam"), "fish offered {words:?}");
}

#[test]
fn zsh_loads_the_script_and_its_completer_answers() {
    if !have("zsh") {
        return;
    }
    let (d, _) = Desk::new().with_incident();
    // The function the script defines, called as zsh's completion system
    // would, with `compadd` recording what it is given.
    let out = d.shell(
        "zsh",
        r#"autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump" || exit 8
source <($COCKPIT completions zsh) || exit 9
_describe() { print -l -- "${(P)${@[-1]}}" >> "$HOME/offered"; }
words=(cockpit role assign scribe s); CURRENT=5
_clap_dynamic_completer_cockpit
cat "$HOME/offered""#,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zsh: {} {text}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines().any(|l| l.trim() == "sam"),
        "zsh offered {text}"
    );
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_is_a_usage_error() {
    let d = Desk::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = d.cockpit(&["completions", shell]);
        assert!(script.contains("COCKPIT_COMPLETE"), "{shell}: {script}");
        assert!(
            script.contains(bin()),
            "{shell} script calls the binary back"
        );
    }
    let mut c = Command::new(bin());
    d.env(&mut c);
    let out = c.args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_renders() {
    let d = Desk::new();
    let page = d.cockpit(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH cockpit"),
        "{}",
        &page[..200.min(page.len())]
    );
    let file = d.home.path().join("cockpit.1");
    std::fs::write(&file, &page).unwrap();
    // groff is what `man` runs; with man-db present, `man ./cockpit.1` too.
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&file)
        .output()
        .expect("groff (apt-get install groff-base)");
    // grotty draws bold and underline by overstriking ("N\bN"): read the text.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "NAME",
        "SYNOPSIS",
        "declare",
        "doctor",
        "completions",
        "--journal",
    ] {
        assert!(
            text.contains(want),
            "`{want}` missing from the rendered page"
        );
    }
    if have_man() {
        let out = Command::new("man")
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "man: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("SYNOPSIS"));
    }
    let pages = d.home.path().join("man1");
    std::fs::create_dir_all(&pages).unwrap();
    d.cockpit(&["man", "--dir", pages.to_str().unwrap()]);
    for page in [
        "cockpit.1",
        "cockpit-role.1",
        "cockpit-role-assign.1",
        "cockpit-doctor.1",
    ] {
        assert!(Path::new(&pages.join(page)).exists(), "{page} not written");
    }
}

fn have_man() -> bool {
    Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
