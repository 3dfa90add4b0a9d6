//! Probes: the automated checks a rule file names (`probes:`), run against
//! targets from the rule or the shop's profile. A probe opens a TCP
//! connection, resolves a name, fetches a URL (ureq with rustls: HTTPS with
//! certificate checks), compares this computer's clock with a server's
//! `Date`, or looks whether a path exists — and nothing else: it never runs
//! a command. Every probe has a timeout, runs on its own thread, and Ctrl-C
//! interrupts the wait for it.
//!
//! The walk itself stays pure (`engine`): the session runs a step's probe
//! and gives its result to the front end as a suggested answer.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::i18n::{fill, Lang, Msg};
use crate::probe_target as pt;
use crate::profile::Profile;
use crate::rules::{Probe, ProbeTarget, RuleSet};

/// How a probe ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The check passed: the step's answer is yes.
    Pass,
    /// The check failed: the step's answer is no.
    Fail,
    /// It could not run (no target, or nothing to judge by): the question
    /// is asked as usual.
    Skipped,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skipped => "skipped",
        }
    }

    /// ✓, ✗ or –.
    pub fn mark(self) -> &'static str {
        match self {
            Outcome::Pass => "✓",
            Outcome::Fail => "✗",
            Outcome::Skipped => "–",
        }
    }
}

/// What a probe found: the evidence kept in the session log, `run --json`,
/// the report and `posdoctor check`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// The probe's id (`terminal-lan`).
    pub id: String,
    /// `tcp`, `dns`, `http`, `clock` or `path`.
    pub kind: String,
    /// What was checked, as a person reads it ("Terminal").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The target with the profile's values filled in (`192.168.1.50:8888`);
    /// as written when a value is missing.
    pub target: String,
    pub outcome: Outcome,
    /// What happened, in the run's language ("answered HTTP 200").
    pub detail: String,
    pub duration_ms: u64,
}

impl ProbeResult {
    /// Card numbers masked and control characters removed in every text
    /// (a target comes from the profile, a detail may quote a server).
    pub fn redact(&mut self) -> bool {
        let mut masked = false;
        let mut text = |s: &mut String| {
            let (m, changed) = crate::privacy::mask_text(s);
            masked |= changed;
            *s = m;
        };
        text(&mut self.target);
        text(&mut self.detail);
        self.label.iter_mut().for_each(&mut text);
        let (id, changed) = crate::privacy::mask_id(&self.id);
        self.id = id;
        let (kind, changed2) = crate::privacy::mask_id(&self.kind);
        self.kind = kind;
        masked | changed | changed2
    }

    /// The yes/no this result stands for, if it decides one.
    pub fn answer(&self) -> Option<bool> {
        match self.outcome {
            Outcome::Pass => Some(true),
            Outcome::Fail => Some(false),
            Outcome::Skipped => None,
        }
    }

    /// "✓ Terminal 192.168.1.50:8888 answered in 3 ms", in `lang`.
    pub fn line(&self, lang: Lang) -> String {
        let label = self.label.as_deref().unwrap_or(&self.id);
        let ms = self.duration_ms.to_string();
        let msg = match self.outcome {
            Outcome::Pass => Msg::ProbeLinePass,
            Outcome::Fail => Msg::ProbeLineFail,
            Outcome::Skipped => Msg::ProbeLineSkipped,
        };
        fill(
            msg.get(lang),
            &[
                ("mark", self.outcome.mark()),
                ("label", label),
                ("target", &self.target),
                ("detail", &self.detail),
                ("ms", &ms),
            ],
        )
    }
}

/// The profile's value for a placeholder key (`terminal_ip`).
pub fn profile_value(profile: &Profile, terminal: &str, key: &str) -> Option<String> {
    profile.probe_value(key, terminal)
}

/// A probe's target filled from the profile: ready to run.
pub type Target = ProbeTarget<u16>;

impl Target {
    fn describe(&self) -> String {
        match self {
            Target::Tcp { host, port } => pt::host_port(host, &port.to_string()),
            Target::Dns { name } => name.clone(),
            Target::Http { url, .. } | Target::Clock { url, .. } => url.clone(),
            Target::Path { path } => path.clone(),
        }
    }
}

