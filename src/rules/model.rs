//! The rule file format, version 1, as serde types. The loader reads these,
//! `posdoctor schema` prints their JSON Schema, and docs/rules.md explains
//! them. Unknown fields are rejected everywhere.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg, Text};

fn one() -> u32 {
    1
}

/// One posdoctor rule file (YAML 1.2). It holds any of: shared checks,
/// decision trees, transaction response codes, and — in a pack — the pack's
/// own contacts and facts. Every section is optional; unknown fields are
/// errors. `posdoctor validate FILE` checks a file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "posdoctor rule file (format version 1)")]
pub struct RuleFile {
    /// Format version of this file. Only `1` exists.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Reusable checks (rungs of the ladder), used by nodes with `use:`.
    #[serde(default)]
    pub checks: Vec<CheckDef>,
    /// Decision trees, one per symptom.
    #[serde(default)]
    pub trees: Vec<TreeDef>,
    /// Transaction response codes (ISO 8583 field 39) and what to do; a
    /// pack's code replaces the built-in one with the same code.
    #[serde(default)]
    pub codes: Vec<CodeDef>,
    /// A pack's own people to call, per party (shown at escalations and on
    /// checklists when the shop's profile has none for that party). Only
    /// real numbers: the built-in rules define none.
    #[serde(default)]
    pub contacts: ContactsDef,
    /// Facts a pack's escalations ask for, beyond the built-in ones (a
    /// kiosk number): usable in `have_ready` and saved with `posdoctor
    /// profile set fact.ID VALUE`.
    #[serde(default)]
    pub facts: Vec<FactDef>,
    /// Named probes: automated checks a `check` or yes/no `question` node
    /// uses with `probe: ID` (it then answers itself when it can), and that
    /// `posdoctor check` runs unattended. A probe opens a connection to a
    /// host, resolves a name, fetches a URL or looks whether a path exists;
    /// it never runs a command.
    #[serde(default)]
    pub probes: Vec<ProbeDef>,
}

/// An automated check: what it checks, and its target. Each kind takes only
/// its own fields: `tcp` (`host`, `port`), `dns` (`name`), `http` (`url`,
/// `status`), `clock` (`url`, `max_skew_minutes`), `path` (`path`); every
/// kind takes `timeout_ms`. A target is written literally or with the
/// profile's placeholders `{profile.terminal_ip}`, `{profile.terminal_port}`,
/// `{profile.acquirer_host}`, `{profile.acquirer_port}`, `{profile.test_url}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeDef {
    /// Used by nodes as `probe: ID`: letters, digits, `-`, `_`, `.`.
    pub id: String,
    /// What is checked, as a person reads it ("Terminal", "Payment host").
    pub label: Text,
    pub kind: ProbeKind,
    /// tcp: the host name or IP address to connect to.
    #[serde(default)]
    pub host: Option<String>,
    /// tcp: the port (1–65535), or a port placeholder.
    #[serde(default)]
    pub port: Option<PortDef>,
    /// dns: the name to resolve.
    #[serde(default)]
    pub name: Option<String>,
    /// http, clock: the URL to fetch (http:// or https://).
    #[serde(default)]
    pub url: Option<String>,
    /// http: the statuses that pass: a code (`200`), a range (`"200-399"`,
    /// the default) or a list of them.
    #[serde(default)]
    pub status: Option<StatusDef>,
    /// clock: how far this computer's clock may be from the server's
    /// (default 5 minutes).
    #[serde(default)]
    #[schemars(range(min = 1, max = 1440))]
    pub max_skew_minutes: Option<u32>,
    /// path: a file or device that must exist (a USB terminal's serial port).
    #[serde(default)]
    pub path: Option<String>,
    /// How long the probe may take, in milliseconds (default 3000, at most 30000).
    #[serde(default)]
    #[schemars(range(min = 1, max = 30000))]
    pub timeout_ms: Option<u64>,
}

/// What a probe checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    /// A host and port accept a TCP connection.
    Tcp,
    /// A name resolves to an address.
    Dns,
    /// A URL answers with a status in a range (HTTPS with certificate checks).
    Http,
    /// This computer's clock is within N minutes of a server's (its HTTP `Date`).
    Clock,
    /// A file or device exists.
    Path,
}

