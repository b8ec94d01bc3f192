//! Checking a parsed playbook, and pointing at the mistake: every fault names
//! its key path (`checklist[2].step[3].action`) and the line it is on, found
//! from the TOML parser's spans rather than by scanning text.

use std::collections::HashSet;

use toml::de::{DeTable, DeValue};

use super::checklist::StepAction;
use super::{BRIEFING_TAG_FIELDS, Phase, Playbook, PlaybookError, phase_name};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A mistake found after parsing, before it has a file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub path: Vec<Seg>,
    pub message: String,
}

impl Fault {
    fn at(path: Vec<Seg>, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
        }
    }

    /// The key path as people write it: `role[2].combines_with`.
    pub fn key(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    pub fn locate(self, file: &str, text: &str) -> PlaybookError {
        PlaybookError {
            file: file.into(),
            line: line_of(text, &self.path),
            key: self.key(),
            message: self.message,
        }
    }
}

/// The line of the deepest part of `path` present in `text` (a missing key
/// points at the table that should hold it).
pub fn line_of(text: &str, path: &[Seg]) -> Option<usize> {
    let doc = DeTable::parse(text).ok()?;
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut best: Option<usize> = None;
    let mut here: Option<&toml::Spanned<DeValue<'_>>> = None;
    for seg in path {
        let next = match (here, seg) {
            (None, Seg::Key(k)) => doc.get_ref().get(k.as_str()),
            (Some(v), Seg::Key(k)) => v.get_ref().as_table().and_then(|t| t.get(k.as_str())),
            (Some(v), Seg::Index(i)) => v.get_ref().as_array().and_then(|a| a.get(*i)),
            (None, Seg::Index(_)) => None,
        };
        match next {
            Some(v) => {
                best = Some(line(v.span().start));
                here = Some(v);
            }
            None => break,
        }
    }
    best
}

fn k(s: &str) -> Seg {
    Seg::Key(s.to_string())
}

fn path(parts: &[Seg]) -> Vec<Seg> {
    parts.to_vec()
}

/// The first key that appears twice (ignoring case), with its index.
fn duplicate<'a>(keys: impl Iterator<Item = &'a str>) -> Option<(usize, &'a str)> {
    let mut seen = HashSet::new();
    keys.enumerate()
        .find(|(_, key)| !seen.insert(key.to_ascii_lowercase()))
}

impl Playbook {
    /// Every rule a playbook must follow, beyond its TOML shape.
    pub fn validate(&self) -> Result<(), Fault> {
        self.validate_keys()?;
        self.validate_roles()?;
        self.validate_states()?;
        self.validate_checklists()?;
        self.validate_processes()?;
        Ok(())
    }

