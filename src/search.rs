//! Finding the right tree from a person's own words, in English or Chinese,
//! with typos tolerated in Latin words ("pritner jam" finds the printer).
//!
//! Each tree is indexed once: its keywords and title weigh most, then its id
//! and summary, then the text of its nodes. A Latin query word matches a
//! word exactly, as a prefix, or within a small edit distance
//! (Damerau–Levenshtein, so swapped letters count once); a Chinese run
//! matches by containment either way, or by shared character pairs. A
//! tree's score is the sum of each query word's best match.

use crate::rules::{RuleSet, Tree};

const W_KEYWORD: f64 = 3.0;
const W_TITLE: f64 = 3.0;
const W_ID: f64 = 2.0;
const W_SUMMARY: f64 = 1.5;
const W_TEXT: f64 = 0.5;

/// Words too common to tell trees apart.
const STOP: &[&str] = &[
    "a", "an", "the", "is", "it", "its", "my", "our", "and", "or", "of", "to", "on", "in", "at",
    "for", "with", "does", "do", "i", "me", "we", "this", "that",
];

#[derive(Clone, Debug)]
pub struct Hit<'r> {
    pub tree: &'r Tree,
    pub score: f64,
}

/// One tree's searchable text.
#[derive(Debug)]
pub struct Entry<'r> {
    pub tree: &'r Tree,
    /// Latin words with their weight (the best weight a word has in the tree).
    words: Vec<(String, f64)>,
    /// Whole phrases (keywords, titles) for multi-word matches.
    phrases: Vec<(String, f64)>,
    /// Chinese runs with their weight.
    cjk: Vec<(String, f64)>,
}

/// The search index over every tree of a rule set.
#[derive(Debug)]
pub struct Index<'r> {
    entries: Vec<Entry<'r>>,
    /// Response codes (normalized) and the tree each one leads to: a person
    /// often types just the code on the screen.
    codes: Vec<(String, &'r str)>,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Splits text into lower-case Latin words and Chinese runs.
pub fn tokens(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut latin, mut cjk) = (Vec::new(), Vec::new());
    let (mut word, mut run) = (String::new(), String::new());
    let flush = |buf: &mut String, out: &mut Vec<String>| {
        if !buf.is_empty() {
            out.push(std::mem::take(buf));
        }
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush(&mut word, &mut latin);
            run.push(c);
        } else if c.is_alphanumeric() || c == '/' || c == '\'' {
            flush(&mut run, &mut cjk);
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut latin);
            flush(&mut run, &mut cjk);
        }
    }
    flush(&mut word, &mut latin);
    flush(&mut run, &mut cjk);
    latin.retain(|w| !STOP.contains(&w.as_str()));
    (latin, cjk)
}

