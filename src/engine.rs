//! The walk through a tree, as a pure value: start, answer, back, outcome.
//! No I/O, no printing, no clock: every path of every tree can be walked in
//! a unit test in microseconds, and a fuzzer can drive it.

use thiserror::Error;

use crate::diag::did_you_mean;
use crate::i18n::{Lang, Msg};
use crate::rules::{Body, Node, NodeKind, Party, RuleSet, Tree};

/// A person's (or a script's) answer to one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Declined a destructive step.
    Skip,
    Choice(String),
    Text(String),
    /// Read an info step.
    Continue,
}

impl Answer {
    /// The answer as a script writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Skip => "skip",
            Answer::Choice(s) | Answer::Text(s) => s,
            Answer::Continue => "continue",
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EngineError {
    #[error("no tree is called `{id}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownTree {
        id: String,
        suggestion: Option<String>,
    },
    #[error("`{given}` is not an answer to `{node}`; valid answers: {}", valid.join(", "))]
    InvalidAnswer {
        node: String,
        given: String,
        valid: Vec<String>,
    },
    #[error("tree `{tree}` has no node `{node}` (the rules are broken; run `posdoctor validate`)")]
    MissingNode { tree: String, node: String },
    #[error("trees link to each other without asking anything (at tree `{tree}`)")]
    LinkLoop { tree: String },
}

/// One question (or info) the walk is waiting on.
#[derive(Clone, Debug)]
pub struct Step<'r> {
    /// 1-based position in the walk.
    pub number: usize,
    pub tree: &'r Tree,
    pub node: &'r Node,
    /// The node's id as scripts name it: `node` in the tree the walk
    /// started in, `tree/node` in a linked tree.
    pub node_ref: String,
    /// Where the walk goes back to when the linked tree it is in ends
    /// resolved (a link's `then`), innermost last.
    pub returns: Vec<Return<'r>>,
}

/// A link's way back: the calling tree and its `then` node.
#[derive(Clone, Debug)]
pub struct Return<'r> {
    pub tree: &'r Tree,
    pub node: &'r str,
}

impl<'r> Step<'r> {
    pub fn kind(&self) -> NodeKind {
        self.node.kind
    }

    /// The question a person answers (for info: the text to read).
    pub fn prompt(&self, lang: Lang) -> String {
        match &self.node.body {
            Body::Check { ask, .. } => ask
                .as_ref()
                .map_or(Msg::DidItHelp.get(lang), |a| a.get(lang))
                .to_owned(),
            Body::Choice { ask, .. } | Body::Text { ask, .. } => ask.get(lang).to_owned(),
            Body::Info { text, .. } | Body::Resolved { text, .. } | Body::Escalate { text, .. } => {
                text.get(lang).to_owned()
            }
            Body::Link { tree, .. } => tree.clone(),
        }
    }

