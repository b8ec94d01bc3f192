//! The layering, checked on the source text (issue 11): no import circle
//! between two files, and no import from a lower layer to a higher one
//! (domain < journal < config, notify, export, sync < services < app < ui, cli).
//!
//! Every `use` tree and every path in code that starts at `crate::`,
//! `super::`, `self::` or a child module is resolved to the file that defines
//! it, following re-exports (`pub use`) to the file the item comes from. Test
//! code (`#[cfg(test)]` items and `*_tests.rs` files) is left out: tests may
//! reach anywhere. The analyser itself is tested on small made-up trees below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules each layer must not import.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "journal", "config", "notify", "export", "sync", "services", "app", "ui", "cli",
            "demo", "logging",
        ],
    ),
    (
        "journal",
        &[
            "config", "notify", "export", "sync", "services", "app", "ui", "cli", "demo",
        ],
    ),
    ("config", &["services", "app", "ui", "cli", "demo"]),
    ("notify", &["services", "app", "ui", "cli", "demo"]),
    ("export", &["sync", "services", "app", "ui", "cli", "demo"]),
    ("sync", &["services", "app", "ui", "cli", "demo"]),
    ("services", &["app", "ui", "cli", "demo"]),
    ("app", &["ui", "cli", "demo"]),
    ("ui", &["cli"]),
];

/// Crates only the screen may use: services and everything below stay free of terminal types.
const TERMINAL_CRATES: &[&str] = &["crossterm", "ratatui", "ratatui_textarea", "tui_big_text"];
const TERMINAL_FREE: &[&str] = &[
    "domain", "journal", "config", "notify", "export", "sync", "services",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Path, // `::`
    Punct(char),
}

/// Tokens of Rust source without comments, string and char literals.
fn tokens(src: &str) -> Vec<Tok> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(b.get(i + 1), Some('#') | Some('"')) && raw_start(&b, i) {
            // r"…" or r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
            if b.get(i + 1) == Some(&'\\') {
                i += 3;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(b[start..i].iter().collect()));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push(Tok::Path);
            i += 2;
        } else if c.is_whitespace() || c.is_ascii_digit() {
            i += 1;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// `r` starts a raw string (not an identifier ending in r, like `for"`).
fn raw_start(b: &[char], i: usize) -> bool {
    let prev_ident = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
    if prev_ident {
        return false;
    }
    let mut j = i + 1;
    while b.get(j) == Some(&'#') {
        j += 1;
    }
    b.get(j) == Some(&'"')
}

fn ident(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

/// What one file says: its `use` trees (alias -> path, `*` for globs),
/// other paths in code, and the modules it declares.
#[derive(Default, Debug)]
struct FileFacts {
    /// (inline module path inside the file, alias, full path)
    uses: Vec<(Vec<String>, String, Vec<String>)>,
    /// (inline module path inside the file, path)
    paths: Vec<(Vec<String>, Vec<String>)>,
    /// `mod x;` / `mod x { … }` at any inline depth: (inline path, name)
    mods: Vec<(Vec<String>, String)>,
}

fn parse_use_tree(
    t: &[Tok],
    i: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<(String, Vec<String>)>,
) {
    let mut path = prefix;
    loop {
        match t.get(*i) {
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    match t.get(*i) {
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        None => return,
                        _ => parse_use_tree(t, i, path.clone(), out),
                    }
                }
            }
            Some(Tok::Punct('*')) => {
                *i += 1;
                out.push(("*".into(), path));
                return;
            }
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                *i += 1;
                if s == "self" && !path.is_empty() && t.get(*i) != Some(&Tok::Path) {
                    let alias = path.last().cloned().unwrap_or_default();
                    out.push((alias, path));
                    return;
                }
                path.push(s);
                if t.get(*i) == Some(&Tok::Path) {
                    *i += 1;
                    continue;
                }
                let mut alias = path.last().cloned().unwrap_or_default();
                if ident(t.get(*i)) == Some("as") {
                    alias = ident(t.get(*i + 1)).unwrap_or("_").to_string();
                    *i += 2;
                }
                out.push((alias, path));
                return;
            }
            Some(Tok::Path) => *i += 1, // a leading `::`
            _ => return,
        }
    }
}