impl ProbeKind {
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Tcp => "tcp",
            ProbeKind::Dns => "dns",
            ProbeKind::Http => "http",
            ProbeKind::Clock => "clock",
            ProbeKind::Path => "path",
        }
    }

    /// The fields this kind takes (besides `id`, `label`, `kind`, `timeout_ms`),
    /// and which of them are required.
    pub fn fields(self) -> &'static [(&'static str, bool)] {
        match self {
            ProbeKind::Tcp => &[("host", true), ("port", true)],
            ProbeKind::Dns => &[("name", true)],
            ProbeKind::Http => &[("url", true), ("status", false)],
            ProbeKind::Clock => &[("url", true), ("max_skew_minutes", false)],
            ProbeKind::Path => &[("path", true)],
        }
    }
}

/// A port: a number, or a placeholder such as `"{profile.terminal_port}"`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PortDef {
    Number(u64),
    Placeholder(String),
}

/// HTTP statuses that pass: a code, a range `"200-399"`, or a list of them.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusDef {
    Code(u64),
    Range(String),
    List(Vec<StatusItemDef>),
}

/// An entry of a status list: a code or a range.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusItemDef {
    Code(u64),
    Range(String),
}

/// A pack's contacts, one per party.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsDef {
    /// Terminal vendor / service provider.
    #[serde(default)]
    pub vendor: Option<ContactDef>,
    /// Acquirer / payment service provider.
    #[serde(default)]
    pub acquirer: Option<ContactDef>,
    /// Card issuer (the cardholder calls their own bank).
    #[serde(default)]
    pub issuer: Option<ContactDef>,
    /// Internet or mobile provider.
    #[serde(default)]
    pub isp: Option<ContactDef>,
    /// Electricity supplier.
    #[serde(default)]
    pub power: Option<ContactDef>,
}

impl ContactsDef {
    /// (party, contact) for every party given, in `Party::ALL` order.
    pub fn entries(&self) -> Vec<(Party, &ContactDef)> {
        [
            (Party::Vendor, &self.vendor),
            (Party::Acquirer, &self.acquirer),
            (Party::Issuer, &self.issuer),
            (Party::Isp, &self.isp),
            (Party::Power, &self.power),
        ]
        .into_iter()
        .filter_map(|(p, c)| c.as_ref().map(|c| (p, c)))
        .collect()
    }
}

/// How to reach a party: at least a name or a phone number.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDef {
    /// Who to ask for ("Lotus POS service desk").
    #[serde(default)]
    pub name: Option<Text>,
    /// The number to call: digits, spaces and `+ - ( ) . /`, then an
    /// extension as `ext 5` if there is one (quote it).
    #[serde(default)]
    pub phone: Option<String>,
    /// When they answer ("Mon–Sat 8:00–20:00").
    #[serde(default)]
    pub hours: Option<Text>,
    /// A web address or support portal.
    #[serde(default)]
    pub web: Option<String>,
}

/// A fact a pack's escalations ask for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    /// Used in `have_ready` and as `fact.ID` in the profile: lower-case
    /// letters, digits and `_`; not one of the built-in facts.
    pub id: String,
    /// What the person is asked for ("Kiosk number (sticker on the side)").
    pub label: Text,
    /// What a value looks like; `posdoctor profile set` checks it.
    #[serde(default)]
    pub kind: FactKind,
    /// Whether the value belongs to one terminal (`--terminal NAME`) or to
    /// the whole shop.
    #[serde(default)]
    pub scope: FactScope,
}

/// What a pack fact's value looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    /// Any text (card numbers are masked).
    #[default]
    Text,
    /// Digits only (full-width digits are accepted and stored as 0–9).
    Digits,
    /// A date, YYYY-MM-DD.
    Date,
    /// A phone number.
    Phone,
}

impl FactKind {
    pub fn id(self) -> &'static str {
        match self {
            FactKind::Text => "text",
            FactKind::Digits => "digits",
            FactKind::Date => "date",
            FactKind::Phone => "phone",
        }
    }
}

/// Where a pack fact's value is kept in the profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FactScope {
    /// One value per terminal (like `serial`).
    #[default]
    Terminal,
    /// One value for the shop (like `mid`).
    Shop,
}

/// An entry of `have_ready`: a built-in fact or a pack's fact id.
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct FactRef(pub String);

impl JsonSchema for FactRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FactRef".into()
    }
    fn json_schema(gen: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let builtin = gen.subschema_for::<Fact>();
        schemars::json_schema!({
            "description": "A built-in fact, or the id of a fact defined under `facts:` by a loaded pack.",
            "anyOf": [
                builtin,
                {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]*$"}
            ]
        })
    }
}

