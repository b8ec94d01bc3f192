//! A headless driver for the cockpit screen: it builds a `Model`, feeds it
//! messages through `app::update::update` exactly as the runner does, keeps
//! the requests it would have sent to the journal worker, and renders it into
//! a `Buffer`. No terminal, no SQLite, no real clock: every id and every time
//! is fixed, so renders are stable snapshots.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::Arc;
use uuid::Uuid;

use cockpit::app::keymap::{DEFAULT_KEYMAP, Keymap};
use cockpit::app::model::Model;
use cockpit::app::update::{Effect, Msg, update};
use cockpit::config::BUILTIN_PLAYBOOKS;
use cockpit::domain::event::{ActionUpdate, CheckIn, Proposal, Trend};
use cockpit::domain::{Event, EventId, EventKind, Incident, IncidentId, Playbook};
use cockpit::journal::TimelineFilter;
use cockpit::services::describe::describe;
use cockpit::services::worker::{IncidentSummary, Reply, Request, TimelineRow};
use cockpit::ui::theme::Theme;

/// When every story starts: 2026-11-21 10:00:00 UTC.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The screen's "now" in most scenarios: 12 min 34 s after the declaration.
pub fn now() -> DateTime<Utc> {
    t0() + Duration::seconds(12 * 60 + 34)
}

pub fn playbook() -> Arc<Playbook> {
    let (file, text) = BUILTIN_PLAYBOOKS[0];
    Arc::new(Playbook::parse(file, text).expect("the built-in playbook parses"))
}

pub fn default_keymap() -> Keymap {
    Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP).expect("the shipped keymap parses")
}

/// A fixed incident id whose short form is `5dd056c{n}`.
pub fn incident_id(n: u8) -> IncidentId {
    IncidentId(Uuid::parse_str(&format!("5dd056c{n:x}-0000-4000-8000-000000000000")).unwrap())
}

/// An incident told as events with fixed ids, times and sequence numbers.
pub struct Story {
    pub id: IncidentId,
    pub pb: Arc<Playbook>,
    pub events: Vec<Event>,
    /// Sequence numbers start here, so stories in one journal do not collide.
    base: i64,
}

