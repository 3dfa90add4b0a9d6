//! Probe targets as rule files write them: literal hosts, names, URLs and
//! paths, or the profile's placeholders (`{profile.terminal_ip}`), which are
//! filled in when a probe runs. Shared by the loader (which checks them,
//! also in build.rs) and the probes (which fill them).

use std::ops::Range;

/// The profile keys a target may name, as `{profile.KEY}`.
pub const PLACEHOLDERS: &[&str] = &[
    "terminal_ip",
    "terminal_port",
    "acquirer_host",
    "acquirer_port",
    "test_url",
];

/// How long a probe may take when its rule does not say, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 3000;

/// The longest `timeout_ms` a rule may give.
pub const MAX_TIMEOUT_MS: u64 = 30_000;

/// How far the clock may be off when a `clock` probe does not say.
pub const DEFAULT_MAX_SKEW_MINUTES: u32 = 5;

/// The placeholders that stand for a port.
pub const PORT_PLACEHOLDERS: &[&str] = &["terminal_port", "acquirer_port"];

/// A part of a target: literal text, or a profile key to fill in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Lit(&'a str),
    Key(&'a str),
}

/// Why a target is not usable: the bytes of the text it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetError {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

fn allowed_list() -> String {
    PLACEHOLDERS
        .iter()
        .map(|k| format!("`{{profile.{k}}}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The literal parts and placeholders of `t`, or the first bad `{…}`.
pub fn pieces(t: &str) -> Result<Vec<Piece<'_>>, TargetError> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = t[rest..].find(['{', '}']).map(|i| i + rest) {
        if t.as_bytes()[open] == b'}' {
            return Err(TargetError {
                span: open..open + 1,
                message: "this `}` closes no placeholder".into(),
                hint: format!("a placeholder is written whole: {}", allowed_list()),
            });
        }
        let Some(close) = t[open..].find('}').map(|i| i + open) else {
            return Err(TargetError {
                span: open..t.len(),
                message: "this `{` is never closed".into(),
                hint: format!("a placeholder is written whole: {}", allowed_list()),
            });
        };
        if open > rest {
            out.push(Piece::Lit(&t[rest..open]));
        }
        let inner = &t[open + 1..close];
        let key = inner.strip_prefix("profile.").unwrap_or("");
        if !PLACEHOLDERS.contains(&key) {
            let hint = match crate::diag::did_you_mean(
                inner.strip_prefix("profile.").unwrap_or(inner),
                PLACEHOLDERS.iter().copied(),
            ) {
                Some(best) => format!("did you mean `{{profile.{best}}}`?"),
                None => format!("a target may use {}", allowed_list()),
            };
            return Err(TargetError {
                span: open..close + 1,
                message: format!("unknown placeholder `{{{inner}}}`"),
                hint,
            });
        }
        out.push(Piece::Key(key));
        rest = close + 1;
    }
    if rest < t.len() {
        out.push(Piece::Lit(&t[rest..]));
    }
    Ok(out)
}

/// The profile keys `t` names (none when it has a bad placeholder).
pub fn keys(t: &str) -> Vec<&str> {
    pieces(t)
        .map(|p| {
            p.into_iter()
                .filter_map(|p| match p {
                    Piece::Key(k) => Some(k),
                    Piece::Lit(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `t` with its placeholders filled by `get`, or the keys that have no value.
pub fn fill(t: &str, get: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<String>> {
    let pieces = pieces(t).map_err(|_| Vec::new())?;
    let mut out = String::new();
    let mut missing = Vec::new();
    for p in pieces {
        match p {
            Piece::Lit(l) => out.push_str(l),
            Piece::Key(k) => match get(k) {
                Some(v) => out.push_str(&v),
                None => {
                    if !missing.iter().any(|m| m == k) {
                        missing.push(k.to_owned());
                    }
                }
            },
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// `host:port`, with an IPv6 address in brackets (`[::1]:8888`).
pub fn host_port(host: &str, port: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A status range as written: `200`, `"200-399"`.
pub fn parse_status(s: &str) -> Result<(u16, u16), String> {
    let code = |t: &str| -> Result<u16, String> {
        match t.trim().parse::<u16>() {
            Ok(c) if (100..=599).contains(&c) => Ok(c),
            _ => Err(format!(
                "`{}` is not an HTTP status: use a code from 100 to 599",
                t.trim()
            )),
        }
    };
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (code(a)?, code(b)?);
            if a > b {
                return Err(format!("the range `{s}` runs backwards: write `{b}-{a}`"));
            }
            Ok((a, b))
        }
        None => code(s).map(|c| (c, c)),
    }
}

/// Statuses as a person reads them: `200-399`, `200, 204`.
pub fn describe_status(ranges: &[(u16, u16)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_filled() {
        let t = "http://{profile.acquirer_host}:{profile.acquirer_port}/health";
        assert_eq!(keys(t), vec!["acquirer_host", "acquirer_port"]);
        let get = |k: &str| match k {
            "acquirer_host" => Some("h.invalid".to_owned()),
            _ => None,
        };
        assert_eq!(fill(t, &get), Err(vec!["acquirer_port".to_owned()]));
        let all = |k: &str| Some(if k == "acquirer_port" { "8443" } else { "h" }.to_owned());
        assert_eq!(fill(t, &all).unwrap(), "http://h:8443/health");
        assert_eq!(fill("plain.invalid", &get).unwrap(), "plain.invalid");
    }

    #[test]
    fn bad_placeholders_are_named_where_they_are() {
        let e = pieces("x{profile.terminal_iq}y").unwrap_err();
        assert_eq!(e.span, 1..22);
        assert!(e.message.contains("unknown placeholder"));
        assert!(e.hint.contains("{profile.terminal_ip}"), "{}", e.hint);
        assert_eq!(pieces("a{b").unwrap_err().span, 1..3);
        assert_eq!(pieces("a}b").unwrap_err().span, 1..2);
        assert!(pieces("{shell.rm}").is_err());
    }

    #[test]
    fn statuses_and_ports_read_as_people_write_them() {
        assert_eq!(parse_status("200-399"), Ok((200, 399)));
        assert_eq!(parse_status("204"), Ok((204, 204)));
        assert!(parse_status("399-200").is_err());
        assert!(parse_status("700").is_err());
        assert_eq!(describe_status(&[(200, 399), (418, 418)]), "200-399, 418");
        assert_eq!(host_port("::1", "80"), "[::1]:80");
        assert_eq!(host_port("127.0.0.1", "80"), "127.0.0.1:80");
    }
}
