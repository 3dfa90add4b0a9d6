//! The counter: one step at a time on a terminal, with Back (Esc) and Quit,
//! cautions in a distinct style, an explicit confirmation before a
//! destructive step, and at an escalation what to do now before any
//! paperwork. Answers given with `--answers`/`--answer` are used first; the
//! person is asked the rest.
//!
//! inquire draws each question, but it breaks lines at the last column,
//! mid-word; so every string it draws (question, choices, hint, the answer
//! it leaves behind) is wrapped here first by `term::fit`, and a list never
//! grows taller than the screen.

use colored::Colorize;
use inquire::ui::{RenderConfig, Styled};
use inquire::validator::Validation;
use inquire::{InquireError, Select, Text as TextPrompt};

use super::{askable, Answerer, Confirmation, Reply};
use crate::answers::Answers;
use crate::engine::{Answer, Finished, Step};
use crate::i18n::{fill, Lang, Msg};
use crate::profile::keys_for;
use crate::rules::{fact_by_id, Body, Code, Fact, NodeKind};
use crate::run::FactsForm;
use crate::term;
use crate::values::check_value_in;

pub struct Interactive {
    pub presets: Answers,
    pub lang: Lang,
    pub color: bool,
    /// The step `confirm` just showed, so `reply` does not show it twice.
    shown: Option<String>,
}

/// What a menu returned.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick<V> {
    It(V),
    Back,
    Quit,
}

/// An entry of a menu: what it stands for, its label, and the label as
/// drawn (wrapped to the screen).
struct Entry<V> {
    value: Pick<V>,
    label: String,
    drawn: String,
}

impl<V> std::fmt::Display for Entry<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.drawn)
    }
}

/// The look of every prompt: "?" before the open question, "✓" before an
/// answered one, the answer on its own line after "→" — different without
/// any colour — and nothing at all where inquire would print "<canceled>".
pub fn render_config(color: bool, answer_on_new_line: bool) -> RenderConfig<'static> {
    let mut c = if color {
        RenderConfig::default_colored()
    } else {
        RenderConfig::empty()
    };
    c.answered_prompt_prefix = if color {
        Styled::new("✓").with_fg(inquire::ui::Color::LightGreen)
    } else {
        Styled::new("✓")
    };
    c.canceled_prompt_indicator = Styled::new("");
    // inquire's "#" before a validation message means nothing to a cashier.
    c.error_message.prefix = if color {
        Styled::new("⚠").with_fg(inquire::ui::Color::LightRed)
    } else {
        Styled::new("⚠")
    };
    c.answer_from_new_line = answer_on_new_line;
    c.scroll_up_prefix = Styled::new("↑");
    c.scroll_down_prefix = Styled::new("↓");
    c
}

/// The screen, and how much of it a prompt may use.
#[derive(Clone, Copy, Debug)]
pub struct Screen {
    /// Columns to wrap to.
    pub width: usize,
    /// Rows of the terminal.
    pub height: usize,
}

impl Screen {
    pub fn now() -> Screen {
        let (w, h) = term::screen_size().unwrap_or((80, 24));
        Screen {
            width: w.clamp(8, 120),
            height: h.max(4),
        }
    }

    /// A small screen (40×15): leave out blank lines and the key hints.
    pub fn is_small(self) -> bool {
        self.height < 20
    }