    fn validate_keys(&self) -> Result<(), Fault> {
        let twice = |table: &str, field: &str, (i, d): (usize, &str)| {
            Fault::at(
                path(&[k(table), Seg::Index(i), k(field)]),
                format!("`{d}` is defined twice"),
            )
        };
        let tables: [(&str, &str, Vec<&str>); 5] = [
            (
                "severity",
                "name",
                self.severities.iter().map(|s| s.name.as_str()).collect(),
            ),
            (
                "role",
                "key",
                self.roles.iter().map(|r| r.key.as_str()).collect(),
            ),
            (
                "state",
                "key",
                self.states.iter().map(|s| s.key.as_str()).collect(),
            ),
            (
                "service_status",
                "key",
                self.service_statuses
                    .iter()
                    .map(|s| s.key.as_str())
                    .collect(),
            ),
            (
                "tag",
                "key",
                self.tags.iter().map(|t| t.key.as_str()).collect(),
            ),
        ];
        for (table, field, keys) in &tables {
            if let Some(d) = duplicate(keys.iter().copied()) {
                return Err(twice(table, field, d));
            }
        }
        if self.severities.is_empty() {
            return Err(Fault::at(
                path(&[k("severity")]),
                "a playbook needs at least one severity",
            ));
        }
        for (i, s) in self.severities.iter().enumerate() {
            if !["critical", "error", "warning", "info"].contains(&s.paging.as_str()) {
                return Err(Fault::at(
                    path(&[k("severity"), Seg::Index(i), k("paging")]),
                    format!(
                        "`{}` is not one of critical, error, warning, info",
                        s.paging
                    ),
                ));
            }
        }
        if self.service_statuses.is_empty() {
            return Err(Fault::at(
                path(&[k("service_status")]),
                "a playbook needs at least one service status",
            ));
        }
        if !self.tags.iter().any(|t| t.key == self.default_tag) {
            return Err(Fault::at(
                path(&[k("default_tag")]),
                format!("no tag `{}`", self.default_tag),
            ));
        }
        for (i, t) in self.tags.iter().enumerate() {
            if let Some(b) = &t.briefing
                && !BRIEFING_TAG_FIELDS.contains(&b.as_str())
            {
                return Err(Fault::at(
                    path(&[k("tag"), Seg::Index(i), k("briefing")]),
                    format!(
                        "`{b}` is not a briefing field; valid: {}",
                        BRIEFING_TAG_FIELDS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn role_ref(&self, at: Vec<Seg>, key: &str) -> Result<(), Fault> {
        if self.roles.iter().any(|r| r.key == key) {
            Ok(())
        } else {
            Err(Fault::at(at, format!("no role `{key}`")))
        }
    }

    fn validate_roles(&self) -> Result<(), Fault> {
        let commanders = self.roles.iter().filter(|r| r.commands).count();
        if commanders != 1 {
            return Err(Fault::at(
                path(&[k("role")]),
                format!("exactly one role needs `commands = true`; found {commanders}"),
            ));
        }
        let owners: Vec<usize> = (0..self.roles.len())
            .filter(|&i| self.roles[i].owns)
            .collect();
        if owners.len() > 1 {
            return Err(Fault::at(
                path(&[k("role"), Seg::Index(owners[1]), k("owns")]),
                "only one role may own the incident (003: \"There is only ever one owner\")",
            ));
        }
        for (i, r) in self.roles.iter().enumerate() {
            let at = |field: &str| path(&[k("role"), Seg::Index(i), k(field)]);
            for other in &r.combines_with {
                self.role_ref(at("combines_with"), other)?;
            }
            if let Some(f) = &r.folds_into {
                self.role_ref(at("folds_into"), f)?;
                if f == &r.key {
                    return Err(Fault::at(
                        at("folds_into"),
                        "a role cannot fold into itself",
                    ));
                }
            }
            // One holder at a time, or "the owner" and "the handoff" mean nothing.
            for (flag, on) in [
                ("owns", r.owns),
                ("lifecycle", r.lifecycle),
                ("confirm_handoff", r.confirm_handoff),
            ] {
                if on && !r.single {
                    return Err(Fault::at(
                        at(flag),
                        format!("`{flag} = true` needs `single = true`: one holder at a time"),
                    ));
                }
            }
            if r.changed_by_commander && r.commands {
                return Err(Fault::at(
                    at("changed_by_commander"),
                    "the role in command cannot be changed only by itself; use confirm_handoff",
                ));
            }
        }
        for (i, key) in self.ownership.cascade.iter().enumerate() {
            let at = path(&[k("ownership"), k("cascade"), Seg::Index(i)]);
            self.role_ref(at.clone(), key)?;
            if self.role(key).is_some_and(|r| !r.single) {
                return Err(Fault::at(
                    at,
                    format!("`{key}` is in the ownership cascade, so it needs `single = true`"),
                ));
            }
        }
        if let Some(d) = duplicate(self.ownership.cascade.iter().map(String::as_str)) {
            return Err(Fault::at(
                path(&[k("ownership"), k("cascade"), Seg::Index(d.0)]),
                format!("`{}` is in the cascade twice", d.1),
            ));
        }
        for (i, key) in self.ownership.close_by.iter().enumerate() {
            if key != "owner" {
                let at = path(&[k("ownership"), k("close_by"), Seg::Index(i)]);
                self.role_ref(at, key)?;
            }
        }
        for (field, key) in [
            ("acknowledged_by", &self.ownership.acknowledged_by),
            ("escalates_to", &self.ownership.escalates_to),
        ] {
            if let Some(key) = key {
                self.role_ref(path(&[k("ownership"), k(field)]), key)?;
            }
        }
        if let Some(r) = &self.retrospective.facilitator_role {
            self.role_ref(path(&[k("retrospective"), k("facilitator_role")]), r)?;
        }
        Ok(())
    }

    fn validate_states(&self) -> Result<(), Fault> {
        match self.states.first() {
            Some(s) if s.phase == Phase::Active => {}
            _ => {
                return Err(Fault::at(
                    path(&[k("state")]),
                    "the first state must be an active one (where a new incident starts)",
                ));
            }
        }
        for phase in [Phase::Resolved, Phase::Closed] {
            let n = self.states.iter().filter(|s| s.phase == phase).count();
            if n != 1 {
                return Err(Fault::at(
                    path(&[k("state")]),
                    format!(
                        "exactly one state needs `phase = \"{}\"`; found {n}",
                        phase_name(phase)
                    ),
                ));
            }
        }
        for (i, s) in self.states.iter().enumerate() {
            let at = |field: &str| path(&[k("state"), Seg::Index(i), k(field)]);
            if let Some(bad) = s.next.iter().find(|n| self.state(n).is_none()) {
                return Err(Fault::at(at("next"), format!("no state `{bad}`")));
            }
            if let Some(st) = &s.service_status
                && self.service_status(st).is_none()
            {
                return Err(Fault::at(
                    at("service_status"),
                    format!("no service status `{st}`"),
                ));
            }
        }
        for (i, s) in self.service_statuses.iter().enumerate() {
            for r in &s.requires_engaged {
                self.role_ref(
                    path(&[k("service_status"), Seg::Index(i), k("requires_engaged")]),
                    r,
                )?;
            }
        }
        Ok(())
    }

    fn validate_checklists(&self) -> Result<(), Fault> {
        if let Some((i, d)) = duplicate(self.checklists.iter().map(|c| c.key.as_str())) {
            return Err(Fault::at(
                path(&[k("checklist"), Seg::Index(i), k("key")]),
                format!("`{d}` is defined twice"),
            ));
        }
        for (ci, c) in self.checklists.iter().enumerate() {
            if c.steps.is_empty() {
                return Err(Fault::at(
                    path(&[k("checklist"), Seg::Index(ci)]),
                    "a checklist needs at least one [[checklist.step]]",
                ));
            }
            if let Some((si, d)) = duplicate(c.steps.iter().map(|s| s.key.as_str())) {
                return Err(Fault::at(
                    path(&[
                        k("checklist"),
                        Seg::Index(ci),
                        k("step"),
                        Seg::Index(si),
                        k("key"),
                    ]),
                    format!("step `{d}` is defined twice in checklist `{}`", c.key),
                ));
            }
            for (si, s) in c.steps.iter().enumerate() {
                let at = |field: &str| {
                    path(&[
                        k("checklist"),
                        Seg::Index(ci),
                        k("step"),
                        Seg::Index(si),
                        k(field),
                    ])
                };
                if s.key.parse::<usize>().is_ok() {
                    return Err(Fault::at(
                        at("key"),
                        "a step key cannot be a number (numbers pick steps by position)",
                    ));
                }
                if let Some(r) = &s.role {
                    self.role_ref(at("role"), r)?;
                }
                if let Some(l) = &s.link
                    && !self.link_kinds.iter().any(|x| x == l)
                {
                    return Err(Fault::at(
                        at("link"),
                        format!("no link kind `{l}`; valid: {}", self.link_kinds.join(", ")),
                    ));
                }
                if let Some(t) = &s.template
                    && !self.templates.contains_key(t)
                {
                    return Err(Fault::at(at("template"), format!("no template `{t}`")));
                }
                if let Some(sev) = s.severities.iter().find(|v| self.severity(v).is_none()) {
                    return Err(Fault::at(
                        at("severities"),
                        format!("no severity `{sev}`; valid: {}", self.severity_names()),
                    ));
                }
                match s.action {
                    Some(a) if a.needs_role() && s.role.is_none() => {
                        return Err(Fault::at(
                            at("action"),
                            format!("`{}` needs `role = \"...\"` on the step", a.name()),
                        ));
                    }
                    Some(StepAction::SetLink) if s.link.is_none() => {
                        return Err(Fault::at(
                            at("action"),
                            "`set_link` needs `link = \"...\"` on the step",
                        ));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn validate_processes(&self) -> Result<(), Fault> {
        if let (Some(min), Some(max)) = (self.clocks.checkin_min, self.clocks.checkin_max)
            && min > max
        {
            return Err(Fault::at(
                path(&[k("clocks"), k("checkin_min")]),
                "is longer than checkin_max",
            ));
        }
        for (key, v) in [
            ("out_of_hours_start", &self.clocks.out_of_hours_start),
            ("out_of_hours_end", &self.clocks.out_of_hours_end),
        ] {
            if let Some(v) = v
                && chrono::NaiveTime::parse_from_str(v, "%H:%M").is_err()
            {
                return Err(Fault::at(
                    path(&[k("clocks"), k(key)]),
                    format!("`{v}` is not a time of day like \"18:00\""),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
