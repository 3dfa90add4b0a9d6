//! A second look at a file serde could not read. serde stops at the first
//! problem; this walks the whole YAML tree against the same JSON Schema
//! `posdoctor schema` prints, and reports every unknown field, wrong type,
//! unknown value, missing field and repeated key — each at its own place,
//! naming nodes, trees and checks by their ids, with hints that list only
//! allowed values.

use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::yaml::YNode;
use crate::diag::{did_you_mean, Diagnostic, SourceFile};

/// Every schema finding in `root`, in file order.
pub fn check(file: &Arc<SourceFile>, root: &YNode, schema: &Value) -> Vec<Diagnostic> {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut w = Walker {
        defs,
        raw: Vec::new(),
    };
    w.node(root, schema, &mut Vec::new());
    let capped = w.raw.len() >= MAX_PROBLEMS;
    let mut out = merge(w.raw, file);
    out.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    if capped {
        let end = file.text.len();
        out.push(
            Diagnostic::note(
                "",
                format!("the file has more problems than these {MAX_PROBLEMS}: fix them and validate again to see the rest"),
            )
            .at(file, end..end),
        );
    }
    out
}

/// Most schema problems reported for one file.
pub const MAX_PROBLEMS: usize = 200;

/// One step of the path to a value: a mapping key, or a list item with the
/// item's own id (or code) when it has one.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Item(usize, Option<String>),
}

/// A finding before the missing-field/stray-key pairs are merged.
enum Raw {
    Unknown {
        key: String,
        key_span: Range<usize>,
        path: Vec<Seg>,
        allowed: Vec<String>,
    },
    Missing {
        field: String,
        map_span: Range<usize>,
        path: Vec<Seg>,
        hint: Option<String>,
    },
    Duplicate {
        key: String,
        key_span: Range<usize>,
        first: Range<usize>,
        path: Vec<Seg>,
    },
    Done(Range<usize>, String, Option<String>),
}

struct Walker<'s> {
    defs: &'s Map<String, Value>,
    raw: Vec<Raw>,
}

/// The `$defs` name a schema refers to, if it is a reference.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
}

