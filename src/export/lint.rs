//! The writing linter: seed 000's rules for a postmortem, as a guide (never a
//! gate). Pure: text in, findings out. Markdown-aware: code spans and blocks,
//! links, quoted speech and `<!-- lint: off -->` ... `<!-- lint: on -->` are
//! skipped; passive voice is allowed inside a "Lessons learned" section.
//!
//! The rules, as seed 000 ("How to write a good postmortem") states them:
//!
//! - "Write in the 3rd-person. The document should appear to be authored by
//!   the team, not by a particular person. Don't use "I", "my", "me", "we", etc."
//! - "Don't assign blame or use judgmental language. [...] Don't use blaming
//!   language, on yourself or others." and "Don't add superfluous adjectives,
//!   which often carry judgment and can obscure analysis."
//! - "Don't use the passive-voice, except to avoid assigning blame. It's
//!   important to know who was performing the action. Don't write "the logs
//!   were copied to a remote machine", instead, "Sally copied the logs to a
//!   remote machine". The exception is in lessons-learned-type sections, where
//!   the active voice could be read as assigning blame."
//! - "Don't use casual language. Avoid informal words and joking."
//! - "Be precise. Use precise, clear language. Refer to specific items and
//!   actions taken, not vague categories." (vague time references)

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    ThirdPerson,
    Blame,
    PassiveVoice,
    Casual,
    VagueTime,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::ThirdPerson => "third-person",
            Rule::Blame => "blame",
            Rule::PassiveVoice => "passive-voice",
            Rule::Casual => "casual",
            Rule::VagueTime => "vague-time",
        }
    }
}

/// One thing to look at again: where, which rule, what was found, what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// 1-based line of the text.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub rule: Rule,
    pub found: String,
    pub suggestion: String,
}

#[rustfmt::skip]
const THIRD_PERSON: &[&str] = &[
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "i'm", "i've",
    "i'd", "i'll", "we're", "we've", "we'd", "we'll", "let's",
];
const THIRD_PERSON_TIP: &str =
    "write in the third person: name the team or the person (000: \"authored by the team\")";

/// Judgement words and hindsight. "faulty" and "failed" stay out: they
/// describe hardware and jobs, not people.
#[rustfmt::skip]
const BLAME: &[&str] = &[
    "blame", "blamed", "blaming", "fault", "careless", "carelessly", "negligent", "negligence",
    "incompetent", "incompetence", "lazy", "sloppy", "stupid", "dumb", "idiot", "idiotic",
    "foolish", "reckless", "irresponsible", "inexcusable", "unacceptable", "embarrassing",
    "terrible", "awful", "horrible", "ridiculous", "silly", "mistake", "mistakes", "obviously",
    "human error", "screwed up", "messed up", "dropped the ball",
];
#[rustfmt::skip]
const HINDSIGHT: &[&str] = &[
    "should have", "should've", "shouldn't have", "should not have", "could have", "could've",
];
const BLAME_TIP: &str =
    "describe the action and its effect without judgement (000: \"Don't assign blame\")";
const HINDSIGHT_TIP: &str =
    "say what happened and what the team knew then; hindsight reads as blame (000)";