impl<'r> Index<'r> {
    pub fn new(rules: &'r RuleSet) -> Index<'r> {
        let codes = rules
            .codes
            .values()
            .filter_map(|c| {
                let tree = c.tree.as_deref()?;
                let names = std::iter::once(&c.code).chain(&c.aliases);
                Some(
                    names
                        .map(move |n| (crate::rules::normalize_code(n), tree))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .collect();
        Index {
            entries: rules.trees().iter().map(Entry::new).collect(),
            codes,
        }
    }

    /// Extra score for query words that are response codes.
    fn code_bonus(&self, tree: &str, latin: &[String]) -> f64 {
        let hits = latin
            .iter()
            .filter(|w| {
                self.codes
                    .iter()
                    .any(|(c, t)| *t == tree && *c == crate::rules::normalize_code(w))
            })
            .count();
        hits as f64 * W_KEYWORD
    }

    /// Trees matching `query`, best first; ties keep id order.
    pub fn search(&self, query: &str) -> Vec<Hit<'r>> {
        let (latin, cjk) = tokens(query);
        let phrase = latin.join(" ");
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .map(|e| Hit {
                tree: e.tree,
                score: e.score(&latin, &cjk, &phrase) + self.code_bonus(&e.tree.id, &latin),
            })
            .filter(|h| h.score > 0.0)
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits
    }

    /// The score of one tree for `query` (for a type-to-filter list).
    pub fn score(&self, tree_id: &str, query: &str) -> f64 {
        let (latin, cjk) = tokens(query);
        let phrase = latin.join(" ");
        self.entries
            .iter()
            .find(|e| e.tree.id == tree_id)
            .map_or(0.0, |e| {
                e.score(&latin, &cjk, &phrase) + self.code_bonus(tree_id, &latin)
            })
    }
}

impl<'r> Entry<'r> {
    fn new(tree: &'r Tree) -> Entry<'r> {
        let mut e = Entry {
            tree,
            words: Vec::new(),
            phrases: Vec::new(),
            cjk: Vec::new(),
        };
        let mut add = |text: &str, weight: f64, phrase: bool| {
            let (latin, cjk) = tokens(text);
            for w in latin {
                match e.words.iter_mut().find(|(x, _)| *x == w) {
                    Some((_, old)) => *old = old.max(weight),
                    None => e.words.push((w, weight)),
                }
            }
            for c in cjk {
                e.cjk.push((c, weight));
            }
            if phrase {
                e.phrases.push((text.to_lowercase(), weight));
            }
        };
        for k in tree.keywords.en.iter().chain(&tree.keywords.zh) {
            add(k, W_KEYWORD, true);
        }
        add(&tree.title.en, W_TITLE, true);
        if let Some(zh) = &tree.title.zh {
            add(zh, W_TITLE, true);
        }
        add(&tree.id.replace('-', " "), W_ID, true);
        if let Some(s) = &tree.summary {
            add(&s.en, W_SUMMARY, false);
            if let Some(zh) = &s.zh {
                add(zh, W_SUMMARY, false);
            }
        }
        for node in &tree.nodes {
            for (t, _) in node.texts() {
                add(&t.en, W_TEXT, false);
                if let Some(zh) = &t.zh {
                    add(zh, W_TEXT, false);
                }
            }
        }
        e
    }

    fn score(&self, latin: &[String], cjk: &[String], phrase: &str) -> f64 {
        let mut total = 0.0;
        for q in latin {
            total += self
                .words
                .iter()
                .map(|(w, weight)| word_match(q, w) * weight)
                .fold(0.0, f64::max);
        }
        for q in cjk {
            total += self
                .cjk
                .iter()
                .map(|(c, weight)| cjk_match(q, c) * weight)
                .fold(0.0, f64::max);
        }
        // A multi-word query that appears whole in a keyword or title.
        if latin.len() > 1 {
            if let Some(w) = self
                .phrases
                .iter()
                .filter(|(p, _)| p.contains(phrase))
                .map(|(_, w)| *w)
                .reduce(f64::max)
            {
                total += w;
            }
        }
        total
    }
}

/// How well query word `q` matches word `w` (0 to 1).
fn word_match(q: &str, w: &str) -> f64 {
    if q == w {
        return 1.0;
    }
    let (ql, wl) = (q.chars().count(), w.chars().count());
    if ql >= 3 && w.starts_with(q) {
        return 0.8;
    }
    if ql >= 4 && wl >= 4 {
        let d = strsim::damerau_levenshtein(q, w);
        let allowed = if ql >= 7 { 2 } else { 1 };
        if d <= allowed {
            return 0.7 - 0.1 * d as f64;
        }
    }
    0.0
}

/// How well Chinese run `q` matches run `c` (0 to 1).
fn cjk_match(q: &str, c: &str) -> f64 {
    if c.contains(q) {
        return if c == q { 1.0 } else { 0.9 };
    }
    if c.chars().count() >= 2 && q.contains(c) {
        return 0.8;
    }
    let pairs = |s: &str| -> Vec<(char, char)> {
        let v: Vec<char> = s.chars().collect();
        v.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let qp = pairs(q);
    if qp.is_empty() {
        return 0.0;
    }
    let cp = pairs(c);
    let shared = qp.iter().filter(|p| cp.contains(p)).count();
    let ratio = shared as f64 / qp.len() as f64;
    if ratio >= 0.5 {
        0.6 * ratio
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_latin_and_chinese() {
        let (l, c) = tokens("POS 黑屏了, the Screen is BLACK");
        assert_eq!(l, vec!["pos", "screen", "black"]);
        assert_eq!(c, vec!["黑屏了"]);
    }

    #[test]
    fn typos_are_tolerated() {
        assert!(word_match("pritner", "printer") > 0.0);
        assert!(word_match("paer", "paper") > 0.0);
        assert_eq!(word_match("pin", "printer"), 0.0);
        assert_eq!(
            word_match("cat", "car"),
            0.0,
            "short words need an exact match"
        );
    }

    #[test]
    fn chinese_matches_by_containment_and_pairs() {
        assert_eq!(cjk_match("黑屏", "黑屏"), 1.0);
        assert!(cjk_match("终端黑屏了", "黑屏") > 0.0);
        assert!(cjk_match("打印不清", "打印不清晰") > 0.0);
        assert_eq!(cjk_match("结算", "读卡失败"), 0.0);
    }
}
