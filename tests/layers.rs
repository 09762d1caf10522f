//! The import graph of the engine and of the host: no file may import
//! another that (directly or through others) imports it back, and no
//! top-level module may import one declared after it in its crate root.
//!
//! Each crate root (`audit-component/src/lib.rs`, `host-runner/src/lib.rs`)
//! declares its modules bottom layer first, so the order of its `mod`
//! lines is the layer order this test holds the code to. An edge is a path
//! the code names (`crate::a::b`, `super::x`, a module brought in by `use`
//! and then named, a child module named by its parent), resolved to the
//! file that defines the module it reaches; comments, strings and test
//! modules (`#[cfg(test)] mod tests`, `tests.rs`, `test_support`) are not
//! read. `cargo test -p host-runner --test e2e layers -- --nocapture`
//! prints the graph's size, its cycles and its longest path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One crate's files, as module paths, and the edges between them.
struct Graph {
    /// Module path (`["diff", "node"]`) of each file, by file.
    modules: BTreeMap<PathBuf, Vec<String>>,
    /// Importing file to imported files.
    edges: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// The crate root's `mod` declarations, in order.
    layers: Vec<String>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-runner sits in the workspace")
        .to_path_buf()
}

/// Replaces comments, string and character literals with spaces, keeping
/// line structure, so that only code is scanned.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
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
                    if b[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('#') || next == Some('"'))
            && !b
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match b.get(j) {
                    None => break,
                    Some('"') if (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some('\n') => out.push('\n'),
                    _ => {}
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if b.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or a lifetime.
            let close = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&k| b[k] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(k) => {
                    out.push_str("' '");
                    i = k + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code of a file without its test module (by convention its last
/// item: `#[cfg(test)] mod tests { ... }` or `mod test_support { ... }`).
fn without_tests(code: &str) -> &str {
    let mut at = 0;
    while let Some(found) = code[at..].find("#[cfg(test)]") {
        let start = at + found;
        let rest = code[start + "#[cfg(test)]".len()..].trim_start();
        let rest = rest.strip_prefix("pub ").unwrap_or(rest);
        if rest.starts_with("mod tests {") || rest.starts_with("mod test_support {") {
            return &code[..start];
        }
        at = start + 1;
    }
    code
}

/// The modules a file declares with `mod x;`, in order.
fn child_modules(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")
                .and_then(|m| m.strip_suffix(';'))
                .map(str::to_string)
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every `use` tree in `code`, expanded into its paths (`self` in a group
/// stands for the group's own path).
fn use_paths(code: &str) -> Vec<(Vec<String>, String)> {
    let mut paths = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let text: String = chars.iter().collect();
    let mut at = 0;
    while let Some(found) = text[at..].find("use ") {
        let start = at + found;
        at = start + 4;
        let before = text[..start].chars().last();
        if before.is_some_and(is_ident) {
            continue;
        }
        let Some(end) = text[start..].find(';') else {
            break;
        };
        let words: Vec<&str> = text[start + 4..start + end].split_whitespace().collect();
        // `a::b as c` keeps its alias after an `@`.
        let tree: String = words
            .iter()
            .map(|w| if *w == "as" { "@" } else { w })
            .collect();
        expand(&tree, Vec::new(), &mut paths);
    }
    paths
}

fn expand(tree: &str, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let mut base = prefix.clone();
        base.extend(
            tree[..open]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut part = String::new();
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&part, base.clone(), out);
                    part.clear();
                    continue;
                }
                _ => {}
            }
            part.push(c);
        }
        if !part.is_empty() {
            expand(&part, base, out);
        }
        return;
    }
    let (tree, alias) = match tree.split_once('@') {
        Some((tree, alias)) => (tree, Some(alias)),
        None => (tree, None),
    };
    let mut path = prefix;
    for seg in tree.split("::").filter(|s| !s.is_empty()) {
        if seg == "self" && !path.is_empty() {
            continue;
        }
        path.push(seg.to_string());
    }
    let name = alias.map_or_else(|| path.last().cloned().unwrap_or_default(), String::from);
    out.push((path, name));
}

/// Every path of two or more segments the code names (`a::b::c`).
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let mut segs = Vec::new();
            let mut j = i;
            loop {
                let s = j;
                while j < chars.len() && is_ident(chars[j]) {
                    j += 1;
                }
                segs.push(chars[s..j].iter().collect::<String>());
                if chars.get(j) == Some(&':')
                    && chars.get(j + 1) == Some(&':')
                    && chars.get(j + 2).is_some_and(|c| is_ident(*c))
                {
                    j += 2;
                } else {
                    break;
                }
            }
            // `a::b::{...}` is a use tree's prefix, read by `use_paths`.
            let group = chars.get(j) == Some(&':') && chars.get(j + 2) == Some(&'{');
            if segs.len() > 1 && !group {
                paths.push(segs);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    paths
}

/// Which files of a source folder belong to the crate being read.
type Include = fn(&str) -> bool;

impl Graph {
    /// The files below `src` that `include` keeps (paths relative to
    /// `src`), one module each; `root` is the crate root file. Paths that
    /// start with the name of one of `extern_crates` resolve into it.
    fn read(src: &Path, root: &str, include: Include, extern_crates: &[(&str, &Graph)]) -> Graph {
        let mut files = Vec::new();
        collect(src, &mut files);
        let mut modules = BTreeMap::new();
        for file in files {
            let rel = file.strip_prefix(src).expect("below src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let stem = rel.trim_end_matches(".rs");
            if !include(&rel) || stem.ends_with("tests") || stem.ends_with("test_support") {
                continue;
            }
            let mut path: Vec<String> = stem.split('/').map(String::from).collect();
            if rel == root {
                path.clear();
            } else if path.last().is_some_and(|s| s == "mod") {
                path.pop();
            }
            modules.insert(file, path);
        }
        let by_path: BTreeMap<Vec<String>, PathBuf> = modules
            .iter()
            .map(|(f, p)| (p.clone(), f.clone()))
            .collect();
        let root_file = by_path.get(&Vec::new()).expect("the crate root").clone();
        let root_code = code_only(&std::fs::read_to_string(&root_file).expect("readable"));
        let layers = child_modules(without_tests(&root_code));
        // Items the root re-exports (`pub use error::Error`): where they live.
        let root_items: BTreeMap<String, Vec<String>> = use_paths(without_tests(&root_code))
            .into_iter()
            .filter_map(|(path, name)| Some((name, path)).filter(|(_, p)| p.len() > 1))
            .collect();
        let crates: Vec<BTreeMap<Vec<String>, PathBuf>> = std::iter::once(by_path.clone())
            .chain(extern_crates.iter().map(|(_, g)| g.by_path()))
            .collect();
        let module_of = |ci: usize, abs: &[String]| -> Option<PathBuf> {
            let mut abs = abs.to_vec();
            if ci == 0
                && let Some(item) = abs.first()
                && !crates[0].contains_key(&abs[..1].to_vec())
                && let Some(real) = root_items.get(item)
            {
                let mut p = real.clone();
                p.extend(abs.drain(1..));
                abs = p;
            }
            (0..=abs.len())
                .rev()
                .find_map(|n| crates[ci].get(&abs[..n].to_vec()).cloned())
        };

        let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        for (file, module) in &modules {
            let code = code_only(&std::fs::read_to_string(file).expect("readable"));
            let code = without_tests(&code);
            // Names a path may start from: the file's child modules, then
            // the modules it brings in with `use`.
            let mut aliases: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
            for child in child_modules(code) {
                let mut p = module.clone();
                p.push(child.clone());
                aliases.insert(child, (0, p));
            }
            let mut targets = BTreeSet::new();
            for (path, name) in use_paths(code) {
                if let Some((ci, abs)) = absolute(&path, module, &aliases, extern_crates) {
                    if crates[ci].contains_key(&abs) {
                        aliases.insert(name, (ci, abs.clone()));
                    }
                    targets.insert((ci, abs));
                }
            }
            for path in named_paths(code) {
                if let Some(found) = absolute(&path, module, &aliases, extern_crates) {
                    targets.insert(found);
                }
            }
            let own = edges.entry(file.clone()).or_default();
            for (ci, abs) in targets {
                if let Some(target) = module_of(ci, &abs)
                    && &target != file
                    && !(ci == 0 && target == root_file)
                {
                    own.insert(target);
                }
            }
        }
        Graph {
            modules,
            edges,
            layers,
        }
    }

    fn by_path(&self) -> BTreeMap<Vec<String>, PathBuf> {
        self.modules
            .iter()
            .map(|(f, p)| (p.clone(), f.clone()))
            .collect()
    }

    /// The files, and for each (by index) the files it imports.
    fn adjacency(&self) -> (Vec<&PathBuf>, Vec<Vec<usize>>) {
        let nodes: Vec<&PathBuf> = self.modules.keys().collect();
        let index: BTreeMap<&PathBuf, usize> =
            nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let adj = nodes
            .iter()
            .map(|n| {
                self.edges
                    .get(*n)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| index.get(t).copied())
                    .collect()
            })
            .collect();
        (nodes, adj)
    }

    /// The strongly connected components with more than one file.
    fn cycles(&self) -> Vec<Vec<PathBuf>> {
        let (nodes, adj) = self.adjacency();
        let components = tarjan(&adj);
        let mut cycles: Vec<Vec<PathBuf>> = components
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut files: Vec<PathBuf> = c.into_iter().map(|i| nodes[i].clone()).collect();
                files.sort();
                files
            })
            .collect();
        cycles.sort();
        cycles
    }

    /// The most files one chain of imports passes through (cycles counted
    /// as one file each).
    fn longest_path(&self) -> usize {
        let (nodes, adj) = self.adjacency();
        let components = tarjan(&adj);
        let mut comp_of = vec![0; nodes.len()];
        for (c, members) in components.iter().enumerate() {
            for &m in members {
                comp_of[m] = c;
            }
        }
        // Tarjan yields components in reverse topological order: every
        // component's successors come before it.
        let mut longest = vec![1usize; components.len()];
        for (c, members) in components.iter().enumerate() {
            for &m in members {
                for &t in &adj[m] {
                    let d = comp_of[t];
                    if d != c {
                        longest[c] = longest[c].max(longest[d] + 1);
                    }
                }
            }
        }
        longest.into_iter().max().unwrap_or(0)
    }

    fn edge_count(&self) -> usize {
        self.edges.values().map(BTreeSet::len).sum()
    }

    /// Edges from a top-level module to one declared after it in the root.
    fn upward(&self) -> Vec<(PathBuf, PathBuf)> {
        let rank = |file: &PathBuf| {
            let first = self.modules.get(file)?.first()?;
            self.layers.iter().position(|l| l == first)
        };
        let mut up = Vec::new();
        for (from, tos) in &self.edges {
            for to in tos {
                if let (Some(a), Some(b)) = (rank(from), rank(to))
                    && b > a
                {
                    up.push((from.clone(), to.clone()));
                }
            }
        }
        up
    }

    fn summary(&self, name: &str) -> String {
        let cycles = self.cycles();
        format!(
            "{name}: {} files, {} imports, {} cycles ({} files in them), longest path {} files",
            self.modules.len(),
            self.edge_count(),
            cycles.len(),
            cycles.iter().map(Vec::len).sum::<usize>(),
            self.longest_path()
        )
    }
}

