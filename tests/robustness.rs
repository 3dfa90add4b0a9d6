//! Impossible to break with bad input: arbitrary and mangled rule files,
//! arbitrary answers and arbitrary text never make posdoctor panic or hang.

use std::io::Write;

use posdoctor::engine::{State, Walk};
use posdoctor::privacy::{luhn, mask_card_numbers};
use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::validate;
use proptest::prelude::*;

fn load_text(text: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.yaml");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text)
        .unwrap();
    let loaded = load(&LoadOptions {
        builtin: false,
        packs: vec![path],
    });
    let findings = validate::check(&loaded.rules);
    for d in loaded.diagnostics.iter().chain(&findings) {
        let _ = d.render(false);
    }
    loaded.diagnostics.len() + findings.len()
}

const BUILTIN: &[&str] = &[
    include_str!("../rules/no-power.yaml"),
    include_str!("../rules/transaction-failed.yaml"),
    include_str!("../rules/checks.yaml"),
    include_str!("../rules/codes.yaml"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        load_text(&bytes);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(text in "[a-z:\\-\\[\\]{}, \n\t'\"&*!|>#0-9中]{0,400}") {
        load_text(text.as_bytes());
    }

    #[test]
    fn mangled_builtin_files_never_panic(file in 0..BUILTIN.len(), cut in 0usize..20_000, len in 0usize..40, insert in "[a-z:\\- \n{}\\[\\]]{0,6}") {
        let src = BUILTIN[file];
        let at = src.char_indices().map(|(i, _)| i).nth(cut % src.chars().count()).unwrap_or(0);
        let end = src[at..].char_indices().map(|(i, _)| at + i).nth(len).unwrap_or(src.len());
        let mangled = format!("{}{insert}{}", &src[..at], &src[end..]);
        load_text(mangled.as_bytes());
    }

    #[test]
    fn arbitrary_answers_never_panic_and_walks_end(tree in 0usize..13, answers in proptest::collection::vec("(yes|no|skip|continue|[a-z0-9-]{0,12}|0?5|91)", 0..60)) {
        let rules = load(&LoadOptions { builtin: true, packs: vec![] }).rules;
        let id = rules.trees()[tree % rules.trees().len()].id.clone();
        let mut walk = Walk::start(&rules, &id).unwrap();
        for (i, a) in answers.iter().enumerate() {
            if i % 7 == 6 {
                walk.back();
                continue;
            }
            let _ = walk.answer_str(a);
            if matches!(walk.state(), State::Done(_)) {
                break;
            }
        }
    }

    #[test]
    fn masking_leaves_no_card_number(text in "[0-9 \\-a-z]{0,80}", card in "4[0-9]{15}") {
        // Make the card number Luhn-valid by fixing its last digit.
        let mut digits: Vec<u8> = card.bytes().map(|b| b - b'0').collect();
        for d in 0..10 {
            digits[15] = d;
            if luhn(&digits) { break; }
        }
        let card: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let input = format!("{text} {card} {text}");
        let (out, masked) = mask_card_numbers(&input);
        prop_assert!(masked);
        prop_assert!(!out.contains(&card));
        // At least the first twelve digits are gone (a digit written right
        // after the card may be read as part of it: masking more is safe).
        prop_assert!(out.matches('*').count() >= 12);
        prop_assert!(!out.contains(&card[..12]));
        let (again, _) = mask_card_numbers(&out);
        prop_assert_eq!(again, out);
    }
}
