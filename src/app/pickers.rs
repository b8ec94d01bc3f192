//! Issue 12, the IC's hands: who holds a role, picked from the roster with
//! fuzzy filtering, and the state / service status / severity by key. Each
//! key handler returns what should happen (`Outcome`s); `update` runs them.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialogs;
use super::effect::Outcome;
use super::model::{
    Choice, ChoiceKind, Level, Model, Overlay, Prompt, PromptPurpose, RolePicker, single_line,
};
use crate::domain::playbook::Phase;
use crate::services::intent::Intent;

/// One person the role picker offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub person: String,
    /// Where they come from: "you", "in the incident", "people" (the
    /// config), "new" (typed).
    pub source: &'static str,
    /// They hold the role now; `engaged`: and said so.
    pub holds: bool,
    pub engaged: bool,
}

/// One option of the state / service status / severity picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    pub key: String,
    pub label: String,
    pub description: String,
}

/// Enter on the roster: pick who holds the selected role.
pub fn open_role_picker(m: &mut Model, release: bool) {
    let Some(role) = selected_role(m) else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return;
    };
    m.overlay = Some(Overlay::RolePicker(RolePicker {
        role,
        input: single_line(""),
        selected: 0,
        release,
    }));
}

/// The playbook key of the role selected in the roster.
pub fn selected_role(m: &Model) -> Option<String> {
    let c = m.current.as_ref()?;
    let roles = &c.playbook.roles;
    roles
        .get(m.roster_selected.min(roles.len().saturating_sub(1)))
        .map(|r| r.key.clone())
}

/// Release the selected role: its one holder, or you if you hold it; with
/// several other holders, the picker asks whom.
pub fn release_role(m: &mut Model) -> Vec<Outcome> {
    let (Some(role), Some(c)) = (selected_role(m), m.current.as_ref()) else {
        return Vec::new();
    };
    let name = role_name(m, &role);
    let holders: Vec<String> = c
        .incident
        .holders(&role)
        .map(|h| h.person.clone())
        .collect();
    let person = match holders.as_slice() {
        [] => {
            m.say(Level::Info, format!("nobody holds {name}"));
            return Vec::new();
        }
        [one] => one.clone(),
        many if many.contains(&m.author) => m.author.clone(),
        _ => {
            open_role_picker(m, true);
            return Vec::new();
        }
    };
    vec![Outcome::act(Intent::RoleRelease { role, person })]
}

/// The role's name as the seed says it (`Technical Lead`, not `tech_lead`).
pub fn role_name(m: &Model, key: &str) -> String {
    m.current
        .as_ref()
        .and_then(|c| c.playbook.role(key))
        .map(|r| r.name.clone())
        .unwrap_or_else(|| key.to_string())
}

/// Who the picker offers for `role`, filtered by `typed`, best match first:
/// you, then people already in the incident, then the config's `people`,
/// then what was typed when it names nobody known.
pub fn candidates(m: &Model, role: &str, typed: &str, release: bool) -> Vec<Candidate> {
    let Some(c) = m.current.as_ref() else {
        return Vec::new();
    };
    let inc = &c.incident;
    let mut all: Vec<Candidate> = Vec::new();
    let mut add = |person: &str, source: &'static str| {
        let person = person.trim();
        if person.is_empty() || all.iter().any(|x| x.person == person) {
            return;
        }
        let holding = inc.holders(role).find(|h| h.person == person);
        all.push(Candidate {
            person: person.to_string(),
            source,
            holds: holding.is_some(),
            engaged: holding.is_some_and(|h| h.engaged_at.is_some()),
        });
    };
    if release {
        for h in inc.holders(role) {
            add(&h.person, "in the incident");
        }
    } else {
        add(&m.author, "you");
        for h in inc.roster.iter().rev() {
            add(&h.person, "in the incident");
        }
        for h in &inc.handoffs {
            add(&h.to, "in the incident");
        }
        for p in &m.people {
            add(p, "people");
        }
    }
    let typed = typed.trim();
    let mut scored: Vec<(u32, usize, Candidate)> = all
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| fuzzy(&c.person, typed).map(|s| (s, i, c)))
        .collect();
    scored.sort_by_key(|(s, i, _)| (*s, *i));
    let mut out: Vec<Candidate> = scored.into_iter().map(|(_, _, c)| c).collect();
    let known = out.iter().any(|c| c.person.eq_ignore_ascii_case(typed));
    if !release && !typed.is_empty() && !known {
        out.push(Candidate {
            person: crate::domain::sanitize::clean_line(typed),
            source: "new",
            holds: false,
            engaged: false,
        });
    }
    out
}

