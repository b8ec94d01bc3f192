//! Width-aware helpers: CJK and emoji take two columns, so truncation counts
//! columns, not chars. Visible text is cleaned once more before it is drawn.

use unicode_width::UnicodeWidthChar;

use crate::domain::sanitize::clean_line;

/// Cut `s` to at most `width` columns, ending in "…" when cut.
pub fn fit(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// One line, safe to draw: no control sequences, no newlines.
pub fn safe(s: &str) -> String {
    clean_line(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_columns() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("世界世界", 5), "世界…");
        assert_eq!(fit("abc", 0), "");
    }
}
