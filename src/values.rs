//! What a shop's fact may be: the checks `profile set`, the escalation's
//! fact prompts and a pack's contacts share (identifiers and dates by their
//! form, free text for length, card numbers masked). Shared with build.rs,
//! which loads the built-in rules with the same code.

use anyhow::{anyhow, bail, Result};

use crate::i18n::{fill, Lang, Msg};
use crate::privacy::mask_card_numbers;

/// A value checked for its key. `masked` is true when a card number was
/// removed from free text.
pub struct Checked {
    pub value: String,
    pub masked: bool,
}

fn ok(value: &str) -> Checked {
    Checked {
        value: value.to_owned(),
        masked: false,
    }
}

/// A phone number and its extension (`400-555-0123 ext 5` → the number
/// and `5`), when it has one.
fn split_extension(v: &str) -> (&str, Option<&str>) {
    let lower = v.to_ascii_lowercase();
    for mark in [" ext. ", " ext ", " ext.", " ext", " x ", " x"] {
        if let Some(i) = lower.rfind(mark) {
            return (&v[..i], Some(v[i + mark.len()..].trim()));
        }
    }
    (v, None)
}

/// True for an identifier that can only be a card number: it holds one,
/// and 16 digits or more (a merchant ID has at most 15, ISO 8583 field
/// 42), so no shop's ID is taken for one.
pub fn can_only_be_a_card(v: &str) -> bool {
    let digits = v
        .chars()
        .filter(|c| crate::privacy::digit_value(*c).is_some())
        .count();
    digits >= 16 && crate::privacy::mask_text(v).1
}

/// Checks `value` for `key`: identifiers and dates by their form; free
/// text for length and card numbers (masked, never stored).
pub fn check_value(key: &str, value: &str) -> Result<Checked> {
    check_value_in(key, value, Lang::En)
}

/// True for an IPv4 or IPv6 address, or a host name (letters, digits and
/// `-` in dot-separated labels, not all digits at the end).
pub fn is_host(v: &str) -> bool {
    let bare = v.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
    if bare.unwrap_or(v).parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let v = v.strip_suffix('.').unwrap_or(v);
    let labels: Vec<&str> = v.split('.').collect();
    v.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|l| !l.chars().all(|c| c.is_ascii_digit()))
}

/// True for an http:// or https:// address with a host.
pub fn is_web_url(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let rest = match lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        Some(r) => &v[v.len() - r.len()..],
        None => return false,
    };
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) || v.len() > 2000 {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(end) = host_port.find(']') {
        (&host_port[..=end], host_port[end + 1..].strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    is_host(host) && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0))
}

/// [`check_value`], with a refused probe target explained in `lang`.
pub fn check_value_in(key: &str, value: &str, lang: Lang) -> Result<Checked> {
    if matches!(
        key,
        "terminal_ip" | "terminal_port" | "acquirer_host" | "acquirer_port" | "test_url"
    ) {
        let folded = crate::i18n::narrow(value);
        let v = folded.trim();
        let shown = crate::sanitize::visible(&crate::privacy::mask(v)).into_owned();
        if v.is_empty() {
            bail!(
                "the value for `{key}` is empty; use `posdoctor profile unset {key}` to remove it"
            );
        }
        if crate::privacy::mask_text(v).1 {
            bail!(
                "{}",
                fill(Msg::TargetIsCard.get(lang), &[("value", &shown)])
            );
        }
        let good = match key {
            "terminal_port" | "acquirer_port" => v.parse::<u16>().is_ok_and(|n| n > 0),
            "test_url" => is_web_url(v),
            _ => is_host(v),
        };
        if !good {
            let msg = match key {
                "terminal_port" | "acquirer_port" => Msg::BadPort,
                "test_url" => Msg::BadUrl,
                _ => Msg::BadHost,
            };
            bail!(
                "{}",
                fill(msg.get(lang), &[("value", &shown), ("key", key)])
            );
        }
        let v = match key {
            "terminal_port" | "acquirer_port" => {
                v.parse::<u16>().map(|n| n.to_string()).unwrap_or_default()
            }
            _ => v.to_owned(),
        };
        return Ok(Checked {
            value: v,
            masked: false,
        });
    }
    let field = key.rsplit('.').next().unwrap_or(key);
    // Identifiers, dates and phone numbers typed on a Chinese keyboard come
    // in full-width forms (１２３, －, ＋): read them as the ASCII they mean.
    let folded;
    let value = if matches!(
        field,
        "mid" | "tid" | "serial" | "purchase_date" | "warranty_until" | "connection" | "phone"
    ) {
        folded = crate::i18n::narrow(value).into_owned();
        folded.as_str()
    } else {
        value
    };
    let v = value.trim();
    // What an error may echo: never a card number, never a control character.
    let shown = crate::sanitize::visible(&crate::privacy::mask(v)).into_owned();
    let say = |msg: Msg, what: &str| {
        anyhow!(
            "{}",
            fill(
                msg.get(lang),
                &[("value", &shown), ("key", key), ("what", what)]
            )
        )
    };
    if v.is_empty() {
        return Err(say(Msg::ValueEmpty, ""));
    }
    let alnum = |min: usize, max: usize| {
        v.len() >= min && v.len() <= max && v.chars().all(|c| c.is_ascii_alphanumeric())
    };
    // The shop's own identifiers are never masked, but a number that can
    // only be a card (16–19 digits: a merchant ID has at most 15, ISO 8583
    // field 42) is not stored as one.
    if matches!(field, "mid" | "tid" | "serial") && can_only_be_a_card(v) {
        let what = match field {
            "mid" => Msg::WhatMid,
            "tid" => Msg::WhatTid,
            _ => Msg::WhatSerial,
        };
        return Err(say(Msg::ValueLooksLikeCard, what.get(lang)));
    }

    match (key, field) {
        ("mid", _) if !alnum(4, 20) => Err(say(Msg::BadMid, "")),
        ("tid", _) if !alnum(4, 16) => Err(say(Msg::BadTid, "")),
        ("mid" | "tid", _) => Ok(ok(v)),
        ("serial", _) => {
            let good = v.len() <= 40
                && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " ._/-".contains(c));
            if !good {
                return Err(say(Msg::BadSerial, ""));
            }
            Ok(ok(v))
        }
        ("purchase_date" | "warranty_until", _) => {
            let date: jiff::civil::Date = v.parse().map_err(|_| say(Msg::BadDate, ""))?;
            if date.to_string() != v {
                return Err(say(Msg::BadDate, ""));
            }
            Ok(ok(v))
        }
        ("connection", _) => match v.to_lowercase().as_str() {
            c @ ("wifi" | "mobile" | "ethernet" | "base") => Ok(ok(c)),
            _ => Err(say(Msg::BadConnection, "")),
        },
        (_, "phone") => {
            // The number, then an extension written as `ext 5` (or `ext. 5`,
            // `x 5`): what the message says, and nothing else.
            let (number, ext) = split_extension(v);
            let good = v.len() <= 40
                && number.chars().filter(|c| c.is_ascii_digit()).count() >= 3
                && number
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
                && ext.is_none_or(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
            if !good {
                return Err(say(Msg::BadPhone, ""));
            }
            // A card number typed into the wrong box is still a card number.
            let (value, masked) = mask_card_numbers(v);
            Ok(Checked { value, masked })
        }
        _ => {
            if v.chars().count() > 200 {
                return Err(say(Msg::ValueTooLong, ""));
            }
            let (value, masked) = crate::privacy::mask_text(v);
            Ok(Checked { value, masked })
        }
    }
}
