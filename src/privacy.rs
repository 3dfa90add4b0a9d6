//! No card data, ever: anything a person types that looks like a card
//! number is masked to its last four digits before it reaches a log, a
//! report or the screen.
//!
//! A card number here is 13–19 digits with a card-network first digit
//! (2–6) that pass the Luhn check. Digits may be written in any script
//! Unicode calls decimal (`４１１１` as Chinese input methods type them,
//! Arabic-Indic `٤١١１`, Devanagari, …).
//!
//! Between the digits, anything that is neither a letter nor a number
//! separates groups: spaces, punctuation and symbols of every script
//! (`-` `.` `:` `·` `、` `٬` `〜` `•` …), and every character with no width
//! of its own — controls, escape sequences, bidi marks, format characters
//! (U+200D, U+00AD, tags), combining marks and variation selectors — even
//! the ones Unicode files as letters. A gap between two digits may hold
//! at most [`MAX_VISIBLE_GAP`] characters that take room on the screen (a
//! sentence between two numbers keeps them apart); the invisible ones do
//! not count, as they put no distance between the digits a person reads.
//!
//! Which runs of digits are tried:
//! - a window of 13–19 digits that starts and ends where the written
//!   groups do (`05 4111 1111 1111 1111`: the `05` is its own group);
//! - a window of 15–19 digits anywhere in the run, wherever the groups
//!   start and end: a card glued to other digits (`054111111111111111`,
//!   `20241123` written right before a card, `4111 1111 1111 11110`).
//!   Shorter windows are not tried so: 13- and 14-digit cards are
//!   retired, and such windows would mask one 15-digit merchant ID or
//!   14-digit timestamp in four. The price: a long stretch of numbers
//!   written with no word between them (a date, a time and an amount) is
//!   partly masked when 15 of its digits happen to pass the check — about
//!   one such text in ten. Masking too much loses nothing that matters;
//!   keeping a card number would.
//!
//! Every window that passes is masked, overlapping ones too.

use std::borrow::Cow;

/// The first code point (the digit zero) of every run of ten Unicode
/// decimal digits (general category Nd, Unicode 16). Unicode guarantees
/// that every Nd digit belongs to such a run, in order 0–9.
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8,
    0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The value of `c` when it is a decimal digit in any script.
pub fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let cp = u32::from(c);
    if cp < DIGIT_ZEROS[1] {
        return None;
    }
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let v = cp - zero;
    // Lossless: v < 10 was just checked.
    (v < 10).then_some(v as u8)
}

/// Most characters that take room on the screen one gap between two digit
/// groups may hold (`4111 - 1111` has three); invisible ones are free.
pub const MAX_VISIBLE_GAP: usize = 6;

/// True for the characters that may stand between the digit groups of a
/// card number: anything but a letter or a number, and any character with
/// no width of its own (format characters, combining marks, variation
/// selectors, tags, controls), letters among them.
pub fn is_separator(c: char) -> bool {
    digit_value(c).is_none() && (!c.is_alphanumeric() || is_invisible(c))
}

/// True for a character that takes no room on the screen: controls, bidi
/// marks, and what Unicode gives no width (format characters, combining
/// marks, default-ignorable code points).
fn is_invisible(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    crate::sanitize::is_dangerous(c) || c.width().unwrap_or(0) == 0
}

/// True when the digits pass the Luhn check.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Masks every card number in `text`, keeping its separators: the digits
/// but the last four become `*`. Returns the text and whether anything was
/// masked. Which windows of digits are tried: see the module docs.
pub fn mask_card_numbers(text: &str) -> (String, bool) {
    match mask(text) {
        Cow::Borrowed(_) => (text.to_owned(), false),
        Cow::Owned(s) => (s, true),
    }
}

/// Free text as it may be kept: card numbers masked, then control
/// characters and escape sequences removed, then masked again. Both
/// passes are needed: a control character between the groups hides
/// nothing from the first (it separates), and an escape sequence that
/// swallows digits (`ESC [ 4700`) or splits a number (`4111 ESC[0m 1111`)
/// hides nothing from the second.
pub fn mask_text(text: &str) -> (String, bool) {
    let (first, a) = mask_card_numbers(text);
    let (second, b) = mask_card_numbers(&crate::sanitize::strip(&first));
    (second, a || b)
}

