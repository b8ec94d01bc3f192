//! The event loop: one `select!` over terminal input, journal-worker replies,
//! a one-second tick (countdowns only) and signals. It redraws only when
//! something changed, so an idle cockpit costs next to no CPU.

use chrono::Utc;
use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures::StreamExt;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::io::Write;
use std::path::Path;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

use super::layout;
use super::terminal;
use super::theme::Theme;
use crate::app::keymap::{DEFAULT_KEYMAP, Keymap, VIM_KEYMAP};
use crate::app::model::{Level, Model};
use crate::app::update::{Effect, Msg, update};
use crate::services::Cockpit;
use crate::services::worker::{Reply, Worker};

/// The keymap to use: "default", "vim" or a file, then the user's overrides.
/// A bad file is reported and the default is used instead.
pub fn load_keymap(choice: Option<&str>, user_file: Option<&Path>) -> (Keymap, Vec<String>) {
    let mut warnings = Vec::new();
    let base = match choice.unwrap_or("default") {
        "default" => Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP),
        "vim" => Keymap::parse("keymaps/vim.toml", VIM_KEYMAP),
        path => match std::fs::read_to_string(path) {
            Ok(text) => Keymap::parse(path, &text),
            Err(e) => {
                warnings.push(format!("cannot read keymap {path}: {e}; using the default"));
                Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP)
            }
        },
    };
    let mut keymap = base.unwrap_or_else(|e| {
        warnings.push(format!("{e}; using the default keymap"));
        Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP).expect("the shipped keymap parses")
    });
    if let Some(file) = user_file
        && let Ok(text) = std::fs::read_to_string(file)
    {
        let mut with_user = keymap.clone();
        match with_user.merge(&file.display().to_string(), &text) {
            Ok(()) => keymap = with_user,
            Err(e) => warnings.push(format!("{e}; your overrides were not applied")),
        }
    }
    (keymap, warnings)
}

/// Where the screen starts and what it talks to, besides the journal.
#[derive(Default)]
pub struct ScreenOptions {
    pub warnings: Vec<String>,
    pub endpoints: Vec<crate::config::Endpoint>,
    /// `--incident`: open this one first.
    pub incident: Option<crate::domain::IncidentId>,
    /// The config's `people`, offered by the role picker (issue 12).
    pub people: Vec<String>,
}

/// Open the full-screen cockpit until the user quits or a signal arrives.
pub fn run(cockpit: Cockpit, keymap: Keymap, options: ScreenOptions) -> color_eyre::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let result = rt.block_on(event_loop(cockpit, keymap, options));
    terminal::restore();
    result
}

