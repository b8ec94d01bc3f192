use std::path::PathBuf;
use std::sync::Arc;

use super::args::{Cli, Command, Global, PlaybookCmd};
use super::clock_output;
pub use super::failure::Failure;
use super::output;
use super::postmortem;
use super::process_output;
use crate::config::{BUILTIN_PLAYBOOKS, Config, Paths, load_playbooks};
use crate::domain::Playbook;
use crate::domain::RuleError;
use crate::domain::clocks::{check_in_loop, check_in_too_soon};
use crate::domain::event::FollowUp;
use crate::domain::time::{Clock, SystemClock};
use crate::journal::{Journal, TimelineQuery};
use crate::services::verbs::{ChecklistCmd, Verb};
use crate::services::when::parse_when;
use crate::services::{AppError, Cockpit, Intent};
use crate::sync::Router;

/// clap renders a usage error over several lines (message, tips, usage,
/// "For more information"); the user gets one: the message and the usage.
pub fn usage_error_line(rendered: &str) -> String {
    let usage = rendered
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .map(str::trim);
    // A command group given without its command (`cockpit role`): clap shows
    // the group's help; name the commands it takes instead.
    if !rendered.starts_with("error:")
        && let Some(list) = rendered.split("Commands:\n").nth(1)
    {
        let commands: Vec<&str> = list
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .collect();
        return format!(
            "a command is missing: {}; usage: {}",
            commands.join(", "),
            usage.unwrap_or("cockpit --help")
        );
    }
    let first = rendered.split("\n\n").next().unwrap_or("");
    let message = first
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    match usage {
        Some(usage) => format!("{message}; usage: {usage}"),
        None => message.to_string(),
    }
}

/// Load configuration and playbooks and open the journal, as every command does.
pub fn open_cockpit(global: &Global) -> Result<Cockpit, Failure> {
    open(global, false).map(|(c, _, _)| c)
}

/// `open_cockpit`, and the configuration it read (endpoints for sync).
pub fn open_cockpit_with_config(global: &Global) -> Result<(Cockpit, Config), Failure> {
    open(global, false).map(|(c, config, _)| (c, config))
}

/// Commands that only read: they must never create or initialise a journal
/// (a typo in `--journal` would otherwise leave an empty journal behind).
fn reads_only(command: &Command) -> bool {
    matches!(
        command,
        Command::List
            | Command::Show
            | Command::Timeline { .. }
            | Command::Search { .. }
            | Command::Clocks
            | Command::Briefing
            | Command::Export { .. }
            | Command::Report { .. }
            | Command::Verb(Verb::Checklist(ChecklistCmd::Show { .. }))
    )
}

/// The journal writes outbox rows for the configured endpoints from here on.
/// With `read_only`, a journal that does not exist yet (or is an empty file)
/// is reported instead of created.
fn open(global: &Global, read_only: bool) -> Result<(Cockpit, Config, Option<Paths>), Failure> {
    let paths = Paths::discover();
    let config_path = global
        .config
        .clone()
        .or_else(|| paths.as_ref().map(Paths::config_file));
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    // Every command that loads the configuration says so (issue 10), not
    // only the one that uses the secret; the screen shows it too.
    for w in crate::config::open_secret_files(&config) {
        eprintln!("warning: {w}");
    }
    let playbooks = load_playbooks(paths.as_ref().map(Paths::user_playbooks).as_deref())?;
    if global.playbook.is_none() {
        config.check_playbook(&playbooks)?;
    }
    let journal_path = journal_path(global, &config, paths.as_ref(), read_only)?;
    if read_only {
        Journal::must_exist(&journal_path)?;
    }
    let mut journal = Journal::open(&journal_path, Arc::new(playbooks))?;
    journal.set_outbox(Router::new(&config.endpoints).map(|r| Arc::new(r) as _));
    let author = global
        .author
        .clone()
        .or_else(|| std::env::var("COCKPIT_USER").ok().filter(|s| !s.is_empty()))
        .or(config.author.clone())
        .unwrap_or_else(login_name);
    let playbook = global
        .playbook
        .clone()
        .or(config.playbook.clone())
        .unwrap_or_else(|| "default".into());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut cockpit = Cockpit::new(journal, author, playbook, clock)?;
    cockpit.zone = config.zone()?;
    Ok((cockpit, config, paths))
}

