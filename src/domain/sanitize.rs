//! Text from outside (notes, titles, chat messages, alert labels) can never
//! reach the terminal as control sequences. ratatui drops lone control
//! characters but leaves the rest of an escape sequence (`[2J`) on screen and
//! drops tabs; so text is cleaned where it enters, whole sequences at a time.
//! See ENDPOINTS.md §7 (CWE-150, CVE-2021-25743, CVE-2021-42574).

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const TAB_WIDTH: usize = 4;

/// Clean multi-line text: keeps newlines, expands tabs, removes escape
/// sequences, other C0/C1 controls and bidi overrides.
pub fn clean_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\r' => {
                // "\r\n" is a newline; a lone "\r" could overwrite the line: drop it.
                if chars.peek() == Some(&'\n') {
                    continue;
                }
            }
            '\t' => {
                let n = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            ESC => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() || is_bidi_control(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// Clean text meant for one line (titles, names, table cells): newlines become spaces.
pub fn clean_line(input: &str) -> String {
    let cleaned = clean_text(input);
    let mut out = String::with_capacity(cleaned.len());
    for (i, line) in cleaned.lines().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.trim().to_string()
}

/// Bidirectional formatting characters that reorder what is displayed
/// ("Trojan Source", CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI, OSC, DCS/SOS/PM/APC strings, or a short two-or-three-char escape.
fn skip_escape(chars: &mut Chars) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // intermediate bytes, then one final byte (e.g. "ESC ( B")
            while chars
                .peek()
                .is_some_and(|c| ('\u{20}'..='\u{2f}').contains(c))
            {
                chars.next();
            }
            chars.next();
        }
        Some(c) if ('\u{30}'..='\u{7e}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes up to a final byte in 0x40..=0x7e.
fn skip_csi(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // malformed: stop at the first byte that cannot be inside a CSI
            return;
        }
    }
}

/// OSC / DCS / SOS / PM / APC: everything up to BEL, ST (ESC \) or C1 ST.
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            BEL | '\u{9c}' => return,
            ESC => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_escape_sequences_go() {
        assert_eq!(clean_text("A\x1b[2JB"), "AB");
        assert_eq!(clean_text("A\x1b[38;5;196mred\x1b[0m"), "Ared");
        assert_eq!(clean_text("C\x1b]52;c;ZXZpbA==\x07D"), "CD");
        assert_eq!(clean_text("C\x1b]0;title\x1b\\D"), "CD");
        assert_eq!(clean_text("E\u{9b}31mF"), "EF");
        assert_eq!(clean_text("G\x1bPdcs stuff\x1b\\H"), "GH");
        assert_eq!(clean_text("I\x1b(BJ"), "IJ");
        assert_eq!(clean_text("K\x1bcL"), "KL");
        assert_eq!(clean_text("unterminated \x1b]0;forever"), "unterminated ");
        assert_eq!(clean_text("trailing\x1b"), "trailing");
    }

    #[test]
    fn controls_go_newlines_stay_tabs_expand() {
        assert_eq!(clean_text("O\u{7f}P\0Q"), "OPQ");
        assert_eq!(clean_text("a\r\nb"), "a\nb");
        assert_eq!(clean_text("fake\rreal"), "fakereal");
        assert_eq!(clean_text("a\tb"), "a   b");
        assert_eq!(clean_text("abcd\te"), "abcd    e");
        assert_eq!(clean_text("x\n\ty"), "x\n    y");
    }

    #[test]
    fn bidi_overrides_go_but_scripts_and_emoji_stay() {
        assert_eq!(clean_text("K\u{202e}LM\u{2066}N"), "KLMN");
        assert_eq!(clean_text("שלום 世界 🔥 👩‍🚒"), "שלום 世界 🔥 👩‍🚒");
    }

    #[test]
    fn lines_fold_newlines() {
        assert_eq!(clean_line("  db\ndown\x1b[2J  "), "db down");
    }
}