impl Story {
    /// `n` picks the incident id and the range of event ids.
    pub fn declare(n: u8, title: &str, severity: &str, by: &str) -> Self {
        let mut s = Story {
            id: incident_id(n),
            pb: playbook(),
            events: Vec::new(),
            base: n as i64 * 1_000_000,
        };
        s.push(
            0,
            by,
            EventKind::Declared {
                title: title.into(),
                severity: severity.into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        );
        s
    }

    /// Record `kind`, `secs` after the declaration, by `author`; returns its id.
    pub fn push(&mut self, secs: i64, author: &str, kind: EventKind) -> EventId {
        let seq = self.base + self.events.len() as i64 + 1;
        let at = t0() + Duration::seconds(secs);
        let e = Event {
            // The sequence number shows in the short id: `e0f4241c` is seq 1000001.
            id: EventId(
                Uuid::parse_str(&format!("e{seq:07x}-0000-4000-8000-000000000000")).unwrap(),
            ),
            incident: self.id,
            at,
            recorded_at: at,
            author: author.into(),
            kind,
            seq: Some(seq),
        };
        let id = e.id;
        self.events.push(e);
        id
    }

    /// Like `push`, but backdated: happened at `secs`, written after everything else.
    pub fn push_backdated(&mut self, secs: i64, author: &str, kind: EventKind) -> EventId {
        let id = self.push(secs, author, kind);
        let last = self.events.last_mut().unwrap();
        last.recorded_at = now();
        id
    }

    pub fn note(&mut self, secs: i64, author: &str, tag: &str, text: &str) -> EventId {
        self.push(
            secs,
            author,
            EventKind::Note {
                text: text.into(),
                tag: tag.into(),
                private: false,
            },
        )
    }

    pub fn assign(&mut self, secs: i64, role: &str, person: &str) {
        self.push(
            secs,
            "ann",
            EventKind::RoleAssigned {
                role: role.into(),
                person: person.into(),
            },
        );
    }

    pub fn engage(&mut self, secs: i64, role: &str, person: &str) {
        self.push(
            secs,
            person,
            EventKind::RoleEngaged {
                role: role.into(),
                person: person.into(),
            },
        );
    }

    pub fn propose(&mut self, secs: i64, by: &str, what: &str, risk: &str) -> EventId {
        self.push(
            secs,
            by,
            EventKind::ActionProposed(Proposal {
                what: what.into(),
                why: String::new(),
                risk: risk.into(),
                revert: String::new(),
            }),
        )
    }

    /// Move action `id` on: `step` is one of the `Action*` kinds' makers.
    pub fn step(
        &mut self,
        secs: i64,
        by: &str,
        id: EventId,
        make: fn(ActionUpdate) -> EventKind,
        reason: &str,
    ) {
        self.push(
            secs,
            by,
            make(ActionUpdate {
                action: id,
                reason: reason.into(),
            }),
        );
    }

    pub fn checkin(&mut self, secs: i64, by: &str, status: &str, next: &str, trend: Trend) {
        self.push(
            secs,
            by,
            EventKind::CheckInHeld(CheckIn {
                status: status.into(),
                trend: Some(trend),
                reviews: Vec::new(),
                next: next.into(),
            }),
        );
    }

    /// The fold, in journal order; a story the rules refuse is a broken fixture.
    pub fn incident(&self) -> Incident {
        let inc = Incident::replay(self.id, &self.events, &self.pb);
        assert!(inc.refused.is_empty(), "fixture refused: {:?}", inc.refused);
        inc
    }

    /// Timeline rows as the worker sends them: by when it happened, then journal order.
    pub fn rows(&self) -> Vec<TimelineRow> {
        let inc = self.incident();
        let mut rows: Vec<TimelineRow> =
            self.events.iter().map(|e| row(e, &inc, &self.pb)).collect();
        rows.sort_by_key(|r| r.key());
        rows
    }

    pub fn summary(&self) -> IncidentSummary {
        let inc = self.incident();
        IncidentSummary {
            id: inc.id,
            title: inc.title.clone(),
            severity: inc.severity.clone(),
            state: inc.state.clone(),
            open: inc.is_open(&self.pb),
            declared_at: inc.declared_at,
        }
    }

    pub fn current(&self) -> Reply {
        Reply::Current {
            incident: Arc::new(self.incident()),
            playbook: self.pb.clone(),
        }
    }
}

/// One timeline row as the worker builds it.
pub fn row(e: &Event, inc: &Incident, pb: &Playbook) -> TimelineRow {
    let line = describe(e, inc);
    TimelineRow {
        seq: e.seq.unwrap(),
        id: e.id,
        at: e.at,
        author: e.author.clone(),
        label: line.label,
        text: line.text,
        private: matches!(e.kind, EventKind::Note { private: true, .. }),
        tag_highlight: inc.highlighted_by_tag(e, pb),
    }
}

/// A model driven only through `update`, as the runner drives it.
pub struct Screen {
    pub m: Model,
    /// Requests `update` asked to send to the journal worker, oldest first.
    pub sent: Vec<Request>,
    pub bells: usize,
    /// Desktop notifications asked for (clocks that came due).
    pub notices: Vec<cockpit::notify::Notice>,
    /// Drafts `update` asked the runner to keep (issue 12), oldest first.
    pub drafts: Vec<(String, cockpit::services::drafts::Draft)>,
    /// Text `update` asked to copy with OSC 52 (issue 12).
    pub copied: Vec<String>,
}

impl Screen {
    /// A fresh screen at `now()`, with UTC times (the local zone would make
    /// snapshots depend on the machine).
    pub fn new() -> Self {
        Self::with_keymap(default_keymap())
    }

    pub fn with_keymap(keymap: Keymap) -> Self {
        let mut m = Model::new(keymap, "ann".into(), "/journal.db".into(), t0());
        m.utc = true;
        // As the runner does: new incidents are declared under the default playbook.
        m.declare_playbook = Some(std::sync::Arc::new(
            cockpit::domain::Playbook::parse(
                "default.toml",
                cockpit::config::BUILTIN_PLAYBOOKS[0].1,
            )
            .unwrap(),
        ));
        let mut s = Screen {
            m,
            sent: Vec::new(),
            bells: 0,
            notices: Vec::new(),
            drafts: Vec::new(),
            copied: Vec::new(),
        };
        s.feed(Msg::Tick(now()));
        s
    }

