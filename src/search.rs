//! Finding the right tree from a person's own words, in English or Chinese,
//! with typos tolerated ("pritner jam" finds the printer, 通迅失败 the
//! network).
//!
//! Each tree is indexed once: its keywords and title weigh most, then its id
//! and summary, then the text of its nodes; the screen wordings of the
//! response codes that lead to a tree count as its keywords (找不到原始交易
//! finds `refund`). A Latin query word matches a word exactly, as a prefix,
//! or within a small edit distance (Damerau–Levenshtein, so swapped letters
//! count once). A Chinese run matches a run by containment either way or by
//! shared character pairs; a long, colloquial Chinese sentence
//! (小票打出来是白的) is also scored by how many of its character pairs the
//! tree's keywords explain. A tree's score is the sum of each query word's
//! best match.
//!
//! Before matching, the query is normalised: full-width letters, digits and
//! spaces become ASCII (Chinese input methods type them), common miswritten
//! characters are corrected (通迅 → 通讯, 到帐 → 到账), and the words for the
//! device itself (POS机, 刷卡机, 机器…), which every tree shares, are set
//! aside unless nothing else was typed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rules::{RuleSet, Tree};

const W_KEYWORD: f64 = 3.0;
const W_TITLE: f64 = 3.0;
const W_ID: f64 = 2.0;
const W_SUMMARY: f64 = 1.5;
const W_TEXT: f64 = 0.5;

/// Words too common to tell trees apart.
const STOP: &[&str] = &[
    "a", "an", "the", "is", "it", "its", "my", "our", "and", "or", "of", "to", "on", "in", "at",
    "for", "with", "does", "do", "i", "me", "we", "this", "that", "how", "what", "why", "still",
];

/// Words for the device itself: every tree is about it, so they tell trees
/// apart no better than "the". Longest first, so 刷卡机 goes before 机器.
const DEVICE: &[&str] = &[
    "pos 机器",
    "pos机器",
    "pos 机",
    "pos机",
    "刷卡机",
    "收款机",
    "终端机",
    "机器",
    "机子",
    "card machine",
    "card terminal",
    "payment terminal",
    "pos terminal",
    "pos machine",
    "pos",
    "terminal",
    "machine",
    "device",
];

/// Characters that are misread or mistyped for others by cashiers and
/// input methods (same sound, similar shape), as (wrong, right). Applied to
/// the query and to the index alike.
const TYPOS: &[(&str, &str)] = &[
    ("通迅", "通讯"),
    ("通信", "通讯"),
    ("到帐", "到账"),
    ("帐户", "账户"),
    ("对帐", "对账"),
    ("结帐", "结账"),
    ("撤消", "撤销"),
    ("签倒", "签到"),
    ("冲帐", "冲正"),
    ("付款玛", "付款码"),
    ("二唯码", "二维码"),
    ("刷咔", "刷卡"),
    // 反映 ("to report") for 反应 ("response") only where it cannot be
    // meant: 顾客反映… stays as it is.
    ("没反映", "没反应"),
    ("无反映", "无反应"),
    ("不反映", "不反应"),
];

/// Characters that carry no meaning in a cashier's sentence (particles,
/// pronouns): dropped before a long sentence's character pairs are compared
/// with a tree's keywords.
const FILLER: &[char] = &[
    '的', '了', '吗', '呢', '啊', '吧', '么', '我', '你', '他', '她', '这', '那', '个', '就', '都',
    '还', '也', '又', '很', '是', '在', '说', '怎', '办', '一', '直',
];

#[derive(Clone, Debug)]
pub struct Hit<'r> {
    pub tree: &'r Tree,
    pub score: f64,
}

/// One tree's searchable text.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The tree's id.
    tree: String,
    /// Latin words (numbers into [`Built::vocab`]) with their weight (the
    /// best weight a word has in the tree).
    words: Vec<(u32, f64)>,
    /// Whole phrases (keywords, titles) for multi-word matches.
    phrases: Vec<(String, f64)>,
    /// Chinese runs with their weight.
    cjk: Vec<(String, f64)>,
    /// Character pairs of the Chinese keywords, title, id and summary, with
    /// their best weight: what a long sentence is explained by.
    pairs: BTreeMap<(char, char), f64>,
    /// The characters of those runs.
    chars: BTreeSet<char>,
}