/// An identifier or a file name as it may be shown: card numbers masked,
/// then control characters shown visibly (`\u{1b}`).
pub fn mask_id(text: &str) -> (String, bool) {
    let (m, masked) = mask_card_numbers(text);
    (crate::sanitize::visible(&m).into_owned(), masked)
}

/// Shortest window tried anywhere in a run of digits, not only where the
/// written groups start and end (see the module docs).
const MIN_GLUED: usize = 15;

/// [`mask_card_numbers`] without a copy when there is nothing to mask.
pub fn mask(text: &str) -> Cow<'_, str> {
    // Fewer than 13 digits of any script cannot hold a card number.
    if text
        .chars()
        .filter(|c| digit_value(*c).is_some())
        .take(13)
        .count()
        < 13
    {
        return Cow::Borrowed(text);
    }
    let mut chars: Vec<char> = text.chars().collect();
    let mut masked = false;
    let mut i = 0;
    while i < chars.len() {
        if digit_value(chars[i]).is_none() {
            i += 1;
            continue;
        }
        // A run of digits, with short gaps of separators between them: the
        // positions of its digits.
        let mut at: Vec<usize> = Vec::new();
        let mut j = i;
        while j < chars.len() {
            if digit_value(chars[j]).is_some() {
                at.push(j);
                j += 1;
                continue;
            }
            let mut k = j;
            let mut shown = 0;
            while k < chars.len() && is_separator(chars[k]) && shown <= MAX_VISIBLE_GAP {
                if !is_invisible(chars[k]) {
                    shown += 1;
                }
                k += 1;
            }
            if k > j
                && shown <= MAX_VISIBLE_GAP
                && k < chars.len()
                && digit_value(chars[k]).is_some()
            {
                j = k;
            } else {
                break;
            }
        }
        let digits: Vec<u8> = at
            .iter()
            .map(|&k| digit_value(chars[k]).unwrap_or(0))
            .collect();
        // Windows of 13–19 digits that start and end where the written
        // groups do, and windows of 15–19 digits anywhere (a card glued to
        // other digits). Every window that is a card number is masked,
        // overlapping ones too: a date written just before a card must not
        // shift which digits stay visible.
        let is_start = |s: usize| s == 0 || at[s] != at[s - 1] + 1;
        let is_end = |e: usize| e == at.len() || at[e] != at[e - 1] + 1;
        for s in 0..digits.len() {
            for n in 13..=19 {
                let e = s + n;
                if e > digits.len() {
                    break;
                }
                if (n >= MIN_GLUED || (is_start(s) && is_end(e))) && is_card_number(&digits[s..e]) {
                    for &k in &at[s..e - 4] {
                        chars[k] = '*';
                    }
                    masked = true;
                }
            }
        }
        i = j.max(i + 1);
    }
    if masked {
        Cow::Owned(chars.into_iter().collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// 13–19 digits, a card-network first digit (2–6), and the Luhn check.
fn is_card_number(digits: &[u8]) -> bool {
    (13..=19).contains(&digits.len()) && (2..=6).contains(&digits[0]) && luhn(digits)
}

/// Every digit of `text` in any script, as ASCII, separators dropped and
/// other characters kept: what a search for a leaked card number reads.
pub fn normalize_digits(text: &str) -> String {
    text.chars()
        .filter(|c| !is_separator(*c))
        .map(|c| digit_value(c).map_or(c, |d| char::from(b'0' + d)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_check() {
        assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
    }

    #[test]
    fn digit_table_is_sound() {
        for &z in DIGIT_ZEROS {
            for v in 0..10u32 {
                let c = char::from_u32(z + v).expect("a digit is a char");
                assert!(c.is_numeric(), "U+{:X}", z + v);
                assert_eq!(digit_value(c), Some(v as u8), "U+{:X}", z + v);
            }
        }
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        for c in ['a', '²', '½', 'Ⅻ', '一', '*', '\u{2f}', '\u{3a}'] {
            assert_eq!(digit_value(c), None, "{c}");
        }
        assert_eq!(digit_value('４'), Some(4));
        assert_eq!(digit_value('٤'), Some(4));
        assert_eq!(digit_value('۴'), Some(4));
        assert_eq!(digit_value('४'), Some(4));
    }

    #[test]
    fn masks_card_numbers_in_any_layout() {
        let (t, m) = mask_card_numbers("card 4111 1111 1111 1111 was declined");
        assert_eq!(t, "card **** **** **** 1111 was declined");
        assert!(m);
        let (t, _) = mask_card_numbers("5500-0000-0000-0004");
        assert_eq!(t, "****-****-****-0004");
        let (t, _) = mask_card_numbers("卡号6011000990139424失败");
        assert_eq!(t, "卡号************9424失败");
        let (t, _) = mask_card_numbers("2223003122003222");
        assert_eq!(t, "************3222");
    }

    #[test]
    fn masks_every_script_and_separator() {
        for (input, want) in [
            ("４１１１１１１１１１１１１１１１", "************１１１１"),
            ("٤١١١١١١١١١١١١١١١", "************١١١١"),
            (
                "4111\u{a0}1111\u{a0}1111\u{a0}1111",
                "****\u{a0}****\u{a0}****\u{a0}1111",
            ),
            (
                "４１１１\u{3000}１１１１\u{3000}１１１１\u{3000}１１１１",
                "****\u{3000}****\u{3000}****\u{3000}１１１１",
            ),
            ("4111.1111.1111.1111", "****.****.****.1111"),
            ("4111  1111  1111  1111", "****  ****  ****  1111"),
            ("4111\t1111\t1111\t1111", "****\t****\t****\t1111"),
            ("4111/1111/1111/1111", "****/****/****/1111"),
            ("4111,1111,1111,1111", "****,****,****,1111"),
            ("4111_1111_1111_1111", "****_****_****_1111"),
            ("4111 - 1111 - 1111 - 1111", "**** - **** - **** - 1111"),
            ("4111－1111．1111／1111", "****－****．****／1111"),
            (
                "4111\u{2009}1111\u{200b}1111\u{2013}1111",
                "****\u{2009}****\u{200b}****\u{2013}1111",
            ),
        ] {
            let (t, m) = mask_card_numbers(input);
            assert!(m, "{input:?}");
            assert_eq!(t, want, "{input:?}");
        }
    }

    #[test]
    fn leaves_other_numbers_alone() {
        // Not Luhn-valid, too short, or a first digit no card network uses.
        for s in [
            "4111 1111 1111 1112",
            "code 51 at 10:42",
            "411111111111",
            "7111111111111111111",
            "1234567812345670",
            "tel +86 21 1234 5678",
            "４１１１ １１１１ １１１１ １１１２",
            "",
        ] {
            assert_eq!(mask_card_numbers(s), (s.to_owned(), false), "{s}");
        }
    }

    #[test]
    fn numbers_written_next_to_a_card_number_do_not_hide_it() {
        let (t, m) = mask_card_numbers("code 05 4111 1111 1111 1111 declined");
        assert!(m);
        assert_eq!(t, "code 05 **** **** **** 1111 declined");
    }

    #[test]
    fn a_number_before_a_card_does_not_uncover_it() {
        // 2024-11-23 and the card's first groups pass the Luhn check too.
        for prefix in ["2024-11-23", "2", "20", "2024", "33 44"] {
            for card in [
                "4111 1111 1111 1111",
                "5500 0000 0000 0004",
                "3782 822463 10005",
            ] {
                let text = format!("{prefix} {card}");
                let (t, m) = mask_card_numbers(&text);
                assert!(m, "{text}");
                let digits: String = card.chars().filter(char::is_ascii_digit).collect();
                let shown: String = t.chars().filter(char::is_ascii_digit).collect();
                assert!(!shown.contains(&digits[..digits.len() - 4]), "{text} → {t}");
                assert!(!normalize_digits(&t).contains(&digits[4..]), "{text} → {t}");
            }
        }
    }

    #[test]
    fn hidden_characters_between_groups_do_not_hide_a_number() {
        for s in [
            "4111 1111\n1111 1111",
            "4111\r\n1111\u{1b}1111\u{202e}1111",
            "4111\u{85}1111\u{2028}1111\u{200f}1111",
        ] {
            let (t, m) = mask_card_numbers(s);
            assert!(m, "{s:?}");
            assert!(!normalize_digits(&t).contains("411111111111"), "{t:?}");
        }
    }

    /// The tester's card (Luhn-valid) and every separator they found
    /// missing: invisible and format characters, Arabic separators, dots,
    /// slashes and punctuation of many scripts.
    const CARD: &str = "4410946685234700";

    fn grouped(sep: &str) -> String {
        [&CARD[0..4], &CARD[4..8], &CARD[8..12], &CARD[12..16]].join(sep)
    }

    #[test]
    fn any_punctuation_symbol_or_invisible_character_separates_groups() {
        for sep in [
            "\u{200d}",
            "\u{200c}",
            "\u{ad}",
            "\u{34f}",
            "\u{fe0f}",
            "\u{2062}",
            "\u{180e}",
            "\u{2800}",
            "\u{e0020}",
            "\u{66c}",
            "\u{60c}",
            "\u{66b}",
            "\u{b7}",
            "\u{2027}",
            "\u{fe52}",
            "\u{2044}",
            "\u{2215}",
            "\\",
            "\u{fe50}",
            ":",
            "+",
            "*",
            "#",
            "|",
            "~",
            "'",
            "\"",
            "(",
            "•",
            "\u{2219}",
            "〜",
            "～",
            "：",
            "\u{2017}",
            "\u{5be}",
            "\u{1361}",
            "\u{17d4}",
            "\u{2032}",
            "°",
            "\u{345}",
            "\u{1b}",
            "\u{9b}",
            "\u{202e}",
            "\u{200d}\u{200d}\u{200d}\u{200d}\u{200d}\u{200d}\u{200d}\u{200d}\u{200d}",
            " - ",
            "  /  ",
            "\u{e0020}\u{e0041}\u{e007f}",
        ] {
            let text = format!("card {} end", grouped(sep));
            let (t, m) = mask_card_numbers(&text);
            assert!(m, "{sep:?}");
            assert!(
                !normalize_digits(&t).contains(&CARD[..12]),
                "{sep:?}: {t:?}"
            );
            assert!(
                t.ends_with(&format!("{} end", &CARD[12..])),
                "{sep:?}: {t:?}"
            );
        }
        // Full-width digits with such separators.
        let wide: String = grouped("\u{200d}")
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .map_or(c, |d| char::from_u32(0xff10 + d).unwrap())
            })
            .collect();
        assert!(mask_card_numbers(&wide).1);
    }

    #[test]
    fn digits_glued_to_a_card_do_not_hide_it() {
        for text in [
            format!("05{CARD}"),
            format!("{CARD}0"),
            format!("20241123{CARD}"),
            format!("ref 9{CARD}12 ok"),
            format!("x 1234-{CARD}-56"),
            format!("05{}", grouped(" ")),
            format!("{}0", grouped(" ")),
            format!("{}12", grouped("-")),
            format!("07{CARD}12"),
        ] {
            let (t, m) = mask_card_numbers(&text);
            assert!(m, "{text}");
            assert!(!normalize_digits(&t).contains(&CARD[..12]), "{text} → {t}");
            assert!(!normalize_digits(&t).contains(&CARD[2..14]), "{text} → {t}");
        }
    }

    #[test]
    fn shop_identifiers_dates_and_amounts_are_left_alone() {
        for s in [
            // A 15-digit merchant ID that is no card number.
            "MID 123456789012345",
            "MID: 123456789012345, TID: 12345678",
            "2024-11-23 10:42 total ¥1234.56",
            "2024-11-23 10:42:07 total 1,234.56",
            "20241123104207",
            "tel +86 (21) 1234-5678 ext. 12",
            // Numbers a sentence apart do not join.
            "4410 9466 and then, a while later, 8523 4700",
            "4410 9466 ...... 8523 4700",
        ] {
            assert_eq!(mask_card_numbers(s), (s.to_owned(), false), "{s}");
        }
    }

    #[test]
    fn controls_hide_nothing_before_or_after_stripping() {
        for text in [
            "4410 9466 8523 \u{1b}[4700",
            "4410 9466 \u{1b}8523 4700",
            "4410\u{1b}[31m9466\u{1b}[0m85234700",
            "4410 9466 8523 \u{9b}4700",
        ] {
            let (t, m) = mask_text(text);
            assert!(m, "{text:?}");
            let d = normalize_digits(&t);
            assert!(!d.contains("441094668523"), "{text:?} → {t:?}");
            assert!(!d.contains("44109466"), "{text:?} → {t:?}");
            assert!(!crate::sanitize::has_controls(&t), "{t:?}");
        }
        let (id, m) = mask_id("node-4410\u{1b}9466\u{1b}8523\u{1b}4700");
        assert!(m);
        assert!(!normalize_digits(&id).contains("44109466"), "{id}");
        assert!(!id.contains('\u{1b}'));
    }

    #[test]
    fn normalized_digits() {
        assert_eq!(normalize_digits("４１ １-1 a"), "4111a");
    }
}