    /// What to do before answering (check nodes), if anything.
    pub fn action(&self, lang: Lang) -> Option<&'r str> {
        match &self.node.body {
            Body::Check { action, .. } => action.as_ref().map(|a| a.get(lang)),
            _ => None,
        }
    }

    /// The warning shown with this step, if any.
    pub fn caution(&self, lang: Lang) -> Option<&'r str> {
        self.node.caution.as_ref().map(|c| c.get(lang))
    }

    pub fn is_destructive(&self) -> bool {
        matches!(
            self.node.body,
            Body::Check {
                destructive: true,
                ..
            }
        )
    }

    /// The answers a script may give, in order; empty for free text.
    pub fn valid_answers(&self) -> Vec<String> {
        match &self.node.body {
            Body::Check { destructive, .. } => {
                let mut v = vec!["yes".to_owned(), "no".to_owned()];
                if *destructive {
                    v.push("skip".into());
                }
                v
            }
            Body::Choice { choices, .. } => choices.iter().map(|c| c.id.clone()).collect(),
            Body::Info { .. } => vec!["continue".into()],
            _ => vec![],
        }
    }

    /// Reads an answer as a script or a person typed it.
    pub fn parse(&self, input: &str) -> Result<Answer, EngineError> {
        let s = input.trim();
        // `ｙｅｓ` and `Ｃ１` as a Chinese input method types them.
        let lower = crate::i18n::narrow(s).to_lowercase();
        let invalid = || EngineError::InvalidAnswer {
            node: self.node_ref.clone(),
            given: input.to_owned(),
            valid: self.valid_answers(),
        };
        match &self.node.body {
            Body::Check { destructive, .. } => match lower.as_str() {
                "yes" | "y" | "true" | "是" => Ok(Answer::Yes),
                "no" | "n" | "false" | "否" => Ok(Answer::No),
                "skip" if *destructive => Ok(Answer::Skip),
                _ => Err(invalid()),
            },
            Body::Choice { choices, .. } => choices
                .iter()
                .find(|c| c.id.eq_ignore_ascii_case(lower.trim()))
                .map(|c| Answer::Choice(c.id.clone()))
                .ok_or_else(invalid),
            Body::Text { .. } if !s.is_empty() => Ok(Answer::Text(s.to_owned())),
            Body::Text { .. } => Err(EngineError::InvalidAnswer {
                node: self.node_ref.clone(),
                given: input.to_owned(),
                valid: vec!["any non-empty text".into()],
            }),
            Body::Info { .. } => match lower.as_str() {
                "" | "continue" | "next" | "ok" | "yes" => Ok(Answer::Continue),
                _ => Err(invalid()),
            },
            Body::Resolved { .. } | Body::Escalate { .. } | Body::Link { .. } => Err(invalid()),
        }
    }

    /// The node the answer leads to (within this step's tree).
    /// The same edge [`edge_for`] names, found without listing every edge
    /// of the node: a node with 5000 routes or choices is walked in time
    /// linear in them, not quadratic (`posdoctor paths`).
    fn next_for(&self, answer: &Answer) -> Option<&'r str> {
        let node: &'r Node = self.node;
        match (&node.body, answer) {
            (Body::Check { yes, .. }, Answer::Yes) => Some(yes),
            (Body::Check { no, .. }, Answer::No) => Some(no),
            (
                Body::Check {
                    destructive: true,
                    skip,
                    ..
                },
                Answer::Skip,
            ) => skip.as_deref(),
            (Body::Choice { choices, .. }, Answer::Choice(id)) => choices
                .iter()
                .find(|c| c.id == *id)
                .map(|c| c.next.as_str()),
            (
                Body::Text {
                    routes,
                    otherwise,
                    matcher,
                    ..
                },
                Answer::Text(t),
            ) if !t.trim().is_empty() => Some(
                matcher
                    .first(routes, t)
                    .map_or(otherwise.as_str(), |r| &r.next),
            ),
            (Body::Info { next, .. }, Answer::Continue) => Some(next),
            _ => None,
        }
    }
}

/// The edge (as named by [`Node::edges`]: `yes`, a choice id,
/// `match:PATTERN`, `otherwise`, `next`) an answer takes out of a node, or
/// `None` when the answer does not fit the node.
pub fn edge_for(node: &Node, answer: &Answer) -> Option<String> {
    match (&node.body, answer) {
        (Body::Check { .. }, Answer::Yes) => Some("yes".into()),
        (Body::Check { .. }, Answer::No) => Some("no".into()),
        (
            Body::Check {
                destructive: true, ..
            },
            Answer::Skip,
        ) => Some("skip".into()),
        (Body::Choice { .. }, Answer::Choice(id)) => Some(id.clone()),
        (
            Body::Text {
                routes, matcher, ..
            },
            Answer::Text(t),
        ) if !t.trim().is_empty() => Some(
            route_for(routes, matcher, t)
                .map_or_else(|| "otherwise".into(), |r| format!("match:{}", r.pattern)),
        ),
        (Body::Info { .. }, Answer::Continue) => Some("next".into()),
        _ => None,
    }
}

/// The route a typed answer takes: the first whose pattern matches the
/// whole answer; else, read word by word (a code typed with the words
/// around it, `51 insufficient funds`, `RC:51`, `交易失败 05`), the route
/// its code-like words (`05`, `A0`) agree on, or else the one its other
/// words agree on. Words that point to different routes are no answer:
/// the node's `otherwise`.
pub fn route_for<'n>(
    routes: &'n [crate::rules::Route],
    matcher: &crate::rules::RouteSet,
    answer: &str,
) -> Option<&'n crate::rules::Route> {
    if let Some(r) = matcher.first(routes, answer) {
        return Some(r);
    }
    let codes = crate::rules::code_words(answer);
    let others: Vec<String> = crate::rules::answer_words(answer)
        .into_iter()
        .filter(|w| !crate::rules::is_code_word(w))
        .collect();
    // The route every word that matches one agrees on: `Some(None)` when
    // they disagree, `None` when no word matches.
    let agreed = |words: &[String]| -> Option<Option<&'n crate::rules::Route>> {
        let mut found: Option<&crate::rules::Route> = None;
        for w in words {
            if let Some(r) = matcher.first(routes, w) {
                match found {
                    Some(f) if !std::ptr::eq(f, r) => return Some(None),
                    _ => found = Some(r),
                }
            }
        }
        found.map(Some)
    };
    match agreed(&codes) {
        Some(r) => r,
        None => agreed(&others).flatten(),
    }
}