impl<'s> Walker<'s> {
    fn resolve<'a>(&self, schema: &'a Value) -> &'a Value
    where
        's: 'a,
    {
        match ref_name(schema).and_then(|n| self.defs.get(n)) {
            Some(s) => s,
            None => schema,
        }
    }

    /// The strings a schema allows, when it is only a set of strings (an
    /// enum, possibly split into documented variants).
    fn enum_values(&self, schema: &Value) -> Option<Vec<String>> {
        let s = self.resolve(schema);
        if let Some(v) = s.get("enum").and_then(Value::as_array) {
            return Some(
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        if let Some(c) = s.get("const").and_then(Value::as_str) {
            return Some(vec![c.to_owned()]);
        }
        let branches = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array)?;
        let mut all = Vec::new();
        for b in branches {
            all.extend(self.enum_values(b)?);
        }
        Some(all)
    }

    fn types(&self, schema: &Value) -> Vec<String> {
        match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(v)) => v
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ => vec![],
        }
    }

    /// What a schema expects, in words.
    fn expected(&self, schema: &Value) -> String {
        if ref_name(schema) == Some("Text") {
            return "text: a string, or `{en: ..., zh: ...}`".into();
        }
        let s = self.resolve(schema);
        if let Some(values) = self.enum_values(s) {
            return format!("one of {}", quote_list(&values));
        }
        if let Some(b) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            let parts: Vec<String> = b
                .iter()
                .filter(|b| self.types(b) != ["null"])
                .map(|b| self.expected(b))
                .collect();
            return parts.join(", or ");
        }
        let types = self.types(s);
        if types.iter().any(|t| t == "object") {
            let props: Vec<String> = s
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            return if props.is_empty() || props.len() > 6 {
                "a mapping of `key: value` lines".into()
            } else {
                format!("a mapping with {}", quote_list(&props))
            };
        }
        if types.iter().any(|t| t == "array") {
            return "a list".into();
        }
        if types.iter().any(|t| t == "boolean") {
            return "`true` or `false`".into();
        }
        if types.iter().any(|t| t == "integer") {
            return "a whole number".into();
        }
        "a single value".into()
    }

    fn done(&mut self, span: Range<usize>, msg: String, hint: Option<String>) {
        self.raw.push(Raw::Done(span, msg, hint));
    }

    /// Findings of `node` against `schema`, without keeping them.
    fn trial(&self, node: &YNode, schema: &Value, path: &mut Vec<Seg>) -> usize {
        let mut w = Walker {
            defs: self.defs,
            raw: Vec::new(),
        };
        w.node(node, schema, path);
        w.raw.len()
    }

    fn node(&mut self, node: &YNode, schema: &Value, path: &mut Vec<Seg>) {
        // Enough to fix first: a file of 20 000 broken entries must not
        // take minutes to report them all.
        if matches!(node, YNode::Alias { .. }) || self.raw.len() >= MAX_PROBLEMS {
            return;
        }
        if ref_name(schema) == Some("Text") {
            return self.text(node, path);
        }
        let s = self.resolve(schema);
        if let Some(values) = self.enum_values(s) {
            return self.one_of(node, &values, path);
        }
        if let Some(branches) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            let nullable = branches.iter().any(|b| self.types(b) == ["null"]);
            let rest: Vec<&Value> = branches
                .iter()
                .filter(|b| self.types(b) != ["null"])
                .collect();
            if nullable && node.is_null() {
                return;
            }
            if rest.len() == 1 {
                return self.node(node, rest[0], path);
            }
            if rest.iter().any(|b| self.trial(node, b, path) == 0) {
                return;
            }
            // The branch of the node's own shape explains best.
            if let Some(b) = rest.iter().find(|b| self.fits_shape(node, b)) {
                return self.node(node, b, path);
            }
            let msg = format!(
                "{} must be {}, not {}",
                subject(path),
                self.expected(s),
                found(node)
            );
            return self.done(node.span(), msg, None);
        }
        let types = self.types(s);
        if types.iter().any(|t| t == "null") && node.is_null() {
            return;
        }
        match node {
            YNode::Map { entries, span } if types.iter().any(|t| t == "object") => {
                self.object(entries, span.clone(), s, path)
            }
            YNode::Seq { items, .. } if types.iter().any(|t| t == "array") => {
                let item_schema = s.get("items").cloned().unwrap_or(Value::Bool(true));
                for (i, item) in items.iter().enumerate() {
                    let id = item
                        .get("id")
                        .or_else(|| item.get("code"))
                        .or_else(|| item.get("name"))
                        .and_then(YNode::as_str)
                        .map(str::to_owned);
                    path.push(Seg::Item(i, id));
                    self.node(item, &item_schema, path);
                    path.pop();
                }
            }
            YNode::Scalar { value, plain, span } => {
                if types.iter().any(|t| t == "string") || types.is_empty() {
                    return;
                }
                if types.iter().any(|t| t == "boolean") {
                    let ok = *plain
                        && matches!(
                            value.as_str(),
                            "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
                        );
                    if !ok {
                        let mut hint = None;
                        if matches!(
                            value.to_lowercase().as_str(),
                            "yes" | "no" | "on" | "off" | "y" | "n"
                        ) {
                            hint = Some(format!(
                                "posdoctor reads YAML 1.2, where `{value}` is a word, not a boolean: write `{}`",
                                if matches!(value.to_lowercase().as_str(), "yes" | "on" | "y") { "true" } else { "false" }
                            ));
                        }
                        let msg = format!(
                            "{} must be `true` or `false`, not {}",
                            subject(path),
                            found(node)
                        );
                        self.done(span.clone(), msg, hint);
                    }
                    return;
                }
                if types.iter().any(|t| t == "integer") {
                    let n = value.parse::<i64>().ok().filter(|_| *plain);
                    let Some(n) = n else {
                        let msg = format!(
                            "{} must be a whole number, not {}",
                            subject(path),
                            found(node)
                        );
                        return self.done(span.clone(), msg, None);
                    };
                    let min = s.get("minimum").and_then(Value::as_i64);
                    let max = s.get("maximum").and_then(Value::as_i64);
                    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                        let range = match (min, max) {
                            (Some(a), Some(b)) if a == b => format!("{a}"),
                            (Some(a), Some(b)) => format!("from {a} to {b}"),
                            (Some(a), None) => format!("at least {a}"),
                            (None, Some(b)) => format!("at most {b}"),
                            _ => String::new(),
                        };
                        let msg = format!("{} must be {range}, not {n}", subject(path));
                        self.done(span.clone(), msg, None);
                    }
                    return;
                }
                let msg = format!(
                    "{} must be {}, not {}",
                    subject(path),
                    self.expected(s),
                    found(node)
                );
                let hint = shape_hint(path, node, &types, self.list_of_words(s));
                self.done(span.clone(), msg, hint);
            }
            _ => {
                let msg = format!(
                    "{} must be {}, not {}",
                    subject(path),
                    self.expected(s),
                    found(node)
                );
                let hint = shape_hint(path, node, &types, self.list_of_words(s));
                self.done(node.span(), msg, hint);
            }
        }
    }

    /// True for a list of single values (keywords, aliases), where a lone
    /// value is an easy mistake to show the fix for.
    fn list_of_words(&self, schema: &Value) -> bool {
        schema.get("items").is_some_and(|i| self.is_word(i))
    }

    /// A schema for a single word: a string, an enum, or a choice of them.
    fn is_word(&self, schema: &Value) -> bool {
        let s = self.resolve(schema);
        if self.types(s).iter().any(|t| t == "string") || self.enum_values(s).is_some() {
            return true;
        }
        s.get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
            .is_some_and(|b| !b.is_empty() && b.iter().all(|x| self.is_word(x)))
    }

    /// Whether the node is a mapping, list or scalar as the schema wants.
    fn fits_shape(&self, node: &YNode, schema: &Value) -> bool {
        if ref_name(schema) == Some("Text") {
            return matches!(node, YNode::Scalar { .. } | YNode::Map { .. });
        }
        let s = self.resolve(schema);
        let types = self.types(s);
        let has = |t: &str| types.iter().any(|x| x == t);
        match node {
            YNode::Map { .. } => has("object"),
            YNode::Seq { .. } => has("array"),
            YNode::Scalar { .. } => has("string") || has("integer") || has("boolean"),
            YNode::Alias { .. } => true,
        }
    }

    fn text(&mut self, node: &YNode, path: &mut Vec<Seg>) {
        match node {
            YNode::Scalar { span, .. } if node.is_null() => {
                let msg = format!("{} is empty", subject(path));
                self.done(
                    span.clone(),
                    msg,
                    Some("write the text, as a string or `{en: ..., zh: ...}`".into()),
                );
            }
            YNode::Scalar { .. } | YNode::Alias { .. } => {}
            YNode::Map { entries, span } => {
                let schema = serde_json::json!({
                    "type": "object",
                    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                    "required": ["en"],
                    "additionalProperties": false
                });
                self.object(entries, span.clone(), &schema, path);
            }
            YNode::Seq { span, .. } => {
                let msg = format!(
                    "{} must be text: a string, or `{{en: ..., zh: ...}}`, not a list",
                    subject(path)
                );
                self.done(
                    span.clone(),
                    msg,
                    Some(
                        "write one string, or the two languages as `{en: \"...\", zh: \"...\"}`"
                            .into(),
                    ),
                );
            }
        }
    }

    fn one_of(&mut self, node: &YNode, values: &[String], path: &[Seg]) {
        let YNode::Scalar { value, span, .. } = node else {
            if !matches!(node, YNode::Alias { .. }) {
                let msg = format!(
                    "{} must be one of {}, not {}",
                    subject(path),
                    quote_list(values),
                    found(node)
                );
                self.done(node.span(), msg, None);
            }
            return;
        };
        if values.iter().any(|v| v == value) {
            return;
        }
        let field = last_key(path).unwrap_or("value");
        let hint = match did_you_mean(value, values.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("expected one of {}", quote_list(values)),
        };
        let msg = format!("unknown {field} `{value}`{}", in_entity(path));
        self.done(span.clone(), msg, Some(hint));
    }

    fn object(
        &mut self,
        entries: &[super::yaml::YEntry],
        span: Range<usize>,
        schema: &Value,
        path: &mut Vec<Seg>,
    ) {
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let mut seen: Vec<(&str, Range<usize>)> = Vec::new();
        for e in entries {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == e.key) {
                self.raw.push(Raw::Duplicate {
                    key: e.key.clone(),
                    key_span: e.key_span.clone(),
                    first: first.clone(),
                    path: path.clone(),
                });
                continue;
            }
            seen.push((&e.key, e.key_span.clone()));
            match props.get(&e.key) {
                Some(p) => {
                    path.push(Seg::Key(e.key.clone()));
                    self.node(&e.value, p, path);
                    path.pop();
                }
                None if closed => self.raw.push(Raw::Unknown {
                    key: e.key.clone(),
                    key_span: e.key_span.clone(),
                    path: path.clone(),
                    allowed: props.keys().cloned().collect(),
                }),
                None => {}
            }
        }
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for r in required.iter().filter_map(Value::as_str) {
            if !entries.iter().any(|e| e.key == r) {
                let hint = props
                    .get(r)
                    .and_then(|p| self.enum_values(p))
                    .map(|v| format!("add `{r}:` — one of {}", quote_list(&v)));
                self.raw.push(Raw::Missing {
                    field: r.to_owned(),
                    map_span: span.clone(),
                    path: path.clone(),
                    hint,
                });
            }
        }
    }
}

