//! No card data, ever: anything a person types that looks like a card
//! number is masked to its last four digits before it reaches a log, a
//! report or the screen.
//!
//! A card number here is 13–19 digits with a card-network first digit
//! (2–6) that pass the Luhn check. Digits may be written in any script
//! Unicode calls decimal (`４１１１` as Chinese input methods type them,
//! Arabic-Indic `٤١١١`, Devanagari, …), and the groups may be separated by
//! any run of separators: ASCII and Unicode spaces (no-break, ideographic
//! U+3000, thin, figure, zero-width), tabs and line breaks, and `-` `.` `/`
//! `,` `_` with their full-width and typographic forms (`－` `．` `／` `，`
//! `＿` `、` `–` `—`); a control or bidi character hidden between the groups
//! counts as a separator too.

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
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let v = cp - zero;
    // Lossless: v < 10 was just checked.
    (v < 10).then_some(v as u8)
}

/// True for the characters allowed between the digit groups of a card
/// number (any run of them).
pub fn is_separator(c: char) -> bool {
    // Line breaks and any other control or bidi character count too: one
    // hidden between the groups must not hide the number.
    crate::sanitize::is_dangerous(c)
        || matches!(
            c,
            ' ' | '\t'
                | '-'
                | '.'
                | '/'
                | ','
                | '_'
                | '\u{a0}'              // no-break space
                | '\u{1680}'            // ogham space
                | '\u{2000}'..='\u{200b}' // en quad … thin, hair, zero-width space
                | '\u{2010}'..='\u{2015}' // hyphen, non-breaking hyphen, figure/en/em dash
                | '\u{2024}'            // one dot leader
                | '\u{202f}'            // narrow no-break space
                | '\u{205f}'            // medium mathematical space
                | '\u{2060}'            // word joiner
                | '\u{2212}'            // minus sign
                | '\u{3000}'            // ideographic space
                | '\u{3001}'            // ideographic comma 、
                | '\u{3002}'            // ideographic full stop 。
                | '\u{30fb}'            // katakana middle dot ・
                | '\u{fe58}'            // small em dash
                | '\u{fe63}'            // small hyphen-minus
                | '\u{feff}'            // zero-width no-break space
                | '\u{ff0c}'            // ，
                | '\u{ff0d}'            // －
                | '\u{ff0e}'            // ．
                | '\u{ff0f}'            // ／
                | '\u{ff3f}'            // ＿
                | '\u{ff61}'            // halfwidth ideographic full stop
                | '\u{ff64}'            // halfwidth ideographic comma
        )
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
/// masked.
///
/// Numbers written next to each other ("05 4111 1111 1111 1111") form one
/// run of digits, so every window of 13–19 digits from one group's start
/// to another group's end is tried, longest first.
pub fn mask_card_numbers(text: &str) -> (String, bool) {
    match mask(text) {
        Cow::Borrowed(_) => (text.to_owned(), false),
        Cow::Owned(s) => (s, true),
    }
}

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
        // A run of digits, with runs of separators between them: the
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
            while k < chars.len() && is_separator(chars[k]) {
                k += 1;
            }
            if k > j && k < chars.len() && digit_value(chars[k]).is_some() {
                j = k;
            } else {
                break;
            }
        }
        let digits: Vec<u8> = at
            .iter()
            .map(|&k| digit_value(chars[k]).unwrap_or(0))
            .collect();
        // Windows start and end where the digit groups do, so one long
        // number is never read as a card from its middle. Every window that
        // is a card number is masked, overlapping ones too: a date written
        // just before a card must not shift which digits stay visible.
        let starts: Vec<usize> = (0..at.len())
            .filter(|&d| d == 0 || at[d] != at[d - 1] + 1)
            .collect();
        let is_end = |e: usize| e == at.len() || at[e] != at[e - 1] + 1;
        for &s in &starts {
            for n in 13..=19 {
                if s + n <= digits.len() && is_end(s + n) && is_card_number(&digits[s..s + n]) {
                    for &k in &at[s..s + n - 4] {
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

    #[test]
    fn normalized_digits() {
        assert_eq!(normalize_digits("４１ １-1 a"), "4111a");
    }
}