/// Casual words with a plainer word to use instead.
const CASUAL: &[(&str, &str)] = &[
    ("gonna", "going to"),
    ("wanna", "want to"),
    ("gotta", "have to"),
    ("kinda", "drop it, or give the measure"),
    ("sorta", "drop it, or give the measure"),
    ("yeah", "yes"),
    ("yep", "yes"),
    ("yup", "yes"),
    ("nope", "no"),
    ("ok", "name the state: working, confirmed, approved"),
    ("okay", "name the state: working, confirmed, approved"),
    ("lol", "drop it"),
    ("haha", "drop it"),
    ("lmao", "drop it"),
    ("omg", "drop it"),
    ("wtf", "drop it"),
    ("oops", "drop it"),
    ("whoops", "drop it"),
    ("yikes", "drop it"),
    ("ugh", "drop it"),
    ("dude", "name the person"),
    ("guys", "the team"),
    ("btw", "also"),
    ("stuff", "name the items"),
    ("awesome", "drop it, or give the measure"),
    ("cool", "drop it, or give the measure"),
    ("totally", "drop it"),
    ("basically", "drop it"),
    ("pretty much", "almost, or give the measure"),
    ("a bunch of", "several, or the number"),
    ("a ton of", "many, or the number"),
    ("tons of", "many, or the number"),
    ("blew up", "failed, or crashed"),
    ("borked", "broken"),
    ("hosed", "broken"),
    ("busted", "broken"),
    ("nuked", "deleted"),
    ("kicked", "restarted"),
    ("freaked out", "drop it"),
    // Judgment and joking (000: "Don't add superfluous adjectives, which
    // often carry judgment"; "Avoid informal words and joking").
    ("super", "drop it, or give the measure"),
    ("lucky", "say what happened"),
    ("luckily", "say what happened"),
    ("unlucky", "say what happened"),
    ("unluckily", "say what happened"),
    ("crazy", "drop it, or give the measure"),
    ("insane", "drop it, or give the measure"),
    ("damn", "drop it"),
    ("sucks", "say what failed"),
    ("meh", "drop it"),
    ("tbh", "drop it"),
    ("imo", "say who assessed it"),
    ("real quick", "give the time"),
    ("no biggie", "say what the impact was"),
    ("no big deal", "say what the impact was"),
    ("messed up", "say what failed"),
    ("screwed up", "say what failed"),
    ("freaking", "drop it"),
    ("bummer", "drop it"),
];

#[rustfmt::skip]
const VAGUE_TIME: &[&str] = &[
    "recently", "lately", "soon", "shortly", "momentarily", "eventually", "a while", "a bit",
    "in a moment", "at some point", "the other day", "some time ago", "a few minutes", "asap",
    "yesterday", "today", "tonight", "tomorrow", "this morning", "this afternoon",
    "this evening", "last night",
    // Meals and parts of the day are not times (000: "Be precise").
    "around lunch", "lunchtime", "after lunch", "before lunch", "at lunch", "in the morning",
    "in the afternoon", "in the evening", "overnight", "end of day", "eod", "mid morning",
    "first thing", "a couple of minutes", "a couple of hours", "a few hours", "a few seconds",
    "a little while", "a couple of days",
];

/// Words that make the time after them approximate: "around 3pm", "about 14:00".
const APPROXIMATELY: &[&str] = &[
    "around",
    "about",
    "approximately",
    "approx",
    "roughly",
    "circa",
];
/// Words that stand for a time of day without giving one.
const TIMES_OF_DAY: &[&str] = &["noon", "midnight", "midday", "lunch", "lunchtime"];
const VAGUE_TIME_TIP: &str = "give the time (e.g. 14:05 UTC) or the duration (000: \"Be precise\")";

const BE: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "isn't", "aren't", "wasn't",
    "weren't", "get", "gets", "got", "gotten", "getting",
];
/// Words that may stand between "was" and the participle ("was not restarted").
const BETWEEN: &[&str] = &[
    "not", "never", "also", "then", "already", "still", "just", "only", "all", "both",
];
#[rustfmt::skip]
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "arisen", "beaten", "begun", "bent", "bound", "bitten", "blown", "broken", "brought",
    "built", "bought", "caught", "chosen", "cut", "dealt", "done", "drawn", "driven", "eaten",
    "fallen", "fed", "felt", "fought", "found", "forbidden", "forgotten", "forgiven", "frozen",
    "given", "grown", "hung", "heard", "hidden", "hit", "held", "hurt", "kept", "known", "laid",
    "led", "left", "lent", "lost", "made", "meant", "met", "paid", "put", "read", "rebuilt",
    "rerun", "reset", "run", "said", "seen", "sent", "set", "shaken", "shown", "shut", "sold",
    "spent", "split", "spread", "stolen", "struck", "taken", "taught", "thrown", "told",
    "thought", "understood", "undone", "woken", "won", "worn", "withdrawn", "written",
    "overwritten", "rewritten",
];
/// Words ending in -ed that are no participle, and states that read fine.
#[rustfmt::skip]
const NOT_PARTICIPLES: &[&str] = &[
    "need", "feed", "seed", "speed", "bleed", "breed", "proceed", "succeed", "exceed", "indeed",
    "embed", "shed", "bed", "red", "hundred", "based", "related", "located", "supposed",
    "interested", "concerned", "involved", "tired", "excited", "pleased", "worried",
    "surprised", "limited", "dedicated", "detailed", "advanced", "experienced",
];
/// Participles that usually describe a state of a system ("the pool is
/// exhausted"); flagged only with an agent ("was broken by the deploy").
#[rustfmt::skip]
const STATES: &[&str] = &[
    "broken", "exhausted", "degraded", "saturated", "overloaded", "stuck", "full",
];
const PASSIVE_TIP: &str = "say who did it: \"Sally copied the logs\", not \"the logs were copied\" (000); passive voice is fine under Lessons learned";

