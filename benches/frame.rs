//! One full frame of the cockpit with a 100,000-row timeline in the model
//! (target: under 2 ms). Only the visible window of the timeline is handed to
//! the widgets, so this costs what a short timeline costs.
//!
//!     cargo bench --bench frame

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::hint::black_box;

use cockpit::journal::TimelineFilter;
use cockpit::services::worker::Reply;
use cockpit::ui::theme::Theme;

#[path = "../tests/support/mod.rs"]
mod support;
use support::*;

fn long_timeline(rows: usize) -> Screen {
    let story = checkout_outage();
    let mut s = Screen::new();
    s.open_one(&story);
    s.reply(Reply::TimelineReset {
        incident: story.id,
        filter: TimelineFilter::All,
        rows: many_rows(rows),
        total: rows,
        more_before: false,
    });
    s
}

fn frames(c: &mut Criterion) {
    let theme = Theme { color: true };
    for (name, rows) in [("100k", 100_000), ("100", 100)] {
        let s = long_timeline(rows);
        for (w, h) in [(160u16, 48u16), (80, 24)] {
            let area = Rect::new(0, 0, w, h);
            c.bench_function(&format!("render {w}x{h}, {name}-row timeline"), |b| {
                b.iter(|| {
                    let mut buf = Buffer::empty(area);
                    cockpit::ui::render(area, &mut buf, black_box(&s.m), theme);
                    buf
                })
            });
        }
    }
    // The runner's path: draw into the terminal's back buffer, diff, flush.
    // The tick changes the countdown every second, so each frame differs a little.
    let mut s = long_timeline(100_000);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut second = 0;
    c.bench_function("draw 160x48 through TestBackend, 100k rows, ticking", |b| {
        b.iter(|| {
            second += 1;
            s.tick(now() + chrono::Duration::seconds(second % 600));
            term.draw(|f| cockpit::ui::render(f.area(), f.buffer_mut(), &s.m, theme))
                .unwrap();
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);