/// Where a walk ended.
#[derive(Clone, Debug)]
pub struct Finished<'r> {
    pub tree: &'r Tree,
    pub node: &'r Node,
    pub node_ref: String,
}

impl Finished<'_> {
    pub fn party(&self) -> Option<Party> {
        match &self.node.body {
            Body::Escalate { party, .. } => Some(*party),
            _ => None,
        }
    }

    pub fn is_resolved(&self) -> bool {
        matches!(self.node.body, Body::Resolved { .. })
    }

    /// A customer-side ending (the customer's card or bank is the cause):
    /// what to tell the customer.
    pub fn customer(&self) -> Option<&crate::i18n::Text> {
        match &self.node.body {
            Body::Resolved { customer, .. } => customer.as_ref(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum State<'r> {
    Ask(Step<'r>),
    Done(Finished<'r>),
}

/// A step and the answer given to it.
#[derive(Clone, Debug)]
pub struct Visit<'r> {
    pub step: Step<'r>,
    pub answer: Answer,
}

/// The walk through one tree (and the trees it links to).
#[derive(Clone, Debug)]
pub struct Walk<'r> {
    rules: &'r RuleSet,
    root: &'r Tree,
    history: Vec<Visit<'r>>,
    state: State<'r>,
}

/// Links followed in a row before the walk gives up (a loop the validator
/// should already have caught).
const MAX_LINK_HOPS: usize = 64;

impl<'r> Walk<'r> {
    pub fn start(rules: &'r RuleSet, tree_id: &str) -> Result<Walk<'r>, EngineError> {
        let root = rules
            .tree(tree_id)
            .ok_or_else(|| EngineError::UnknownTree {
                id: tree_id.to_owned(),
                suggestion: did_you_mean(tree_id, rules.tree_ids()).map(str::to_owned),
            })?;
        let state = arrive(rules, root, root, &root.start, 1, Vec::new())?;
        Ok(Walk {
            rules,
            root,
            history: Vec::new(),
            state,
        })
    }

    pub fn tree(&self) -> &'r Tree {
        self.root
    }

    /// The rules the walk runs on (its code table, linked trees, contacts
    /// and facts at its end).
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    pub fn state(&self) -> &State<'r> {
        &self.state
    }

    pub fn history(&self) -> &[Visit<'r>] {
        &self.history
    }

    /// The current step, if the walk is waiting on one.
    pub fn step(&self) -> Option<&Step<'r>> {
        match &self.state {
            State::Ask(s) => Some(s),
            State::Done(_) => None,
        }
    }

    /// Gives the current step an answer and moves on.
    pub fn answer(&mut self, answer: Answer) -> Result<&State<'r>, EngineError> {
        let State::Ask(step) = &self.state else {
            return Ok(&self.state);
        };
        // The edge this answer takes; none means the answer does not fit
        // this kind of step (a choice id on a yes/no check, empty text…).
        let target = step
            .next_for(&answer)
            .ok_or_else(|| EngineError::InvalidAnswer {
                node: step.node_ref.clone(),
                given: answer.as_str().to_owned(),
                valid: step.valid_answers(),
            })?;
        let next = arrive(
            self.rules,
            self.root,
            step.tree,
            target,
            step.number + 1,
            step.returns.clone(),
        )?;
        let step = step.clone();
        self.history.push(Visit { step, answer });
        self.state = next;
        Ok(&self.state)
    }

    /// Reads `input` for the current step and answers it.
    pub fn answer_str(&mut self, input: &str) -> Result<&State<'r>, EngineError> {
        let parsed = match &self.state {
            State::Ask(step) => step.parse(input)?,
            State::Done(_) => return Ok(&self.state),
        };
        self.answer(parsed)
    }

    /// Goes back one step. Returns the answer that step had, or `None` at
    /// the first step.
    pub fn back(&mut self) -> Option<Answer> {
        let visit = self.history.pop()?;
        self.state = State::Ask(visit.step);
        Some(visit.answer)
    }
}

