//! The session log: JSON Lines, one event per line (start, each step, each
//! "back", end), appended and flushed to disk after every event, so that
//! Ctrl-C, a closed window or a power cut loses at most the step being
//! answered. A log file is only ever appended to, never truncated.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Version of the log's event format.
pub const LOG_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Start {
        time: String,
        tree: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        lang: String,
        version: String,
        format: u32,
        /// The rule packs the walk ran with (`--rules`, as absolute
        /// paths): `run --resume` and the picker's Continue load them again
        /// when none are named, so a pack's tree can be continued.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        packs: Vec<String>,
    },
    /// A walk continued with `--resume`: the steps before it still count.
    Resume { time: String },
    Step {
        time: String,
        n: usize,
        node: String,
        kind: String,
        prompt: String,
        answer: Option<String>,
        /// The answer as the person read it (是, a choice's label).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// What the step asked the person to do (check nodes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<String>,
        /// The warning shown with the step.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caution: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        confirmed: bool,
        /// The probe that checked this step automatically, and what it
        /// found (the answer may still be the person's own).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        probe: Option<crate::probe::ProbeResult>,
    },
    /// A destructive step decided — done (confirmed) or skipped — logged
    /// the moment the person chose, before the question that follows it.
    Decision {
        time: String,
        n: usize,
        node: String,
        /// What the step does, as shown (the report names the step by it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caution: Option<String>,
        done: bool,
    },
    /// The facts gathered for an escalation (profile and typed in).
    Facts {
        time: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        terminal: Option<String>,
        facts: Vec<FactValue>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<crate::profile::Contact>,
    },
    Back {
        time: String,
        /// The node the walk went back to.
        to: String,
    },
    End {
        time: String,
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        party: Option<String>,
        /// The tree the walk ended in (it may have followed a link).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tree: Option<String>,
        /// The outcome's text, as shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// The outcome's warning, as shown (stop using it, unplug it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caution: Option<String>,
        /// A customer-side ending: what the customer was told.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<String>,
    },
}