/// A word or words to flag, with its rule and what to write instead.
struct Phrase {
    text: &'static str,
    rule: Rule,
    suggestion: String,
}

/// Every phrase rule, keyed by its first word: a line is read once, with one
/// lookup per word (the lists would otherwise be scanned at every word).
static PHRASES: LazyLock<HashMap<&'static str, Vec<Phrase>>> = LazyLock::new(|| {
    let mut all: Vec<Phrase> = Vec::new();
    let mut add = |list: &[&'static str], rule: Rule, tip: &str| {
        all.extend(list.iter().map(|text| Phrase {
            text,
            rule,
            suggestion: tip.to_string(),
        }))
    };
    add(BLAME, Rule::Blame, BLAME_TIP);
    add(HINDSIGHT, Rule::Blame, HINDSIGHT_TIP);
    add(VAGUE_TIME, Rule::VagueTime, VAGUE_TIME_TIP);
    all.extend(CASUAL.iter().map(|(text, instead)| Phrase {
        text,
        rule: Rule::Casual,
        suggestion: format!("formal wording: {instead} (000: \"Don't use casual language\")"),
    }));
    // The longest phrase wins where several start alike ("should not have").
    all.sort_by_key(|p| std::cmp::Reverse(p.text.len()));
    let mut map: HashMap<&'static str, Vec<Phrase>> = HashMap::new();
    for p in all {
        let first = p.text.split(' ').next().unwrap_or(p.text);
        map.entry(first).or_default().push(p);
    }
    map
});

struct Token {
    lower: String,
    /// Byte range in the line.
    start: usize,
    end: usize,
    /// 1-based character column.
    column: usize,
    /// The characters right before and after, for "I/O".
    before: Option<char>,
    after: Option<char>,
}

/// Lint a whole document (Markdown or plain text).
pub fn lint(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut in_code = false;
    let mut off = false;
    // The heading level of the "Lessons learned" section we are in, if any.
    let mut lessons: Option<usize> = None;
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if trimmed.contains("<!-- lint: off -->") {
            off = true;
        }
        if trimmed.contains("<!-- lint: on -->") {
            off = false;
            continue;
        }
        if in_code || off {
            continue;
        }
        if let Some((level, title)) = heading(trimmed) {
            if lessons.is_some_and(|l| level <= l) {
                lessons = None;
            }
            if is_lessons_title(&title) {
                lessons = Some(level);
            }
        }
        out.extend(lint_line(raw, n + 1, lessons.is_some()));
    }
    out
}

/// Lint one piece of text (a note, a summary) on its own: line numbers count
/// from its first line and passive voice is always flagged.
pub fn lint_text(text: &str) -> Vec<Finding> {
    text.lines()
        .enumerate()
        .flat_map(|(n, l)| lint_line(l, n + 1, false))
        .collect()
}