/// Enters node `id` of `tree`, following links to other trees, and back
/// from a linked tree's resolved ending to its link's `then`.
fn arrive<'r>(
    rules: &'r RuleSet,
    root: &'r Tree,
    mut tree: &'r Tree,
    id: &str,
    number: usize,
    mut returns: Vec<Return<'r>>,
) -> Result<State<'r>, EngineError> {
    let mut id = id.to_owned();
    for _ in 0..MAX_LINK_HOPS {
        let node = tree.node(&id).ok_or_else(|| EngineError::MissingNode {
            tree: tree.id.clone(),
            node: id.clone(),
        })?;
        let node_ref = if std::ptr::eq(tree, root) {
            node.id.clone()
        } else {
            format!("{}/{}", tree.id, node.id)
        };
        match &node.body {
            Body::Link { tree: next, then } => {
                if let Some(then) = then {
                    returns.push(Return { tree, node: then });
                }
                tree = rules.tree(next).ok_or_else(|| EngineError::UnknownTree {
                    id: next.clone(),
                    suggestion: None,
                })?;
                id = tree.start.clone();
            }
            Body::Resolved { .. } if !returns.is_empty() => {
                let back = returns.pop().expect("not empty");
                tree = back.tree;
                id = back.node.to_owned();
            }
            Body::Resolved { .. } | Body::Escalate { .. } => {
                return Ok(State::Done(Finished {
                    tree,
                    node,
                    node_ref,
                }))
            }
            _ => {
                return Ok(State::Ask(Step {
                    number,
                    tree,
                    node,
                    node_ref,
                    returns,
                }))
            }
        }
    }
    Err(EngineError::LinkLoop {
        tree: tree.id.clone(),
    })
}

/// Every distinct path through a tree, as the answers taken, each ending in
/// an outcome. A path stops when it would revisit a node it already
/// answered (loops are walked once). For tests, the checklist and reports.
pub fn all_paths<'r>(
    rules: &'r RuleSet,
    tree_id: &str,
    text_samples: &dyn Fn(&Step) -> Vec<String>,
) -> Result<Vec<Walk<'r>>, EngineError> {
    all_paths_limited(rules, tree_id, text_samples, usize::MAX).map(|(paths, _)| paths)
}

/// As [`all_paths`], stopping after `limit` paths (a pack's tree can have
/// very many); the flag is false when it stopped early.
pub fn all_paths_limited<'r>(
    rules: &'r RuleSet,
    tree_id: &str,
    text_samples: &dyn Fn(&Step) -> Vec<String>,
    limit: usize,
) -> Result<(Vec<Walk<'r>>, bool), EngineError> {
    let walk = Walk::start(rules, tree_id)?;
    let mut done = Vec::new();
    let mut stack = vec![walk];
    // Half-walked paths looked at, so that a tree whose paths mostly loop
    // cannot keep this busy either.
    let mut looked = 0usize;
    while let Some(walk) = stack.pop() {
        looked += 1;
        if done.len() >= limit || looked > limit.saturating_mul(50) {
            return Ok((done, false));
        }
        let State::Ask(step) = walk.state().clone() else {
            done.push(walk);
            continue;
        };
        let answers: Vec<String> = match step.kind() {
            NodeKind::Text => text_samples(&step),
            _ => step.valid_answers(),
        };
        for a in answers {
            let mut next = walk.clone();
            next.answer_str(&a)?;
            let revisit = match next.state() {
                State::Ask(s) => next.history().iter().any(|v| v.step.node_ref == s.node_ref),
                State::Done(_) => false,
            };
            if !revisit {
                stack.push(next);
            }
        }
    }
    Ok((done, true))
}

