//! Width-aware helpers: CJK and emoji take two columns, so truncation counts
//! columns, not chars. Visible text is cleaned once more before it is drawn.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// Exactly `width` columns: `s` cut to fit, then padded with spaces.
/// `format!("{:<10}")` pads by chars, so CJK and emoji would push the next
/// column out of line.
pub fn pad(s: &str, width: usize) -> String {
    let mut out = fit(s, width);
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// Display columns of `s`, as the terminal counts them.
pub fn columns(s: &str) -> usize {
    s.width()
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

    #[test]
    fn pad_counts_columns() {
        assert_eq!(pad("ann", 5), "ann  ");
        assert_eq!(pad("世界", 5), "世界 ");
        assert_eq!(pad("世界世界", 5), "世界…");
        assert_eq!(columns(&pad("🔥🔥 pager storm", 10)), 10);
    }
}
