//! Rendering the draft: JSON straight from the data, Markdown and HTML through
//! templates a user can replace.
//!
//! Templates use MiniJinja: Jinja2 syntax that people already know, one small
//! dependency (serde), no unsafe code, no build step, and HTML auto-escaping
//! chosen by template name. Askama and Tera were the other candidates: Askama
//! compiles templates into the binary (a user could not replace them) and Tera
//! pulls in many more crates.

use chrono::{DateTime, Utc};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::model::Postmortem;
use crate::domain::time::human_duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Html => "html",
        }
    }

    fn template_file(self) -> &'static str {
        match self {
            Format::Markdown => "postmortem.md.j2",
            Format::Html => "postmortem.html.j2",
            Format::Json => "",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{file}:{line}: {message}", line = .line.map(|l| l.to_string()).unwrap_or_else(|| "?".into()))]
    Template {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot read {}: {detail}", .path.display())]
    Read { path: PathBuf, detail: String },
    #[error("cannot write {}: {detail}", .path.display())]
    Write { path: PathBuf, detail: String },
}

/// The Markdown and HTML templates: built in, or the user's copies.
#[derive(Clone, Debug)]
pub struct Templates {
    markdown: Template,
    html: Template,
}

#[derive(Clone, Debug)]
struct Template {
    /// Where it came from, for errors: a path, or `assets/templates/...`.
    origin: String,
    text: Cow<'static, str>,
}

const BUILTIN_MARKDOWN: &str = include_str!("../../assets/templates/postmortem.md.j2");
const BUILTIN_HTML: &str = include_str!("../../assets/templates/postmortem.html.j2");

impl Default for Templates {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Templates {
    pub fn builtin() -> Self {
        Self {
            markdown: Template {
                origin: "assets/templates/postmortem.md.j2".into(),
                text: Cow::Borrowed(BUILTIN_MARKDOWN),
            },
            html: Template {
                origin: "assets/templates/postmortem.html.j2".into(),
                text: Cow::Borrowed(BUILTIN_HTML),
            },
        }
    }

    /// The built-in templates, each replaced by the file of the same name in
    /// `user_dir` (e.g. `~/.config/cockpit/templates/postmortem.md.j2`) if there is one.
    pub fn load(user_dir: Option<&Path>) -> Result<Self, ExportError> {
        let mut t = Self::builtin();
        let Some(dir) = user_dir else { return Ok(t) };
        for format in [Format::Markdown, Format::Html] {
            let path = dir.join(format.template_file());
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    *t.slot(format) = Template {
                        origin: path.display().to_string(),
                        text: Cow::Owned(text),
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ExportError::Read {
                        path,
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(t)
    }

    /// Use `text` as the template for `format` (tests, the screen's preview).
    pub fn with(mut self, format: Format, origin: &str, text: String) -> Self {
        *self.slot(format) = Template {
            origin: origin.into(),
            text: Cow::Owned(text),
        };
        self
    }

    fn slot(&mut self, format: Format) -> &mut Template {
        match format {
            Format::Html => &mut self.html,
            _ => &mut self.markdown,
        }
    }

    fn get(&self, format: Format) -> &Template {
        match format {
            Format::Html => &self.html,
            _ => &self.markdown,
        }
    }
}

pub fn render(
    pm: &Postmortem,
    format: Format,
    templates: &Templates,
) -> Result<String, ExportError> {
    if format == Format::Json {
        let mut s = serde_json::to_string_pretty(pm).expect("the draft serialises");
        s.push('\n');
        return Ok(crate::domain::sanitize::json_output(&s));
    }
    let t = templates.get(format);
    let env = environment();
    // The name decides escaping: `.html` escapes every value (`auto_escape` below).
    let name = format!("postmortem.{}", format.extension());
    let error = |e: minijinja::Error| ExportError::Template {
        file: t.origin.clone(),
        line: e.line(),
        message: match e.detail() {
            Some(d) => format!("{}: {d}", e.kind()),
            None => e.kind().to_string(),
        },
    };
    let template = env.template_from_named_str(&name, &t.text).map_err(error)?;
    let document = template.render(pm).map_err(error)?;
    // Whoever wrote the journal, the document cannot drive the terminal it is
    // printed on (or `cat` to later).
    Ok(crate::domain::sanitize::clean_output(&document))
}

pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    // A misspelt field in a user's template is an error with its line, not a blank.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN)
        } else {
            AutoEscape::None
        }
    });
    // Markdown is rendered by wikis and forges, which pass raw HTML through:
    // a note holding `<script>` or `<img onerror=…>` must arrive as text.
    // Every value printed into a `.md` template has its `<` and `>` written
    // as entities (they still read as `<` and `>` once rendered).
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(MARKDOWN)) {
            let text = value.to_string();
            let text = if value.is_safe() {
                text
            } else {
                neutralise_html(&text)
            };
            out.write_str(&text).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            })
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_filter("when", |s: String| fmt_time(&s, "%Y-%m-%d %H:%M UTC"));
    env.add_filter("clock", |s: String| fmt_time(&s, "%H:%M"));
    env.add_filter("duration", |v: Option<i64>| match v {
        Some(secs) => human_duration(chrono::Duration::seconds(secs)),
        None => "n/a".to_string(),
    });
    env.add_filter("cell", markdown_cell);
    // `capitalize` would lower the rest: "Post Mortem Review (PMR)" must stay.
    env.add_filter("capitalize_first", |s: String| {
        let mut c = s.chars();
        match c.next() {
            Some(first) => first.to_uppercase().chain(c).collect(),
            None => s,
        }
    });
    env
}

/// The auto-escape mode of Markdown templates (see `environment`).
const MARKDOWN: &str = "markdown";

/// Raw HTML in Markdown becomes text: `<` and `>` as entities.
fn neutralise_html(s: &str) -> String {
    s.replace('<', "&lt;").replace('>', "&gt;")
}

fn fmt_time(s: &str, fmt: &str) -> String {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc).format(fmt).to_string(),
        Err(_) => s.to_string(),
    }
}

/// Text safe inside a Markdown table cell: no column breaks, no line breaks,
/// no raw HTML from a note.
fn markdown_cell(s: String) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", " ")
        .replace('\n', " ")
}
