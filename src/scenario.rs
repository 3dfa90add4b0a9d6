//! Scenario files: a pack's own tests. Each case names a tree, the answers
//! a script would give (the same mapping as `run --answers`), and what must
//! come of them: the outcome, and optionally the party, the final node, a
//! customer-side ending, nodes the walk must and must not pass. Cases run
//! through the engine alone — no log, no profile, no probes — so they are
//! fast and repeatable in CI. When a case fails, it says which path the
//! walk took and where that path left the one the case expected.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::ops::Range;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::diag::{did_you_mean, Diagnostic, SourceFile};
use crate::engine::{edge_for, Answer, State, Walk};
use crate::i18n::Lang;
use crate::rules::yaml::{self, YNode};
use crate::rules::{Body, Node, Party, RuleSet, Tree};
use crate::ui::{Answerer, Reply, Scripted};

/// One case of a scenario file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    /// What the case checks, in a few words (shown on every result line).
    pub name: String,
    /// The tree to walk.
    pub tree: String,
    /// Answers by node id, as for `run --answers`: a value, or a list used
    /// in turn when the walk comes back to the node. Nodes of a linked tree
    /// are `TREE/NODE`.
    #[serde(default)]
    pub answers: Option<AnyAnswers>,
    /// The language of the walk (prompts in a failing case's path).
    #[serde(default)]
    pub lang: Option<CaseLang>,
    pub expect: ExpectDef,
}

/// What a case expects.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDef {
    /// How the walk ends.
    pub outcome: ExpectOutcome,
    /// escalated: who to call.
    #[serde(default)]
    pub party: Option<Party>,
    /// The node the walk ends at (or stops at, for needs_input), as scripts
    /// name it.
    #[serde(default)]
    pub node: Option<String>,
    /// resolved: `true` for a customer-side ending (the terminal works; the
    /// customer's card or bank is the cause), `false` for a fix at the shop.
    #[serde(default)]
    pub customer: Option<bool>,
    /// Nodes the walk must pass (in any order).
    #[serde(default)]
    pub visits: Vec<String>,
    /// Nodes the walk must not pass.
    #[serde(default)]
    pub not_visits: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpectOutcome {
    Resolved,
    Escalated,
    NeedsInput,
}

impl ExpectOutcome {
    pub fn id(self) -> &'static str {
        match self {
            ExpectOutcome::Resolved => "resolved",
            ExpectOutcome::Escalated => "escalated",
            ExpectOutcome::NeedsInput => "needs_input",
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CaseLang {
    En,
    Zh,
}

/// Any answers mapping; read again from the YAML tree so that every value
/// stays as written (`05` stays `05`).
#[derive(Debug)]
pub struct AnyAnswers;

impl<'de> Deserialize<'de> for AnyAnswers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| AnyAnswers)
    }
}

impl JsonSchema for AnyAnswers {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Answers".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Answers by node id: a value, or a list of values used in turn.",
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    {"type": ["string", "number", "boolean"]},
                    {"type": "array", "items": {"type": ["string", "number", "boolean"]}}
                ]
            }
        })
    }
}

/// A case ready to run.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    /// The scenario file, and the case's line in it.
    pub file: String,
    pub line: usize,
    pub tree: String,
    /// (node, answers in turn), in file order.
    pub answers: Vec<(String, Vec<String>)>,
    /// Where the ids the case names are written: (line, column) of its
    /// `tree`, of each answer's key (as `answers`), of `expect.node`, and
    /// of each entry of `visits` and `not_visits`.
    pub places: CasePlaces,
    pub lang: Lang,
    pub outcome: ExpectOutcome,
    pub party: Option<Party>,
    pub node: Option<String>,
    pub customer: Option<bool>,
    pub visits: Vec<String>,
    pub not_visits: Vec<String>,
}

/// Where a case's ids are written (see [`Case::places`]).
#[derive(Clone, Debug, Default)]
pub struct CasePlaces {
    pub tree: (usize, usize),
    pub answers: Vec<(usize, usize)>,
    pub node: Option<(usize, usize)>,
    pub visits: Vec<(usize, usize)>,
    pub not_visits: Vec<(usize, usize)>,
}

