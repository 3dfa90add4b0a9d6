//! docs/trees.md is the catalogue of built-in trees; this test keeps it true.
//! After changing the rules, regenerate it with
//! `UPDATE_DOCS=1 cargo test --test docs`.

use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::{Body, Party};

fn catalogue() -> String {
    let rules = load(&LoadOptions {
        builtin: true,
        packs: vec![],
    })
    .rules;
    let mut out = String::from(
        "# The built-in trees\n\n\
         Generated from `rules/` and checked by `tests/docs.rs`: after changing the rules,\n\
         run `UPDATE_DOCS=1 cargo test --test docs`.\n\n\
         | id | symptom | 中文 | what it covers | escalates to | tells the customer | continues in |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for t in rules.trees() {
        let mut parties: Vec<&str> = Vec::new();
        let mut links: Vec<String> = Vec::new();
        let mut customer: Vec<String> = Vec::new();
        for n in &t.nodes {
            match &n.body {
                Body::Resolved {
                    customer: Some(_), ..
                } => customer.push(format!("`{}`", n.id)),
                Body::Escalate { party, .. } => {
                    let name = match party {
                        Party::Vendor => "vendor",
                        Party::Acquirer => "acquirer",
                        Party::Issuer => "card issuer",
                        Party::Isp => "internet/mobile provider",
                        Party::Power => "electricity supplier",
                    };
                    if !parties.contains(&name) {
                        parties.push(name);
                    }
                }
                Body::Link { tree, .. } => {
                    let l = format!("`{tree}`");
                    if !links.contains(&l) {
                        links.push(l);
                    }
                }
                _ => {}
            }
        }
        let summary = t
            .summary
            .as_ref()
            .map(|s| s.en.replace('|', "\\|"))
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            t.id,
            t.title.en,
            t.title.zh.clone().unwrap_or_default(),
            summary,
            parties.join(", "),
            if customer.is_empty() {
                "—".into()
            } else {
                customer.join(", ")
            },
            if links.is_empty() {
                "—".into()
            } else {
                links.join(", ")
            },
        ));
    }
    out.push_str(
        "\nEvery path of every tree ends in *resolved* or a named escalation (see\n\
         `tests/content.rs` and `tests/content_paths.rs`). \"Tells the customer\" lists the\n\
         customer-side endings: the terminal works, the customer's card or bank is the\n\
         cause, the run is resolved for the shop (exit 0) and says what to tell the\n\
         customer. No built-in escalation goes to the card issuer: the shop never calls\n\
         it. The words used in the trees are in [glossary.md](glossary.md). Run\n\
         `posdoctor list` for the trees actually loaded, including your packs, and\n\
         `posdoctor code CODE` for response codes (`rules/codes.yaml`).\n",
    );
    out
}

#[test]
fn docs_trees_md_matches_the_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/trees.md");
    let expected = catalogue();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/trees.md is out of date: run `UPDATE_DOCS=1 cargo test --test docs`\n\n{expected}"
    );
}
