//! The shop's saved facts, used to prefill escalations: merchant name and
//! ID, support contacts per party, and per terminal its ID, make, model,
//! serial number, purchase date, warranty and connection. Kept in
//! `profile.yaml` (private to the user, written atomically).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};

use crate::diag::{did_you_mean, Diagnostic, SourceFile};
use crate::i18n::{fill, Lang, Msg};

use crate::rules::{Fact, Party};

/// The terminal used when none is named.
pub const DEFAULT_TERMINAL: &str = "default";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
}

impl Contact {
    /// A loaded pack's contact for `party` in `lang`, as the profile
    /// stores one.
    pub fn from_pack(rules: &crate::rules::RuleSet, party: Party, lang: Lang) -> Option<Contact> {
        let c = rules.contacts.get(&party)?;
        Some(Contact {
            name: c.name.as_ref().map(|t| t.get(lang).to_owned()),
            phone: c.phone.clone(),
            hours: c.hours.as_ref().map(|t| t.get(lang).to_owned()),
            web: c.web.clone(),
        })
    }
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        *self == Contact::default()
    }

    /// Applies `f` to every field that is set.
    pub fn redact(&mut self, f: &mut impl FnMut(&mut String)) {
        for v in [
            &mut self.name,
            &mut self.phone,
            &mut self.hours,
            &mut self.web,
        ]
        .into_iter()
        .flatten()
        {
            f(v);
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terminal {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The terminal's address on the shop's network (IPv4, IPv6 or a host
    /// name), for the probes (`{profile.terminal_ip}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_ip: Option<String>,
    /// The port the terminal listens on (1–65535).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_port: Option<String>,
    /// Values of facts a pack defines with `scope: terminal` (`fact.ID`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    /// The acquirer's payment host (a host name or IP address), for probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_host: Option<String>,
    /// The payment host's port (1–65535).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_port: Option<String>,
    /// A web address the shop uses to test its internet and clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_url: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contacts: BTreeMap<String, Contact>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub terminals: BTreeMap<String, Terminal>,
    /// Values of facts a pack defines with `scope: shop` (`fact.ID`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
}

const SHOP_KEYS: &[&str] = &[
    "merchant",
    "mid",
    "acquirer_host",
    "acquirer_port",
    "test_url",
];
const TERMINAL_KEYS: &[&str] = &[
    "tid",
    "make",
    "model",
    "serial",
    "purchase_date",
    "warranty_until",
    "connection",
    "terminal_ip",
    "terminal_port",
];
const PARTIES: &[&str] = &["vendor", "acquirer", "issuer", "isp", "power"];
const CONTACT_FIELDS: &[&str] = &["name", "phone", "hours", "web"];

/// The profile keys that keep a fact of the shop or its terminal (none
/// for facts of one incident: the message, when it started, …).
pub fn keys_for(fact: Fact) -> &'static [&'static str] {
    match fact {
        Fact::Merchant => &["merchant"],
        Fact::Mid => &["mid"],
        Fact::Tid => &["tid"],
        Fact::Make => &["make"],
        Fact::Model => &["model"],
        Fact::Serial => &["serial"],
        Fact::Connection => &["connection"],
        Fact::PurchaseDate => &["purchase_date", "warranty_until"],
        _ => &[],
    }
}

/// Every key `profile set` accepts.
pub fn all_keys() -> Vec<String> {
    let mut keys: Vec<String> = SHOP_KEYS
        .iter()
        .chain(TERMINAL_KEYS)
        .map(|k| (*k).to_owned())
        .collect();
    for p in PARTIES {
        for f in CONTACT_FIELDS {
            keys.push(format!("contact.{p}.{f}"));
        }
    }
    keys
}

pub use crate::values::{check_value, Checked};

/// Reports an unknown key with the closest known one.
fn unknown_key(key: &str) -> anyhow::Error {
    let keys = all_keys();
    match did_you_mean(key, keys.iter().map(String::as_str)) {
        Some(best) => anyhow!("unknown profile key `{key}`; did you mean `{best}`?"),
        None => anyhow!(
            "unknown profile key `{key}`; keys are {}, {}, contact.PARTY.FIELD (PARTY: {}; FIELD: {}) and fact.ID for a fact a loaded pack defines",
            SHOP_KEYS.join(", "),
            TERMINAL_KEYS.join(", "),
            PARTIES.join(", "),
            CONTACT_FIELDS.join(", ")
        ),
    }
}

impl Profile {
    /// Reads the profile; a missing file is an empty profile. What a hand
    /// edit put there is redacted (see [`Profile::redact`]).
    pub fn load(path: &Path) -> Result<Profile, Diagnostic> {
        Profile::load_redacted(path).map(|(p, _)| p)
    }

    /// [`Profile::load`], and whether a card number had to be masked (the
    /// caller warns: the file itself still holds it).
    pub fn load_redacted(path: &Path) -> Result<(Profile, bool), Diagnostic> {
        let mut p = Profile::load_raw(path)?;
        let masked = p.redact();
        Ok((p, masked))
    }

    /// Makes what a hand edit put in the file safe to show and keep: card
    /// numbers masked in every value, key and name, control characters and
    /// escape sequences removed from values and shown visibly in keys. The
    /// shop's own identifiers (MID, TID, serial number) and a pack fact
    /// written as one bare number of up to 15 digits are kept as they are
    /// unless they can only be a card number (16–19 digits), as `profile
    /// set` would have refused them. Returns whether a card number was
    /// masked.
    pub fn redact(&mut self) -> bool {
        let mut masked = false;
        let mut text = |v: &mut String| {
            let (m, changed) = crate::privacy::mask_text(v);
            masked |= changed;
            *v = m;
        };
        self.merchant.iter_mut().for_each(&mut text);
        for c in self.contacts.values_mut() {
            c.redact(&mut text);
        }
        for t in self.terminals.values_mut() {
            [
                &mut t.make,
                &mut t.model,
                &mut t.connection,
                &mut t.purchase_date,
                &mut t.warranty_until,
                &mut t.terminal_ip,
                &mut t.terminal_port,
            ]
            .into_iter()
            .flatten()
            .for_each(&mut text);
        }
        [
            &mut self.acquirer_host,
            &mut self.acquirer_port,
            &mut self.test_url,
        ]
        .into_iter()
        .flatten()
        .for_each(&mut text);
        let mut id = |v: &mut String| {
            let clean = crate::sanitize::strip(v);
            if crate::values::can_only_be_a_card(&clean) {
                text(v);
            } else {
                *v = clean;
            }
        };
        self.mid.iter_mut().for_each(&mut id);
        for t in self.terminals.values_mut() {
            [&mut t.tid, &mut t.serial]
                .into_iter()
                .flatten()
                .for_each(&mut id);
        }
        masked |= redact_facts(&mut self.facts);
        for t in self.terminals.values_mut() {
            masked |= redact_facts(&mut t.facts);
        }
        masked |= redact_keys(&mut self.contacts);
        masked |= redact_keys(&mut self.terminals);
        masked
    }

    fn load_raw(path: &Path) -> Result<Profile, Diagnostic> {
        let name = path.display().to_string();
        let bytes = match crate::rules::load::read_limited(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Profile::default()),
            Err(e) => {
                return Err(Diagnostic::error(
                    &name,
                    format!(
                        "cannot read the profile: {}",
                        crate::rules::load::io_reason(&e)
                    ),
                ))
            }
        };
        let text = match crate::rules::yaml::decode(&name, bytes) {
            Ok(t) => t,
            Err(d) if d.message.contains("empty") => return Ok(Profile::default()),
            Err(d) => return Err(d),
        };
        let file = Arc::new(SourceFile::new(name, text));
        crate::rules::yaml::parse(&file)
    }

    /// Writes the profile atomically, readable by the user only.
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow!(
                    "cannot create {}: {}",
                    dir.display(),
                    crate::rules::load::io_reason(&e)
                )
            })?;
        }
        let text = format!(
            "# posdoctor profile: `posdoctor profile set KEY VALUE` edits it\n{}",
            crate::rules::yaml::to_string(self)?
        );
        crate::paths::write_atomic(path, text.as_bytes(), true)
    }

    /// The terminal a command means: the one named, else the only one, else `default`.
    pub fn terminal_name(&self, name: Option<&str>) -> String {
        match name {
            Some(n) => n.to_owned(),
            None if self.terminals.len() == 1 => {
                self.terminals.keys().next().cloned().unwrap_or_default()
            }
            None => DEFAULT_TERMINAL.to_owned(),
        }
    }

    fn slot(&mut self, key: &str, terminal: &str) -> Result<&mut Option<String>> {
        if let Some(rest) = key.strip_prefix("contact.") {
            let (party, field) = rest.split_once('.').ok_or_else(|| unknown_key(key))?;
            if !PARTIES.contains(&party) || !CONTACT_FIELDS.contains(&field) {
                return Err(unknown_key(key));
            }
            let c = self.contacts.entry(party.to_owned()).or_default();
            return Ok(match field {
                "name" => &mut c.name,
                "phone" => &mut c.phone,
                "hours" => &mut c.hours,
                _ => &mut c.web,
            });
        }
        match key {
            "merchant" => Ok(&mut self.merchant),
            "mid" => Ok(&mut self.mid),
            "acquirer_host" => Ok(&mut self.acquirer_host),
            "acquirer_port" => Ok(&mut self.acquirer_port),
            "test_url" => Ok(&mut self.test_url),
            k if TERMINAL_KEYS.contains(&k) => {
                if !crate::rules::load::valid_id(terminal) {
                    bail!(
                        "`{terminal}` is not a usable terminal name: letters, digits, - _ . only"
                    );
                }
                let t = self.terminals.entry(terminal.to_owned()).or_default();
                Ok(match k {
                    "tid" => &mut t.tid,
                    "make" => &mut t.make,
                    "model" => &mut t.model,
                    "serial" => &mut t.serial,
                    "purchase_date" => &mut t.purchase_date,
                    "warranty_until" => &mut t.warranty_until,
                    "terminal_ip" => &mut t.terminal_ip,
                    "terminal_port" => &mut t.terminal_port,
                    _ => &mut t.connection,
                })
            }
            _ => Err(unknown_key(key)),
        }
    }

    /// Sets `key` (checked); returns whether a card number was masked.
    pub fn set(&mut self, key: &str, value: &str, terminal: &str) -> Result<bool> {
        self.set_in(key, value, terminal, Lang::En)
    }

    /// [`Profile::set`], with a refused value explained in `lang`.
    pub fn set_in(&mut self, key: &str, value: &str, terminal: &str, lang: Lang) -> Result<bool> {
        // The key first: a typo in it is the more useful thing to hear about.
        if !all_keys().iter().any(|k| k == key) {
            return Err(unknown_key(key));
        }
        let checked = crate::values::check_value_in(key, value, lang)?;
        *self.slot(key, terminal)? = Some(checked.value);
        Ok(checked.masked)
    }

    pub fn unset(&mut self, key: &str, terminal: &str) -> Result<()> {
        *self.slot(key, terminal)? = None;
        self.contacts.retain(|_, c| !c.is_empty());
        self.terminals.retain(|_, t| *t != Terminal::default());
        Ok(())
    }

    /// Every set key and its value, shop keys first, then each terminal's.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut push = |k: String, v: &Option<String>| {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        };
        push("merchant".into(), &self.merchant);
        push("mid".into(), &self.mid);
        push("acquirer_host".into(), &self.acquirer_host);
        push("acquirer_port".into(), &self.acquirer_port);
        push("test_url".into(), &self.test_url);
        for (id, v) in &self.facts {
            push(format!("fact.{id}"), &Some(v.clone()));
        }
        for (party, c) in &self.contacts {
            push(format!("contact.{party}.name"), &c.name);
            push(format!("contact.{party}.phone"), &c.phone);
            push(format!("contact.{party}.hours"), &c.hours);
            push(format!("contact.{party}.web"), &c.web);
        }
        for (name, t) in &self.terminals {
            let prefix = if name == DEFAULT_TERMINAL && self.terminals.len() == 1 {
                String::new()
            } else {
                format!("[{name}] ")
            };
            push(format!("{prefix}tid"), &t.tid);
            push(format!("{prefix}make"), &t.make);
            push(format!("{prefix}model"), &t.model);
            push(format!("{prefix}serial"), &t.serial);
            push(format!("{prefix}purchase_date"), &t.purchase_date);
            push(format!("{prefix}warranty_until"), &t.warranty_until);
            push(format!("{prefix}connection"), &t.connection);
            push(format!("{prefix}terminal_ip"), &t.terminal_ip);
            push(format!("{prefix}terminal_port"), &t.terminal_port);
            for (id, v) in &t.facts {
                push(format!("{prefix}fact.{id}"), &Some(v.clone()));
            }
        }
        out
    }

    /// The value of a probe placeholder key (`terminal_ip` of `terminal`,
    /// or the shop's `acquirer_host`, `acquirer_port`, `test_url`).
    pub fn probe_value(&self, key: &str, terminal: &str) -> Option<String> {
        let t = self.terminals.get(terminal);
        match key {
            "terminal_ip" => t.and_then(|t| t.terminal_ip.clone()),
            "terminal_port" => t.and_then(|t| t.terminal_port.clone()),
            "acquirer_host" => self.acquirer_host.clone(),
            "acquirer_port" => self.acquirer_port.clone(),
            "test_url" => self.test_url.clone(),
            _ => None,
        }
    }

    /// The contact saved for `party`, if any.
    pub fn contact(&self, party: Party) -> Option<&Contact> {
        self.contacts.get(party.id()).filter(|c| !c.is_empty())
    }

    /// Who to call for `party`: the profile's contact, else a loaded pack's
    /// (in `lang`), else none (and the tool says where to find the number).
    /// Whole contacts, never mixed: a profile's phone is not shown with a
    /// pack's hours.
    pub fn contact_for(
        &self,
        party: Party,
        rules: &crate::rules::RuleSet,
        lang: Lang,
    ) -> Option<Contact> {
        self.contact(party)
            .cloned()
            .or_else(|| Contact::from_pack(rules, party, lang))
    }

    /// The value saved for a pack's fact: the terminal's, else the shop's.
    pub fn pack_fact(&self, id: &str, terminal: &str) -> Option<String> {
        self.terminals
            .get(terminal)
            .and_then(|t| t.facts.get(id))
            .or_else(|| self.facts.get(id))
            .cloned()
    }

    /// Saves a pack fact's value (`profile set fact.ID VALUE`), checked for
    /// the fact's kind; returns whether a card number was masked.
    pub fn set_fact(
        &mut self,
        fact: &crate::rules::PackFact,
        value: &str,
        terminal: &str,
    ) -> Result<bool> {
        use crate::rules::{FactKind, FactScope};
        let key = format!("fact.{}", fact.id);
        let v = value.trim();
        let checked = match fact.kind {
            FactKind::Text => check_value(&key, v)?,
            FactKind::Date => check_value("purchase_date", v).map_err(|_| {
                anyhow!("`{v}` is not a date: write it as YYYY-MM-DD, e.g. 2025-03-31")
            })?,
            FactKind::Phone => check_value(&format!("{key}.phone"), v)?,
            FactKind::Digits => {
                // Full-width digits from a Chinese input method, and those
                // of any other script, count too.
                let digits: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| crate::privacy::digit_value(c).map_or(c, |d| char::from(b'0' + d)))
                    .collect();
                // What an error may echo: never a card number.
                let shown = crate::privacy::mask_id(v).0;
                if crate::values::can_only_be_a_card(&digits) {
                    bail!("`{shown}` looks like a card number, not a value for `{key}`: posdoctor never stores card numbers");
                }
                if digits.is_empty()
                    || digits.len() > 40
                    || !digits.chars().all(|c| c.is_ascii_digit())
                {
                    bail!("`{shown}` is not a number: `{key}` takes digits only");
                }
                Checked {
                    value: digits,
                    masked: false,
                }
            }
        };
        let map = match fact.scope {
            FactScope::Shop => &mut self.facts,
            FactScope::Terminal => {
                if !crate::rules::load::valid_id(terminal) {
                    bail!(
                        "`{terminal}` is not a usable terminal name: letters, digits, - _ . only"
                    );
                }
                &mut self.terminals.entry(terminal.to_owned()).or_default().facts
            }
        };
        map.insert(fact.id.clone(), checked.value);
        Ok(checked.masked)
    }

    /// Removes a pack fact's value from the terminal and the shop.
    pub fn unset_fact(&mut self, id: &str, terminal: &str) {
        if let Some(t) = self.terminals.get_mut(terminal) {
            t.facts.remove(id);
        }
        self.facts.remove(id);
        self.terminals.retain(|_, t| *t != Terminal::default());
    }

    /// The value the profile holds for a fact, for terminal `terminal`.
    pub fn fact(&self, fact: Fact, terminal: &str, lang: Lang) -> Option<String> {
        let t = self.terminals.get(terminal);
        match fact {
            Fact::Merchant => self.merchant.clone(),
            Fact::Mid => self.mid.clone(),
            Fact::Tid => t.and_then(|t| t.tid.clone()),
            Fact::Make => t.and_then(|t| t.make.clone()),
            Fact::Model => t.and_then(|t| t.model.clone()),
            Fact::Serial => t.and_then(|t| t.serial.clone()),
            Fact::Connection => t.and_then(|t| t.connection.clone()),
            Fact::PurchaseDate => {
                let t = t?;
                match (&t.purchase_date, &t.warranty_until) {
                    (None, None) => None,
                    (p, w) => Some(
                        [
                            p.as_ref()
                                .map(|p| fill(Msg::Bought.get(lang), &[("date", p)])),
                            w.as_ref().map(|w| warranty_state(w, lang)),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(Msg::ListSep.get(lang)),
                    ),
                }
            }
            _ => None,
        }
    }
}