/// Why a probe cannot run.
enum Unready {
    /// These profile keys have no value.
    Missing(Vec<String>),
    /// The filled-in target is not usable (a port that is not a number).
    Bad(String, String),
}

fn resolve(t: &ProbeTarget, values: &dyn Fn(&str) -> Option<String>) -> Result<Target, Unready> {
    let mut missing = Vec::new();
    let mut get = |s: &str| match pt::fill(s, values) {
        Ok(v) => v,
        Err(m) => {
            for k in m {
                if !missing.contains(&k) {
                    missing.push(k);
                }
            }
            String::new()
        }
    };
    let target = match t {
        ProbeTarget::Tcp { host, port } => {
            let (h, p) = (get(host), get(port));
            if !missing.is_empty() {
                return Err(Unready::Missing(missing));
            }
            match p.trim().parse::<u16>() {
                Ok(n) if n > 0 => Target::Tcp { host: h, port: n },
                _ => {
                    return Err(Unready::Bad(
                        pt::host_port(&h, &p),
                        format!("`{p}` is not a port"),
                    ))
                }
            }
        }
        ProbeTarget::Dns { name } => Target::Dns { name: get(name) },
        ProbeTarget::Http { url, status } => Target::Http {
            url: get(url),
            status: status.clone(),
        },
        ProbeTarget::Clock {
            url,
            max_skew_minutes,
        } => Target::Clock {
            url: get(url),
            max_skew_minutes: *max_skew_minutes,
        },
        ProbeTarget::Path { path } => Target::Path { path: get(path) },
    };
    if !missing.is_empty() {
        return Err(Unready::Missing(missing));
    }
    Ok(target)
}

/// Runs `probe` now, on this thread, with its target filled from `values`.
pub fn run_now(probe: &Probe, values: &dyn Fn(&str) -> Option<String>, lang: Lang) -> ProbeResult {
    let started = Instant::now();
    let mut result = ProbeResult {
        id: probe.id.clone(),
        kind: probe.kind.name().to_owned(),
        label: Some(probe.label.get(lang).to_owned()),
        target: probe.target.describe(),
        outcome: Outcome::Skipped,
        detail: String::new(),
        duration_ms: 0,
    };
    let target = match resolve(&probe.target, values) {
        Ok(t) => t,
        Err(Unready::Missing(keys)) => {
            let cmd = keys
                .iter()
                .map(|k| format!("posdoctor profile set {k} {}", Msg::Value.get(lang)))
                .collect::<Vec<_>>()
                .join("; ");
            result.detail = fill(Msg::ProbeNoTarget.get(lang), &[("cmd", &cmd)]);
            return result;
        }
        Err(Unready::Bad(target, reason)) => {
            result.target = target;
            result.outcome = Outcome::Fail;
            result.detail = fill(Msg::ProbeBadTarget.get(lang), &[("reason", &reason)]);
            return result;
        }
    };
    result.target = target.describe();
    let timeout = Duration::from_millis(probe.timeout_ms.max(1));
    let (outcome, detail) = check(&target, timeout, lang);
    result.outcome = outcome;
    result.detail = detail;
    result.duration_ms = started.elapsed().as_millis() as u64;
    result.redact();
    result
}

/// The result a probe has when it is not run at all (`reason` in words).
pub fn skipped(probe: &Probe, lang: Lang, reason: String) -> ProbeResult {
    ProbeResult {
        id: probe.id.clone(),
        kind: probe.kind.name().to_owned(),
        label: Some(probe.label.get(lang).to_owned()),
        target: probe.target.describe(),
        outcome: Outcome::Skipped,
        detail: reason,
        duration_ms: 0,
    }
}