/// Reads one scenario file: the cases that can run, and every finding
/// about the others. A case with an error is reported and left out; the
/// rest of the file still runs.
pub fn read(name: &str, text: &str) -> (Vec<Case>, Vec<Diagnostic>) {
    let text = match yaml::decode(name, text.as_bytes().to_vec()) {
        Ok(t) => t,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let file = Arc::new(SourceFile::new(name.to_owned(), text));
    let mut errors = Vec::new();
    // The cases with a finding of their own (by index) do not run.
    let mut broken: HashSet<usize> = HashSet::new();
    let defs: Vec<CaseDef> = match yaml::parse_checked(&file) {
        Ok(d) => d,
        Err(u) => {
            errors.extend(u.findings);
            let Some((defs, taints)) = u.salvaged else {
                return (Vec::new(), errors);
            };
            for t in &taints {
                match t.entity.split('.').next().and_then(|i| i.parse().ok()) {
                    Some(i) => {
                        broken.insert(i);
                    }
                    // The file as a whole is wrong: nothing of it runs.
                    None => return (Vec::new(), errors),
                }
            }
            defs
        }
    };
    let root = YNode::parse(&file.text);
    let items: Vec<YNode> = match root {
        Some(YNode::Seq { items, .. }) => items,
        _ => Vec::new(),
    };
    let mut cases = Vec::new();
    let at = |span: Range<usize>| {
        let d = Diagnostic::error("", "").at(&file, span);
        (d.line, d.col)
    };
    for (i, def) in defs.into_iter().enumerate() {
        if broken.contains(&i) {
            continue;
        }
        let item = items.get(i);
        let span = item.map_or(0..0, YNode::span);
        let line = at(span.clone()).0;
        let expect = item.and_then(|n| n.get("expect"));
        let list_places = |key: &str| -> Vec<(usize, usize)> {
            match expect.and_then(|x| x.get(key)) {
                Some(YNode::Seq { items, .. }) => items.iter().map(|v| at(v.span())).collect(),
                _ => Vec::new(),
            }
        };
        let places = CasePlaces {
            tree: item
                .and_then(|n| n.get("tree"))
                .map_or((line, 1), |t| at(t.span())),
            answers: match item.and_then(|n| n.get("answers")) {
                Some(YNode::Map { entries, .. }) => {
                    entries.iter().map(|e| at(e.key_span.clone())).collect()
                }
                _ => Vec::new(),
            },
            node: expect.and_then(|x| x.get("node")).map(|n| at(n.span())),
            visits: list_places("visits"),
            not_visits: list_places("not_visits"),
        };
        let answers = match item.and_then(|n| n.get("answers")) {
            Some(node) => match answers_of(node, &file) {
                Ok(a) => a,
                Err(d) => {
                    errors.push(d);
                    continue;
                }
            },
            None => Vec::new(),
        };
        let e = &def.expect;
        let mut wrong = |field: &str, why: &str| {
            let at = item
                .and_then(|n| n.get("expect"))
                .and_then(|x| x.get(field))
                .map_or(span.clone(), YNode::span);
            errors.push(
                Diagnostic::error("", format!("case `{}`: {why}", def.name))
                    .at(&file, at)
                    .with_hint("`party` goes with `outcome: escalated`, `customer` with `outcome: resolved`"),
            );
        };
        if e.party.is_some() && e.outcome != ExpectOutcome::Escalated {
            wrong("party", "`party` needs `outcome: escalated`");
            continue;
        }
        if e.customer.is_some() && e.outcome != ExpectOutcome::Resolved {
            wrong("customer", "`customer` needs `outcome: resolved`");
            continue;
        }
        cases.push(Case {
            name: def.name.trim().to_owned(),
            file: file.name.clone(),
            line,
            tree: def.tree,
            answers,
            lang: match def.lang {
                Some(CaseLang::Zh) => Lang::Zh,
                _ => Lang::En,
            },
            outcome: e.outcome,
            party: e.party,
            node: e.node.clone(),
            customer: e.customer,
            visits: e.visits.clone(),
            not_visits: e.not_visits.clone(),
            places,
        });
    }
    (cases, errors)
}

/// A case's answers, every value as written; YAML booleans read as yes/no.
fn answers_of(
    node: &YNode,
    file: &Arc<SourceFile>,
) -> Result<Vec<(String, Vec<String>)>, Diagnostic> {
    let scalar = |n: &YNode| -> Option<String> {
        match n {
            YNode::Scalar { value, plain, .. } => Some(match (value.as_str(), plain) {
                ("true", true) => "yes".into(),
                ("false", true) => "no".into(),
                _ => value.clone(),
            }),
            _ => None,
        }
    };
    let bad = |span: Range<usize>, msg: String| {
        Diagnostic::error("", msg).at(file, span).with_hint(
            "write `node: answer`, or `node: [first, second]` for a node the walk visits again",
        )
    };
    match node {
        _ if node.is_null() => Ok(Vec::new()),
        YNode::Map { entries, .. } => entries
            .iter()
            .map(|e| {
                let values = match &e.value {
                    YNode::Seq { items, .. } => items
                        .iter()
                        .map(|i| {
                            scalar(i).ok_or_else(|| {
                                bad(
                                    i.span(),
                                    format!("the answers for `{}` must be plain values", e.key),
                                )
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    v => vec![scalar(v).ok_or_else(|| {
                        bad(
                            v.span(),
                            format!(
                                "the answer for `{}` must be a value or a list of values",
                                e.key
                            ),
                        )
                    })?],
                };
                Ok((e.key.clone(), values))
            })
            .collect(),
        other => Err(bad(
            other.span(),
            "`answers` must be a mapping from node id to answer".into(),
        )),
    }
}

/// The node a stale id most likely became: one that is a whole `-` part of
/// it or the other way round (`battery-danger` → `danger`), else the
/// closest spelling.
fn suggest_node<'a>(id: &str, known: &HashSet<&'a str>) -> Option<&'a str> {
    let part_of = |a: &str, b: &str| {
        b.starts_with(&format!("{a}-"))
            || b.ends_with(&format!("-{a}"))
            || b.contains(&format!("-{a}-"))
    };
    let mut parts: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| part_of(k, id) || part_of(id, k))
        .collect();
    parts.sort_unstable();
    match parts.as_slice() {
        [one] => Some(one),
        _ => {
            let mut sorted: Vec<&str> = known.iter().copied().collect();
            sorted.sort_unstable();
            did_you_mean(id, sorted)
        }
    }
}

/// One node of a walk's path, as a script names it, and the answer given.
#[derive(Clone, Debug, Serialize)]
pub struct PathStep {
    pub node: String,
    /// None for info steps (read, not answered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// Where a failing walk left the expected path.
#[derive(Clone, Debug, Serialize)]
pub struct LeftAt {
    /// 1-based step of the path.
    pub step: usize,
    pub node: String,
    pub answer: String,
    /// Where the expected path goes (a node).
    pub toward: String,
    /// Answers at that step that still lead there.
    pub instead: Vec<String>,
}

/// How a case went.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub file: String,
    /// The case's first line; for a case that names a tree or node that
    /// does not exist, the line and column of that name.
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub tree: String,
    pub passed: bool,
    /// `resolved`, `escalated`, `needs_input`, or `error` (the case could
    /// not run: unknown tree, bad answer).
    pub outcome: String,
    /// The final node (or the one the walk stopped at).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<&'static str>,
    pub customer: bool,
    pub path: Vec<PathStep>,
    pub expected: String,
    /// One sentence per expectation not met (empty when passed).
    pub failures: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_at: Option<LeftAt>,
    pub warnings: Vec<String>,
    /// The same walk as a command to paste (`posdoctor [--rules …] run …`;
    /// `run` fills in the command line, `commands::test` the options).
    pub command: String,
    /// Edges the walk took: (tree, node, edge), for coverage.
    #[serde(skip)]
    pub taken: Vec<(String, String, String)>,
    /// Nodes the walk passed: (tree, node).
    #[serde(skip)]
    pub seen: Vec<(String, String)>,
}

impl Case {
    /// "escalated (vendor)", "resolved": the kind of ending expected.
    fn expected_kind(&self) -> String {
        match self.party {
            Some(p) => format!("{} ({})", self.outcome.id(), p.id()),
            None => self.outcome.id().to_owned(),
        }
    }

    /// The expectation in one line: "escalated (vendor) at stop-danger".
    pub fn expected(&self) -> String {
        let mut s = self.outcome.id().to_owned();
        if let Some(p) = self.party {
            s.push_str(&format!(" ({})", p.id()));
        }
        if let Some(c) = self.customer {
            s.push_str(if c {
                " (customer-side)"
            } else {
                " (fixed at the shop)"
            });
        }
        if let Some(n) = &self.node {
            s.push_str(&format!(" at {n}"));
        }
        s
    }
}

/// A tree and every tree it links to, each node named as scripts name it:
/// `node` in the tree itself, `tree/node` in a linked one.
pub fn named_nodes<'r>(rules: &'r RuleSet, root: &'r Tree) -> Vec<(String, &'r Tree, &'r Node)> {
    let mut out = Vec::new();
    let mut queue = VecDeque::from([root]);
    let mut seen = HashSet::from([root.id.as_str()]);
    while let Some(t) = queue.pop_front() {
        for n in &t.nodes {
            let name = if std::ptr::eq(t, root) {
                n.id.clone()
            } else {
                format!("{}/{}", t.id, n.id)
            };
            out.push((name, t, n));
            if let Body::Link { tree, .. } = &n.body {
                if let Some(next) = rules.tree(tree) {
                    if seen.insert(next.id.as_str()) {
                        queue.push_back(next);
                    }
                }
            }
        }
    }
    out
}

/// The walk's graph over (tree, node) pairs: where each node can lead next,
/// with links followed as the engine follows them.
struct Graph<'r> {
    rules: &'r RuleSet,
}