/// A path as an absolute module path of crate 0 (this one) or of one of
/// `extern_crates` (1-based), when it names a module path at all.
fn absolute(
    segs: &[String],
    module: &[String],
    aliases: &BTreeMap<String, (usize, Vec<String>)>,
    extern_crates: &[(&str, &Graph)],
) -> Option<(usize, Vec<String>)> {
    let first = segs.first()?;
    let rest = &segs[1..];
    let join = |base: Vec<String>, rest: &[String]| {
        let mut p = base;
        let mut it = rest.iter().peekable();
        while let Some(s) = it.peek() {
            if *s == "super" {
                p.pop();
                it.next();
            } else {
                break;
            }
        }
        p.extend(it.cloned());
        p
    };
    match first.as_str() {
        "crate" => Some((0, join(Vec::new(), rest))),
        "super" => {
            let mut base = module.to_vec();
            base.pop();
            Some((0, join(base, rest)))
        }
        "self" => Some((0, join(module.to_vec(), rest))),
        other => {
            if let Some(i) = extern_crates.iter().position(|(n, _)| *n == other) {
                return Some((i + 1, rest.to_vec()));
            }
            let (ci, base) = aliases.get(other)?;
            let mut p = base.clone();
            p.extend(rest.iter().cloned());
            Some((*ci, p))
        }
    }
}