    pub fn feed(&mut self, msg: Msg) -> usize {
        let effects = update(&mut self.m, msg);
        let n = effects.len();
        for e in effects {
            match e {
                Effect::Send(r) => self.sent.push(r),
                Effect::Bell => self.bells += 1,
                Effect::Notify(n) => self.notices.push(n),
                Effect::SyncNow => {}
                Effect::SaveDraft { key, draft } => self.drafts.push((key, draft)),
                Effect::Copy(text) => self.copied.push(text),
            }
        }
        n
    }

    pub fn reply(&mut self, r: Reply) {
        self.feed(Msg::Worker(r));
    }

    pub fn tick(&mut self, at: DateTime<Utc>) {
        self.feed(Msg::Tick(at));
    }

    /// What the worker sends on start when `current` is the incident picked:
    /// the list, the incident, the newest page of its timeline.
    pub fn open(&mut self, all: &[&Story], current: &Story) {
        self.reply(Reply::Incidents(all.iter().map(|s| s.summary()).collect()));
        self.sent.clear();
        self.reply(current.current());
        let rows = current.rows();
        self.reply(Reply::TimelineReset {
            incident: current.id,
            filter: TimelineFilter::All,
            total: rows.len(),
            rows,
            more_before: false,
        });
    }

    pub fn open_one(&mut self, story: &Story) {
        self.open(&[story], story);
    }

    /// Press one key, named as in keymap files: "a", "G", "esc", "enter",
    /// "ctrl-c", "alt-enter", "tab", "backtab", "up", "space", "backspace".
    pub fn key(&mut self, name: &str) -> &mut Self {
        self.feed(Msg::Key(key_event(name)));
        self
    }

    pub fn keys(&mut self, names: &[&str]) -> &mut Self {
        for k in names {
            self.key(k);
        }
        self
    }

    /// Type text character by character.
    pub fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.feed(Msg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
        self
    }

    pub fn take_sent(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.sent)
    }

    pub fn render_with(&self, w: u16, h: u16, theme: Theme) -> Buffer {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        cockpit::ui::render(area, &mut buf, &self.m, theme);
        buf
    }

    pub fn render(&self, w: u16, h: u16) -> Buffer {
        self.render_with(w, h, Theme { color: true })
    }

    /// The screen's text, one line per row, without styles.
    pub fn text(&self, w: u16, h: u16) -> String {
        text_of(&self.render(w, h))
    }

    pub fn editor_text(&self) -> String {
        self.m.editor.lines().join("\n")
    }
}

impl Default for Screen {
    fn default() -> Self {
        Self::new()
    }
}