/// Runs `probe` on a thread of its own and waits for it: `None` when
/// Ctrl-C interrupted the wait. The wait never outlasts the probe's
/// timeout by more than a second, whatever the probe does.
pub fn run(probe: &Probe, profile: &Profile, terminal: &str, lang: Lang) -> Option<ProbeResult> {
    let (tx, rx) = mpsc::channel();
    let owned = probe.clone();
    let profile = profile.clone();
    let terminal = terminal.to_owned();
    let started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name(format!("probe {}", probe.id))
        .spawn(move || {
            let values = |k: &str| profile_value(&profile, &terminal, k);
            let _ = tx.send(run_now(&owned, &values, lang));
        });
    if let Err(e) = spawned {
        let mut r = skipped(probe, lang, e.to_string());
        r.outcome = Outcome::Skipped;
        return Some(r);
    }
    let _catch = interrupt::catch();
    let limit = Duration::from_millis(probe.timeout_ms) + Duration::from_secs(1);
    loop {
        match rx.recv_timeout(Duration::from_millis(25)) {
            Ok(r) => return Some(r),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if interrupt::hit() {
                    return None;
                }
                if started.elapsed() > limit {
                    let mut r = skipped(probe, lang, String::new());
                    r.outcome = Outcome::Fail;
                    r.detail = fill(
                        Msg::ProbeTimedOut.get(lang),
                        &[("ms", &probe.timeout_ms.to_string())],
                    );
                    r.duration_ms = started.elapsed().as_millis() as u64;
                    return Some(r);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Some(skipped(probe, lang, Msg::ProbeCrashed.get(lang).to_owned()))
            }
        }
    }
}

