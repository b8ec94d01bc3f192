//! The `:` command line: the CLI's own grammar (`cli::Verb`), parsed by clap,
//! plus a few screen words (quit, help, incident, filter). Tab completes verbs,
//! roles, people, states, severities, tags and actions.

use clap::{CommandFactory, Parser};
use crossterm::event::{KeyCode, KeyEvent};

use super::effect::Outcome;
use super::model::{CommandLine, Level, Model, Overlay, single_line};
use crate::journal::TimelineFilter;
use crate::services::verbs::Verb;
use crate::services::worker::Request;

/// `:` input: a verb, with `--at` for backdating as on the command line.
#[derive(Debug, Parser)]
#[command(
    name = ":",
    no_binary_name = true,
    disable_help_subcommand = true,
    disable_version_flag = true
)]
struct VerbLine {
    /// Global, as on the CLI: `:note --at 23:50 ...` backdates.
    #[arg(long, global = true, allow_hyphen_values = true)]
    at: Option<String>,
    #[command(subcommand)]
    verb: Verb,
}

const SCREEN_WORDS: [&str; 5] = ["quit", "help", "incident", "filter", "clear"];

pub fn on_key(m: &mut Model, mut c: CommandLine, k: KeyEvent) -> Vec<Outcome> {
    match k.code {
        KeyCode::Esc => Vec::new(),
        KeyCode::Enter => {
            let line = c.input.lines().join(" ");
            if !line.trim().is_empty() {
                m.command_history.push(line.clone());
            }
            execute(m, &line)
        }
        KeyCode::Tab => {
            let line = c.input.lines().join(" ");
            let options = complete(m, &line);
            match options.as_slice() {
                [] => {}
                [one] => c.input = single_line(&replace_last_word(&line, one)),
                many => {
                    let common = common_prefix(many);
                    if common.len() > last_word(&line).len() {
                        c.input = single_line(replace_last_word(&line, &common).trim_end());
                    }
                }
            }
            c.completions = complete(m, &c.input.lines().join(" "));
            m.overlay = Some(Overlay::CommandLine(c));
            Vec::new()
        }
        KeyCode::Up | KeyCode::Down => {
            let n = m.command_history.len();
            if n > 0 {
                let pos = match (c.history_pos, k.code) {
                    (None, KeyCode::Up) => n - 1,
                    (Some(p), KeyCode::Up) => p.saturating_sub(1),
                    (Some(p), _) => (p + 1).min(n - 1),
                    (None, _) => n - 1,
                };
                c.history_pos = Some(pos);
                c.input = single_line(&m.command_history[pos]);
            }
            m.overlay = Some(Overlay::CommandLine(c));
            Vec::new()
        }
        _ => {
            c.input.input(k);
            c.completions = complete(m, &c.input.lines().join(" "));
            m.overlay = Some(Overlay::CommandLine(c));
            Vec::new()
        }
    }
}

/// Run one `:` line.
pub fn execute(m: &mut Model, line: &str) -> Vec<Outcome> {
    let Some(words) = shlex::split(line) else {
        m.say(Level::Error, "unbalanced quotes");
        return Vec::new();
    };
    let Some(first) = words.first() else {
        return Vec::new();
    };
    match first.as_str() {
        "q" | "quit" => {
            m.quit = true;
            return Vec::new();
        }
        "help" => {
            m.overlay = Some(Overlay::Help { scroll: 0 });
            return Vec::new();
        }
        "clear" => return vec![Outcome::send(Request::SetFilter(TimelineFilter::All))],
        "filter" => {
            return vec![Outcome::send(Request::SetFilter(TimelineFilter::parse(
                &words[1..].join(" "),
            )))];
        }
        "incident" => {
            let prefix = words.get(1).map(String::as_str).unwrap_or("");
            let hits: Vec<_> = m
                .incidents
                .iter()
                .filter(|i| i.id.matches_prefix(prefix))
                .collect();
            return match hits.as_slice() {
                [one] => vec![Outcome::send(Request::Select(one.id))],
                [] => {
                    m.say(Level::Error, format!("no incident matches `{prefix}`"));
                    Vec::new()
                }
                _ => {
                    m.say(
                        Level::Error,
                        format!("`{prefix}` matches several incidents"),
                    );
                    Vec::new()
                }
            };
        }
        _ => {}
    }
    let parsed = match VerbLine::try_parse_from(&words) {
        Ok(p) => p,
        Err(e) => {
            // clap's first line says what is wrong; the rest is usage we show in help.
            let msg = e.to_string();
            let first = msg
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("not understood")
                .trim_start_matches("error: ")
                .to_string();
            m.say(Level::Error, first);
            return Vec::new();
        }
    };
    let at = match parsed
        .at
        .as_deref()
        .map(|s| crate::services::when::parse_when(s, m.now))
    {
        Some(Err(e)) => {
            m.say(Level::Error, e);
            return Vec::new();
        }
        Some(Ok(t)) => Some(t),
        None => None,
    };
    let intent = match parsed.verb {
        Verb::Highlight { event } => match m
            .timeline
            .rows
            .iter()
            .filter(|r| r.id.matches_prefix(&event))
            .collect::<Vec<_>>()
            .as_slice()
        {
            [one] => crate::services::intent::Intent::Highlight(one.id),
            _ => {
                m.say(
                    Level::Error,
                    format!("no single timeline entry matches `{event}`"),
                );
                return Vec::new();
            }
        },
        Verb::Declare {
            title,
            severity,
            summary,
            security,
        } => {
            let token = m.token();
            let intent = crate::services::intent::Intent::Declare {
                title,
                severity,
                summary,
                security,
                playbook: String::new(),
            };
            return vec![Outcome::send(Request::Act {
                token,
                incident: None,
                intent,
                at,
            })];
        }
        other => other
            .into_intent_at(at.unwrap_or(m.now))
            .expect("only highlight needs resolving"),
    };
    vec![Outcome::Act { intent, at }]
}