/// Redacts a map of pack facts read from the file: keys as names, values
/// as free text, except one bare number of up to 15 digits (a pack's
/// `kind: digits` fact, kept as `profile set` keeps it).
fn redact_facts(facts: &mut BTreeMap<String, String>) -> bool {
    let mut masked = redact_keys(facts);
    for v in facts.values_mut() {
        let clean = crate::sanitize::strip(v);
        let digits = clean
            .chars()
            .filter(|c| crate::privacy::digit_value(*c).is_some())
            .count();
        let bare = digits == clean.trim().chars().count() && digits <= 15;
        if bare {
            *v = clean;
        } else {
            let (m, changed) = crate::privacy::mask_text(v);
            masked |= changed;
            *v = m;
        }
    }
    masked
}

/// Masks card numbers in a map's keys (terminal names, fact ids, parties)
/// and shows their control characters visibly.
fn redact_keys<T>(map: &mut BTreeMap<String, T>) -> bool {
    let mut masked = false;
    let names: Vec<String> = map.keys().cloned().collect();
    for name in names {
        let (clean, changed) = crate::privacy::mask_id(&name);
        if clean != name {
            masked |= changed;
            if let Some(v) = map.remove(&name) {
                map.insert(clean, v);
            }
        }
    }
    masked
}