/// Skip one item (after its attributes): to its `;` or its closing brace.
fn skip_item(t: &[Tok], mut i: usize) -> usize {
    while t.get(i) == Some(&Tok::Punct('#')) {
        i = skip_brackets(t, i + 1);
    }
    let mut depth = 0;
    while i < t.len() {
        match t[i] {
            Tok::Punct('{') | Tok::Punct('(') | Tok::Punct('[') => depth += 1,
            Tok::Punct('}') | Tok::Punct(')') | Tok::Punct(']') => {
                depth -= 1;
                if depth == 0 && t[i] == Tok::Punct('}') {
                    // `use a::{b};` under cfg(test) ends at `;`; a block item here.
                    if t.get(i + 1) == Some(&Tok::Punct(';')) {
                        return i + 2;
                    }
                    return i + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// From a `[`, past its matching `]`.
fn skip_brackets(t: &[Tok], mut i: usize) -> usize {
    let mut depth = 0;
    while i < t.len() {
        match t[i] {
            Tok::Punct('[') => depth += 1,
            Tok::Punct(']') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn is_cfg_test(t: &[Tok], i: usize) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    t.len() >= i + want.len() && t[i..i + want.len()] == want
}

fn facts(src: &str) -> FileFacts {
    let t = tokens(src);
    let mut f = FileFacts::default();
    // Inline modules open at a brace depth: (name, depth inside).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let here = |inline: &Vec<(String, usize)>| -> Vec<String> {
        inline.iter().map(|(n, _)| n.clone()).collect()
    };
    while i < t.len() {
        if is_cfg_test(&t, i) {
            i = skip_item(&t, i + 7);
            continue;
        }
        match &t[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(k) if k == "mod" => {
                if let Some(name) = ident(t.get(i + 1)) {
                    f.mods.push((here(&inline), name.to_string()));
                    if t.get(i + 2) == Some(&Tok::Punct('{')) {
                        depth += 1;
                        inline.push((name.to_string(), depth));
                        i += 3;
                        continue;
                    }
                }
            }
            Tok::Ident(k) if k == "use" && t.get(i + 1) != Some(&Tok::Punct('<')) => {
                let mut j = i + 1;
                let mut out = Vec::new();
                parse_use_tree(&t, &mut j, Vec::new(), &mut out);
                let at = here(&inline);
                f.uses
                    .extend(out.into_iter().map(|(a, p)| (at.clone(), a, p)));
                i = j;
                continue;
            }
            Tok::Ident(root)
                if t.get(i + 1) == Some(&Tok::Path) && (i == 0 || t[i - 1] != Tok::Path) =>
            {
                let mut path = vec![root.clone()];
                let mut j = i + 1;
                while t.get(j) == Some(&Tok::Path) {
                    match ident(t.get(j + 1)) {
                        Some(s) => {
                            path.push(s.to_string());
                            j += 2;
                        }
                        None => break,
                    }
                }
                f.paths.push((here(&inline), path));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    f
}

/// The source tree as modules: module path -> (file, facts).
struct Tree {
    files: BTreeMap<Vec<String>, String>,
    facts: BTreeMap<String, FileFacts>,
    /// Module path of each file.
    module_of: BTreeMap<String, Vec<String>>,
}

fn is_test_file(rel: &str) -> bool {
    let p = Path::new(rel);
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem == "tests"
        || stem.ends_with("_tests")
        || p.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|s| s.ends_with("_tests"))
        })
}

/// `sources`: path under `src/` -> text. `main.rs` is another crate.
fn tree(sources: &BTreeMap<String, String>) -> Tree {
    let mut t = Tree {
        files: BTreeMap::new(),
        facts: BTreeMap::new(),
        module_of: BTreeMap::new(),
    };
    for (rel, text) in sources {
        if rel == "main.rs" || rel.starts_with("bin/") || is_test_file(rel) {
            continue;
        }
        let mut module: Vec<String> = rel
            .trim_end_matches(".rs")
            .split('/')
            .map(String::from)
            .collect();
        if module.last().is_some_and(|l| l == "mod" || l == "lib") {
            module.pop();
        }
        let f = facts(text);
        for (at, name) in &f.mods {
            // Inline modules live in this file.
            let mut m = module.clone();
            m.extend(at.iter().cloned());
            m.push(name.clone());
            let file_child = sources.keys().any(|k| {
                let mut want = m.join("/");
                want.push_str(".rs");
                *k == want || *k == format!("{}/mod.rs", m.join("/"))
            });
            if !file_child {
                t.files.entry(m).or_insert_with(|| rel.clone());
            }
        }
        t.files.insert(module.clone(), rel.clone());
        t.module_of.insert(rel.clone(), module);
        t.facts.insert(rel.clone(), f);
    }
    t
}

impl Tree {
    /// The file defining what `path`, written in module `cur`, names.
    fn resolve(&self, cur: &[String], path: &[String], hops: usize) -> Option<String> {
        if hops > 8 || path.is_empty() {
            return None;
        }
        let mut base: Vec<String>;
        let mut i = 0;
        match path[0].as_str() {
            "crate" => {
                base = Vec::new();
                i = 1;
            }
            "super" | "self" => {
                base = cur.to_vec();
                while let Some(s) = path.get(i) {
                    match s.as_str() {
                        "super" => {
                            base.pop()?;
                        }
                        "self" => {}
                        _ => break,
                    }
                    i += 1;
                }
            }
            first => {
                let mut child = cur.to_vec();
                child.push(first.to_string());
                if self.files.contains_key(&child) {
                    base = child;
                    i = 1;
                } else {
                    // A name imported into `cur` (`use super::model; model::X`).
                    let file = self.files.get(cur)?;
                    let local = self.local_path(file, cur);
                    let (_, _, full) = self.facts[file]
                        .uses
                        .iter()
                        .find(|(at, alias, _)| *at == local && alias == first)?;
                    let mut p = full.clone();
                    p.extend(path[1..].iter().cloned());
                    return self.resolve(cur, &p, hops + 1);
                }
            }
        }
        while let Some(seg) = path.get(i) {
            let mut next = base.clone();
            next.push(seg.clone());
            if self.files.contains_key(&next) {
                base = next;
                i += 1;
            } else {
                break;
            }
        }
        let file = self.files.get(&base)?.clone();
        if let Some(item) = path.get(i) {
            // Re-exported here? Then the item comes from where the `use` points.
            let local = self.local_path(&file, &base);
            if let Some((_, _, full)) = self.facts[&file]
                .uses
                .iter()
                .find(|(at, alias, _)| *at == local && alias == item)
            {
                let mut p = full.clone();
                p.extend(path[i + 1..].iter().cloned());
                if let Some(f) = self.resolve(&base, &p, hops + 1) {
                    return Some(f);
                }
            }
        }
        Some(file)
    }

    /// Inline module names of `module` inside its file.
    fn local_path(&self, file: &str, module: &[String]) -> Vec<String> {
        let file_module = &self.module_of[file];
        module[file_module.len().min(module.len())..].to_vec()
    }

    /// Every file-to-file import: (from, to) -> the first path that makes it.
    fn edges(&self) -> BTreeMap<(String, String), String> {
        let mut edges = BTreeMap::new();
        for (file, f) in &self.facts {
            let module = &self.module_of[file];
            let all = f
                .uses
                .iter()
                .map(|(at, _, p)| (at, p))
                .chain(f.paths.iter().map(|(at, p)| (at, p)));
            for (at, p) in all {
                let mut cur = module.clone();
                cur.extend(at.iter().cloned());
                if let Some(to) = self.resolve(&cur, p, 0)
                    && to != *file
                {
                    edges
                        .entry((file.clone(), to))
                        .or_insert_with(|| p.join("::"));
                }
            }
        }
        edges
    }
}

/// Groups of files that import each other, directly or through others.
fn circles(edges: &BTreeMap<(String, String), String>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            for m in next.get(n.as_str()).into_iter().flatten() {
                if seen.insert(m.to_string()) {
                    stack.push(m.to_string());
                }
            }
        }
        seen
    };
    let nodes: BTreeSet<&str> = edges
        .keys()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let reaches: BTreeMap<&str, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) || !reaches[n].contains(*n) {
            continue;
        }
        let group: Vec<String> = nodes
            .iter()
            .filter(|m| reaches[n].contains(**m) && reaches[*m].contains(*n))
            .map(|m| m.to_string())
            .collect();
        done.extend(group.iter().cloned());
        out.push(group);
    }
    out
}

fn top(tree: &Tree, file: &str) -> String {
    tree.module_of[file].first().cloned().unwrap_or_default()
}

/// Everything wrong with the tree, one line each.
fn problems(sources: &BTreeMap<String, String>) -> Vec<String> {
    let t = tree(sources);
    let edges = t.edges();
    let mut out = Vec::new();
    for group in circles(&edges) {
        let links: Vec<String> = edges
            .iter()
            .filter(|((a, b), _)| group.contains(a) && group.contains(b))
            .map(|((a, b), how)| format!("{a} -> {b} ({how})"))
            .collect();
        out.push(format!("import circle: {}", links.join("; ")));
    }
    for ((a, b), how) in &edges {
        let (from, to) = (top(&t, a), top(&t, b));
        if let Some((_, banned)) = FORBIDDEN.iter().find(|(l, _)| *l == from)
            && banned.contains(&to.as_str())
        {
            out.push(format!("layer: {a} ({from}) imports {b} ({to}) via {how}"));
        }
    }
    for (file, f) in &t.facts {
        if !TERMINAL_FREE.contains(&top(&t, file).as_str()) {
            continue;
        }
        let terminal = f
            .uses
            .iter()
            .map(|(_, _, p)| p)
            .chain(f.paths.iter().map(|(_, p)| p))
            .find(|p| {
                p.first()
                    .is_some_and(|r| TERMINAL_CRATES.contains(&r.as_str()))
            });
        if let Some(p) = terminal {
            out.push(format!(
                "terminal type outside the screen: {file} uses {}",
                p.join("::")
            ));
        }
    }
    out
}

fn read_src(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_src(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p
                .strip_prefix(root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(&p).expect("read source"));
        }
    }
}

#[test]
fn no_import_circles_and_no_import_upwards() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    read_src(&root, &root, &mut sources);
    assert!(sources.len() > 50, "read the whole of src/");
    let found = problems(&sources);
    assert!(
        found.is_empty(),
        "{} problem(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

// The analyser on made-up trees: each rule can fail.

fn src(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_circle_between_two_files_is_found() {
    let s = src(&[
        ("lib.rs", "pub mod app;"),
        ("app/mod.rs", "pub mod update; pub mod forms;"),
        (
            "app/update.rs",
            "use super::forms;\npub fn act() { forms::on_key(); }",
        ),
        ("app/forms.rs", "pub fn on_key() { super::update::act(); }"),
    ]);
    let p = problems(&s);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("app/forms.rs -> app/update.rs (super::update::act)"),
        "{p:?}"
    );
    assert!(
        p[0].contains("app/update.rs -> app/forms.rs (super::forms)"),
        "{p:?}"
    );
}

#[test]
fn a_circle_through_a_third_file_is_found() {
    let s = src(&[
        ("lib.rs", "pub mod x;"),
        ("x/mod.rs", "mod a; mod b; mod c;"),
        ("x/a.rs", "use crate::x::b::B; pub struct A;"),
        ("x/b.rs", "use super::c::C; pub struct B;"),
        ("x/c.rs", "pub struct C(crate::x::a::A);"),
    ]);
    let p = problems(&s);
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn an_import_upwards_is_found_and_a_reexport_leads_to_its_source() {
    let s = src(&[
        ("lib.rs", "pub mod domain; pub mod journal; pub mod ui;"),
        ("domain/mod.rs", "mod event; pub use event::Event;"),
        ("domain/event.rs", "pub struct Event;"),
        // Importing through domain/mod.rs is an import of domain/event.rs:
        // no circle with mod.rs, which re-exports it.
        (
            "journal/mod.rs",
            "use crate::domain::Event; pub fn f(_: Event) {}",
        ),
        ("ui/mod.rs", "pub struct Ctx;"),
    ]);
    assert!(problems(&s).is_empty(), "{:?}", problems(&s));

    let mut up = s.clone();
    up.insert(
        "domain/event.rs".into(),
        "pub struct Event; fn f() { let _ = crate::journal::f; }".into(),
    );
    let p = problems(&up);
    assert!(
        p.iter()
            .any(|l| l.starts_with("layer: domain/event.rs (domain) imports journal/mod.rs")),
        "{p:?}"
    );
}

#[test]
fn a_child_using_what_its_parent_defines_while_the_parent_calls_it_is_a_circle() {
    let s = src(&[
        ("lib.rs", "pub mod ui;"),
        (
            "ui/mod.rs",
            "mod header; pub struct Ctx; pub fn render() { header::render(); }",
        ),
        ("ui/header.rs", "use super::Ctx; pub fn render() {}"),
    ]);
    let p = problems(&s);
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn test_code_comments_and_strings_are_not_imports() {
    let s = src(&[
        ("lib.rs", "pub mod domain; pub mod ui;"),
        (
            "domain/mod.rs",
            "// crate::ui::x\n/* crate::ui::y */\nconst S: &str = \"crate::ui::z\";\nconst R: &str = r#\"crate::ui::w\"#;\n\
             #[cfg(test)]\nmod tests { use crate::ui::Ctx; }",
        ),
        ("domain/thing_tests.rs", "use crate::ui::Ctx;"),
        ("ui/mod.rs", "pub struct Ctx;"),
    ]);
    assert!(problems(&s).is_empty(), "{:?}", problems(&s));
}

#[test]
fn terminal_crates_outside_the_screen_are_found() {
    let s = src(&[
        ("lib.rs", "pub mod services;"),
        ("services/mod.rs", "use crossterm::event::KeyEvent;"),
    ]);
    let p = problems(&s);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("terminal type outside the screen"),
        "{p:?}"
    );
}
