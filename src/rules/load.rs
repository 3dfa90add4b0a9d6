//! The loader: built-in rules embedded in the binary, then the user's packs
//! (`--rules`, `POSDOCTOR_RULES`), a tree or check with the same id
//! replacing an earlier one. Each file is read with a size limit, checked for
//! UTF-8 and parsed; each node is checked for the fields its kind uses.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{CheckDef, NodeDef, NodeKind, RuleFile, TreeDef};
use super::schema_check::Taint;
use super::yaml::{self, LazyIndex};
use super::{Body, Check, Choice, Node, Origin, Place, Route, RuleSet, Tree};
use super::{PackContact, PackFact, Probe, ProbeTarget};
use crate::diag::{did_you_mean, Diagnostic, SourceFile};
use crate::i18n::{Lang, Text};

/// Which rules to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub builtin: bool,
    /// Rule packs: folders of `.yaml` files, or single files, in order.
    pub packs: Vec<PathBuf>,
}

/// The rules, and every finding made while loading them.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: RuleSet,
    pub diagnostics: Vec<Diagnostic>,
    /// What was mended in files with schema errors (their rules are in
    /// `rules`, for `validate`): findings that only follow from a mended
    /// part are not reported (see [`KnockOns::retain_real`]).
    pub knock_ons: KnockOns,
}

/// The parts of files with schema errors that had to be guessed, by file.
#[derive(Debug, Default)]
pub struct KnockOns {
    files: HashMap<String, Vec<Taint>>,
}

/// Findings about the shape of a tree's graph: wrong when an edge of the
/// tree was left out or guessed.
const GRAPH_FINDINGS: &[&str] = &[
    "cannot be reached from the start",
    "no outcome can be reached",
    "hand over to each other",
    "leads straight back",
];

/// Fields that change what a node's other fields mean: when one had to be
/// guessed, nothing else about the node can be trusted.
const MEANING_FIELDS: &[&str] = &["kind", "destructive", "id", "use"];

/// Fields that are edges of a tree's graph (or the nodes themselves).
const EDGE_FIELDS: &[&str] = &[
    "start",
    "nodes",
    "next",
    "yes",
    "no",
    "skip",
    "otherwise",
    "choices",
    "routes",
    "tree",
    "then",
    "id",
];

impl KnockOns {
    /// Drops the findings that follow from an earlier finding on the same
    /// node (or tree, check, …): a field that had to be left out or
    /// guessed makes "needs `text`", "`skip` applies only to a destructive
    /// step" or "cannot be reached" say nothing about the file as written.
    /// References and patterns are checked as written either way.
    /// A finding about a field that was renamed from a typo (`nxt` →
    /// `next`) points at the field as written.
    pub fn retain_real(&self, diags: &mut Vec<Diagnostic>) {
        if self.files.is_empty() {
            return;
        }
        // Taints by the entity they are on and by their tree, so that each
        // finding is compared with the taints it can concern, not all of
        // them (20 000 broken trees would be quadratic).
        let index: HashMap<&str, TaintIndex> = self
            .files
            .iter()
            .map(|(f, ts)| (f.as_str(), TaintIndex::new(ts)))
            .collect();
        diags.retain(|d| !self.is_knock_on(d, &index));
        for d in diags.iter_mut() {
            self.repoint(d);
        }
    }

    fn repoint(&self, d: &mut Diagnostic) {
        let (Some(taints), Some(path), Some(file)) =
            (self.files.get(&d.file_name), d.path.clone(), d.file.clone())
        else {
            return;
        };
        for t in taints {
            let (Some(field), Some(old)) = (&t.field, &t.renamed_from) else {
                continue;
            };
            let new = join(&t.entity, field);
            let Some(rest) = path.strip_prefix(&new) else {
                continue;
            };
            if rest.is_empty() || rest.starts_with(['.', '#']) {
                let written = format!("{}{rest}", join(&t.entity, old));
                let span = yaml::PosIndex::build(&file.text).span(&written);
                let mut moved = d.clone().at(&file, span);
                moved.path = Some(written);
                *d = moved;
                return;
            }
        }
    }

    fn is_knock_on(&self, d: &Diagnostic, index: &HashMap<&str, TaintIndex>) -> bool {
        let (Some(taints), Some(idx), Some(path)) = (
            self.files.get(&d.file_name),
            index.get(d.file_name.as_str()),
            d.path.as_deref(),
        ) else {
            return false;
        };
        let path = path.split('#').next().unwrap_or(path);
        let within = |p: &str, e: &str| {
            e.is_empty() && p.is_empty()
                || !e.is_empty()
                    && p.strip_prefix(e)
                        .is_some_and(|r| r.is_empty() || r.starts_with('.'))
        };
        let as_written = [
            "has no node `",
            "no tree is called",
            "no shared check is called",
            "no fact is called",
            "the pattern",
        ]
        .iter()
        .any(|m| d.message.contains(m));
        // Only taints on an entity the path lies in, or (for the graph
        // findings) in the path's tree, can concern it.
        let prefixes = std::iter::once("")
            .chain(path.match_indices('.').map(|(i, _)| &path[..i]))
            .chain(std::iter::once(path));
        let mut candidates: Vec<usize> = prefixes
            .filter_map(|p| idx.by_entity.get(p))
            .flatten()
            .copied()
            .collect();
        if let Some(tree) = tree_of(path) {
            candidates.extend(idx.by_tree.get(tree).into_iter().flatten().copied());
        }
        candidates
            .into_iter()
            .map(|i| &taints[i])
            .filter(|t| !t.exact)
            .any(|t| {
                let field = t.field.as_deref();
                let at_entity = path == t.entity;
                let at_field = field.is_some_and(|f| within(path, &join(&t.entity, f)));
                let whole = field.is_none_or(|f| MEANING_FIELDS.contains(&f));
                let tree = tree_of(&t.entity);
                let graph = field.is_none_or(|f| EDGE_FIELDS.contains(&f))
                    && GRAPH_FINDINGS.iter().any(|m| d.message.contains(m))
                    && tree.is_some_and(|tr| within(path, tr));
                graph
                    || (!as_written
                        && (at_entity || at_field || (whole && within(path, &t.entity))))
            })
    }
}

/// A file's taints (positions in its list) by entity and by tree.
struct TaintIndex<'a> {
    by_entity: HashMap<&'a str, Vec<usize>>,
    by_tree: HashMap<&'a str, Vec<usize>>,
}

impl<'a> TaintIndex<'a> {
    fn new(taints: &'a [Taint]) -> TaintIndex<'a> {
        let mut by_entity: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_tree: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in taints.iter().enumerate() {
            by_entity.entry(t.entity.as_str()).or_default().push(i);
            if let Some(tree) = tree_of(&t.entity) {
                by_tree.entry(tree).or_default().push(i);
            }
        }
        TaintIndex { by_entity, by_tree }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// `trees.N` of a path inside a tree.
fn tree_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("trees.")?;
    let n = rest.split('.').next()?;
    Some(&path[..6 + n.len()])
}

/// A raw file before parsing.
struct Input {
    name: String,
    origin: Origin,
    pack: usize,
    bytes: Vec<u8>,
}

struct Parsed {
    file: Arc<SourceFile>,
    index: Arc<LazyIndex>,
    /// The file's definitions; its trees are in `trees`.
    def: RuleFile,
    /// The file's trees, apart: a one-off load (`validate` of a large pack)
    /// drops each file's tree definitions once compiled, so that the
    /// parsed and the compiled forms of a pack are not held at once.
    trees: std::cell::RefCell<Vec<TreeDef>>,
    origin: Origin,
    pack: usize,
    /// For a file with schema errors, mended so that `validate` can check
    /// the rest of it: what was mended. Never loaded for the counter.
    taints: Option<Vec<Taint>>,
}

/// Pack number of the built-in rules; user packs count from 1.
pub const BUILTIN_PACK: usize = 0;

pub fn load(opts: &LoadOptions) -> Loaded {
    finish(read_sources(opts))
}

/// Every rule of `sources` together, with the findings of reading,
/// parsing and putting them together.
fn finish(sources: Sources) -> Loaded {
    let mut loaded = sources.compose_all();
    loaded.knock_ons = KnockOns {
        files: sources
            .salvaged
            .iter()
            .map(|p| (p.file.name.clone(), p.taints.clone().unwrap_or_default()))
            .collect(),
    };
    loaded.knock_ons.retain_real(&mut loaded.diagnostics);
    let mut diags = sources.diagnostics.clone();
    diags.append(&mut loaded.diagnostics);
    loaded.diagnostics = diags;
    loaded
}

/// Every rule file read and parsed once, so that the rules can be put
/// together again without some of them (a broken pack file at the counter).
pub struct Sources {
    parsed: Vec<Parsed>,
    /// Files with schema errors, mended (see [`Parsed::taints`]): put
    /// together only for `validate`'s later checks, never at the counter.
    salvaged: Vec<Parsed>,
    /// Findings made while reading and parsing: a file with one of these
    /// errors is not in `parsed`.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that are YAML but not valid rules: the ids they meant to define.
    unparsed: Vec<(String, Defines)>,
}

pub fn read_sources(opts: &LoadOptions) -> Sources {
    let mut diags = Vec::new();
    let mut inputs = Vec::new();
    if opts.builtin {
        builtin_inputs(&mut inputs);
    }
    // The same pack named twice (`--rules x validate x`), or a file named
    // again inside a pack already given (`--rules x validate x/a.yaml`), is
    // loaded once: the first time it is named.
    let mut seen = HashSet::new();
    let mut seen_files = HashSet::new();
    for (i, pack) in opts.packs.iter().enumerate() {
        if seen.insert(canonical(pack)) {
            let mut found = Vec::new();
            pack_inputs(pack, i + 1, &mut found, &mut diags);
            inputs.extend(
                found
                    .into_iter()
                    .filter(|inp| seen_files.insert(canonical(Path::new(&inp.name)))),
            );
        }
    }
    parse_inputs(inputs, diags)
}

/// The path with symbolic links, `.` and `..` resolved when it exists;
/// else as written, without `.` components (so `./bp` and `bp` compare
/// equal either way).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // A file that cannot be resolved itself (a symlink loop, a link to
        // nowhere) still lies in its folder: resolve that, so `validate
        // DIR` reports the file rather than losing it.
        match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
                match std::fs::canonicalize(dir) {
                    Ok(d) => d.join(name),
                    Err(_) => plain(path),
                }
            }
            _ => match std::env::current_dir() {
                Ok(d) if path.file_name().is_some() => d.join(path),
                _ => plain(path),
            },
        }
    })
}

