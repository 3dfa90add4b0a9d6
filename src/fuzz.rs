//! The fuzz targets' bodies, in the library so that `fuzz/` (cargo-fuzz)
//! and `cargo test` (tests/fuzz_regressions.rs, replaying every input that
//! once failed) run exactly the same code. Each takes arbitrary bytes and
//! panics only when posdoctor breaks a promise: a panic anywhere, a card
//! number kept, a control character in output, a walk that does not end.

use crate::engine::{State, Walk};
use crate::i18n::Lang;
use crate::rules::load::load_bytes;
use crate::rules::validate;

/// True when `s` holds a character no output may carry raw.
fn dirty(s: &str, multiline: bool) -> bool {
    s.chars()
        .any(|c| crate::sanitize::is_dangerous(c) && !(multiline && matches!(c, '\n' | '\t')))
}

/// Rule loader and validator: any bytes as one rule file. Findings render
/// without a control character, and every loaded tree renders in every
/// format.
pub fn rules(data: &[u8]) {
    let loaded = load_bytes(vec![("fuzz.yaml".into(), data.to_vec())]);
    let findings = validate::check(&loaded.rules);
    for d in loaded.diagnostics.iter().chain(&findings) {
        let out = d.render(false);
        assert!(
            !dirty(&out, true),
            "a finding renders a control character: {out:?}"
        );
    }
    for tree in loaded.rules.trees() {
        for lang in [Lang::En, Lang::Zh] {
            let c = crate::render::checklist::build(&loaded.rules, tree, lang, "2026-01-01", None);
            for out in [
                crate::render::checklist::text(&c, 32),
                crate::render::checklist::markdown(&c),
                crate::render::graph::dot(tree, &loaded.rules, lang),
                crate::render::graph::mermaid(tree, &loaded.rules, lang),
            ] {
                assert!(
                    !dirty(&out, true),
                    "output carries a control character: {out:?}"
                );
            }
        }
    }
}

/// Answers file: any bytes. Parsed or refused with a finding; never a
/// card number kept in an answer.
pub fn answers(data: &[u8]) {
    match crate::answers::Answers::from_bytes("fuzz.yaml", data.to_vec()) {
        Ok(mut a) => {
            for (node, _, _) in a
                .unused()
                .into_iter()
                .map(|(n, c, s)| (n.to_owned(), c, s))
                .collect::<Vec<_>>()
            {
                while let Some(v) = a.take(&node) {
                    assert_eq!(crate::privacy::mask(&v), v, "an answer keeps a card number");
                    assert!(
                        !dirty(&v, true),
                        "an answer keeps a control character: {v:?}"
                    );
                }
            }
        }
        Err(d) => {
            let _ = d.render(false);
        }
    }
}

/// Session-log reader: any bytes as a log, then the report in every
/// format, as `posdoctor report` would print it.
pub fn session_log(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok((mut events, _)) = crate::session::read_events(&text) else {
        return;
    };
    for e in &mut events {
        e.redact();
    }
    for lang in [Lang::En, Lang::Zh] {
        if let Some(r) = crate::report::from_events(&events, lang) {
            let md = crate::report::markdown(&r, lang);
            let txt = crate::report::text(&r, lang);
            for out in [&md, &txt] {
                assert!(
                    !dirty(out, true),
                    "a report carries a control character: {out:?}"
                );
            }
            // Typed answers are quoted in code spans (backticks and line
            // breaks replaced), where Markdown shows a tag as text; anywhere
            // else a `<` would be raw HTML.
            let (mut in_code, mut escaped) = (false, false);
            for c in md.chars() {
                match c {
                    '`' if !escaped => in_code = !in_code,
                    '<' if !in_code => panic!("the Markdown report passes raw HTML: {md}"),
                    '\n' if in_code => panic!("a code span breaks its line: {md}"),
                    _ => {}
                }
                escaped = c == '\\' && !escaped && !in_code;
            }
            let _ = serde_json::to_string(&r);
        }
    }
}