/// Pairs "missing field `kind` in node `reset`" with "unknown field `kind`"
/// in a mapping around it — a key indented too little — into one finding at
/// the stray key; everything else becomes a finding as it is.
fn merge(raw: Vec<Raw>, file: &Arc<SourceFile>) -> Vec<Diagnostic> {
    let mut used_unknown = vec![false; raw.len()];
    let mut used_missing = vec![false; raw.len()];
    let mut out = Vec::new();
    for (mi, m) in raw.iter().enumerate() {
        let Raw::Missing {
            field,
            map_span,
            path,
            ..
        } = m
        else {
            continue;
        };
        // The nearest stray key of that name after this mapping, in a
        // mapping that holds this one.
        let stray = raw
            .iter()
            .enumerate()
            .filter(|(ui, _)| !used_unknown[*ui])
            .filter_map(|(ui, u)| match u {
                Raw::Unknown {
                    key,
                    key_span,
                    path: upath,
                    ..
                } if key == field
                    && upath.len() < path.len()
                    && key_span.start > map_span.start =>
                {
                    Some((ui, key_span.clone(), upath))
                }
                _ => None,
            })
            .min_by_key(|(_, s, _)| s.start);
        if let Some((ui, key_span, upath)) = stray {
            used_unknown[ui] = true;
            used_missing[mi] = true;
            let line = Diagnostic::error("", "").at(file, map_span.clone()).line;
            out.push(
                Diagnostic::error(
                    "",
                    format!(
                        "`{field}` is indented as a field of {}, but it belongs to {} (line {line}), which has no `{field}`",
                        entity(upath),
                        entity(path)
                    ),
                )
                .at(file, key_span)
                .with_hint(format!(
                    "indent `{field}:` to line up with the other fields of {}",
                    entity(path)
                )),
            );
        }
    }
    for (i, r) in raw.into_iter().enumerate() {
        match r {
            Raw::Unknown {
                key,
                key_span,
                path,
                allowed,
            } if !used_unknown[i] => {
                let hint = match did_you_mean(&key, allowed.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("expected one of {}", quote_list(&allowed)),
                };
                out.push(
                    Diagnostic::error("", format!("unknown field `{key}`{}", in_entity(&path)))
                        .at(file, key_span)
                        .with_hint(hint),
                );
            }
            Raw::Missing {
                field,
                map_span,
                path,
                hint,
            } if !used_missing[i] => {
                let mut d =
                    Diagnostic::error("", format!("missing field `{field}`{}", in_entity(&path)))
                        .at(file, map_span);
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                out.push(d);
            }
            Raw::Duplicate {
                key,
                key_span,
                first,
                path,
            } => {
                let line = Diagnostic::error("", "").at(file, first).line;
                out.push(
                    Diagnostic::error("", format!("duplicate field `{key}`{}", in_entity(&path)))
                        .at(file, key_span)
                        .with_hint(format!(
                            "it is already given on line {line}; keep one of them"
                        )),
                );
            }
            Raw::Done(span, msg, hint) => {
                let mut d = Diagnostic::error("", msg).at(file, span);
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                out.push(d);
            }
            _ => {}
        }
    }
    out
}

