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
        lang: String,
        version: String,
        format: u32,
    },
    Step {
        time: String,
        n: usize,
        node: String,
        kind: String,
        prompt: String,
        answer: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        confirmed: bool,
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
    },
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
}

impl LogWriter {
    /// Opens `path` for appending (creating it if needed).
    pub fn append(path: &Path) -> io::Result<LogWriter> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(LogWriter {
            file,
            path: path.to_path_buf(),
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
                Ok(file) => return Ok(LogWriter { file, path }),
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

    /// Appends one event and makes sure it reached the disk.
    pub fn write(&mut self, event: &Event) -> io::Result<()> {
        let mut line = serde_json::to_vec(event).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()?;
        self.file.sync_data()
    }
}

/// Reads the events of a log, one per line. A torn last line (a power cut
/// mid-write) is left out and reported in the second value.
pub fn read_events(text: &str) -> Result<(Vec<Event>, bool), String> {
    let mut events = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Event>(line) {
            Ok(e) => events.push(e),
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => return Ok((events, true)),
            Err(e) => return Err(format!("line {}: not a session log event ({e})", i + 1)),
        }
    }
    Ok((events, false))
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
            lang: "en".into(),
            version: "0".into(),
            format: LOG_FORMAT,
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
    fn torn_last_line_is_reported() {
        let text = "{\"event\":\"back\",\"time\":\"x\",\"to\":\"a\"}\n{\"event\":\"ba";
        let (events, torn) = read_events(text).unwrap();
        assert_eq!(events.len(), 1);
        assert!(torn);
        assert!(read_events("garbage\n{}\n").is_err());
    }
}