/// One fact for an escalation: `mid`, its label, and its value if known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactValue {
    pub fact: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl FactValue {
    /// The value as a person reads it (`wifi` → "Wi-Fi"), or `None`.
    pub fn shown(&self, lang: crate::i18n::Lang) -> Option<String> {
        use crate::i18n::Msg;
        let v = self.value.as_deref()?;
        if self.fact == "connection" {
            let msg = match v {
                "wifi" => Some(Msg::ConnWifi),
                "mobile" => Some(Msg::ConnMobile),
                "ethernet" => Some(Msg::ConnEthernet),
                "base" => Some(Msg::ConnBase),
                _ => None,
            };
            if let Some(m) = msg {
                return Some(m.get(lang).to_owned());
            }
        }
        Some(v.to_owned())
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Now, as an RFC 3339 timestamp in UTC.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// An open session log.
#[derive(Debug)]
pub struct LogWriter {
    file: File,
    path: PathBuf,
    /// A FIFO or a device: written to, never synced.
    stream: bool,
}

/// True when the file's first line is a session's start event: the only
/// kind of file `--log` appends to (never a profile or a rule file).
fn starts_a_session(file: &mut File) -> io::Result<bool> {
    use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    let mut first = Vec::new();
    BufReader::new(Read::by_ref(file).take(64 * 1024)).read_until(b'\n', &mut first)?;
    let first = String::from_utf8_lossy(&first);
    let first = first.trim_start_matches('\u{feff}').trim();
    Ok(serde_json::from_str::<serde_json::Value>(first)
        .is_ok_and(|v| v.get("event").and_then(|e| e.as_str()) == Some("start")))
}

impl LogWriter {
    /// Opens `path` for appending (creating it if needed; through a
    /// symlink; a FIFO or a device as a stream; a read-only file is
    /// refused). A last line torn by a power cut is closed first, so new
    /// events start on a line of their own.
    pub fn append(path: &Path) -> io::Result<LogWriter> {
        let crate::paths::Appender { mut file, stream } = crate::paths::open_append(path)?;
        let len = if stream { 0 } else { file.metadata()?.len() };
        if len > 0 && !starts_a_session(&mut file)? {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "it is not a posdoctor session log (its first line is not a session's start), and posdoctor never writes into another file; choose a new file name",
            ));
        }
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(LogWriter {
            file,
            path: path.to_path_buf(),
            stream,
        })
    }

    /// Creates a new log under `dir`, named after the time and the tree; an
    /// existing file is never reused.
    pub fn create_in(dir: &Path, tree: &str) -> io::Result<LogWriter> {
        std::fs::create_dir_all(dir)?;
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        for n in 1..1000 {
            let name = if n == 1 {
                format!("{stamp}-{tree}.jsonl")
            } else {
                format!("{stamp}-{tree}-{n}.jsonl")
            };
            let path = dir.join(name);
            match OpenOptions::new().create_new(true).append(true).open(&path) {
                Ok(file) => {
                    return Ok(LogWriter {
                        file,
                        path,
                        stream: false,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many logs with the same name",
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event and makes sure it reached the disk. C1 controls,
    /// bidi characters and line separators are written as `\uXXXX` (as
    /// every JSON posdoctor writes), so `cat` or `tail -f` on a log cannot
    /// drive a terminal.
    pub fn write(&mut self, event: &Event) -> io::Result<()> {
        let text = serde_json::to_string(event).map_err(io::Error::other)?;
        let mut line = crate::sanitize::json(&text).into_owned().into_bytes();
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()?;
        if self.stream {
            return Ok(());
        }
        self.file.sync_data()
    }
}

/// Reads the events of a log, one per line. Only a power cut or a kill
/// can tear a line, and only the line being written: a last line that
/// simply stops is left out and reported in the second value, and so is a
/// cut line followed by a new `start` or `resume` (a later run appended to
/// the log after the cut). A line with NUL bytes (the padding a power cut
/// leaves) or broken UTF-8 (read as U+FFFD) counts as cut too. Any other
/// bad line is an error naming its line.
pub fn read_events(text: &str) -> Result<(Vec<Event>, bool), String> {
    let mut events = Vec::new();
    let mut cut: Option<usize> = None;
    let mut torn = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(at) = cut.take() {
            // Something follows a cut line: only a new writer may.
            let restarted = serde_json::from_str::<Event>(line)
                .is_ok_and(|e| matches!(e, Event::Start { .. } | Event::Resume { .. }));
            if !restarted {
                return Err(format!(
                    "line {at}: the line is cut off, yet the log goes on after it (the log is damaged or was edited)"
                ));
            }
        }
        match serde_json::from_str::<Event>(line) {
            Ok(e) => events.push(e),
            // A line that stops, or that a power cut padded with NUL bytes
            // (the file system had its length but not its data).
            Err(e) if e.is_eof() || line.contains('\0') => {
                cut = Some(i + 1);
                torn = true;
            }
            Err(e) => {
                return Err(format!(
                    "line {}: not a session log event ({})",
                    i + 1,
                    crate::sanitize::visible(&e.to_string())
                ))
            }
        }
    }
    Ok((events, torn))
}

impl Event {
    /// Makes an event read from a file safe to show and keep: card numbers
    /// masked in every free text, control characters and escape sequences
    /// removed from text and shown visibly in ids. Returns whether a card
    /// number was masked.
    pub fn redact(&mut self) -> bool {
        use std::cell::Cell;
        let masked = Cell::new(false);
        let text = |s: &mut String| {
            let (m, changed) = crate::privacy::mask_text(s);
            masked.set(masked.get() | changed);
            *s = m;
        };
        // Ids, names, times: controls shown visibly, card numbers masked
        // all the same (a node or fact name is text a file can hold).
        let id = |s: &mut String| {
            let (m, changed) = crate::privacy::mask_id(s);
            masked.set(masked.get() | changed);
            *s = m;
        };
        match self {
            Event::Start {
                time,
                tree,
                title,
                lang,
                version,
                packs,
                ..
            } => {
                [time, tree, lang, version].into_iter().for_each(id);
                packs.iter_mut().for_each(id);
                title.iter_mut().for_each(text);
            }
            Event::Resume { time } => id(time),
            Event::Step {
                time,
                node,
                kind,
                prompt,
                answer,
                label,
                action,
                caution,
                probe,
                ..
            } => {
                if let Some(p) = probe {
                    masked.set(masked.get() | p.redact());
                }
                [time, node, kind].into_iter().for_each(id);
                text(prompt);
                answer
                    .iter_mut()
                    .chain(label)
                    .chain(action)
                    .chain(caution)
                    .for_each(text);
            }
            Event::Decision {
                time,
                node,
                action,
                caution,
                ..
            } => {
                [time, node].into_iter().for_each(id);
                action.iter_mut().chain(caution).for_each(text);
            }
            Event::Facts {
                time,
                terminal,
                facts,
                contact,
            } => {
                id(time);
                terminal.iter_mut().for_each(id);
                for f in facts {
                    id(&mut f.fact);
                    text(&mut f.label);
                    // The shop's own identifiers are kept, unless they can
                    // only be a card number.
                    let shop_id = matches!(f.fact.as_str(), "mid" | "tid" | "serial");
                    for v in f.value.iter_mut() {
                        let clean = crate::sanitize::strip(v);
                        if shop_id && !crate::values::can_only_be_a_card(&clean) {
                            *v = clean;
                        } else {
                            text(v);
                        }
                    }
                }
                if let Some(c) = contact {
                    let mut t = text;
                    c.redact(&mut t);
                }
            }
            Event::Back { time, to } => [time, to].into_iter().for_each(id),
            Event::End {
                time,
                outcome,
                node,
                party,
                tree,
                message,
                caution,
                customer,
            } => {
                [time, outcome].into_iter().for_each(id);
                node.iter_mut().chain(party).chain(tree).for_each(id);
                message
                    .iter_mut()
                    .chain(caution)
                    .chain(customer)
                    .for_each(text);
            }
        }
        masked.get()
    }
}

/// Largest session log `--resume` and `report` read.
pub const MAX_LOG_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a session log file: its events, and whether a torn line was left out.
/// A session log that cannot be read (missing, a folder, no permission):
/// an I/O error (`kind: io` in JSON).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct LogUnreadable {
    pub message: String,
    pub file: String,
}

pub fn read_log(path: &Path) -> anyhow::Result<(Vec<Event>, bool)> {
    use anyhow::{anyhow, bail};
    let name = crate::paths::shown(path);
    let bytes = crate::paths::read_regular(path, MAX_LOG_BYTES).map_err(|e| LogUnreadable {
        message: format!(
            "cannot read the session log {name}: {}",
            crate::rules::load::io_reason(&e)
        ),
        file: name.clone(),
    })?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        bail!("{name} is larger than {MAX_LOG_BYTES} bytes: not a session log");
    }
    // A power cut can tear the last line inside a multi-byte character:
    // the broken bytes become U+FFFD and the line reads as torn below.
    let text = String::from_utf8_lossy(&bytes);
    let (mut events, torn) = read_events(&text).map_err(|e| anyhow!("{name}: {e}"))?;
    // A log may come from anywhere (or have been edited): nothing in it is
    // shown or copied into a report before it is redacted.
    for e in &mut events {
        e.redact();
    }
    if !events.iter().any(|e| matches!(e, Event::Start { .. })) {
        bail!("{name} holds no session (no start event)");
    }
    // A later format may mean something else by the same fields.
    if let Some(format) = events.iter().find_map(|e| match e {
        Event::Start { format, .. } if *format != LOG_FORMAT => Some(*format),
        _ => None,
    }) {
        bail!(
            "{name} is a session log of format {format}, which this posdoctor cannot read (it reads format {LOG_FORMAT}): use the posdoctor that wrote it, or a newer one"
        );
    }
    Ok((events, torn))
}

/// The events of the last session in a log (a log may hold several; a
/// resumed session continues in the same one).
pub fn last_session(events: &[Event]) -> &[Event] {
    let at = events
        .iter()
        .rposition(|e| matches!(e, Event::Start { .. }))
        .unwrap_or(0);
    &events[at..]
}

/// Replays a logged session on the current rules, step by step; names the
/// first step that no longer fits when the rules changed.
pub fn replay<'r>(
    rules: &'r crate::rules::RuleSet,
    session: &[Event],
    path: &Path,
) -> anyhow::Result<crate::engine::Walk<'r>> {
    use anyhow::{anyhow, bail};
    let Some(Event::Start { tree, .. }) = session.first() else {
        bail!("{} holds no session", path.display());
    };
    let mut walk = crate::engine::Walk::start(rules, tree)?;
    let changed = |n: usize, node: &str, why: String| {
        anyhow!(
            "{} no longer fits its tree `{tree}` (the rules changed): step {n} `{node}` {why}",
            path.display()
        )
    };
    for e in &session[1..] {
        match e {
            Event::Step {
                n, node, answer, ..
            } => {
                let current = walk.step().map(|s| s.node_ref.clone());
                if current.as_deref() != Some(node.as_str()) {
                    let now = current.map_or_else(|| "an outcome".to_owned(), |c| format!("`{c}`"));
                    return Err(changed(*n, node, format!("is now {now}")));
                }
                let given = answer.clone().unwrap_or_else(|| "continue".into());
                walk.answer_str(&given).map_err(|e| {
                    changed(
                        *n,
                        node,
                        format!("no longer takes the answer `{given}` ({e})"),
                    )
                })?;
            }
            Event::Back { .. } => {
                walk.back();
            }
            _ => {}
        }
    }
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_appends_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = LogWriter::create_in(dir.path(), "t").unwrap();
        let start = Event::Start {
            time: now(),
            tree: "t".into(),
            title: None,

            lang: "en".into(),
            version: "0".into(),
            format: LOG_FORMAT,
            packs: Vec::new(),
        };
        w.write(&start).unwrap();
        let path = w.path().to_path_buf();
        drop(w);
        let mut w = LogWriter::append(&path).unwrap();
        w.write(&Event::Back {
            time: now(),
            to: "a".into(),
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let (events, torn) = read_events(&text).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0], start);
        assert!(!torn);
        // A second log at the same second gets its own file.
        let w2 = LogWriter::create_in(dir.path(), "t").unwrap();
        assert_ne!(w2.path(), path);
    }

    #[test]
    fn the_writer_escapes_c1_and_bidi() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = LogWriter::create_in(dir.path(), "t").unwrap();
        let to = "a\u{9b}2J\u{202e}\u{2066}\u{85}b".to_owned();
        w.write(&Event::Back {
            time: now(),
            to: to.clone(),
        })
        .unwrap();
        let text = std::fs::read_to_string(w.path()).unwrap();
        assert!(!text
            .chars()
            .any(|c| crate::sanitize::is_dangerous(c) && c != '\n'));
        let (events, _) = read_events(&text).unwrap();
        assert!(matches!(&events[0], Event::Back { to: t, .. } if *t == to));
    }

    #[test]
    fn a_power_cut_tail_is_a_torn_line() {
        let start = "{\"event\":\"start\",\"time\":\"t\",\"tree\":\"x\",\"lang\":\"en\",\"version\":\"0\",\"format\":1}\n";
        let back = "{\"event\":\"back\",\"time\":\"t\",\"to\":\"a\\u00e9\"}\n";
        // Torn inside a multi-byte character.
        let mut bytes =
            format!("{start}{back}{{\"event\":\"back\",\"time\":\"t\",\"to\":\"中").into_bytes();
        bytes.truncate(bytes.len() - 1);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        std::fs::write(&p, &bytes).unwrap();
        let (events, torn) = read_log(&p).unwrap();
        assert_eq!(events.len(), 2);
        assert!(torn);
        // NUL padding after the last line, and a resumed run after it.
        let mut bytes = format!("{start}{back}").into_bytes();
        bytes.extend([0u8; 64]);
        std::fs::write(&p, &bytes).unwrap();
        let (events, torn) = read_log(&p).unwrap();
        assert_eq!(events.len(), 2);
        assert!(torn);
        bytes.extend(b"\n{\"event\":\"resume\",\"time\":\"t\"}\n");
        std::fs::write(&p, &bytes).unwrap();
        let (events, torn) = read_log(&p).unwrap();
        assert_eq!(events.len(), 3);
        assert!(torn);
    }

    #[test]
    fn torn_last_line_is_reported() {
        let text = "{\"event\":\"back\",\"time\":\"x\",\"to\":\"a\"}\n{\"event\":\"ba";
        let (events, torn) = read_events(text).unwrap();
        assert_eq!(events.len(), 1);
        assert!(torn);
        assert!(read_events("garbage\n{}\n").is_err());
    }
}

#[cfg(test)]
mod fact_value_tests {
    use super::FactValue;
    use crate::i18n::Lang;

    #[test]
    fn a_connection_reads_in_words_other_facts_as_kept() {
        let f = |fact: &str, v: &str| FactValue {
            fact: fact.into(),
            label: String::new(),
            value: Some(v.into()),
        };
        assert_eq!(
            f("connection", "wifi").shown(Lang::Zh).unwrap(),
            "Wi-Fi 无线网络"
        );
        assert_eq!(
            f("connection", "ethernet").shown(Lang::En).unwrap(),
            "A network cable to the terminal"
        );
        assert_eq!(
            f("connection", "unknown").shown(Lang::En).unwrap(),
            "unknown"
        );
        assert_eq!(f("mid", "wifi").shown(Lang::En).unwrap(), "wifi");
    }
}