fn last_word(line: &str) -> &str {
    if line.ends_with(' ') {
        ""
    } else {
        line.rsplit(' ').next().unwrap_or("")
    }
}

fn replace_last_word(line: &str, with: &str) -> String {
    let keep = &line[..line.len() - last_word(line).len()];
    format!("{keep}{with} ")
}

fn common_prefix(options: &[String]) -> String {
    let first = &options[0];
    let mut n = first.len();
    for o in &options[1..] {
        n = n.min(
            first
                .chars()
                .zip(o.chars())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first.chars().take(n).collect()
}

/// What can stand in place of the word being typed.
pub fn complete(m: &Model, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let typing = last_word(line);
    let done: Vec<&str> = if typing.is_empty() {
        words.clone()
    } else {
        // `typing` may be whitespace `split_whitespace` dropped ("\r").
        words[..words.len().saturating_sub(1)].to_vec()
    };
    let c = m.current.as_ref();
    // Issue 12: the seeds' names as one word (`technical-lead`), not the
    // internal keys; `Playbook::role` accepts both.
    let roles = || {
        c.map(|c| {
            c.playbook
                .roles
                .iter()
                .map(|r| {
                    r.name
                        .split(|ch: char| !ch.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                        .join("-")
                        .to_lowercase()
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let people = || {
        let mut p: Vec<String> = c
            .map(|c| c.incident.roster.iter().map(|h| h.person.clone()).collect())
            .unwrap_or_default();
        p.push(m.author.clone());
        p.extend(m.people.iter().cloned());
        p.sort();
        p.dedup();
        p
    };
    let candidates: Vec<String> = match done.as_slice() {
        [] => {
            let mut v: Vec<String> = VerbLine::command()
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            v.extend(SCREEN_WORDS.iter().map(|s| s.to_string()));
            v
        }
        [verb] if ["role", "action", "close", "outage"].contains(verb) => VerbLine::command()
            .find_subcommand(verb)
            .map(|s| {
                s.get_subcommands()
                    .map(|x| x.get_name().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        ["role", _] => roles(),
        ["role", "handoff", _] | ["role", _, _] => people(),
        ["state"] => c
            .map(|c| c.playbook.states.iter().map(|s| s.key.clone()).collect())
            .unwrap_or_default(),
        ["severity"] | ["near-miss"] => c
            .map(|c| {
                c.playbook
                    .severities
                    .iter()
                    .map(|s| s.name.clone())
                    .collect()
            })
            .unwrap_or_default(),
        ["status"] => c
            .map(|c| {
                c.playbook
                    .service_statuses
                    .iter()
                    .map(|s| s.key.clone())
                    .collect()
            })
            .unwrap_or_default(),
        ["link"] => c.map(|c| c.playbook.link_kinds.clone()).unwrap_or_default(),
        ["action", step] if *step != "propose" => c
            .map(|c| {
                c.incident
                    .actions
                    .iter()
                    .map(|a| a.number.to_string())
                    .collect()
            })
            .unwrap_or_default(),
        [.., "--tag"] | [.., "-t"] => c
            .map(|c| c.playbook.tags.iter().map(|t| t.key.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|s| s.starts_with(typing))
        .collect()
}