fn plain(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// True when `file` is `wanted` or inside it, comparing whole path
/// components of canonical paths (`lotus2/x.yaml` is not inside `lotus`).
pub fn is_within(file: &Path, wanted: &Path) -> bool {
    canonical(file).starts_with(canonical(wanted))
}

/// Loads rule files held in memory, each as one pack named by its file
/// name, as if given with `--rules` (no built-ins): for fuzzing and tests.
pub fn load_bytes(files: Vec<(String, Vec<u8>)>) -> Loaded {
    let inputs = files
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| Input {
            origin: Origin::Pack(PathBuf::from(&name)),
            name,
            pack: i + 1,
            bytes,
        })
        .collect();
    finish(parse_inputs(inputs, Vec::new()))
}

/// Parses the raw files (findings for those that do not parse).
fn parse_inputs(inputs: Vec<Input>, mut diags: Vec<Diagnostic>) -> Sources {
    let mut unparsed = Vec::new();
    let (salvaged, parsed): (Vec<Parsed>, Vec<Parsed>) = inputs
        .into_iter()
        .filter_map(|inp| parse_input(inp, &mut diags, &mut unparsed))
        .partition(|p| p.taints.is_some());
    Sources {
        parsed,
        salvaged,
        diagnostics: diags,
        unparsed,
    }
}

/// What one parsed file defines.
#[derive(Clone, Debug, Default)]
pub struct Defines {
    pub trees: Vec<String>,
    pub checks: Vec<String>,
    pub facts: Vec<String>,
    pub probes: Vec<String>,
}

impl Sources {
    /// The names of the files that parsed, with whether they are built in.
    pub fn files(&self) -> impl Iterator<Item = (&str, bool)> {
        self.parsed
            .iter()
            .map(|p| (p.file.name.as_str(), p.pack == BUILTIN_PACK))
    }

    /// The ids a file defines (empty for a file that did not parse).
    pub fn defines(&self, file: &str) -> Defines {
        let mut d = Defines::default();
        for (_, u) in self.unparsed.iter().filter(|(f, _)| f == file) {
            d.trees.extend(u.trees.iter().cloned());
            d.checks.extend(u.checks.iter().cloned());
            d.facts.extend(u.facts.iter().cloned());
            d.probes.extend(u.probes.iter().cloned());
        }
        for p in self.parsed.iter().filter(|p| p.file.name == file) {
            d.trees
                .extend(p.trees.borrow().iter().map(|t| t.id.clone()));
            d.checks.extend(p.def.checks.iter().map(|c| c.id.clone()));
            d.facts.extend(p.def.facts.iter().map(|f| f.id.clone()));
            d.probes.extend(p.def.probes.iter().map(|f| f.id.clone()));
        }
        d
    }

    /// The rules from every parsed file except those named in `skip`, with
    /// the findings of putting them together (not those of parsing).
    pub fn compose(&self, skip: &HashSet<String>) -> Loaded {
        let parsed: Vec<&Parsed> = self
            .parsed
            .iter()
            .filter(|p| !skip.contains(&p.file.name))
            .collect();
        self.compose_from(parsed, skip, false)
    }

    /// Every file, those with schema errors mended (for `validate`), once:
    /// each file's tree definitions are dropped as soon as they are
    /// compiled (the sources cannot be put together again).
    fn compose_all(&self) -> Loaded {
        let mut all: Vec<&Parsed> = self.parsed.iter().chain(&self.salvaged).collect();
        // In load order, so that later packs still replace earlier ones.
        all.sort_by_key(|p| p.pack);
        self.compose_from(all, &HashSet::new(), true)
    }

    fn compose_from(&self, parsed: Vec<&Parsed>, skip: &HashSet<String>, consume: bool) -> Loaded {
        let mut diags = Vec::new();
        let builtin_contacts = parsed
            .iter()
            .filter(|p| p.pack == BUILTIN_PACK && !p.def.contacts.entries().is_empty());
        for p in builtin_contacts {
            diags.push(
                root_place(p, "contacts".into())
                    .key()
                    .error("the built-in rules must not define contacts")
                    .with_hint("a number comes from the shop's profile or a pack, never from the built-in rules"),
            );
        }
        let (checks, replaced_checks) = collect_checks(&parsed, &mut diags);
        let facts = collect_facts(&parsed, &mut diags);
        let probes = collect_probes(&parsed, &mut diags);
        // Ids defined by files that did not load (skipped or broken): a
        // reference to one says where it is.
        let mut unloaded = HashMap::new();
        let skipped = self
            .parsed
            .iter()
            .filter(|p| skip.contains(&p.file.name))
            .map(|p| (p.file.name.clone(), self.defines(&p.file.name)));
        let gone: Vec<(String, Defines)> = self
            .unparsed
            .iter()
            .filter(|(f, _)| !parsed.iter().any(|p| p.file.name == *f))
            .cloned()
            .chain(skipped)
            .collect();
        for (file, d) in &gone {
            for id in d.checks.iter().chain(&d.facts).chain(&d.probes) {
                unloaded.entry(id.clone()).or_insert_with(|| file.clone());
            }
        }
        let known = Known {
            checks: &checks,
            facts: &facts,
            probes: &probes,
            unloaded: &unloaded,
            builtin_loaded: parsed.iter().any(|p| p.pack == BUILTIN_PACK),
        };
        let trees = collect_trees(&parsed, &known, consume, &mut diags);
        for (id, builtin) in replaced_checks {
            let Some(check) = checks.get(&id) else {
                continue;
            };
            let mut users: Vec<String> = trees
                .iter()
                .filter(|t| t.origin == Origin::Builtin)
                .filter(|t| {
                    t.nodes
                        .iter()
                        .any(|n| matches!(&n.body, Body::Check { uses: Some(u), .. } if *u == id))
                })
                .map(|t| format!("`{}`", t.id))
                .collect();
            users.sort();
            let mut d = check.place.child("id").note(format!(
                "check `{id}` replaces the built-in one ({})",
                builtin.locate()
            ));
            if !users.is_empty() {
                d = d.with_hint(format!(
                    "the built-in trees {} use it and show this pack's text",
                    users.join(", ")
                ));
            }
            diags.push(d);
        }
        let codes = collect_codes(&parsed, &mut diags);
        let contacts = collect_contacts(&parsed, &mut diags);
        let mut rules = RuleSet::from_parts(trees, checks, codes);
        rules.contacts = contacts;
        rules.facts = facts;
        rules.probes = probes;
        rules.left_out = gone.into_iter().map(|(f, d)| (f, d.trees)).collect();
        Loaded {
            rules,
            diagnostics: diags,
            knock_ons: KnockOns::default(),
        }
    }
}

/// The text of a built-in rule file, by the name findings give it
/// (`builtin:rules/no-power.yaml`).
pub fn builtin_source(name: &str) -> Option<&'static str> {
    let path = name.strip_prefix("builtin:rules/")?;
    crate::builtin::files()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// True for a built-in file inside a scenario folder (`tests/`).
fn in_scenario_dir(path: &Path) -> bool {
    path.parent()
        .is_some_and(|d| d.ancestors().any(is_scenario_dir))
}

fn builtin_inputs(out: &mut Vec<Input>) {
    for (path, text) in crate::builtin::files() {
        let p = Path::new(path);
        if is_rule_file(p) && !in_scenario_dir(p) {
            out.push(Input {
                name: format!("builtin:rules/{path}"),
                origin: Origin::Builtin,
                pack: BUILTIN_PACK,
                bytes: text.as_bytes().to_vec(),
            });
        }
    }
}