/// A transaction response code: what it usually means and what to do.
/// Codes differ by network and acquirer, so a pack can replace any of them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeDef {
    /// The code as shown on the screen or receipt (`05`, `51`, `N7`), or a
    /// word for a result without a code (`timeout`).
    pub code: String,
    /// Other ways people type it (`none`, `no response`).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub meaning: Text,
    /// Whose problem it usually is.
    pub owner: Owner,
    /// What to do at the counter.
    pub action: Text,
    /// What to tell the customer, in words a cashier can say, when the
    /// cause is on the customer's side (their card, their bank).
    #[serde(default)]
    pub customer: Option<Text>,
    /// A tree to run next, if any.
    #[serde(default)]
    pub tree: Option<String>,
}

/// Whose problem a response code usually is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// Nobody's: the sale went through.
    Nobody,
    Issuer,
    Acquirer,
    Cardholder,
    Card,
    Counter,
    Terminal,
    Network,
}

impl Owner {
    pub fn id(self) -> &'static str {
        match self {
            Owner::Nobody => "nobody",
            Owner::Issuer => "issuer",
            Owner::Acquirer => "acquirer",
            Owner::Cardholder => "cardholder",
            Owner::Card => "card",
            Owner::Counter => "counter",
            Owner::Terminal => "terminal",
            Owner::Network => "network",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Owner::Nobody => Msg::OwnerNobody,
            Owner::Issuer => Msg::PartyIssuer,
            Owner::Acquirer => Msg::PartyAcquirer,
            Owner::Cardholder => Msg::OwnerCardholder,
            Owner::Card => Msg::OwnerCard,
            Owner::Counter => Msg::OwnerCounter,
            Owner::Terminal => Msg::OwnerTerminal,
            Owner::Network => Msg::OwnerNetwork,
        }
        .get(lang)
    }
}

/// A reusable check, written once and used by many trees.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    /// Unique among all checks (`restart`, `power-outlet`, …).
    pub id: String,
    /// Which rung of the check ladder this is.
    pub rung: Rung,
    /// What the person does.
    #[serde(rename = "do")]
    pub action: Text,
    /// The question after doing it. Default: "Did that fix it?"
    #[serde(default)]
    pub ask: Option<Text>,
    /// A warning shown in a distinct style before the step.
    #[serde(default)]
    pub caution: Option<Text>,
    /// The step can lose data (factory reset): the person must confirm it.
    #[serde(default)]
    pub destructive: bool,
}

/// One decision tree: a symptom and how to walk it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TreeDef {
    /// Unique tree id, used on the command line (`posdoctor run no-power`).
    pub id: String,
    /// The symptom as a person would name it.
    pub title: Text,
    /// One or two sentences on what the tree covers.
    #[serde(default)]
    pub summary: Option<Text>,
    pub category: Category,
    /// Words people use for this problem, and messages terminals show.
    #[serde(default)]
    pub keywords: Keywords,
    /// Id of the first node.
    pub start: String,
    /// The nodes, in the order a printed checklist lists them.
    pub nodes: Vec<NodeDef>,
}

/// Search words in each language.
#[derive(Debug, Default, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Keywords {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub zh: Vec<String>,
}

