//! A run of one tree: the [`Session`] that the counter (interactive) and
//! scripts both drive. It owns the moving parts — the walk, the session
//! log, the escalation (safety first, then the facts) and the report — and
//! asks an [`Answerer`] for every reply, so the two front ends never differ
//! in how a walk goes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::engine::{Answer, EngineError, Finished, State, Step, Walk};
use crate::i18n::{fill, Lang, Msg};
use crate::privacy::mask_card_numbers;
use crate::profile::Profile;
use crate::report::Report;
use crate::rules::{Body, Fact, NodeKind, RuleSet};
use crate::session::{self, Event, FactValue};
use crate::ui::{answer_label, Answerer, Confirmation, Ending, Reply, SessionLog};

/// What a run knows besides the rules.
pub struct SessionOptions {
    pub lang: Lang,
    /// The shop's saved facts, to prefill an escalation.
    pub profile: Profile,
    /// Where the profile lives, to save facts typed at an escalation.
    pub profile_path: Option<PathBuf>,
    /// Which of the shop's terminals.
    pub terminal: String,
    /// Whether a step with a probe is checked automatically (`--no-probe`:
    /// never).
    pub probes: bool,
    /// The rule packs loaded (`--rules`), named in the log's start.
    pub packs: Vec<String>,
}

/// The most time the probes of one run may take in all: after it, a step
/// with a probe is asked like any other.
pub const PROBE_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// The facts an escalation asks for, as a front end fills them in.
#[derive(Debug)]
pub struct FactsForm {
    pub lang: Lang,
    /// Every fact the escalation lists, with what is already known.
    pub facts: Vec<FactValue>,
    /// Shop facts the person typed and chose to keep in the profile:
    /// (profile key, value).
    pub save: Vec<(String, String)>,
    /// Whether there is a profile to keep them in.
    pub can_save: bool,
}

/// One run of a tree.
pub struct Session<'r> {
    pub walk: Walk<'r>,
    pub log: SessionLog,
    pub lang: Lang,
    pub profile: Profile,
    profile_path: Option<PathBuf>,
    pub terminal: String,
    resumed: bool,
    /// The rule packs loaded, for the log's start.
    packs: Vec<String>,
    /// Answers undone by going back, by node: offered again as the default
    /// when the walk comes back to that node.
    remembered: HashMap<String, Answer>,
    /// Destructive steps done (confirmed and logged) and not yet answered:
    /// never asked again — going back and forward over a factory reset
    /// does not undo it, nor make "skip" the default.
    confirmed: HashSet<String>,
    /// Things to tell the person at the end (the profile was saved).
    pub notes: Vec<String>,
    /// Warnings for the end of the run (the profile could not be saved).
    pub warnings: Vec<String>,
    probes: bool,
    /// What a probe found at each step of the walk's history (by
    /// position), for `--json` and the text summary.
    pub probed: Vec<Option<crate::probe::ProbeResult>>,
    /// Nodes a probe has answered (a script's walk takes a probe's answer
    /// once per node, so it can never loop).
    auto_answered: HashSet<String>,
    probe_time: std::time::Duration,
}

