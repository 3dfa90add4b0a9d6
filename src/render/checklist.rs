//! Printed checklists: the steps of a tree on paper, in text (down to a
//! 32-column receipt strip), Markdown or HTML. Built from the same edges the
//! engine walks, so paper and screen never disagree.

use std::collections::HashMap;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{fill, Lang, Msg};
use crate::profile::Profile;
use crate::rules::validate::reach;
use crate::rules::{Body, Category, Fact, Node, NodeKind, Party, RuleSet, Tree};

/// Where a branch of a step leads.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Then {
    Step {
        number: usize,
        node: String,
    },
    Resolved {
        node: String,
        text: String,
        /// A customer-side ending: the terminal works; what to tell the customer.
        #[serde(skip_serializing_if = "Option::is_none")]
        customer: Option<String>,
    },
    Escalate {
        node: String,
        party: &'static str,
        party_name: &'static str,
        text: String,
        /// The escalation's own warning (stop using it, unplug it): printed
        /// first and marked, as every caution on paper is.
        #[serde(skip_serializing_if = "Option::is_none")]
        caution: Option<String>,
    },
    Link {
        node: String,
        tree: String,
        title: String,
        /// The step of this checklist to come back to once the other one
        /// has solved it (the link's `then`).
        #[serde(skip_serializing_if = "Option::is_none")]
        back: Option<usize>,
    },
}