fn quote_list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn found(node: &YNode) -> String {
    match node {
        YNode::Scalar { value, .. } if node.is_null() && value.is_empty() => "empty".into(),
        YNode::Scalar { value, .. } => {
            let short: String = value.chars().take(40).collect();
            format!("`{short}`")
        }
        YNode::Seq { .. } => "a list".into(),
        YNode::Map { .. } => "a mapping".into(),
        YNode::Alias { .. } => "an alias".into(),
    }
}

fn last_key(path: &[Seg]) -> Option<&str> {
    path.iter().rev().find_map(|s| match s {
        Seg::Key(k) => Some(k.as_str()),
        Seg::Item(..) => None,
    })
}

/// "`keywords` of tree `t`", "an entry of `have_ready` of node `x`", "the file".
fn subject(path: &[Seg]) -> String {
    match path.last() {
        None => "the file".into(),
        Some(Seg::Key(k)) => {
            let owner = &path[..path.len() - 1];
            format!("`{k}`{}", of_entity(owner))
        }
        Some(Seg::Item(..)) if entity(path) != entity(&path[..path.len() - 1]) => entity(path),
        Some(Seg::Item(i, _)) => {
            let owner_key = last_key(path).unwrap_or("list");
            let owner = &path[..path.len() - 1];
            let inner = &owner[..owner.len().saturating_sub(1)];
            format!("entry {} of `{owner_key}`{}", i + 1, of_entity(inner))
        }
    }
}