/// A Markdown heading (`## Title`), an HTML one (`<h2>Title</h2>`), or a line
/// that is only "Lessons learned:" (level 0: it lasts until any heading).
fn heading(line: &str) -> Option<(usize, String)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if hashes > 0 && line[hashes..].starts_with(' ') {
        return Some((hashes, line[hashes..].trim().to_string()));
    }
    let lower = line.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("<h")
        && let Some(d) = rest.chars().next().and_then(|c| c.to_digit(10))
    {
        return Some((d as usize, strip_tags(line)));
    }
    let plain = line.trim_end_matches(':');
    is_lessons_title(plain).then(|| (0, plain.to_string()))
}

fn is_lessons_title(title: &str) -> bool {
    let t = title.to_ascii_lowercase().replace('-', " ");
    t.contains("lessons learned") || t.contains("lessons learnt") || t.contains("lesson learned")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Blank out what is not prose: `code`, URLs, quoted speech, HTML tags.
/// Lengths are kept so columns stay true.
fn mask(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.extend(std::iter::repeat_n(' ', c.len_utf8()));
    while i < chars.len() {
        let c = chars[i];
        let starts = |p: &str| {
            p.chars()
                .enumerate()
                .all(|(k, x)| chars.get(i + k) == Some(&x))
        };
        let close = match c {
            '`' => Some('`'),
            '"' => Some('"'),
            '\u{201c}' => Some('\u{201d}'),
            '<' => Some('>'),
            'h' if starts("http://") || starts("https://") => Some(' '),
            _ => None,
        };
        let Some(close) = close else {
            out.push(c);
            i += 1;
            continue;
        };
        let end = chars[i + 1..]
            .iter()
            .position(|x| *x == close)
            .map(|p| i + 1 + p);
        match end {
            // A lone quote or backtick is just a character.
            None if close != ' ' => {
                out.push(c);
                i += 1;
            }
            _ => {
                let stop = end.map_or(chars.len(), |e| if close == ' ' { e } else { e + 1 });
                for x in &chars[i..stop] {
                    blank(&mut out, *x);
                }
                i = stop;
            }
        }
    }
    out
}

fn tokens(line: &str) -> Vec<Token> {
    let masked = mask(line);
    let chars: Vec<(usize, char)> = masked.char_indices().collect();
    let is_word = |c: char| c.is_alphanumeric();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i].1) {
            i += 1;
            continue;
        }
        let first = i;
        while i < chars.len() {
            let c = chars[i].1;
            let apostrophe =
                (c == '\'' || c == '\u{2019}') && chars.get(i + 1).is_some_and(|n| is_word(n.1));
            if is_word(c) || (apostrophe && i > first) {
                i += 1;
            } else {
                break;
            }
        }
        let start = chars[first].0;
        let end = chars.get(i).map_or(masked.len(), |c| c.0);
        out.push(Token {
            lower: masked[start..end].to_lowercase().replace('\u{2019}', "'"),
            start,
            end,
            column: first + 1,
            before: first.checked_sub(1).map(|p| chars[p].1),
            after: chars.get(i).map(|c| c.1),
        });
    }
    out
}

/// Does the phrase (space-separated words) start at token `i`? Returns how many tokens.
fn phrase_at(toks: &[Token], i: usize, phrase: &str) -> Option<usize> {
    let n = phrase.split(' ').count();
    let hit = n <= toks.len() - i
        && phrase
            .split(' ')
            .enumerate()
            .all(|(k, w)| toks[i + k].lower == w);
    hit.then_some(n)
}