/// Case-insensitive fuzzy match: `None` when `needle` is not a subsequence
/// of `hay`; lower is better (prefix, then substring, then scattered).
pub fn fuzzy(hay: &str, needle: &str) -> Option<u32> {
    if needle.is_empty() {
        return Some(0);
    }
    let (h, n) = (hay.to_lowercase(), needle.to_lowercase());
    if h.starts_with(&n) {
        return Some(0);
    }
    if h.contains(&n) {
        return Some(1);
    }
    let mut gaps = 0u32;
    let mut it = h.chars();
    for want in n.chars() {
        loop {
            match it.next() {
                Some(c) if c == want => break,
                Some(_) => gaps += 1,
                None => return None,
            }
        }
    }
    Some(2 + gaps)
}

pub(super) fn role_picker_key(m: &mut Model, mut p: RolePicker, k: KeyEvent) -> Vec<Outcome> {
    let typed = p.input.lines().join(" ");
    let list = candidates(m, &p.role, &typed, p.release);
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => {
            p.selected = (p.selected + 1).min(list.len().saturating_sub(1))
        }
        KeyCode::Enter => match list.get(p.selected.min(list.len().saturating_sub(1))) {
            Some(c) => return pick_person(m, p, c.clone()),
            None => m.say(Level::Info, "type a name"),
        },
        _ => {
            p.input.input(k);
            p.selected = 0;
        }
    }
    m.overlay = Some(Overlay::RolePicker(p));
    Vec::new()
}

/// What Enter on a person means: you engage (assigning yourself is taking
/// the role); someone else is assigned and shows as paged until they engage;
/// a single role someone else holds changes hands by a handoff.
fn pick_person(m: &mut Model, p: RolePicker, c: Candidate) -> Vec<Outcome> {
    let role = p.role.clone();
    let name = role_name(m, &role);
    let person = c.person;
    if p.release {
        return vec![Outcome::act(Intent::RoleRelease { role, person })];
    }
    let me = person == m.author;
    if c.holds && (c.engaged || !me) {
        m.say(
            Level::Info,
            format!("{person} already holds {name} (x releases, H hands it off)"),
        );
        return Vec::new();
    }
    let Some(cur) = m.current.as_ref() else {
        return Vec::new();
    };
    let single = cur.playbook.role(&role).is_some_and(|r| r.single);
    let held_by_other = cur.incident.holders(&role).any(|h| h.person != person);
    if single && held_by_other {
        // 000 / 004: a single role passes by a handoff with its briefing.
        dialogs::open_handoff_to(m, &role, &person);
        return Vec::new();
    }
    if me {
        vec![Outcome::act(Intent::RoleEngage { role, person })]
    } else {
        vec![Outcome::act(Intent::RoleAssign { role, person })]
    }
}

/// `u`, `U`, `!` (or a click on the header item): the picker for `kind`.
pub fn open_choice(m: &mut Model, kind: ChoiceKind) {
    if m.current.is_none() {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return;
    }
    if options(m, kind).is_empty() {
        let what = match kind {
            ChoiceKind::State => "no state follows this one here; closing is X",
            ChoiceKind::ServiceStatus => "this playbook has no other service status",
            ChoiceKind::Severity => "this playbook has no other severity",
        };
        m.say(Level::Info, what);
        return;
    }
    m.overlay = Some(Overlay::Choice(Choice { kind, selected: 0 }));
}