fn of_entity(path: &[Seg]) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" of {}", entity(path))
    }
}

fn in_entity(path: &[Seg]) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in {}", entity(path))
    }
}

/// The innermost named thing a path is in: "node `reset`", "tree `t`",
/// "route 2 of node `code`", "the `vendor` contact", "the file".
fn entity(path: &[Seg]) -> String {
    let mut desc = String::from("the file");
    let mut node = None::<String>;
    for (i, seg) in path.iter().enumerate() {
        let coll = match i.checked_sub(1).map(|j| &path[j]) {
            Some(Seg::Key(k)) => k.as_str(),
            _ => "",
        };
        match seg {
            Seg::Item(n, id) => {
                let noun = match coll {
                    "trees" => "tree",
                    "nodes" => "node",
                    "choices" => "choice",
                    "routes" => "route",
                    "checks" => "check",
                    "codes" => "code",
                    "facts" => "fact",
                    // A list at the top of a file: a scenario file's cases.
                    "" if i == 0 => "case",
                    _ => continue,
                };
                desc = match (noun, id) {
                    ("route", _) | (_, None) => format!("{noun} {}", n + 1),
                    (_, Some(id)) => format!("{noun} `{id}`"),
                };
                if noun == "node" {
                    node = Some(desc.clone());
                } else if matches!(noun, "choice" | "route") {
                    if let Some(nd) = &node {
                        desc = format!("{desc} of {nd}");
                    }
                }
            }
            Seg::Key(k) if coll == "contacts" => desc = format!("the `{k}` contact"),
            Seg::Key(_) => {}
        }
    }
    // A section of the file itself: "in `contacts`".
    if let (true, [Seg::Key(k)]) = (desc == "the file", path) {
        desc = format!("`{k}`");
    }
    desc
}

/// A hint for a value of the wrong shape: how to write what was meant.
fn shape_hint(path: &[Seg], node: &YNode, types: &[String], words: bool) -> Option<String> {
    if let Some(Seg::Item(..)) = path.last() {
        let coll = last_key(path)?;
        return types.iter().any(|t| t == "object").then(|| {
            format!("each entry of `{coll}` is a mapping: `- key: value`, then its other fields indented below")
        });
    }
    let field = last_key(path)?;
    let value = node.as_str();
    if types.iter().any(|t| t == "array") {
        return Some(match value {
            Some(v) if words => format!("write a list: `{field}: [{v}]`"),
            _ => format!("write `{field}:` followed by one `- ` entry a line"),
        });
    }
    if types.iter().any(|t| t == "object") {
        if field == "keywords" {
            let v = value.unwrap_or("...");
            return Some(format!(
                "keywords come per language: `keywords: {{en: [{v}], zh: [...]}}`"
            ));
        }
        return Some(format!(
            "write `{field}:` followed by indented `key: value` lines"
        ));
    }
    None
}