fn lint_line(line: &str, number: usize, passive_allowed: bool) -> Vec<Finding> {
    let toks = tokens(line);
    let mut out = Vec::new();
    let mut push = |from: usize, count: usize, rule: Rule, suggestion: &str| {
        out.push(Finding {
            line: number,
            column: toks[from].column,
            rule,
            found: line[toks[from].start..toks[from + count - 1].end].to_string(),
            suggestion: suggestion.to_string(),
        });
    };
    let mut passive_until = 0;
    for i in 0..toks.len() {
        let t = &toks[i];
        let original = &line[t.start..t.end];
        // "US" is a country, "I/O" is not a person.
        let slash = t.before == Some('/') || t.after == Some('/');
        if THIRD_PERSON.contains(&t.lower.as_str()) && original != "US" && !slash {
            push(i, 1, Rule::ThirdPerson, THIRD_PERSON_TIP);
        }
        // "as soon as the deploy finished" ties the time to an event: precise enough.
        let as_soon_as = t.lower == "soon" && i > 0 && toks[i - 1].lower == "as";
        let mut seen: Vec<Rule> = Vec::new();
        for p in PHRASES.get(t.lower.as_str()).into_iter().flatten() {
            if seen.contains(&p.rule) || (p.rule == Rule::VagueTime && as_soon_as) {
                continue;
            }
            if let Some(n) = phrase_at(&toks, i, p.text) {
                push(i, n, p.rule, &p.suggestion);
                seen.push(p.rule);
            }
        }
        if !seen.contains(&Rule::VagueTime)
            && let Some(n) = approximate_time_at(&toks, i)
        {
            push(i, n, Rule::VagueTime, VAGUE_TIME_TIP);
        }
        // "is being investigated" is one finding, not two.
        if !passive_allowed
            && i >= passive_until
            && let Some(n) = passive_at(&toks, i)
        {
            push(i, n, Rule::PassiveVoice, PASSIVE_TIP);
            passive_until = i + n;
        }
    }
    out
}

/// A clock time as tokens: "3pm", "3" "pm", "14" ":" "05" (the colon is not
/// a token: the first number is followed by it). How many tokens, if any.
fn clock_time_at(toks: &[Token], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    let digits = t.lower.trim_end_matches(['a', 'p', 'm']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 2 {
        return TIMES_OF_DAY.contains(&t.lower.as_str()).then_some(1);
    }
    let mut n = 1;
    if t.after == Some(':') && toks.get(i + 1).is_some_and(|m| m.lower.len() == 2) {
        n += 1;
    }
    if toks
        .get(i + n)
        .is_some_and(|m| m.lower == "am" || m.lower == "pm")
    {
        n += 1;
    }
    // A bare number is a time only with a clock's shape: "3pm", "14:05".
    (n > 1 || t.lower.ends_with("am") || t.lower.ends_with("pm")).then_some(n)
}

/// "around 3pm", "about 14:05", "roughly noon", "3pm-ish": a time given as
/// an estimate (000: "Be precise"). How many tokens, if any.
fn approximate_time_at(toks: &[Token], i: usize) -> Option<usize> {
    let t = &toks[i];
    if APPROXIMATELY.contains(&t.lower.as_str()) {
        return clock_time_at(toks, i + 1).map(|n| n + 1);
    }
    // "3pm-ish", "14:00ish": the time, then "ish".
    let n = clock_time_at(toks, i)?;
    let next = toks.get(i + n)?;
    (next.lower == "ish" && next.before == Some('-')).then_some(n + 1)
}

/// "was restarted", "were not copied", "is being investigated", "got deleted".
fn passive_at(toks: &[Token], i: usize) -> Option<usize> {
    if !BE.contains(&toks[i].lower.as_str()) {
        return None;
    }
    let mut j = i + 1;
    while j < toks.len()
        && j - i <= 3
        && (BETWEEN.contains(&toks[j].lower.as_str())
            || toks[j].lower == "being"
            || (toks[j].lower.ends_with("ly") && toks[j].lower.len() > 3))
    {
        j += 1;
    }
    let word = toks.get(j)?.lower.as_str();
    let participle = if NOT_PARTICIPLES.contains(&word) {
        false
    } else {
        IRREGULAR_PARTICIPLES.contains(&word) || (word.len() >= 4 && word.ends_with("ed"))
    };
    let agent = toks.get(j + 1).is_some_and(|t| t.lower == "by");
    (participle && (agent || !STATES.contains(&word))).then_some(j - i + 1)
}

#[cfg(test)]
#[path = "lint_tests.rs"]
mod tests;
