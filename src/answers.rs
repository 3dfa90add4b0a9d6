//! Answers given ahead of time: `--answers FILE` (YAML or JSON mapping a
//! node id to an answer or a list of answers used in turn) and
//! `--answer NODE=VALUE` (wins over the file). Each answer is used once, so
//! a scripted walk can never loop forever.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, SourceFile};
use crate::rules::load::{io_reason, read_limited};
use crate::rules::yaml::{self, RawValue};

#[derive(Debug, Default)]
pub struct Answers {
    queues: BTreeMap<String, VecDeque<String>>,
    /// Nodes the walk asked about.
    asked: BTreeMap<String, usize>,
    /// Where the answers of a node were written (`answers.yaml:3:1`), for
    /// answers that came from a file.
    origins: BTreeMap<String, String>,
    /// A card number was masked in an answer.
    pub masked: bool,
}

/// An answer as it enters: control characters and escape sequences
/// removed, card numbers masked. A node id is kept as typed, its controls
/// shown visibly (it can match no node then, and is echoed safely).
fn clean_value(v: &str, masked: &mut bool) -> String {
    let (v, m) = crate::privacy::mask_text(v);
    *masked |= m;
    v
}

fn clean_node(n: &str) -> String {
    crate::privacy::mask_id(n).0
}

impl Answers {
    pub fn from_file(path: &Path) -> Result<Answers, Diagnostic> {
        let name = crate::paths::shown(path);
        let bytes = read_limited(path).map_err(|e| {
            Diagnostic::error(
                &name,
                format!("cannot read the answers file: {}", io_reason(&e)),
            )
        })?;
        Answers::from_bytes(&name, bytes)
    }

    /// Reads an answers file's content; `name` is what findings call it.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Answers, Diagnostic> {
        let name = name.to_owned();
        let text = yaml::decode(&name, bytes)?;
        let file = Arc::new(SourceFile::new(name, text));
        let mut answers = Answers::default();
        for (node, value, span) in yaml::parse_flat_map(&file)? {
            let list = match value {
                RawValue::One(v) => vec![v],
                RawValue::Many(v) => v,
            };
            let node = clean_node(&node);
            let at = Diagnostic::error("", "").at(&file, span);
            answers.origins.insert(
                node.clone(),
                format!("{}:{}:{}", file.name, at.line, at.col),
            );
            answers.queues.insert(
                node,
                list.iter()
                    .map(|v| clean_value(v, &mut answers.masked))
                    .collect(),
            );
        }
        Ok(answers)
    }

    /// Reads `text` as the answer to `step`; an answer the step does not
    /// take is an error that names where it was written when it came from
    /// a file.
    pub fn parse_for(
        &self,
        step: &crate::engine::Step,
        text: &str,
    ) -> anyhow::Result<crate::engine::Answer> {
        step.parse(text)
            .map_err(|e| match self.origins.get(&step.node_ref) {
                Some(at) => anyhow::Error::from(e).context(at.clone()),
                None => e.into(),
            })
    }

    /// Adds `--answer NODE=VALUE` answers; for a node named here, the file's
    /// answers are dropped, and repeated `--answer`s for it are used in turn.
    pub fn add_flags(&mut self, flags: &[String]) -> Result<(), String> {
        let mut from_flags: BTreeMap<String, VecDeque<String>> = BTreeMap::new();
        for flag in flags {
            let shown = clean_node(flag);
            let (node, value) = flag.split_once('=').ok_or_else(|| {
                format!("`--answer {shown}` needs the form NODE=VALUE, e.g. --answer restart=no")
            })?;
            let node = node.trim();
            if node.is_empty() {
                return Err(format!("`--answer {shown}` names no node"));
            }
            from_flags
                .entry(clean_node(node))
                .or_default()
                .push_back(clean_value(value, &mut self.masked));
        }
        for node in from_flags.keys() {
            self.origins.remove(node);
        }
        self.queues.extend(from_flags);
        Ok(())
    }

    /// The next unused answer for `node`, if any.
    pub fn take(&mut self, node: &str) -> Option<String> {
        *self.asked.entry(node.to_owned()).or_default() += 1;
        self.queues.get_mut(node)?.pop_front()
    }

    pub fn has(&self, node: &str) -> bool {
        self.queues.get(node).is_some_and(|q| !q.is_empty())
    }

    /// Answers that were never used: (node, how many, whether the walk asked
    /// about that node at all).
    pub fn unused(&self) -> Vec<(&str, usize, bool)> {
        self.queues
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(node, q)| (node.as_str(), q.len(), self.asked.contains_key(node)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_and_queue_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "a: [no, yes]\nb: x\ncode: 05\n").unwrap();
        let mut a = Answers::from_file(&p).unwrap();
        a.add_flags(&["b=y1".into(), "b=y2".into()]).unwrap();
        assert_eq!(a.take("a").as_deref(), Some("no"));
        assert_eq!(a.take("a").as_deref(), Some("yes"));
        assert_eq!(a.take("a"), None);
        assert_eq!(a.take("b").as_deref(), Some("y1"));
        assert_eq!(a.take("code").as_deref(), Some("05"));
        assert_eq!(a.unused(), vec![("b", 1, true)]);
        assert!(a.add_flags(&["novalue".into()]).is_err());
        assert!(a.add_flags(&["=x".into()]).is_err());
    }

    #[test]
    fn bad_files_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "- just\n- a list\n").unwrap();
        let d = Answers::from_file(&p).unwrap_err();
        assert!(d.headline().contains("a.yaml"), "{}", d.headline());
        assert!(Answers::from_file(&dir.path().join("missing.yaml")).is_err());
    }
}