/// `cockpit` with no command: the full-screen cockpit.
pub fn screen(global: &Global) -> Result<(), Failure> {
    let (cockpit, config, paths) = open(global, false)?;
    let user_keys = paths.as_ref().map(|p| p.config_dir.join("keymap.toml"));
    let (keymap, mut warnings) =
        crate::ui::runner::load_keymap(config.keymap.as_deref(), user_keys.as_deref());
    warnings.extend(crate::config::open_secret_files(&config));
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let incident = match global.incident.as_deref() {
        Some(prefix) => Some(cockpit.journal.resolve_incident(prefix)?),
        None => None,
    };
    let options = crate::ui::runner::ScreenOptions {
        warnings,
        endpoints: config.endpoints.clone(),
        incident,
        people: config.people.clone(),
    };
    crate::ui::runner::run(cockpit, keymap, options).map_err(|e| Failure {
        code: 1,
        message: format!("{e:#}"),
    })
}

fn journal_path(
    global: &Global,
    config: &Config,
    paths: Option<&Paths>,
    read_only: bool,
) -> Result<PathBuf, Failure> {
    if let Some(p) = global.journal.clone().or(config.journal.clone()) {
        return Ok(p);
    }
    let paths = paths.ok_or_else(|| {
        Failure::usage("no home directory to keep the journal in; pass --journal PATH")
    })?;
    // The default location is ours to create; an explicit path's folder is not.
    if read_only {
        return Ok(paths.default_journal());
    }
    std::fs::create_dir_all(&paths.data_dir).map_err(|e| Failure {
        code: 1,
        message: format!("cannot create {}: {e}", paths.data_dir.display()),
    })?;
    Ok(paths.default_journal())
}

fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// Run one command; returns what to print on stdout.
pub fn run(cli: Cli) -> Result<String, Failure> {
    let global = cli.global;
    let command = match cli.command {
        Some(c) => c,
        None => Command::Show,
    };
    match command {
        Command::Playbook(cmd) => return playbook_command(&global, cmd),
        Command::Lint { file } => return postmortem::lint_command(&file, global.json),
        Command::Completions { shell } => {
            let argv0 = std::env::args().next().unwrap_or_else(|| "cockpit".into());
            return super::completions::registration(shell.name(), &argv0).map_err(Failure::usage);
        }
        Command::Man { dir: None } => {
            return super::completions::man_page().map_err(Failure::usage);
        }
        Command::Man { dir: Some(dir) } => {
            return super::completions::man_pages_to(&dir)
                .map_err(|message| Failure { code: 1, message });
        }
        Command::Doctor => return super::doctor::doctor(&global),
        _ => {}
    }
    if let Command::Demo = command {
        return demo(&global).map(|()| String::new());
    }
    let (mut cockpit, config) =
        open(&global, reads_only(&command)).map(|(c, config, _)| (c, config))?;
    match command {
        Command::Sync(cmd) => super::sync_cmd::sync(&global, &mut cockpit, &config, cmd),
        Command::Room(cmd) => super::room_cmd::room(&global, &mut cockpit, &config, cmd),
        Command::Alerts { endpoint } => {
            super::sync_cmd::alerts(&global, &config, endpoint.as_deref())
        }
        Command::Oncall { endpoint } => {
            super::oncall_cmd::oncall(&global, &config, endpoint.as_deref())
        }
        Command::Silences {
            expire,
            expire_all_ours,
            endpoint,
        } => super::sync_cmd::silences(
            &global,
            &mut cockpit,
            &config,
            endpoint.as_deref(),
            expire.as_deref(),
            expire_all_ours,
        ),
        other => execute(&mut cockpit, &global, other),
    }
}