/// Runs every probe in `probes` at once (each on its own thread) and
/// returns their results in the same order; `None` when Ctrl-C
/// interrupted. The whole wait is bounded by the longest timeout.
pub fn run_all(
    probes: &[&Probe],
    profile: &Profile,
    terminal: &str,
    lang: Lang,
) -> Option<Vec<ProbeResult>> {
    let (tx, rx) = mpsc::channel();
    for (i, probe) in probes.iter().enumerate() {
        let tx = tx.clone();
        let owned = (*probe).clone();
        let profile = profile.clone();
        let terminal = terminal.to_owned();
        let _ = std::thread::Builder::new()
            .name(format!("probe {}", probe.id))
            .spawn(move || {
                let values = |k: &str| profile_value(&profile, &terminal, k);
                let _ = tx.send((i, run_now(&owned, &values, lang)));
            });
    }
    drop(tx);
    let _catch = interrupt::catch();
    let started = Instant::now();
    let longest = probes.iter().map(|p| p.timeout_ms).max().unwrap_or(0);
    let limit = Duration::from_millis(longest) + Duration::from_secs(1);
    let mut out: Vec<Option<ProbeResult>> = vec![None; probes.len()];
    let mut left = probes.len();
    while left > 0 {
        match rx.recv_timeout(Duration::from_millis(25)) {
            Ok((i, r)) => {
                out[i] = Some(r);
                left -= 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if interrupt::hit() {
                    return None;
                }
                if started.elapsed() > limit {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(
        out.into_iter()
            .zip(probes)
            .map(|(r, p)| {
                r.unwrap_or_else(|| {
                    let mut r = skipped(p, lang, String::new());
                    r.outcome = Outcome::Fail;
                    r.detail = fill(
                        Msg::ProbeTimedOut.get(lang),
                        &[("ms", &p.timeout_ms.to_string())],
                    );
                    r.duration_ms = started.elapsed().as_millis() as u64;
                    r
                })
            })
            .collect(),
    )
}

/// The probes `posdoctor check` runs: every named probe of the loaded
/// rules, those the trees use first (in tree order), then the others.
pub fn all_probes(rules: &RuleSet) -> Vec<&Probe> {
    let mut ids: Vec<&str> = Vec::new();
    for tree in rules.trees() {
        for node in tree.nodes.iter() {
            if let Some(p) = &node.probe {
                if !ids.contains(&p.as_str()) {
                    ids.push(p.as_str());
                }
            }
        }
    }
    // Referenced probes are in the trees' order; the rest by id.
    let mut referenced: Vec<&Probe> = ids.iter().filter_map(|id| rules.probes.get(*id)).collect();
    referenced.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    let rest = rules
        .probes
        .values()
        .filter(|p| !ids.contains(&p.id.as_str()));
    referenced.into_iter().chain(rest).collect()
}

/// Runs one check against a filled-in target.
fn check(target: &Target, timeout: Duration, lang: Lang) -> (Outcome, String) {
    match target {
        Target::Tcp { host, port } => tcp(host, *port, timeout, lang),
        Target::Dns { name } => dns(name, timeout, lang),
        Target::Http { url, status } => http(url, status, timeout, lang),
        Target::Clock {
            url,
            max_skew_minutes,
        } => clock(url, *max_skew_minutes, timeout, lang),
        Target::Path { path } => path_exists(path, lang),
    }
}

fn m(msg: Msg, lang: Lang, args: &[(&str, &str)]) -> String {
    fill(msg.get(lang), args)
}

/// The addresses of `host`, looked up on a thread so that a resolver that
/// hangs cannot outlast `timeout`.
fn lookup(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>, String> {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("probe lookup".into())
        .spawn(move || {
            let r = (host.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            let _ = tx.send(r);
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(a)) if a.is_empty() => Err("no address".into()),
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
    }
}

fn tcp(host: &str, port: u16, timeout: Duration, lang: Lang) -> (Outcome, String) {
    let started = Instant::now();
    let addrs = match lookup(host, port, timeout) {
        Ok(a) => a,
        Err(reason) => {
            return (
                Outcome::Fail,
                m(Msg::ProbeNoResolve, lang, &[("reason", &reason)]),
            )
        }
    };
    let mut last = None;
    for addr in addrs {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(_) => return (Outcome::Pass, Msg::ProbeAnswered.get(lang).to_owned()),
            Err(e) => last = Some(e),
        }
    }
    let detail = match last {
        Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Msg::ProbeRefused.get(lang).to_owned()
        }
        Some(e)
            if e.kind() != std::io::ErrorKind::TimedOut
                && e.kind() != std::io::ErrorKind::WouldBlock =>
        {
            m(Msg::ProbeConnectFailed, lang, &[("reason", &e.to_string())])
        }
        _ => m(
            Msg::ProbeNoAnswer,
            lang,
            &[("ms", &timeout.as_millis().to_string())],
        ),
    };
    (Outcome::Fail, detail)
}

fn dns(name: &str, timeout: Duration, lang: Lang) -> (Outcome, String) {
    match lookup(name, 0, timeout) {
        Ok(addrs) => {
            let mut ips: Vec<String> = Vec::new();
            for a in addrs {
                let ip = a.ip().to_string();
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
            let shown = if ips.len() > 3 {
                format!("{}, …", ips[..3].join(", "))
            } else {
                ips.join(", ")
            };
            (
                Outcome::Pass,
                m(Msg::ProbeResolves, lang, &[("addrs", &shown)]),
            )
        }
        Err(reason) => (
            Outcome::Fail,
            m(Msg::ProbeNoResolve, lang, &[("reason", &reason)]),
        ),
    }
}

/// One GET of `url`, redirects not followed (a redirect is an answer).
fn get(url: &str, timeout: Duration) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("posdoctor/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    agent.get(url).call()
}

/// A certificate's time is wrong for this computer's clock: expired, or
/// not yet valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CertTime {
    Expired,
    NotYetValid,
}

/// The rustls error inside a ureq error, if any.
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

fn cert_time(e: &rustls::Error) -> Option<CertTime> {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            Some(CertTime::Expired)
        }
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            Some(CertTime::NotYetValid)
        }
        _ => None,
    }
}

/// A failed request in words: a certificate problem as such (with the
/// clock named when the certificate's dates are the problem), a time-out,
/// or the error.
fn request_failed(e: &ureq::Error, timeout: Duration, lang: Lang) -> String {
    if let Some(r) = rustls_error(e) {
        return match cert_time(r) {
            Some(t) => {
                let state = match t {
                    CertTime::Expired => Msg::CertExpired,
                    CertTime::NotYetValid => Msg::CertNotYetValid,
                };
                m(Msg::ProbeCertClock, lang, &[("state", state.get(lang))])
            }
            None => m(Msg::ProbeCert, lang, &[("reason", &r.to_string())]),
        };
    }
    match e {
        ureq::Error::Timeout(_) => m(
            Msg::ProbeNoAnswer,
            lang,
            &[("ms", &timeout.as_millis().to_string())],
        ),
        ureq::Error::HostNotFound => m(Msg::ProbeNoResolve, lang, &[("reason", "host not found")]),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Msg::ProbeRefused.get(lang).to_owned()
        }
        other => m(
            Msg::ProbeHttpFailed,
            lang,
            &[("reason", &other.to_string())],
        ),
    }
}

