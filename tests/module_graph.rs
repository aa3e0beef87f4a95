//! No two modules of one crate import each other in a circle.
//!
//! A circle (A uses B, B uses A, directly or through others) means neither module can be
//! read, tested or moved without the other: the layering the code claims is not real.
//! This test reads the sources of both crates (`src/` and `emulator/src/`), finds every
//! path a module names (`use crate::a::B`, `super::C`, `child::D`, in `use` lines and in
//! expressions alike), resolves re-exports to the module that defines the item, and fails
//! with each circle and the lines that make it.
//!
//! Counted as a use: a parent naming its child (`use session::run`) as much as a child
//! naming its parent (`super::Shared`); so a parent and child that both do form a circle.
//! Not counted: `mod child;` declarations themselves, `#[cfg(test)] mod tests` blocks and
//! `tests.rs` files (tests reach into their parent by design), and comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module of a crate: `["hls", "codec"]` for `hls/codec.rs`; `[]` for the crate root.
type ModPath = Vec<String>;

/// What one module names: the modules it uses, each with the line that shows it.
struct Module {
    file: PathBuf,
    /// Code with comments, strings and test modules blanked out (line numbers kept).
    code: String,
    /// Child modules declared with `mod NAME;` or `mod NAME {`.
    children: BTreeSet<String>,
    /// Items re-exported by `pub use`: name → the full path it comes from.
    reexports: BTreeMap<String, Vec<String>>,
    /// `pub use path::*`: modules whose public items this one re-exports.
    globs: Vec<Vec<String>>,
}

#[test]
fn no_module_cycles_in_osslive() {
    check_crate(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "lib.rs");
}

#[test]
fn no_module_cycles_in_the_emulator() {
    check_crate(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator/src"),
        "lib.rs",
    );
}

