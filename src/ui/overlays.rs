//! Overlays: help (generated from the active keymap), the incident switcher,
//! one-line prompts, the declare and check-in forms, and the `:` line.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::context::Ctx;
use super::text::{fit, safe};
use super::widgets::{field, frame};
use crate::app::keymap::{Command, Mode};
use crate::app::model::{CheckInForm, CommandLine, DeclareForm, Overlay, Prompt, VERDICTS};
use crate::domain::playbook::format_duration;
use crate::domain::time::human_minutes;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let Some(o) = &cx.model.overlay else { return };
    match o {
        Overlay::Help { scroll } => help(area, buf, cx, *scroll),
        Overlay::Switcher { selected } => switcher(area, buf, cx, *selected),
        Overlay::Prompt(p) => prompt(area, buf, cx, p),
        Overlay::Declare(f) => declare(area, buf, cx, f),
        Overlay::CheckIn(f) => checkin(area, buf, cx, f),
        Overlay::CommandLine(c) => command_line(area, buf, cx, c),
        Overlay::Handoff(h) => super::process::handoff(area, buf, cx, h),
        Overlay::Close => super::process::close(area, buf, cx),
        Overlay::Checklists { checklist, step } => {
            super::process::checklists(area, buf, cx, *checklist, *step)
        }
        Overlay::Sync { rows, selected } => super::process::sync(area, buf, cx, rows, *selected),
        Overlay::RolePicker(p) => super::pickers::role_picker(area, buf, cx, p),
        Overlay::Choice(c) => super::pickers::choice(area, buf, cx, c),

        Overlay::Quit { .. } => super::drafts::quit(area, buf, cx),
    }
}

fn help(area: Rect, buf: &mut Buffer, cx: &Ctx, scroll: u16) {
    let inner = frame(
        area,
        buf,
        cx,
        "Help · Esc closes",
        72,
        area.height.saturating_sub(2),
    );
    let t = cx.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!("keymap: {}", cx.model.keymap.name),
        t.dim(),
    ))];
    let km = &cx.model.keymap;
    // An overlay's table is titled with the key that opens it.
    let opened_by = |what: &str, cmd| match km.key_for(Mode::Normal, cmd) {
        Some(k) => format!("{what} ({k})"),
        None => what.to_string(),
    };
    for (mode, title) in [
        (Mode::Normal, "Panes".to_string()),
        (Mode::Insert, "Note editor".to_string()),
        (Mode::Close, opened_by("Close the incident", Command::Close)),
        (
            Mode::Checklists,
            opened_by("Checklists", Command::Checklists),
        ),
        (Mode::Sync, opened_by("Sync", Command::Sync)),
    ] {
        lines.push(Line::from(Span::styled(title, t.title())));
        for (cmd, keys) in cx.model.keymap.bindings(mode) {
            // Issue 12: a long description wraps under itself, not under the keys.
            let room = (inner.width as usize).saturating_sub(20).max(20);
            for (i, part) in wrap_words(cmd.describe(), room).into_iter().enumerate() {
                let keys = if i == 0 {
                    keys.join(", ")
                } else {
                    String::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<18}"), t.accent()),
                    Span::raw(part),
                ]));
            }
        }
    }
    lines.push(Line::from(Span::styled("Command line (:)", t.title())));
    for l in [
        "  the CLI's verbs, e.g.  note TEXT   role assign ic ann",
        "  state identified   severity SEV1   action propose WHAT",
        "  action approve 3   checkin --status TEXT   link bridge URL",
        "  close request|object|withdraw|confirm",
        "  --at 23:50 backdates; Tab completes verbs, roles and people.",
        "  Screen words: quit, help, incident ID, filter TEXT|tag:NAME, clear.",
    ] {
        lines.push(Line::from(l));
    }
    // Wrapped, for terminals narrower than the overlay.
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