impl<'r> Session<'r> {
    /// A new run of `tree`.
    pub fn start(
        rules: &'r RuleSet,
        tree: &str,
        log: SessionLog,
        opts: SessionOptions,
    ) -> Result<Session<'r>, EngineError> {
        Ok(Session::with(Walk::start(rules, tree)?, log, opts, false))
    }

    /// Continues a logged session where it stopped: `walk` is its replay
    /// (`session::replay`) and `events` the session's events. What was
    /// undone by going back is remembered, and a destructive step already
    /// confirmed is not asked again.
    pub fn resume(
        walk: Walk<'r>,
        events: Vec<Event>,
        mut log: SessionLog,
        opts: SessionOptions,
    ) -> Session<'r> {
        let (remembered, confirmed) = recall(&events, &walk);
        let probed = recall_probes(&events);
        log.events = events;
        let mut s = Session::with(walk, log, opts, true);
        s.remembered = remembered;
        s.confirmed = confirmed;
        s.probed = probed;
        s
    }

    /// A session around a walk already placed (`resumed`: the log holds
    /// the walk so far).
    pub fn with(walk: Walk<'r>, log: SessionLog, opts: SessionOptions, resumed: bool) -> Self {
        Session {
            walk,
            log,
            lang: opts.lang,
            profile: opts.profile,
            profile_path: opts.profile_path,
            terminal: opts.terminal,
            resumed,
            packs: opts.packs,
            remembered: HashMap::new(),
            confirmed: HashSet::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            probes: opts.probes,
            probed: Vec::new(),
            auto_answered: HashSet::new(),
            probe_time: std::time::Duration::ZERO,
        }
    }

    /// Runs the probe of `step`, when it has one and it may run: `Err` when
    /// Ctrl-C interrupted it. A result that decides nothing (no target)
    /// is `Ok(None)`: the step is asked as usual.
    fn probe_step(
        &mut self,
        step: &Step,
        answerer: &dyn Answerer,
    ) -> Result<Option<crate::probe::ProbeResult>, ()> {
        let Some(id) = step.node.probe.as_deref() else {
            return Ok(None);
        };
        // An answer given ahead of time wins; a destructive step is never
        // taken on a probe's word; a script takes a probe's answer once per
        // node.
        let preset = answerer.presets().is_some_and(|a| a.has(&step.node_ref));
        let again = answerer.takes_probe_answers() && self.auto_answered.contains(&step.node_ref);
        if !self.probes || preset || again || step.is_destructive() {
            return Ok(None);
        }
        let Some(probe) = self.walk.rules().probes.get(id) else {
            return Ok(None);
        };
        if self.probe_time >= PROBE_BUDGET {
            return Ok(None);
        }
        let probe = probe.clone();
        let result =
            crate::probe::run(&probe, &self.profile, &self.terminal, self.lang).ok_or(())?;
        self.probe_time += std::time::Duration::from_millis(result.duration_ms);
        Ok((result.outcome != crate::probe::Outcome::Skipped).then_some(result))
    }

    pub fn is_resumed(&self) -> bool {
        self.resumed
    }

    /// The destructive step the walk stands at, when it was already
    /// confirmed (done) and only its question is left.
    pub fn confirmed_here(&self) -> Option<&Step<'r>> {
        match self.walk.state() {
            State::Ask(step) if self.confirmed.contains(&step.node_ref) => Some(step),
            _ => None,
        }
    }

    /// The report of this session, from its events (as `report LOG` builds it).
    pub fn report(&self) -> Option<Report> {
        crate::report::from_events(&self.log.events, self.lang)
    }

    /// Drives the walk with `answerer` until an outcome, a stop or an
    /// error, logging every step as it is taken.
    pub fn drive(&mut self, answerer: &mut dyn Answerer) -> Result<Ending> {
        let lang = self.lang;
        if self.resumed {
            self.log.write(Event::Resume {
                time: session::now(),
            });
        } else {
            self.log.write(Event::Start {
                time: session::now(),
                tree: self.walk.tree().id.clone(),
                title: Some(self.walk.tree().title.get(lang).to_owned()),
                lang: lang.code().into(),
                version: env!("CARGO_PKG_VERSION").into(),
                format: session::LOG_FORMAT,
                packs: self.packs.clone(),
            });
        }
        if self.log.strict {
            if let Some(e) = &self.log.failure {
                anyhow::bail!(
                    "cannot write the session log: {}",
                    crate::rules::load::io_reason(e)
                );
            }
        }
        loop {
            let step = match self.walk.state() {
                State::Done(f) => {
                    let f = f.clone();
                    return self.finish(&f, answerer);
                }
                State::Ask(step) => step.clone(),
            };
            let can_go_back = !self.walk.history().is_empty();
            let mut previous = self.remembered.get(&step.node_ref).cloned();
            let mut reply = None;
            let probed = match self.probe_step(&step, answerer) {
                Ok(p) => p,
                Err(()) => return Ok(self.end(Ending::Interrupted, Some(step.node_ref))),
            };
            if let Some(p) = &probed {
                answerer.show_probe(&step, p, lang);
                let suggested = if p.answer() == Some(true) {
                    Answer::Yes
                } else {
                    Answer::No
                };
                if answerer.takes_probe_answers() {
                    self.auto_answered.insert(step.node_ref.clone());
                    reply = Some(Ok(Reply::Answer {
                        answer: suggested,
                        confirmed: false,
                    }));
                } else {
                    // Preselected: the person can still say otherwise.
                    previous = Some(suggested);
                }
            }
            // A destructive step is confirmed (or skipped) first, and the
            // decision is logged at once: Quit at the question after it, and
            // the log still says the reset was done.
            if step.is_destructive() && !self.confirmed.contains(&step.node_ref) {
                match answerer.confirm(&step, can_go_back) {
                    Ok(Confirmation::Do) => self.decide(&step, true),
                    Ok(Confirmation::Reply(r)) => reply = Some(Ok(r)),
                    Ok(Confirmation::Deferred) => {}
                    Err(e) => reply = Some(Err(e)),
                }
            }
            let reply = match reply {
                Some(r) => r,
                None => answerer.reply(&step, previous.as_ref(), can_go_back),
            };
            match reply {
                Ok(Reply::Answer { answer, .. }) => {
                    let answer = self.clean(answer);
                    if step.is_destructive() && !self.confirmed.contains(&step.node_ref) {
                        self.decide(&step, answer != Answer::Skip);
                    }
                    let at = self.walk.history().len();
                    if let Err(e) = self.walk.answer(answer.clone()) {
                        self.end(Ending::NeedsInput, Some(step.node_ref.clone()));
                        return Err(e.into());
                    }
                    self.remembered.remove(&step.node_ref);
                    self.confirmed.remove(&step.node_ref);
                    self.probed.truncate(at);
                    self.probed.resize(at, None);
                    self.probed.push(probed.clone());
                    self.log.write(Event::Step {
                        time: session::now(),
                        n: step.number,
                        node: step.node_ref.clone(),
                        kind: step.kind().name().into(),
                        prompt: step.prompt(lang),
                        answer: (step.kind() != NodeKind::Info).then(|| answer.as_str().to_owned()),
                        label: answer_label(&step, &answer, lang),
                        action: step.action(lang).map(str::to_owned),
                        caution: step.caution(lang).map(str::to_owned),
                        // A destructive step taken (not skipped) was confirmed,
                        // by the person or by a script's yes/no.
                        confirmed: step.is_destructive() && answer != Answer::Skip,
                        probe: probed,
                    });
                    // A response code typed at the counter is explained at once.
                    if let Answer::Text(t) = &answer {
                        if let Some(code) = self.walk.rules().code_in(t) {
                            // When the walk ends here, telling the customer,
                            // the ending says it: the code's meaning only.
                            let told = matches!(
                                self.walk.state(),
                                State::Done(f) if matches!(
                                    f.node.body,
                                    crate::rules::Body::Resolved { customer: Some(_), .. }
                                )
                            );
                            answerer.show_code(code, lang, told);
                        }
                    }
                }
                Ok(Reply::Back) => {
                    if let Some(undone) = self.walk.back() {
                        self.probed.truncate(self.walk.history().len());
                        let to = self
                            .walk
                            .step()
                            .map(|s| s.node_ref.clone())
                            .unwrap_or_default();
                        self.log.write(Event::Back {
                            time: session::now(),
                            to: to.clone(),
                        });
                        self.remembered.insert(to, undone);
                    }
                }
                Ok(Reply::Quit) => return Ok(self.end(Ending::Quit, Some(step.node_ref))),
                Ok(Reply::Interrupted) => {
                    return Ok(self.end(Ending::Interrupted, Some(step.node_ref)))
                }
                Ok(Reply::NeedsInput) => {
                    return Ok(self.end(Ending::NeedsInput, Some(step.node_ref)))
                }
                Err(e) => {
                    let ending = if e.downcast_ref::<EngineError>().is_some() {
                        Ending::NeedsInput
                    } else {
                        Ending::Quit
                    };
                    self.end(ending, Some(step.node_ref));
                    return Err(e);
                }
            }
        }
    }

    /// Typed text as the walk may see it: no control characters, full-width
    /// digits and letters (a Chinese input method's ５１) read as 51, and
    /// never a card number.
    fn clean(&self, answer: Answer) -> Answer {
        match answer {
            Answer::Text(t) => {
                let (t, first) = crate::privacy::mask_text(&t);
                let t = crate::i18n::narrow(&t).into_owned();
                let (masked, changed) = mask_card_numbers(t.trim());
                let changed = changed || first;
                if changed {
                    crate::term::say(Msg::Masked.get(self.lang));
                }
                Answer::Text(masked)
            }
            other => other,
        }
    }

    /// Logs the decision on a destructive step: done, or skipped.
    fn decide(&mut self, step: &Step, done: bool) {
        self.log.write(Event::Decision {
            time: session::now(),
            n: step.number,
            node: step.node_ref.clone(),
            action: step.action(self.lang).map(str::to_owned),
            caution: step.caution(self.lang).map(str::to_owned),
            done,
        });
        if done {
            self.confirmed.insert(step.node_ref.clone());
        }
    }

    fn end(&mut self, ending: Ending, node: Option<String>) -> Ending {
        self.log.write(Event::End {
            time: session::now(),
            outcome: ending.outcome().into(),
            node,
            party: None,
            tree: None,
            message: None,
            caution: None,
            customer: None,
        });
        ending
    }

    /// An outcome: at an escalation, what to do now and whom to call come
    /// first, then the facts as one optional step.
    fn finish(&mut self, f: &Finished<'r>, answerer: &mut dyn Answerer) -> Result<Ending> {
        let lang = self.lang;
        let (ending, message) = match &f.node.body {
            Body::Escalate {
                text, have_ready, ..
            } => {
                // The profile's contact, else the pack's, else none (the
                // screen then says where to find the number).
                let rules = self.walk.rules();
                let contact = f
                    .party()
                    .and_then(|p| self.profile.contact_for(p, rules, lang));
                answerer.show_escalation(f, contact.as_ref(), lang)?;
                let mut facts = self.prefill(have_ready);
                facts.extend(self.pack_facts(f.node));
                let mut form = FactsForm {
                    lang,
                    facts,
                    save: Vec::new(),
                    can_save: self.profile_path.is_some(),
                };
                answerer.complete_facts(&mut form)?;
                self.save_to_profile(&form.save);
                self.log.write(Event::Facts {
                    time: session::now(),
                    terminal: Some(self.terminal.clone()),
                    facts: form.facts,
                    contact,
                });
                (Ending::Escalated, text.get(lang).to_owned())
            }
            Body::Resolved { text, .. } => (Ending::Resolved, text.get(lang).to_owned()),
            _ => (Ending::Resolved, String::new()),
        };
        self.log.write(Event::End {
            time: session::now(),
            outcome: ending.outcome().into(),
            node: Some(f.node_ref.clone()),
            party: f.party().map(|p| p.id().to_owned()),
            tree: Some(f.tree.id.clone()),
            message: Some(message),
            caution: f.node.caution.as_ref().map(|c| c.get(lang).to_owned()),
            customer: f.customer().map(|c| c.get(lang).to_owned()),
        });
        Ok(ending)
    }

    /// The facts an escalation lists, filled from what the walk learned
    /// (a node's `fact:`, the code typed), then from the profile.
    pub fn prefill(&self, have_ready: &[Fact]) -> Vec<FactValue> {
        let lang = self.lang;
        let history = self.walk.history();
        let tried = history
            .iter()
            .filter(|v| v.step.kind() != NodeKind::Info)
            .count();
        let learned = |fact: Fact| -> Option<String> {
            history.iter().rev().find_map(|v| {
                if v.step.node.fact != Some(fact) {
                    return None;
                }
                match &v.answer {
                    Answer::Text(t) => Some(t.clone()),
                    Answer::Choice(id)
                        if fact == Fact::Connection
                            && matches!(id.as_str(), "wifi" | "mobile" | "ethernet" | "base") =>
                    {
                        Some(id.clone())
                    }
                    a @ Answer::Choice(_) => answer_label(&v.step, a, lang),
                    _ => None,
                }
            })
        };
        have_ready
            .iter()
            .map(|f| FactValue {
                fact: f.id().to_owned(),
                label: f.label(lang).to_owned(),
                value: match f {
                    Fact::Tried if tried > 0 => Some(fill(
                        Msg::StepsBelow.get(lang),
                        &[("n", &tried.to_string())],
                    )),
                    // The code or message typed during the walk (already masked).
                    Fact::ScreenMessage => learned(*f)
                        .or_else(|| {
                            history.iter().rev().find_map(|v| match &v.answer {
                                Answer::Text(t) => Some(t.clone()),
                                _ => None,
                            })
                        })
                        .or_else(|| self.profile.fact(*f, &self.terminal, lang)),
                    _ => learned(*f).or_else(|| self.profile.fact(*f, &self.terminal, lang)),
                },
            })
            .collect()
    }

    /// The facts a pack defines that this escalation asks for, filled from
    /// the profile (`profile set fact.ID`).
    fn pack_facts(&self, node: &crate::rules::Node) -> Vec<FactValue> {
        node.pack_facts
            .iter()
            .filter_map(|id| self.walk.rules().facts.get(id))
            .map(|f| FactValue {
                fact: f.id.clone(),
                label: f.label.get(self.lang).to_owned(),
                value: self.profile.pack_fact(&f.id, &self.terminal),
            })
            .collect()
    }

    /// Keeps the facts the person chose to save in the profile, re-read
    /// first so a change made meanwhile is not lost.
    fn save_to_profile(&mut self, save: &[(String, String)]) {
        if save.is_empty() {
            return;
        }
        let Some(path) = self.profile_path.clone() else {
            return;
        };
        let result = Profile::load(&path)
            .map_err(|d| anyhow::anyhow!(d.message))
            .and_then(|mut p| {
                for (key, value) in save {
                    p.set(key, value, &self.terminal)?;
                }
                p.save(&path)?;
                Ok(p)
            });
        match result {
            Ok(p) => {
                self.profile = p;
                self.notes.push(fill(
                    Msg::ProfileSaved.get(self.lang),
                    &[("path", &path.display().to_string())],
                ));
            }
            Err(e) => self.warnings.push(fill(
                Msg::ProfileSaveFailed.get(self.lang),
                &[("reason", &e.to_string())],
            )),
        }
    }
}