fn http(url: &str, ranges: &[(u16, u16)], timeout: Duration, lang: Lang) -> (Outcome, String) {
    match get(url, timeout) {
        Ok(resp) => {
            let code = resp.status().as_u16();
            let shown = code.to_string();
            if ranges.iter().any(|(a, b)| (*a..=*b).contains(&code)) {
                (
                    Outcome::Pass,
                    m(Msg::ProbeHttpOk, lang, &[("status", &shown)]),
                )
            } else {
                (
                    Outcome::Fail,
                    m(
                        Msg::ProbeHttpBad,
                        lang,
                        &[
                            ("status", &shown),
                            ("expected", &pt::describe_status(ranges)),
                        ],
                    ),
                )
            }
        }
        Err(e) => (Outcome::Fail, request_failed(&e, timeout, lang)),
    }
}

/// "17 min", "42 s".
fn span_words(secs: i64, lang: Lang) -> String {
    let secs = secs.abs();
    if secs >= 60 {
        m(Msg::SkewMinutes, lang, &[("n", &(secs / 60).to_string())])
    } else {
        m(Msg::SkewSeconds, lang, &[("n", &secs.to_string())])
    }
}

/// How far this computer's clock is ahead of `server_date` (an HTTP date),
/// in seconds, at `now`.
pub fn skew_seconds(server_date: &str, now: jiff::Timestamp) -> Option<i64> {
    let server = jiff::fmt::rfc2822::parse(server_date.trim()).ok()?;
    Some((now - server.timestamp()).get_seconds())
}

/// The verdict on a skew: pass within `max` minutes, else fail, in words.
pub fn judge_skew(skew: i64, max_minutes: u32, lang: Lang) -> (Outcome, String) {
    let max = max_minutes.to_string();
    let words = span_words(skew, lang);
    if skew.abs() <= i64::from(max_minutes) * 60 {
        (
            Outcome::Pass,
            m(Msg::ProbeClockOk, lang, &[("skew", &words), ("max", &max)]),
        )
    } else if skew > 0 {
        (
            Outcome::Fail,
            m(
                Msg::ProbeClockAhead,
                lang,
                &[("skew", &words), ("max", &max)],
            ),
        )
    } else {
        (
            Outcome::Fail,
            m(
                Msg::ProbeClockBehind,
                lang,
                &[("skew", &words), ("max", &max)],
            ),
        )
    }
}

fn clock(url: &str, max_minutes: u32, timeout: Duration, lang: Lang) -> (Outcome, String) {
    match get(url, timeout) {
        Ok(resp) => {
            let date = resp
                .headers()
                .get("date")
                .and_then(|d| d.to_str().ok())
                .map(str::to_owned);
            let Some(date) = date else {
                return (Outcome::Skipped, Msg::ProbeNoDate.get(lang).to_owned());
            };
            match skew_seconds(&date, jiff::Timestamp::now()) {
                Some(skew) => judge_skew(skew, max_minutes, lang),
                None => (Outcome::Skipped, Msg::ProbeNoDate.get(lang).to_owned()),
            }
        }
        // A certificate that reads as expired or not yet valid is what a
        // wrong clock looks like from here.
        Err(e) if rustls_error(&e).and_then(cert_time).is_some() => {
            (Outcome::Fail, request_failed(&e, timeout, lang))
        }
        Err(e) => (
            Outcome::Skipped,
            m(
                Msg::ProbeClockUnreachable,
                lang,
                &[("reason", &request_failed(&e, timeout, lang))],
            ),
        ),
    }
}

fn path_exists(path: &str, lang: Lang) -> (Outcome, String) {
    match std::fs::metadata(path) {
        Ok(_) => (Outcome::Pass, Msg::ProbeExists.get(lang).to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            (Outcome::Fail, Msg::ProbeMissing.get(lang).to_owned())
        }
        Err(e) => (
            Outcome::Fail,
            m(
                Msg::ProbePathError,
                lang,
                &[("reason", &crate::rules::load::io_reason(&e))],
            ),
        ),
    }
}

