//! The results of `posdoctor test` as text (one line a case), JSON, JUnit
//! XML (written with quick-xml, so it is always well-formed) and TAP 13.

use colored::Colorize;
use serde::Serialize;

use crate::i18n::{fill, Lang, Msg};
use crate::scenario::{CaseResult, TreeCoverage};

/// A problem with a file rather than a case: a rule file or a scenario file
/// with an error. Any problem fails the run.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// `rules` or `scenarios`.
    pub kind: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
    /// The finding with its quoted line and caret (text output).
    #[serde(skip)]
    pub rendered: String,
}

impl Problem {
    fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            _ => self.file.clone(),
        }
    }
}

/// Everything a test run found.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub ok: bool,
    pub passed: usize,
    pub failed: usize,
    pub problems: &'a [Problem],
    pub cases: &'a [CaseResult],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<&'a [TreeCoverage]>,
}

impl<'a> Summary<'a> {
    pub fn new(
        cases: &'a [CaseResult],
        problems: &'a [Problem],
        coverage: Option<&'a [TreeCoverage]>,
    ) -> Summary<'a> {
        let passed = cases.iter().filter(|c| c.passed).count();
        let failed = cases.len() - passed;
        Summary {
            ok: failed == 0 && problems.is_empty() && !cases.is_empty(),
            passed,
            failed,
            problems,
            cases,
            coverage,
        }
    }
}