fn is_yaml(p: &Path) -> bool {
    let hidden = p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// A `.yaml`/`.yml` file that holds rules: not hidden, not a scenario file.
pub fn is_rule_file(p: &Path) -> bool {
    is_yaml(p) && !is_scenario_name(p)
}

/// `NAME.test.yaml` (or `.test.yml`): a scenario file wherever it is.
fn is_scenario_name(p: &Path) -> bool {
    p.file_stem()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test"))
}

/// A folder called `tests` holds scenario files (`posdoctor test`), never rules.
pub fn is_scenario_dir(p: &Path) -> bool {
    p.file_name().is_some_and(|n| n == "tests")
}

/// A scenario file given by name: `NAME.test.yaml`, or a `.yaml` whose
/// folder is called `tests`.
pub fn is_scenario_file(p: &Path) -> bool {
    is_yaml(p) && (is_scenario_name(p) || p.parent().is_some_and(is_scenario_dir))
}

/// The scenario files of a pack folder (sorted), or the file itself when
/// `pack` is a scenario file.
pub fn scenario_files(pack: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if pack.is_dir() {
        let walked = walk_dir(pack, &|_| true);
        out = walked
            .files
            .into_iter()
            .filter(|p| {
                is_yaml(p)
                    && (is_scenario_name(p)
                        || p.strip_prefix(pack)
                            .ok()
                            .and_then(Path::parent)
                            .is_some_and(|d| d.components().any(|c| c.as_os_str() == "tests")))
            })
            .collect();
    } else if is_yaml(pack) {
        out.push(pack.to_path_buf());
    }
    out.sort();
    out
}

/// Most folder entries one pack's walk looks at: a pack is a few dozen
/// files, and a folder of millions (or a maze of links) must not stall
/// every command.
pub const MAX_PACK_ENTRIES: usize = 10_000;

/// Deepest folder a pack's walk goes into.
const MAX_PACK_DEPTH: usize = 16;

/// What a walk of a pack folder found.
#[derive(Debug, Default)]
struct Walked {
    /// Every file that is not hidden, in no particular order.
    files: Vec<PathBuf>,
    /// Folders that could not be read.
    errors: Vec<(PathBuf, std::io::Error)>,
    /// The walk stopped at [`MAX_PACK_ENTRIES`].
    truncated: bool,
}

/// Walks `root` for files, skipping hidden entries and the folders
/// `enter` refuses. Each folder is walked once, by its real path: a
/// symlink to a folder already walked (`ln -s . loop`) is skipped, so
/// links can neither loop nor multiply the walk; at most
/// [`MAX_PACK_ENTRIES`] entries and [`MAX_PACK_DEPTH`] levels.
fn walk_dir(root: &Path, enter: &dyn Fn(&Path) -> bool) -> Walked {
    let mut walked = Walked::default();
    let mut seen = std::collections::HashSet::new();
    if let Ok(real) = std::fs::canonicalize(root) {
        seen.insert(real);
    }
    let mut todo = vec![(root.to_path_buf(), 0usize)];
    let mut entries_seen = 0usize;
    while let Some((dir, depth)) = todo.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                walked.errors.push((dir, e));
                continue;
            }
        };
        let mut subdirs = Vec::new();
        for entry in entries.flatten() {
            entries_seen += 1;
            if entries_seen > MAX_PACK_ENTRIES {
                walked.truncated = true;
                return walked;
            }
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                if depth >= MAX_PACK_DEPTH || !enter(&path) {
                    continue;
                }
                if let Ok(real) = std::fs::canonicalize(&path) {
                    if seen.insert(real) {
                        subdirs.push(path);
                    }
                }
            } else {
                walked.files.push(path);
            }
        }
        // Sorted, so which of two links to one folder is walked does not
        // depend on the order the system lists them in.
        subdirs.sort();
        todo.extend(subdirs.into_iter().rev().map(|d| (d, depth + 1)));
    }
    walked
}

/// The built-in scenario files (`rules/tests/`): (name, text).
pub fn builtin_scenarios() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = crate::builtin::files()
        .iter()
        .filter(|(p, _)| is_yaml(Path::new(p)) && in_scenario_dir(Path::new(p)))
        .map(|(p, text)| (format!("builtin:rules/{p}"), *text))
        .collect();
    out.sort();
    out
}

/// A file or folder name as messages show it: a line break or another
/// control character in it is shown as `\u{d}`, never printed raw (a name
/// with a CR could overwrite the warning it is in).
fn shown(path: &Path) -> String {
    crate::sanitize::visible(&path.display().to_string()).into_owned()
}

fn pack_inputs(pack: &Path, n: usize, out: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    let name = shown(pack);
    let meta = match std::fs::metadata(pack) {
        Ok(m) => m,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    &name,
                    format!("cannot read the rule pack: {}", io_reason(&e)),
                )
                .with_hint("--rules takes a folder of .yaml files or a single .yaml file"),
            );
            return;
        }
    };
    let mut files = Vec::new();
    if meta.is_dir() {
        collect_dir(pack, &mut files, diags);
        files.sort();
        if files.is_empty() {
            diags.push(Diagnostic::warning(
                &name,
                "the rule pack holds no .yaml or .yml files",
            ));
        }
    } else {
        files.push(pack.to_path_buf());
    }
    for path in files {
        let name = shown(&path);
        match read_limited(&path) {
            Ok(bytes) => out.push(Input {
                name,
                origin: Origin::Pack(pack.to_path_buf()),
                pack: n,
                bytes,
            }),
            Err(e) => diags.push(Diagnostic::error(
                &name,
                format!("cannot read the file: {}", io_reason(&e)),
            )),
        }
    }
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let walked = walk_dir(dir, &|p| !is_scenario_dir(p));
    for (folder, e) in walked.errors {
        diags.push(Diagnostic::error(
            shown(&folder),
            format!("cannot read the folder: {}", io_reason(&e)),
        ));
    }
    if walked.truncated {
        diags.push(Diagnostic::warning(
            shown(dir),
            format!("the rule pack holds more than {MAX_PACK_ENTRIES} files and folders; the rest were left out"),
        ));
    }
    out.extend(walked.files.into_iter().filter(|p| is_rule_file(p)));
}

/// Reads a regular file of at most [`yaml::MAX_FILE_BYTES`] (one byte more
/// is read, so a huge file is refused without being read whole). A FIFO, a
/// device or a folder is an error at once, never a wait.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::input::read_regular(path, yaml::MAX_FILE_BYTES as u64)
}

pub use crate::input::io_reason;

fn parse_input(
    inp: Input,
    diags: &mut Vec<Diagnostic>,
    unparsed: &mut Vec<(String, Defines)>,
) -> Option<Parsed> {
    let text = match yaml::decode(&inp.name, inp.bytes) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file = Arc::new(SourceFile::new(inp.name, text));
    let (def, taints) = match yaml::parse_checked::<RuleFile>(&file) {
        Ok(d) => (d, None),
        Err(unparsed_file) => {
            diags.extend(unparsed_file.findings);
            // What the file meant to define, so that a reference to it says
            // where the thing is ("no tree called X" → it is in this file).
            // What was read before a syntax error counts too.
            let root = yaml::YNode::parse_partial(&file.text);
            let ids = |section: &str| -> Vec<String> {
                match root.as_ref().and_then(|r| r.get(section)) {
                    Some(yaml::YNode::Seq { items, .. }) => items
                        .iter()
                        .filter_map(|t| t.get("id").and_then(yaml::YNode::as_str))
                        .map(str::to_owned)
                        .collect(),
                    _ => Vec::new(),
                }
            };
            unparsed.push((
                file.name.clone(),
                Defines {
                    trees: ids("trees"),
                    checks: ids("checks"),
                    facts: ids("facts"),
                    probes: ids("probes"),
                },
            ));
            let (def, taints) = unparsed_file.salvaged?;
            (def, Some(taints))
        }
    };
    let index = Arc::new(LazyIndex::new(&file));
    let root = Place {
        file: Arc::clone(&file),
        index: Arc::clone(&index),
        path: String::new(),
    };
    check_controls(&root, diags);
    if def.version != 1 {
        diags.push(
            root.child("version")
                .error(format!(
                    "rule format version {} is not known to this posdoctor",
                    def.version
                ))
                .with_hint("this posdoctor reads `version: 1`"),
        );
        return None;
    }
    // A file may hold any of the sections (a pack's contacts alone), but
    // not none of them.
    let empty = def.trees.is_empty()
        && def.checks.is_empty()
        && def.codes.is_empty()
        && def.contacts.entries().is_empty()
        && def.facts.is_empty()
        && def.probes.is_empty();
    if empty {
        diags.push(
            root.error("the file defines nothing: no trees, checks, codes, contacts, facts or probes")
                .with_hint("add a section, such as a `trees:` list; `posdoctor schema` prints the whole format"),
        );
    }
    let mut def = def;
    let trees = std::mem::take(&mut def.trees);
    Some(Parsed {
        file,
        index,
        def,
        trees: trees.into(),
        origin: inp.origin,
        pack: inp.pack,
        taints,
    })
}

/// Fields whose values are ids or references, matched by scripts and the
/// engine rather than read: a control character there is an error.
const REFERENCE_FIELDS: &[&str] = &[
    "start",
    "next",
    "yes",
    "no",
    "skip",
    "otherwise",
    "use",
    "tree",
    "then",
    "match",
    "code",
    "aliases",
    "kind",
    "category",
    "party",
    "fact",
    "rung",
    "owner",
    "have_ready",
];