    /// A question as drawn after inquire's "? ".
    pub fn question(self, q: &str) -> String {
        q.lines()
            .enumerate()
            .map(|(i, p)| {
                term::fit(
                    p,
                    self.width.saturating_sub(3),
                    if i == 0 { "" } else { "  " },
                    "  ",
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A choice as drawn after inquire's "> ".
    pub fn choice(self, label: &str) -> String {
        term::fit(label, self.width.saturating_sub(3), "", "  ")
    }

    /// A hint as drawn inside inquire's "[…]".
    pub fn hint(self, h: &str) -> String {
        term::fit(h, self.width.saturating_sub(2), "", "")
    }

    /// An answer left under its question.
    pub fn answer(self, a: &str) -> String {
        term::fit(a, self.width.saturating_sub(1), "  → ", "    ")
    }

    /// How many choices fit: the question, the hint and the tallest
    /// choices together never taller than the screen (a frame taller than
    /// the screen cannot be redrawn, and goes blank).
    pub fn page_size(self, fixed_rows: usize, choice_rows: &[usize]) -> usize {
        let mut tallest: Vec<usize> = choice_rows.to_vec();
        tallest.sort_unstable_by(|a, b| b.cmp(a));
        let room = self.height.saturating_sub(1 + fixed_rows);
        let mut used = 0;
        let mut k = 0;
        for r in tallest {
            if used + r > room {
                break;
            }
            used += r;
            k += 1;
        }
        k.max(1)
    }
}

/// Removes the `rows` lines a cancelled prompt leaves behind (inquire
/// leaves its question there when Esc is pressed).
pub fn erase_rows(rows: usize) {
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr();
    if rows > 0 && err.is_terminal() {
        let _ = write!(err, "\x1b[{rows}A\r\x1b[J");
        let _ = err.flush();
    }
}

/// What Esc does in a menu without Back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Esc {
    /// Nothing: the screen stays as it was and the question is asked again.
    Again,
    /// The menu returns `OperationCanceled` (skip, decline).
    Cancel,
}

/// A menu of `items`, with Back and Quit when asked for. Esc is Back; when
/// there is no way back, `esc` says what it does.
#[allow(clippy::too_many_arguments)]
pub fn menu<V: Clone>(
    question: &str,
    items: Vec<(V, String)>,
    start: usize,
    back: Option<&str>,
    quit: Option<&str>,
    help: Option<&str>,
    esc: Esc,
    color: bool,
) -> Result<Pick<V>, InquireError> {
    let screen = Screen::now();
    let q = screen.question(question);
    let mut entries: Vec<Entry<V>> = items
        .into_iter()
        .map(|(v, label)| Entry {
            value: Pick::It(v),
            drawn: screen.choice(&label),
            label,
        })
        .collect();
    for (value, label) in [(Pick::Back, back), (Pick::Quit, quit)] {
        if let Some(label) = label {
            entries.push(Entry {
                value,
                drawn: screen.choice(label),
                label: label.to_owned(),
            });
        }
    }
    let help = help.filter(|_| !screen.is_small()).map(|h| screen.hint(h));
    let fixed =
        term::rows(&q, screen.width) + help.as_deref().map_or(0, |h| term::rows(h, screen.width));
    let page = screen.page_size(
        fixed,
        &entries
            .iter()
            .map(|e| term::rows(&e.drawn, screen.width))
            .collect::<Vec<_>>(),
    );
    let start = start.min(entries.len().saturating_sub(1));
    let source: Vec<(Pick<V>, String, String)> = entries
        .into_iter()
        .map(|e| (e.value, e.label, e.drawn))
        .collect();
    loop {
        // inquire takes the options by value: a fresh list for each ask.
        let entries: Vec<Entry<V>> = source
            .iter()
            .cloned()
            .map(|(value, label, drawn)| Entry {
                value,
                label,
                drawn,
            })
            .collect();
        let formatter =
            |o: inquire::list_option::ListOption<&Entry<V>>| screen.answer(&o.value.label);
        let mut select = Select::new(&q, entries)
            .without_filtering()
            .with_starting_cursor(start)
            .with_page_size(page)
            .with_formatter(&formatter)
            .with_render_config(render_config(color, true));
        select = match &help {
            Some(h) => select.with_help_message(h),
            None => select.without_help_message(),
        };
        match select.prompt() {
            Ok(e) => return Ok(e.value),
            Err(InquireError::OperationCanceled) => {
                erase_rows(term::rows(&q, screen.width));
                if back.is_some() {
                    return Ok(Pick::Back);
                }
                if esc == Esc::Cancel {
                    return Err(InquireError::OperationCanceled);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// A question answered yes or no by picking one of two labels; Esc is no.
pub fn choose(question: &str, yes: &str, no: &str, color: bool) -> Result<bool, InquireError> {
    let items = vec![(true, yes.to_owned()), (false, no.to_owned())];
    match menu(question, items, 0, None, None, None, Esc::Cancel, color) {
        Ok(Pick::It(yes)) => Ok(yes),
        Ok(_) | Err(InquireError::OperationCanceled) => Ok(false),
        Err(e) => Err(e),
    }
}

impl Interactive {
    pub fn new(presets: Answers, lang: Lang, color: bool) -> Interactive {
        Interactive {
            presets,
            lang,
            color,
            shown: None,
        }
    }

    fn m(&self, msg: Msg) -> &'static str {
        msg.get(self.lang)
    }

    /// The step: a header with the tree's title, its caution, the
    /// destructive warning, what to do, and (info) the text to read. When
    /// that and the question below it would not fit on the screen together
    /// (a long warning at 40×15), the person reads it first and presses
    /// Enter ("When you're ready → Next"): a caution never scrolls away
    /// unseen.
    fn show(&self, step: &Step, question: &str) -> anyhow::Result<()> {
        let lang = self.lang;
        let screen = Screen::now();
        let w = Some(screen.width);
        // "step 6" / "第 6 步" stays on one line.
        let step_no =
            fill(self.m(Msg::Step), &[("n", &step.number.to_string())]).replace(' ', "\u{a0}");
        let head = term::wrap(
            &format!("── {} · {step_no} ──", step.tree.title.get(lang)),
            w,
            "",
        );
        let mut warnings = Vec::new();
        if let Some(c) = step.caution(lang) {
            let line = format!("⚠ {}{c}", self.m(Msg::Caution));
            warnings.push((term::wrap(&line, w, ""), true));
        }
        if step.is_destructive() {
            let line = format!("⚠ {}", self.m(Msg::Destructive));
            warnings.push((term::wrap(&line, w, ""), false));
        }
        let mut body = Vec::new();
        if let Some(a) = step.action(lang) {
            if screen.is_small() {
                body.push(term::fit(&format!("▶ {a}"), screen.width, "", "  "));
            } else {
                body.push(format!("▶ {}", self.m(Msg::Do)));
                body.push(term::wrap(a, w, "  "));
            }
        }
        if step.kind() == NodeKind::Info {
            body.push(term::wrap(&step.prompt(lang), w, ""));
        }
        if !screen.is_small() {
            eprintln!();
        }
        eprintln!("{}", head.dimmed());
        for (line, caution) in &warnings {
            match caution {
                true => eprintln!("{}", line.yellow().bold()),
                false => eprintln!("{}", line.red().bold()),
            }
        }
        for (i, line) in body.iter().enumerate() {
            match i == 0 && !screen.is_small() && step.action(lang).is_some() {
                true => eprintln!("{}", line.bold()),
                false => eprintln!("{line}"),
            }
        }
        // Rows of plain text (no colour codes), then what comes below: the
        // question, its answers (and Back, Quit), the key hint.
        let shown: usize = std::iter::once(&head)
            .chain(warnings.iter().map(|(t, _)| t))
            .chain(&body)
            .map(|t| term::rows(t, screen.width))
            .sum();
        let below = term::rows(&screen.question(question), screen.width) + 5;
        if !warnings.is_empty() && shown + below > screen.height {
            self.pause()?;
        }
        Ok(())
    }

    fn menu<V: Clone>(
        &self,
        question: &str,
        items: Vec<(V, String)>,
        start: usize,
        can_go_back: bool,
    ) -> Result<Pick<V>, InquireError> {
        menu(
            question,
            items,
            start,
            can_go_back.then(|| self.m(Msg::Back)),
            Some(self.m(Msg::Quit)),
            Some(self.m(Msg::SelectHelp)),
            Esc::Again,
            self.color,
        )
    }

    /// A line typed in answer to `question` (Enter on an empty line is
    /// `Ok("")` when `optional`). The question stands above the line typed.
    fn text(
        &self,
        question: &str,
        initial: &str,
        optional: bool,
        check: Option<String>,
    ) -> Result<String, InquireError> {
        let screen = Screen::now();
        let q = format!("{}\n›", screen.question(question));
        let required = self.m(Msg::AnswerRequired);
        let help = screen.hint(self.m(if optional {
            Msg::FactHelp
        } else {
            Msg::TextHelp
        }));
        let formatter = |s: &str| {
            if s.trim().is_empty() {
                "—".to_owned()
            } else {
                // After "› ": wrapped to the screen like every other line
                // (a long last-transaction note breaks between words).
                let shown = mask_for_screen(s);
                term::fit(&shown, screen.width, "  ", "  ")
                    .trim_start()
                    .to_owned()
            }
        };
        let lang = self.lang;
        let mut prompt = TextPrompt::new(&q)
            .with_formatter(&formatter)
            .with_initial_value(initial)
            .with_validator(move |s: &str| {
                Ok(match (s.trim(), &check) {
                    ("", _) if optional => Validation::Valid,
                    ("", _) => Validation::Invalid(required.into()),
                    (v, Some(key)) => match check_value_in(key, v, lang) {
                        Ok(_) => Validation::Valid,
                        Err(e) => Validation::Invalid(
                            term::fit(&counter_words(&e.to_string()), screen.width - 2, "", "")
                                .into(),
                        ),
                    },
                    _ => Validation::Valid,
                })
            })
            .with_render_config(render_config(self.color, false));
        if !screen.is_small() {
            prompt = prompt.with_help_message(&help);
        }
        let typed = prompt.prompt();
        if matches!(typed, Err(InquireError::OperationCanceled)) {
            erase_rows(term::rows(&q, screen.width));
        }
        typed
    }

    fn ask(
        &self,
        step: &Step,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> Result<Reply, InquireError> {
        let lang = self.lang;
        let prompt = step.prompt(lang);
        let start_at = |answers: &[Answer]| {
            previous
                .and_then(|p| answers.iter().position(|a| a == p))
                .unwrap_or(0)
        };
        let picked = match &step.node.body {
            Body::Info { .. } => self.menu(
                self.m(Msg::InfoPrompt),
                vec![(Answer::Continue, self.m(Msg::Continue).to_owned())],
                0,
                can_go_back,
            )?,
            Body::Check { .. } => {
                let items = vec![
                    (Answer::Yes, self.m(Msg::Yes).to_owned()),
                    (Answer::No, self.m(Msg::No).to_owned()),
                ];
                let start = start_at(&[Answer::Yes, Answer::No]);
                self.menu(&prompt, items, start, can_go_back)?
            }
            Body::Choice { choices, .. } => {
                let items: Vec<(Answer, String)> = choices
                    .iter()
                    .map(|c| (Answer::Choice(c.id.clone()), c.label.get(lang).to_owned()))
                    .collect();
                let answers: Vec<Answer> = items.iter().map(|(a, _)| a.clone()).collect();
                self.menu(&prompt, items, start_at(&answers), can_go_back)?
            }
            Body::Text { .. } => {
                let initial = match previous {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                return match self.text(&prompt, &initial, false, None) {
                    Ok(t) => Ok(Reply::Answer {
                        answer: Answer::Text(t.trim().to_owned()),
                        confirmed: false,
                    }),
                    Err(InquireError::OperationCanceled) if can_go_back => Ok(Reply::Back),
                    Err(e) => Err(e),
                };
            }
            Body::Resolved { .. } | Body::Escalate { .. } | Body::Link { .. } => {
                return Ok(Reply::Quit)
            }
        };
        Ok(match picked {
            Pick::It(a) => Reply::Answer {
                answer: a,
                confirmed: false,
            },
            Pick::Back => Reply::Back,
            Pick::Quit => Reply::Quit,
        })
    }

    /// "When you're ready → Next": lets the person read what is above.
    fn pause(&self) -> anyhow::Result<()> {
        let next = vec![((), self.m(Msg::Continue).to_owned())];
        match menu(
            self.m(Msg::InfoPrompt),
            next,
            0,
            None,
            None,
            None,
            Esc::Cancel,
            self.color,
        ) {
            Ok(_) | Err(InquireError::OperationCanceled) => Ok(()),
            Err(InquireError::OperationInterrupted) => Ok(()),
            Err(e) => Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
        }
    }

    /// One fact typed in: `Ok(None)` skipped, `Err` stop asking.
    fn ask_fact(
        &self,
        fact: Fact,
        label: &str,
    ) -> Result<Option<Vec<(String, String)>>, InquireError> {
        let m = |msg: Msg| self.m(msg);
        match fact {
            Fact::Connection => {
                let items = vec![
                    (Some("wifi"), m(Msg::ConnWifi).to_owned()),
                    (Some("mobile"), m(Msg::ConnMobile).to_owned()),
                    (Some("ethernet"), m(Msg::ConnEthernet).to_owned()),
                    (Some("base"), m(Msg::ConnBase).to_owned()),
                    (None, m(Msg::SkipOne).to_owned()),
                ];
                // "Enter skips one", as the form's header says: the cursor
                // starts on Skip, never on an answer nobody gave.
                let skip = items.len() - 1;
                match menu(
                    label,
                    items,
                    skip,
                    None,
                    None,
                    None,
                    Esc::Cancel,
                    self.color,
                ) {
                    Ok(Pick::It(Some(c))) => Ok(Some(vec![("connection".into(), c.into())])),
                    Ok(_) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Fact::PurchaseDate => {
                let mut got = Vec::new();
                for (key, msg) in [
                    ("purchase_date", Msg::AskPurchaseDate),
                    ("warranty_until", Msg::AskWarrantyUntil),
                ] {
                    let v = self.text(m(msg), "", true, Some(key.into()))?;
                    if !v.trim().is_empty() {
                        got.push((key.to_owned(), v.trim().to_owned()));
                    }
                }
                Ok((!got.is_empty()).then_some(got))
            }
            f => {
                let question = fill(m(Msg::AskFact), &[("label", label)]);
                let v = self.text(&question, "", true, Some(f.id().to_owned()))?;
                Ok((!v.trim().is_empty()).then(|| vec![(f.id().to_owned(), v.trim().to_owned())]))
            }
        }
    }
}

/// A message for the counter: quotes instead of the backticks that mark
/// values for a command line.
fn counter_words(s: &str) -> String {
    let mut open = true;
    s.chars()
        .map(|c| match c {
            '`' => {
                open = !open;
                if open {
                    '”'
                } else {
                    '“'
                }
            }
            c => c,
        })
        .collect()
}

/// What the prompt echoes once an answer is given: never a card number.
fn mask_for_screen(s: &str) -> String {
    crate::privacy::mask_card_numbers(s).0
}

impl Answerer for Interactive {
    fn reply(
        &mut self,
        step: &Step,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> anyhow::Result<Reply> {
        if step.kind() != NodeKind::Info && self.presets.has(&step.node_ref) {
            if let Some(text) = self.presets.take(&step.node_ref) {
                let answer = self.presets.parse_for(step, &text)?;
                let label = super::answer_label(step, &answer, self.lang).unwrap_or_default();
                let line = format!("{} {label} {}", step.prompt(self.lang), self.m(Msg::Preset));
                eprintln!(
                    "{}",
                    term::wrap(&line, Some(Screen::now().width), "").dimmed()
                );
                return Ok(Reply::Answer {
                    answer,
                    confirmed: step.is_destructive(),
                });
            }
        }
        if self.shown.take().as_deref() != Some(&step.node_ref) {
            let question = match step.kind() {
                NodeKind::Info => self.m(Msg::InfoPrompt).to_owned(),
                _ => step.prompt(self.lang),
            };
            self.show(step, &question)?;
        }
        match self.ask(step, previous, can_go_back) {
            Ok(reply) => Ok(reply),
            Err(InquireError::OperationInterrupted) => Ok(Reply::Interrupted),
            Err(e) => Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
        }
    }

    fn confirm(&mut self, step: &Step, can_go_back: bool) -> anyhow::Result<Confirmation> {
        if self.presets.has(&step.node_ref) {
            return Ok(Confirmation::Deferred);
        }
        self.show(step, self.m(Msg::ConfirmDestructive))?;
        self.shown = Some(step.node_ref.clone());
        let items = vec![
            (false, self.m(Msg::ConfirmSkip).to_owned()),
            (true, self.m(Msg::ConfirmDo).to_owned()),
        ];
        let skip = Reply::Answer {
            answer: Answer::Skip,
            confirmed: false,
        };
        Ok(
            match self.menu(self.m(Msg::ConfirmDestructive), items, 0, can_go_back) {
                Ok(Pick::It(true)) => Confirmation::Do,
                Ok(Pick::It(false)) => Confirmation::Reply(skip),
                Ok(Pick::Back) => {
                    self.shown = None;
                    Confirmation::Reply(Reply::Back)
                }
                Ok(Pick::Quit) => Confirmation::Reply(Reply::Quit),
                Err(InquireError::OperationInterrupted) => Confirmation::Reply(Reply::Interrupted),
                Err(e) => return Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
            },
        )
    }

    fn presets(&self) -> Option<&Answers> {
        Some(&self.presets)
    }

    fn takes_probe_answers(&self) -> bool {
        false
    }

    /// The step, then what its probe found ("✓ Terminal 192.168.1.50:8888
    /// answered in 3 ms") above the question, whose answer it preselects.
    fn show_probe(&mut self, step: &Step, result: &crate::probe::ProbeResult, lang: Lang) {
        if self.shown.as_deref() != Some(&step.node_ref) {
            // A prompt that fails here fails again at the question, where
            // it is reported.
            let _ = self.show(step, &step.prompt(lang));
            self.shown = Some(step.node_ref.clone());
        }
        let w = Some(Screen::now().width);
        let line = term::wrap(&crate::sanitize::strip(&result.line(lang)), w, "");
        let line = match result.outcome {
            crate::probe::Outcome::Pass => line.green().bold(),
            crate::probe::Outcome::Fail => line.red().bold(),
            crate::probe::Outcome::Skipped => line.normal(),
        };
        eprintln!("{line}");
        eprintln!(
            "{}",
            term::wrap(Msg::ProbeOverride.get(lang), w, "").dimmed()
        );
    }

    fn show_escalation(
        &mut self,
        at: &Finished,
        contact: Option<&crate::profile::Contact>,
        lang: Lang,
    ) -> anyhow::Result<()> {
        // What to do now comes first and stays on the screen until read:
        // on a small screen each part waits for Enter before the next one
        // would push it away.
        let screen = Screen::now();
        let w = Some(screen.width);
        let now = crate::render::escalation_now(at, lang, w);
        let call = crate::render::escalation_call(at, contact, lang, w);
        let (now_rows, call_rows) = (
            term::rows(now.trim_end(), screen.width),
            term::rows(call.trim_end(), screen.width),
        );
        // Room for the question that follows (the facts, or the summary).
        let next_rows = 6;
        eprintln!("\n{}", now.trim_end());
        if now_rows + 1 + call_rows + next_rows >= screen.height {
            self.pause()?;
        }
        eprintln!("\n{}", call.trim_end());
        if call_rows + next_rows >= screen.height {
            self.pause()?;
        }
        Ok(())
    }

    fn complete_facts(&mut self, form: &mut FactsForm) -> anyhow::Result<()> {
        let missing: Vec<usize> = (0..form.facts.len())
            .filter(|&i| {
                form.facts[i].value.is_none()
                    && fact_by_id(&form.facts[i].fact).is_some_and(askable)
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        // The facts are one optional step: one key (Esc, or "skip them
        // all") and the person is done with them.
        eprintln!();
        // As many as there will be prompts: a purchase date comes with its
        // warranty date, asked one after the other.
        let prompts: usize = missing
            .iter()
            .map(|&i| match fact_by_id(&form.facts[i].fact) {
                Some(Fact::PurchaseDate) => 2,
                _ => 1,
            })
            .sum();
        let question = match prompts {
            1 => self.m(Msg::FactsAskOne).to_owned(),
            n => fill(self.m(Msg::FactsAsk), &[("n", &n.to_string())]),
        };
        match choose(
            &question,
            self.m(Msg::FactsFill),
            self.m(Msg::FactsSkip),
            self.color,
        ) {
            Ok(true) => {}
            Ok(false) | Err(InquireError::OperationInterrupted) => return Ok(()),
            Err(e) => return Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
        }
        let mut typed: Vec<(String, String, String)> = Vec::new();
        for i in missing {
            let Some(fact) = fact_by_id(&form.facts[i].fact) else {
                continue;
            };
            let label = form.facts[i].label.clone();
            match self.ask_fact(fact, &label) {
                Ok(None) => {}
                Ok(Some(values)) => {
                    let mut shown = Vec::new();
                    for (key, value) in values {
                        let checked = check_value_in(&key, &value, self.lang)?;
                        if checked.masked {
                            term::say(self.m(Msg::Masked));
                        }
                        shown.push(checked.value.clone());
                        if keys_for(fact).contains(&key.as_str()) {
                            let name = match key.as_str() {
                                "purchase_date" => self.m(Msg::PurchaseDateShort).to_owned(),
                                "warranty_until" => self.m(Msg::WarrantyShort).to_owned(),
                                _ => label.clone(),
                            };
                            typed.push((key, checked.value, name));
                        }
                    }
                    form.facts[i].value = Some(if fact == Fact::PurchaseDate {
                        purchase_value(&typed, self.lang)
                    } else {
                        shown.join(" ")
                    });
                }
                Err(InquireError::OperationCanceled) => break,
                // Ctrl-C: no more questions at all, not even about saving.
                Err(InquireError::OperationInterrupted) => return Ok(()),
                Err(e) => return Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
            }
        }
        if typed.is_empty() || !form.can_save {
            return Ok(());
        }
        let list: Vec<String> = typed
            .iter()
            .map(|(_, v, name)| format!("{name}{}{v}", self.m(Msg::Colon)))
            .collect();
        let question = format!("{}\n{}", self.m(Msg::SaveAsk), list.join(" · "));
        let keep = choose(
            &question,
            self.m(Msg::SaveYes),
            self.m(Msg::SaveNo),
            self.color,
        );
        if let Ok(true) = keep {
            form.save = typed.into_iter().map(|(k, v, _)| (k, v)).collect();
        }
        Ok(())
    }

    fn show_code(&mut self, code: &Code, lang: Lang, brief: bool) {
        let screen = Screen::now();
        let w = Some(screen.width);
        let title = format!(
            "ℹ {} — {}",
            fill(Msg::CodeTitle.get(lang), &[("code", &code.code)]),
            code.meaning.get(lang)
        );
        eprintln!();
        eprintln!("{}", term::wrap(&title, w, "").bold());
        if brief {
            return;
        }
        let (head, text) = match &code.customer {
            Some(c) => (Msg::TellCustomer, c.get(lang)),
            None => (Msg::CodeDo, code.action.get(lang)),
        };
        eprintln!("{}", head.get(lang).bold());
        eprintln!("{}", term::wrap(text, w, "  "));
    }
}

/// "bought 2025-03-31; under warranty until 2027-03-31" from typed dates.
fn purchase_value(typed: &[(String, String, String)], lang: Lang) -> String {
    let mut p = crate::profile::Profile::default();
    for (key, value, _) in typed {
        if key == "purchase_date" || key == "warranty_until" {
            let _ = p.set(key, value, crate::profile::DEFAULT_TERMINAL);
        }
    }
    p.fact(Fact::PurchaseDate, crate::profile::DEFAULT_TERMINAL, lang)
        .unwrap_or_default()
}
