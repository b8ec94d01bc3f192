//! Copy to the clipboard with OSC 52 (issue 12): the terminal itself puts
//! the text on the clipboard, so it works over SSH and, with tmux's
//! `set-clipboard on`, inside tmux.
//!
//! xterm's control sequences, "Operating System Commands", Ps = 52
//! "Manipulate Selection Data": `OSC 52 ; Pc ; Pd BEL`, `Pc` = `c` for the
//! clipboard, `Pd` the data encoded in base64
//! (https://invisible-island.net/xterm/ctlseqs/ctlseqs.html#h3-Operating-System-Commands;
//! also https://ghostty.org/docs/vt/osc/52). tmux(1), `set-clipboard on`:
//! "tmux will both accept the escape sequence to create a buffer and attempt
//! to set the terminal clipboard"; the default `external` ignores it.

use base64::Engine;

/// The one place the sequence is built: its payload is base64, so nothing
/// of the text reaches the terminal as bytes it could act on. The text is
/// cleaned first (control characters out, newlines kept) so a paste
/// elsewhere carries no escapes either.
pub fn osc52(text: &str) -> String {
    let clean = crate::domain::sanitize::clean_text(text);
    let payload = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    format!("\x1b]52;c;{payload}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(seq: &str) -> Vec<u8> {
        let inner = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .unwrap_or_else(|| panic!("not an OSC 52 sequence: {seq:?}"));
        base64::engine::general_purpose::STANDARD
            .decode(inner)
            .unwrap()
    }

    #[test]
    fn the_text_travels_as_base64_only() {
        let seq = osc52("hi");
        assert_eq!(seq, "\x1b]52;c;aGk=\x07");
        let hostile = "ok\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}31m\nline two ✓";
        let seq = osc52(hostile);
        // Only the frame's own ESC and BEL: the payload is base64 letters.
        let body = &seq[7..seq.len() - 1];
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "{body}"
        );
        let copied = String::from_utf8(payload(&seq)).unwrap();
        assert!(
            !copied.contains('\x1b') && !copied.contains('\x07'),
            "{copied:?}"
        );
        assert!(!copied.contains('\u{9b}'));
        assert!(copied.contains("line two ✓") && copied.contains('\n'));
    }
}
