//! Shell completions and the man page, both from the clap grammar (issue 18).
//!
//! Completion is dynamic: the script a shell sources calls `cockpit` back on
//! every Tab (`COCKPIT_COMPLETE=bash cockpit -- cockpit role as…`), and clap's
//! engine answers from the grammar plus what the journal knows (incident ids,
//! roles, people, severities). One mechanism for all five shells, always in
//! step with the installed binary; the script only needs regenerating when
//! clap_complete changes its calling convention, which is why the README
//! sources it at shell start-up (clap_complete's own advice, env/mod.rs).

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::Shells;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::args::Cli;
use crate::config::{Config, Paths, load_playbooks};
use crate::domain::sanitize::clean_line;
use crate::journal::Journal;

/// The variable that turns a run of `cockpit` into a completion request.
/// Ours rather than clap's default `COMPLETE`, which other programs may read.
pub const COMPLETE_VAR: &str = "COCKPIT_COMPLETE";

/// The shells `cockpit completions` writes for.
pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// What an argument names, for the values offered at Tab.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Incident,
    Role,
    Person,
    Severity,
}

/// The grammar with value completers attached by argument id: the grammar
/// itself (`args.rs`, `app/verbs.rs`) stays free of completion code.
pub fn command() -> clap::Command {
    attach(Cli::command())
}

fn attach(mut cmd: clap::Command) -> clap::Command {
    let verb = cmd.get_name().to_string();
    let ids: Vec<(String, Kind)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let kind = match (verb.as_str(), a.get_id().as_str()) {
                (_, "incident") => Kind::Incident,
                (_, "role") => Kind::Role,
                (_, "person" | "author" | "owner") => Kind::Person,
                // `followup --from` is an event, `role handoff --from` a person.
                ("handoff", "to" | "from") => Kind::Person,
                (_, "severity" | "would_be") => Kind::Severity,
                _ => return None,
            };
            Some((a.get_id().to_string(), kind))
        })
        .collect();
    for (id, kind) in ids {
        cmd = cmd.mut_arg(id, |a| {
            a.add(ArgValueCandidates::new(move || candidates(kind)))
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, attach);
    }
    cmd
}

/// Values for one kind of argument. Nothing (rather than an error) when there
/// is no journal yet: a Tab must never create one or print a message.
fn candidates(kind: Kind) -> Vec<CompletionCandidate> {
    let Some(k) = Known::read() else {
        return Vec::new();
    };
    let values: Vec<(String, String)> = match kind {
        Kind::Incident => k.incidents,
        Kind::Role => k.roles,
        Kind::Person => k.people.into_iter().map(|p| (p, String::new())).collect(),
        Kind::Severity => k.severities,
    };
    values
        .into_iter()
        // A candidate is printed to the shell: one clean word, no controls.
        .filter(|(v, _)| !v.is_empty() && !v.chars().any(|c| c.is_whitespace() || c.is_control()))
        .map(|(v, help)| {
            let c = CompletionCandidate::new(v);
            if help.is_empty() {
                c
            } else {
                c.help(Some(clean_line(&help).into()))
            }
        })
        .collect()
}

/// What the journal and the playbooks know, for completion.
struct Known {
    incidents: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    people: BTreeSet<String>,
    severities: Vec<(String, String)>,
}

impl Known {
    fn read() -> Option<Self> {
        let paths = Paths::discover();
        let config_path = std::env::var_os("COCKPIT_CONFIG")
            .map(PathBuf::from)
            .or_else(|| paths.as_ref().map(Paths::config_file));
        let config = config_path
            .filter(|p| p.exists())
            .and_then(|p| Config::load(&p).ok())
            .unwrap_or_default();
        let journal_path = std::env::var_os("COCKPIT_JOURNAL")
            .map(PathBuf::from)
            .or(config.journal.clone())
            .or_else(|| paths.as_ref().map(Paths::default_journal))?;
        let playbooks =
            load_playbooks(paths.as_ref().map(Paths::user_playbooks).as_deref()).ok()?;
        let new_book = std::env::var("COCKPIT_PLAYBOOK")
            .ok()
            .or(config.playbook.clone())
            .unwrap_or_else(|| "default".into());
        let mut books = BTreeSet::from([new_book]);
        let mut incidents = Vec::new();
        let mut people = BTreeSet::new();
        if journal_path.is_file() {
            let mut journal = Journal::open(&journal_path, Arc::new(playbooks.clone())).ok()?;
            for i in journal.incidents().ok()? {
                let open = playbooks.get(&i.playbook).is_some_and(|pb| i.is_open(&pb));
                if open {
                    books.insert(i.playbook.clone());
                }
                people.extend(i.roster.iter().map(|h| h.person.clone()));
                people.insert(i.declared_by.clone());
                let help = format!("{} {} {}", i.severity, i.state, i.title);
                // Open incidents first: they are the ones a command is about.
                incidents.push((!open, i.id.short(), help));
            }
        }
        incidents.sort_by(|a, b| a.0.cmp(&b.0));
        let mut roles = Vec::new();
        let mut severities = Vec::new();
        for pb in books.iter().filter_map(|b| playbooks.get(b)) {
            for r in &pb.roles {
                if !roles.iter().any(|(k, _): &(String, String)| *k == r.key) {
                    roles.push((r.key.clone(), r.name.clone()));
                }
            }
            for s in &pb.severities {
                if !severities
                    .iter()
                    .any(|(k, _): &(String, String)| *k == s.name)
                {
                    severities.push((s.name.clone(), s.description.clone()));
                }
            }
        }
        Some(Self {
            incidents: incidents.into_iter().map(|(_, id, h)| (id, h)).collect(),
            roles,
            people,
            severities,
        })
    }
}

/// `cockpit completions SHELL`: the script that registers the completer.
/// `argv0` is how this binary was called: a bare name is looked up on PATH
/// by the shell, a relative path is made absolute so Tab works from any dir.
pub fn registration(shell: &str, argv0: &str) -> Result<String, String> {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| format!("unknown shell `{shell}`; use one of: {}", SHELLS.join(", ")))?;
    let mut path = PathBuf::from(argv0);
    if path.components().count() > 1
        && let Ok(dir) = std::env::current_dir()
    {
        path = dir.join(path);
    }
    let mut buf = Vec::new();
    completer
        .write_registration(
            COMPLETE_VAR,
            "cockpit",
            "cockpit",
            &path.to_string_lossy(),
            &mut buf,
        )
        .map_err(|e| e.to_string())?;
    String::from_utf8(buf).map_err(|e| e.to_string())
}

/// `cockpit man`: the manual page cockpit(1), roff, listing every command.
pub fn man_page() -> Result<String, String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| e.to_string())?;
    String::from_utf8(buf).map_err(|e| e.to_string())
}

/// `cockpit man --dir DIR`: cockpit.1 and one page per command
/// (cockpit-role-assign.1, ...), for a packager's man1 folder.
pub fn man_pages_to(dir: &std::path::Path) -> Result<String, String> {
    clap_mangen::generate_to(Cli::command(), dir)
        .map_err(|e| format!("cannot write the man pages to {}: {e}", dir.display()))?;
    Ok(format!("man pages written to {}\n", dir.display()))
}
