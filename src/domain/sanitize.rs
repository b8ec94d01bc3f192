//! Text from outside (notes, titles, chat messages, alert labels, authors,
//! and anything another program wrote into the journal) can never reach the
//! terminal as control sequences. ratatui drops lone control characters but
//! leaves the rest of an escape sequence (`[2J`) on screen and drops tabs; so
//! text is cleaned where it enters, whole sequences at a time, and again on
//! every path that writes to a terminal (`clean_output`, `json_output`), since
//! a journal can be written by anyone.
//! See ENDPOINTS.md §7 (CWE-150, CVE-2021-25743, CVE-2021-42574).

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const TAB_WIDTH: usize = 4;

/// Clean multi-line text: keeps newlines, expands tabs, removes escape
/// sequences, other C0/C1 controls, bidi overrides and the characters whose
/// width terminals and the cockpit disagree on; U+2028 and U+2029 become
/// newlines.
pub fn clean_text(input: &str) -> String {
    clean(input, Tabs::Expand)
}

/// Clean whatever a CLI command prints (text, Markdown, tables): like
/// `clean_text`, but tabs stay tabs (a terminal moves the cursor for them,
/// nothing more), so the output's layout is the command's own.
pub fn clean_output(input: &str) -> String {
    clean(input, Tabs::Keep)
}

/// Make serialised JSON safe for a terminal without changing what it means:
/// every character `clean_text` would remove is written as a `\uXXXX`
/// escape (serde_json already escapes C0 controls; C1 controls, bidi
/// overrides and separators it leaves raw). Only valid inside JSON strings,
/// which is the only place such characters can be in serialised JSON.
pub fn json_output(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '\n'
            || !(c.is_control()
                || is_bidi_control(c)
                || is_unstable_width(c)
                || is_line_separator(c))
        {
            out.push(c);
            continue;
        }
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{:04x}", u));
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Tabs {
    Expand,
    Keep,
}

fn clean(input: &str, tabs: Tabs) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            c if is_line_separator(c) => {
                out.push('\n');
                column = 0;
            }
            '\r' => {
                // "\r\n" is a newline; a lone "\r" could overwrite the line: drop it.
                if chars.peek() == Some(&'\n') {
                    continue;
                }
            }
            '\t' if tabs == Tabs::Keep => {
                out.push('\t');
                column += TAB_WIDTH - column % TAB_WIDTH;
            }
            '\t' => {
                let n = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            ESC => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() || is_bidi_control(c) || is_unstable_width(c) => {}
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

/// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: some terminals
/// break the line there, others draw nothing, and ratatui counts them as
/// one cell: either way the screen keeps stale cells. They mean "newline".
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Invisible format characters and selectors whose width terminals and
/// `unicode-width` disagree on (zero in one, one or two in the other, or
/// joining two emoji into one glyph in some terminals only), which leave
/// stale cells or shift the rest of the line: soft hyphen, zero-width
/// space / joiners, word joiner and invisible operators, BOM, interlinear
/// annotations, variation selectors, tag characters, and the rest of
/// Unicode's Cf (format) category that can appear in text.
fn is_unstable_width(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{0600}'..='\u{0605}' | '\u{06dd}' | '\u{070f}'
        | '\u{0890}'..='\u{0891}' | '\u{08e2}' | '\u{115f}' | '\u{1160}' | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
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
        assert_eq!(clean_text("שלום 世界 🔥 café"), "שלום 世界 🔥 café");
    }

    #[test]
    fn characters_of_unstable_width_go_separators_are_newlines() {
        // A joined emoji is one glyph in some terminals and two in others.
        assert_eq!(clean_text("👩\u{200d}🚒"), "👩🚒");
        assert_eq!(clean_text("a\u{200b}b\u{feff}c\u{00ad}d\u{fe0f}e"), "abcde");
        assert_eq!(clean_text("one\u{2028}two\u{2029}three"), "one\ntwo\nthree");
        assert_eq!(clean_line("one\u{2028}two"), "one two");
    }

    #[test]
    fn output_keeps_tabs_and_layout() {
        assert_eq!(clean_output("a\tb\n\x1b]52;c;eA==\x07c\r\n"), "a\tb\nc\n");
        assert_eq!(clean_output("x\u{202e}y\u{9b}2Jz"), "xyz");
    }

    #[test]
    fn json_keeps_its_meaning_but_not_the_raw_characters() {
        let v =
            serde_json::json!({"author": "eve\u{202e}\u{1b}]0;t\u{7}\u{9b}", "x": "a\u{2028}b 🔥"});
        let text = json_output(&serde_json::to_string_pretty(&v).unwrap());
        assert!(
            text.chars().all(|c| c == '\n' || !c.is_control()),
            "{text:?}"
        );
        assert!(!text.contains('\u{202e}') && !text.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn lines_fold_newlines() {
        assert_eq!(clean_line("  db\ndown\x1b[2J  "), "db down");
    }
}