/// One node. `kind` says which other fields apply: check (`do` or `use`,
/// `ask`, `caution`, `destructive`, `yes`, `no`, `skip`), question (`ask`,
/// `caution`, `yes`, `no`), choice (`ask`, `choices`, `caution`, `fact`),
/// text (`ask`, `routes`, `otherwise`, `caution`, `fact`), info (`text`,
/// `next`, `caution`), resolved (`text`, `caution`, `customer`), escalate
/// (`party`, `text`, `have_ready`, `caution`), link (`tree`). A check or
/// question may also take `probe`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    /// Unique within the tree; letters, digits, `-`, `_`, `.`.
    pub id: String,
    pub kind: NodeKind,
    /// check: the id of a shared check whose text this node uses.
    #[serde(rename = "use", default)]
    pub use_check: Option<String>,
    /// check: what the person does.
    #[serde(rename = "do", default)]
    pub action: Option<Text>,
    /// check, question, choice, text: the question.
    #[serde(default)]
    pub ask: Option<Text>,
    /// info, resolved, escalate: the message.
    #[serde(default)]
    pub text: Option<Text>,
    /// Any node: a warning shown in a distinct style.
    #[serde(default)]
    pub caution: Option<Text>,
    /// check: the step can lose data; the person must confirm it, and `skip` says where to go if they won't.
    #[serde(default)]
    pub destructive: Option<bool>,
    /// check, question: next node on "yes".
    #[serde(default)]
    pub yes: Option<String>,
    /// check, question: next node on "no".
    #[serde(default)]
    pub no: Option<String>,
    /// check (destructive): next node when the person declines the step.
    #[serde(default)]
    pub skip: Option<String>,
    /// choice: the options.
    #[serde(default)]
    pub choices: Option<Vec<ChoiceDef>>,
    /// text: answers routed by pattern, first match wins.
    #[serde(default)]
    pub routes: Option<Vec<RouteDef>>,
    /// text: next node when no route matches.
    #[serde(default)]
    pub otherwise: Option<String>,
    /// info: next node.
    #[serde(default)]
    pub next: Option<String>,
    /// choice, text: the answer is also a fact an escalation asks for
    /// (`connection`, `screen_message`, …), so the person is not asked it
    /// again: a text node's typed text, a choice's label (for `connection`,
    /// the choice's id when it is `wifi`, `mobile`, `ethernet` or `base`).
    #[serde(default)]
    pub fact: Option<Fact>,
    /// resolved: what to tell the customer when the cause is their card or
    /// their bank (declined, insufficient funds, expired card, a card the
    /// reader cannot read while others work). The run is resolved for the
    /// shop — exit 0, no report — and this is shown as "Tell the customer".
    #[serde(default)]
    pub customer: Option<Text>,
    /// escalate: who to call.
    #[serde(default)]
    pub party: Option<Party>,
    /// escalate: what to have ready (default: the usual facts for the
    /// party): built-in facts, and facts a pack defines under `facts:`.
    #[serde(default)]
    pub have_ready: Option<Vec<FactRef>>,
    /// link: the id of the tree to continue in.
    #[serde(default)]
    pub tree: Option<String>,
    /// check, question: a probe (`probes:`) that answers this yes/no step
    /// when it can — pass is `yes`, fail is `no`; the person can still
    /// override it, and without a target the question is asked as usual.
    #[serde(default)]
    pub probe: Option<String>,
    /// link: the node of this tree the walk comes back to when the linked
    /// tree ends resolved (the connection works again: now finish the
    /// sign-on). Without it, the linked tree's ending is the walk's.
    #[serde(default)]
    pub then: Option<String>,
}

/// An option of a choice node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDef {
    /// The answer a script gives for this option.
    pub id: String,
    pub label: Text,
    pub next: String,
}

/// A route of a text node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteDef {
    /// A regular expression matched case-insensitively against the whole
    /// trimmed answer (it is anchored for you).
    #[serde(rename = "match")]
    pub pattern: String,
    pub next: String,
    /// How the answers this route takes read on a checklist or graph ("a
    /// code starting with 5"). Without one, the pattern is put into words.
    #[serde(default)]
    pub label: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Do something, then answer yes/no (default question: "Did that fix it?").
    Check,
    /// A yes/no question.
    Question,
    /// Pick one of several options.
    Choice,
    /// Type an answer (the code on the screen), routed by patterns.
    Text,
    /// Something to read; then on to `next`.
    Info,
    /// Outcome: the problem is solved.
    Resolved,
    /// Outcome: call a party, with what to have ready.
    Escalate,
    /// Continue in another tree.
    Link,
}

impl NodeKind {
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Check => "check",
            NodeKind::Question => "question",
            NodeKind::Choice => "choice",
            NodeKind::Text => "text",
            NodeKind::Info => "info",
            NodeKind::Resolved => "resolved",
            NodeKind::Escalate => "escalate",
            NodeKind::Link => "link",
        }
    }
}

/// Who to call.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// Terminal vendor / service provider: hardware, software, tamper, repairs.
    Vendor,
    /// Acquirer / payment service provider: merchant account, settlement, parameters.
    Acquirer,
    /// Card issuer, the cardholder's bank: declines (the customer calls them).
    Issuer,
    /// Internet or mobile provider: shop internet, SIM data plan.
    Isp,
    /// Electricity supplier: area power cut.
    Power,
}