/// Card masker: any text. Only digits turn into `*`, nothing else moves,
/// and masking is stable once no card number is left.
pub fn mask(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (out, masked) = crate::privacy::mask_card_numbers(&text);
    assert_eq!(out.chars().count(), text.chars().count());
    for (a, b) in text.chars().zip(out.chars()) {
        if a != b {
            assert!(
                b == '*' && crate::privacy::digit_value(a).is_some(),
                "{a:?} → {b:?}"
            );
        }
    }
    assert_eq!(masked, out != text);
    // Masking again only ever masks more.
    let (again, _) = crate::privacy::mask_card_numbers(&out);
    for (a, b) in out.chars().zip(again.chars()) {
        assert!(a == b || b == '*');
    }
}

/// A small deterministic reader of fuzz bytes.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }
}

/// The engine over arbitrary valid trees, driven by arbitrary answers
/// (and "back"): never a panic, and every walk ends within its bound.
pub fn engine(data: &[u8]) {
    let mut b = Bytes(data);
    let n = 1 + b.below(12);
    let kinds = [
        "check", "question", "choice", "text", "info", "resolved", "escalate",
    ];
    let mut yaml = String::from(
        "trees:\n  - id: f\n    title: {en: F, zh: F}\n    category: power\n    keywords: {en: [f], zh: [f]}\n    start: n0\n    nodes:\n",
    );
    for i in 0..n {
        // The last node always ends the walk, so some tree is valid.
        let kind = if i == n - 1 {
            "resolved"
        } else {
            kinds[b.below(kinds.len())]
        };
        let mut to = || format!("n{}", b.below(n));
        let node = match kind {
            "check" => format!(
                "{{id: n{i}, kind: check, do: d, yes: {}, no: {}}}",
                to(),
                to()
            ),
            "question" => format!("{{id: n{i}, kind: question, ask: q, yes: {}, no: {}}}", to(), to()),
            "choice" => {
                let k = 1 + b.below(4);
                let opts: Vec<String> = (0..k)
                    .map(|j| format!("{{id: c{j}, label: L{j}, next: n{}}}", b.below(n)))
                    .collect();
                format!("{{id: n{i}, kind: choice, ask: q, choices: [{}]}}", opts.join(", "))
            }
            "text" => format!(
                "{{id: n{i}, kind: text, ask: q, routes: [{{match: '0?5|ab', next: n{}}}], otherwise: n{}}}",
                b.below(n),
                b.below(n)
            ),
            "info" => format!("{{id: n{i}, kind: info, text: t, next: {}}}", to()),
            "escalate" => format!("{{id: n{i}, kind: escalate, party: vendor, text: t}}"),
            _ => format!("{{id: n{i}, kind: resolved, text: t}}"),
        };
        yaml.push_str(&format!("      - {node}\n"));
    }
    let loaded = load_bytes(vec![("fuzz.yaml".into(), yaml.into_bytes())]);
    let mut findings = validate::check(&loaded.rules);
    findings.extend(loaded.diagnostics);
    if findings.iter().any(|d| d.is_error()) {
        return;
    }
    let rules = loaded.rules;
    let Ok(mut walk) = Walk::start(&rules, "f") else {
        panic!("a valid tree does not start");
    };
    let answers = [
        "yes",
        "no",
        "skip",
        "c0",
        "c1",
        "c2",
        "c3",
        "05",
        "abc",
        "",
        "continue",
        "４１１１",
    ];
    for _ in 0..256 {
        match b.byte() % 16 {
            15 => {
                walk.back();
            }
            k => {
                let _ = walk.answer_str(answers[usize::from(k) % answers.len()]);
            }
        }
        if matches!(walk.state(), State::Done(_)) {
            break;
        }
    }
    assert!(walk.history().len() <= 256);
}