/// Ctrl-C while a probe runs: caught (SIGINT sets a flag the wait polls)
/// only for as long as the guard lives, so that everywhere else Ctrl-C does
/// what it did before.
mod interrupt {
    #[cfg(unix)]
    mod imp {
        use std::sync::atomic::{AtomicBool, Ordering};

        static HIT: AtomicBool = AtomicBool::new(false);

        extern "C" fn on_sigint(_: libc::c_int) {
            HIT.store(true, Ordering::SeqCst);
        }

        pub struct Guard {
            old: libc::sigaction,
        }

        pub fn catch() -> Guard {
            HIT.store(false, Ordering::SeqCst);
            // SAFETY: a handler that only stores to an atomic is
            // async-signal-safe; the previous action is restored on drop.
            unsafe {
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut new.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(libc::SIGINT, &new, &mut old);
                Guard { old }
            }
        }

        impl Drop for Guard {
            fn drop(&mut self) {
                // SAFETY: restores the action saved by `catch`.
                unsafe {
                    libc::sigaction(libc::SIGINT, &self.old, std::ptr::null_mut());
                }
            }
        }

        pub fn hit() -> bool {
            HIT.load(Ordering::SeqCst)
        }
    }

    #[cfg(not(unix))]
    mod imp {
        pub struct Guard;
        pub fn catch() -> Guard {
            Guard
        }
        pub fn hit() -> bool {
            false
        }
    }

    pub use imp::{catch, hit};
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// An http probe of `url` that passes on 200–399.
    fn http_probe(url: String, timeout_ms: u64) -> Probe {
        let target = ProbeTarget::Http {
            url,
            status: vec![(200, 399)],
        };
        probe(crate::rules::ProbeKind::Http, target, timeout_ms)
    }

    fn probe(kind: crate::rules::ProbeKind, target: ProbeTarget, timeout_ms: u64) -> Probe {
        let file = std::sync::Arc::new(crate::diag::SourceFile::new("t.yaml", String::new()));
        let index = std::sync::Arc::new(crate::rules::yaml::LazyIndex::new(&file));
        Probe {
            id: "p".into(),
            label: crate::i18n::Text::new("Thing", "东西"),
            kind,
            target,
            timeout_ms,
            place: crate::rules::Place {
                file,
                index,
                path: String::new(),
            },
            pack: 0,
        }
    }

    fn none(_: &str) -> Option<String> {
        None
    }