/// What the picker offers: the playbook's allowed next states (closing goes
/// through the close flow, 000), the other service statuses, the other
/// severities with their descriptions.
pub fn options(m: &Model, kind: ChoiceKind) -> Vec<ChoiceOption> {
    let Some(c) = m.current.as_ref() else {
        return Vec::new();
    };
    let (inc, pb) = (&c.incident, &c.playbook);
    match kind {
        ChoiceKind::State => pb
            .state(&inc.state)
            .map(|s| s.next.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|k| pb.state(k))
            .filter(|s| s.phase != Phase::Closed)
            .map(|s| ChoiceOption {
                key: s.key.clone(),
                label: s.label.clone(),
                description: s.description.clone(),
            })
            .collect(),
        ChoiceKind::ServiceStatus => pb
            .service_statuses
            .iter()
            .filter(|s| inc.service_status.as_deref() != Some(s.key.as_str()))
            .map(|s| ChoiceOption {
                key: s.key.clone(),
                label: s.label.clone(),
                description: s.description.clone(),
            })
            .collect(),
        ChoiceKind::Severity => pb
            .severities
            .iter()
            .filter(|s| s.name != inc.severity)
            .map(|s| ChoiceOption {
                key: s.name.clone(),
                label: s.name.clone(),
                description: s.description.clone(),
            })
            .collect(),
    }
}

/// Whether the playbook wants a reason for this change.
fn needs_reason(m: &Model, kind: ChoiceKind) -> bool {
    kind == ChoiceKind::Severity
        && m.current
            .as_ref()
            .is_some_and(|c| c.playbook.rules.severity_reason)
}

/// j/k or arrows move, 1-9 pick directly, Tab switches between state,
/// service status and severity, Enter sets (asking a reason where the
/// playbook requires one), Esc cancels.
pub(super) fn choice_key(m: &mut Model, mut c: Choice, k: KeyEvent) -> Vec<Outcome> {
    let list = options(m, c.kind);
    let pick = match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Up | KeyCode::Char('k') => {
            c.selected = c.selected.saturating_sub(1);
            None
        }
        KeyCode::Down | KeyCode::Char('j') => {
            c.selected = (c.selected + 1).min(list.len().saturating_sub(1));
            None
        }
        KeyCode::Tab | KeyCode::Right | KeyCode::BackTab | KeyCode::Left => {
            let order = [
                ChoiceKind::State,
                ChoiceKind::ServiceStatus,
                ChoiceKind::Severity,
            ];
            let i = order.iter().position(|x| *x == c.kind).unwrap_or(0);
            let back = matches!(k.code, KeyCode::BackTab | KeyCode::Left);
            c.kind = order[if back { (i + 2) % 3 } else { (i + 1) % 3 }];
            c.selected = 0;
            None
        }
        KeyCode::Char(d @ '1'..='9') => list.get(d as usize - '1' as usize).cloned(),
        KeyCode::Enter => list.get(c.selected).cloned(),
        _ => None,
    };
    let Some(option) = pick else {
        m.overlay = Some(Overlay::Choice(c));
        return Vec::new();
    };
    if needs_reason(m, c.kind) {
        m.overlay = Some(Overlay::Prompt(Prompt {
            title: format!("{} → {}: why?", kind_name(c.kind), option.label),
            hint: "the playbook asks for a reason (Enter sets it, Esc cancels)".into(),
            purpose: PromptPurpose::Change(c.kind, option.key),
            input: single_line(""),
        }));
        return Vec::new();
    }
    vec![Outcome::act(c.kind.intent(option.key, String::new()))]
}

pub fn kind_name(kind: ChoiceKind) -> &'static str {
    match kind {
        ChoiceKind::State => "State",
        ChoiceKind::ServiceStatus => "Service status",
        ChoiceKind::Severity => "Severity",
    }
}