/// "under warranty until 2027-01-31" or "warranty ended 2024-01-31".
fn warranty_state(until: &str, lang: Lang) -> String {
    let today = jiff::Zoned::now().date();
    let msg = match until.parse::<jiff::civil::Date>() {
        Ok(d) if d < today => Msg::WarrantyEnded,
        _ => Msg::WarrantyUntil,
    };
    fill(msg.get(lang), &[("date", until)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_unset_round_trip() {
        let mut p = Profile::default();
        p.set("merchant", "Golden Noodle", "default").unwrap();
        p.set("mid", "123456789012345", "default").unwrap();
        p.set("serial", "SN-88A/2", "default").unwrap();
        p.set("contact.vendor.phone", "+86 21 5555 0100", "default")
            .unwrap();
        p.set("tid", "T0002", "counter-2").unwrap();
        let yaml = crate::rules::yaml::to_string(&p).unwrap();
        let back: Profile = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            back.fact(Fact::Mid, "default", Lang::En).as_deref(),
            Some("123456789012345")
        );
        assert_eq!(
            back.fact(Fact::Tid, "counter-2", Lang::En).as_deref(),
            Some("T0002")
        );
        p.unset("contact.vendor.phone", "default").unwrap();
        assert!(p.contacts.is_empty());
    }

    #[test]
    fn values_are_checked() {
        assert!(check_value("purchase_date", "2025-02-30").is_err());
        assert!(check_value("purchase_date", "31/01/2025").is_err());
        assert!(check_value("purchase_date", "2025-01-31").is_ok());
        assert!(check_value("mid", "12 34").is_err());
        assert!(check_value("connection", "WiFi").unwrap().value == "wifi");
        assert!(check_value("contact.isp.phone", "call me").is_err());
        let e = Profile::default()
            .set("modle", "X", "default")
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `model`?"), "{e}");
    }

    #[test]
    fn card_numbers_in_free_text_are_masked_but_ids_survive() {
        let c = check_value("merchant", "Shop 4111 1111 1111 1111").unwrap();
        assert!(c.masked);
        assert_eq!(c.value, "Shop **** **** **** 1111");
        // A 15-digit MID that happens to pass the Luhn check stays intact.
        let mid = "378282246310005";
        assert!(
            crate::privacy::mask_card_numbers(mid).1,
            "it would look like a card"
        );
        assert_eq!(check_value("mid", mid).unwrap().value, mid);
    }
}