async fn event_loop(
    mut cockpit: Cockpit,
    keymap: Keymap,
    options: ScreenOptions,
) -> color_eyre::Result<()> {
    let ScreenOptions {
        warnings,
        endpoints,
        incident,
        people,
    } = options;
    let theme = Theme::from_env();
    // The header tells the truth from the first frame: with endpoints, the
    // outbox as it is now (one count query), never "not configured" or an
    // "ok" the worker has not published yet.
    let first_health = (!endpoints.is_empty()).then(|| {
        crate::sync::Outbox::open(&cockpit.journal)
            .and_then(|o| o.health())
            .unwrap_or_else(|e| crate::sync::SyncHealth {
                problems: vec![format!("sync: {e}")],
                ..Default::default()
            })
    });
    // The sync worker opens its own connections and never blocks the screen.
    let sync = (!endpoints.is_empty()).then(|| {
        let settings = crate::sync::SyncSettings::new(
            cockpit.journal.path().into(),
            cockpit.journal.playbooks().clone(),
            endpoints,
            cockpit.clock(),
        );
        crate::sync::SyncHandle::spawn(&tokio::runtime::Handle::current(), settings)
    });
    // A note's outbox rows go out when it commits, not at the worker's next tick.
    if let Some(s) = &sync {
        cockpit.journal.set_outbox_wake(Some(s.waker()));
    }
    let mut model = Model::new(
        keymap,
        cockpit.author.clone(),
        cockpit.journal.path().display().to_string(),
        Utc::now(),
    );
    model.zone = cockpit.zone;
    let mut sync_health = sync.as_ref().map(|s| s.watch());
    model.wanted = incident;
    model.people = people;
    model.declare_playbook = cockpit.journal.playbooks().get(&cockpit.playbook);
    let notifier = crate::notify::Notifier::desktop();
    let startup_warned = !warnings.is_empty();
    if let Some(w) = warnings.first() {
        // Issue 12: a problem found at start is on screen, not only in the log.
        let more = match warnings.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more in the log)", n - 1),
        };
        model.say(Level::Warn, format!("{w}{more}"));
    }
    // Issue 12: what was typed and not saved last time (quit, crash, kill).
    let drafts = crate::services::drafts::DraftStore::for_journal(cockpit.journal.path());
    let (found, problems) = drafts.load_all();
    crate::app::drafts::found(&mut model, found);
    if let Some(p) = problems.first() {
        tracing::warn!("{p}");
        model.say(Level::Warn, format!("{p} (left in place)"));
    }
    let (tx, mut replies) = tokio::sync::mpsc::unbounded_channel::<Reply>();
    let worker = Worker::spawn(cockpit, move |r| {
        let _ = tx.send(r);
    });
    let mut term = terminal::init()?;
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // `kill -INT` (raw mode turns Ctrl-C into a key, so this comes from
    // outside): without a handler it killed the process with the terminal
    // left in raw mode on the alternate screen.
    let mut sigint = signal(SignalKind::interrupt())?;
    // Fault injection (src/fault.rs): panic in the frame after an Enter.
    let mut after_enter = false;
    // What the terminal shows: a message that changes nothing on screen (most
    // ticks, now that idle clocks show minutes) writes nothing to it.
    let mut shown: Option<Buffer> = None;
    // Messages read alongside another (the sync health with a tick), updated first.
    let mut queued: Vec<Msg> = first_health.into_iter().map(Msg::Sync).collect();
    loop {
        let size = term.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        let mut frame = Buffer::empty(area);
        if after_enter && crate::fault::fires("render-panic") {
            panic!("injected render panic (COCKPIT_FAULT=render-panic)");
        }
        super::render(area, &mut frame, &model, theme);
        if shown.as_ref() != Some(&frame) {
            term.draw(|f| {
                if f.area() == frame.area {
                    f.buffer_mut().content.clone_from(&frame.content);
                } else {
                    super::render(f.area(), f.buffer_mut(), &model, theme);
                }
            })?;
            shown = Some(frame);
        }
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => match to_msg(ev, &model, &term) {
                    Some(m) => m,
                    // A resize: draw the whole screen again.
                    None => {
                        shown = None;
                        continue;
                    }
                },
                // stdin closed or broken: nothing more can be typed.
                Some(Err(_)) | None => break,
            },
            Some(r) = replies.recv() => Msg::Worker(r),
            _ = tick.tick() => match notifier.try_report().and_then(|r| {
                if let crate::notify::NotifierReport::Off { reason } = &r {
                    tracing::warn!("desktop notifications are off: {reason}");
                }
                r.status_line()
            // A problem found at start (keymap, config) says what to fix: it
            // keeps the status line; the notification notice is in the log.
            }).filter(|_| !startup_warned) {
                Some(line) => Msg::Status(Level::Warn, line),
                None => {
                    // Only what the worker has published: its initial value
                    // is an empty health that would read "sync ok".
                    if let Some(w) = &mut sync_health
                        && w.has_changed().unwrap_or(false)
                    {
                        queued.push(Msg::Sync(w.borrow_and_update().clone()));
                    }
                    Msg::Tick(Utc::now())
                }
            },
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
            _ = sigint.recv() => break,
        };
        after_enter = matches!(&msg, Msg::Key(k) if k.code == crossterm::event::KeyCode::Enter);
        let mut effects: Vec<Effect> = queued
            .drain(..)
            .flat_map(|q| update(&mut model, q))
            .collect();
        effects.extend(update(&mut model, msg));
        // Take every reply already waiting before drawing once.
        while let Ok(r) = replies.try_recv() {
            effects.extend(update(&mut model, Msg::Worker(r)));
        }
        for e in effects {
            if let Some(problem) = execute(e, &worker, &notifier, sync.as_ref(), &drafts) {
                queued.push(problem);
            }
        }
        if model.quit {
            break;
        }
    }
    // Quit, a signal or stdin gone: what was typed in the last second too.
    if let Some(e) = crate::app::drafts::flush(&mut model) {
        execute(e, &worker, &notifier, sync.as_ref(), &drafts);
    }
    drop(worker);
    if let Some(s) = sync {
        s.stop();
    }
    Ok(())
}

/// The one executor of the screen's side effects: `update` decides, this
/// does. A failure the IC must see comes back as a message.
fn execute(
    e: Effect,
    worker: &Worker,
    notifier: &crate::notify::Notifier,
    sync: Option<&crate::sync::SyncHandle>,
    drafts: &crate::services::drafts::DraftStore,
) -> Option<Msg> {
    match e {
        Effect::Send(req) => worker.send(req),
        Effect::Bell => {
            let _ = std::io::stdout().write_all(b"\x07");
            let _ = std::io::stdout().flush();
        }
        Effect::Notify(n) => notifier.send(n),
        Effect::SyncNow => {
            if let Some(s) = sync {
                s.force();
            }
        }
        // The one OSC 52 sequence (ui/clipboard.rs): base64 payload only.
        Effect::Copy(text) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(super::clipboard::osc52(&text).as_bytes());
            let _ = out.flush();
        }
        // A few hundred bytes, at most once a second: written here, in order.
        Effect::SaveDraft { key, draft } => {
            if let Err(e) = drafts.save(&key, &draft) {
                tracing::warn!("{e}");
                return Some(Msg::Status(
                    Level::Error,
                    format!("your draft could not be kept: {e}"),
                ));
            }
        }
    }
    None
}

/// Terminal events the model cares about; `None` means "just redraw" (resize).
fn to_msg(ev: Event, model: &Model, term: &terminal::Tui) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Mouse(me) => {
            let size = term.size().ok()?;
            let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
            let areas = layout::areas(
                area,
                model.focus,
                model.editor.lines().len(),
                model.needs_banner(),
            );
            // Issue 12: a click on the severity, state or service status opens its picker.
            if me.kind == MouseEventKind::Down(MouseButton::Left)
                && me.row == areas.header.y
                && model.overlay.is_none()
                && let Some(cmd) = super::header::item_at(model, me.column)
            {
                return Some(Msg::Command(cmd));
            }
            let pane = areas.pane_at(me.column, me.row)?;
            match me.kind {
                MouseEventKind::ScrollDown => Some(Msg::Scroll { pane, down: true }),
                MouseEventKind::ScrollUp => Some(Msg::Scroll { pane, down: false }),
                MouseEventKind::Down(MouseButton::Left) => Some(Msg::Focus(pane)),
                _ => Some(Msg::Tick(Utc::now())),
            }
        }
        _ => None,
    }
}
