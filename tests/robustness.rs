//! Impossible to break with bad input: arbitrary and mangled rule files,
//! arbitrary answers and arbitrary text never make posdoctor panic or hang.

use std::io::Write;

use posdoctor::engine::{State, Walk};
use posdoctor::privacy::{luhn, mask_card_numbers, mask_text, normalize_digits};
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
    fn masking_leaves_no_card_number(
        text in "[0-9 \\-a-z:.]{0,80}",
        card in "[2-6][0-9]{15,18}",
        seps in proptest::collection::vec(SEPARATOR, 4),
        glue in proptest::collection::vec("[0-9]{0,3}", 2),
        wide in any::<bool>(),
    ) {
        // Make the card number Luhn-valid by fixing its last digit.
        let mut digits: Vec<u8> = card.bytes().map(|b| b - b'0').collect();
        let last = digits.len() - 1;
        for d in 0..10 {
            digits[last] = d;
            if luhn(&digits) { break; }
        }
        let card: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        // Written in groups of four with any separators, digits glued on
        // either side, in ASCII or full-width digits.
        let mut written = glue[0].clone();
        for (i, c) in card.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                written.push_str(&seps[(i / 4 - 1) % seps.len()]);
            }
            written.push(c);
        }
        written.push_str(&glue[1]);
        if wide {
            written = written.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0xff10 + d).unwrap())).collect();
        }
        let input = format!("{text} {written} {text}");
        let (out, masked) = mask_card_numbers(&input);
        prop_assert!(masked, "{:?}", input);
        // At least the first twelve digits are gone, whatever the layout.
        let shown = normalize_digits(&out);
        prop_assert!(!shown.contains(&card[..12]), "{:?} → {:?}", input, out);
        prop_assert!(!shown.contains(&card[card.len() - 12..card.len() - 4]), "{:?} → {:?}", input, out);
        // Masking again only ever masks more.
        let (again, _) = mask_card_numbers(&out);
        for (a, b) in out.chars().zip(again.chars()) {
            prop_assert!(a == b || b == '*');
        }
        // Control characters between the groups, stripped or not, hide nothing.
        let (text_out, _) = mask_text(&input);
        prop_assert!(!normalize_digits(&text_out).contains(&card[..12]));
    }
}

/// Separators a person, an input method or an attacker puts between the
/// groups of a card number.
const SEPARATOR: &str = "( |-|\\.|/|,|_|:|\\+|\\*|#|\\||~|'|\"|\\(|\\)|•|·|\u{2027}|\u{fe52}|\u{2044}|\u{2215}|\\\\|\u{fe50}|\u{2219}|〜|～|：|\u{2017}|\u{5be}|\u{1361}|\u{17d4}|\u{2032}|°|\u{66c}|\u{60c}|\u{66b}|\u{200d}|\u{200c}|\u{ad}|\u{34f}|\u{fe0f}|\u{2062}|\u{180e}|\u{2800}|\u{e0020}|\u{3000}|\u{a0}|\u{1b}|\u{9b}|\u{202e}|\u{2066}|\n|\t| - |\u{200d}{1,20})";