/// The serde path of an error (`trees[0].nodes[9].party`) in words, using
/// the ids found in `root`: "`party` of node `reset`".
pub fn describe_serde_path(root: &YNode, serde_path: &str) -> Option<String> {
    let mut path = Vec::new();
    let mut cur = Some(root);
    for part in serde_path.split('.') {
        let (key, indexes) = match part.split_once('[') {
            Some((k, rest)) => (k, format!("[{rest}")),
            None => (part, String::new()),
        };
        if !key.is_empty() {
            cur = cur.and_then(|c| c.get(key));
            path.push(Seg::Key(key.to_owned()));
        }
        for ix in indexes
            .split('[')
            .filter_map(|s| s.strip_suffix(']'))
            .filter_map(|s| s.parse::<usize>().ok())
        {
            let item = match cur {
                Some(YNode::Seq { items, .. }) => items.get(ix),
                _ => None,
            };
            let id = item
                .and_then(|i| i.get("id").or_else(|| i.get("code")))
                .and_then(YNode::as_str)
                .map(str::to_owned);
            cur = item;
            path.push(Seg::Item(ix, id));
        }
    }
    if path.is_empty() {
        return None;
    }
    Some(subject(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<String> {
        let file = Arc::new(SourceFile::new("t.yaml", text.to_owned()));
        let root = YNode::parse(text).expect("valid YAML");
        let schema: Value =
            serde_json::from_str(&super::super::model::schema_json()).expect("schema");
        check(&file, &root, &schema)
            .iter()
            .map(|d| match &d.hint {
                Some(h) => format!("{}:{} {} [{h}]", d.line, d.col, d.message),
                None => format!("{}:{} {}", d.line, d.col, d.message),
            })
            .collect()
    }

    const HEAD: &str =
        "trees:\n  - id: t\n    title: T\n    category: power\n    start: a\n    nodes:\n";

    #[test]
    fn three_independent_errors_give_three_findings() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: question, ask: Q, yes: b, nxt: b}}\n      - {{id: b, kind: escalate, party: vendr, text: x}}\n      - {{id: c, kind: check, do: x, destructive: yes, yes: b, no: b}}\n"
        ));
        assert_eq!(
            f,
            vec![
                "7:49 unknown field `nxt` in node `a` [did you mean `next`?]",
                "8:40 unknown party `vendr` in node `b` [did you mean `vendor`?]",
                "9:50 `destructive` of node `c` must be `true` or `false`, not `yes` [posdoctor reads YAML 1.2, where `yes` is a word, not a boolean: write `true`]",
            ]
        );
    }

    #[test]
    fn hints_list_only_allowed_values() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: escalate, party: zzzzz, text: x}}\n"
        ));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].ends_with("[expected one of `vendor`, `acquirer`, `issuer`, `isp`, `power`]"),
            "{f:?}"
        );
    }

    #[test]
    fn keywords_as_a_string() {
        let f = findings(
            "trees:\n  - id: t\n    title: T\n    category: power\n    keywords: \"x\"\n    start: a\n    nodes: []\n",
        );
        assert_eq!(
            f,
            vec!["5:15 `keywords` of tree `t` must be a mapping with `en`, `zh`, not `x` [keywords come per language: `keywords: {en: [x], zh: [...]}`]"]
        );
    }

    #[test]
    fn a_key_indented_too_little_is_named() {
        let f = findings(
            "trees:\n  - id: t\n    title: T\n    category: power\n    start: a\n    nodes:\n    - id: reset\n    kind: check\n",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("8:5 `kind` is indented as a field of tree `t`, but it belongs to node `reset` (line 7)"),
            "{f:?}"
        );
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        let f = findings(&format!(
            "{HEAD}      - id: a\n        kind: info\n        text: x\n        next: a\n        next: b\n"
        ));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("11:9 duplicate field `next` in node `a`"),
            "{f:?}"
        );
    }

    #[test]
    fn version_bounds() {
        let f = findings("version: 0\ntrees: []\n");
        assert_eq!(f, vec!["1:10 `version` must be 1, not 0"]);
    }

    #[test]
    fn serde_paths_in_words() {
        let root = YNode::parse(&format!(
            "{HEAD}      - {{id: a, kind: resolved, text: x}}\n      - {{id: reset, kind: resolved, text: x}}\n"
        ))
        .unwrap();
        assert_eq!(
            describe_serde_path(&root, "trees[0].nodes[1].party").as_deref(),
            Some("`party` of node `reset`")
        );
        assert_eq!(
            describe_serde_path(&root, "trees[0]").as_deref(),
            Some("tree `t`")
        );
    }
}