fn switcher(area: Rect, buf: &mut Buffer, cx: &Ctx, selected: usize) {
    let m = cx.model;
    // Not `clamp(5, area.height)`: that panics when the terminal is under 5 rows.
    let h = (m.incidents.len() as u16 + 3).max(5).min(area.height);
    let inner = frame(
        area,
        buf,
        cx,
        "Incidents · Enter opens · D declares · Esc",
        76,
        h,
    );
    let mut lines = Vec::new();
    for (i, inc) in m.incidents.iter().enumerate() {
        let state = if inc.open {
            cx.theme.base()
        } else {
            cx.theme.dim()
        };
        let text = format!(
            "{}  {:<5} {:<13} {:>8}  {}",
            inc.id.short(),
            inc.severity,
            inc.state,
            human_minutes(cx.now - inc.declared_at),
            safe(&inc.title)
        );
        let line = Line::from(Span::styled(fit(&text, inner.width as usize), state));
        lines.push(if i == selected {
            line.style(cx.theme.selected())
        } else {
            line
        });
    }
    if lines.is_empty() {
        lines.push(Line::from("no incidents yet"));
    }
    let skip = selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(inner, buf);
}

fn prompt(area: Rect, buf: &mut Buffer, cx: &Ctx, p: &Prompt) {
    let inner = frame(area, buf, cx, &p.title, 70, 4);
    let [input, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    field(input, buf, cx, &p.input, true);
    Paragraph::new(Span::styled(p.hint.clone(), cx.theme.dim())).render(hint, buf);
}

fn declare(area: Rect, buf: &mut Buffer, cx: &Ctx, f: &DeclareForm) {
    let inner = frame(
        area,
        buf,
        cx,
        "Declare an incident · Tab moves · Enter declares · Esc",
        72,
        10,
    );
    let rows: [Rect; 6] = Layout::vertical([Constraint::Length(1); 6]).areas(inner);
    let label = |s: &str, active: bool| {
        Span::styled(
            format!("{s:<10}"),
            if active {
                cx.theme.title()
            } else {
                cx.theme.dim()
            },
        )
    };
    let split = |r: Rect| -> [Rect; 2] {
        Layout::horizontal([Constraint::Length(10), Constraint::Fill(1)]).areas(r)
    };
    let [l, v] = split(rows[0]);
    Paragraph::new(label("Title", f.field == 0)).render(l, buf);
    field(v, buf, cx, &f.title, f.field == 0);
    let [l, v] = split(rows[1]);
    Paragraph::new(label("Severity", f.field == 1)).render(l, buf);
    let chosen = cx.model.declare_severities().get(f.severity);
    let sev = chosen.map(|s| s.name.clone()).unwrap_or_default();
    let desc = chosen.map(|s| s.description.clone()).unwrap_or_default();
    let style = if f.field == 1 {
        cx.theme.selected()
    } else {
        cx.theme.base()
    };
    Paragraph::new(Line::from(vec![
        Span::styled(format!("◀ {sev} ▶"), style),
        Span::styled(format!("  {}", fit(&desc, 50)), cx.theme.dim()),
    ]))
    .render(v, buf);
    let [l, v] = split(rows[2]);
    Paragraph::new(label("Summary", f.field == 2)).render(l, buf);
    field(v, buf, cx, &f.summary, f.field == 2);
    let [l, v] = split(rows[3]);
    Paragraph::new(label("Security", f.field == 3)).render(l, buf);
    let mark = if f.security {
        "[x] security / PII incident (report within 1 hour)"
    } else {
        "[ ] security / PII incident (Space toggles)"
    };
    Paragraph::new(Span::styled(
        mark,
        if f.field == 3 {
            cx.theme.selected()
        } else {
            cx.theme.base()
        },
    ))
    .render(v, buf);
    Paragraph::new(Span::styled(
        "When in doubt, pick the higher severity (002).",
        cx.theme.dim(),
    ))
    .render(rows[5], buf);
}

fn checkin(area: Rect, buf: &mut Buffer, cx: &Ctx, f: &CheckInForm) {
    let h = 10 + f.reviews.len() as u16 + u16::from(f.warning.is_some()) * 2;
    let inner = frame(
        area,
        buf,
        cx,
        "Check-in (001 loop) · Tab moves · ←/→ choose · Enter on the last field saves",
        84,
        h,
    );
    let t = cx.theme;
    let active = |i: usize| if f.field == i { t.selected() } else { t.base() };
    let trend = match f.trend {
        None => "not said",
        Some(crate::domain::event::Trend::Better) => "better",
        Some(crate::domain::event::Trend::Same) => "same",
        Some(crate::domain::event::Trend::Worse) => "worse",
    };
    let mut lines: Vec<Line> = Vec::new();
    if let Some(w) = &f.warning {
        lines.push(Line::from(Span::styled(
            fit(w, inner.width as usize),
            t.warn(),
        )));
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled(
        "1. Tech lead's report: better or worse? new users or regions affected?",
        t.title(),
    )));
    lines.push(Line::from(vec![
        Span::raw("   trend  "),
        Span::styled(format!("◀ {trend} ▶"), active(0)),
    ]));
    let status_row = lines.len();
    lines.push(Line::raw("   status "));
    lines.push(Line::from(Span::styled(
        "2. Mitigations since the last check-in:",
        t.title(),
    )));
    if f.reviews.is_empty() {
        lines.push(Line::from(Span::styled("   none to review", t.dim())));
    }
    for (i, (_, what, verdict)) in f.reviews.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::raw(format!("   {} ", fit(&safe(what), 46))),
            Span::styled(format!("◀ {} ▶", VERDICTS[*verdict]), active(2 + i)),
        ]));
    }
    let last = 2 + f.reviews.len();
    // The loop's length comes from the playbook (001: 15-20 minutes by default).
    let span = cx
        .model
        .current
        .as_ref()
        .and_then(|c| {
            let (min, max) = (c.playbook.clocks.checkin_min, c.playbook.clocks.checkin_max);
            let min = min.or(max)?;
            let max = max.unwrap_or(min).max(min);
            Some(if min == max {
                format_duration(min)
            } else {
                format!("{}-{}", format_duration(min), format_duration(max))
            })
        })
        .unwrap_or_else(|| "15m-20m".into());
    lines.push(Line::from(Span::styled(
        format!("3. Course of action for the next {span} (new active measures need IC approval):"),
        t.title(),
    )));
    let next_row = lines.len();
    lines.push(Line::raw("   next   "));
    Paragraph::new(lines).render(inner, buf);
    for (row, ta, i) in [(status_row, &f.status, 1), (next_row, &f.next, last)] {
        let y = inner.y + row as u16;
        if y < inner.bottom() {
            field(
                Rect {
                    x: inner.x + 10,
                    y,
                    width: inner.width.saturating_sub(10),
                    height: 1,
                },
                buf,
                cx,
                ta,
                f.field == i,
            );
        }
    }
}

fn command_line(area: Rect, buf: &mut Buffer, cx: &Ctx, c: &CommandLine) {
    let h = if c.completions.is_empty() { 3 } else { 4 };
    let r = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(h + 1),
        width: area.width,
        height: h,
    };
    Clear.render(r, buf);
    let block = Block::bordered()
        .title(" : command · Tab completes · Enter runs · Esc ")
        .border_style(cx.theme.border(true));
    let inner = block.inner(r);
    block.render(r, buf);
    let [input, comps] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    field(input, buf, cx, &c.input, true);
    if !c.completions.is_empty() {
        Paragraph::new(Span::styled(
            // People's names come from the journal.
            fit(&safe(&c.completions.join("  ")), comps.width as usize),
            cx.theme.dim(),
        ))
        .render(comps, buf);
    }
}

/// `text` in lines of at most `width` columns, broken between words.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = super::text::columns(&line) + 1 + super::text::columns(word);
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}