/// Run one command on an open cockpit. The tests drive scripted incidents
/// through here with a fixed clock.
pub fn execute(
    cockpit: &mut Cockpit,
    global: &Global,
    command: Command,
) -> Result<String, Failure> {
    if let Some(author) = &global.author {
        cockpit.author = author.clone();
    }
    let at = match &global.at {
        Some(s) => Some(parse_when(s, cockpit.now()).map_err(Failure::usage)?),
        None => None,
    };
    match command {
        Command::List => {
            let incidents = cockpit.journal.incidents()?;
            let books = cockpit.journal.playbooks().clone();
            Ok(output::list(&incidents, &books, cockpit.now(), global.json))
        }
        Command::Show => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let pb = cockpit.journal.playbook_of(id)?;
            let incident = cockpit.journal.incident(id)?.clone();
            Ok(output::show(&incident, &pb, cockpit.now(), global.json))
        }
        Command::Timeline { last } => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let pb = cockpit.journal.playbook_of(id)?;
            let incident = cockpit.journal.incident(id)?.clone();
            let events = cockpit.journal.events(
                id,
                &TimelineQuery {
                    after_seq: 0,
                    last: last.unwrap_or(0),
                },
            )?;
            Ok(output::timeline(&events, &incident, &pb, global.json))
        }
        Command::Search { text, limit, raw } => {
            super::search_output::search(cockpit, &text.join(" "), limit, raw, global.json)
        }
        Command::Export { format, out } => {
            postmortem::export_command(cockpit, global, format, out.as_deref())
        }
        Command::Report { since } => postmortem::report_command(cockpit, since, global.json),
        Command::Verb(Verb::Declare {
            title,
            severity,
            summary,
            security,
        }) => {
            let event = cockpit.declare(
                Intent::Declare {
                    title,
                    severity,
                    summary,
                    security,
                    playbook: String::new(),
                },
                at,
            )?;
            Ok(output::declared(&event, global.json))
        }
        Command::Briefing => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let pb = cockpit.journal.playbook_of(id)?;
            let incident = cockpit.journal.incident(id)?.clone();
            Ok(process_output::briefing(
                &incident.briefing_draft(&pb),
                global.json,
            ))
        }
        Command::Verb(Verb::Checklist(ChecklistCmd::Show { checklist })) => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let pb = cockpit.journal.playbook_of(id)?;
            let incident = cockpit.journal.incident(id)?.clone();
            let all = incident.checklists(&pb);
            let shown: Vec<_> = match &checklist {
                Some(key) => {
                    let c = pb.known_checklist(key).map_err(AppError::from)?;
                    all.into_iter().filter(|p| p.key == c.key).collect()
                }
                None => all,
            };
            Ok(process_output::checklists(&shown, global.json))
        }
        Command::Verb(verb) => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let customer_update_at = match verb.handoff_time() {
                Some(s) => Some(parse_when(s, cockpit.now()).map_err(Failure::usage)?),
                None => None,
            };
            let find = |reference: String| -> Result<crate::domain::EventId, Failure> {
                let found = cockpit.journal.find_event(id, &reference)?;
                found.map(|e| e.id).ok_or_else(|| {
                    Failure::from(AppError::from(RuleError::UnknownEvent(reference)))
                })
            };
            let intent = match verb {
                Verb::Highlight { event } => Intent::Highlight(find(event)?),
                Verb::Followup {
                    text,
                    owner,
                    criticality,
                    due,
                    from: Some(from),
                } => Intent::FollowUp(FollowUp {
                    text: text.join(" "),
                    owner,
                    criticality,
                    due,
                    from_event: Some(find(from)?),
                }),
                other => other
                    .into_intent_at(at.unwrap_or(cockpit.now()))
                    .expect("only highlight, follow-up --from and checklist show need resolving"),
            };
            let intent = match intent {
                Intent::RoleHandoff {
                    role,
                    from,
                    to,
                    mut briefing,
                } => {
                    briefing.last_customer_update_at = customer_update_at;
                    Intent::RoleHandoff {
                        role,
                        from,
                        to,
                        briefing,
                    }
                }
                other => other,
            };
            // 001: "you do not want to repeat this loop more often than once every 15 minutes".
            let too_soon = match &intent {
                Intent::CheckIn(_) => {
                    let pb = cockpit.journal.playbook_of(id)?;
                    let when = at.unwrap_or(cockpit.now());
                    check_in_too_soon(cockpit.journal.incident(id)?, &pb, when)
                }
                _ => None,
            };
            let event = cockpit.act(id, intent, at)?;
            let incident = cockpit.journal.incident(id)?.clone();
            let mut out = output::recorded(&event, &incident, global.json);
            if let (Some(w), false) = (too_soon, global.json) {
                out.push_str(&format!("warning: {w}\n"));
            }
            Ok(out)
        }
        Command::Clocks => {
            let id = cockpit.pick_incident(global.incident.as_deref())?;
            let clocks = cockpit.clocks(id)?;
            let pb = cockpit.journal.playbook_of(id)?;
            let incident = cockpit.journal.incident(id)?.clone();
            let view = check_in_loop(&incident, &pb);
            Ok(clock_output::clocks(
                &incident,
                &clocks,
                &view,
                cockpit.now(),
                cockpit.zone,
                global.json,
            ))
        }
        Command::Playbook(_) | Command::Lint { .. } | Command::Demo => {
            unreachable!("handled in run")
        }
        Command::Sync(_)
        | Command::Room(_)
        | Command::Alerts { .. }
        | Command::Oncall { .. }
        | Command::Silences { .. } => {
            unreachable!("handled in run")
        }
        Command::Completions { .. } | Command::Man { .. } | Command::Doctor => {
            unreachable!("handled in run")
        }
    }
}