/// Tarjan's strongly connected components, iteratively.
fn tarjan(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *child < adj[v].len() {
                let w = adj[v][*child];
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    components.push(component);
                }
            }
        }
    }
    components
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable source folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn describe(graph: &Graph, base: &Path) -> Vec<String> {
    let show = |p: &PathBuf| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut problems = Vec::new();
    for cycle in graph.cycles() {
        let names: Vec<String> = cycle.iter().map(show).collect();
        let mut ties = Vec::new();
        for from in &cycle {
            for to in graph.edges.get(from).into_iter().flatten() {
                if cycle.contains(to) {
                    ties.push(format!("{} -> {}", show(from), show(to)));
                }
            }
        }
        problems.push(format!(
            "a cycle of {} files: {} ({})",
            names.len(),
            names.join(", "),
            ties.join("; ")
        ));
    }
    for (from, to) in graph.upward() {
        problems.push(format!(
            "{} imports {}, a layer its crate root declares above it",
            show(&from),
            show(&to)
        ));
    }
    problems
}

fn engine() -> Graph {
    Graph::read(
        &workspace().join("audit-component/src"),
        "lib.rs",
        |_| true,
        &[],
    )
}

#[test]
fn the_engine_imports_only_downward() {
    let graph = engine();
    println!("{}", graph.summary("audit-component/src"));
    let problems = describe(&graph, &workspace());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The files of the `audit-host` binary, beside the library's.
fn is_binary(rel: &str) -> bool {
    rel == "main.rs" || rel.starts_with("cli/")
}

#[test]
fn the_host_imports_only_downward() {
    let src = workspace().join("host-runner/src");
    let lib = Graph::read(&src, "lib.rs", |rel| !is_binary(rel), &[]);
    println!("{}", lib.summary("host-runner/src (library)"));
    let mut problems = describe(&lib, &workspace());
    let bin = Graph::read(&src, "main.rs", is_binary, &[("audit_host", &lib)]);
    println!("{}", bin.summary("host-runner/src (audit-host)"));
    problems.extend(describe(&bin, &workspace()));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle_and_an_upward_import() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = dir.path();
    std::fs::create_dir_all(src.join("low")).expect("a folder");
    std::fs::write(src.join("lib.rs"), "mod low;\nmod high;\n").expect("written");
    std::fs::write(
        src.join("low/mod.rs"),
        "mod a;\nmod b;\nuse crate::high::Thing;\n",
    )
    .expect("written");
    std::fs::write(src.join("low/a.rs"), "use super::b;\nfn f() { b::g() }\n").expect("written");
    std::fs::write(
        src.join("low/b.rs"),
        "// crate::high is only named in a comment\nfn g() { super::a::f() }\nconst S: &str = \"crate::high\";\n#[cfg(test)]\nmod tests {\n    use crate::high::Thing;\n}\n",
    )
    .expect("written");
    std::fs::write(src.join("high.rs"), "pub struct Thing;\n").expect("written");
    let graph = Graph::read(src, "lib.rs", |_| true, &[]);
    let problems = describe(&graph, src);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("a cycle of 2 files: low/a.rs, low/b.rs"),
        "{problems:#?}"
    );
    assert_eq!(
        problems[1],
        "low/mod.rs imports high.rs, a layer its crate root declares above it"
    );
    assert_eq!(graph.longest_path(), 2);
}