impl<'r> Graph<'r> {
    /// Enters `id` of `tree` as the engine does: a link goes on to the
    /// linked tree's start.
    fn enter(&self, tree: &'r Tree, id: &str) -> Option<(&'r Tree, &'r Node)> {
        let mut tree = tree;
        let mut node = tree.node(id)?;
        for _ in 0..64 {
            match &node.body {
                Body::Link { tree: next, .. } => {
                    tree = self.rules.tree(next)?;
                    node = tree.node(&tree.start)?;
                }
                _ => return Some((tree, node)),
            }
        }
        None
    }

    fn next(&self, tree: &'r Tree, node: &'r Node) -> Vec<(String, &'r Tree, &'r Node)> {
        node.edges()
            .into_iter()
            .flat_map(|e| {
                // A link with `then` comes back there once the linked tree
                // is resolved: both are within reach of this answer.
                let back = match tree.node(e.target).map(|n| &n.body) {
                    Some(Body::Link {
                        then: Some(then), ..
                    }) => self.enter(tree, then),
                    _ => None,
                };
                [self.enter(tree, e.target), back]
                    .into_iter()
                    .flatten()
                    .map(move |(t, n)| (e.answer.clone(), t, n))
            })
            .collect()
    }

    /// Whether the walk can get from `from` to a node `is_target` accepts.
    fn reaches(
        &self,
        from: (&'r Tree, &'r Node),
        is_target: &dyn Fn(&Tree, &Node) -> bool,
    ) -> bool {
        let mut seen = HashSet::new();
        let mut queue = VecDeque::from([from]);
        while let Some((t, n)) = queue.pop_front() {
            if !seen.insert((t.id.as_str(), n.id.as_str())) {
                continue;
            }
            if is_target(t, n) {
                return true;
            }
            for (_, t2, n2) in self.next(t, n) {
                queue.push_back((t2, n2));
            }
        }
        false
    }
}

