//! Every path of every built-in tree, read as the person reads it: the
//! prompts and outcome of `run --json` (rendered by the same function the
//! command uses), the action and caution the counter screen shows before a
//! question, and the steps of the printed checklist. The safety rules of
//! domain.md ("Second edition") are asserted on that text, in English and
//! Chinese, not only on the shape of the trees.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

mod common;
use common::builtin_rules;

use posdoctor::engine::{all_paths, text_samples, State};
use posdoctor::i18n::Lang;
use posdoctor::render::checklist::{self, Checklist};
use posdoctor::render::{run_json, RunFiles};
use posdoctor::rules::{Body, Party, RuleSet};
use posdoctor::ui::{answer_label, Ending};

const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// One step as the person met it (shared by every path through it).
#[derive(Debug)]
struct Seen {
    tree: String,
    id: String,
    /// `tree/node`: the same name whichever tree the walk started in.
    name: String,
    answer: String,
    /// The node this answer leads to (`tree/node`; a link is followed).
    to: String,
    /// Caution, action, question (as `run --json` prints it) and the chosen
    /// answer's words.
    text: String,
    /// The checklist's lines for this step.
    paper: String,
}

/// One outcome as the person met it.
#[derive(Debug)]
struct End {
    name: String,
    /// The `run --json` object of the first path that ends here (its
    /// outcome fields depend only on the ending).
    json: serde_json::Value,
    /// The ending's caution (an escalation's "stop now").
    caution: String,
    /// Message, customer text and caution.
    text: String,
}

/// A path: indices into the book's steps, and its end.
struct Path {
    tree: String,
    steps: Vec<usize>,
    end: usize,
}

/// Every path of every built-in tree in one language, with each distinct
/// step and ending rendered once (there are tens of thousands of paths
/// but a few hundred steps).
struct Book {
    lang: Lang,
    steps: Vec<Seen>,
    ends: Vec<End>,
    paths: Vec<Path>,
}

impl Book {
    fn paths<'b>(&'b self, tree: &'b str) -> impl Iterator<Item = &'b Path> + 'b {
        self.paths.iter().filter(move |p| p.tree == tree)
    }

    fn seen<'b>(&'b self, p: &'b Path) -> impl Iterator<Item = &'b Seen> + 'b {
        p.steps.iter().map(|&i| &self.steps[i])
    }

    fn end(&self, p: &Path) -> &End {
        &self.ends[p.end]
    }

    /// Everything the path shows, on screen.
    fn text(&self, p: &Path) -> String {
        let mut t: Vec<&str> = self.seen(p).map(|s| s.text.as_str()).collect();
        t.push(&self.end(p).text);
        t.join("\n")
    }

    /// Everything the path's steps show on the printed checklist.
    fn paper(&self, p: &Path) -> String {
        self.seen(p)
            .map(|s| s.paper.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn books() -> &'static [Book; 2] {
    static BOOKS: OnceLock<[Book; 2]> = OnceLock::new();
    BOOKS.get_or_init(|| {
        let rules = rules_ref();
        let mut builders = LANGS.map(|lang| Builder::new(rules, lang));
        // One enumeration for both languages: it is most of the cost.
        for tree in rules.trees() {
            for w in all_paths(rules, &tree.id, &text_samples).unwrap() {
                for b in &mut builders {
                    b.add(&tree.id, &w);
                }
            }
        }
        builders.map(|b| b.book)
    })
}

fn rules_ref() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(builtin_rules)
}

/// Text of the node's caution (the shared check's, then its own).
fn caution_of(rules: &RuleSet, node: &posdoctor::rules::Node, lang: Lang) -> String {
    let mut out = Vec::new();
    if let Body::Check { uses: Some(u), .. } = &node.body {
        if let Some(c) = rules.checks.get(u).and_then(|c| c.caution.as_ref()) {
            out.push(c.get(lang).to_owned());
        }
    }
    if let Some(c) = &node.caution {
        out.push(c.get(lang).to_owned());
    }
    out.join("\n")
}

/// Checklist text per (tree, node): the lines the printed checklist has for
/// that step (the keep-selling box, or caution, action, question, branches).
fn paper_index(rules: &RuleSet, lang: Lang) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    for tree in rules.trees() {
        let c: Checklist = checklist::build(rules, tree, lang, "2026-01-01", None);
        if let Some(f) = &c.fallback {
            out.insert((tree.id.clone(), tree.start.clone()), f.clone());
        }
        for item in c.sections.iter().flat_map(|s| &s.items) {
            let mut t = Vec::new();
            t.extend(item.caution.clone());
            t.extend(item.action.clone());
            t.extend(item.question.clone());
            for b in &item.branches {
                t.push(format!("{} {}", b.when, b.then_text));
            }
            out.insert((tree.id.clone(), item.node.clone()), t.join("\n"));
        }
    }
    out
}

/// Builds a book one path at a time.
struct Builder {
    rules: &'static RuleSet,
    paper: HashMap<(String, String), String>,
    book: Book,
    // Nodes are keyed by address (they live as long as the rules), steps by
    // node and answer: no string is built for a step already in the book.
    step_ix: HashMap<usize, Vec<(String, usize)>>,
    end_ix: HashMap<usize, usize>,
}