/// From a logged session: the answers undone by going back (offered again
/// as defaults), and the destructive steps done but not yet answered (not
/// asked again).
fn recall(events: &[Event], walk: &Walk) -> (HashMap<String, Answer>, HashSet<String>) {
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut remembered = HashMap::new();
    let mut confirmed = HashSet::new();
    for e in events {
        match e {
            Event::Step { node, answer, .. } => {
                stack.push((node.clone(), answer.clone().unwrap_or_default()));
                remembered.remove(node);
                confirmed.remove(node);
            }
            Event::Back { to, .. } => {
                if let Some((node, answer)) = stack.pop() {
                    // Read back as the step at `to` reads answers.
                    let parsed = walk
                        .history()
                        .iter()
                        .map(|v| &v.step)
                        .chain(walk.step())
                        .find(|s| s.node_ref == node)
                        .and_then(|s| s.parse(&answer).ok());
                    if let Some(a) = parsed {
                        remembered.insert(to.clone(), a);
                    }
                }
            }
            Event::Decision { node, done, .. } if *done => {
                confirmed.insert(node.clone());
            }
            _ => {}
        }
    }
    (remembered, confirmed)
}

/// What the probes found at each step of a logged walk, by position in
/// the walk (steps undone by going back left out).
fn recall_probes(events: &[Event]) -> Vec<Option<crate::probe::ProbeResult>> {
    let mut stack = Vec::new();
    for e in session::last_session(events) {
        match e {
            Event::Step { probe, .. } => stack.push(probe.clone()),
            Event::Back { .. } => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

/// An unfinished session found in the sessions folder.
#[derive(Clone, Debug)]
pub struct Unfinished {
    pub path: PathBuf,
    pub tree: String,
    pub title: Option<String>,
    /// The step it stopped at (1-based).
    pub step: usize,
    /// When it stopped (the last event's time, UTC RFC 3339).
    pub stopped: String,
}

/// Logs looked at, newest first, when searching for an unfinished one.
const MAX_LOGS_SCANNED: usize = 200;

/// The newest session log in `dir` whose last session has not ended in an
/// outcome (Quit, Ctrl-C, a closed window, a power cut), optionally only of
/// `tree`.
pub fn newest_unfinished(dir: &Path, tree: Option<&str>) -> Option<Unfinished> {
    let mut logs: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file().then(|| (meta.modified().ok(), e.path()))
        })
        .map(|(t, p)| (t.unwrap_or(std::time::UNIX_EPOCH), p))
        .collect();
    logs.sort_by(|a, b| b.cmp(a));
    logs.into_iter()
        .take(MAX_LOGS_SCANNED)
        .find_map(|(_, path)| unfinished(&path, tree))
}

/// The log at `path`, if its last session is unfinished (and of `tree`).
pub fn unfinished(path: &Path, tree: Option<&str>) -> Option<Unfinished> {
    let (events, _) = session::read_log(path).ok()?;
    let last = session::last_session(&events);
    let Some(Event::Start {
        tree: id, title, ..
    }) = last.first()
    else {
        return None;
    };
    if tree.is_some_and(|t| t != id) {
        return None;
    }
    if let Some(Event::End { outcome, .. }) = last.last() {
        if outcome == "resolved" || outcome == "escalated" {
            return None;
        }
    }
    let report = crate::report::from_events(last, Lang::En)?;
    let stopped = last.iter().rev().find_map(event_time)?.to_owned();
    Some(Unfinished {
        path: path.to_path_buf(),
        tree: id.clone(),
        title: title.clone(),
        step: report.steps.iter().filter(|s| !s.decided_only).count() + 1,
        stopped,
    })
}

fn event_time(e: &Event) -> Option<&str> {
    Some(match e {
        Event::Start { time, .. }
        | Event::Resume { time }
        | Event::Step { time, .. }
        | Event::Decision { time, .. }
        | Event::Facts { time, .. }
        | Event::Back { time, .. }
        | Event::End { time, .. } => time,
    })
}
