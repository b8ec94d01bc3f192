//! The HTML export in a real browser: headless Chromium (Debian `chromium`,
//! installed by `tests/support/export.sh`) parses it without errors, nothing
//! from the journal turns into markup, and a screenshot shows the timeline
//! with its outage and incident markers.
//!
//! The screenshot stays in `$CARGO_TARGET_TMPDIR/export-html/timeline.png`.

#[path = "export/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn chromium() -> PathBuf {
    let name = std::env::var("COCKPIT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(&name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed: run `bash tests/support/export.sh` first")
        })
}

/// Run headless Chromium on `page` with extra flags; at most 120 s.
fn browse(page: &Path, profile: &Path, flags: &[&str]) -> Output {
    let url = format!("file://{}", page.display());
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(flags)
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Page errors: script errors, console messages, resources that failed to load.
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in ["CONSOLE", "Uncaught", "net::ERR_"] {
        assert!(!stderr.contains(bad), "the page logged `{bad}`:\n{stderr}");
    }
    out
}

/// How many pixels are within a small distance of `rgb`.
fn pixels_near(png_path: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    buf[..info.buffer_size()]
        .chunks(step)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 12))
        .count()
}

#[test]
fn html_export_opens_in_chromium_and_the_screenshot_shows_the_timeline() {
    let mut played = harness::play("default");
    // Words from outside that must stay words (notes are allowed after close).
    let incident = played.incident[..8].to_string();
    played.run(&[
        "--incident",
        &incident,
        "--as",
        "eve",
        "note",
        "--tag",
        "eliminated",
        "<script>document.title='owned'</script><img src=x onerror=alert(1)> & \"quotes\"",
    ]);
    played
        .clock
        .set(harness::base() + chrono::Duration::days(1));
    let page = played.dir.path().join("postmortem.html");
    let printed = played.run(&[
        "export",
        "--format",
        "html",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert_eq!(
        printed.trim(),
        page.display().to_string(),
        "export prints the path it wrote"
    );
    let html = std::fs::read_to_string(&page).unwrap();

    // Self-contained: inline CSS, no scripts, nothing fetched from elsewhere.
    assert!(html.contains("<style>"));
    for outside in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!html.contains(outside), "the page holds `{outside}`");
    }
    assert!(
        html.contains("&lt;script&gt;document.title="),
        "journal text is escaped"
    );

    let profile = tempfile::tempdir().unwrap();
    let dom = browse(&page, profile.path(), &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<table class=\"timeline\">"), "{dom}");
    for marker in [
        "OUTAGE START",
        "OUTAGE END",
        "INCIDENT START",
        "INCIDENT END",
    ] {
        assert!(
            dom.contains(&format!("\">{marker}</span>")),
            "no {marker} badge"
        );
    }
    assert!(!dom.contains("<img"), "a note became an element");
    assert!(dom.contains("<title>Postmortem: Checkout returns 502 for all users</title>"));

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-html");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("timeline.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &page,
        profile.path(),
        &[
            "--window-size=1100,2700",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    // The timeline's badges, in the template's colours: red for the outage,
    // blue for the incident. Each badge is some hundreds of pixels.
    let red = pixels_near(&shot, [0xb4, 0x23, 0x18]);
    let blue = pixels_near(&shot, [0x1f, 0x5f, 0xbf]);
    assert!(
        red > 400,
        "outage badges not in the screenshot ({red} red pixels): {}",
        shot.display()
    );
    assert!(
        blue > 400,
        "incident badges not in the screenshot ({blue} blue pixels): {}",
        shot.display()
    );
}