/// Control characters and bidi controls in the file's values: in an id or
/// a reference an error (ids themselves are checked by [`check_id`]); in
/// text a warning, since the loader removes them from text anyway.
fn check_controls(root: &Place, diags: &mut Vec<Diagnostic>) {
    use crate::sanitize::{has_bidi, has_controls, is_bidi, is_dangerous};
    // Raw control characters were refused by `decode`; the others can only
    // come from an escape in a double-quoted string, or be a raw bidi
    // control or line separator.
    let text = &root.file.text;
    let escape = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\\' && b"0abvfreNxuULP".contains(&w[1]));
    let raw = text
        .chars()
        .any(|c| !matches!(c, '\n' | '\t' | '\r') && is_dangerous(c));
    if !escape && !raw {
        return;
    }
    let mut found: Vec<(String, String)> = root
        .index
        .get()
        .scalars()
        .filter(|(_, v)| has_controls(v))
        .map(|(p, v)| (p.to_owned(), v.to_owned()))
        .collect();
    found.sort();
    for (path, value) in found {
        let field = path
            .split('.')
            .rev()
            .find(|seg| {
                !seg.is_empty()
                    && !seg.bytes().all(|b| b.is_ascii_digit())
                    && !matches!(*seg, "en" | "zh")
            })
            .unwrap_or("");
        if field == "id" {
            continue;
        }
        let first = value
            .chars()
            .find(|c| *c != '\n' && *c != '\t' && is_dangerous(*c))
            .map_or(0, u32::from);
        let place = Place {
            path: path.clone(),
            ..root.clone()
        };
        if REFERENCE_FIELDS.contains(&field) {
            diags.push(
                place
                    .error(format!(
                        "`{field}` holds a control character (U+{first:04X}): ids, references and patterns may not"
                    ))
                    .with_hint("use letters, digits, `-`, `_` and `.`"),
            );
        } else if has_bidi(&value) {
            let c = value.chars().find(|c| is_bidi(*c)).map_or(0, u32::from);
            diags.push(
                place
                    .warning(format!(
                        "`{field}` holds a bidirectional control character (U+{c:04X}) that can make the text read differently than it is; posdoctor removes it"
                    ))
                    .with_hint("remove it from the file"),
            );
        } else {
            diags.push(
                place
                    .warning(format!(
                        "`{field}` holds a control character (U+{first:04X}), such as a terminal escape sequence; posdoctor removes it"
                    ))
                    .with_hint("remove it from the file"),
            );
        }
    }
}

fn root_place(p: &Parsed, path: String) -> Place {
    Place {
        file: Arc::clone(&p.file),
        index: Arc::clone(&p.index),
        path,
    }
}

/// The longest id (tree, node, check, choice), in characters.
pub const MAX_ID_CHARS: usize = 64;

/// The longest search keyword, in characters.
pub const MAX_KEYWORD_CHARS: usize = 200;

/// Ids are typed on command lines and in answer files: keep them simple.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= MAX_ID_CHARS
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn check_id(id: &str, place: &Place, what: &str, diags: &mut Vec<Diagnostic>) {
    if !valid_id(id) {
        let mut hint = format!(
            "use up to {MAX_ID_CHARS} letters, digits, `-`, `_` and `.`, starting with a letter or digit"
        );
        if let Some(fixed) = allowed_id_like(id) {
            hint.push_str(&format!(", e.g. `{fixed}`"));
        }
        diags.push(
            place
                .error(format!("the {what} id `{id}` is not allowed"))
                .with_hint(hint),
        );
    }
}

/// An allowed id close to `id` (`again?` → `again`, `Reset now` →
/// `Reset-now`), when there is one.
pub fn allowed_id_like(id: &str) -> Option<String> {
    let mut out = String::new();
    for c in id.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-')
        .chars()
        .take(MAX_ID_CHARS)
        .collect();
    (valid_id(&out) && out != id).then_some(out)
}

/// Later packs replace earlier ones by id; two definitions in one pack are an
/// error, and two user packs defining the same id get a warning. Returns the
/// place of the built-in definition this one replaced, if any.
fn place_by_id<T>(
    map: &mut HashMap<String, (T, usize, Place)>,
    id: String,
    item: T,
    pack: usize,
    place: Place,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Place> {
    let mut replaced = None;
    if let Some((_, old_pack, old_place)) = map.get(&id) {
        let first = old_place.locate();
        if *old_pack == pack {
            diags.push(
                place
                    .error(format!("duplicate {what} id `{id}`"))
                    .with_hint(format!("it is already defined at {first}")),
            );
            return None;
        }
        if *old_pack == BUILTIN_PACK {
            replaced = Some(old_place.clone());
        } else {
            diags.push(
                place
                    .warning(format!("{what} `{id}` is defined by two packs; this one replaces the one at {first}"))
                    .with_hint("remove one of them, or load only one pack"),
            );
        }
    }
    map.insert(id, (item, pack, place));
    replaced
}

/// The shared checks, and the ids of built-in checks a pack replaced (with
/// the built-in's place).
fn collect_checks(
    parsed: &[&Parsed],
    diags: &mut Vec<Diagnostic>,
) -> (
    std::collections::BTreeMap<String, Check>,
    Vec<(String, Place)>,
) {
    let mut map: HashMap<String, (Check, usize, Place)> = HashMap::new();
    let mut replaced = Vec::new();
    for p in parsed {
        for (i, def) in p.def.checks.iter().enumerate() {
            let place = root_place(p, format!("checks.{i}"));
            check_id(&def.id, &place.child("id"), "check", diags);
            if def.destructive && def.caution.is_none() {
                diags.push(
                    place
                        .child("id")
                        .error(format!(
                            "shared check `{}` is destructive but has no `caution`",
                            def.id
                        ))
                        .with_hint(
                            "add a `caution` that says what it erases, e.g. \"A factory reset can erase unsent transactions and settings\"",
                        ),
                );
            }
            let check = compile_check(def, place.clone(), p.pack);
            if let Some(old) = place_by_id(
                &mut map,
                def.id.clone(),
                check,
                p.pack,
                place.child("id"),
                "check",
                diags,
            ) {
                replaced.retain(|(id, _)| id != &def.id);
                replaced.push((def.id.clone(), old));
            }
        }
    }
    (
        map.into_iter().map(|(k, (c, _, _))| (k, c)).collect(),
        replaced,
    )
}

/// The facts packs define (`facts:`).
fn collect_facts(parsed: &[&Parsed], diags: &mut Vec<Diagnostic>) -> BTreeMap<String, PackFact> {
    let mut map: HashMap<String, (PackFact, usize, Place)> = HashMap::new();
    for p in parsed {
        for (i, def) in p.def.facts.iter().enumerate() {
            let place = root_place(p, format!("facts.{i}"));
            let id_place = place.child("id");
            let simple = def
                .id
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && def
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !simple {
                diags.push(
                    id_place
                        .error(format!("the fact id `{}` is not allowed", def.id))
                        .with_hint("use lower-case letters, digits and `_` (it becomes the profile key `fact.ID`)"),
                );
                continue;
            }
            if super::fact_by_id(&def.id).is_some() {
                diags.push(
                    id_place
                        .error(format!(
                            "`{}` is a built-in fact; a pack cannot define it again",
                            def.id
                        ))
                        .with_hint(
                            "use the built-in one in `have_ready`, or give yours another id",
                        ),
                );
                continue;
            }
            let fact = PackFact {
                id: def.id.clone(),
                label: clean(&def.label),
                kind: def.kind,
                scope: def.scope,
                place: place.clone(),
            };
            place_by_id(
                &mut map,
                def.id.clone(),
                fact,
                p.pack,
                id_place,
                "fact",
                diags,
            );
        }
    }
    map.into_iter().map(|(k, (f, _, _))| (k, f)).collect()
}

/// The packs' contacts by party: checked like the profile's, a later pack's
/// replacing an earlier one's.
fn collect_contacts(
    parsed: &[&Parsed],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<super::Party, PackContact> {
    let mut map: HashMap<String, (PackContact, usize, Place)> = HashMap::new();
    for p in parsed {
        for (party, def) in p.def.contacts.entries() {
            let place = root_place(p, format!("contacts.{}", party.id()));
            if def.name.is_none() && def.phone.is_none() {
                diags.push(
                    place
                        .key()
                        .error(format!("the `{}` contact needs a `name` or a `phone`", party.id()))
                        .with_hint("add the number the shop really calls as `phone: \"...\"`, or a `name` to ask for"),
                );
            }
            let mut phone = None;
            if let Some(v) = &def.phone {
                match crate::values::check_value(&format!("contact.{}.phone", party.id()), v) {
                    Ok(c) => phone = Some(c.value),
                    Err(e) => diags.push(place.child("phone").error(e.to_string())),
                }
            }
            let web = def.web.as_deref().map(str::trim).filter(|w| !w.is_empty());
            if web.is_some_and(|w| w.chars().count() > 200 || w.contains(char::is_whitespace)) {
                diags.push(
                    place.child("web").error(
                        "`web` must be one web address, without spaces, up to 200 characters",
                    ),
                );
            }
            let contact = PackContact {
                party,
                name: def.name.as_ref().map(clean),
                phone,
                hours: def.hours.as_ref().map(clean),
                web: web.map(sanitize),
                place: place.clone(),
            };
            place_by_id(
                &mut map,
                party.id().to_owned(),
                contact,
                p.pack,
                place.key(),
                "contact",
                diags,
            );
        }
    }
    map.into_values().map(|(c, _, _)| (c.party, c)).collect()
}

fn collect_codes(
    parsed: &[&Parsed],
    diags: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, super::Code> {
    let mut map: HashMap<String, (super::Code, usize, Place)> = HashMap::new();
    for p in parsed {
        for (i, def) in p.def.codes.iter().enumerate() {
            let place = root_place(p, format!("codes.{i}"));
            let key = super::normalize_code(&def.code);
            if key.is_empty() || key.len() > 24 {
                diags.push(
                    place
                        .child("code")
                        .error("a response code must be 1 to 24 characters"),
                );
                continue;
            }
            let code = super::Code {
                code: def.code.trim().to_owned(),
                aliases: def.aliases.clone(),
                meaning: clean(&def.meaning),
                owner: def.owner,
                action: clean(&def.action),
                customer: def.customer.as_ref().map(clean),
                tree: def.tree.clone(),
                place: place.clone(),
            };
            place_by_id(
                &mut map,
                key,
                code,
                p.pack,
                place.child("code"),
                "code",
                diags,
            );
        }
    }
    map.into_iter().map(|(k, (c, _, _))| (k, c)).collect()
}

fn compile_check(def: &CheckDef, place: Place, pack: usize) -> Check {
    Check {
        id: def.id.clone(),
        rung: def.rung,
        action: clean(&def.action),
        ask: def.ask.as_ref().map(clean),
        caution: def.caution.as_ref().map(clean),
        destructive: def.destructive,
        place,
        pack,
    }
}

/// What a node may refer to besides its own tree.
struct Known<'a> {
    checks: &'a std::collections::BTreeMap<String, Check>,
    facts: &'a BTreeMap<String, PackFact>,
    probes: &'a BTreeMap<String, Probe>,
    /// Check and fact ids of files that did not load, and those files.
    unloaded: &'a HashMap<String, String>,
    /// False with `--no-builtin`.
    builtin_loaded: bool,
}

impl Known<'_> {
    /// "`x` is defined in FILE, which has errors" for an id of a file that
    /// did not load.
    fn unloaded_hint(&self, id: &str) -> Option<String> {
        self.unloaded
            .get(id)
            .map(|f| format!("`{id}` is defined in {f}, which has errors (fix those first)"))
    }
}

/// Why a tree or check that is not loaded is missing, when that is known:
/// it is a built-in one and `--no-builtin` left the built-in rules out, or
/// it is defined in a file beside `file` that was not loaded.
pub fn not_loaded_hint(id: &str, check: bool, builtin_loaded: bool, file: &str) -> Option<String> {
    let what = if check { "check" } else { "tree" };
    let builtin = builtin_defines();
    let ids = if check {
        &builtin.checks
    } else {
        &builtin.trees
    };
    if !builtin_loaded && ids.iter().any(|t| t == id) {
        return Some(format!(
            "`{id}` is a built-in {what}, and --no-builtin leaves the built-in rules out: drop --no-builtin, or define `{id}` in your pack"
        ));
    }
    let dir = Path::new(file).parent()?;
    let mut siblings: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_rule_file(p) && p.as_path() != Path::new(file))
        .collect();
    siblings.sort();
    siblings.into_iter().find_map(|p| {
        let text = String::from_utf8(read_limited(&p).ok()?).ok()?;
        let root = yaml::YNode::parse(&text)?;
        let section = root.get(if check { "checks" } else { "trees" })?;
        let yaml::YNode::Seq { items, .. } = section else {
            return None;
        };
        items
            .iter()
            .any(|t| t.get("id").and_then(yaml::YNode::as_str) == Some(id))
            .then(|| {
                format!(
                    "`{id}` is defined in {}, which is not loaded: load the whole pack (`posdoctor validate {}`)",
                    p.display(),
                    dir.display()
                )
            })
    })
}

