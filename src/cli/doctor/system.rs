//! What the cockpit gets from the machine: the filesystem under the journal,
//! the D-Bus session bus, the terminal and the time zone.

use std::io::IsTerminal;
use std::path::Path;

use super::check::{Check, Level};
use crate::config::Config;

/// Network filesystems by `statfs(2)` f_type (magic numbers from
/// https://man7.org/linux/man-pages/man2/statfs.2.html). SQLite's WAL needs
/// shared memory between the writers, so all on one host
/// (https://www.sqlite.org/wal.html, "Disadvantages").
#[cfg(target_os = "linux")]
const NETWORK_FS: &[(i64, &str)] = &[
    (0x6969, "NFS"),
    (0x517b, "SMB"),
    (0xff53_4d42, "CIFS"),
    (0xfe53_4d42, "SMB2"),
    (0x5346_414f, "AFS"),
    (0x7375_7245, "Coda"),
    (0x0102_1997, "9p"),
    (0x00c3_6400, "Ceph"),
    (0x6573_5546, "FUSE (sshfs and the like may be remote)"),
];

/// `Some("NFS")` when `dir` is on a network filesystem. `statfs` takes a
/// path and opens nothing, so it is safe next to an open journal.
#[cfg(target_os = "linux")]
pub fn network_filesystem(dir: &Path) -> Option<&'static str> {
    let st = rustix::fs::statfs(dir).ok()?;
    let kind = st.f_type as i64;
    NETWORK_FS.iter().find(|(m, _)| *m == kind).map(|(_, n)| *n)
}

#[cfg(not(target_os = "linux"))]
pub fn network_filesystem(_dir: &Path) -> Option<&'static str> {
    None
}

/// Desktop notifications go over the D-Bus session bus; without one the
/// cockpit rings the terminal bell instead.
pub fn notifications(out: &mut Vec<Check>) {
    let fallback = "due clocks ring the terminal bell instead; for desktop notifications run inside a desktop session (DBUS_SESSION_BUS_ADDRESS)";
    match session_bus() {
        Ok(addr) => out.push(Check::new(
            "notify",
            Level::Ok,
            format!("D-Bus session bus reachable at {addr}"),
        )),
        Err(why) => out.push(Check::new("notify", Level::Info, why).todo(fallback)),
    }
}

/// Connect to the session bus's socket (and close at once): reachable or not.
/// Address syntax: https://dbus.freedesktop.org/doc/dbus-specification.html#addresses
fn session_bus() -> Result<String, String> {
    use std::os::unix::net::UnixStream;
    let addr = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .ok()
        .filter(|a| !a.is_empty());
    let candidates: Vec<String> = match &addr {
        Some(a) => a.split(';').map(str::to_string).collect(),
        // Without the variable, libdbus and sd-bus try $XDG_RUNTIME_DIR/bus.
        None => match std::env::var("XDG_RUNTIME_DIR") {
            Ok(d) if !d.is_empty() => vec![format!("unix:path={d}/bus")],
            _ => {
                return Err(
                    "no session bus: DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are unset".into(),
                );
            }
        },
    };
    let mut last = String::from("no usable address");
    for c in &candidates {
        let Some(rest) = c.strip_prefix("unix:") else {
            last = format!("unsupported address {c}");
            continue;
        };
        for kv in rest.split(',') {
            if let Some(p) = kv.strip_prefix("path=") {
                match UnixStream::connect(p) {
                    Ok(_) => return Ok(c.clone()),
                    Err(e) => last = format!("session bus {p}: {e}"),
                }
            }
            #[cfg(target_os = "linux")]
            if let Some(name) = kv.strip_prefix("abstract=") {
                use std::os::linux::net::SocketAddrExt;
                let sa = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes());
                match sa.and_then(|sa| UnixStream::connect_addr(&sa)) {
                    Ok(_) => return Ok(c.clone()),
                    Err(e) => last = format!("session bus @{name}: {e}"),
                }
            }
        }
    }
    Err(last)
}

