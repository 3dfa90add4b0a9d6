//! The rule file format, version 1, as serde types. The loader reads these,
//! `posdoctor schema` prints their JSON Schema, and docs/rules.md explains
//! them. Unknown fields are rejected everywhere.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg, Text};

fn one() -> u32 {
    1
}

/// One rule file: shared checks and/or trees (and, later, more sections).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "posdoctor rule file (format version 1)")]
pub struct RuleFile {
    /// Format version of this file. Only `1` exists.
    #[serde(default = "one")]
    pub version: u32,
    /// Reusable checks (rungs of the ladder), used by nodes with `use:`.
    #[serde(default)]
    pub checks: Vec<CheckDef>,
    /// Decision trees, one per symptom.
    #[serde(default)]
    pub trees: Vec<TreeDef>,
    /// Transaction response codes (ISO 8583 field 39) and what to do.
    #[serde(default)]
    pub codes: Vec<CodeDef>,
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

/// One node. `kind` says which other fields apply (docs/rules.md has the table).
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
    /// escalate: what to have ready (default: the usual facts for the party).
    #[serde(default)]
    pub have_ready: Option<Vec<Fact>>,
    /// link: the id of the tree to continue in.
    #[serde(default)]
    pub tree: Option<String>,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
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

/// Rungs of the check ladder (domain.md), cheapest and safest first.
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