/// The checker must see a circle where there is one: two modules naming each other.
#[test]
fn the_checker_finds_a_planted_circle() {
    let dir = std::env::temp_dir().join(format!("osslive-module-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("net")).unwrap();
    let files = [
        ("lib.rs", "mod net;\nmod store;\npub use store::Store;\n"),
        (
            "net/mod.rs",
            "mod wire;\nuse wire::Frame;\n// use crate::store; (a comment: not a use)\n",
        ),
        ("net/wire.rs", "pub struct Frame;\nfn f() { super::g(); }\n"),
        (
            "store.rs",
            "pub struct Store;\n#[cfg(test)]\nmod tests {\n    use crate::net::*;\n}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let cycles = find_cycles(&dir, "lib.rs");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    assert!(
        cycles[0].contains("net/mod.rs") && cycles[0].contains("net/wire.rs"),
        "{}",
        cycles[0]
    );
    assert!(!cycles[0].contains("store"), "{}", cycles[0]);
}

fn check_crate(src: &Path, root: &str) {
    let cycles = find_cycles(src, root);
    assert!(
        cycles.is_empty(),
        "modules of {} that import each other in a circle:\n\n{}",
        src.display(),
        cycles.join("\n\n")
    );
}

/// Every circle among the modules reachable from `root`, described for a reader.
fn find_cycles(src: &Path, root: &str) -> Vec<String> {
    let mut modules = BTreeMap::new();
    load(src, &src.join(root), Vec::new(), &mut modules);
    // Edges: module → (used module → first line that uses it).
    let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, (usize, String)>> = BTreeMap::new();
    for (path, module) in &modules {
        for (line_no, line) in module.code.lines().enumerate() {
            for reference in references(line) {
                let Some(target) = resolve(&modules, path, &reference) else {
                    continue;
                };
                if &target != path {
                    edges
                        .entry(path.clone())
                        .or_default()
                        .entry(target)
                        .or_insert_with(|| (line_no + 1, line.trim().to_owned()));
                }
            }
        }
    }
    strongly_connected(&modules, &edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| describe(&modules, &edges, &component))
        .collect()
}

/// Reads `file` as module `path` and, recursively, the files of its child modules.
fn load(src: &Path, file: &Path, path: ModPath, modules: &mut BTreeMap<ModPath, Module>) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    let code = without_tests(&blank_comments_and_strings(&text));
    let mut children = BTreeSet::new();
    for line in code.lines() {
        if let Some(name) = declared_module(line) {
            children.insert(name);
        }
    }
    let (reexports, globs) = reexports_of(&code);
    // The folder a child's file is in: `a/` for `a.rs` and `a/mod.rs`; `src/` for the root.
    let dir = if path.is_empty() || file.file_name().is_some_and(|n| n == "mod.rs") {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    };
    for child in &children {
        let mut child_path = path.clone();
        child_path.push(child.clone());
        for candidate in [
            dir.join(format!("{child}.rs")),
            dir.join(child).join("mod.rs"),
        ] {
            if candidate.exists() {
                load(src, &candidate, child_path.clone(), modules);
                break;
            }
        }
    }
    modules.insert(
        path,
        Module {
            file: file.strip_prefix(src).unwrap_or(file).to_path_buf(),
            code,
            children,
            reexports,
            globs,
        },
    );
}

/// `NAME` for a line declaring `mod NAME;` or `mod NAME {` (any visibility), except `tests`.
fn declared_module(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().skip_while(|w| w.starts_with("pub"));
    if words.next()? != "mod" {
        return None;
    }
    let name: String = words
        .next()?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "tests").then_some(name)
}

/// The items a module re-exports with `pub use` (or `pub(crate) use`), and its globs.
fn reexports_of(code: &str) -> (BTreeMap<String, Vec<String>>, Vec<Vec<String>>) {
    let mut items = BTreeMap::new();
    let mut globs = Vec::new();
    for tree in use_trees(code, true) {
        for path in expand_use_tree(&tree) {
            match path.last().map(String::as_str) {
                Some("*") => globs.push(path[..path.len() - 1].to_vec()),
                Some("self") => {
                    let path = path[..path.len() - 1].to_vec();
                    if let Some(last) = path.last() {
                        items.insert(last.clone(), path.clone());
                    }
                }
                Some(last) => {
                    items.insert(last.to_owned(), path.clone());
                }
                None => {}
            }
        }
    }
    (items, globs)
}

/// The text of every `use` item (after `use`, before `;`), `pub` ones only if asked.
fn use_trees(code: &str, only_pub: bool) -> Vec<String> {
    let mut trees = Vec::new();
    let mut rest = code;
    while let Some(at) = find_word(rest, "use") {
        let before = rest[..at].trim_end();
        let is_pub = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        if !only_pub || is_pub {
            trees.push(after[..end].split_whitespace().collect::<String>());
        }
        rest = &after[end..];
    }
    trees
}

/// Index of `word` standing alone (not inside an identifier) in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before_ok = at == 0 || !is_ident_byte(bytes[at - 1]);
        let end = at + word.len();
        let after_ok = end >= bytes.len() || !is_ident_byte(bytes[end]);
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `a::{b, c::{d, e}}` → `[a, b]`, `[a, c, d]`, `[a, c, e]` (renames `x as y` keep `x`).
fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim_start_matches("::");
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let path = path.split("as").next().unwrap_or(path);
        return vec![
            path.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand_use_tree)
        .map(|tail| prefix.iter().cloned().chain(tail).collect())
        .collect()
}

