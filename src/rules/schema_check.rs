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

/// A node's kind and every field a node may have.
type KindFields = (String, Vec<String>);

/// A finding before the missing-field/stray-key pairs are merged.
enum Raw {
    Unknown {
        key: String,
        key_span: Range<usize>,
        path: Vec<Seg>,
        allowed: Vec<String>,
        /// For a node of a known kind: the kind, and every node field.
        node: Option<KindFields>,
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
                    if let (false, Ok(n)) = (*plain, value.trim().parse::<i64>()) {
                        let field = last_key(path).unwrap_or("value");
                        let msg = format!(
                            "{} must be a whole number, written without quotes: `\"{value}\"` is text",
                            subject(path)
                        );
                        let hint = format!("write `{field}: {n}`");
                        return self.done(span.clone(), msg, Some(hint));
                    }
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
            // A node's `fact:` names where its answer goes: only the
            // built-in facts are filled from an answer.
            None if field == "fact" && matches!(path.last(), Some(Seg::Key(_))) => format!(
                "`fact:` takes only a built-in fact: {}. A pack's own facts (under `facts:`) are asked for at the escalation: list them in `have_ready`",
                quote_list(values)
            ),
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
        // Keys seen so far, and (worked out once, on the first unknown key)
        // the fields this node's kind takes: a mapping with thousands of
        // keys is checked in linear time.
        let mut seen: std::collections::HashMap<&str, Range<usize>> =
            std::collections::HashMap::new();
        let mut fields: Option<(Vec<String>, Option<KindFields>)> = None;
        for e in entries {
            if let Some(first) = seen.get(e.key.as_str()) {
                self.raw.push(Raw::Duplicate {
                    key: e.key.clone(),
                    key_span: e.key_span.clone(),
                    first: first.clone(),
                    path: path.clone(),
                });
                continue;
            }
            seen.insert(&e.key, e.key_span.clone());
            match props.get(&e.key) {
                Some(p) => {
                    path.push(Seg::Key(e.key.clone()));
                    self.node(&e.value, p, path);
                    path.pop();
                }
                None if closed => {
                    let (allowed, node) = fields
                        .get_or_insert_with(|| {
                            // A node takes only its kind's fields: suggest those.
                            let own = node_fields(entries, path);
                            let node = own.as_ref().and_then(|_| {
                                let kind =
                                    entries.iter().find(|e| e.key == "kind")?.value.as_str()?;
                                Some((kind.to_owned(), props.keys().cloned().collect()))
                            });
                            (own.unwrap_or_else(|| props.keys().cloned().collect()), node)
                        })
                        .clone();
                    self.raw.push(Raw::Unknown {
                        key: e.key.clone(),
                        key_span: e.key_span.clone(),
                        path: path.clone(),
                        allowed,
                        node,
                    });
                }
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
                    .map(|v| format!("add `{r}:` — one of {}", quote_list(&v)))
                    .or_else(|| {
                        (r == "en").then(|| {
                            "add `en: \"...\"`: the English text is required, the Chinese (`zh`) is optional".to_owned()
                        })
                    });
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
                node,
            } if !used_unknown[i] => {
                let best = did_you_mean(&key, allowed.iter().map(String::as_str));
                let hint = match (best, node) {
                    (Some(best), _) => format!("did you mean `{best}`?"),
                    (None, Some((kind, all))) => {
                        match did_you_mean(&key, all.iter().map(String::as_str)) {
                            Some(other) => format!(
                                "a `{kind}` node has no `{other}`: it takes {}",
                                quote_list(&allowed)
                            ),
                            None => format!("a `{kind}` node takes {}", quote_list(&allowed)),
                        }
                    }
                    (None, None) => format!("expected one of {}", quote_list(&allowed)),
                };
                out.push(
                    Diagnostic::error("", format!("unknown field `{key}`{}", in_place(&path)))
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
                    Diagnostic::error("", format!("missing field `{field}`{}", in_place(&path)))
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

/// " in `text` of node `fixed`" for a mapping that is a field of an
/// entity; else as [`in_entity`].
fn in_place(path: &[Seg]) -> String {
    let cut = entity_cut(path);
    match path.get(cut) {
        Some(Seg::Key(f)) if cut > 0 => format!(" in `{f}` of {}", entity(&path[..cut])),
        _ => in_entity(path),
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
                    "probes" => "probe",
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

/// The fields a node of a known kind takes (`id`, `kind` and its kind's
/// own), when `entries` is a node (an item of a `nodes` list).
fn node_fields(entries: &[super::yaml::YEntry], path: &[Seg]) -> Option<Vec<String>> {
    let in_nodes = path.len() >= 2
        && matches!(path.last(), Some(Seg::Item(..)))
        && matches!(&path[path.len() - 2], Seg::Key(k) if k == "nodes");
    if !in_nodes {
        return None;
    }
    let kind = entries.iter().find(|e| e.key == "kind")?.value.as_str()?;
    let kind: super::NodeKind = serde_json::from_value(Value::String(kind.to_owned())).ok()?;
    let mut v = vec!["id".to_owned(), "kind".to_owned()];
    v.extend(
        super::load::allowed_fields(kind)
            .iter()
            .map(|f| (*f).to_owned()),
    );
    Some(v)
}

/// A part of a file that had to be guessed or mended so that the rest of
/// the file could be checked: findings it causes later are not the
/// author's mistakes (see [`Salvaged`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    /// The YAML path of the node, tree, check, choice, route, code, fact or
    /// contact that was mended (`trees.0.nodes.3`); "" for the file itself.
    pub entity: String,
    /// The field that was mended; `None` when the whole entity was.
    pub field: Option<String>,
    /// True when the mending is what the author evidently meant (`nxt` →
    /// `next`, `destructive: yes` → `true`, `version: "1"` → 1): later
    /// checks see what was meant, and nothing of theirs is held back.
    pub exact: bool,
    /// For a field renamed to the one it is a typo of (`nxt` → `next`):
    /// the name as written, where findings about the field point.
    pub renamed_from: Option<String>,
}

/// A file with schema errors, mended into a value that fits the schema —
/// unknown fields renamed to the allowed field they are a typo of or left
/// out, YAML 1.1 booleans read as meant, wrong values left out, missing
/// ones filled with a placeholder — so that the checks after the schema
/// (patterns, references, reachability) can still run on everything else.
pub struct Salvaged {
    pub value: Value,
    pub taints: Vec<Taint>,
}

/// Mends `root` to fit `schema` (see [`Salvaged`]).
pub fn salvage(root: &YNode, schema: &Value) -> Salvaged {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let w = Walker {
        defs,
        raw: Vec::new(),
    };
    let mut taints = Vec::new();
    let value = w
        .mend(root, schema, &mut Vec::new(), &mut taints)
        .unwrap_or_else(|| w.default_of(schema));
    Salvaged { value, taints }
}

/// How many segments of `path` lead to its innermost entity (a node,
/// tree, check, choice, route, code, fact or contact); 0: the file.
fn entity_cut(path: &[Seg]) -> usize {
    let mut cut = 0;
    for (i, seg) in path.iter().enumerate() {
        let coll = match i.checked_sub(1).map(|j| &path[j]) {
            Some(Seg::Key(k)) => k.as_str(),
            _ => "",
        };
        let entity = match seg {
            // A list at the top of a file: a scenario file's cases.
            Seg::Item(..) if i == 0 => true,
            Seg::Item(..) => matches!(
                coll,
                "trees" | "nodes" | "choices" | "routes" | "checks" | "codes" | "facts" | "probes"
            ),
            Seg::Key(_) => coll == "contacts" && i == 1,
        };
        if entity {
            cut = i + 1;
        }
    }
    cut
}

fn seg_name(s: &Seg) -> String {
    match s {
        Seg::Key(k) => k.clone(),
        Seg::Item(i, _) => i.to_string(),
    }
}

/// The dotted path (`trees.0.nodes.3`) of a path's innermost entity, and
/// the field of it the path is in.
fn entity_path(path: &[Seg]) -> (String, Option<String>) {
    let cut = entity_cut(path);
    let dotted = path[..cut]
        .iter()
        .map(seg_name)
        .collect::<Vec<_>>()
        .join(".");
    (dotted, path.get(cut).map(seg_name))
}

fn taint(taints: &mut Vec<Taint>, path: &[Seg], exact: bool) {
    let (entity, field) = entity_path(path);
    taints.push(Taint {
        entity,
        field,
        exact,
        renamed_from: None,
    });
}

impl Walker<'_> {
    /// A value that fits `schema`: the first allowed value, an empty text,
    /// list or string, a mapping of its required fields.
    fn default_of(&self, schema: &Value) -> Value {
        if ref_name(schema) == Some("Text") {
            return Value::String(String::new());
        }
        let s = self.resolve(schema);
        if let Some(v) = self.enum_values(s).and_then(|v| v.into_iter().next()) {
            return Value::String(v);
        }
        if let Some(b) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            if b.iter().any(|b| self.types(b) == ["null"]) {
                return Value::Null;
            }
            return b.first().map_or(Value::Null, |b| self.default_of(b));
        }
        let types = self.types(s);
        let has = |t: &str| types.iter().any(|x| x == t);
        if has("null") {
            Value::Null
        } else if has("object") {
            let mut m = Map::new();
            let props = s.get("properties").and_then(Value::as_object);
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let p = props.and_then(|p| p.get(r)).unwrap_or(&Value::Bool(true));
                m.insert(r.to_owned(), self.default_of(p));
            }
            Value::Object(m)
        } else if has("array") {
            Value::Array(Vec::new())
        } else if has("integer") {
            Value::from(s.get("minimum").and_then(Value::as_i64).unwrap_or(0))
        } else if has("boolean") {
            Value::Bool(false)
        } else {
            Value::String(String::new())
        }
    }

    /// `node` mended to fit `schema`; `None` when nothing of it can be
    /// kept (the caller leaves the field out or puts a placeholder).
    fn mend(
        &self,
        node: &YNode,
        schema: &Value,
        path: &mut Vec<Seg>,
        taints: &mut Vec<Taint>,
    ) -> Option<Value> {
        let guess = |taints: &mut Vec<Taint>, path: &[Seg]| {
            taint(taints, path, false);
            None
        };
        if matches!(node, YNode::Alias { .. }) {
            return guess(taints, path);
        }
        if ref_name(schema) == Some("Text") {
            return match node {
                YNode::Scalar { value, .. } if !node.is_null() => {
                    Some(Value::String(value.clone()))
                }
                YNode::Map { entries, .. } => {
                    let pick = |k: &str| {
                        entries
                            .iter()
                            .find(|e| e.key == k)
                            .and_then(|e| e.value.as_str())
                            .map(str::to_owned)
                    };
                    if entries.iter().any(|e| e.key != "en" && e.key != "zh")
                        || pick("en").is_none()
                    {
                        taint(taints, path, false);
                    }
                    let en = pick("en").or_else(|| pick("zh")).unwrap_or_default();
                    let mut m = Map::new();
                    m.insert("en".into(), Value::String(en));
                    if let Some(zh) = pick("zh") {
                        m.insert("zh".into(), Value::String(zh));
                    }
                    Some(Value::Object(m))
                }
                _ => guess(taints, path),
            };
        }
        let s = self.resolve(schema);
        if let Some(values) = self.enum_values(s) {
            let Some(value) = node.as_str() else {
                return guess(taints, path);
            };
            if values.iter().any(|v| v == value) {
                return Some(Value::String(value.to_owned()));
            }
            return match did_you_mean(value, values.iter().map(String::as_str)) {
                Some(best) => {
                    taint(taints, path, true);
                    Some(Value::String(best.to_owned()))
                }
                None => guess(taints, path),
            };
        }
        if let Some(branches) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            let nullable = branches.iter().any(|b| self.types(b) == ["null"]);
            if nullable && node.is_null() {
                return Some(Value::Null);
            }
            let rest: Vec<&Value> = branches
                .iter()
                .filter(|b| self.types(b) != ["null"])
                .collect();
            let branch = rest
                .iter()
                .find(|b| self.trial(node, b, path) == 0)
                .or_else(|| rest.iter().find(|b| self.fits_shape(node, b)))
                .or(rest.first())?;
            return self.mend(node, branch, path, taints);
        }
        let types = self.types(s);
        let has = |t: &str| types.iter().any(|x| x == t);
        if has("null") && node.is_null() {
            return Some(Value::Null);
        }
        match node {
            YNode::Map { entries, .. } if has("object") => {
                Some(self.mend_object(entries, s, path, taints))
            }
            YNode::Seq { items, .. } if has("array") => {
                let item_schema = s.get("items").cloned().unwrap_or(Value::Bool(true));
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Item(i, None));
                    // A list item keeps its place, so that every later
                    // finding points at the right line.
                    let v = self
                        .mend(item, &item_schema, path, taints)
                        .unwrap_or_else(|| self.default_of(&item_schema));
                    path.pop();
                    out.push(v);
                }
                Some(Value::Array(out))
            }
            YNode::Scalar { value, plain, .. } => {
                if has("string") || types.is_empty() {
                    return Some(Value::String(value.clone()));
                }
                if has("boolean") {
                    let word = value.to_lowercase();
                    let b = match word.as_str() {
                        "true" | "yes" | "on" | "y" => true,
                        "false" | "no" | "off" | "n" => false,
                        _ => return guess(taints, path),
                    };
                    if !*plain || !matches!(word.as_str(), "true" | "false") {
                        taint(taints, path, true);
                    }
                    return Some(Value::Bool(b));
                }
                if has("integer") {
                    let Ok(n) = value.trim().parse::<i64>() else {
                        return guess(taints, path);
                    };
                    let min = s.get("minimum").and_then(Value::as_i64);
                    let max = s.get("maximum").and_then(Value::as_i64);
                    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                        return guess(taints, path);
                    }
                    if !*plain {
                        taint(taints, path, true);
                    }
                    return Some(Value::from(n));
                }
                if has("array") && self.list_of_words(s) {
                    // `keywords: {en: x}`: the one word as a list.
                    taint(taints, path, true);
                    return Some(Value::Array(vec![Value::String(value.clone())]));
                }
                guess(taints, path)
            }
            _ => guess(taints, path),
        }
    }

    fn mend_object(
        &self,
        entries: &[super::yaml::YEntry],
        schema: &Value,
        path: &mut Vec<Seg>,
        taints: &mut Vec<Taint>,
    ) -> Value {
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let allowed = node_fields(entries, path);
        // The keys written here, once: a typo's candidates are the fields
        // not written (a lookup per candidate, not a scan of every key).
        let written: std::collections::HashSet<&str> =
            entries.iter().map(|x| x.key.as_str()).collect();
        let mut out = Map::new();
        for e in entries {
            if out.contains_key(&e.key) {
                // A key given twice: the first counts (the finding says so).
                taint(taints, path, true);
                continue;
            }
            let (key, prop) = match props.get(&e.key) {
                Some(p) => (e.key.clone(), p),
                None if !closed => continue,
                None => {
                    // A typo of a field this entity takes and has not got.
                    let free: Vec<&str> = match &allowed {
                        Some(a) => a.iter().map(String::as_str).collect(),
                        None => props.keys().map(String::as_str).collect(),
                    };
                    let free = free
                        .into_iter()
                        .filter(|k| !out.contains_key(*k) && !written.contains(k));
                    path.push(Seg::Key(e.key.clone()));
                    match did_you_mean(&e.key, free).and_then(|k| props.get_key_value(k)) {
                        Some((k, p)) => {
                            path.pop();
                            path.push(Seg::Key(k.clone()));
                            taint(taints, path, true);
                            if let Some(t) = taints.last_mut() {
                                t.renamed_from = Some(e.key.clone());
                            }
                            path.pop();
                            (k.clone(), p)
                        }
                        None => {
                            taint(taints, path, false);
                            path.pop();
                            continue;
                        }
                    }
                }
            };
            path.push(Seg::Key(key.clone()));
            if let Some(v) = self.mend(&e.value, prop, path, taints) {
                out.insert(key, v);
            }
            path.pop();
        }
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !out.contains_key(r) {
                let p = props.get(r).unwrap_or(&Value::Bool(true));
                path.push(Seg::Key(r.to_owned()));
                taint(taints, path, false);
                path.pop();
                out.insert(r.to_owned(), self.default_of(p));
            }
        }
        Value::Object(out)
    }
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
                "7:49 unknown field `nxt` in node `a` [a `question` node has no `next`: it takes `id`, `kind`, `ask`, `caution`, `yes`, `no`, `probe`]",
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
