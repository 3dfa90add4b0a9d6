//! `posdoctor paths TREE`: every node of a tree (as scripts name it, with
//! its kind and text) and every path through it (loops walked once, as the
//! engine's own enumeration), each as an answers mapping ready for
//! `run --answers` or a scenario case.

use anyhow::Result;
use serde::{Serialize, Serializer};

use super::{load_rules, print_json, print_out, shell_word, tree_or_explain, Ctx};
use crate::engine::{all_paths_limited, text_samples, Answer, State, Step};
use crate::i18n::{fill, Lang, Msg};
use crate::rules::{Body, Node, RuleSet};
use crate::scenario::named_nodes;
use crate::term::{use_color_for, Stream};

/// Paths beyond this many are not listed (a pack's tree can have very many).
const MAX_PATHS: usize = 5000;

#[derive(Serialize)]
struct NodeJson {
    /// The id as scripts name it (`tree/node` in a linked tree).
    id: String,
    tree: String,
    kind: &'static str,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ask: Option<String>,
    /// What a script answers; empty for free text and outcomes.
    answers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<RouteJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    customer: bool,
}

#[derive(Serialize)]
struct RouteJson {
    #[serde(rename = "match")]
    pattern: String,
    /// The route in words (its label, or the pattern read out).
    label: String,
    next: String,
    /// An answer this route takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    sample: Option<String>,
}