/// The index itself, without the rules it points into: built from the
/// rules, or (for the built-in rules) by build.rs and read back frozen.
#[derive(Debug, Serialize, Deserialize)]
pub struct Built {
    entries: Vec<Entry>,
    /// Every Latin word of every entry, once: a query word is compared
    /// with each (typos tolerated) once, not once per tree.
    vocab: Vec<String>,
    /// Response codes (normalized) and the tree each one leads to: a person
    /// often types just the code on the screen.
    codes: Vec<(String, String)>,
    /// How rare each Chinese character is among the trees' keywords (its
    /// inverse document frequency): 钱 says more than 不.
    idf: BTreeMap<char, f64>,
}

/// The search index over every tree of a rule set.
#[derive(Debug)]
pub struct Index<'r> {
    rules: &'r RuleSet,
    built: Built,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Corrects the usual miswritten characters (see [`TYPOS`]).
fn fix_typos(text: &str) -> String {
    TYPOS.iter().fold(text.to_owned(), |acc, (wrong, right)| {
        acc.replace(wrong, right)
    })
}

/// The query as it is matched: widths folded, typos corrected, lower case,
/// and the device's own name set aside unless it is all there is.
pub fn normalize_query(query: &str) -> String {
    let text = fix_typos(&crate::i18n::narrow(query)).to_lowercase();
    let mut out = text.clone();
    for d in DEVICE.iter().filter(|d| !d.is_ascii()) {
        out = out.replace(d, " ");
    }
    // Latin device names as whole words only: "pos" but not "position".
    let parts: Vec<&str> = out
        .split(|c: char| !c.is_alphanumeric() && !"'/+".contains(c))
        .filter(|p| !p.is_empty())
        .collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let device = DEVICE
            .iter()
            .filter(|d| d.is_ascii())
            .map(|d| d.split(' ').collect::<Vec<_>>())
            .find(|words| parts[i..].starts_with(words));
        match device {
            Some(words) => i += words.len(),
            None => {
                kept.push(parts[i]);
                i += 1;
            }
        }
    }
    let out = kept.join(" ");
    let (latin, cjk) = tokens(&out);
    if latin.is_empty() && cjk.is_empty() {
        text
    } else {
        out
    }
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
        } else if c.is_alphanumeric() || c == '/' || c == '\'' || c == '+' {
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

/// The character pairs of a Chinese run once its filler characters are
/// dropped (小票打出来是白的 → 小票 票打 打出 出来 来白).
fn content_pairs(run: &str) -> Vec<(char, char)> {
    let v: Vec<char> = run.chars().filter(|c| !FILLER.contains(c)).collect();
    v.windows(2).map(|w| (w[0], w[1])).collect()
}

impl<'r> Index<'r> {
    pub fn new(rules: &'r RuleSet) -> Index<'r> {
        Index {
            rules,
            built: Built::new(rules),
        }
    }

    /// The index `built` (from these very rules) over `rules`.
    pub fn with(rules: &'r RuleSet, built: Built) -> Index<'r> {
        Index { rules, built }
    }
}

impl Built {
    pub fn new(rules: &RuleSet) -> Built {
        let codes = rules
            .codes
            .values()
            .filter_map(|c| {
                let tree = c.tree.as_deref()?;
                let names = std::iter::once(&c.code).chain(&c.aliases);
                Some(
                    names
                        .map(move |n| (crate::rules::normalize_code(n), tree.to_owned()))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .collect();
        let mut vocab = Vocab::default();
        let mut entries: Vec<Entry> = rules
            .trees()
            .iter()
            .map(|t| Entry::new(t, &mut vocab))
            .collect();
        // A code's screen wording is a keyword of the tree it leads to: a
        // cashier types what the screen says (过期的卡, 找不到原始交易).
        for code in rules.codes.values() {
            let Some(entry) = code
                .tree
                .as_deref()
                .and_then(|t| entries.iter_mut().find(|e| e.tree == t))
            else {
                continue;
            };
            for alias in code.aliases.iter().filter(|a| a.chars().any(is_cjk)) {
                entry.add(alias, W_KEYWORD, true, &mut vocab);
            }
            if let Some(zh) = &code.meaning.zh {
                entry.add(zh, W_SUMMARY, false, &mut vocab);
            }
        }
        let mut df: BTreeMap<char, usize> = BTreeMap::new();
        for e in &entries {
            for c in &e.chars {
                *df.entry(*c).or_default() += 1;
            }
        }
        let n = entries.len() as f64;
        let idf = df
            .into_iter()
            .map(|(c, d)| (c, (n / d as f64).ln()))
            .collect();
        Built {
            entries,
            vocab: vocab.words,
            codes,
            idf,
        }
    }

    /// How well each query word matches each word of the vocabulary: one
    /// row per query word, zero where they do not match.
    fn word_matches(&self, latin: &[String]) -> Vec<Vec<f64>> {
        latin
            .iter()
            .map(|q| self.vocab.iter().map(|w| word_match(q, w)).collect())
            .collect()
    }

    /// The score of entry `e`: its matches, the codes typed, and (to break
    /// ties between long Chinese sentences) the rare characters it shares
    /// with the query.
    fn entry_score(&self, e: &Entry, q: &Query) -> f64 {
        let mut score = e.score(q) + self.code_bonus(&e.tree, &q.latin);
        if score > 0.0 {
            for run in &q.cjk {
                score += 0.15 * self.rare_chars(e, run);
            }
        }
        score
    }

    fn query(&self, query: &str) -> Query {
        let (latin, cjk) = tokens(&normalize_query(query));
        Query {
            phrase: latin.join(" "),
            matches: self.word_matches(&latin),
            latin,
            cjk,
        }
    }

    /// The share (0 to 1) of the query run's information, counted in rare
    /// characters, that the entry's keywords hold.
    fn rare_chars(&self, e: &Entry, q: &str) -> f64 {
        let mut seen = BTreeSet::new();
        let (mut have, mut all) = (0.0, 0.0);
        for c in q.chars().filter(|c| !FILLER.contains(c)) {
            if !seen.insert(c) {
                continue;
            }
            let Some(w) = self.idf.get(&c) else { continue };
            all += w;
            if e.chars.contains(&c) {
                have += w;
            }
        }
        if all > 0.0 {
            have / all
        } else {
            0.0
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
}

/// A query, split and compared with the vocabulary once.
struct Query {
    latin: Vec<String>,
    cjk: Vec<String>,
    phrase: String,
    /// [`Built::word_matches`] of `latin`.
    matches: Vec<Vec<f64>>,
}

impl<'r> Index<'r> {
    /// Trees matching `query`, best first; ties keep id order.
    pub fn search(&self, query: &str) -> Vec<Hit<'r>> {
        let q = self.built.query(query);
        let mut hits: Vec<Hit> = self
            .built
            .entries
            .iter()
            .filter_map(|e| {
                Some(Hit {
                    tree: self.rules.tree(&e.tree)?,
                    score: self.built.entry_score(e, &q),
                })
            })
            .filter(|h| h.score > 0.0)
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits
    }

    /// The score of one tree for `query` (for a type-to-filter list).
    pub fn score(&self, tree_id: &str, query: &str) -> f64 {
        let q = self.built.query(query);
        self.built
            .entries
            .iter()
            .find(|e| e.tree == tree_id)
            .map_or(0.0, |e| self.built.entry_score(e, &q))
    }
}

/// The Latin words of the index, each numbered once.
#[derive(Default)]
struct Vocab {
    words: Vec<String>,
    numbers: std::collections::HashMap<String, u32>,
}

impl Vocab {
    fn number(&mut self, word: String) -> u32 {
        if let Some(&n) = self.numbers.get(&word) {
            return n;
        }
        let n = self.words.len() as u32;
        self.words.push(word.clone());
        self.numbers.insert(word, n);
        n
    }
}

impl Entry {
    fn new(tree: &Tree, vocab: &mut Vocab) -> Entry {
        let mut e = Entry {
            tree: tree.id.clone(),
            words: Vec::new(),
            phrases: Vec::new(),
            cjk: Vec::new(),
            pairs: BTreeMap::new(),
            chars: BTreeSet::new(),
        };
        for k in tree.keywords.en.iter().chain(&tree.keywords.zh) {
            e.add(k, W_KEYWORD, true, vocab);
        }
        e.add(&tree.title.en, W_TITLE, true, vocab);
        if let Some(zh) = &tree.title.zh {
            e.add(zh, W_TITLE, true, vocab);
        }
        e.add(&tree.id.replace('-', " "), W_ID, true, vocab);
        if let Some(s) = &tree.summary {
            e.add(&s.en, W_SUMMARY, false, vocab);
            if let Some(zh) = &s.zh {
                e.add(zh, W_SUMMARY, false, vocab);
            }
        }
        for node in &tree.nodes {
            for (t, _) in node.texts() {
                e.add(&t.en, W_TEXT, false, vocab);
                if let Some(zh) = &t.zh {
                    e.add(zh, W_TEXT, false, vocab);
                }
            }
        }
        e
    }

    /// Adds `text` at `weight`; `phrase` keeps it whole for multi-word
    /// matches.
    fn add(&mut self, text: &str, weight: f64, phrase: bool, vocab: &mut Vocab) {
        let text = fix_typos(text);
        let (latin, cjk) = tokens(&text);
        for w in latin {
            let n = vocab.number(w);
            match self.words.iter_mut().find(|(x, _)| *x == n) {
                Some((_, old)) => *old = old.max(weight),
                None => self.words.push((n, weight)),
            }
        }
        for c in cjk {
            if weight >= W_SUMMARY {
                for p in content_pairs(&c) {
                    let old = self.pairs.entry(p).or_insert(0.0);
                    *old = old.max(weight);
                }
                self.chars.extend(c.chars().filter(|c| !FILLER.contains(c)));
            }
            self.cjk.push((c, weight));
        }
        if phrase {
            self.phrases.push((text.to_lowercase(), weight));
        }
    }

    fn score(&self, query: &Query) -> f64 {
        let mut total = 0.0;
        for row in &query.matches {
            total += self
                .words
                .iter()
                .map(|(w, weight)| row[*w as usize] * weight)
                .fold(0.0, f64::max);
        }
        for q in &query.cjk {
            let best_run = self
                .cjk
                .iter()
                .map(|(c, weight)| cjk_match(q, c) * weight)
                .fold(0.0, f64::max);
            // The coverage also breaks ties between trees that share the
            // best run (冻结: a frozen account, or frozen money?).
            let cov = self.coverage(q);
            total += best_run.max(cov) + 0.1 * cov;
        }
        // A multi-word query that appears whole in a keyword or title.
        if query.latin.len() > 1 {
            if let Some(w) = self
                .phrases
                .iter()
                .filter(|(p, _)| p.contains(&query.phrase))
                .map(|(_, w)| *w)
                .reduce(f64::max)
            {
                total += w;
            }
        }
        total
    }

    /// How much of a Chinese sentence this tree's keywords explain: the
    /// weighted share of its meaningful character pairs found in them, for
    /// sentences of three pairs or more (shorter ones match whole).
    fn coverage(&self, q: &str) -> f64 {
        let pairs = content_pairs(q);
        if pairs.len() < 3 {
            return 0.0;
        }
        let found: f64 = pairs
            .iter()
            .map(|p| self.pairs.get(p).copied().unwrap_or(0.0))
            .sum();
        0.8 * found / pairs.len() as f64
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
    let allowed = if ql >= 7 { 2 } else { 1 };
    // Words whose lengths differ by more than the edits allowed cannot be
    // that close: most of the vocabulary, skipped without comparing.
    if ql >= 4 && wl >= 4 && ql.abs_diff(wl) <= allowed {
        let d = strsim::osa_distance(q, w);
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
    let (ql, cl) = (q.chars().count(), c.chars().count());
    if cl >= 2 && q.contains(c) {
        // The longer the part of the query a run explains, the better: in
        // 刷卡后扣了两次钱, 扣了两次 says more than 刷卡.
        return 0.6 + 0.3 * cl as f64 / ql as f64;
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
        // A longer part of the query explains more of it.
        assert!(cjk_match("刷卡后扣了两次钱", "扣了两次") > cjk_match("刷卡后扣了两次钱", "刷卡"));
    }

    #[test]
    fn the_query_is_normalised() {
        // Full-width input, an ideographic space, a miswritten character.
        assert_eq!(normalize_query("ＣＯＭＭ\u{3000}ＥＲＲＯＲ"), "comm error");
        assert_eq!(normalize_query("通迅失败"), "通讯失败");
        assert_eq!(normalize_query("钱还没到帐"), "钱还没到账");
        // The device's own name is set aside, unless it is all there is.
        let (l, c) = tokens(&normalize_query("pos机进水了"));
        assert!(l.is_empty() && c == vec!["进水了"], "{l:?} {c:?}");
        let (_, c) = tokens(&normalize_query("刷卡机开不了机"));
        assert_eq!(c, vec!["开不了机"]);
        let (_, c) = tokens(&normalize_query("POS 机器发烫"));
        assert_eq!(c, vec!["发烫"]);
        assert_eq!(normalize_query("刷卡机"), "刷卡机");
        assert_eq!(normalize_query("position"), "position");
    }

    #[test]
    fn long_sentences_are_scored_by_their_pairs() {
        assert_eq!(
            content_pairs("小票打出来是白的"),
            vec![
                ('小', '票'),
                ('票', '打'),
                ('打', '出'),
                ('出', '来'),
                ('来', '白')
            ]
        );
    }
}