impl Then {
    /// The node the branch leads to (in the checklist's own tree).
    pub fn node(&self) -> &str {
        match self {
            Then::Step { node, .. }
            | Then::Resolved { node, .. }
            | Then::Escalate { node, .. }
            | Then::Link { node, .. } => node,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Branch {
    /// The engine's answer that takes this branch (`yes`, a choice id,
    /// `match:PATTERN`, `otherwise`, `next`).
    pub answer: String,
    /// "If yes", "If “Wi-Fi”", "Otherwise" …
    pub when: String,
    /// The target as one sentence: "go to step 4", "SOLVED: …".
    pub then_text: String,
    pub then: Then,
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub number: usize,
    pub node: String,
    pub kind: &'static str,
    /// What to do (check) or read (info).
    pub action: Option<String>,
    /// The question to answer.
    pub question: Option<String>,
    pub caution: Option<String>,
    pub destructive: bool,
    pub branches: Vec<Branch>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub title: Option<String>,
    /// The choice that leads into this section (a routine's daily/weekly/monthly).
    pub via: Option<Via>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Via {
    pub node: String,
    pub answer: String,
    pub target: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FillIn {
    pub label: String,
    /// Known from the profile; printed instead of a blank line.
    pub value: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Contact {
    pub party: &'static str,
    pub name: String,
    /// The saved contact (name, phone, hours, web), or where to find the number.
    pub how_to_reach: String,
}

/// A checklist, ready to render in any format.
#[derive(Clone, Debug, Serialize)]
pub struct Checklist {
    pub id: String,
    pub lang: &'static str,
    pub title: String,
    pub summary: Option<String>,
    pub fallback: Option<String>,
    /// The caution of the keep-selling box, if it has one.
    pub fallback_caution: Option<String>,
    pub sections: Vec<Section>,
    pub contacts: Vec<Contact>,
    pub fill_in: Vec<FillIn>,
    pub footer: String,
}

/// "Name: … · Phone: … · Hours: … · Web: …" for a saved contact.
fn contact_line(c: &crate::profile::Contact, lang: Lang) -> String {
    let colon = Msg::Colon.get(lang);
    [
        (Msg::ContactName, &c.name),
        (Msg::ContactPhone, &c.phone),
        (Msg::ContactHours, &c.hours),
        (Msg::ContactWeb, &c.web),
    ]
    .iter()
    .filter_map(|(label, v)| v.as_ref().map(|v| format!("{}{colon}{v}", label.get(lang))))
    .collect::<Vec<_>>()
    .join(" · ")
}

fn first_sentence(s: &str) -> String {
    let end = s
        .char_indices()
        .find(|(_, c)| matches!(c, '.' | '。' | '!' | '！'))
        .map(|(i, c)| i + c.len_utf8());
    end.map_or(s, |e| &s[..e]).trim().to_owned()
}

/// A pattern as a person reads it (English). Kept for callers on other
/// branches; new code uses `render::pattern::route_words`, which also
/// honours a route's `label`.
#[allow(dead_code)]
pub(crate) fn pattern_words(p: &str) -> String {
    super::pattern::describe(p, Lang::En).unwrap_or_else(|| Msg::PatOther.get(Lang::En).into())
}

/// The label of the branch an engine answer takes.
fn when(node: &Node, answer: &str, lang: Lang) -> String {
    let m = |msg: Msg| msg.get(lang).to_owned();
    match (&node.body, answer) {
        (Body::Check { .. }, "yes") => m(Msg::ClIfYes),
        (Body::Check { .. }, "no") => m(Msg::ClIfNo),
        (Body::Check { .. }, "skip") => m(Msg::ClIfSkip),
        (Body::Choice { choices, .. }, id) => {
            let label = choices
                .iter()
                .find(|c| c.id == id)
                .map_or(id, |c| c.label.get(lang));
            // A label that quotes a screen message itself (“终端未激活”，或要求
            // 激活) is not put in quotes again: 如果““终端未激活”…” reads as
            // a misprint.
            if label.contains(['“', '”', '"', '「', '」']) {
                let label = match lang {
                    Lang::En => lower_first(label),
                    Lang::Zh => label.to_owned(),
                };
                fill(Msg::ClIfChoiceQuoting.get(lang), &[("label", &label)])
            } else {
                fill(Msg::ClIfChoice.get(lang), &[("label", label)])
            }
        }
        (Body::Text { .. }, "otherwise") => m(Msg::ClOtherwise),
        (Body::Text { .. }, a) => {
            // 如果是连接类提示 / 如果是“05”, but 如果是 BT-20 系列代码: a
            // space only between a Chinese word and a Latin letter or digit.
            let mut list = super::pattern::edge_words(node, a, lang);
            if lang == Lang::Zh && list.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                list.insert(0, ' ');
            }
            fill(Msg::ClIfMatches.get(lang), &[("list", &list)])
        }
        _ => m(Msg::ClThen),
    }
}

/// "It says …" → "it says …" after "If"; an acronym (`PAPER OUT …`) stays.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_owned(),
    }
}

/// The keep-selling text without a lead-in that repeats the box's heading
/// (“先保证收款：…” under 先保证收款, "Keep selling first: …" under KEEP
/// SELLING); on screen, where there is no heading, the rule's text is
/// shown whole.
fn without_heading(text: &str, heading: &str) -> String {
    let Some((lead, rest)) = text.split_once([':', '：']) else {
        return text.to_owned();
    };
    let lead = lead.trim().to_lowercase();
    let rest = rest.trim_start();
    if lead.chars().count() > 24 || !lead.starts_with(&heading.to_lowercase()) || rest.is_empty() {
        return text.to_owned();
    }
    let mut chars = rest.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The shop's saved facts, to print the contacts and known facts.
pub struct Prefill<'a> {
    pub profile: &'a Profile,
    pub terminal: &'a str,
}

/// Builds the checklist of `tree` in `lang`, dated `date`.
pub fn build(
    rules: &RuleSet,
    tree: &Tree,
    lang: Lang,
    date: &str,
    prefill: Option<&Prefill>,
) -> Checklist {
    let start = tree.node(&tree.start);
    let fallback_node = start.filter(|n| n.kind == NodeKind::Info);
    let fallback = fallback_node.and_then(|n| match &n.body {
        Body::Info { text, .. } => Some(without_heading(
            text.get(lang),
            Msg::ClKeepSelling.get(lang),
        )),
        _ => None,
    });
    let is_step = |n: &Node| !n.is_outcome() && fallback_node.is_none_or(|f| f.id != n.id);
    // Sections: a routine (maintenance) that starts with a choice prints one
    // section per option; anything else is one section in file order.
    let routine = tree.category == Category::Maintenance;
    let mut groups: Vec<(Option<String>, Option<Via>, Vec<&Node>)> = Vec::new();
    match start.map(|s| &s.body) {
        Some(Body::Choice { choices, .. }) if routine => {
            // A set: a routine with thousands of steps is placed in linear time.
            let mut placed: std::collections::HashSet<&str> =
                std::collections::HashSet::from([tree.start.as_str()]);
            for c in choices {
                let reachable = reach(tree, &c.next);
                let nodes: Vec<&Node> = tree
                    .nodes
                    .iter()
                    .filter(|n| {
                        is_step(n)
                            && reachable.contains(n.id.as_str())
                            && !placed.contains(&n.id.as_str())
                    })
                    .collect();
                placed.extend(nodes.iter().map(|n| n.id.as_str()));
                let via = Via {
                    node: tree.start.clone(),
                    answer: c.id.clone(),
                    target: c.next.clone(),
                };
                groups.push((Some(c.label.get(lang).to_owned()), Some(via), nodes));
            }
        }
        _ => groups.push((
            None,
            None,
            tree.nodes.iter().filter(|n| is_step(n)).collect(),
        )),
    }
    let numbers: HashMap<&str, usize> = groups
        .iter()
        .flat_map(|(_, _, ns)| ns.iter())
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i + 1))
        .collect();
    let then_of = |target: &str| -> Then {
        let node = tree.node(target);
        match node.map(|n| &n.body) {
            Some(Body::Resolved { text, customer }) => Then::Resolved {
                node: target.into(),
                text: first_sentence(text.get(lang)),
                customer: customer.as_ref().map(|c| c.get(lang).to_owned()),
            },
            Some(Body::Escalate { party, text, .. }) => Then::Escalate {
                node: target.into(),
                party: party.id(),
                party_name: party.name(lang),
                // The whole text reaches the paper: what to do before
                // calling (the sale cut off, the voice-authorisation number)
                // is in it; a stop-now caution (swollen battery) comes first.
                text: text.get(lang).to_owned(),
                caution: node
                    .and_then(|n| n.caution.as_ref())
                    .map(|c| c.get(lang).to_owned()),
            },
            Some(Body::Link { tree: t, then }) => Then::Link {
                node: target.into(),
                tree: t.clone(),
                title: rules
                    .tree(t)
                    .map_or_else(|| t.clone(), |x| x.title.get(lang).to_owned()),
                back: then.as_ref().and_then(|n| numbers.get(n.as_str()).copied()),
            },
            _ => Then::Step {
                number: numbers.get(target).copied().unwrap_or(0),
                node: target.into(),
            },
        }
    };
    let then_text = |t: &Then| -> String {
        match t {
            Then::Step { number, .. } => fill(Msg::ClGoTo.get(lang), &[("n", &number.to_string())]),
            Then::Resolved {
                customer: Some(c), ..
            } => fill(Msg::ClTellCustomer.get(lang), &[("text", c)]),
            Then::Resolved { text, .. } => fill(Msg::ClSolved.get(lang), &[("text", text)]),
            Then::Escalate {
                party_name,
                text,
                caution,
                ..
            } => {
                let call = fill(
                    Msg::ClCall.get(lang),
                    &[("party", party_name), ("text", text)],
                );
                match caution {
                    Some(c) => format!("{}{c} {call}", Msg::ClCaution.get(lang)),
                    None => call,
                }
            }
            Then::Link {
                tree, title, back, ..
            } => {
                let go = fill(Msg::ClContinue.get(lang), &[("title", title), ("id", tree)]);
                match back {
                    Some(n) => format!(
                        "{go}{}",
                        fill(Msg::ClComeBack.get(lang), &[("n", &n.to_string())])
                    ),
                    None => go,
                }
            }
        }
    };
    let sections = groups
        .into_iter()
        .map(|(title, via, nodes)| Section {
            title,
            via,

            items: nodes
                .into_iter()
                .map(|n| {
                    let (action, question) = match &n.body {
                        Body::Check { action, ask, .. } => (
                            action.as_ref().map(|a| a.get(lang).to_owned()),
                            Some(
                                ask.as_ref()
                                    .map_or(Msg::DidItHelp.get(lang), |a| a.get(lang))
                                    .to_owned(),
                            ),
                        ),
                        Body::Choice { ask, .. } | Body::Text { ask, .. } => {
                            (None, Some(ask.get(lang).to_owned()))
                        }
                        Body::Info { text, .. } => (Some(text.get(lang).to_owned()), None),
                        _ => (None, None),
                    };
                    let branches = n
                        .edges()
                        .into_iter()
                        .map(|e| {
                            let then = then_of(e.target);
                            Branch {
                                when: when(n, &e.answer, lang),
                                then_text: then_text(&then),
                                answer: e.answer,
                                then,
                            }
                        })
                        .collect();
                    Item {
                        number: numbers.get(n.id.as_str()).copied().unwrap_or(0),
                        node: n.id.clone(),
                        kind: n.kind.name(),
                        action,
                        question,
                        caution: n.caution.as_ref().map(|c| c.get(lang).to_owned()),
                        destructive: matches!(
                            n.body,
                            Body::Check {
                                destructive: true,
                                ..
                            }
                        ),
                        branches,
                    }
                })
                .collect(),
        })
        .collect();
    // The call box names the parties this tree's escalations call, and
    // asks for what those escalations say to have ready.
    let mut parties: Vec<Party> = Vec::new();
    let mut facts: Vec<Fact> = Vec::new();
    for n in &tree.nodes {
        if let Body::Escalate {
            party, have_ready, ..
        } = &n.body
        {
            if !parties.contains(party) {
                parties.push(*party);
            }
            for f in have_ready {
                // The cardholder's own call has nothing for the shop to fill in.
                if *f != Fact::CardholderContact && !facts.contains(f) {
                    facts.push(*f);
                }
            }
        }
    }
    let m = |msg: Msg| msg.get(lang).to_owned();
    Checklist {
        id: tree.id.clone(),
        lang: lang.code(),
        title: tree.title.get(lang).to_owned(),
        summary: tree.summary.as_ref().map(|s| s.get(lang).to_owned()),
        fallback,
        fallback_caution: fallback_node
            .and_then(|n| n.caution.as_ref())
            .map(|c| c.get(lang).to_owned()),
        sections,
        contacts: parties
            .iter()
            .map(|p| Contact {
                party: p.id(),
                name: p.name(lang).to_owned(),
                // The profile's contact, else a pack's, else where to find one.
                how_to_reach: match prefill
                    .and_then(|f| f.profile.contact(*p).cloned())
                    .or_else(|| crate::profile::Contact::from_pack(rules, *p, lang))
                {
                    Some(c) => contact_line(&c, lang),
                    None => p.where_to_find(lang).to_owned(),
                },
            })
            .collect(),
        fill_in: facts
            .into_iter()
            .map(|fact| FillIn {
                label: match fact {
                    Fact::Tried => m(Msg::ClWhatTried),
                    Fact::Started => m(Msg::ClWhenStarted),
                    f => f.label(lang).to_owned(),
                },
                value: prefill.and_then(|f| f.profile.fact(fact, f.terminal, lang)),
            })
            // The facts this tree's pack asks for at its escalations.
            .chain(
                pack_facts(tree)
                    .filter_map(|id| rules.facts.get(id))
                    .map(|f| FillIn {
                        label: f.label.get(lang).to_owned(),
                        value: prefill.and_then(|p| p.profile.pack_fact(&f.id, p.terminal)),
                    }),
            )
            .collect(),
        footer: fill(Msg::ClFooter.get(lang), &[("id", &tree.id), ("date", date)]),
    }
}

/// The pack facts a tree's escalations ask for, each once, in file order.
fn pack_facts(tree: &Tree) -> impl Iterator<Item = &String> {
    let mut seen = std::collections::HashSet::new();
    tree.nodes
        .iter()
        .flat_map(|n| n.pack_facts.iter())
        .filter(move |id| seen.insert(id.as_str()))
}

// ---- text ---------------------------------------------------------------

/// Wraps to exactly `width` display columns at most, whatever the text.
fn wrap_into(out: &mut Vec<String>, text: &str, width: usize, first: &str, rest: &str) {
    let opts = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true);
    for para in text.lines() {
        for line in textwrap::wrap(para, &opts) {
            out.push(unglue(line.trim_end()));
        }
    }
}