    /// A one-shot HTTP server on loopback: answers one request with
    /// `status` and `date`, then stops.
    fn server(status: u16, date: Option<String>) -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                let date = date.map(|d| format!("Date: {d}\r\n")).unwrap_or_default();
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\n{date}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        format!("http://127.0.0.1:{port}/")
    }

    fn http_date(t: jiff::Timestamp) -> String {
        jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&t)
            .unwrap()
    }

    #[test]
    fn tcp_passes_on_a_listener_and_fails_on_a_closed_port() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port().to_string();
        let p = probe(
            crate::rules::ProbeKind::Tcp,
            ProbeTarget::Tcp {
                host: "127.0.0.1".into(),
                port: port.clone(),
            },
            1000,
        );
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
        assert_eq!(r.target, format!("127.0.0.1:{port}"));
        drop(l);
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
        assert!(r.detail.contains("refused"), "{}", r.detail);
    }

    #[test]
    fn missing_profile_values_skip_the_probe_and_say_what_to_set() {
        let p = probe(
            crate::rules::ProbeKind::Tcp,
            ProbeTarget::Tcp {
                host: "{profile.terminal_ip}".into(),
                port: "{profile.terminal_port}".into(),
            },
            1000,
        );
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Skipped);
        assert_eq!(r.target, "{profile.terminal_ip}:{profile.terminal_port}");
        assert!(
            r.detail.contains("posdoctor profile set terminal_ip"),
            "{}",
            r.detail
        );
        assert!(r.detail.contains("terminal_port"), "{}", r.detail);
        let zh = run_now(&p, &none, Lang::Zh);
        assert!(zh.detail.contains("没有设置目标"), "{}", zh.detail);
    }

    #[test]
    fn dns_of_a_name_under_invalid_fails() {
        let p = probe(
            crate::rules::ProbeKind::Dns,
            ProbeTarget::Dns {
                name: "posdoctor-test.invalid".into(),
            },
            2000,
        );
        assert_eq!(run_now(&p, &none, Lang::En).outcome, Outcome::Fail);
        let p = probe(
            crate::rules::ProbeKind::Dns,
            ProbeTarget::Dns {
                name: "localhost".into(),
            },
            2000,
        );
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
    }

    #[test]
    fn http_status_in_and_out_of_range() {
        let url = server(204, None);
        let p = http_probe(url, 2000);
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
        assert!(r.detail.contains("204"));
        let url = server(503, None);
        let p = http_probe(url, 2000);
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
        assert!(
            r.detail.contains("503") && r.detail.contains("200-399"),
            "{}",
            r.detail
        );
    }

    #[test]
    fn clock_compares_with_the_servers_date() {
        let now = jiff::Timestamp::now();
        let url = server(200, Some(http_date(now)));
        let p = probe(
            crate::rules::ProbeKind::Clock,
            ProbeTarget::Clock {
                url,
                max_skew_minutes: 5,
            },
            2000,
        );
        assert_eq!(run_now(&p, &none, Lang::En).outcome, Outcome::Pass);
        let late = now - jiff::SignedDuration::from_mins(17);
        let url = server(200, Some(http_date(late)));
        let p = probe(
            crate::rules::ProbeKind::Clock,
            ProbeTarget::Clock {
                url,
                max_skew_minutes: 5,
            },
            2000,
        );
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.detail.contains("17 min ahead"), "{}", r.detail);
        // No Date header: nothing to judge by, so the question is asked.
        let url = server(200, None);
        let p = probe(
            crate::rules::ProbeKind::Clock,
            ProbeTarget::Clock {
                url,
                max_skew_minutes: 5,
            },
            2000,
        );
        assert_eq!(run_now(&p, &none, Lang::En).outcome, Outcome::Skipped);
    }

    #[test]
    fn skew_is_judged_both_ways() {
        let now: jiff::Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        assert_eq!(
            skew_seconds("Mon, 23 Nov 2026 07:50:00 GMT", now),
            Some(600)
        );
        assert_eq!(judge_skew(600, 5, Lang::En).0, Outcome::Fail);
        assert!(judge_skew(-600, 5, Lang::En).1.contains("behind"));
        assert_eq!(judge_skew(-200, 5, Lang::En).0, Outcome::Pass);
        assert!(judge_skew(600, 5, Lang::Zh).1.contains("10 分钟"));
        assert_eq!(skew_seconds("not a date", now), None);
    }

    #[test]
    fn path_exists_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("ttyUSB0");
        std::fs::write(&here, "").unwrap();
        let p = probe(
            crate::rules::ProbeKind::Path,
            ProbeTarget::Path {
                path: here.display().to_string(),
            },
            1000,
        );
        assert_eq!(run_now(&p, &none, Lang::En).outcome, Outcome::Pass);
        let p = probe(
            crate::rules::ProbeKind::Path,
            ProbeTarget::Path {
                path: dir.path().join("gone").display().to_string(),
            },
            1000,
        );
        let r = run_now(&p, &none, Lang::En);
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(r.detail, "does not exist");
    }

    #[test]
    fn a_silent_server_is_a_time_out_within_the_limit() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let p = http_probe(format!("http://127.0.0.1:{port}/"), 300);
        let started = Instant::now();
        let r = run(&p, &Profile::default(), "default", Lang::En).unwrap();
        assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(l);
    }

    #[test]
    fn lines_read_in_both_languages() {
        let r = ProbeResult {
            id: "terminal-lan".into(),
            kind: "tcp".into(),
            label: Some("Terminal".into()),
            target: "192.168.1.50:8888".into(),
            outcome: Outcome::Pass,
            detail: Msg::ProbeAnswered.get(Lang::En).into(),
            duration_ms: 3,
        };
        assert_eq!(
            r.line(Lang::En),
            "✓ Terminal 192.168.1.50:8888 answered in 3 ms"
        );
        let zh = ProbeResult {
            label: Some("POS机".into()),
            detail: Msg::ProbeAnswered.get(Lang::Zh).into(),
            ..r
        };
        assert!(zh.line(Lang::Zh).contains("毫秒"), "{}", zh.line(Lang::Zh));
    }
}