pub fn text_of(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

pub fn key_event(name: &str) -> KeyEvent {
    let mut mods = KeyModifiers::NONE;
    let mut rest = name;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap()),
        other => panic!("unknown key name {other}"),
    };
    KeyEvent {
        code,
        modifiers: mods,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

/// The SEV1 most scenarios show: roles held and empty, actions in every
/// state of the queue, a check-in, notes, a highlight and an outage marker.
pub fn checkout_outage() -> Story {
    let mut s = Story::declare(1, "Checkout API returning 502s", "SEV1", "ann");
    s.assign(20, "ic", "ann");
    s.engage(25, "ic", "ann");
    s.assign(40, "tech_lead", "carol");
    s.assign(45, "investigator", "dave");
    s.engage(50, "investigator", "dave");
    s.push(
        60,
        "ann",
        EventKind::ServiceStatusChanged {
            status: "partial_disruption".into(),
            reason: String::new(),
        },
    );
    s.push_backdated(-300, "dave", EventKind::OutageStarted {});
    let noticed = s.note(
        70,
        "dave",
        "noticed",
        "502s from checkout since the 09:55 deploy",
    );
    s.push(80, "ann", EventKind::Highlighted { event: noticed });
    let rollback = s.propose(90, "carol", "roll back deploy 4512", "config drift");
    let scale = s.propose(100, "dave", "scale db replicas to 5", "");
    let cdn = s.propose(110, "dave", "flush the CDN cache", "cold cache for 2 min");
    let pods = s.propose(120, "eve", "restart every checkout pod", "drops carts");
    s.step(150, "ann", scale, EventKind::ActionApproved, "");
    s.step(160, "dave", scale, EventKind::ActionStarted, "");
    s.step(170, "ann", cdn, EventKind::ActionApproved, "");
    s.step(
        210,
        "ann",
        pods,
        EventKind::ActionRejected,
        "too wide; try one pod first",
    );
    s.checkin(
        300,
        "ann",
        "error rate 30%, flat; db replicas coming up",
        "decide on the rollback at the next check-in",
        Trend::Same,
    );
    s.step(350, "dave", cdn, EventKind::ActionDone, "");
    s.note(
        400,
        "carol",
        "hypothesis",
        "h: connection pool exhausted after deploy",
    );
    s.note(500, "dave", "mitigation", "replica 4 and 5 serving reads");
    let _ = rollback;
    s
}

/// Hostile text everywhere text from outside can reach the screen.
pub mod hostile {
    pub const CLEAR: &str = "db\x1b[2Jdown";
    pub const OSC52: &str = "copy\x1b]52;c;ZXZpbA==\x07me";
    pub const C1_CSI: &str = "red\u{9b}31mtext";
    pub const BIDI: &str = "abc\u{202e}fed\u{2066}x";
    pub const CJK: &str = "数据库主节点宕机了，全部写入失败";
    pub const EMOJI: &str = "🔥🔥 pager storm 👩\u{200d}🚒 on call";
    pub const RTL: &str = "שגיאה בשרת הראשי مرحبا";
    pub const TITLE_OSC: &str = "\x1b]0;pwned\x07Payments\tdown\r\nnow";

    /// A 10 KB single line.
    pub fn long_line() -> String {
        let mut s = String::from("START ");
        while s.len() < 10 * 1024 {
            s.push_str("lorem ipsum dolor sit amet ");
        }
        s.push_str(" END");
        s
    }
}

/// The story with hostile text in the title, notes, authors and action text.
pub fn hostile_story() -> Story {
    use hostile::*;
    let mut s = Story::declare(2, &format!("{TITLE_OSC} {CLEAR}"), "SEV1", "ann");
    s.assign(10, "ic", CJK);
    s.assign(11, "scribe", RTL);
    s.note(20, "mallory\x1b[2J", "note", CLEAR);
    s.note(21, OSC52, "note", OSC52);
    s.note(22, "eve", "note", C1_CSI);
    s.note(23, "eve", "note", BIDI);
    s.note(24, CJK, "note", CJK);
    s.note(25, "eve", "note", EMOJI);
    s.note(26, "eve", "note", RTL);
    s.note(27, "eve", "note", &long_line());
    s.note(28, "eve", "note", "line one\nline two\tafter a tab");
    s.propose(30, EMOJI, &format!("{CLEAR} {CJK}"), &long_line());
    s.propose(31, "eve", RTL, OSC52);
    s.checkin(40, CJK, &long_line(), C1_CSI, Trend::Worse);
    s
}

/// Every cell symbol of `buf` that could reach the terminal as a control:
/// C0, DEL, C1, ESC and bidi overrides.
pub fn control_cells(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let mut bad = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let s = buf[(x, y)].symbol();
            if s.chars().any(|c| {
                c.is_control()
                    || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            }) {
                bad.push((x, y, s.escape_debug().to_string()));
            }
        }
    }
    bad
}

/// `n` synthetic timeline rows, one a minute from `t0()`; row `i` says `entry i`.
pub fn many_rows(n: usize) -> Vec<TimelineRow> {
    (0..n)
        .map(|i| TimelineRow {
            seq: i as i64 + 10,
            id: EventId(Uuid::from_u128(0xf000_0000 + i as u128)),
            at: t0() + Duration::minutes(i as i64),
            author: if i % 3 == 0 { "scribe" } else { "dave" }.into(),
            label: "note".into(),
            text: format!("entry {i}"),
            private: false,
            tag_highlight: false,
        })
        .collect()
}