/// As [`wrap_into`], but a phone number, a web address, a date, a time or
/// an hours range is never split across lines ("+86 21 5555 / 0199"), unless
/// it is wider than the line itself: for contacts, facts and the footer.
fn wrap_keeping(out: &mut Vec<String>, text: &str, width: usize, first: &str, rest: &str) {
    let room = width.saturating_sub(first.width().max(rest.width()));
    wrap_into(out, &glue(text, room), width, first, rest);
}

/// Word joiner: no line break on either side of it (and no width).
const JOIN: char = '\u{2060}';
/// No-break space.
const NBSP: char = '\u{a0}';

/// The tokens that must stay on one line, glued: no-break spaces for
/// spaces, a word joiner after every other character. A web address wider
/// than `room` may still break after a `/`, never inside a name.
fn glue(text: &str, room: usize) -> String {
    static TOKENS: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = TOKENS
        .get_or_init(|| {
            regex::Regex::new(concat!(
                r"(?:https?://|www\.)\S+",
                r"|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?(?: [+-]\d{2}:\d{2})?)?",
                r"|\d{1,2}:\d{2}(?:\s*[–—-]\s*\d{1,2}:\d{2})?",
                r"|\+?\(?\d[\d ()./-]{4,}\d(?: ?(?:ext\.?|x) ?\d+)?",
            ))
            .ok()
        })
        .as_ref()
    else {
        return text.to_owned();
    };
    re.replace_all(text, |c: &regex::Captures| {
        let token = &c[0];
        let split_at_slash = token.width() > room
            && !token.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(');
        // The scheme and the host stay whole: a break only after a `/`
        // of the path.
        let path_from = token.find("://").map_or(0, |i| i + 3);
        let path_from = token[path_from..]
            .find('/')
            .map_or(token.len(), |i| path_from + i);
        let mut s = String::with_capacity(token.len() * 4);
        let mut chars = token.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            s.push(if ch == ' ' { NBSP } else { ch });
            let slash_break = split_at_slash && ch == '/' && i >= path_from;
            if chars.peek().is_some() && !slash_break {
                s.push(JOIN);
            }
        }
        s
    })
    .into_owned()
}