fn addr(n: &posdoctor::rules::Node) -> usize {
    n as *const _ as usize
}

impl Builder {
    fn new(rules: &'static RuleSet, lang: Lang) -> Builder {
        Builder {
            rules,
            paper: paper_index(rules, lang),
            book: Book {
                lang,
                steps: Vec::new(),
                ends: Vec::new(),
                paths: Vec::new(),
            },
            step_ix: HashMap::new(),
            end_ix: HashMap::new(),
        }
    }

    fn find(&self, node: usize, answer: &str) -> Option<usize> {
        self.step_ix
            .get(&node)
            .and_then(|v| v.iter().find(|(a, _)| a == answer).map(|(_, i)| *i))
    }

    fn add(&mut self, tree: &str, w: &posdoctor::engine::Walk) {
        let (rules, lang) = (self.rules, self.book.lang);
        let State::Done(f) = w.state() else {
            panic!("{tree}: a path that did not end")
        };
        // Render the JSON when this path brings a step or an ending not seen
        // yet: its prompts and outcome are what the book records.
        let fresh = !self.end_ix.contains_key(&addr(f.node))
            || w.history()
                .iter()
                .any(|v| self.find(addr(v.step.node), v.answer.as_str()).is_none());
        let json = fresh.then(|| {
            let ending = if f.is_resolved() {
                Ending::Resolved
            } else {
                Ending::Escalated
            };
            serde_json::to_value(run_json(w, ending, lang, RunFiles::default(), None, vec![]))
                .unwrap()
        });
        let mut steps = Vec::with_capacity(w.history().len());
        for (i, v) in w.history().iter().enumerate() {
            let step = &v.step;
            if let Some(ix) = self.find(addr(step.node), v.answer.as_str()) {
                steps.push(ix);
                continue;
            }
            let json = json.as_ref().expect("rendered for a new step");
            assert_eq!(json["steps"][i]["node"], step.node_ref.as_str());
            let prompt = json["steps"][i]["prompt"].as_str().unwrap().to_owned();
            let mut t = vec![caution_of(rules, step.node, lang)];
            t.extend(step.action(lang).map(str::to_owned));
            t.push(prompt);
            t.extend(answer_label(step, &v.answer, lang));
            let to = match w.history().get(i + 1) {
                Some(n) => format!("{}/{}", n.step.tree.id, n.step.node.id),
                None => format!("{}/{}", f.tree.id, f.node.id),
            };
            self.book.steps.push(Seen {
                tree: step.tree.id.clone(),
                id: step.node.id.clone(),
                name: format!("{}/{}", step.tree.id, step.node.id),
                answer: v.answer.as_str().to_owned(),
                to,
                text: t.join("\n"),
                paper: self
                    .paper
                    .get(&(step.tree.id.clone(), step.node.id.clone()))
                    .cloned()
                    .unwrap_or_default(),
            });
            let ix = self.book.steps.len() - 1;
            self.step_ix
                .entry(addr(step.node))
                .or_default()
                .push((v.answer.as_str().to_owned(), ix));
            steps.push(ix);
        }
        let end = match self.end_ix.get(&addr(f.node)) {
            Some(&e) => e,
            None => {
                let json = json.expect("rendered for a new ending");
                let caution = caution_of(rules, f.node, lang);
                // An escalation shows its caution (the stop, first); a
                // resolved ending shows its message and customer text.
                let mut t = vec![];
                if !f.is_resolved() {
                    t.push(caution.clone());
                }
                for key in ["resolution", "escalation"] {
                    t.extend(json[key]["message"].as_str().map(str::to_owned));
                }
                t.extend(json["customer"].as_str().map(str::to_owned));
                self.book.ends.push(End {
                    name: format!("{}/{}", f.tree.id, f.node.id),
                    json,
                    caution,
                    text: t.join("\n"),
                });
                let e = self.book.ends.len() - 1;
                self.end_ix.insert(addr(f.node), e);
                e
            }
        };
        self.book.paths.push(Path {
            tree: tree.to_owned(),
            steps,
            end,
        });
    }
}

