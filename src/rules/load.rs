//! The loader: built-in rules embedded in the binary, then the user's packs
//! (`--rules`, `POSDOCTOR_RULES`), a tree or check with the same id
//! replacing an earlier one. Each file is read with a size limit, checked for
//! UTF-8 and parsed; each node is checked for the fields its kind uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};

use super::model::{CheckDef, NodeDef, NodeKind, RuleFile, TreeDef};
use super::yaml::{self, LazyIndex};
use super::{Body, Check, Choice, Node, Origin, Place, Route, RuleSet, Tree};
use crate::diag::{did_you_mean, Diagnostic, SourceFile};
use crate::i18n::{Lang, Text};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

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
    def: RuleFile,
    origin: Origin,
    pack: usize,
}

/// Pack number of the built-in rules; user packs count from 1.
pub const BUILTIN_PACK: usize = 0;

pub fn load(opts: &LoadOptions) -> Loaded {
    let mut diags = Vec::new();
    let mut inputs = Vec::new();
    if opts.builtin {
        builtin_inputs(&BUILTIN, &mut inputs);
    }
    // The same pack named twice (`--rules x validate x`) is loaded once.
    let mut seen = std::collections::HashSet::new();
    for (i, pack) in opts.packs.iter().enumerate() {
        if seen.insert(std::fs::canonicalize(pack).unwrap_or_else(|_| pack.clone())) {
            pack_inputs(pack, i + 1, &mut inputs, &mut diags);
        }
    }
    finish(inputs, diags)
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
    finish(inputs, Vec::new())
}

/// Parses, checks and combines the raw files.
fn finish(inputs: Vec<Input>, mut diags: Vec<Diagnostic>) -> Loaded {
    let parsed: Vec<Parsed> = inputs
        .into_iter()
        .filter_map(|inp| parse_input(inp, &mut diags))
        .collect();
    let checks = collect_checks(&parsed, &mut diags);
    let trees = collect_trees(&parsed, &checks, &mut diags);
    let codes = collect_codes(&parsed, &mut diags);
    Loaded {
        rules: RuleSet::from_parts(trees, checks, codes),
        diagnostics: diags,
    }
}

fn builtin_inputs(dir: &Dir<'static>, out: &mut Vec<Input>) {
    let mut files: Vec<_> = dir.files().collect();
    files.sort_by_key(|f| f.path());
    for f in files {
        if is_rule_file(f.path()) {
            out.push(Input {
                name: format!("builtin:rules/{}", f.path().display()),
                origin: Origin::Builtin,
                pack: BUILTIN_PACK,
                bytes: f.contents().to_vec(),
            });
        }
    }
    let mut dirs: Vec<_> = dir.dirs().collect();
    dirs.sort_by_key(|d| d.path());
    for d in dirs {
        builtin_inputs(d, out);
    }
}

fn is_rule_file(p: &Path) -> bool {
    let hidden = p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn pack_inputs(pack: &Path, n: usize, out: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    let name = pack.display().to_string();
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
        collect_dir(pack, &mut files, diags, 0);
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
        let name = path.display().to_string();
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

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>, depth: usize) {
    if depth > 16 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                dir.display().to_string(),
                format!("cannot read the folder: {}", io_reason(&e)),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_dir(&path, out, diags, depth + 1);
        } else if is_rule_file(&path) {
            out.push(path);
        }
    }
}

/// Reads a regular file of at most [`yaml::MAX_FILE_BYTES`] (one byte more
/// is read, so a huge file is refused without being read whole). A FIFO, a
/// device or a folder is an error at once, never a wait.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::paths::read_regular(path, yaml::MAX_FILE_BYTES as u64)
}

/// An I/O error as a short sentence, without Rust's debug form.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a folder, not a file".into(),
        // posdoctor's own reasons (a FIFO given as a file) are sentences already.
        _ if e.raw_os_error().is_none() => e.to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