/// The tree and check ids of the built-in rules, read from the embedded
/// files on first use (for a hint under `--no-builtin`).
fn builtin_defines() -> &'static Defines {
    static IDS: std::sync::OnceLock<Defines> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let mut d = Defines::default();
        for (path, text) in crate::builtin::files() {
            let p = Path::new(path);
            if !is_rule_file(p) || in_scenario_dir(p) {
                continue;
            }
            let Some(root) = yaml::YNode::parse(text) else {
                continue;
            };
            for (section, out) in [("trees", &mut d.trees), ("checks", &mut d.checks)] {
                if let Some(yaml::YNode::Seq { items, .. }) = root.get(section) {
                    out.extend(
                        items
                            .iter()
                            .filter_map(|t| t.get("id").and_then(yaml::YNode::as_str))
                            .map(str::to_owned),
                    );
                }
            }
        }
        d
    })
}

fn collect_trees(
    parsed: &[&Parsed],
    known: &Known,
    consume: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Tree> {
    let mut map: HashMap<String, (Tree, usize, Place)> = HashMap::new();
    for p in parsed {
        let (taken, borrowed);
        let defs: &[TreeDef] = if consume {
            taken = std::mem::take(&mut *p.trees.borrow_mut());
            &taken
        } else {
            borrowed = p.trees.borrow();
            &borrowed
        };
        for (i, def) in defs.iter().enumerate() {
            let place = root_place(p, format!("trees.{i}"));
            check_id(&def.id, &place.child("id"), "tree", diags);
            let tree = compile_tree(def, place.clone(), p, known, diags);
            let replaced = place_by_id(
                &mut map,
                def.id.clone(),
                tree,
                p.pack,
                place.child("id"),
                "tree",
                diags,
            );
            if let Some(old) = replaced {
                diags.push(place.child("id").note(format!(
                    "tree `{}` replaces the built-in one ({})",
                    def.id,
                    old.locate()
                )));
            }
        }
    }
    map.into_values().map(|(t, _, _)| t).collect()
}

fn compile_tree(
    def: &TreeDef,
    place: Place,
    p: &Parsed,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> Tree {
    let mut nodes = Vec::with_capacity(def.nodes.len());
    let mut index = HashMap::new();
    for (i, nd) in def.nodes.iter().enumerate() {
        let np = place.child("nodes").child(i);
        check_id(&nd.id, &np.child("id"), "node", diags);
        if let Some(&first) = index.get(&nd.id) {
            let first: &Node = &nodes[first];
            let at = first.place.child("id").locate();
            diags.push(
                np.child("id")
                    .error(format!(
                        "duplicate node id `{}` in tree `{}`",
                        nd.id, def.id
                    ))
                    .with_hint(format!(
                        "it is already used at {at}; give each node its own id"
                    )),
            );
            continue;
        }
        let node = compile_node(nd, np, known, diags);
        index.insert(node.id.clone(), nodes.len());
        nodes.push(node);
    }
    if def.nodes.is_empty() {
        diags.push(
            place
                .child("nodes")
                .error(format!("tree `{}` has no nodes", def.id)),
        );
    }
    for (lang, words) in [("en", &def.keywords.en), ("zh", &def.keywords.zh)] {
        for (i, w) in words.iter().enumerate() {
            if w.chars().count() > MAX_KEYWORD_CHARS {
                diags.push(
                    place
                        .child("keywords")
                        .child(lang)
                        .child(i)
                        .error(format!(
                            "the keyword is longer than {MAX_KEYWORD_CHARS} characters"
                        ))
                        .with_hint("keywords are words and short phrases people type"),
                );
            }
        }
    }
    Tree {
        id: def.id.clone(),
        title: clean(&def.title),
        summary: def.summary.as_ref().map(clean),
        category: def.category,
        keywords: super::Keywords {
            en: def.keywords.en.iter().map(|k| sanitize(k)).collect(),
            zh: def.keywords.zh.iter().map(|k| sanitize(k)).collect(),
        },
        start: def.start.clone(),
        nodes: nodes.into(),
        index: index.into(),
        origin: p.origin.clone(),
        pack: p.pack,
        place,
    }
}

/// Removes control characters and escape sequences a rule file could use to
/// mess with a terminal; keeps newlines and tabs. Kept at this path for
/// the callers that know it: the one sanitiser is [`crate::sanitize`].
pub fn sanitize(s: &str) -> String {
    crate::sanitize::strip(s)
}

fn clean(t: &Text) -> Text {
    t.map(|s| sanitize(s.trim_end()))
}

struct Fields<'a> {
    def: &'a NodeDef,
}

impl Fields<'_> {
    /// (name, present) for every optional field of a node.
    fn present(&self) -> [(&'static str, bool); 20] {
        let d = self.def;
        [
            ("use", d.use_check.is_some()),
            ("do", d.action.is_some()),
            ("ask", d.ask.is_some()),
            ("text", d.text.is_some()),
            ("caution", d.caution.is_some()),
            ("destructive", d.destructive.is_some()),
            ("yes", d.yes.is_some()),
            ("no", d.no.is_some()),
            ("skip", d.skip.is_some()),
            ("choices", d.choices.is_some()),
            ("routes", d.routes.is_some()),
            ("otherwise", d.otherwise.is_some()),
            ("next", d.next.is_some()),
            ("fact", d.fact.is_some()),
            ("customer", d.customer.is_some()),
            ("party", d.party.is_some()),
            ("have_ready", d.have_ready.is_some()),
            ("tree", d.tree.is_some()),
            ("probe", d.probe.is_some()),
            ("then", d.then.is_some()),
        ]
    }
}

/// The fields each kind of node may have (besides `id` and `kind`).
pub fn allowed_fields(kind: NodeKind) -> &'static [&'static str] {
    match kind {
        NodeKind::Check => &[
            "use",
            "do",
            "ask",
            "caution",
            "destructive",
            "yes",
            "no",
            "skip",
            "probe",
        ],
        NodeKind::Question => &["ask", "caution", "yes", "no", "probe"],
        NodeKind::Choice => &["ask", "caution", "choices", "fact"],
        NodeKind::Text => &["ask", "caution", "routes", "otherwise", "fact"],
        NodeKind::Info => &["text", "caution", "next"],
        NodeKind::Resolved => &["text", "caution", "customer"],
        NodeKind::Escalate => &["party", "text", "caution", "have_ready"],
        NodeKind::Link => &["tree", "then"],
    }
}