/// A wrapped line with the glue of [`glue`] taken out again.
fn unglue(line: &str) -> String {
    if !line.contains([JOIN, NBSP]) {
        return line.to_owned();
    }
    line.chars()
        .filter(|c| *c != JOIN)
        .map(|c| if c == NBSP { ' ' } else { c })
        .collect()
}

/// The checklist as plain text, no line wider than `width` columns.
pub fn text(c: &Checklist, width: usize) -> String {
    let width = width.max(20);
    let mut out: Vec<String> = Vec::new();
    let rule = |ch: &str| ch.repeat(width);
    out.push(rule("="));
    wrap_into(&mut out, &c.title, width, "", "");
    if let Some(s) = &c.summary {
        wrap_into(&mut out, s, width, "", "");
    }
    out.push(rule("="));
    let m = |msg: Msg| msg.get(lang_of(c)).to_owned();
    if let Some(f) = &c.fallback {
        out.push(format!("** {} **", m(Msg::ClKeepSelling)));
        if let Some(caution) = &c.fallback_caution {
            wrap_into(
                &mut out,
                &format!("{}{caution}", m(Msg::ClCaution)),
                width,
                "",
                "",
            );
        }
        wrap_into(&mut out, f, width, "", "");
        out.push(rule("-"));
    }
    for s in &c.sections {
        match &s.title {
            Some(t) => out.push(format!("** {t} **")),
            None => out.push(format!("** {} **", m(Msg::ClSteps))),
        }
        for i in &s.items {
            out.push(String::new());
            let head = format!("[ ] {}. ", i.number);
            let pad = " ".repeat(head.width());
            // The warnings come first, right after the tick box.
            let mut body = Vec::new();
            if let Some(c) = &i.caution {
                body.push(format!("{}{c}", m(Msg::ClCaution)));
            }
            if i.destructive {
                body.push(m(Msg::ClDestructive));
            }

            if let Some(a) = &i.action {
                body.push(a.clone());
            }
            if let Some(q) = &i.question {
                body.push(q.clone());
            }
            let mut first = true;
            for part in body {
                wrap_into(
                    &mut out,
                    &part,
                    width,
                    if first { &head } else { &pad },
                    &pad,
                );
                first = false;
            }
            for b in &i.branches {
                let line = format!("- {}{}{}", b.when, m(Msg::Colon), b.then_text);
                wrap_into(&mut out, &line, width, &pad, &format!("{pad}  "));
            }
        }
        out.push(rule("-"));
    }
    out.push(format!("** {} **", m(Msg::ClCallForHelp)));
    for ct in &c.contacts {
        wrap_into(&mut out, &format!("☎ {}", ct.name), width, "", "  ");
        wrap_keeping(&mut out, &ct.how_to_reach, width, "  ", "  ");
    }
    if !c.fill_in.is_empty() {
        out.push(String::new());
        wrap_into(&mut out, &m(Msg::ClFillIn), width, "", "");
    }
    for f in &c.fill_in {
        match &f.value {
            Some(v) => wrap_keeping(
                &mut out,
                &format!("{}{}{v}", f.label, m(Msg::Colon)),
                width,
                "",
                "  ",
            ),
            None => {
                wrap_into(
                    &mut out,
                    &format!("{}{}", f.label, m(Msg::Colon).trim_end()),
                    width,
                    "",
                    "",
                );
                out.push("_".repeat(width));
            }
        }
    }
    out.push(rule("="));
    wrap_keeping(&mut out, &c.footer, width, "", "");
    let mut s = out.join("\n");
    s.push('\n');
    s
}