fn playbook_command(global: &Global, cmd: PlaybookCmd) -> Result<String, Failure> {
    let paths = Paths::discover();
    match cmd {
        PlaybookCmd::Check { file } => {
            let pb = crate::config::load_playbook_file(&file)?;
            Ok(format!(
                "{}: ok (playbook `{}`: {} severities, {} roles, {} states, {} checklists)\n",
                file.display(),
                pb.name,
                pb.severities.len(),
                pb.roles.len(),
                pb.states.len(),
                pb.checklists.len()
            ))
        }
        PlaybookCmd::List => {
            let set = load_playbooks(paths.as_ref().map(Paths::user_playbooks).as_deref())?;
            let mut out = String::new();
            for pb in set.all() {
                if global.json {
                    out.push_str(&serde_json::json!({"name": pb.name, "title": pb.title, "sources": pb.sources}).to_string());
                    out.push('\n');
                } else {
                    out.push_str(&format!("{:<16} {}\n", pb.name, pb.title));
                }
            }
            Ok(out)
        }
        PlaybookCmd::Show { name } => {
            let set = load_playbooks(paths.as_ref().map(Paths::user_playbooks).as_deref())?;
            let pb = set.get(&name).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown playbook `{name}`; installed: {}",
                    set.names().collect::<Vec<_>>().join(", ")
                ))
            })?;
            if global.json {
                return Ok(serde_json::to_string_pretty(pb.as_ref()).unwrap_or_default() + "\n");
            }
            // The built-in text, comments and all, when it is a built-in.
            let builtin = BUILTIN_PLAYBOOKS.iter().find_map(|(_, text)| {
                Playbook::parse("", text)
                    .ok()
                    .filter(|p| p.name == name && p.title == pb.title)
                    .map(|_| *text)
            });
            Ok(builtin
                .map(str::to_string)
                .unwrap_or_else(|| toml::to_string_pretty(pb.as_ref()).unwrap_or_default()))
        }
    }
}

fn demo(global: &Global) -> Result<(), Failure> {
    let paths = Paths::discover();
    let config = match global
        .config
        .clone()
        .or_else(|| paths.as_ref().map(Paths::config_file))
    {
        Some(p) => Config::load(&p)?,
        None => Config::default(),
    };
    let playbooks = Arc::new(crate::config::load_playbooks(None)?);
    let user_keys = paths.as_ref().map(|p| p.config_dir.join("keymap.toml"));
    let (keymap, _) =
        crate::ui::runner::load_keymap(config.keymap.as_deref(), user_keys.as_deref());
    let author = global
        .author
        .clone()
        .or_else(|| std::env::var("COCKPIT_USER").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "you".into());
    crate::demo::run(playbooks, keymap, &author).map_err(|e| Failure {
        code: 1,
        message: format!("{e:#}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_become_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  <TEXT>...\n\nUsage: cockpit note <TEXT>...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "the following required arguments were not provided: <TEXT>...; usage: cockpit note <TEXT>..."
        );
        let rendered = "error: invalid value 'up' for '--trend <TREND>'\n  [possible values: better, same, worse]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "invalid value 'up' for '--trend <TREND>' [possible values: better, same, worse]"
        );
        let rendered = "Assign, engage, release or hand off roles\n\nUsage: cockpit role [OPTIONS] <COMMAND>\n\nCommands:\n  assign   Assign ROLE to PERSON\n  engage   PERSON has engaged\n  help     Print this message\n\nOptions:\n  --json\n";
        assert_eq!(
            usage_error_line(rendered),
            "a command is missing: assign, engage; usage: cockpit role [OPTIONS] <COMMAND>"
        );
    }
}
