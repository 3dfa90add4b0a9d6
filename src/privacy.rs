//! No card data, ever: anything a person types that looks like a card
//! number (13–19 digits, spaces or dashes allowed, a card-network first
//! digit 2–6, passing the Luhn check) is masked to its last four digits
//! before it reaches a log, a report or the screen.

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
    let mut chars: Vec<char> = text.chars().collect();
    let mut masked = false;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run of digits, with single spaces or dashes between them:
        // the positions of its digits.
        let mut at: Vec<usize> = Vec::new();
        let mut j = i;
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                at.push(j);
                j += 1;
            } else if matches!(chars[j], ' ' | '-')
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        let digits: Vec<u8> = at.iter().map(|&k| chars[k] as u8 - b'0').collect();
        // Windows start and end where the digit groups do, so one long
        // number is never read as a card from its middle.
        let starts: Vec<usize> = (0..at.len())
            .filter(|&d| d == 0 || at[d] != at[d - 1] + 1)
            .collect();
        let is_end = |e: usize| e == at.len() || at[e] != at[e - 1] + 1;
        let mut next_free = 0;
        for &s in &starts {
            if s < next_free {
                continue;
            }
            let longest = (13..=19).rev().find(|&n| {
                s + n <= digits.len() && is_end(s + n) && is_card_number(&digits[s..s + n])
            });
            if let Some(n) = longest {
                for &k in &at[s..s + n - 4] {
                    chars[k] = '*';
                }
                masked = true;
                next_free = s + n;
            }
        }
        i = j;
    }
    (chars.into_iter().collect(), masked)
}

/// 13–19 digits, a card-network first digit (2–6), and the Luhn check.
fn is_card_number(digits: &[u8]) -> bool {
    (13..=19).contains(&digits.len()) && (2..=6).contains(&digits[0]) && luhn(digits)
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
    fn leaves_other_numbers_alone() {
        // Not Luhn-valid, too short, or a first digit no card network uses.
        for s in [
            "4111 1111 1111 1112",
            "code 51 at 10:42",
            "411111111111",
            "7111111111111111111",
            "1234567812345670",
            "tel +86 21 1234 5678",
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
    fn double_spaces_break_a_number() {
        let s = "4111 1111  1111 1111";
        assert!(!mask_card_numbers(s).1);
    }
}
