//! A tree as a graph: Graphviz DOT or Mermaid, every node and edge, the
//! answer on each edge, shapes and colours by kind of node.

use crate::i18n::{Lang, Msg};
use crate::rules::{Body, Node, NodeKind, RuleSet, Tree};

/// `s` wrapped to `width` columns (a word longer than that is broken, so
/// Graphviz never meets a 5 000-character word) and cut to `lines` lines.
fn fit(s: &str, width: usize, lines: usize) -> String {
    let opts = textwrap::Options::new(width).break_words(true);
    let wrapped = textwrap::wrap(s, opts);
    let mut v: Vec<String> = wrapped.iter().take(lines).map(|l| l.to_string()).collect();
    if wrapped.len() > lines {
        if let Some(last) = v.last_mut() {
            last.push('…');
        }
    }
    v.join("\n")
}

/// The text inside a node's box: its id, then a short form of what it says.
fn label(node: &Node, rules: &RuleSet, lang: Lang) -> String {
    let short = |s: &str| fit(s, 28, 4);
    let body = match &node.body {
        Body::Check { action, ask, .. } => {
            let q = ask
                .as_ref()
                .map_or(Msg::DidItHelp.get(lang), |a| a.get(lang));
            match action {
                Some(a) => format!("{}\n{}", short(a.get(lang)), short(q)),
                None => short(q),
            }
        }
        Body::Choice { ask, .. } | Body::Text { ask, .. } => short(ask.get(lang)),
        Body::Info { text, .. } | Body::Resolved { text, .. } => short(text.get(lang)),
        Body::Escalate { party, text, .. } => {
            format!("☎ {}\n{}", party.name(lang), short(text.get(lang)))
        }
        Body::Link { tree, .. } => format!(
            "→ {}",
            short(
                rules
                    .tree(tree)
                    .map_or(tree.as_str(), |t| t.title.get(lang))
            )
        ),
    };
    // A warning mark, so a caution is not lost when reading the graph.
    let mark = if node.caution.is_some() { "⚠ " } else { "" };
    format!("{mark}{}\n{}", node.id, body)
}

/// A tree's title as a graph's caption.
fn caption(tree: &Tree, lang: Lang) -> String {
    fit(tree.title.get(lang), 60, 2).replace('\n', " ")
}

/// The label of an edge: the answer as a person reads it.
fn edge_label(node: &Node, answer: &str, lang: Lang) -> String {
    fit(&edge_words(node, answer, lang), 28, 3)
}

fn edge_words(node: &Node, answer: &str, lang: Lang) -> String {
    match (&node.body, answer) {
        (Body::Check { .. }, "yes") => Msg::Yes.get(lang).to_owned(),
        (Body::Check { .. }, "no") => Msg::No.get(lang).to_owned(),
        (Body::Check { .. }, "skip") => Msg::Skipped.get(lang).to_owned(),
        (Body::Choice { choices, .. }, id) => choices
            .iter()
            .find(|c| c.id == id)
            .map_or(id, |c| c.label.get(lang))
            .to_owned(),
        (Body::Text { .. }, "otherwise") => Msg::ClOtherwise.get(lang).to_owned(),
        (Body::Text { .. }, a) => super::pattern::edge_words(node, a, lang),
        _ => String::new(),
    }
}

/// Shape and fill colour by kind (DOT names).
fn dot_style(node: &Node) -> (&'static str, &'static str) {
    match node.kind {
        NodeKind::Check => ("box", "#dbeafe"),
        NodeKind::Question => ("diamond", "#fef9c3"),
        NodeKind::Choice => ("hexagon", "#fde68a"),
        NodeKind::Text => ("parallelogram", "#e9d5ff"),
        NodeKind::Info => ("note", "#f3f4f6"),
        NodeKind::Resolved => ("doubleoctagon", "#bbf7d0"),
        NodeKind::Escalate => ("octagon", "#fecaca"),
        NodeKind::Link => ("cds", "#e0e7ff"),
    }
}