/// Every path a line names that could lead to another module of the crate: `use` trees
/// expanded, and `a::b::c` paths in expressions and types.
fn references(line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for tree in use_trees(line, false) {
        found.extend(expand_use_tree(&tree));
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_ident_byte(bytes[i])
            && (i == 0 || !is_ident_byte(bytes[i - 1]) && bytes[i - 1] != b':')
        {
            let start = i;
            let mut end = i;
            // Consume `ident(::ident)*`.
            loop {
                while end < bytes.len() && is_ident_byte(bytes[end]) {
                    end += 1;
                }
                if line[end..].starts_with("::")
                    && line[end + 2..].bytes().next().is_some_and(is_ident_byte)
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let path: Vec<String> = line[start..end].split("::").map(str::to_owned).collect();
            if path.len() > 1 && !(start > 0 && bytes[start - 1] == b'$') {
                found.push(path);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// The module a path used inside `from` leads to, or `None` for paths outside the crate.
fn resolve(
    modules: &BTreeMap<ModPath, Module>,
    from: &ModPath,
    path: &[String],
) -> Option<ModPath> {
    resolve_within(modules, from, path, 0)
}

/// [`resolve`], following at most a few re-exports (a loop of them is not followed forever).
fn resolve_within(
    modules: &BTreeMap<ModPath, Module>,
    from: &ModPath,
    path: &[String],
    hops: usize,
) -> Option<ModPath> {
    let (mut current, rest): (ModPath, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (from.clone(), &path[1..]),
        "super" => {
            let mut current = from.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                current.pop();
                rest = &rest[1..];
            }
            (current, rest)
        }
        first
            if modules
                .get(from)
                .is_some_and(|m| m.children.contains(first)) =>
        {
            (from.clone(), path)
        }
        _ => return None,
    };
    for segment in rest {
        let module = modules.get(&current)?;
        if module.children.contains(segment) {
            current.push(segment.clone());
            continue;
        }
        // An item of `current`: follow a re-export to the module that defines it.
        if hops < 8 {
            if let Some(source) = module.reexports.get(segment) {
                if let Some(target) = resolve_within(modules, &current, source, hops + 1) {
                    return Some(target);
                }
            }
            for glob in &module.globs {
                if let Some(target) = resolve_within(modules, &current, glob, hops + 1) {
                    if target != current && defines(&modules[&target], segment) {
                        return Some(target);
                    }
                }
            }
        }
        return Some(current);
    }
    Some(current)
}

/// Whether a module's own code defines a public item called `name`.
fn defines(module: &Module, name: &str) -> bool {
    ["struct", "enum", "fn", "type", "const", "static", "trait"]
        .iter()
        .any(|kind| module.code.contains(&format!("{kind} {name}")))
}

/// Tarjan's strongly connected components.
fn strongly_connected(
    modules: &BTreeMap<ModPath, Module>,
    edges: &BTreeMap<ModPath, BTreeMap<ModPath, (usize, String)>>,
) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeMap<ModPath, (usize, String)>>,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    fn visit(s: &mut State<'_>, v: &ModPath) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        let targets: Vec<ModPath> = s
            .edges
            .get(v)
            .map(|e| e.keys().cloned().collect())
            .unwrap_or_default();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in modules.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

/// The modules of a circle, and for each the line by which it uses another of them.
fn describe(
    modules: &BTreeMap<ModPath, Module>,
    edges: &BTreeMap<ModPath, BTreeMap<ModPath, (usize, String)>>,
    component: &[ModPath],
) -> String {
    let members: BTreeSet<&ModPath> = component.iter().collect();
    let name = |p: &ModPath| modules[p].file.display().to_string();
    let mut text = format!(
        "circle: {}",
        component.iter().map(name).collect::<Vec<_>>().join(", ")
    );
    for from in component {
        for (to, (line, code)) in edges.get(from).into_iter().flatten() {
            if members.contains(to) {
                text.push_str(&format!(
                    "\n  {}:{line} uses {}: {code}",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    text
}

/// The source with comments and string/char literals replaced by spaces, so that what
/// they say is not taken for code; newlines stay, so line numbers stay.
fn blank_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // Raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            out.push(' ');
            i += 1;
            while i < chars.len() {
                if i > j
                    && chars[i..]
                        .iter()
                        .take(closing.len())
                        .copied()
                        .collect::<String>()
                        == closing
                {
                    for _ in 0..closing.len() {
                        out.push(' ');
                    }
                    i += closing.len();
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(chars.len(), |p| i + 1 + p);
            for _ in i..=end.min(chars.len() - 1) {
                out.push(' ');
            }
            i = end + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'x'`, `'\n'`, `'\u{1F}'`: a char literal, not a lifetime.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i + 1), chars.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

/// The code with every `#[cfg(test)]` item (test modules, test-only functions and
/// imports) blanked: tests may reach anywhere.
fn without_tests(code: &str) -> String {
    let mut out = code.to_owned();
    let mut search_from = 0;
    while let Some(found) = out[search_from..].find("#[cfg(test)]") {
        let start = search_from + found;
        // The item ends at the `;` of a one-line item or at its closing brace.
        let bytes = out.as_bytes();
        let mut i = start + "#[cfg(test)]".len();
        let mut depth = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let blanked: String = out[start..i]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(start..i, &blanked);
        search_from = start + blanked.len();
    }
    out
}