/// Splits text into sentences (and clauses after a colon or semicolon).
fn sentences(text: &str) -> Vec<String> {
    text.split(|c| ".!?;:。！？；：\n".contains(c))
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Words that make a sentence a warning, a condition or a "don't".
const GUARDED: &[&str] = &[
    "not ",
    "never",
    "don't",
    "no new attempt",
    "before",
    "until",
    "once it has failed",
    "不要",
    "切勿",
    "绝不",
    "不能",
    "之前",
    "不会",
    "确认失败后",
];

// ---------------------------------------------------------------------
// Outcomes: a customer-side ending is resolved with a customer message;
// every escalation is a call the shop itself makes.
// ---------------------------------------------------------------------

/// Parties the shop calls. The card issuer is not one: when the customer's
/// card or bank is the cause, the customer calls their bank (a customer-side
/// ending); a "refer" or a retained card goes through the acquirer's
/// voice-authorisation line or procedure.
const SHOP_CALLS: &[&str] = &["vendor", "acquirer", "isp", "power"];

/// Words in an ending's own text that say the cause is the customer's card
/// or bank.
const CUSTOMER_CAUSE: &[&str] = &[
    "declined",
    "customer's card is the problem",
    "card is the problem",
    "wallet declined",
    "pin was not accepted",
];

#[test]
fn customer_side_endings_resolve_and_every_call_is_the_shops() {
    let mut customer_endings = HashSet::new();
    let mut calls = HashSet::new();
    for b in books() {
        let mut reached = vec![false; b.ends.len()];
        for p in &b.paths {
            reached[p.end] = true;
        }
        for (e, _) in b.ends.iter().zip(&reached).filter(|(_, r)| **r) {
            let j = &e.json;
            match j["outcome"].as_str().unwrap() {
                "resolved" => match j["customer"].as_str() {
                    Some(c) => {
                        assert!(!c.trim().is_empty(), "{}", e.name);
                        assert_eq!(j["resolution"]["customer"], j["customer"]);
                        assert!(j.get("escalation").is_none());
                        // A cashier says it: no shell command, no jargon.
                        assert!(!c.contains('`') && !c.contains("posdoctor"), "{c}");
                        if b.lang == Lang::Zh {
                            assert!(c.chars().any(|ch| ch as u32 > 0x3000), "{c}");
                        }
                        customer_endings.insert(e.name.clone());
                    }
                    None if b.lang == Lang::En => {
                        let t = j["resolution"]["message"].as_str().unwrap().to_lowercase();
                        assert!(
                            !has_any(&t, CUSTOMER_CAUSE),
                            "{}: the customer's card or bank is the cause, but there is \
                             nothing to tell the customer: {t}",
                            e.name
                        );
                    }
                    None => {}
                },
                "escalated" => {
                    let esc = &j["escalation"];
                    let party = esc["party"].as_str().unwrap();
                    assert!(
                        SHOP_CALLS.contains(&party),
                        "{}: `{party}` is not a call the shop makes",
                        e.name
                    );
                    assert!(j.get("customer").is_none());
                    let msg = esc["message"].as_str().unwrap().to_lowercase();
                    assert!(
                        !msg.contains("cardholder should call") && !msg.contains("持卡人应拨打"),
                        "{}: an escalation that is the customer's call: {msg}",
                        e.name
                    );
                    calls.insert(party.to_owned());
                }
                other => panic!("{other}"),
            }
        }
    }
    // The endings issue 8 names, and the new ones of the second edition.
    for name in [
        "card-read/customer-card",
        "transaction-failed/card-declined",
        "transaction-failed/declined-funds",
        "transaction-failed/declined-expired",
        "transaction-failed/declined-pin",
        "transaction-failed/paid-other",
        "transaction-failed/reversal",
        "transaction-failed/paid-once",
        "qr-payment/wallet-limit",
    ] {
        assert!(
            customer_endings.contains(name),
            "{name} is a customer-side ending"
        );
    }
    assert_eq!(
        calls,
        SHOP_CALLS.iter().map(|s| s.to_string()).collect(),
        "every party the shop calls is used somewhere"
    );
}

/// For every distinct ending of every tree, the real binary: a customer-side
/// ending exits 0, prints `customer` and writes no report; an escalation
/// exits 3 and writes one.
#[test]
fn endings_through_the_binary() {
    let rules = rules_ref();
    let bin = env!("CARGO_BIN_EXE_posdoctor");
    // One path to each distinct ending (the in-process tests above read
    // every path); the runs are shared between two threads.
    let mut seen = HashSet::new();
    let mut walks = Vec::new();
    for tree in rules.trees() {
        for w in all_paths(rules, &tree.id, &text_samples).unwrap() {
            let State::Done(f) = w.state() else { continue };
            if seen.insert((f.tree.id.clone(), f.node.id.clone())) {
                walks.push((tree, w));
            }
        }
    }
    let runs = walks.len();
    let half = runs.div_ceil(2);
    std::thread::scope(|scope| {
        for chunk in walks.chunks(half) {
            scope.spawn(move || run_endings(bin, chunk));
        }
    });
    assert!(runs > 80, "{runs} endings run");
}

fn run_endings(bin: &str, walks: &[(&posdoctor::rules::Tree, posdoctor::engine::Walk)]) {
    for (tree, w) in walks {
        {
            let State::Done(f) = w.state() else { continue };
            let home = tempfile::tempdir().unwrap();
            let mut cmd = std::process::Command::new(bin);
            cmd.env("POSDOCTOR_HOME", home.path())
                .env_remove("POSDOCTOR_LANG")
                .env_remove("POSDOCTOR_RULES")
                .env_remove("LANG")
                .env_remove("LC_ALL")
                .args(["run", &tree.id, "--no-input", "--json"]);
            for v in w.history() {
                if v.step.kind() != posdoctor::rules::NodeKind::Info {
                    cmd.arg("--answer")
                        .arg(format!("{}={}", v.step.node_ref, v.answer.as_str()));
                }
            }
            let out = cmd.output().unwrap();
            let j: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
            let reports = std::fs::read_dir(home.path().join("reports"))
                .map(|d| d.count())
                .unwrap_or(0);
            let at = format!("{}/{}", tree.id, f.node_ref);
            match &f.node.body {
                Body::Resolved { customer, .. } => {
                    assert_eq!(out.status.code(), Some(0), "{at}");
                    assert_eq!(j["outcome"], "resolved", "{at}");
                    assert_eq!(reports, 0, "{at}: no report for a resolved run");
                    assert!(j.get("report").is_none(), "{at}");
                    assert_eq!(customer.is_some(), j["customer"].is_string(), "{at}");
                }
                Body::Escalate { party, .. } => {
                    assert_eq!(out.status.code(), Some(3), "{at}");
                    assert_ne!(*party, Party::Issuer, "{at}");
                    assert_eq!(reports, 1, "{at}: the escalation's report");
                    assert!(j["customer"].is_null(), "{at}");
                }
                _ => unreachable!(),
            }
        }
    }
}

// ---------------------------------------------------------------------
// No new attempt before the last one's result is checked.
// ---------------------------------------------------------------------

/// A sentence that offers a new attempt at taking the money.
const ATTEMPT: &[&str] = &[
    "once more",
    "run it again",
    "run the sale again",
    "enter the sale again",
    "enter it again",
    "payment again",
    "scan the new code",
    "try again",
    "next sale",
    "another card",
    "another way to pay",
    "another payment method",
    "再做一次",
    "重新做一次",
    "重新收款",
    "再扫",
    "再收一次",
    "重新输入交易",
    "再撤销一次",
    "再退一次",
    "下一笔交易",
    "换一张卡",
    "换一种方式付款",
    "其他付款方式",
];

/// How an attempt step (or the step before it) says the last attempt did
/// not take the money.
const NOT_PAID: &[&str] = &[
    "failed",
    "did not go through",
    "didn't go through",
    "not paid",
    "has not paid",
    "not charged",
    "never charged",
    "did not charge",
    "declined",
    "not approved",
    "not accepted",
    "nothing has been returned",
    "失败",
    "没有成功",
    "没有扣款",
    "并没有",
    "不会扣款",
    "被拒",
    "拒绝",
    "没有被批准",
    "没有通过",
    "钱还没有退",
];

/// Steps (with their answer) that check the last attempt's result: the
/// record, the order's status, or a message that is itself the host's
/// answer.
fn checks_result(s: &Seen) -> bool {
    let a = s.answer.as_str();
    match (s.tree.as_str(), s.id.as_str()) {
        ("transaction-failed", "last-transaction" | "unknown-record") => a == "not-approved",
        // A typed code the rules know is the host's answer; the codes that
        // mean "no answer" lead to last-transaction first (checked
        // separately). A code they do not know says nothing: it may even
        // mean approved, so the record comes first.
        ("transaction-failed", "code") => s.to != "transaction-failed/unknown-code",
        ("transaction-failed", "reversal-record") => true,
        ("qr-payment", "order-status" | "wait-more" | "new-attempt-status") => a == "failed",
        ("qr-payment", "customer-record") => a == "not-paid",
        ("qr-payment", "scan-result") => matches!(a, "expired" | "balance" | "not-enabled"),
        ("qr-payment", "shop-code") => a != "paid-not-seen",
        ("refund", "void-failed" | "refund-failed" | "voucher-check") => a != "no-answer",
        ("refund", "check-record") => a == "not-done",
        ("no-network", "last-transaction") => a == "not-approved",
        ("sign-on", "message") => a == "sign-on-again" || a == "code-77",
        _ => false,
    }
}

/// The sentences of `text` that offer a new attempt.
fn offers(text: &str) -> Vec<String> {
    sentences(text)
        .into_iter()
        .filter(|x| has_any(x, ATTEMPT) && !has_any(x, GUARDED))
        // Paying another way with a note, when the result cannot be known,
        // is domain.md's own advice (so a double payment can be refunded).
        .filter(|x| !x.contains("note it") && !x.contains("记录下来"))
        .collect()
}

#[test]
fn no_new_attempt_before_the_last_ones_result_is_checked() {
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for b in books() {
        let step_offers: Vec<Vec<String>> = b.steps.iter().map(|s| offers(&s.text)).collect();
        let end_offers: Vec<Vec<String>> = b.ends.iter().map(|e| offers(&e.text)).collect();
        let step_paid: Vec<bool> = b
            .steps
            .iter()
            .map(|s| has_any(&s.text.to_lowercase(), NOT_PAID))
            .collect();
        for id in ["transaction-failed", "qr-payment", "refund"] {
            for p in b.paths(id) {
                // The ending is a step too ("ask for another way to pay").
                let n = p.steps.len();
                for i in 0..=n {
                    let (name, offered, says_why) = if i < n {
                        let s = p.steps[i];
                        (&b.steps[s].name, &step_offers[s], step_paid[s])
                    } else {
                        let e = &b.ends[p.end];
                        (
                            &e.name,
                            &end_offers[p.end],
                            has_any(&e.text.to_lowercase(), NOT_PAID),
                        )
                    };
                    if offered.is_empty() {
                        continue;
                    }
                    *found.entry(name.clone()).or_default() += 1;
                    let before: Vec<&Seen> =
                        p.steps[..i.min(n)].iter().map(|&s| &b.steps[s]).collect();
                    let trail = || {
                        before
                            .iter()
                            .map(|s| format!("{}={}", s.name, s.answer))
                            .collect::<Vec<_>>()
                    };
                    assert!(
                        before.iter().any(|s| checks_result(s)),
                        "{id}: `{name}` offers a new attempt ({offered:?}) before any step \
                         checked the last one's result: {:?}",
                        trail()
                    );
                    // A code that means "no answer" goes to the record first.
                    if let Some(c) = before.iter().position(|s| s.id == "code") {
                        if before
                            .get(c + 1)
                            .is_some_and(|s| s.id == "last-transaction")
                        {
                            assert!(
                                before[c + 1..].iter().any(|s| checks_result(s)),
                                "{id}: a time-out code, then an attempt: {:?}",
                                trail()
                            );
                        }
                    }
                    // And the person reads why it is safe, here or just before.
                    let prev = i.checked_sub(1).is_some_and(|j| step_paid[p.steps[j]]);
                    assert!(
                        says_why || prev,
                        "{id}: `{name}` offers a new attempt without saying the last one \
                         did not take the money ({offered:?})"
                    );
                }
            }
        }
    }
    // The detector finds the attempts it is about: a test that cannot fail
    // is no test.
    for name in [
        "transaction-failed/retry",
        "transaction-failed/other-card",
        "transaction-failed/amount",
        "transaction-failed/pin-again",
        "transaction-failed/parameters",
        "transaction-failed/day-end",
        "transaction-failed/card-declined",
        "qr-payment/new-attempt",
        "qr-payment/refresh-code",
        "refund/void-retype",
        "refund/refund-check",
        "refund/amount-check",
        "sign-on/signed-on",
    ] {
        assert!(
            found.contains_key(name),
            "no attempt detected at {name}: {found:?}"
        );
    }
}

/// The `run --json` object after `answers` (in order) in `lang`.
fn json_after(tree: &str, answers: &[&str], lang: Lang) -> serde_json::Value {
    let rules = rules_ref();
    let mut w = posdoctor::engine::Walk::start(rules, tree).unwrap();
    for a in answers {
        w.answer_str(a)
            .unwrap_or_else(|e| panic!("{tree}: {answers:?}: {e}"));
    }
    let ending = match w.state() {
        State::Ask(_) => Ending::NeedsInput,
        State::Done(f) if f.is_resolved() => Ending::Resolved,
        State::Done(_) => Ending::Escalated,
    };
    serde_json::to_value(run_json(
        &w,
        ending,
        lang,
        RunFiles::default(),
        None,
        vec![],
    ))
    .unwrap()
}

/// What a typed code leads the person to read (issue: an unknown code was
/// read as "not charged", connection messages and approval codes as
/// unknown).
#[test]
fn typed_codes_say_what_happened_to_the_money() {
    let at_code = ["continue", "code"];
    for lang in LANGS {
        let (dont, record) = match lang {
            Lang::En => ("Do not charge the card again", "last-transaction record"),
            Lang::Zh => ("不要再次刷卡", "最后一笔交易记录"),
        };
        // Connection messages: the record first, with its caution.
        for msg in [
            "通讯失败",
            "连接主机失败",
            "网络未连接",
            "网络异常",
            "CONNECTION ERROR",
            "TCP/IP ERROR",
            "NO LINE",
            "交易失败，请重试",
            "系统繁忙",
        ] {
            let j = json_after("transaction-failed", &[&at_code[..], &[msg]].concat(), lang);
            assert_eq!(j["pending"]["node"], "last-transaction", "{msg}");
            let caution = j["pending"]["caution"].as_str().unwrap_or_default();
            assert!(caution.contains(dont), "{msg}: {caution}");
            assert!(j["pending"]["prompt"].as_str().unwrap().contains(record));
        }
        // An unknown code: never "not charged"; the record, with its caution.
        let j = json_after(
            "transaction-failed",
            &[&at_code[..], &["X9", "continue"]].concat(),
            lang,
        );
        assert_eq!(j["pending"]["node"], "unknown-record");
        assert!(j["pending"]["caution"].as_str().unwrap().contains(dont));
        assert!(j["pending"]["prompt"].as_str().unwrap().contains(record));
        let told = j["steps"][3]["prompt"].as_str().unwrap();
        let (wrong, right) = match lang {
            Lang::En => (
                ["did not charge", "not charged"],
                "do not charge the card again",
            ),
            Lang::Zh => (["没有扣款", "没有被扣款"], "不要再次刷卡"),
        };
        assert!(
            !has_any(told, &wrong) && told.contains(right),
            "unknown-code: {told}"
        );
        // Approval codes: the sale went through; keep the slip.
        let (went, again, slip) = match lang {
            Lang::En => ("went through", "Do not charge again", "slip"),
            Lang::Zh => ("交易已经成功", "不要再次收款", "签购单"),
        };
        for code in ["00", "08", "11", "16", "Y1", "Y3", "A2", "A4", "A5", "A6"] {
            let j = json_after(
                "transaction-failed",
                &[&at_code[..], &[code]].concat(),
                lang,
            );
            assert_eq!(j["outcome"], "resolved", "{code}");
            let m = j["resolution"]["message"].as_str().unwrap();
            assert!(
                m.contains(went) && m.contains(again) && m.contains(slip),
                "{code}: {m}"
            );
        }
        let j = json_after(
            "transaction-failed",
            &[&at_code[..], &["10"]].concat(),
            lang,
        );
        let m = j["resolution"]["message"].as_str().unwrap();
        let (part, full) = match lang {
            Lang::En => (
                "Part of the sale went through",
                "Do not run the full amount again",
            ),
            Lang::Zh => ("有一部分已经成功", "不要再按全额刷一次"),
        };
        assert!(m.contains(part) && m.contains(full), "10: {m}");
    }
}

/// A second QR attempt, a second void and a sale without a slip are each
/// checked before anything is taken or run again (issue: qr-payment
/// `new-attempt`, refund `void-retype`, printer `keep-selling`), as the
/// person reads it on screen and on paper.
#[test]
fn second_attempts_are_checked_before_the_next() {
    for b in books() {
        let (query, what_says, approved, record) = match b.lang {
            Lang::En => (
                "query this new attempt's order",
                "What does the terminal say?",
                "showed it approved",
                "last-transaction record",
            ),
            Lang::Zh => (
                "查询这一次的订单",
                "POS机显示什么？",
                "交易成功",
                "最后一笔交易记录",
            ),
        };
        let mut qr = 0;
        for p in b.paths("qr-payment") {
            let seen: Vec<&Seen> = b.seen(p).collect();
            if let Some(i) = seen
                .iter()
                .position(|s| s.id == "new-attempt" && s.answer == "no")
            {
                qr += 1;
                let next = seen.get(i + 1).expect("a step after a failed attempt");
                assert_eq!(next.id, "new-attempt-status");
                assert!(next.text.contains(query), "{}", next.text);
                assert!(next.paper.contains(query), "{}", next.paper);
            }
        }
        // A failed second void comes back to void-failed, a node the path
        // enumeration has already seen (it walks loops once): walked here.
        let base = ["card", "today", "no", "not-found", "typo", "no"];
        let j = json_after("refund", &base, b.lang);
        assert_eq!(j["pending"]["node"], "void-failed", "{j}");
        assert!(j["pending"]["prompt"].as_str().unwrap().contains(what_says));
        let j = json_after("refund", &[&base[..], &["no-answer"]].concat(), b.lang);
        assert_eq!(j["pending"]["node"], "check-record", "{j}");
        let may = match b.lang {
            Lang::En => "may still have gone through",
            Lang::Zh => "可能已经成功",
        };
        assert!(
            j["pending"]["caution"].as_str().unwrap().contains(may),
            "{j}"
        );
        for p in b.paths("printer") {
            let first = b.seen(p).next().unwrap();
            for t in [&first.text, &first.paper] {
                assert!(t.contains(approved) && t.contains(record), "printer: {t}");
            }
        }
        assert!(qr > 0);
    }
}

/// A terminal that is on (screen-keys) is never forced off before the person
/// has said no update is running — a dark screen cannot show one — and has
/// read that an update must never be switched off (domain.md S5).
#[test]
fn a_hard_restart_never_interrupts_an_update() {
    for b in books() {
        let never = match b.lang {
            Lang::En => "Never switch the terminal off during an update",
            Lang::Zh => "更新过程中切勿关机",
        };
        let mut restarts = 0;
        for p in b.paths("screen-keys") {
            let seen: Vec<&Seen> = b.seen(p).collect();
            let Some(i) = seen
                .iter()
                .position(|s| s.tree == "screen-keys" && s.id == "hard-restart")
            else {
                continue;
            };
            restarts += 1;
            let names = || seen.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
            assert!(
                seen[..i].iter().any(|s| matches!(
                    (s.id.as_str(), s.answer.as_str()),
                    ("busy-update", "no") | ("dark-update", "yes")
                )),
                "a hard restart without asking about an update: {:?}",
                names()
            );
            assert!(
                seen[..i].iter().any(|s| s.text.contains(never)),
                "the update rule is not on screen before the hard restart: {:?}",
                names()
            );
        }
        assert!(restarts > 0);
        // A dark screen asks first; on paper too.
        let dark = b
            .steps
            .iter()
            .find(|s| s.name == "screen-keys/dark-update")
            .expect("the question is on some path");
        assert!(dark.paper.contains(never), "{}", dark.paper);
    }
}

// ---------------------------------------------------------------------
// A card or QR sale is never refunded in cash.
// ---------------------------------------------------------------------

const REFUND_WORDS: &[&str] = &[
    "refund",
    "pay it back",
    "paid back",
    "pay the customer back",
    "pay a qr sale back",
    "give the money back",
    "退款",
    "退给",
    "退现金",
    "退货",
    "退钱",
];

/// Sentences that offer to pay money back in cash.
fn cash_refunds(text: &str) -> Vec<String> {
    sentences(text)
        .into_iter()
        .filter(|x| (x.contains("cash") || x.contains("现金")) && has_any(x, REFUND_WORDS))
        .filter(|x| !has_any(x, GUARDED))
        .collect()
}

#[test]
fn no_path_refunds_a_card_or_qr_sale_in_cash() {
    let mut stated = 0;
    for b in books() {
        let step_cash: Vec<Vec<String>> = b.steps.iter().map(|s| cash_refunds(&s.text)).collect();
        let end_cash: Vec<Vec<String>> = b.ends.iter().map(|e| cash_refunds(&e.text)).collect();
        let never = |t: &str| match b.lang {
            Lang::En => {
                t.to_lowercase().contains("never refund") || t.to_lowercase().contains("never pay")
            }
            Lang::Zh => t.contains("绝不能"),
        };
        let step_never: Vec<bool> = b.steps.iter().map(|s| never(&s.text)).collect();
        let paper_never: Vec<bool> = b.steps.iter().map(|s| never(&s.paper)).collect();
        let end_never: Vec<bool> = b.ends.iter().map(|e| never(&e.text)).collect();
        stated += step_never.iter().filter(|x| **x).count();
        for p in &b.paths {
            let seen: Vec<&Seen> = b.seen(p).collect();
            let cash_sale = seen
                .iter()
                .any(|s| s.tree == "refund" && s.id == "paid-how" && s.answer == "cash");
            if !cash_sale {
                for &s in &p.steps {
                    assert!(
                        step_cash[s].is_empty(),
                        "{}: {:?}",
                        b.steps[s].name,
                        step_cash[s]
                    );
                }
                assert!(
                    end_cash[p.end].is_empty(),
                    "{}: {:?}",
                    b.ends[p.end].name,
                    end_cash[p.end]
                );
            }
            // Every path that refunds a card or QR sale, or meets a held
            // payment, reads the rule on screen and on paper.
            let refunds = seen
                .iter()
                .any(|s| s.tree == "refund" && s.id == "paid-how" && s.answer != "cash");
            let held = seen.iter().any(|s| s.id == "reversal-record");
            if refunds || held {
                let names = || seen.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
                assert!(
                    p.steps.iter().any(|&s| step_never[s]) || end_never[p.end],
                    "no 'never in cash' on screen: {:?}",
                    names()
                );
                assert!(
                    p.steps.iter().any(|&s| paper_never[s]),
                    "no 'never in cash' on the checklist: {:?}",
                    names()
                );
            }
        }
    }
    assert!(stated > 0, "the cash rule is stated somewhere");
}

// ---------------------------------------------------------------------
// A terminal that cannot connect is never reset or updated.
// ---------------------------------------------------------------------

const RESET_WORDS: &[&str] = &["factory reset", "factory-reset", "恢复出厂"];
const UPDATE_WORDS: &[&str] = &["download", "update", "下载", "更新"];

/// Whether a step's shown action (not a caution) tells the person to reset
/// (`Some(true)`) or to update or download (`Some(false)`).
fn reset_or_update(rules: &RuleSet, s: &Seen, lang: Lang) -> Option<bool> {
    let node = rules.tree(&s.tree)?.node(&s.id)?;
    let Body::Check {
        action,
        destructive,
        ..
    } = &node.body
    else {
        return None;
    };
    let action = action
        .as_ref()
        .map(|a| a.get(lang).to_lowercase())
        .unwrap_or_default();
    let told = |words: &[&str]| {
        sentences(&action)
            .iter()
            .any(|x| has_any(x, words) && !has_any(x, GUARDED))
    };
    if *destructive || told(RESET_WORDS) {
        Some(true)
    } else if told(UPDATE_WORDS) {
        Some(false)
    } else {
        None
    }
}

/// True when the walk went into no-network and came back to `tree`: a
/// link's `then` is taken only when the linked tree ended resolved, so the
/// terminal is online again.
fn came_back_online(seen: &[&Seen], tree: &str) -> bool {
    seen.iter()
        .position(|x| x.tree == "no-network")
        .is_some_and(|j| seen[j..].iter().any(|x| x.tree == tree))
}

#[test]
fn a_terminal_that_cannot_connect_is_never_reset_or_updated() {
    let rules = rules_ref();
    let mut downloads_after_online = 0;
    for b in books() {
        let kind: Vec<Option<bool>> = b
            .steps
            .iter()
            .map(|s| reset_or_update(rules, s, b.lang))
            .collect();
        for p in b.paths("no-network") {
            for &s in &p.steps {
                assert!(
                    kind[s].is_none(),
                    "no-network resets or updates at {}",
                    b.steps[s].name
                );
            }
        }
        let never = |t: &str| match b.lang {
            Lang::En => t.to_lowercase().contains("never factory-reset"),
            Lang::Zh => t.contains("绝不能用恢复出厂设置"),
        };
        for p in b.paths("sign-on") {
            let seen: Vec<&Seen> = b.seen(p).collect();
            for (i, &s) in p.steps.iter().enumerate() {
                let Some(reset) = kind[s] else { continue };
                assert!(!reset, "sign-on resets at {}", b.steps[s].name);
                // A download only after the person said it is online, and
                // never inside the no-network tree it may hand over to.
                // Or came back from no-network: a link returns only when
                // that tree ended resolved (the terminal is online again).
                let online = seen[..i]
                    .iter()
                    .any(|x| x.tree == "sign-on" && x.id == "online" && x.answer == "yes")
                    || came_back_online(&seen[..i], "sign-on");
                assert!(
                    online && b.steps[s].tree == "sign-on",
                    "sign-on downloads without a connection at {}",
                    b.steps[s].name
                );
                downloads_after_online += 1;
            }
            assert!(never(&b.text(p)), "sign-on: the no-reset rule on screen");
            assert!(never(&b.paper(p)), "sign-on: the no-reset rule on paper");
        }
    }
    assert!(
        downloads_after_online > 0,
        "the key download is on some path"
    );
}

// ---------------------------------------------------------------------
// Tamper, danger and reset rules on every path.
// ---------------------------------------------------------------------

#[test]
fn tamper_danger_and_reset_rules_hold_on_every_path() {
    let rules = rules_ref();
    // Danger: a swollen or hot battery, a bulging screen, burning or liquid
    // stops everything at once, with what to do now.
    let stops = [
        ("no-power", "danger", "yes"),
        ("no-power", "battery-reseat", "swollen"),
        ("screen-keys", "damage", "yes"),
    ];
    let mut danger_paths = 0;
    for b in books() {
        // Tamper: nothing restarts, resets or opens it; every path ends
        // with the vendor or an unlocked screen.
        for p in b.paths("tamper") {
            for s in b.seen(p) {
                for x in sentences(&s.text) {
                    let bad = ["restart", "reset", "open the", "重启", "重置", "拆开"];
                    assert!(
                        !has_any(&x, &bad) || has_any(&x, GUARDED),
                        "tamper tells to restart/reset/open: {x}"
                    );
                }
            }
            let e = b.end(p);
            assert!(
                e.json["escalation"]["party"] == "vendor" || e.name == "tamper/unlocked",
                "{}",
                e.name
            );
            if b.seen(p)
                .any(|s| s.id == "which-lock" && s.answer == "tamper")
            {
                let t = b.text(p).to_lowercase();
                assert!(
                    match b.lang {
                        Lang::En => t.contains("do not open") && t.contains("do not reset"),
                        Lang::Zh => t.contains("不要拆开") && t.contains("不要重置"),
                    },
                    "tamper: {t}"
                );
            }
        }
        for p in &b.paths {
            let seen: Vec<&Seen> = b.seen(p).collect();
            let Some(i) = seen.iter().position(|s| {
                stops
                    .iter()
                    .any(|(t, n, a)| s.tree == *t && s.id == *n && s.answer == *a)
            }) else {
                continue;
            };
            danger_paths += 1;
            let e = b.end(p);
            assert_eq!(i + 1, seen.len(), "{}: checks after danger", p.tree);
            assert_eq!(e.json["escalation"]["party"], "vendor", "{}", e.name);
            let stop = e.caution.to_lowercase();
            let ok = match b.lang {
                Lang::En => stop.contains("stop using") && stop.contains("do not charge"),
                Lang::Zh => stop.contains("停止使用") && stop.contains("不要充电"),
            };
            assert!(ok, "{}: the stop says what to do now: {stop}", e.name);
        }
        // Reset: a destructive step shows what it erases and asks first,
        // and comes only after the person said the terminal is online.
        let is_reset: Vec<bool> = b
            .steps
            .iter()
            .map(|s| reset_or_update(rules, s, b.lang) == Some(true))
            .collect();
        let mut resets = 0;
        for p in &b.paths {
            for (i, &ix) in p.steps.iter().enumerate() {
                if !is_reset[ix] {
                    continue;
                }
                resets += 1;
                let seen: Vec<&Seen> = b.seen(p).collect();
                let s = seen[i];
                let t = s.text.to_lowercase();
                let erases = match b.lang {
                    Lang::En => t.contains("erase") && t.contains("offline"),
                    Lang::Zh => t.contains("清除") && t.contains("离线交易"),
                };
                assert!(erases, "{} does not say what it erases", s.name);
                let node = rules.tree(&s.tree).unwrap().node(&s.id).unwrap();
                assert!(
                    matches!(
                        node.body,
                        Body::Check {
                            destructive: true,
                            skip: Some(_),
                            ..
                        }
                    ),
                    "{} is a reset without confirmation",
                    s.name
                );
                assert!(
                    seen[..i]
                        .iter()
                        .any(|x| x.id == "online" && x.answer == "yes")
                        || came_back_online(&seen[..i], &s.tree),
                    "{}: reset without a connection, on {:?}",
                    s.name,
                    seen.iter().map(|s| &s.name).collect::<Vec<_>>()
                );
            }
        }
        assert!(resets > 0, "a reset is on some path");
    }
    assert!(danger_paths > 0);
}

/// Enumerating every path of every tree stays quick enough for `cargo test`
/// (printed for the closing note; the bound is generous for a debug build on
/// a shared 2-core machine).
#[test]
fn every_path_is_walked_quickly() {
    let rules = rules_ref();
    let t = std::time::Instant::now();
    let mut total = 0;
    for tree in rules.trees() {
        let paths = all_paths(rules, &tree.id, &text_samples).unwrap();
        // Paths that end in the tree itself, without following a link.
        let own = paths
            .iter()
            .filter(|w| matches!(w.state(), State::Done(f) if f.tree.id == tree.id))
            .count();
        println!(
            "{:<20} nodes {:>3}  paths {:>6}  (ending in the tree itself {:>4})",
            tree.id,
            tree.nodes.len(),
            paths.len(),
            own
        );
        total += paths.len();
    }
    let took = t.elapsed();
    println!("{total} paths in {took:?}");
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
}