/// A DOT quoted string.
fn dot_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn dot(tree: &Tree, rules: &RuleSet, lang: Lang) -> String {
    let mut out = format!("digraph {} {{\n", dot_quote(&tree.id));
    out.push_str(&format!(
        "  label={};\n  labelloc=t;\n  fontname=\"sans-serif\";\n",
        dot_quote(&caption(tree, lang))
    ));
    out.push_str(
        "  node [fontname=\"sans-serif\", style=\"filled\"];\n  edge [fontname=\"sans-serif\"];\n",
    );
    for node in &tree.nodes {
        let (shape, fill) = dot_style(node);
        let mut attrs = format!(
            "shape={shape}, fillcolor=\"{fill}\", label={}",
            dot_quote(&label(node, rules, lang))
        );
        if node.kind == NodeKind::Check {
            attrs.push_str(", style=\"rounded,filled\"");
        }
        if matches!(
            node.body,
            Body::Check {
                destructive: true,
                ..
            }
        ) {
            attrs.push_str(", penwidth=3, color=\"#b91c1c\"");
        }
        if node.id == tree.start {
            attrs.push_str(", peripheries=2");
        }
        out.push_str(&format!("  {} [{attrs}];\n", dot_quote(&node.id)));
    }
    for node in &tree.nodes {
        for e in node.edges() {
            let l = edge_label(node, &e.answer, lang);
            let attr = if l.is_empty() {
                String::new()
            } else {
                format!(" [label={}]", dot_quote(&l))
            };
            out.push_str(&format!(
                "  {} -> {}{attr};\n",
                dot_quote(&node.id),
                dot_quote(e.target)
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// Text inside Mermaid's quotes: entity codes for what would end or break it.
fn mermaid_text(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),

            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn mermaid(tree: &Tree, rules: &RuleSet, lang: Lang) -> String {
    // Node ids to Mermaid's short ids, looked up once each (a scan per edge
    // made a 10 000-node tree quadratic).
    let short: std::collections::HashMap<&str, usize> = tree
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let id_of = |id: &str| {
        short
            .get(id)
            .map_or_else(|| "missing".to_owned(), |i| format!("n{i}"))
    };
    // The front matter is YAML: a single-quoted scalar takes any text
    // (a backslash as in `D:\data` included) with `'` doubled.
    let mut out = format!(
        "---\ntitle: '{}'\n---\nflowchart TD\n",
        caption(tree, lang).replace('\'', "''")
    );
    for (i, node) in tree.nodes.iter().enumerate() {
        let l = format!("\"{}\"", mermaid_text(&label(node, rules, lang)));
        let shape = match node.kind {
            NodeKind::Check => format!("({l})"),
            NodeKind::Question => format!("{{{l}}}"),
            NodeKind::Choice => format!("{{{{{l}}}}}"),
            NodeKind::Text => format!("[/{l}/]"),
            NodeKind::Info => format!("[{l}]"),
            NodeKind::Resolved => format!("([{l}])"),
            NodeKind::Escalate => format!("[[{l}]]"),
            NodeKind::Link => format!(">{l}]"),
        };
        out.push_str(&format!("  n{i}{shape}:::{}\n", node.kind.name()));
        if matches!(
            node.body,
            Body::Check {
                destructive: true,
                ..
            }
        ) {
            out.push_str(&format!("  style n{i} stroke:#b91c1c,stroke-width:4px\n"));
        }
    }
    for node in &tree.nodes {
        for e in node.edges() {
            let l = edge_label(node, &e.answer, lang);
            let arrow = if l.is_empty() {
                " --> ".to_owned()
            } else {
                format!(" -->|\"{}\"| ", mermaid_text(&l))
            };
            out.push_str(&format!(
                "  {}{arrow}{}\n",
                id_of(&node.id),
                id_of(e.target)
            ));
        }
    }
    for (kind, fill) in [
        ("check", "#dbeafe"),
        ("question", "#fef9c3"),
        ("choice", "#fde68a"),
        ("text", "#e9d5ff"),
        ("info", "#f3f4f6"),
        ("resolved", "#bbf7d0"),
        ("escalate", "#fecaca"),
        ("link", "#e0e7ff"),
    ] {
        out.push_str(&format!("  classDef {kind} fill:{fill},stroke:#333\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(dot_quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(
            mermaid_text("<a> \"b\" #1 & |\n"),
            "#lt;a#gt; #quot;b#quot; #35;1 #amp; #124;<br/>"
        );
    }
}