/// Runs one case against `rules`.
pub fn run(case: &Case, rules: &RuleSet) -> CaseResult {
    let mut result = CaseResult {
        name: case.name.clone(),
        file: case.file.clone(),
        line: case.line,
        column: None,
        tree: case.tree.clone(),
        passed: false,
        outcome: "error".into(),
        end: None,
        party: None,
        customer: false,
        path: Vec::new(),
        expected: case.expected(),
        failures: Vec::new(),
        left_at: None,
        warnings: Vec::new(),
        command: command(case),
        taken: Vec::new(),
        seen: Vec::new(),
    };
    // A name that does not exist is reported where it is written.
    let place_at = |result: &mut CaseResult, at: Option<&(usize, usize)>| {
        if let (Some(&(line, col)), None) = (at, result.column) {
            result.line = line;
            result.column = Some(col);
        }
    };
    let Some(root) = rules.tree(&case.tree) else {
        let mut f = format!("no tree is called `{}`", case.tree);
        if let Some(best) = did_you_mean(&case.tree, rules.tree_ids()) {
            f.push_str(&format!("; did you mean `{best}`?"));
        }
        result.failures.push(f);
        place_at(&mut result, Some(&case.places.tree));
        return result;
    };
    // Every node id the case names must exist, so that a renamed node is
    // reported as such, not as a wrong outcome.
    let names = named_nodes(rules, root);
    let known: HashSet<&str> = names.iter().map(|(n, _, _)| n.as_str()).collect();
    // Candidates by role: an answer names a question; an expected ending
    // names an ending of the expected kind.
    let asks: HashSet<&str> = names
        .iter()
        .filter(|(_, _, n)| !n.is_outcome() && !matches!(n.body, Body::Info { .. }))
        .map(|(n, _, _)| n.as_str())
        .collect();
    let endings: Vec<&str> = names
        .iter()
        .filter(|(_, _, n)| match (&n.body, case.outcome) {
            (Body::Escalate { party, .. }, ExpectOutcome::Escalated) => {
                case.party.is_none_or(|p| p == *party)
            }
            (Body::Resolved { .. }, ExpectOutcome::Resolved) => true,
            (_, ExpectOutcome::NeedsInput) => !n.is_outcome(),
            _ => false,
        })
        .map(|(n, _, _)| n.as_str())
        .collect();
    // "the answer for `x`: tree `t` has no such node; did you mean `y`?"
    let unknown = |what: &str, id: &str, among: &HashSet<&str>| -> Option<(String, bool)> {
        if known.contains(id) {
            return None;
        }
        let mut f = format!("{what} `{id}`: tree `{}` has no such node", case.tree);
        let best = suggest_node(id, among).or_else(|| suggest_node(id, &known));
        if let Some(best) = best {
            f.push_str(&format!("; did you mean `{best}`?"));
        }
        Some((f, best.is_some()))
    };
    for (i, (node, _)) in case.answers.iter().enumerate() {
        if let Some((f, _)) = unknown("the answer for", node, &asks) {
            result.failures.push(f);
            place_at(&mut result, case.places.answers.get(i));
        }
    }
    if let Some(n) = &case.node {
        let among: HashSet<&str> = endings.iter().copied().collect();
        if let Some((mut f, named)) = unknown("the expected node", n, &among) {
            place_at(&mut result, case.places.node.as_ref());
            if !named && !endings.is_empty() {
                let list: Vec<String> = endings.iter().take(6).map(|e| format!("`{e}`")).collect();
                f.push_str(&format!(
                    "; its {} endings are {}",
                    case.expected_kind(),
                    list.join(", ")
                ));
            }
            result.failures.push(f);
        }
    }
    let listed = case
        .visits
        .iter()
        .zip(
            case.places
                .visits
                .iter()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .map(|(v, at)| ("visits:", v, at))
        .chain(
            case.not_visits
                .iter()
                .zip(
                    case.places
                        .not_visits
                        .iter()
                        .map(Some)
                        .chain(std::iter::repeat(None)),
                )
                .map(|(v, at)| ("not_visits:", v, at)),
        );
    for (what, v, at) in listed {
        if let Some((f, _)) = unknown(what, v, &known) {
            result.failures.push(f);
            place_at(&mut result, at);
        }
    }
    if !result.failures.is_empty() {
        return result;
    }

    let flags: Vec<String> = case
        .answers
        .iter()
        .flat_map(|(node, values)| values.iter().map(move |v| format!("{node}={v}")))
        .collect();
    let mut answers = Answers::default();
    if let Err(e) = answers.add_flags(&flags) {
        result.failures.push(e);
        return result;
    }
    let mut scripted = Scripted { answers };
    let mut walk = match Walk::start(rules, &case.tree) {
        Ok(w) => w,
        Err(e) => {
            result.failures.push(e.to_string());
            return result;
        }
    };
    // The walk, step by step, as a script would drive it.
    let stopped_with_error = loop {
        let step = match walk.state() {
            State::Done(_) => break None,
            State::Ask(s) => s.clone(),
        };
        match scripted.reply(&step, None, false) {
            Ok(Reply::Answer { answer, .. }) => {
                if let Err(e) = walk.answer(answer) {
                    break Some(e.to_string());
                }
            }
            Ok(_) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    for v in walk.history() {
        let answer = (v.answer != Answer::Continue).then(|| v.answer.as_str().to_owned());
        result.path.push(PathStep {
            node: v.step.node_ref.clone(),
            answer,
        });
        result
            .seen
            .push((v.step.tree.id.clone(), v.step.node.id.clone()));
        if let Some(edge) = edge_for(v.step.node, &v.answer) {
            result
                .taken
                .push((v.step.tree.id.clone(), v.step.node.id.clone(), edge));
        }
    }
    let mut pending_valid = None;
    let (end_tree, end_node) = match walk.state() {
        State::Done(f) => {
            result.outcome = if f.is_resolved() {
                "resolved".into()
            } else {
                "escalated".into()
            };
            result.party = f.party().map(Party::id);
            result.customer = f.customer().is_some();
            result.end = Some(f.node_ref.clone());
            (f.tree, f.node)
        }
        State::Ask(s) => {
            result.outcome = "needs_input".into();
            result.end = Some(s.node_ref.clone());
            pending_valid = Some(s.valid_answers());
            (s.tree, s.node)
        }
    };
    result.seen.push((end_tree.id.clone(), end_node.id.clone()));
    result.path.push(PathStep {
        node: result.end.clone().unwrap_or_default(),
        answer: None,
    });
    for (node, count, asked) in scripted.answers.unused() {
        let w = if asked {
            format!("{count} answer(s) for `{node}` were not used")
        } else {
            format!("the answer for `{node}` was not used: the walk never reached it")
        };
        result.warnings.push(w);
    }
    if let Some(e) = stopped_with_error {
        result.outcome = "error".into();
        result.failures.push(e);
        return result;
    }

    // The expectations, one sentence each.
    let got_node = result.end.clone().unwrap_or_default();
    if let (Some(valid), false) = (&pending_valid, case.outcome == ExpectOutcome::NeedsInput) {
        let valid = if valid.is_empty() {
            "any text".to_owned()
        } else {
            valid.join(", ")
        };
        result.failures.push(format!(
            "expected {}, but the walk stopped at `{got_node}`: the case gives it no answer (valid answers: {valid})",
            case.outcome.id()
        ));
    } else if result.outcome != case.outcome.id() {
        result.failures.push(format!(
            "expected {}, but the walk {} at `{got_node}`",
            case.outcome.id(),
            match result.outcome.as_str() {
                "resolved" => "was resolved",
                "escalated" => "escalated",
                _ => "stopped for an answer",
            }
        ));
    }
    if let (Some(want), Some(got)) = (case.party, result.party) {
        if want.id() != got {
            result
                .failures
                .push(format!("expected a call to `{}`, not `{got}`", want.id()));
        }
    }
    if let Some(want) = &case.node {
        if *want != got_node {
            result
                .failures
                .push(format!("expected to end at `{want}`, not `{got_node}`"));
        }
    }
    if let Some(want) = case.customer {
        if want != result.customer && result.outcome == "resolved" {
            result.failures.push(if want {
                format!("expected a customer-side ending, but `{got_node}` is a fix at the shop")
            } else {
                format!("expected a fix at the shop, but `{got_node}` is a customer-side ending")
            });
        }
    }
    // A link is no step of its own, but the walk passes through it.
    let links = links_passed(rules, root, &walk);
    let passed: HashSet<&str> = result
        .path
        .iter()
        .map(|p| p.node.as_str())
        .chain(links.iter().map(String::as_str))
        .collect();
    let missing: Vec<&String> = case
        .visits
        .iter()
        .filter(|v| !passed.contains(v.as_str()))
        .collect();
    if !missing.is_empty() {
        result.failures.push(format!(
            "the walk did not pass {}",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for v in &case.not_visits {
        if let Some(i) = result.path.iter().position(|p| p.node == *v) {
            result.failures.push(format!(
                "the walk passed `{v}` (step {}), which it must not",
                i + 1
            ));
        } else if links.contains(v) {
            result
                .failures
                .push(format!("the walk passed the link `{v}`, which it must not"));
        }
    }
    result.passed = result.failures.is_empty();
    if !result.passed {
        result.left_at = left_at(case, rules, &walk, &names, missing.first().copied());
    }
    result
}

/// The link nodes a walk passed through, named as scripts name them: the
/// links its answers led to, and a tree's start that is a link.
fn links_passed<'r>(rules: &'r RuleSet, root: &'r Tree, walk: &Walk<'r>) -> Vec<String> {
    let name = |t: &Tree, n: &Node| {
        if t.id == root.id {
            n.id.clone()
        } else {
            format!("{}/{}", t.id, n.id)
        }
    };
    let mut out = Vec::new();
    let mut follow = |mut tree: &'r Tree, mut id: &'r str| {
        for _ in 0..64 {
            let Some(node) = tree.node(id) else { return };
            let Body::Link { tree: next, .. } = &node.body else {
                return;
            };
            out.push(name(tree, node));
            let Some(t) = rules.tree(next) else { return };
            tree = t;
            id = &t.start;
        }
    };
    follow(root, &root.start);
    for v in walk.history() {
        let Some(edge) = edge_for(v.step.node, &v.answer) else {
            continue;
        };
        if let Some(e) = v.step.node.edges().into_iter().find(|e| e.answer == edge) {
            follow(v.step.tree, e.target);
        }
    }
    out
}

/// Where the walk's path left the expected one: the last step from which
/// the expected ending (or a node it had to pass) could still be reached,
/// with the answers there that would have kept to it.
fn left_at(
    case: &Case,
    rules: &RuleSet,
    walk: &Walk,
    names: &[(String, &Tree, &Node)],
    missing_visit: Option<&String>,
) -> Option<LeftAt> {
    let graph = Graph { rules };
    let by_name: HashMap<&str, (&Tree, &Node)> = names
        .iter()
        .map(|(n, t, node)| (n.as_str(), (*t, *node)))
        .collect();
    // What the walk should have reached: a node it had to pass, the node it
    // had to end at, or any ending of the expected kind.
    let target: Option<&str> = missing_visit.map(String::as_str).or(case.node.as_deref());
    let target_node = target.and_then(|t| by_name.get(t).copied());
    let toward = match target {
        Some(t) => t.to_owned(),
        None => case.expected(),
    };
    let is_target = |t: &Tree, n: &Node| -> bool {
        if let Some((tt, tn)) = target_node {
            return std::ptr::eq(t, tt) && std::ptr::eq(n, tn);
        }
        match (&n.body, case.outcome) {
            (Body::Escalate { party, .. }, ExpectOutcome::Escalated) => {
                case.party.is_none_or(|p| p == *party)
            }
            (Body::Resolved { customer, .. }, ExpectOutcome::Resolved) => {
                case.customer.is_none_or(|c| c == customer.is_some())
            }
            _ => false,
        }
    };
    let history = walk.history();
    let mut last_good = None;
    for (i, v) in history.iter().enumerate() {
        if graph.reaches((v.step.tree, v.step.node), &is_target) {
            last_good = Some(i);
        } else {
            break;
        }
    }
    let i = last_good?;
    let v = &history[i];
    // The step after it could not reach the target any more (or the walk
    // ended there): that answer is where it left.
    let next_ok = match history.get(i + 1) {
        Some(n) => graph.reaches((n.step.tree, n.step.node), &is_target),
        None => match walk.state() {
            State::Done(f) => is_target(f.tree, f.node),
            State::Ask(_) => true,
        },
    };
    if next_ok {
        return None;
    }
    let taken = edge_for(v.step.node, &v.answer).unwrap_or_default();
    let instead: Vec<String> = graph
        .next(v.step.tree, v.step.node)
        .into_iter()
        .filter(|(answer, t, n)| *answer != taken && graph.reaches((t, n), &is_target))
        .map(|(answer, _, _)| script_answer(v.step.node, &answer))
        .collect();
    Some(LeftAt {
        step: i + 1,
        node: v.step.node_ref.clone(),
        answer: v.answer.as_str().to_owned(),
        toward,
        instead,
    })
}

/// An edge as the answer a script gives: `yes`, a choice id, a sample text
/// for a route (`match:5\d` → an answer it matches), `any other text`.
pub fn script_answer(node: &Node, edge: &str) -> String {
    if let Some(pattern) = edge.strip_prefix("match:") {
        if let Body::Text { routes, .. } = &node.body {
            if let Some(r) = routes.iter().find(|r| r.pattern == pattern) {
                if let Some(sample) = sample_for(r) {
                    return sample;
                }
            }
        }
        return format!("text matching `{pattern}`");
    }
    if edge == "otherwise" {
        return "any other text".into();
    }
    edge.to_owned()
}

/// A text a route's pattern takes (tried from its literal alternatives).
pub fn sample_for(route: &crate::rules::Route) -> Option<String> {
    let read = crate::render::pattern::samples(&route.pattern);
    let candidates = route.pattern.split('|').flat_map(|alt| {
        let plain = alt.trim_matches(|c| "()^$?:".contains(c)).replace('\\', "");
        [
            plain.clone(),
            plain.replace(".*", ""),
            plain.replace("\\d", "0").replace("[0-9]", "0"),
            plain.replace('.', "0"),
        ]
    });
    read.into_iter()
        .chain(candidates)
        .chain(["0".into(), "00".into(), "000".into(), "x".into()])
        .find(|c| !c.trim().is_empty() && route.is_match(c))
}

/// The case as a command: `run TREE --no-input --answer a=yes …`.
fn command(case: &Case) -> String {
    let mut s = format!("run {} --no-input", crate::commands::shell_word(&case.tree));
    for (node, values) in &case.answers {
        for v in values {
            s.push_str(" --answer ");
            s.push_str(&crate::commands::shell_word(&format!("{node}={v}")));
        }
    }
    if case.lang == Lang::Zh {
        s = format!("--lang zh {s}");
    }
    s
}

/// What no case reached in one tree.
#[derive(Clone, Debug, Serialize)]
pub struct TreeCoverage {
    pub tree: String,
    pub nodes: usize,
    pub edges: usize,
    /// Node ids no case passed.
    pub nodes_missed: Vec<String>,
    /// Answers no case gave: `node=answer → target`.
    pub edges_missed: Vec<String>,
}

/// Coverage of `trees` by the results.
pub fn coverage(trees: &[&Tree], results: &[CaseResult]) -> Vec<TreeCoverage> {
    let seen: BTreeSet<(&str, &str)> = results
        .iter()
        .flat_map(|r| r.seen.iter().map(|(t, n)| (t.as_str(), n.as_str())))
        .collect();
    let taken: BTreeSet<(&str, &str, &str)> = results
        .iter()
        .flat_map(|r| {
            r.taken
                .iter()
                .map(|(t, n, e)| (t.as_str(), n.as_str(), e.as_str()))
        })
        .collect();
    trees
        .iter()
        .map(|t| {
            let mut edges = 0;
            let mut edges_missed = Vec::new();
            // A link node is never a step of its own: it is reached when an
            // answer taken leads to it (or it starts a tree a case walks).
            let mut links_reached: HashSet<&str> = HashSet::new();
            if results.iter().any(|r| r.tree == t.id) {
                links_reached.insert(t.start.as_str());
            }
            for n in &t.nodes {
                for e in n.edges() {
                    edges += 1;
                    if taken.contains(&(t.id.as_str(), n.id.as_str(), e.answer.as_str())) {
                        links_reached.insert(e.target);
                    } else {
                        edges_missed.push(format!(
                            "{}={} → {}",
                            n.id,
                            script_answer(n, &e.answer),
                            e.target
                        ));
                    }
                }
            }
            let reached = |n: &Node| match n.body {
                Body::Link { .. } => links_reached.contains(n.id.as_str()),
                _ => seen.contains(&(t.id.as_str(), n.id.as_str())),
            };
            TreeCoverage {
                tree: t.id.clone(),
                nodes: t.nodes.len(),
                edges,
                nodes_missed: t
                    .nodes
                    .iter()
                    .filter(|n| !reached(n))
                    .map(|n| n.id.clone())
                    .collect(),
                edges_missed,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::{load, LoadOptions};

    fn rules() -> RuleSet {
        load(&LoadOptions {
            builtin: true,
            packs: vec![],
        })
        .rules
    }

    fn one(text: &str) -> CaseResult {
        let (cases, errors) = read("t.test.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        run(&cases[0], &rules())
    }

    #[test]
    fn a_passing_case() {
        let r = one(
            "- name: swollen battery\n  tree: no-power\n  answers: {danger: yes}\n  expect: {outcome: escalated, party: vendor, node: stop-danger, not_visits: [shop-power]}\n",
        );
        assert!(r.passed, "{r:?}");
        assert_eq!(r.path.len(), 3);
    }

    #[test]
    fn a_failing_case_says_where_it_left_the_path() {
        let r = one(
            "- name: wrong turn\n  tree: no-power\n  answers: {danger: no, shop-power: yes, what-happens: dead, power-key: no, hard-restart: no, adapter: yes}\n  expect: {outcome: escalated, party: vendor}\n",
        );
        assert!(!r.passed);
        let l = r.left_at.as_ref().expect("left_at");
        assert_eq!(l.node, "adapter");
        assert_eq!(l.answer, "yes");
        assert_eq!(l.instead, vec!["no".to_owned()]);
    }

    #[test]
    fn renamed_nodes_are_named() {
        let r = one(
            "- name: old id\n  tree: no-power\n  answers: {battery-danger: yes}\n  expect: {outcome: escalated, node: stop-dangr}\n",
        );
        assert!(!r.passed);
        assert!(
            r.failures
                .iter()
                .any(|f| f.contains("`battery-danger`") && f.contains("did you mean `danger`?")),
            "{r:?}"
        );
        assert!(
            r.failures
                .iter()
                .any(|f| f.contains("did you mean `stop-danger`?")),
            "{r:?}"
        );
    }

    #[test]
    fn scenario_file_errors_have_places() {
        let (good, e) = read(
            "t.test.yaml",
            "- name: x\n  tree: no-power\n  expect: {outcome: fixed}\n- name: y\n  tree: no-power\n  expct: {outcome: resolved}\n- name: z\n  tree: no-power\n  answers: {danger: yes}\n  expect: {outcome: escalated}\n",
        );
        // The good case still runs.
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].name, "z");
        let lines: Vec<String> = e
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(
            lines,
            vec![
                "3:21 unknown outcome `fixed` in case `x`",
                "4:3 missing field `expect` in case `y`",
                "6:3 unknown field `expct` in case `y`",
            ]
        );
    }

    #[test]
    fn codes_stay_as_written() {
        let (cases, _) = read(
            "t.test.yaml",
            "- name: c\n  tree: transaction-failed\n  answers: {code: 05, again: [no, yes], flag: true}\n  expect: {outcome: resolved}\n",
        );
        assert_eq!(
            cases[0].answers,
            vec![
                ("code".to_owned(), vec!["05".to_owned()]),
                ("again".to_owned(), vec!["no".to_owned(), "yes".to_owned()]),
                ("flag".to_owned(), vec!["yes".to_owned()]),
            ]
        );
    }
}