impl Party {
    pub const ALL: [Party; 5] = [
        Party::Vendor,
        Party::Acquirer,
        Party::Issuer,
        Party::Isp,
        Party::Power,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Party::Vendor => "vendor",
            Party::Acquirer => "acquirer",
            Party::Issuer => "issuer",
            Party::Isp => "isp",
            Party::Power => "power",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Party::Vendor => Msg::PartyVendor,
            Party::Acquirer => Msg::PartyAcquirer,
            Party::Issuer => Msg::PartyIssuer,
            Party::Isp => Msg::PartyIsp,
            Party::Power => Msg::PartyPower,
        }
        .get(lang)
    }

    /// Where the shop finds this party's number (never a made-up number).
    pub fn where_to_find(self, lang: Lang) -> &'static str {
        match self {
            Party::Vendor => Msg::FindVendor,
            Party::Acquirer => Msg::FindAcquirer,
            Party::Issuer => Msg::FindIssuer,
            Party::Isp => Msg::FindIsp,
            Party::Power => Msg::FindPower,
        }
        .get(lang)
    }

    /// What this party usually asks for, when a node does not say.
    pub fn default_facts(self) -> &'static [Fact] {
        use Fact::*;
        match self {
            Party::Vendor => &[
                Merchant,
                Mid,
                Tid,
                Make,
                Model,
                Serial,
                PurchaseDate,
                Connection,
                ScreenMessage,
                Tried,
                Started,
            ],
            Party::Acquirer => &[
                Merchant,
                Mid,
                Tid,
                ScreenMessage,
                LastTransaction,
                Tried,
                Started,
            ],
            Party::Issuer => &[CardholderContact],
            Party::Isp => &[Merchant, Connection, Tried, Started],
            Party::Power => &[Merchant, Started],
        }
    }
}

/// A fact to have ready when calling someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    Merchant,
    Mid,
    Tid,
    Make,
    Model,
    Serial,
    PurchaseDate,
    Connection,
    ScreenMessage,
    Tried,
    Started,
    LastTransaction,
    CardholderContact,
}

/// The fact with this id (`mid`), if any.
pub fn fact_by_id(id: &str) -> Option<Fact> {
    Fact::ALL.into_iter().find(|f| f.id() == id)
}

impl Fact {
    pub const ALL: [Fact; 13] = [
        Fact::Merchant,
        Fact::Mid,
        Fact::Tid,
        Fact::Make,
        Fact::Model,
        Fact::Serial,
        Fact::PurchaseDate,
        Fact::Connection,
        Fact::ScreenMessage,
        Fact::Tried,
        Fact::Started,
        Fact::LastTransaction,
        Fact::CardholderContact,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Fact::Merchant => "merchant",
            Fact::Mid => "mid",
            Fact::Tid => "tid",
            Fact::Make => "make",
            Fact::Model => "model",
            Fact::Serial => "serial",
            Fact::PurchaseDate => "purchase_date",
            Fact::Connection => "connection",
            Fact::ScreenMessage => "screen_message",
            Fact::Tried => "tried",
            Fact::Started => "started",
            Fact::LastTransaction => "last_transaction",
            Fact::CardholderContact => "cardholder_contact",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Fact::Merchant => Msg::FactMerchant,
            Fact::Mid => Msg::FactMid,
            Fact::Tid => Msg::FactTid,
            Fact::Make => Msg::FactMake,
            Fact::Model => Msg::FactModel,
            Fact::Serial => Msg::FactSerial,
            Fact::PurchaseDate => Msg::FactPurchaseDate,
            Fact::Connection => Msg::FactConnection,
            Fact::ScreenMessage => Msg::FactScreenMessage,
            Fact::Tried => Msg::FactTried,
            Fact::Started => Msg::FactStarted,
            Fact::LastTransaction => Msg::FactLastTransaction,
            Fact::CardholderContact => Msg::FactCardholderContact,
        }
        .get(lang)
    }
}

/// Rungs of the check ladder, cheapest and safest first: keep selling,
/// look, restart, power, network, clean, test, settle, update, reset.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Rung {
    Fallback,
    Inspect,
    Restart,
    Power,
    Network,
    Clean,
    Test,
    Settle,
    Update,
    Reset,
    Other,
}

/// What kind of problem a tree is about, for grouping in lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Power,
    Hardware,
    Network,
    Card,
    Printer,
    Payment,
    Settlement,
    Software,
    Outage,
    Account,
    Security,
    Maintenance,
}

impl Category {
    pub fn id(self) -> &'static str {
        match self {
            Category::Power => "power",
            Category::Hardware => "hardware",
            Category::Network => "network",
            Category::Card => "card",
            Category::Printer => "printer",
            Category::Payment => "payment",
            Category::Settlement => "settlement",
            Category::Software => "software",
            Category::Outage => "outage",
            Category::Account => "account",
            Category::Security => "security",
            Category::Maintenance => "maintenance",
        }
    }
}

/// The JSON Schema of a rule file, as `posdoctor schema` prints it.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(RuleFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