/// Sample answers for a text step that take every route and the fallback:
/// for each route, a string its pattern matches (found by trying the
/// alternatives literally), plus one that matches none.
pub fn text_samples(step: &Step) -> Vec<String> {
    let Body::Text { routes, .. } = &step.node.body else {
        return vec![];
    };
    let mut out = Vec::new();
    for r in routes {
        let candidate = r
            .pattern
            .split('|')
            .map(|alt| alt.trim_matches(|c| "()^$?:".contains(c)).replace('\\', ""))
            .find(|alt| r.is_match(alt));
        if let Some(c) = candidate {
            out.push(c);
        }
    }
    out.push("zzqxj".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::{load, LoadOptions};

    fn builtin() -> RuleSet {
        let loaded = load(&LoadOptions {
            builtin: true,
            packs: vec![],
        });
        assert!(loaded.diagnostics.iter().all(|d| !d.is_error()));
        loaded.rules
    }

    fn routes(spec: &[(&str, &str)]) -> Vec<crate::rules::Route> {
        spec.iter()
            .map(|(p, n)| crate::rules::Route::new(p, n).expect("a pattern"))
            .collect()
    }

    /// A code typed with the words around it takes the code's route; words
    /// that disagree with each other take none (the node's `otherwise`).
    #[test]
    fn a_code_among_words_takes_its_route() {
        let r = routes(&[
            ("0?0|approved", "ok"),
            ("51|insufficient.*", "funds"),
            ("0?5|declined?", "declined"),
            ("no|none", "timeout"),
        ]);
        let set = crate::rules::RouteSet::default();
        let next = |a: &str| route_for(&r, &set, a).map(|r| r.next.as_str());
        assert_eq!(next("51"), Some("funds"));
        assert_eq!(next("51 insufficient funds"), Some("funds"));
        assert_eq!(next("RC:51"), Some("funds"));
        assert_eq!(next("51."), Some("funds"));
        assert_eq!(next("交易失败 ０５"), Some("declined"));
        assert_eq!(next("00 APPROVED"), Some("ok"));
        // The code wins over the words around it.
        assert_eq!(next("Declined 51"), Some("funds"));
        // Two codes that disagree: no route.
        assert_eq!(next("05 or 51"), None);
        // No code: the words, when they agree.
        assert_eq!(next("NO LINE"), Some("timeout"));
        assert_eq!(next("0051"), None);
        // A date, a time or an amount names no code.
        assert_eq!(next("2024-11-23"), None);
        assert_eq!(next("12:51"), None);
        assert_eq!(next("51.00"), None);
        assert_eq!(next("something else"), None);
    }

    /// Every path of every built-in tree ends in an outcome, and every node
    /// that can be reached is visited by some path.
    #[test]
    fn every_path_of_every_builtin_tree_ends_in_an_outcome() {
        let rules = builtin();
        assert!(rules.trees().len() >= 3);
        for tree in rules.trees() {
            let paths = all_paths(&rules, &tree.id, &text_samples).unwrap();
            assert!(!paths.is_empty(), "{}", tree.id);
            let mut seen = std::collections::HashSet::new();
            let mut kinds = std::collections::HashSet::new();
            for w in &paths {
                let State::Done(f) = w.state() else {
                    panic!("{}: a path did not end", tree.id)
                };
                kinds.insert(f.is_resolved());
                for v in w.history() {
                    if std::ptr::eq(v.step.tree, tree) {
                        seen.insert(v.step.node.id.clone());
                    }
                }
                if std::ptr::eq(f.tree, tree) {
                    seen.insert(f.node.id.clone());
                }
            }
            for n in &tree.nodes {
                if !matches!(n.body, Body::Link { .. }) {
                    assert!(
                        seen.contains(&n.id),
                        "{}: node {} is on no walked path",
                        tree.id,
                        n.id
                    );
                }
            }
            assert!(
                kinds.contains(&true) && kinds.contains(&false),
                "{}: needs a resolved and an escalation",
                tree.id
            );
        }
    }

    #[test]
    fn answer_back_and_invalid() {
        let rules = builtin();
        let mut w = Walk::start(&rules, "no-power").unwrap();
        let first = w.step().unwrap().node_ref.clone();
        assert!(w.back().is_none(), "no way back from the first step");
        let answer = w.step().unwrap().valid_answers()[0].clone();
        w.answer_str(&answer).unwrap();
        assert_eq!(w.history().len(), 1);
        assert_eq!(w.step().unwrap().number, 2);
        let undone = w.back().unwrap();
        assert_eq!(undone.as_str(), answer);
        assert_eq!(w.step().unwrap().node_ref, first);
        assert_eq!(w.step().unwrap().number, 1);
        let err = w.answer_str("definitely-not").unwrap_err();
        assert!(matches!(err, EngineError::InvalidAnswer { .. }));
        assert_eq!(w.history().len(), 0, "a bad answer changes nothing");
    }

    #[test]
    fn answers_of_the_wrong_kind_are_refused() {
        let rules = builtin();
        let mut w = Walk::start(&rules, "transaction-failed").unwrap();
        w.answer(Answer::Continue).unwrap();
        // A yes/no answer to a choice, a choice that does not exist, text.
        for wrong in [
            Answer::Yes,
            Answer::Choice("nope".into()),
            Answer::Text("05".into()),
            Answer::Skip,
        ] {
            assert!(matches!(
                w.answer(wrong),
                Err(EngineError::InvalidAnswer { .. })
            ));
        }
        w.answer(Answer::Choice("code".into())).unwrap();
        assert!(matches!(
            w.answer(Answer::Text("   ".into())),
            Err(EngineError::InvalidAnswer { .. })
        ));
        assert!(matches!(
            w.answer(Answer::Yes),
            Err(EngineError::InvalidAnswer { .. })
        ));
        w.answer(Answer::Text("55".into())).unwrap();
        assert_eq!(w.step().unwrap().node.id, "pin-again");
    }

    /// A link with `then` comes back to the calling tree when the linked
    /// tree ends resolved; an escalation there ends the walk; links nest.
    #[test]
    fn a_link_with_then_comes_back_when_the_linked_tree_is_resolved() {
        let yaml = r#"
trees:
  - id: caller
    title: C
    category: software
    start: online
    nodes:
      - {id: online, kind: question, ask: Online?, yes: again, no: fix-net}
      - {id: fix-net, kind: link, tree: net, then: again}
      - {id: again, kind: question, ask: Sign on again. Worked?, yes: done, no: call}
      - {id: done, kind: resolved, text: ok}
      - {id: call, kind: escalate, party: acquirer, text: call}
  - id: net
    title: N
    category: network
    start: cable
    nodes:
      - {id: cable, kind: question, ask: Cable in?, yes: fixed, no: isp}
      - {id: fixed, kind: resolved, text: online again}
      - {id: isp, kind: escalate, party: isp, text: call isp}
"#;
        let loaded =
            crate::rules::load::load_bytes(vec![("p.yaml".into(), yaml.as_bytes().to_vec())]);
        assert!(
            loaded.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            loaded.diagnostics
        );
        let rules = loaded.rules;
        // Resolved in the linked tree: back to `again`, with its own id.
        let mut w = Walk::start(&rules, "caller").unwrap();
        w.answer_str("no").unwrap();
        assert_eq!(w.step().unwrap().node_ref, "net/cable");
        w.answer_str("yes").unwrap();
        let step = w.step().expect("back in the caller");
        assert_eq!(step.node_ref, "again");
        assert_eq!(step.number, 3);
        assert!(step.returns.is_empty());
        w.answer_str("yes").unwrap();
        assert!(matches!(w.state(), State::Done(f) if f.node.id == "done"));
        // Going back over the return and forward again is the same walk.
        w.back();
        w.back();
        assert_eq!(w.step().unwrap().node_ref, "net/cable");
        w.answer_str("yes").unwrap();
        assert_eq!(w.step().unwrap().node_ref, "again");
        // An escalation in the linked tree ends the walk there.
        let mut w = Walk::start(&rules, "caller").unwrap();
        w.answer_str("no").unwrap();
        w.answer_str("no").unwrap();
        assert!(matches!(w.state(), State::Done(f) if f.node_ref == "net/isp"));
        // Every path ends, and both ways through the link are walked.
        let paths = all_paths(&rules, "caller", &text_samples).unwrap();
        let ends: Vec<String> = paths
            .iter()
            .filter_map(|w| match w.state() {
                State::Done(f) => Some(f.node_ref.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(paths.len(), ends.len());
        assert!(ends.contains(&"net/isp".to_owned()));
        assert!(paths.iter().any(
            |w| w.history().iter().any(|v| v.step.node_ref == "net/cable")
                && matches!(w.state(), State::Done(f) if f.node_ref == "call")
        ));
    }

    #[test]
    fn unknown_tree_suggests() {
        let rules = builtin();
        let err = Walk::start(&rules, "no-powr").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no tree is called `no-powr`; did you mean `no-power`?"
        );
    }
}