fn parse_input(inp: Input, diags: &mut Vec<Diagnostic>) -> Option<Parsed> {
    let text = match yaml::decode(&inp.name, inp.bytes) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file = Arc::new(SourceFile {
        name: inp.name,
        text,
    });
    let def: RuleFile = match yaml::parse(&file) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return None;
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
    if def.trees.is_empty() && def.checks.is_empty() && def.codes.is_empty() {
        diags.push(
            root.error("the file defines no trees, checks or codes")
                .with_hint("add a `trees:` list; see docs/rules.md"),
        );
    }
    Some(Parsed {
        file,
        index,
        def,
        origin: inp.origin,
        pack: inp.pack,
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
        diags.push(
            place
                .error(format!("the {what} id `{id}` is not allowed"))
                .with_hint(format!(
                    "use up to {MAX_ID_CHARS} letters, digits, `-`, `_` and `.`, starting with a letter or digit"
                )),
        );
    }
}

/// Later packs replace earlier ones by id; two definitions in one pack are an
/// error, and two user packs defining the same id get a warning.
fn place_by_id<T>(
    map: &mut HashMap<String, (T, usize, Place)>,
    id: String,
    item: T,
    pack: usize,
    place: Place,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((_, old_pack, old_place)) = map.get(&id) {
        let first = old_place.error("").headline();
        let first = first.split(": error").next().unwrap_or("").to_owned();
        if *old_pack == pack {
            diags.push(
                place
                    .error(format!("duplicate {what} id `{id}`"))
                    .with_hint(format!("it is already defined at {first}")),
            );
            return;
        }
        if *old_pack != BUILTIN_PACK {
            diags.push(
                place
                    .warning(format!("{what} `{id}` is defined by two packs; this one replaces the one at {first}"))
                    .with_hint("remove one of them, or load only one pack"),
            );
        }
    }
    map.insert(id, (item, pack, place));
}

fn collect_checks(parsed: &[Parsed], diags: &mut Vec<Diagnostic>) -> HashMap<String, Check> {
    let mut map: HashMap<String, (Check, usize, Place)> = HashMap::new();
    for p in parsed {
        for (i, def) in p.def.checks.iter().enumerate() {
            let place = root_place(p, format!("checks.{i}"));
            check_id(&def.id, &place.child("id"), "check", diags);
            let check = compile_check(def, place.clone(), p.pack);
            place_by_id(
                &mut map,
                def.id.clone(),
                check,
                p.pack,
                place.child("id"),
                "check",
                diags,
            );
        }
    }
    map.into_iter().map(|(k, (c, _, _))| (k, c)).collect()
}

fn collect_codes(
    parsed: &[Parsed],
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

fn collect_trees(
    parsed: &[Parsed],
    checks: &HashMap<String, Check>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Tree> {
    let mut map: HashMap<String, (Tree, usize, Place)> = HashMap::new();
    for p in parsed {
        for (i, def) in p.def.trees.iter().enumerate() {
            let place = root_place(p, format!("trees.{i}"));
            check_id(&def.id, &place.child("id"), "tree", diags);
            let tree = compile_tree(def, place.clone(), p, checks, diags);
            place_by_id(
                &mut map,
                def.id.clone(),
                tree,
                p.pack,
                place.child("id"),
                "tree",
                diags,
            );
        }
    }
    map.into_values().map(|(t, _, _)| t).collect()
}

fn compile_tree(
    def: &TreeDef,
    place: Place,
    p: &Parsed,
    checks: &HashMap<String, Check>,
    diags: &mut Vec<Diagnostic>,
) -> Tree {
    let mut nodes = Vec::with_capacity(def.nodes.len());
    let mut index = HashMap::new();
    for (i, nd) in def.nodes.iter().enumerate() {
        let np = place.child("nodes").child(i);
        check_id(&nd.id, &np.child("id"), "node", diags);
        if let Some(&first) = index.get(&nd.id) {
            let first: &Node = &nodes[first];
            let at = first.place.child("id").error("").headline();
            let at = at.split(": error").next().unwrap_or("").to_owned();
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
        let node = compile_node(nd, np, checks, diags);
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
        nodes,
        index,
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
    fn present(&self) -> [(&'static str, bool); 18] {
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
        ],
        NodeKind::Question => &["ask", "caution", "yes", "no"],
        NodeKind::Choice => &["ask", "caution", "choices", "fact"],
        NodeKind::Text => &["ask", "caution", "routes", "otherwise", "fact"],
        NodeKind::Info => &["text", "caution", "next"],
        NodeKind::Resolved => &["text", "caution", "customer"],
        NodeKind::Escalate => &["party", "text", "caution", "have_ready"],
        NodeKind::Link => &["tree"],
    }
}

fn compile_node(
    d: &NodeDef,
    place: Place,
    checks: &HashMap<String, Check>,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let kind = d.kind;
    let allowed = allowed_fields(kind);
    for (name, present) in (Fields { def: d }).present() {
        if present && !allowed.contains(&name) {
            diags.push(
                place
                    .child(name)
                    .key()
                    .error(format!(
                        "`{name}` does not apply to a `{}` node",
                        kind.name()
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
            let yes = need(d.yes.as_ref(), "yes", &place, kind, diags);
            let no = need(d.no.as_ref(), "no", &place, kind, diags);
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
            if kind == NodeKind::Check && d.use_check.is_none() && d.action.is_none() {
                diags.push(
                    place.error("a `check` node needs `do` (what to do) or `use` (a shared check)"),
                );
            }
            if kind == NodeKind::Question && d.ask.is_none() {
                diags.push(place.error("a `question` node needs `ask`"));
            }
            if let Some(id) = &d.use_check {
                if shared.is_none() {
                    let mut e = place
                        .child("use")
                        .error(format!("no shared check is called `{id}`"));
                    if let Some(best) = did_you_mean(id, checks.keys().map(String::as_str)) {
                        e = e.with_hint(format!("did you mean `{best}`?"));
                    }
                    diags.push(e);
                }
            }
            if destructive && d.skip.is_none() {
                diags.push(
                    place
                        .error("a destructive step needs `skip`: where to go when the person does not want to do it")
                        .with_hint("point `skip` at the safer way, usually calling the vendor first"),
                );
            }
            let caution_known = d.caution.is_some() || shared.is_some_and(|c| c.caution.is_some());
            if destructive && !caution_known {
                diags.push(
                    place
                        .error("a destructive step needs a `caution` that says what it erases")
                        .with_hint(
                            "e.g. \"A factory reset can erase unsent transactions and settings\"",
                        ),
                );
            }
            if !destructive && d.skip.is_some() {
                diags.push(
                    place
                        .child("skip")
                        .key()
                        .error("`skip` applies only to a destructive step")
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
                        .error("a `choice` node needs at least one entry in `choices`")
                        .with_hint("or use a `question` node for yes/no"),
                );
            }
            let mut seen = HashMap::new();
            for (i, c) in choices.iter().enumerate() {
                let cp = place.child("choices").child(i).child("id");
                check_id(&c.id, &cp, "choice", diags);
                if seen.insert(c.id.clone(), i).is_some() {
                    diags.push(cp.error(format!("duplicate choice id `{}`", c.id)));
                }
            }
            Body::Choice {
                ask: d.ask.as_ref().map(clean).unwrap_or_else(|| {
                    diags.push(place.error("a `choice` node needs `ask`"));
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
                match Route::new(&r.pattern, &r.next) {
                    Ok(route) => routes.push(route),
                    Err(why) => diags.push(place.child("routes").child(i).child("match").error(
                        format!("the pattern is not a valid regular expression: {why}"),
                    )),
                }
            }
            Body::Text {
                ask: d.ask.as_ref().map(clean).unwrap_or_else(|| {
                    diags.push(place.error("a `text` node needs `ask`"));
                    Text::default()
                }),
                routes,
                otherwise: need(d.otherwise.as_ref(), "otherwise", &place, kind, diags),
            }
        }
        NodeKind::Info => Body::Info {
            text: text_or_report(d.text.as_ref(), &place, kind, diags),
            next: need(d.next.as_ref(), "next", &place, kind, diags),
        },
        NodeKind::Resolved => Body::Resolved {
            text: text_or_report(d.text.as_ref(), &place, kind, diags),
            customer: d.customer.as_ref().map(clean),
        },
        NodeKind::Escalate => {
            let party = d.party.unwrap_or_else(|| {
                diags.push(
                    place
                        .error("an `escalate` node needs `party`")
                        .with_hint("one of `vendor`, `acquirer`, `issuer`, `isp`, `power`"),
                );
                super::Party::Vendor
            });
            Body::Escalate {
                party,
                text: text_or_report(d.text.as_ref(), &place, kind, diags),
                have_ready: d
                    .have_ready
                    .clone()
                    .unwrap_or_else(|| party.default_facts().to_vec()),
            }
        }
        NodeKind::Link => Body::Link {
            tree: need(d.tree.as_ref(), "tree", &place, kind, diags),
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
    Node {
        id: d.id.clone(),
        kind,
        caution: merge_cautions(shared_caution, d.caution.as_ref().map(clean)),
        fact: d.fact,
        body,
        place,
    }
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

/// A required reference; a missing one is reported and becomes "" (which
/// later checks skip, so it is reported once).
fn need(
    value: Option<&String>,
    field: &str,
    place: &Place,
    kind: NodeKind,
    diags: &mut Vec<Diagnostic>,
) -> String {
    match value {
        Some(v) => v.clone(),
        None => {
            diags.push(place.error(format!("a `{}` node needs `{field}`", kind.name())));
            String::new()
        }
    }
}

fn text_or_report(
    t: Option<&Text>,
    place: &Place,
    kind: NodeKind,
    diags: &mut Vec<Diagnostic>,
) -> Text {
    match t {
        Some(t) => clean(t),
        None => {
            diags.push(place.error(format!("a `{}` node needs `text`", kind.name())));
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