fn compile_node(d: &NodeDef, place: Place, known: &Known, diags: &mut Vec<Diagnostic>) -> Node {
    let checks = known.checks;
    let kind = d.kind;
    let allowed = allowed_fields(kind);
    let mut pack_facts = Vec::new();
    for (name, present) in (Fields { def: d }).present() {
        if present && !allowed.contains(&name) {
            diags.push(
                place
                    .child(name)
                    .key()
                    .error(format!(
                        "`{name}` does not apply to `{}` node `{}`",
                        kind.name(),
                        d.id
                    ))
                    .with_hint(format!(
                        "a `{}` node takes {}",
                        kind.name(),
                        allowed
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
    }
    let body = match kind {
        NodeKind::Check | NodeKind::Question => {
            let yes = need(d.yes.as_ref(), "yes", &place, d, diags);
            let no = need(d.no.as_ref(), "no", &place, d, diags);
            let shared = d.use_check.as_ref().and_then(|id| checks.get(id));
            let destructive =
                d.destructive.unwrap_or(false) || shared.is_some_and(|c| c.destructive);
            let action = d
                .action
                .as_ref()
                .map(clean)
                .or_else(|| shared.map(|c| c.action.clone()));
            let ask = d
                .ask
                .as_ref()
                .map(clean)
                .or_else(|| shared.and_then(|c| c.ask.clone()));
            if d.use_check.is_some() && d.action.is_some() && kind == NodeKind::Check {
                diags.push(
                    place
                        .child("do")
                        .key()
                        .error(format!("`check` node `{}` takes `do` or `use`, not both: `do` would hide the shared check's action", d.id))
                        .with_hint("keep `use` (and write `ask:` to change only the question), or drop `use` and keep `do`"),
                );
            }
            if kind == NodeKind::Check && d.use_check.is_none() && d.action.is_none() {
                diags.push(place.error(format!(
                    "`check` node `{}` needs `do` (what to do) or `use` (a shared check)",
                    d.id
                )));
            }
            if kind == NodeKind::Question && d.ask.is_none() {
                diags.push(needs(&place, d, "ask"));
            }
            if let Some(id) = &d.use_check {
                if shared.is_none() {
                    let mut e = place.child("use").error(format!(
                        "no shared check is called `{id}` (`use` of node `{}`)",
                        d.id
                    ));
                    if let Some(hint) = known.unloaded_hint(id).or_else(|| {
                        not_loaded_hint(id, true, known.builtin_loaded, &place.file.name)
                    }) {
                        e = e.with_hint(hint);
                    } else if let Some(best) = did_you_mean(id, checks.keys().map(String::as_str)) {
                        e = e.with_hint(format!("did you mean `{best}`?"));
                    }
                    diags.push(e);
                }
            }
            if destructive && d.skip.is_none() {
                diags.push(
                    place
                        .error(format!("node `{}` is a destructive step, so it needs `skip`: where to go when the person does not want to do it", d.id))
                        .with_hint("point `skip` at the safer way, usually calling the vendor first"),
                );
            }
            let caution_known = d.caution.is_some() || shared.is_some_and(|c| c.caution.is_some());
            // A destructive shared check without a caution is reported once,
            // at the check itself; this node is reported only when it made
            // the step destructive on its own.
            let own = d.destructive == Some(true) || !shared.is_some_and(|c| c.destructive);
            if destructive && !caution_known && own {
                diags.push(
                    place
                        .error(format!(
                            "node `{}` is a destructive step, so it needs a `caution` that says what it erases",
                            d.id
                        ))
                        .with_hint(
                            "e.g. \"A factory reset can erase unsent transactions and settings\"",
                        ),
                );
            }
            // With a `use` that names no loaded check, whether the step is
            // destructive is not known: that finding is the `use`'s.
            let known_check = d.use_check.is_none() || shared.is_some();
            if !destructive && d.skip.is_some() && known_check {
                diags.push(
                    place
                        .child("skip")
                        .key()
                        .error(format!(
                            "`skip` applies only to a destructive step, and node `{}` is not one",
                            d.id
                        ))
                        .with_hint("add `destructive: true` or remove `skip`"),
                );
            }
            Body::Check {
                action,
                ask,
                uses: d.use_check.clone(),
                rung: shared.map(|c| c.rung),
                destructive,
                yes,
                no,
                skip: if destructive { d.skip.clone() } else { None },
            }
        }
        NodeKind::Choice => {
            let choices = d.choices.as_deref().unwrap_or_default();
            if choices.is_empty() {
                diags.push(
                    place
                        .error(format!(
                            "`choice` node `{}` needs at least one entry in `choices`",
                            d.id
                        ))
                        .with_hint("or use a `question` node for yes/no"),
                );
            }
            let mut seen = HashMap::new();
            for (i, c) in choices.iter().enumerate() {
                let cp = place.child("choices").child(i).child("id");
                check_id(&c.id, &cp, "choice", diags);
                if seen.insert(c.id.clone(), i).is_some() {
                    diags.push(
                        cp.error(format!("duplicate choice id `{}` in node `{}`", c.id, d.id)),
                    );
                }
            }
            Body::Choice {
                ask: d.ask.as_ref().map(clean).unwrap_or_else(|| {
                    diags.push(needs(&place, d, "ask"));
                    Text::default()
                }),
                choices: choices
                    .iter()
                    .map(|c| Choice {
                        id: c.id.clone(),
                        label: clean(&c.label),
                        next: c.next.clone(),
                    })
                    .collect(),
            }
        }
        NodeKind::Text => {
            let mut routes = Vec::new();
            for (i, r) in d.routes.as_deref().unwrap_or_default().iter().enumerate() {
                let at = place.child("routes").child(i).child("match");
                if r.pattern.trim().is_empty() {
                    diags.push(
                        at.error(format!(
                            "route {} of node `{}` has an empty pattern: it matches only an empty answer, and an answer is never empty, so the route is never taken",
                            i + 1,
                            d.id
                        ))
                        .with_hint("write the answers it takes (`05|51`), or drop the route and let `otherwise` take the rest"),
                    );
                    routes.push(Route::broken(&r.pattern, &r.next));
                    continue;
                }
                match Route::check(&r.pattern) {
                    Ok(()) => routes.push(
                        Route::new(&r.pattern, &r.next)
                            .expect("the pattern was just checked")
                            .with_label(r.label.as_ref().map(clean)),
                    ),
                    Err(e) => {
                        let mut d = Diagnostic::error(
                            "",
                            format!(
                                "the pattern is not a valid regular expression: {}",
                                e.message
                            ),
                        )
                        .at(&at.file, pattern_span(&at, &r.pattern, e.span));
                        d = d.with_hint(if e.unbalanced {
                            "a route's `match` is one whole regular expression, matched against the whole answer: pair every `(` with a `)`, or write `\\(` and `\\)` for a bracket (`05|51` matches either code)"
                        } else {
                            "`match` is a regular expression: write `\\.` for a dot, `\\(` for a bracket, or use `label` to say it in words"
                        });
                        diags.push(d);
                        routes.push(Route::broken(&r.pattern, &r.next));
                    }
                }
            }
            Body::Text {
                ask: d.ask.as_ref().map(clean).unwrap_or_else(|| {
                    diags.push(needs(&place, d, "ask"));
                    Text::default()
                }),
                routes,
                otherwise: need(d.otherwise.as_ref(), "otherwise", &place, d, diags),
                matcher: Default::default(),
            }
        }
        NodeKind::Info => Body::Info {
            text: text_or_report(d.text.as_ref(), &place, d, diags),
            next: need(d.next.as_ref(), "next", &place, d, diags),
        },
        NodeKind::Resolved => Body::Resolved {
            text: text_or_report(d.text.as_ref(), &place, d, diags),
            customer: d.customer.as_ref().map(clean),
        },
        NodeKind::Escalate => {
            let party = d.party.unwrap_or_else(|| {
                diags.push(
                    place
                        .error(format!("`escalate` node `{}` needs `party`", d.id))
                        .with_hint(
                            "add `party:` — one of `vendor`, `acquirer`, `issuer`, `isp`, `power`",
                        ),
                );
                super::Party::Vendor
            });
            let mut have_ready = Vec::new();
            for (i, f) in d.have_ready.iter().flatten().enumerate() {
                if let Some(fact) = super::fact_by_id(&f.0) {
                    have_ready.push(fact);
                } else if known.facts.contains_key(&f.0) {
                    pack_facts.push(f.0.clone());
                } else {
                    let builtin = super::Fact::ALL.map(|f| f.id());
                    let all = builtin
                        .iter()
                        .copied()
                        .chain(known.facts.keys().map(String::as_str));
                    let hint = match (known.unloaded_hint(&f.0), did_you_mean(&f.0, all)) {
                        (Some(h), _) => h,
                        (None, Some(best)) => format!("did you mean `{best}`?"),
                        (None, None) => format!(
                            "the built-in facts are {}; a pack defines its own under `facts:`",
                            builtin.map(|f| format!("`{f}`")).join(", ")
                        ),
                    };
                    // The escalation works without it: the counter keeps
                    // the file and asks for the other facts.
                    diags.push(
                        place
                            .child("have_ready")
                            .child(i)
                            .error(format!(
                                "no fact is called `{}` (`have_ready` of node `{}`)",
                                f.0, d.id
                            ))
                            .with_hint(hint)
                            .soft(),
                    );
                }
            }
            Body::Escalate {
                party,
                text: text_or_report(d.text.as_ref(), &place, d, diags),
                have_ready: if d.have_ready.is_some() {
                    have_ready
                } else {
                    party.default_facts().to_vec()
                },
            }
        }
        NodeKind::Link => Body::Link {
            tree: need(d.tree.as_ref(), "tree", &place, d, diags),
            then: d.then.clone(),
        },
    };
    // A check's caution travels with it: the shared check's first, then
    // the node's own (a node adds to the warning, never replaces it).
    let shared_caution = match kind {
        NodeKind::Check | NodeKind::Question => d
            .use_check
            .as_ref()
            .and_then(|id| checks.get(id))
            .and_then(|c| c.caution.as_ref()),
        _ => None,
    };
    let mut probe = node_probe(d, &place, known, diags);
    if probe.is_some()
        && matches!(
            body,
            Body::Check {
                destructive: true,
                ..
            }
        )
    {
        diags.push(
            place
                .child("probe")
                .key()
                .error(format!(
                    "node `{}` is a destructive step: a probe may not answer it",
                    d.id
                ))
                .with_hint("put the probe on the question before or after the step"),
        );
        probe = None;
    }
    Node {
        id: d.id.clone(),
        kind,
        caution: merge_cautions(shared_caution, d.caution.as_ref().map(clean)),
        fact: d.fact,
        body,
        place,
        pack_facts,
        probe,
    }
}

/// The probe a check or question uses (`probe:`), when it is known.
fn node_probe(
    d: &NodeDef,
    place: &Place,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let id = d.probe.as_ref()?;
    if !matches!(d.kind, NodeKind::Check | NodeKind::Question) {
        // Reported with the other fields the kind does not take.
        return None;
    }
    if known.probes.contains_key(id) {
        return Some(id.clone());
    }
    let mut e = place.child("probe").error(format!(
        "no probe is called `{id}` (`probe` of node `{}`)",
        d.id
    ));
    let hint = known.unloaded_hint(id).or_else(|| {
        did_you_mean(id, known.probes.keys().map(String::as_str))
            .map(|best| format!("did you mean `{best}`?"))
    });
    e = e.with_hint(hint.unwrap_or_else(|| {
        if known.probes.is_empty() {
            "define it under `probes:` (a top-level list in any rule file)".to_owned()
        } else {
            format!(
                "the loaded probes are {}",
                known
                    .probes
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }));
    diags.push(e);
    None
}

/// The named probes (`probes:`), each checked for the fields its kind
/// takes and for its target: placeholders the profile has, ports in range,
/// URLs that are http or https.
fn collect_probes(parsed: &[&Parsed], diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Probe> {
    use super::model::{PortDef, ProbeKind, StatusDef, StatusItemDef};
    use crate::probe_target as pt;
    let mut map: HashMap<String, (Probe, usize, Place)> = HashMap::new();
    for p in parsed {
        for (i, def) in p.def.probes.iter().enumerate() {
            let place = root_place(p, format!("probes.{i}"));
            check_id(&def.id, &place.child("id"), "probe", diags);
            let kind = def.kind;
            let fields = kind.fields();
            let present = [
                ("host", def.host.is_some()),
                ("port", def.port.is_some()),
                ("name", def.name.is_some()),
                ("url", def.url.is_some()),
                ("status", def.status.is_some()),
                ("max_skew_minutes", def.max_skew_minutes.is_some()),
                ("path", def.path.is_some()),
            ];
            let takes = || {
                let mut all: Vec<String> = fields.iter().map(|(f, _)| format!("`{f}`")).collect();
                all.push("`timeout_ms`".into());
                all.join(", ")
            };
            let mut ok = true;
            for (name, is) in present {
                if is && !fields.iter().any(|(f, _)| *f == name) {
                    ok = false;
                    diags.push(
                        place
                            .child(name)
                            .key()
                            .error(format!(
                                "`{name}` does not apply to `{}` probe `{}`",
                                kind.name(),
                                def.id
                            ))
                            .with_hint(format!("a `{}` probe takes {}", kind.name(), takes())),
                    );
                }
            }
            for (name, required) in fields {
                let is = present.iter().any(|(f, v)| f == name && *v);
                if *required && !is {
                    ok = false;
                    let example = match *name {
                        "host" => "`host: \"{profile.terminal_ip}\"` or a host name",
                        "port" => "`port: \"{profile.terminal_port}\"` or a number from 1 to 65535",
                        "name" => "`name:` with the host name to resolve",
                        "url" => "`url: \"{profile.test_url}\"` or an http:// or https:// address",
                        _ => "`path:` with the file or device that must exist",
                    };
                    diags.push(
                        place
                            .child("kind")
                            .error(format!(
                                "`{}` probe `{}` needs `{name}`",
                                kind.name(),
                                def.id
                            ))
                            .with_hint(format!("add {example}")),
                    );
                }
            }
            // A text of the target: its placeholders, and nothing that
            // could not be a host, a name, a URL or a path.
            let text = |field: &str, value: &str, diags: &mut Vec<Diagnostic>| -> bool {
                let at = place.child(field);
                if value.trim().is_empty() {
                    diags.push(at.error(format!("`{field}` of probe `{}` is empty", def.id)));
                    return false;
                }
                if let Err(e) = pt::pieces(value) {
                    let chars = value[..e.span.start].chars().count()
                        ..value[..e.span.end.min(value.len())].chars().count();
                    diags.push(
                        Diagnostic::error(
                            "",
                            format!("{} (`{field}` of probe `{}`)", e.message, def.id),
                        )
                        .at(&at.file, pattern_span(&at, value, Some(chars)))
                        .with_hint(e.hint),
                    );
                    return false;
                }
                if value.chars().any(|c| c.is_whitespace() || c.is_control()) && field != "path" {
                    diags.push(
                        at.error(format!(
                            "`{field}` of probe `{}` holds a space or a control character",
                            def.id
                        ))
                        .with_hint("a host, a name or a URL is written without spaces"),
                    );
                    return false;
                }
                true
            };
            let timeout_ms = def
                .timeout_ms
                .unwrap_or(crate::probe_target::DEFAULT_TIMEOUT_MS);
            if !(1..=crate::probe_target::MAX_TIMEOUT_MS).contains(&timeout_ms) {
                ok = false;
                diags.push(
                    place
                        .child("timeout_ms")
                        .error(format!(
                            "`timeout_ms` of probe `{}` is {timeout_ms}: use 1 to {}",
                            def.id,
                            crate::probe_target::MAX_TIMEOUT_MS
                        ))
                        .with_hint("a probe is a quick look: 3000 (3 s) is the default"),
                );
            }
            let target = match kind {
                ProbeKind::Tcp => {
                    let host = def.host.clone().unwrap_or_default();
                    if def.host.is_some() && !text("host", &host, diags) {
                        ok = false;
                    }
                    let port = match &def.port {
                        Some(PortDef::Number(n)) if (1..=65535).contains(n) => n.to_string(),
                        Some(PortDef::Placeholder(s))
                            if s.trim().parse::<u16>().is_ok_and(|n| n > 0) =>
                        {
                            s.trim().to_owned()
                        }
                        Some(PortDef::Placeholder(s))
                            if pt::PORT_PLACEHOLDERS
                                .iter()
                                .any(|k| s.trim() == format!("{{profile.{k}}}")) =>
                        {
                            s.trim().to_owned()
                        }
                        Some(PortDef::Placeholder(s)) if pt::pieces(s).is_err() => {
                            ok = false;
                            text("port", s, diags);
                            String::new()
                        }
                        Some(other) => {
                            ok = false;
                            let shown = match other {
                                PortDef::Number(n) => n.to_string(),
                                PortDef::Placeholder(s) => s.clone(),
                            };
                            diags.push(
                                place
                                    .child("port")
                                    .error(format!(
                                        "`{shown}` is not a port (`port` of probe `{}`)",
                                        def.id
                                    ))
                                    .with_hint("use a number from 1 to 65535, `\"{profile.terminal_port}\"` or `\"{profile.acquirer_port}\"`"),
                            );
                            String::new()
                        }
                        None => String::new(),
                    };
                    ProbeTarget::Tcp { host, port }
                }
                ProbeKind::Dns => {
                    let name = def.name.clone().unwrap_or_default();
                    if def.name.is_some() && !text("name", &name, diags) {
                        ok = false;
                    }
                    ProbeTarget::Dns { name }
                }
                ProbeKind::Http | ProbeKind::Clock => {
                    let url = def.url.clone().unwrap_or_default();
                    if def.url.is_some() {
                        if !text("url", &url, diags) {
                            ok = false;
                        } else if !url_start_ok(&url) {
                            ok = false;
                            diags.push(
                                place
                                    .child("url")
                                    .error(format!(
                                        "`{url}` is not an http:// or https:// address (`url` of probe `{}`)",
                                        def.id
                                    ))
                                    .with_hint("start it with `https://` (or `http://`), or use `\"{profile.test_url}\"`"),
                            );
                        }
                    }
                    if kind == ProbeKind::Http {
                        let mut status = Vec::new();
                        let at = place.child("status");
                        let mut one = |item: Result<(u16, u16), String>, at: Place| match item {
                            Ok(r) => status.push(r),
                            Err(m) => {
                                ok = false;
                                diags.push(at.error(m).with_hint(
                                    "write a code (`200`), a range (`\"200-399\"`) or a list of them",
                                ));
                            }
                        };
                        let code = |n: u64| {
                            u16::try_from(n)
                                .map_err(|_| n.to_string())
                                .and_then(|c| pt::parse_status(&c.to_string()))
                                .map_err(|_| {
                                    format!(
                                        "`{n}` is not an HTTP status: use a code from 100 to 599"
                                    )
                                })
                        };
                        match &def.status {
                            None => status.push((200, 399)),
                            Some(StatusDef::Code(n)) => one(code(*n), at.clone()),
                            Some(StatusDef::Range(r)) => one(pt::parse_status(r), at.clone()),
                            Some(StatusDef::List(items)) => {
                                if items.is_empty() {
                                    one(Err("the list of statuses is empty".into()), at.clone());
                                }
                                for (j, it) in items.iter().enumerate() {
                                    let r = match it {
                                        StatusItemDef::Code(n) => code(*n),
                                        StatusItemDef::Range(r) => pt::parse_status(r),
                                    };
                                    one(r, at.child(j));
                                }
                            }
                        }
                        ProbeTarget::Http { url, status }
                    } else {
                        ProbeTarget::Clock {
                            url,
                            max_skew_minutes: def
                                .max_skew_minutes
                                .unwrap_or(crate::probe_target::DEFAULT_MAX_SKEW_MINUTES),
                        }
                    }
                }
                ProbeKind::Path => {
                    let path = def.path.clone().unwrap_or_default();
                    if def.path.is_some() && !text("path", &path, diags) {
                        ok = false;
                    }
                    ProbeTarget::Path { path }
                }
            };
            let _ = ok;
            let probe = Probe {
                id: def.id.clone(),
                label: clean(&def.label),
                kind,
                target,
                timeout_ms,
                place: place.clone(),
                pack: p.pack,
            };
            place_by_id(
                &mut map,
                def.id.clone(),
                probe,
                p.pack,
                place.child("id"),
                "probe",
                diags,
            );
        }
    }
    map.into_iter().map(|(k, (f, _, _))| (k, f)).collect()
}

/// True for a URL that starts as http or https, or with the profile's test URL.
fn url_start_ok(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || url.starts_with("{profile.test_url}")
}

/// Two cautions as one text, `first` before `then`, in each language.
pub fn merge_cautions(first: Option<&Text>, then: Option<Text>) -> Option<Text> {
    let (first, then) = match (first, then) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => return Some(f.clone()),
        (None, t) => return t,
    };
    // Chinese sentences end in full-width punctuation and need no space.
    let join = |a: &str, b: &str| {
        let wide = a
            .chars()
            .last()
            .is_some_and(|c| unicode_width::UnicodeWidthChar::width(c) == Some(2));
        if wide {
            format!("{a}{b}")
        } else {
            format!("{a} {b}")
        }
    };
    let zh = (first.zh.is_some() || then.zh.is_some())
        .then(|| join(first.get(Lang::Zh), then.get(Lang::Zh)));
    Some(Text {
        en: join(&first.en, &then.en),
        zh,
    })
}

/// Where in the file a problem inside a pattern is: the characters `chars`
/// of the pattern, mapped through the quoting it is written with (plain,
/// `'…'` with `''`, or `"…"` with escapes such as `\\d`); else the whole
/// value.
fn pattern_span(
    at: &Place,
    pattern: &str,
    chars: Option<std::ops::Range<usize>>,
) -> std::ops::Range<usize> {
    let whole = at.span();
    let text = &at.file.text;
    let Some(chars) = chars else {
        return whole;
    };
    let start = whole.start.min(text.len());
    let Some(offsets) = scalar_offsets(&text[start..], pattern) else {
        return whole;
    };
    // offsets[i]: where the i-th character of the pattern is written;
    // offsets[n]: just after the last one.
    let at_char = |c: usize| start + offsets[c.min(offsets.len() - 1)];
    let a = at_char(chars.start);
    let b = at_char(chars.end).max(at_char((chars.start + 1).min(offsets.len() - 1)));
    a..b.max(a + 1).min(text.len())
}

/// For a scalar written at the start of `raw` whose value is `value`: the
/// byte offset in `raw` of each character of the value, and of its end.
/// `None` when the value is not written on one line as read here.
fn scalar_offsets(raw: &str, value: &str) -> Option<Vec<usize>> {
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut decoded = String::with_capacity(value.len());
    let mut it = raw.char_indices().peekable();
    let quote = match raw.chars().next() {
        Some(q @ ('\'' | '"')) => {
            it.next();
            Some(q)
        }
        _ => None,
    };
    while decoded.len() < value.len() {
        let (i, c) = it.next()?;
        match (quote, c) {
            (_, '\n' | '\r') => return None,
            (Some('"'), '\\') => {
                let (_, e) = it.next()?;
                let hex = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => 0,
                };
                let ch = if hex > 0 {
                    let digits: String =
                        (0..hex).filter_map(|_| it.next().map(|(_, d)| d)).collect();
                    char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?
                } else {
                    match e {
                        '0' => '\0',
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        't' | '\t' => '\t',
                        'n' => '\n',
                        'v' => '\u{b}',
                        'f' => '\u{c}',
                        'r' => '\r',
                        'e' => '\u{1b}',
                        ' ' => ' ',
                        '"' => '"',
                        '/' => '/',
                        '\\' => '\\',
                        'N' => '\u{85}',
                        '_' => '\u{a0}',
                        'L' => '\u{2028}',
                        'P' => '\u{2029}',
                        _ => return None,
                    }
                };
                offsets.push(i);
                decoded.push(ch);
            }
            (Some('\''), '\'') if it.peek().is_some_and(|(_, n)| *n == '\'') => {
                it.next();
                offsets.push(i);
                decoded.push('\'');
            }
            (Some(q), c) if c == q => return None,
            _ => {
                offsets.push(i);
                decoded.push(c);
            }
        }
    }
    if decoded != value {
        return None;
    }
    offsets.push(it.peek().map_or(raw.len(), |(i, _)| *i));
    Some(offsets)
}

/// A required reference; a missing one is reported and becomes "" (which
/// later checks skip, so it is reported once).
fn need(
    value: Option<&String>,
    field: &str,
    place: &Place,
    d: &NodeDef,
    diags: &mut Vec<Diagnostic>,
) -> String {
    match value {
        Some(v) => v.clone(),
        None => {
            diags.push(needs(place, d, field));
            String::new()
        }
    }
}

/// "`text` node `code` needs `otherwise`", with what to write.
fn needs(place: &Place, d: &NodeDef, field: &str) -> Diagnostic {
    let kind = d.kind.name();
    let example = match field {
        "text" | "ask" => format!("`{field}: {{en: \"...\", zh: \"...\"}}`"),
        "party" => "`party:` — one of `vendor`, `acquirer`, `issuer`, `isp`, `power`".into(),
        "tree" => "`tree:` with the id of the tree to continue in".into(),
        _ => format!("`{field}:` with the id of the node to go to"),
    };
    place
        .error(format!("`{kind}` node `{}` needs `{field}`", d.id))
        .with_hint(format!("add {example}"))
}

fn text_or_report(
    t: Option<&Text>,
    place: &Place,
    d: &NodeDef,
    diags: &mut Vec<Diagnostic>,
) -> Text {
    match t {
        Some(t) => clean(t),
        None => {
            diags.push(needs(place, d, "text"));
            Text::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_without_findings() {
        let loaded = load(&LoadOptions {
            builtin: true,
            packs: vec![],
        });
        let msgs: Vec<_> = loaded.diagnostics.iter().map(|d| d.render(false)).collect();
        assert!(msgs.is_empty(), "{}", msgs.join("\n"));
        assert!(loaded.rules.tree("no-power").is_some());
    }

    #[test]
    fn sanitize_strips_escapes_and_controls() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(sanitize("tab\tnl\n\u{7}\u{202e}evil"), "tab\tnl\nevil");
        assert_eq!(sanitize("中文"), "中文");
    }

    #[test]
    fn a_used_checks_caution_comes_first_then_the_nodes_own() {
        let check = Text::new("Never switch off.", "切勿关机。");
        let own = Text::new("Keep it plugged in.", "保持接通电源。");
        let both = merge_cautions(Some(&check), Some(own.clone())).unwrap();
        assert_eq!(both.en, "Never switch off. Keep it plugged in.");
        assert_eq!(both.zh.as_deref(), Some("切勿关机。保持接通电源。"));
        assert_eq!(merge_cautions(Some(&check), None), Some(check.clone()));
        assert_eq!(merge_cautions(None, Some(own.clone())), Some(own));
        assert_eq!(merge_cautions(None, None), None);
        // The built-in no-power `battery-reseat` uses a check with a caution.
        let rules = load(&LoadOptions {
            builtin: true,
            packs: vec![],
        })
        .rules;
        let node = rules
            .tree("no-power")
            .and_then(|t| t.node("battery-reseat"))
            .unwrap();
        assert!(node
            .caution
            .as_ref()
            .is_some_and(|c| c.en.contains("swollen")));
    }

    #[test]
    fn ids() {
        assert!(valid_id("no-power"));
        assert!(valid_id("a.b_c-1"));
        assert!(!valid_id(""));
        assert!(!valid_id("-x"));
        assert!(!valid_id("a=b"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id("中文"));
    }
}