/// Colours, size, mouse and OSC 52, as far as they can be known. Terminals
/// do not answer for mouse or clipboard support without a round trip the
/// doctor cannot make safely, so those are guessed from TERM and TMUX.
pub fn terminal(out: &mut Vec<Check>) {
    let term = std::env::var("TERM").unwrap_or_default();
    let colorterm = std::env::var("COLORTERM").unwrap_or_default();
    let tmux = std::env::var_os("TMUX").is_some();
    if !std::io::stdout().is_terminal() {
        out.push(Check::new(
            "terminal",
            Level::Info,
            format!("stdout is not a terminal (TERM={term}): `cockpit` prints the incident instead of the screen"),
        ));
    } else {
        match crossterm::terminal::size() {
            Ok((w, h)) if w < 80 || h < 24 => out.push(
                Check::new(
                    "terminal",
                    Level::Warn,
                    format!("{w}x{h}, smaller than 80x24"),
                )
                .todo("enlarge the window: panes are hidden below 80x24"),
            ),
            Ok((w, h)) => out.push(Check::new("terminal", Level::Ok, format!("{w}x{h}"))),
            Err(e) => out.push(Check::new(
                "terminal",
                Level::Warn,
                format!("size unknown: {e}"),
            )),
        }
    }
    let colours = if colorterm == "truecolor" || colorterm == "24bit" {
        ("24-bit colour (COLORTERM)", Level::Ok)
    } else if term.contains("256color") || term.starts_with("xterm-kitty") {
        ("256 colours (TERM)", Level::Ok)
    } else if term.is_empty() || term == "dumb" {
        ("no colours: TERM is empty or dumb", Level::Warn)
    } else {
        ("basic colours (TERM)", Level::Info)
    };
    out.push(Check::new(
        "terminal",
        colours.1,
        format!("TERM={term}: {}", colours.0),
    ));
    let known_osc52 = [
        "xterm-kitty",
        "alacritty",
        "wezterm",
        "foot",
        "xterm-ghostty",
    ];
    let osc52 = if tmux {
        "inside tmux: OSC 52 copy reaches the outer terminal only with `set -g set-clipboard on`"
    } else if known_osc52.iter().any(|t| term.starts_with(t)) {
        "OSC 52 copy: likely supported by this terminal"
    } else {
        "OSC 52 copy: unknown for this terminal (xterm needs allowWindowOps; most others support it)"
    };
    out.push(Check::new(
        "terminal",
        Level::Info,
        format!("mouse: xterm-style reporting assumed; {osc52} (guessed from TERM/TMUX: terminals do not report either)"),
    ));
}

/// The zone clocks and `--at` times are read in: the config's, else the
/// system's (TZ or /etc/localtime).
pub fn time_zone(config: Option<&Config>, out: &mut Vec<Check>) {
    let now = chrono::Utc::now();
    if let Some(c) = config {
        match c.zone() {
            Ok(Some(tz)) => {
                let off = now.with_timezone(&tz).format("%:z");
                out.push(Check::new(
                    "time",
                    Level::Ok,
                    format!("config timezone {tz} (UTC{off} now)"),
                ));
                return;
            }
            Ok(None) => {}
            Err(e) => {
                out.push(
                    Check::new("time", Level::Fail, e.to_string())
                        .todo("use an IANA name such as \"Europe/London\" in `timezone =`"),
                );
                return;
            }
        }
    }
    let off = now.with_timezone(&chrono::Local).format("%:z");
    match std::env::var("TZ") {
        Ok(tz) if !tz.is_empty() => {
            let name = tz.trim_start_matches(':');
            if name.parse::<chrono_tz::Tz>().is_err() && !Path::new(name).is_absolute() {
                out.push(
                    Check::new(
                        "time",
                        Level::Warn,
                        format!("TZ={tz} is not a zone name; local time is UTC{off}"),
                    )
                    .todo("set TZ to an IANA name, or `timezone =` in the config"),
                );
            } else {
                out.push(Check::new(
                    "time",
                    Level::Ok,
                    format!("TZ={tz} (UTC{off} now)"),
                ));
            }
        }
        _ => out.push(Check::new(
            "time",
            Level::Ok,
            format!("system time zone, /etc/localtime (UTC{off} now)"),
        )),
    }
}
