//! `validate` finds everything, once, at the right place: each finding is
//! asserted with its line and column, as `validate --json` reports it.

mod common;

use common::*;

const HEAD: &str = "trees:\n  - id: t\n    title: {en: T, zh: T}\n    category: power\n    keywords: {zh: [t]}\n    start: a\n    nodes:\n";

/// (severity, line, column, message, hint) of every finding about `yaml`.
fn findings(env: &Env, yaml: &str, builtin: bool) -> Vec<(String, u64, u64, String, String)> {
    let path = env.write("pack/t.yaml", yaml);
    let mut cmd = env.cmd();
    if !builtin {
        cmd.arg("--no-builtin");
    }
    let out = cmd
        .args(["validate", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let v = json(&out.stdout);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
                f["hint"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn one(env: &Env, yaml: &str) -> (String, u64, u64, String, String) {
    let f = findings(env, yaml, false);
    assert_eq!(f.len(), 1, "{f:#?}");
    f.into_iter().next().unwrap()
}

#[test]
fn three_independent_errors_give_three_findings() {
    let env = Env::new();
    let f = findings(
        &env,
        &format!(
            "{HEAD}      - id: a\n        kind: question\n        ask: {{en: Q, zh: 问}}\n        yes: b\n        nxt: b\n      - id: b\n        kind: escalate\n        party: vendr\n        text: {{en: x, zh: 乙}}\n      - id: c\n        kind: check\n        do: {{en: x, zh: 丙}}\n        destructive: yes\n        yes: b\n        no: b\n        skip: b\n        caution: {{en: erases, zh: 清除}}\n"
        ),
        false,
    );
    let at: Vec<(u64, u64, &str)> = f.iter().map(|x| (x.1, x.2, x.3.as_str())).collect();
    assert_eq!(
        at,
        vec![
            (12, 9, "unknown field `nxt` in node `a`"),
            (15, 16, "unknown party `vendr` in node `b`"),
            (
                20,
                22,
                "`destructive` of node `c` must be `true` or `false`, not `yes`"
            ),
        ]
    );
    // A question takes no `next`: the hint names what it does take.
    assert_eq!(
        f[0].4,
        "a `question` node has no `next`: it takes `id`, `kind`, `ask`, `caution`, `yes`, `no`, `probe`"
    );
    assert_eq!(f[1].4, "did you mean `vendor`?");
}

#[test]
fn hints_list_only_allowed_values() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - {{id: a, kind: escalate, party: bank, text: {{en: x, zh: 甲}}}}\n"),
    );
    assert_eq!(
        f.4,
        "expected one of `vendor`, `acquirer`, `issuer`, `isp`, `power`"
    );
    assert!(!f.4.contains("nodes"), "{f:?}");
}

#[test]
fn a_check_or_choice_leading_straight_back_to_itself() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - {{id: a, kind: check, do: {{en: Restart, zh: 重启}}, yes: ok, no: a}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    assert_eq!((f.0.as_str(), f.1, f.2), ("error", 8, 70));
    assert_eq!(f.3, "`no` of node `a` leads straight back to `a`");
    let f = one(
        &env,
        &format!("{HEAD}      - id: a\n        kind: choice\n        ask: {{en: Q, zh: 问}}\n        choices:\n          - {{id: again, label: {{en: Again, zh: 再}}, next: a}}\n          - {{id: done, label: {{en: Done, zh: 完}}, next: ok}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    assert_eq!((f.1, f.2), (12, 58));
    assert_eq!(f.3, "choice `again` of node `a` leads straight back to `a`");
}

#[test]
fn a_route_after_a_catch_all() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - {{match: \".*\", next: ok, label: {{en: anything, zh: 任何}}}}\n          - {{match: \"05\", next: ok}}\n        otherwise: ok\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    assert_eq!((f.0.as_str(), f.1, f.2), ("error", 13, 21));
    assert_eq!(
        f.3,
        "route 2 of node `a` (`05`) can never be taken: route 1 (`.*`) before it matches every answer"
    );
}

#[test]
fn a_code_alias_that_is_another_code() {
    let env = Env::new();
    let f = one(
        &env,
        "codes:\n  - code: \"N7\"\n    aliases: [\"51\", cvv]\n    meaning: {en: m, zh: m}\n    owner: issuer\n    action: {en: a, zh: a}\n  - code: \"51\"\n    meaning: {en: m, zh: m}\n    owner: cardholder\n    action: {en: a, zh: a}\n",
    );
    assert_eq!((f.0.as_str(), f.1, f.2), ("error", 3, 15));
    assert_eq!(
        f.3,
        "alias `51` of code `N7` is also the code `51`: `posdoctor code 51` shows code `51`"
    );
    let f = one(
        &env,
        "codes:\n  - {code: \"N7\", aliases: [cvv], meaning: {en: m, zh: m}, owner: issuer, action: {en: a, zh: a}}\n  - {code: \"N8\", aliases: [CVV], meaning: {en: m, zh: m}, owner: issuer, action: {en: a, zh: a}}\n",
    );
    assert_eq!((f.1, f.2), (3, 28));
    assert_eq!(
        f.3,
        "alias `CVV` of code `N8` is also an alias of code `N7`"
    );
}

#[test]
fn do_together_with_use() {
    let env = Env::new();
    let f = findings(
        &env,
        &format!("{HEAD}      - {{id: a, kind: check, use: restart-soft, do: Reboot, yes: ok, no: ok}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
        true,
    );
    let errors: Vec<_> = f.iter().filter(|x| x.0 == "error").collect();
    assert_eq!(errors.len(), 1, "{f:#?}");
    assert_eq!((errors[0].1, errors[0].2), (8, 49));
    assert!(errors[0]
        .3
        .starts_with("`check` node `a` takes `do` or `use`, not both"));
}

#[test]
fn a_pack_replacing_a_builtin_tree_or_check_is_a_note_naming_both_files() {
    let env = Env::new();
    let f = findings(
        &env,
        "checks:\n  - id: restart-soft\n    rung: restart\n    do: {en: Reboot the kiosk, zh: 重启自助机}\ntrees:\n  - id: no-network\n    title: {en: N, zh: 网}\n    category: network\n    keywords: {zh: [网]}\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: {en: ok, zh: 好}}\n",
        true,
    );
    let notes: Vec<_> = f.iter().filter(|x| x.0 == "note").collect();
    assert_eq!(notes.len(), 2, "{f:#?}");
    assert_eq!((notes[0].1, notes[0].2), (2, 9));
    assert!(
        notes[0].3.starts_with(
            "check `restart-soft` replaces the built-in one (builtin:rules/checks.yaml:"
        ),
        "{notes:?}"
    );
    assert_eq!(
        notes[0].4,
        "the built-in trees `card-read`, `printer`, `qr-payment`, `sign-on`, `software` use it and show this pack's text"
    );
    assert_eq!((notes[1].1, notes[1].2), (6, 9));
    assert!(notes[1].3.starts_with(
        "tree `no-network` replaces the built-in one (builtin:rules/no-network.yaml:"
    ));
    // Notes never fail a run, not even with --strict.
    let path = env.home().join("pack/t.yaml");
    env.cmd()
        .args(["validate", "--strict"])
        .arg(&path)
        .assert()
        .code(0);
}

#[test]
fn a_destructive_shared_check_without_caution_is_reported_at_the_check() {
    let env = Env::new();
    env.write(
        "pack/checks.yaml",
        "checks:\n  - id: wipe\n    rung: reset\n    do: {en: Wipe it, zh: 清除}\n    destructive: true\n",
    );
    let f = findings(
        &env,
        &format!("{HEAD}      - {{id: a, kind: check, use: wipe, yes: ok, no: ok, skip: ok}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
        false,
    );
    // Only the scenario file's own findings are listed for t.yaml; the check's
    // finding is in checks.yaml.
    assert!(
        f.iter().all(|x| !x.3.contains("caution")),
        "not at the node: {f:#?}"
    );
    let out = env
        .cmd()
        .args(["validate", "--no-builtin", "--json"])
        .arg(env.home().join("pack"))
        .output()
        .unwrap();
    let v = json(&out.stdout);
    let c: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("caution"))
        .collect();
    assert_eq!(c.len(), 1, "{v:#}");
    assert!(c[0]["file"].as_str().unwrap().ends_with("checks.yaml"));
    assert_eq!(
        (c[0]["line"].as_u64(), c[0]["column"].as_u64()),
        (Some(2), Some(9))
    );
    assert_eq!(
        c[0]["message"],
        "shared check `wipe` is destructive but has no `caution`"
    );
}

#[test]
fn a_bad_pattern_is_pointed_at_inside_the_pattern() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - match: \"5[0-9\"\n            label: {{en: fives, zh: 5}}\n            next: ok\n        otherwise: ok\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    // `          - match: "5[0-9"`: the pattern starts at column 21; the
    // unclosed class at its second character.
    assert_eq!((f.1, f.2), (12, 22));
    assert!(
        f.3.starts_with("the pattern is not a valid regular expression: unclosed character class"),
        "{f:?}"
    );
}

#[test]
fn a_key_indented_too_little_is_named_for_what_it_is() {
    let env = Env::new();
    let f = one(
        &env,
        "trees:\n  - id: t\n    title: T\n    category: power\n    start: reset\n    nodes:\n    - id: reset\n    kind: check\n",
    );
    assert_eq!((f.1, f.2), (8, 5));
    assert_eq!(
        f.3,
        "`kind` is indented as a field of tree `t`, but it belongs to node `reset` (line 7), which has no `kind`"
    );
}

#[test]
fn keywords_written_as_a_string() {
    let env = Env::new();
    let f = one(
        &env,
        "trees:\n  - id: t\n    title: {en: T, zh: T}\n    category: power\n    keywords: \"x\"\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: {en: ok, zh: 好}}\n",
    );
    assert_eq!((f.1, f.2), (5, 15));
    assert_eq!(
        f.3,
        "`keywords` of tree `t` must be a mapping with `en`, `zh`, not `x`"
    );
    assert_eq!(
        f.4,
        "keywords come per language: `keywords: {en: [x], zh: [...]}`"
    );
}

#[test]
fn a_repeated_key_is_reported_at_the_second_one() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - id: a\n        kind: resolved\n        text: {{en: x, zh: 甲}}\n        text: y\n"),
    );
    assert_eq!((f.1, f.2), (11, 9));
    assert_eq!(f.3, "duplicate field `text` in node `a`");
    assert_eq!(f.4, "it is already given on line 10; keep one of them");
}

#[test]
fn version_zero_is_refused_by_the_loader_and_the_schema() {
    let env = Env::new();
    let f = one(&env, "version: 0\ntrees: []\n");
    assert_eq!((f.1, f.2), (1, 10));
    assert_eq!(f.3, "rule format version 0 is not known to this posdoctor");
    let schema = env.cmd().arg("schema").output().unwrap();
    let v = json(&schema.stdout);
    assert_eq!(v["properties"]["version"]["minimum"], 1);
    assert_eq!(v["properties"]["version"]["maximum"], 1);
    let text = String::from_utf8_lossy(&schema.stdout);
    assert!(
        !text.contains("domain.md"),
        "names no file that is not shipped"
    );
    assert!(v["description"]
        .as_str()
        .unwrap()
        .contains("response codes"));
}

#[test]
fn pack_contacts_and_facts_are_checked() {
    let env = Env::new();
    let f = findings(
        &env,
        "contacts:\n  vendor: {hours: \"8-20\"}\n  isp: {name: Net, phone: \"call us\"}\nfacts:\n  - {id: mid, label: M}\n  - {id: Kiosk No, label: K}\ntrees:\n  - id: t\n    title: {en: T, zh: T}\n    category: power\n    keywords: {zh: [t]}\n    start: a\n    nodes:\n      - {id: a, kind: escalate, party: vendor, text: {en: x, zh: x}, have_ready: [mid, kiosk_nr]}\n",
        false,
    );
    let at: Vec<(u64, u64, &str)> = f
        .iter()
        .filter(|x| x.0 == "error")
        .map(|x| (x.1, x.2, x.3.as_str()))
        .collect();
    assert_eq!(
        at,
        vec![
            (2, 3, "the `vendor` contact needs a `name` or a `phone`"),
            (
                3,
                27,
                "`call us` is not a phone number: use digits, spaces and + - ( ) . / only, and write an extension as `ext 5`"
            ),
            (
                5,
                10,
                "`mid` is a built-in fact; a pack cannot define it again"
            ),
            (6, 10, "the fact id `Kiosk No` is not allowed"),
            (14, 88, "no fact is called `kiosk_nr` (`have_ready` of node `a`)"),
        ],
        "{f:#?}"
    );
}

#[test]
fn indentation_that_breaks_the_yaml_is_explained() {
    let env = Env::new();
    // `kind:` one level too far left inside a list item: not valid YAML.
    let f = one(
        &env,
        &format!("{HEAD}      - id: module\n      kind: choice\n        ask: x\n"),
    );
    assert_eq!((f.1, f.2), (9, 7));
    assert_eq!(
        f.3,
        "`kind:` is not lined up with the fields above it, so it belongs to no mapping (it should be in node `module`)"
    );
    // A key indented further than the one above it.
    let f = one(
        &env,
        &format!(
            "{HEAD}      - id: reseat\n        kind: check\n          yes: fixed\n        no: x\n"
        ),
    );
    assert_eq!((f.1, f.2), (10, 11));
    assert_eq!(
        f.3,
        "this line is indented more than line 9 above it, so YAML reads it as part of the value of `kind`"
    );
}

#[test]
fn a_bad_pattern_does_not_make_the_rest_of_the_tree_unreachable() {
    let env = Env::new();
    let f = findings(
        &env,
        &format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - {{match: \"(5\", next: b, label: {{en: five, zh: 五}}}}\n        otherwise: ok\n      - {{id: b, kind: resolved, text: {{en: b, zh: 乙}}}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
        false,
    );
    assert_eq!(f.len(), 1, "only the pattern: {f:#?}");
    assert!(f[0].3.contains("this `(` is never closed"), "{f:?}");
}

/// A pack with one error: an unknown field on line 10.
const BROKEN_PACK: &str = "trees:\n  - id: bpt\n    title: {en: T, zh: T}\n    category: power\n    keywords: {zh: [t]}\n    start: a\n    nodes:\n      - id: a\n        kind: resolved\n        nxt: b\n        text: {en: x, zh: x}\n";

#[test]
fn validate_path_finds_the_errors_however_the_pack_is_named() {
    let env = Env::new();
    env.write("bp/broken.yaml", BROKEN_PACK);
    let home = env.home().to_path_buf();
    let expect_one = |a: assert_cmd::assert::Assert| {
        let out = stdout(&a.code(1));
        assert_eq!(
            out.matches("error: unknown field `nxt` in node `a`")
                .count(),
            1,
            "{out}"
        );
        assert!(out.contains("broken.yaml:10:9:"), "{out}");
        assert!(out.contains("1 error(s)"), "{out}");
    };
    // The same pack named `./bp` and `bp`.
    expect_one(
        env.cmd()
            .current_dir(&home)
            .args(["--rules", "./bp", "validate", "bp"])
            .assert(),
    );
    // A pack from POSDOCTOR_RULES by its absolute path, validated by a
    // relative one with a trailing slash.
    expect_one(
        env.cmd()
            .current_dir(&home)
            .env("POSDOCTOR_RULES", home.join("bp"))
            .args(["validate", "bp/", "--strict"])
            .assert(),
    );
    // A file of a pack already loaded: its error once, not twice.
    expect_one(
        env.cmd()
            .current_dir(&home)
            .args(["--rules", "bp", "validate", "bp/broken.yaml"])
            .assert(),
    );
}

#[test]
fn validate_path_reports_only_that_folder_not_one_whose_name_starts_alike() {
    let env = Env::new();
    env.write("lotus2/bad.yaml", BROKEN_PACK);
    env.write(
        "lotus/good.yaml",
        "codes:\n  - code: \"X1\"\n    meaning: {en: M, zh: M}\n    owner: terminal\n    action: {en: A, zh: A}\n",
    );
    let a = env
        .cmd()
        .current_dir(env.home())
        .args(["--rules", "lotus2", "validate", "lotus"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(!out.contains("lotus2"), "{out}");
    assert!(out.contains("0 error(s)"), "{out}");
}

/// One text node whose single route has `pattern` (quoted), then `ok`.
fn route_pack(pattern: &str) -> String {
    format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - match: \"{pattern}\"\n            label: {{en: some codes, zh: 一些代码}}\n            next: ok\n        otherwise: ok\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n")
}

#[test]
fn a_stray_bracket_cannot_escape_the_anchors() {
    let env = Env::new();
    // `          - match: "05)|(51"`: the pattern starts at column 21,
    // the stray `)` is its third character. It used to pass, then match
    // 05999 and 12351 (the anchors wrapped the text).
    let path = env.write("pack/t.yaml", route_pack("05)|(51"));
    let a = env
        .cmd()
        .args(["--no-builtin", "validate", "--strict"])
        .arg(&path)
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(
        out.contains("t.yaml:12:23: error: the pattern is not a valid regular expression: this `)` closes no `(`"),
        "{out}"
    );
    assert!(out.contains("^"), "{out}");
    assert!(out.contains("one whole regular expression"), "{out}");
}

#[test]
fn carets_point_at_the_bracket_itself() {
    let env = Env::new();
    for (pattern, col, what) in [
        ("ab(c|d", 23, "this `(` is never closed"),
        ("ab)", 23, "this `)` closes no `(`"),
        ("(ab", 21, "this `(` is never closed"),
        ("a(b)c)", 26, "this `)` closes no `(`"),
    ] {
        let f = one(&env, &route_pack(pattern));
        assert_eq!((f.1, f.2), (12, col), "{pattern}: {f:?}");
        assert!(f.3.ends_with(what), "{pattern}: {f:?}");
    }
    // Through the quoting: `"5\\d(x"` (an escape in double quotes) and
    // `'it''s (x'` (a doubled quote in single quotes).
    let f = one(&env, &route_pack("5\\\\d(x"));
    // `          - match: "5\\d(x"`: `(` is the 25th character.
    assert_eq!((f.1, f.2), (12, 25), "{f:?}");
    let f = one(
        &env,
        &route_pack("").replace("match: \"\"", "match: 'it''s (x'"),
    );
    assert_eq!((f.1, f.2), (12, 27), "{f:?}");
    assert!(f.3.ends_with("this `(` is never closed"), "{f:?}");
}

#[test]
fn an_anchored_pattern_matches_whole_answers_only() {
    let env = Env::new();
    let pack = env.write(
        "pack/t.yaml",
        route_pack("(?x) 05 | 51 # a comment in verbose mode ends no group").replace(
            "next: ok\n        otherwise",
            "next: hit\n        otherwise",
        ) + "      - {id: hit, kind: resolved, text: {en: hit, zh: 中}}\n",
    );
    env.cmd()
        .args(["--no-builtin", "validate", "--strict"])
        .arg(&pack)
        .assert()
        .code(0);
    for (answer, end) in [
        ("05", "hit"),
        ("51", "hit"),
        ("05999", "ok"),
        ("12351", "ok"),
        ("505", "ok"),
    ] {
        let a = env
            .cmd()
            .args(["--no-builtin", "--rules"])
            .arg(&pack)
            .args(["run", "t", "--no-input", "--no-log", "--json"])
            .arg(format!("--answer=a={answer}"))
            .assert()
            .code(0);
        let v = json(&a.get_output().stdout);
        assert_eq!(v["resolution"]["node"], end, "{answer}: {v}");
    }
}

#[test]
fn later_checks_run_on_a_file_with_schema_errors() {
    let env = Env::new();
    // An unknown field (schema), a bad pattern, a node nothing leads to, and
    // a tree that replaces a built-in one: all four, at once.
    let f = findings(
        &env,
        "trees:\n  - id: printer\n    title: {en: T, zh: T}\n    category: printer\n    keywords: {zh: [t]}\n    start: a\n    nodes:\n      - id: a\n        kind: info\n        text: {en: x, zh: 甲}\n        nxt: b\n      - id: b\n        kind: text\n        ask: {en: Code?, zh: 代码？}\n        routes:\n          - {match: \"5[0-9\", next: ok, label: {en: f, zh: 五}}\n        otherwise: ok\n      - {id: lonely, kind: resolved, text: {en: x, zh: 孤}}\n      - {id: ok, kind: resolved, text: {en: ok, zh: 好}}\n",
        true,
    );
    let at: Vec<(&str, u64, u64, &str)> = f
        .iter()
        .map(|x| (x.0.as_str(), x.1, x.2, x.3.as_str()))
        .collect();
    assert_eq!(
        at,
        vec![
            (
                "note",
                2,
                9,
                "tree `printer` replaces the built-in one (builtin:rules/printer.yaml:3:9)"
            ),
            ("error", 11, 9, "unknown field `nxt` in node `a`"),
            (
                "error",
                16,
                23,
                "the pattern is not a valid regular expression: unclosed character class"
            ),
            (
                "error",
                18,
                14,
                "node `lonely` cannot be reached from the start `a`"
            ),
        ],
        "{f:#?}"
    );
}

#[test]
fn a_yaml_1_1_boolean_is_one_finding_not_its_knock_ons() {
    let env = Env::new();
    let node = |destructive: &str| {
        format!("{HEAD}      - id: a\n        kind: check\n        do: {{en: Reset, zh: 重置}}\n        caution: {{en: Erases sales, zh: 清除交易}}\n        destructive: {destructive}\n        yes: ok\n        no: ok\n        skip: ok\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n")
    };
    // `yes` is read as meant (`true`): no "`skip` applies only to a
    // destructive step", no "needs skip".
    let f = one(&env, &node("yes"));
    assert_eq!((f.1, f.2), (12, 22));
    assert_eq!(
        f.3,
        "`destructive` of node `a` must be `true` or `false`, not `yes`"
    );
    // A value that is no boolean at all: still one finding.
    let f = one(&env, &node("maybe"));
    assert_eq!(
        f.3,
        "`destructive` of node `a` must be `true` or `false`, not `maybe`"
    );
}

#[test]
fn a_pattern_over_the_length_limit_is_a_finding_not_a_crash() {
    let env = Env::new();
    let f = one(&env, &route_pack(&"a".repeat(1001)));
    assert_eq!((f.0.as_str(), f.1, f.2), ("error", 12, 20));
    assert!(
        f.3.ends_with("it is 1001 characters long, more than the limit of 1000"),
        "{f:?}"
    );
}

#[test]
fn every_message_names_its_node_and_field() {
    let env = Env::new();
    let f = findings(
        &env,
        &format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - {{match: \"05\", next: c}}\n      - id: c\n        kind: choice\n        ask: {{en: Q, zh: 问}}\n        choices:\n          - {{id: wifi, label: {{en: W, zh: 无}}, next: r}}\n          - {{id: wifi, label: {{en: W, zh: 无}}, next: fixed}}\n      - id: r\n        kind: check\n        do: {{en: Reset, zh: 重置}}\n        destructive: true\n        caution: {{en: Erases sales, zh: 清除}}\n        yes: fixed\n        no: fixed\n      - id: fixed\n        kind: resolved\n        text: {{zh: 好}}\n"),
        false,
    );
    let at: Vec<(u64, u64, &str)> = f.iter().map(|x| (x.1, x.2, x.3.as_str())).collect();
    assert_eq!(
        at,
        vec![
            (8, 9, "`text` node `a` needs `otherwise`"),
            (18, 18, "duplicate choice id `wifi` in node `c`"),
            (19, 9, "node `r` is a destructive step, so it needs `skip`: where to go when the person does not want to do it"),
            (28, 16, "missing field `en` in `text` of node `fixed`"),
        ],
        "{f:#?}"
    );
    assert_eq!(f[0].4, "add `otherwise:` with the id of the node to go to");
    assert_eq!(
        f[3].4,
        "add `en: \"...\"`: the English text is required, the Chinese (`zh`) is optional"
    );
}

#[test]
fn a_full_width_colon_after_a_key_is_named_at_the_colon() {
    let env = Env::new();
    let f = one(
        &env,
        &format!("{HEAD}      - id: a\n        kind: resolved\n        text： {{en: \"Works again.\", zh: \"好了。\"}}\n"),
    );
    // `        text：`: the colon is the 13th character.
    assert_eq!((f.1, f.2), (10, 13));
    assert_eq!(
        f.3,
        "`text：` is written with a full-width colon (：); YAML needs the ASCII colon `:` after a key"
    );
    assert!(f.4.starts_with("retype it as `text:`"), "{f:?}");
}

#[test]
fn hints_never_offer_what_is_not_allowed() {
    let env = Env::new();
    // An id that is refused is not offered for a misspelt reference, and
    // the refusal shows an allowed form of it.
    let f = findings(
        &env,
        &format!("{HEAD}      - {{id: a, kind: info, text: {{en: x, zh: 甲}}, next: agian}}\n      - {{id: again?, kind: resolved, text: {{en: x, zh: 乙}}}}\n"),
        false,
    );
    let id = f
        .iter()
        .find(|x| x.3.contains("id `again?` is not allowed"))
        .unwrap();
    assert!(id.4.ends_with("e.g. `again`"), "{id:?}");
    let dangling = f
        .iter()
        .find(|x| x.3.contains("has no node `agian`"))
        .unwrap();
    assert!(!dangling.4.contains("again?"), "{dangling:?}");
    // A pack's fact as a node's `fact:` says what `fact:` takes.
    let f = one(
        &env,
        &format!("{HEAD}      - {{id: a, kind: text, fact: kiosk_number, ask: {{en: Q, zh: 问}}, otherwise: b}}\n      - {{id: b, kind: resolved, text: {{en: x, zh: 乙}}}}\n"),
    );
    assert_eq!(f.3, "unknown fact `kiosk_number` in node `a`");
    assert!(
        f.4.starts_with("`fact:` takes only a built-in fact: `merchant`,")
            && f.4.ends_with("A pack's own facts (under `facts:`) are asked for at the escalation: list them in `have_ready`"),
        "{f:?}"
    );
    // A quoted version.
    let f = one(
        &env,
        &format!(
            "version: \"1\"\n{HEAD}      - {{id: a, kind: resolved, text: {{en: x, zh: 乙}}}}\n"
        ),
    );
    assert_eq!((f.1, f.2), (1, 10));
    assert_eq!(
        f.3,
        "`version` must be a whole number, written without quotes: `\"1\"` is text"
    );
    assert_eq!(f.4, "write `version: 1`");
    // An empty pattern.
    let f = one(&env, &route_pack(""));
    assert_eq!((f.1, f.2), (12, 20));
    assert!(
        f.3.starts_with(
            "route 1 of node `a` has an empty pattern: it matches only an empty answer"
        ),
        "{f:?}"
    );
}

#[test]
fn a_missing_check_or_tree_says_where_it_is() {
    let env = Env::new();
    // --no-builtin leaves out the built-in check a pack uses.
    let f = one(
        &env,
        &format!("{HEAD}      - {{id: a, kind: check, use: restart-soft, yes: b, no: b}}\n      - {{id: b, kind: resolved, text: {{en: x, zh: 乙}}}}\n"),
    );
    assert!(
        f.3.starts_with("no shared check is called `restart-soft`"),
        "{f:?}"
    );
    assert_eq!(
        f.4,
        "`restart-soft` is a built-in check, and --no-builtin leaves the built-in rules out: drop --no-builtin, or define `restart-soft` in your pack"
    );
    // A code's tree defined in a file of the pack that was not loaded: not
    // "did you mean" a loaded tree of a similar name.
    let tree = |id: &str| {
        format!("trees:\n  - id: {id}\n    title: {{en: T, zh: 甲}}\n    category: hardware\n    keywords: {{zh: [甲]}}\n    start: a\n    nodes:\n      - {{id: a, kind: resolved, text: {{en: x, zh: 乙}}}}\n")
    };
    let other = env.write("other/printer.yaml", tree("kiosk-printer"));
    env.write("kiosk/reader.yaml", tree("kiosk-reader"));
    let codes = env.write(
        "kiosk/codes.yaml",
        "codes:\n  - {code: \"K1\", meaning: {en: m, zh: 义}, owner: terminal, action: {en: a, zh: 做}, tree: kiosk-reader}\n",
    );
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&other)
        .args(["validate", "--json"])
        .arg(&codes)
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    let f = &v["findings"][0];
    assert_eq!(
        f["message"],
        "code `K1` names no tree called `kiosk-reader`"
    );
    let hint = f["hint"].as_str().unwrap();
    assert!(hint.contains("reader.yaml, which is not loaded"), "{hint}");
    assert!(!hint.contains("kiosk-printer"), "{hint}");
}

#[test]
fn a_file_of_contacts_or_facts_alone_is_a_file() {
    let env = Env::new();
    let f = findings(
        &env,
        "contacts:\n  vendor:\n    name: {en: Lotus desk, zh: 莲花}\n    phone: \"400-555-0123 ext 5\"\n",
        false,
    );
    assert!(f.is_empty(), "{f:#?}");
    let f = findings(
        &env,
        "facts:\n  - id: kiosk_number\n    label: {en: Kiosk number, zh: 自助机编号}\n    kind: digits\n",
        false,
    );
    assert!(f.is_empty(), "{f:#?}");
    // A phone the message refuses is refused, and the other way round.
    let f = one(
        &env,
        "contacts:\n  vendor:\n    name: {en: Lotus desk, zh: 莲花}\n    phone: \"call 555 0123\"\n",
    );
    assert_eq!(
        f.3,
        "`call 555 0123` is not a phone number: use digits, spaces and + - ( ) . / only, and write an extension as `ext 5`"
    );
    // Nothing at all is still an error.
    let f = one(&env, "version: 1\ntrees: []\n");
    assert_eq!(
        f.3,
        "the file defines nothing: no trees, checks, codes, contacts, facts or probes"
    );
}

#[test]
fn routes_read_as_what_they_take() {
    let env = Env::new();
    let pack = env.write(
        "pack/t.yaml",
        format!("{HEAD}      - id: a\n        kind: text\n        ask: {{en: Code?, zh: 代码？}}\n        routes:\n          - {{match: \"5\\\\d\", next: ok}}\n          - {{match: \"\\\\d{{3,}}\", next: ok}}\n          - {{match: \"x?\", next: ok}}\n        otherwise: ok\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "--rules"])
        .arg(&pack)
        .args(["checklist", "t", "--width", "200"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(out.contains("a 2-digit code starting with “5”"), "{out}");
    assert!(out.contains("a number of 3 or more digits"), "{out}");
    assert!(!out.contains("any number"), "{out}");
    // `x?` also matches an empty answer, which is never given: a warning.
    let f = one(&env, &std::fs::read_to_string(&pack).unwrap());
    assert_eq!((f.0.as_str(), f.1, f.2), ("warning", 14, 21));
    assert_eq!(
        f.3,
        "route 3 of node `a`: the pattern `x?` also matches an empty answer, which is never given: it takes only “x”"
    );
}

#[test]
fn a_check_in_a_broken_file_costs_its_users_one_finding_each_not_knock_ons() {
    let env = Env::new();
    env.write(
        "pack/checks.yaml",
        "checks:\n  - id: wipe\n    rung: reset\n    do: {en: Wipe, zh: 清}\n    caution: {en: erases, zh: 清}\n    destructive: true\n   bad: [\n",
    );
    env.write(
        "pack/tree.yaml",
        format!("{HEAD}      - {{id: a, kind: check, use: wipe, yes: ok, no: ok, skip: ok}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "validate", "--json"])
        .arg(env.home().join("pack"))
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    let msgs: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert_eq!(
        msgs[1].0,
        "no shared check is called `wipe` (`use` of node `a`)"
    );
    assert!(
        msgs[1]
            .1
            .ends_with("checks.yaml, which has errors (fix those first)"),
        "{msgs:#?}"
    );
    assert!(
        !msgs.iter().any(|m| m.0.contains("`skip` applies only")),
        "{msgs:#?}"
    );
}