fn lang_of(c: &Checklist) -> Lang {
    if c.lang == "zh" {
        Lang::Zh
    } else {
        Lang::En
    }
}

// ---- markdown -----------------------------------------------------------

fn md_escape(s: &str) -> String {
    crate::sanitize::markdown(s)
}

/// The checklist as GitHub-flavoured Markdown, steps as task items.
pub fn markdown(c: &Checklist) -> String {
    let lang = lang_of(c);
    let m = |msg: Msg| msg.get(lang).to_owned();
    let mut out = format!("# {}\n\n", md_escape(&c.title));
    if let Some(s) = &c.summary {
        out.push_str(&format!("{}\n\n", md_escape(s)));
    }
    if let Some(f) = &c.fallback {
        // Each part of the box its own paragraph (consecutive quoted lines
        // would run into one).
        out.push_str(&format!("> **{}**\n>\n", m(Msg::ClKeepSelling)));
        if let Some(caution) = &c.fallback_caution {
            out.push_str(&format!(
                "> **{}** {}\n>\n",
                md_escape(m(Msg::ClCaution).trim_end()),
                md_escape(caution)
            ));
        }
        out.push_str(&format!("> {}\n\n", md_escape(f)));
    }
    for s in &c.sections {
        out.push_str(&format!(
            "## {}\n\n",
            md_escape(s.title.as_deref().unwrap_or(&m(Msg::ClSteps)))
        ));
        for i in &s.items {
            // The caution first, as on the text and HTML checklists: it is
            // read before the action is done.
            let mut text = Vec::new();
            if let Some(c) = &i.caution {
                text.push(format!(
                    "**{}** {}",
                    md_escape(m(Msg::ClCaution).trim_end()),
                    md_escape(c)
                ));
            }
            if let Some(a) = &i.action {
                text.push(md_escape(a));
            }
            if let Some(q) = &i.question {
                text.push(format!("**{}**", md_escape(q)));
            }
            out.push_str(&format!("- [ ] **{}.** {}\n", i.number, text.join(" ")));
            if i.destructive {
                out.push_str(&format!("  - **{}**\n", md_escape(&m(Msg::ClDestructive))));
            }
            for b in &i.branches {
                out.push_str(&format!(
                    "  - {}{}{}\n",
                    md_escape(&b.when),
                    m(Msg::Colon),
                    md_escape(&b.then_text)
                ));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("## {}\n\n", m(Msg::ClCallForHelp)));
    for ct in &c.contacts {
        out.push_str(&format!(
            "- ☎ **{}** — {}\n",
            md_escape(&ct.name),
            md_escape(&ct.how_to_reach)
        ));
    }
    if !c.fill_in.is_empty() {
        out.push_str(&format!("\n{}\n\n", md_escape(&m(Msg::ClFillIn))));
    }
    for f in &c.fill_in {
        let value = f
            .value
            .as_deref()
            .map_or_else(|| "____________________".to_owned(), md_escape);
        out.push_str(&format!(
            "- {}{}{value}\n",
            md_escape(&f.label),
            m(Msg::Colon)
        ));
    }

    out.push_str(&format!("\n---\n*{}*\n", md_escape(&c.footer)));
    out
}

// ---- html ---------------------------------------------------------------

const HTML: &str = include_str!("checklist.html.j2");

/// One self-contained HTML page holding the given checklists, one a page
/// when printed. Text is escaped by the template engine.
pub fn html(lists: &[Checklist], lang: Lang) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("checklist.html", HTML)?;
    let tmpl = env.get_template("checklist.html")?;
    let m = |msg: Msg| msg.get(lang);
    tmpl.render(minijinja::context! {
        lang => lang.code(),
        lists => lists,
        title => if lists.len() == 1 { lists[0].title.clone() } else { "posdoctor".to_owned() },
        keep_selling => m(Msg::ClKeepSelling),
        steps => m(Msg::ClSteps),
        caution => m(Msg::ClCaution).trim_end(),
        destructive => m(Msg::ClDestructive),
        call_for_help => m(Msg::ClCallForHelp),
        fill_in => m(Msg::ClFillIn),
        colon => m(Msg::Colon),

    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keep_selling_box_does_not_repeat_its_heading() {
        let h = |l| Msg::ClKeepSelling.get(l);
        assert_eq!(
            without_heading("先保证收款：收现金或扫码付款。", h(Lang::Zh)),
            "收现金或扫码付款。"
        );
        assert_eq!(
            without_heading("Keep selling first: take cash or QR.", h(Lang::En)),
            "Take cash or QR."
        );
        // Anything else is left whole.
        for t in [
            "Keep selling, but first check this payment: it may have gone through.",
            "告诉顾客稍等：通常只需一分钟。",
        ] {
            assert_eq!(without_heading(t, h(Lang::En)), t);
            assert_eq!(without_heading(t, h(Lang::Zh)), t);
        }
    }

    #[test]
    fn a_label_that_quotes_is_not_quoted_again() {
        assert_eq!(lower_first("It says “PAPER OUT”"), "it says “PAPER OUT”");
        assert_eq!(lower_first("TAMPER or “X”"), "TAMPER or “X”");
    }

    #[test]
    fn first_sentence_in_both_languages() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("第一句。第二句。"), "第一句。");
        assert_eq!(first_sentence("no stop"), "no stop");
    }

    #[test]
    fn markdown_escapes() {
        assert_eq!(md_escape("a*b_[c]"), "a\\*b\\_\\[c\\]");
    }
}