/// The answers of a path, in walk order, as a JSON object.
struct Ordered(Vec<(String, String)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct PathJson {
    outcome: &'static str,
    /// The node it ends at.
    end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    customer: bool,
    answers: Ordered,
}

#[derive(Serialize)]
struct PathsJson {
    tree: String,
    title: String,
    lang: &'static str,
    nodes: Vec<NodeJson>,
    paths: Vec<PathJson>,
    /// False when there were more than `limit` paths and only the first
    /// ones are listed.
    complete: bool,
    limit: usize,
}

pub fn paths(ctx: &Ctx, id: &str, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let lang = ctx.lang;
    let tree = tree_or_explain(ctx, &rules, id, &format!("paths {}", shell_word(id)))?;
    let nodes: Vec<NodeJson> = named_nodes(&rules, tree)
        .into_iter()
        .map(|(name, t, n)| node_json(name, &t.id, n, &rules, lang))
        .collect();
    let (walks, complete) = all_paths_limited(&rules, &tree.id, &samples, MAX_PATHS)?;
    let mut paths: Vec<PathJson> = walks
        .iter()
        .filter_map(|w| {
            let State::Done(f) = w.state() else {
                return None;
            };
            let answers = w
                .history()
                .iter()
                .filter(|v| v.answer != Answer::Continue)
                .map(|v| (v.step.node_ref.clone(), v.answer.as_str().to_owned()))
                .collect();
            Some(PathJson {
                outcome: if f.is_resolved() {
                    "resolved"
                } else {
                    "escalated"
                },
                end: f.node_ref.clone(),
                party: f.party().map(|p| p.id()),
                customer: f.customer().is_some(),
                answers: Ordered(answers),
            })
        })
        .collect();
    // Shortest first (a safety stop is one answer away), then by answers.
    paths.sort_by(|a, b| (a.answers.0.len(), &a.answers.0).cmp(&(b.answers.0.len(), &b.answers.0)));
    let out = PathsJson {
        tree: tree.id.clone(),
        title: tree.title.get(lang).to_owned(),
        lang: lang.code(),
        nodes,
        paths,
        complete,
        limit: MAX_PATHS,
    };
    if json {
        print_json(&out)?;
    } else {
        use_color_for(ctx.color, Stream::Stdout);
        print_out(&text(&out, lang))?;
    }
    Ok(0)
}

/// Answers for a text step, one per route and one for `otherwise`: a
/// clean sample where one can be found (`51`, not `5.*`).
fn samples(step: &Step) -> Vec<String> {
    let Body::Text {
        routes, matcher, ..
    } = &step.node.body
    else {
        return vec![];
    };
    let fallback = text_samples(step);
    let mut out: Vec<String> = routes
        .iter()
        .filter_map(|r| {
            crate::scenario::sample_for(r)
                .or_else(|| fallback.iter().find(|f| r.is_match(f)).cloned())
        })
        .collect();
    // An everyday word for "anything else", if no route takes it.
    let other = ["other", "x", "zzqxj"]
        .into_iter()
        .find(|o| crate::engine::route_for(routes, matcher, o).is_none())
        .unwrap_or("zzqxj");
    out.push(other.into());
    out
}

fn node_json(name: String, tree: &str, n: &Node, rules: &RuleSet, lang: Lang) -> NodeJson {
    let (text, ask) = match &n.body {
        Body::Check { action, ask, .. } => {
            let ask = ask
                .as_ref()
                .map_or(Msg::DidItHelp.get(lang), |a| a.get(lang))
                .to_owned();
            match action {
                Some(a) => (a.get(lang).to_owned(), Some(ask)),
                None => (ask, None),
            }
        }
        Body::Choice { ask, .. } | Body::Text { ask, .. } => (ask.get(lang).to_owned(), None),
        Body::Info { text, .. } | Body::Resolved { text, .. } | Body::Escalate { text, .. } => {
            (text.get(lang).to_owned(), None)
        }
        Body::Link { tree: t, .. } => (
            format!(
                "→ {} ({t})",
                rules.tree(t).map_or(t.as_str(), |x| x.title.get(lang))
            ),
            None,
        ),
    };
    let answers = match &n.body {
        Body::Check { destructive, .. } => {
            let mut v = vec!["yes".to_owned(), "no".to_owned()];
            if *destructive {
                v.push("skip".into());
            }
            v
        }
        Body::Choice { choices, .. } => choices.iter().map(|c| c.id.clone()).collect(),
        _ => vec![],
    };
    let routes = match &n.body {
        Body::Text { routes, .. } => routes
            .iter()
            .map(|r| RouteJson {
                pattern: r.pattern.clone(),
                label: crate::render::pattern::route_words(r, lang),
                next: r.next.clone(),
                sample: crate::scenario::sample_for(r),
            })
            .collect(),
        _ => vec![],
    };
    NodeJson {
        id: name,
        tree: tree.to_owned(),
        kind: n.kind.name(),
        text: crate::rules::load::sanitize(&text),
        ask,
        answers,
        routes,
        party: match &n.body {
            Body::Escalate { party, .. } => Some(party.id()),
            _ => None,
        },
        customer: matches!(
            &n.body,
            Body::Resolved {
                customer: Some(_),
                ..
            }
        ),
    }
}

/// A YAML scalar that every YAML reader reads as the same string: plain
/// when it is a simple word, double-quoted otherwise (always for `yes`,
/// `no`, `on`, `off`, numbers — YAML 1.1 readers would change them).
pub fn yaml_scalar(s: &str) -> String {
    let word = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let typed = matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    );
    if word && !typed {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

/// `{danger: "yes", what-happens: dead}`.
fn flow_map(answers: &[(String, String)]) -> String {
    let items: Vec<String> = answers
        .iter()
        .map(|(k, v)| format!("{}: {}", yaml_scalar(k), yaml_scalar(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn text(out: &PathsJson, lang: Lang) -> String {
    use colored::Colorize;
    let mut s = format!("{} — {}\n\n", out.tree.bold(), out.title);
    s.push_str(&format!(
        "{}\n",
        fill(
            Msg::PathsNodes.get(lang),
            &[("n", &out.nodes.len().to_string())]
        )
        .bold()
    ));
    let id_w = out
        .nodes
        .iter()
        .map(|n| n.id.chars().count())
        .max()
        .unwrap_or(0);
    for n in &out.nodes {
        let first = n.text.lines().next().unwrap_or("");
        let short: String = first.chars().take(70).collect();
        let more = if short.len() < first.len() { "…" } else { "" };
        let pad = " ".repeat(id_w - n.id.chars().count());
        let mut extra = String::new();
        if !n.answers.is_empty() {
            extra = format!(" [{}]", n.answers.join(", "));
        }
        if let Some(p) = n.party {
            extra = format!(" [{p}]");
        }
        s.push_str(&format!(
            "  {}{pad}  {:<8}  {short}{more}{}\n",
            n.id,
            n.kind,
            extra.dimmed()
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "{}\n",
        fill(
            Msg::PathsPaths.get(lang),
            &[("n", &out.paths.len().to_string())]
        )
        .bold()
    ));
    for (i, p) in out.paths.iter().enumerate() {
        let mut head = p.outcome.to_owned();
        if let Some(party) = p.party {
            head.push_str(&format!(" ({party})"));
        }
        if p.customer {
            head.push_str(" (customer-side)");
        }
        s.push_str(&format!("  {:>3}. {head} at {}\n", i + 1, p.end));
        s.push_str(&format!("       {}\n", flow_map(&p.answers.0)));
    }
    if !out.complete {
        s.push_str(&format!(
            "\n{}\n",
            fill(Msg::PathsMore.get(lang), &[("n", &out.limit.to_string())])
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_the_same_in_every_yaml() {
        assert_eq!(yaml_scalar("dead"), "dead");
        assert_eq!(yaml_scalar("no-network/router"), "no-network/router");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("off"), "\"off\"");
        assert_eq!(yaml_scalar("05"), "\"05\"");
        assert_eq!(yaml_scalar("a b: c"), "\"a b: c\"");
        assert_eq!(
            flow_map(&[
                ("danger".into(), "yes".into()),
                ("code".into(), "51".into())
            ]),
            "{danger: \"yes\", code: \"51\"}"
        );
    }
}