/// `danger=no → shop-power=yes → fixed`.
pub fn path_line(c: &CaseResult) -> String {
    c.path
        .iter()
        .map(|p| match &p.answer {
            Some(a) => format!("{}={a}", p.node),
            None => p.node.clone(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// What the walk did: "resolved at fixed", "escalated (vendor) at x".
pub fn got_line(c: &CaseResult) -> String {
    let mut s = c.outcome.clone();
    if let Some(p) = c.party {
        s.push_str(&format!(" ({p})"));
    }
    if c.customer {
        s.push_str(" (customer-side)");
    }
    if let Some(e) = &c.end {
        s.push_str(&format!(" at {e}"));
    }
    s
}

fn left_line(c: &CaseResult, lang: Lang) -> Option<String> {
    let l = c.left_at.as_ref()?;
    let instead = if l.instead.is_empty() {
        String::new()
    } else {
        fill(
            Msg::TestInstead.get(lang),
            &[(
                "answers",
                &l.instead
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(Msg::PatOr.get(lang)),
            )],
        )
    };
    Some(fill(
        Msg::TestLeftAt.get(lang),
        &[
            ("step", &l.step.to_string()),
            ("node", &l.node),
            ("answer", &l.answer),
            ("toward", &l.toward),
            ("instead", &instead),
        ],
    ))
}

/// The details of a failing case, one line each (no colour).
fn details(c: &CaseResult, lang: Lang) -> Vec<String> {
    let m = |msg: Msg| msg.get(lang);
    let mut v = vec![match c.column {
        Some(col) => format!("{}:{}:{col}", c.file, c.line),
        None => format!("{}:{}", c.file, c.line),
    }];
    v.push(format!("{} {}", m(Msg::TestExpected), c.expected));
    if c.outcome != "error" {
        v.push(format!("{} {}", m(Msg::TestGot), got_line(c)));
        v.push(format!("{} {}", m(Msg::TestPath), path_line(c)));
    }
    if let Some(l) = left_line(c, lang) {
        v.push(l);
    }
    for f in &c.failures {
        v.push(format!("- {f}"));
    }
    for w in &c.warnings {
        v.push(format!("{} {w}", m(Msg::TestWarning)));
    }
    if runnable(c) {
        v.push(format!("{} {}", m(Msg::TestRunIt), c.command));
    }
    v
}

/// Whether the case's command is worth showing: not when the case names
/// a tree or node that does not exist.
fn runnable(c: &CaseResult) -> bool {
    !c.failures
        .iter()
        .any(|f| f.contains("has no such node") || f.starts_with("no tree is called"))
}

/// One line a case (details under a failing one), the file problems, the
/// coverage, and "N passed, N failed".
pub fn text(s: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    for p in s.problems {
        out.push_str(&p.rendered);
        out.push_str("\n\n");
    }
    for c in s.cases {
        if c.passed {
            out.push_str(&format!("{} {}: {}\n", "✓".green().bold(), c.tree, c.name));
        } else {
            out.push_str(&format!("{} {}: {}\n", "✗".red().bold(), c.tree, c.name));
            for d in details(c, lang) {
                out.push_str(&format!("    {d}\n"));
            }
        }
        for w in c.warnings.iter().filter(|_| c.passed) {
            out.push_str(&format!("    {} {w}\n", Msg::TestWarning.get(lang)));
        }
    }
    if let Some(cov) = s.coverage {
        out.push('\n');
        out.push_str(&coverage_text(cov, lang));
    }
    out.push('\n');
    let mut summary = fill(
        Msg::TestSummary.get(lang),
        &[
            ("passed", &s.passed.to_string()),
            ("failed", &s.failed.to_string()),
        ],
    );
    if !s.problems.is_empty() {
        summary.push_str(&fill(
            Msg::TestProblems.get(lang),
            &[("n", &s.problems.len().to_string())],
        ));
    }
    // "No cases were found" only when none was written: a file whose
    // cases all have errors has its problems listed above.
    if s.cases.is_empty() && !s.problems.iter().any(|p| p.kind == "scenarios") {
        summary.push_str(Msg::TestNoCases.get(lang));
    }
    let summary = if s.ok {
        summary.green().bold()
    } else {
        summary.red().bold()
    };
    out.push_str(&format!("{summary}\n"));
    out
}

/// What no case reaches, tree by tree.
pub fn coverage_text(cov: &[TreeCoverage], lang: Lang) -> String {
    let mut out = format!("{}\n", Msg::TestCoverage.get(lang).bold());
    for t in cov {
        let nodes = t.nodes - t.nodes_missed.len();
        let edges = t.edges - t.edges_missed.len();
        out.push_str(&format!(
            "  {}: {}\n",
            t.tree,
            fill(
                Msg::TestCoverageLine.get(lang),
                &[
                    ("nodes", &nodes.to_string()),
                    ("all_nodes", &t.nodes.to_string()),
                    ("edges", &edges.to_string()),
                    ("all_edges", &t.edges.to_string()),
                ],
            )
        ));
        if !t.nodes_missed.is_empty() {
            out.push_str(&format!(
                "    {} {}\n",
                Msg::TestNodesMissed.get(lang),
                t.nodes_missed.join(", ")
            ));
        }
        for e in &t.edges_missed {
            out.push_str(&format!("    {} {e}\n", Msg::TestEdgeMissed.get(lang)));
        }
    }
    out
}

/// JUnit XML: one testsuite per scenario file, one testcase per case;
/// file problems are testcases with an `<error>`; coverage goes in the
/// `<system-out>` of a last, empty suite.
pub fn junit(s: &Summary, lang: Lang) -> Result<String, std::io::Error> {
    use quick_xml::events::{BytesDecl, BytesText, Event};
    use quick_xml::Writer;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut files: Vec<&str> = Vec::new();
    for c in s.cases {
        if !files.contains(&c.file.as_str()) {
            files.push(&c.file);
        }
    }
    let n = |x: usize| x.to_string();
    w.create_element("testsuites")
        .with_attribute(("name", "posdoctor test"))
        .with_attribute(("tests", n(s.cases.len() + s.problems.len()).as_str()))
        .with_attribute(("failures", n(s.failed).as_str()))
        .with_attribute(("errors", n(s.problems.len()).as_str()))
        .write_inner_content(|w| {
            if !s.problems.is_empty() {
                w.create_element("testsuite")
                    .with_attribute(("name", "files"))
                    .with_attribute(("tests", n(s.problems.len()).as_str()))
                    .with_attribute(("failures", "0"))
                    .with_attribute(("errors", n(s.problems.len()).as_str()))
                    .write_inner_content(|w| {
                        for p in s.problems {
                            w.create_element("testcase")
                                .with_attribute(("name", p.location().as_str()))
                                .with_attribute(("classname", p.kind))
                                .with_attribute(("file", p.file.as_str()))
                                .write_inner_content(|w| {
                                    w.create_element("error")
                                        .with_attribute(("message", p.message.as_str()))
                                        .with_attribute(("type", p.kind))
                                        .write_text_content(BytesText::new(&p.rendered))?;
                                    Ok::<(), std::io::Error>(())
                                })?;
                        }
                        Ok::<(), std::io::Error>(())
                    })?;
            }
            for f in &files {
                let cases: Vec<&CaseResult> = s.cases.iter().filter(|c| c.file == *f).collect();
                let failed = cases.iter().filter(|c| !c.passed).count();
                w.create_element("testsuite")
                    .with_attribute(("name", *f))
                    .with_attribute(("tests", n(cases.len()).as_str()))
                    .with_attribute(("failures", n(failed).as_str()))
                    .with_attribute(("errors", "0"))
                    .write_inner_content(|w| {
                        for c in &cases {
                            let el = w
                                .create_element("testcase")
                                .with_attribute(("name", c.name.as_str()))
                                .with_attribute(("classname", c.tree.as_str()))
                                .with_attribute(("file", c.file.as_str()))
                                .with_attribute(("line", n(c.line).as_str()));
                            if c.passed && c.warnings.is_empty() {
                                el.write_empty()?;
                                continue;
                            }
                            el.write_inner_content(|w| {
                                if !c.passed {
                                    let first = c.failures.first().cloned().unwrap_or_default();
                                    w.create_element("failure")
                                        .with_attribute(("message", first.as_str()))
                                        .with_attribute(("type", "scenario"))
                                        .write_text_content(BytesText::new(
                                            &details(c, lang).join("\n"),
                                        ))?;
                                }
                                if !c.warnings.is_empty() {
                                    w.create_element("system-out").write_text_content(
                                        BytesText::new(&c.warnings.join("\n")),
                                    )?;
                                }
                                Ok::<(), std::io::Error>(())
                            })?;
                        }
                        Ok::<(), std::io::Error>(())
                    })?;
            }
            if let Some(cov) = s.coverage {
                w.create_element("testsuite")
                    .with_attribute(("name", "coverage"))
                    .with_attribute(("tests", "0"))
                    .with_attribute(("failures", "0"))
                    .with_attribute(("errors", "0"))
                    .write_inner_content(|w| {
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&strip_ansi(&coverage_text(
                                cov, lang,
                            ))))?;
                        Ok::<(), std::io::Error>(())
                    })?;
            }
            Ok::<(), std::io::Error>(())
        })?;
    let mut xml = String::from_utf8_lossy(&w.into_inner()).into_owned();
    xml.push('\n');
    Ok(xml)
}

/// Colour codes out (coverage text is built for a terminal too).
fn strip_ansi(s: &str) -> String {
    crate::rules::load::sanitize(s)
}

/// A TAP description: one line, and `#` escaped (it starts a directive).
fn tap_text(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('#', "\\#")
}

/// TAP version 13, with a YAML block under each failing test.
pub fn tap(s: &Summary, lang: Lang) -> String {
    #[derive(Serialize)]
    struct Diag<'a> {
        message: String,
        severity: &'static str,
        at: At<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        expected: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        got: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        left_at: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        failures: Vec<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        command: Option<String>,
    }
    #[derive(Serialize)]
    struct At<'a> {
        file: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    }
    let block = |d: &Diag| -> String {
        let yaml = crate::rules::yaml::to_string(d).unwrap_or_default();
        let mut out = String::from("  ---\n");
        for l in yaml.lines() {
            out.push_str(&format!("  {l}\n"));
        }
        out.push_str("  ...\n");
        out
    };
    let total = s.problems.len() + s.cases.len();
    let mut out = format!("TAP version 13\n1..{total}\n");
    let mut i = 0;
    for p in s.problems {
        i += 1;
        out.push_str(&format!("not ok {i} - {}\n", tap_text(&p.location())));
        out.push_str(&block(&Diag {
            message: p.message.clone(),
            severity: "fail",
            at: At {
                file: &p.file,
                line: p.line,
                column: p.column,
            },
            expected: None,
            got: None,
            path: None,
            left_at: None,
            failures: vec![],
            warnings: vec![],
            command: None,
        }));
    }
    for c in s.cases {
        i += 1;
        let title = tap_text(&format!("{}: {}", c.tree, c.name));
        if c.passed {
            out.push_str(&format!("ok {i} - {title}\n"));
            continue;
        }
        out.push_str(&format!("not ok {i} - {title}\n"));
        let ran = c.outcome != "error";
        out.push_str(&block(&Diag {
            message: c.failures.first().cloned().unwrap_or_default(),
            severity: "fail",
            at: At {
                file: &c.file,
                line: Some(c.line),
                column: c.column,
            },
            expected: Some(&c.expected),
            got: ran.then(|| got_line(c)),
            path: ran.then(|| path_line(c)),
            left_at: left_line(c, lang),
            failures: c.failures.iter().map(String::as_str).collect(),
            warnings: c.warnings.iter().map(String::as_str).collect(),
            command: runnable(c).then(|| c.command.clone()),
        }));
    }
    if let Some(cov) = s.coverage {
        for l in strip_ansi(&coverage_text(cov, lang)).lines() {
            out.push_str(&format!("# {l}\n"));
        }
    }
    out.push_str(&format!(
        "# {}\n",
        fill(
            Msg::TestSummary.get(lang),
            &[
                ("passed", &s.passed.to_string()),
                ("failed", &s.failed.to_string()),
            ],
        )
    ));
    out
}
