//! Languages, localized rule text, and the one table of the tool's own words.
//!
//! Every sentence posdoctor itself shows (buttons, prompts, outcome lines)
//! lives in [`Msg`] with an English and a Simplified Chinese form. Rule text
//! lives in the rules as [`Text`]. Nothing shown to a person is written
//! anywhere else.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A language posdoctor can speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English
    En,
    /// Simplified Chinese (简体中文)
    Zh,
}

impl Lang {
    /// The language from the locale variables (`LC_ALL`, then `LANG`): any
    /// value starting with `zh` means Chinese, anything else English.
    pub fn from_locale(lc_all: Option<&str>, lang: Option<&str>) -> Lang {
        let value = lc_all.filter(|v| !v.is_empty()).or(lang).unwrap_or("");
        if value.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// Text a person reads, in English and (optionally) Simplified Chinese.
///
/// In a rule file it is either a plain string (English) or a mapping
/// `{en: ..., zh: ...}`. A missing Chinese form falls back to English,
/// never to an empty string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub zh: Option<String>,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            zh: Some(zh.into()),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => self
                .zh
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(&self.en),
            Lang::En => &self.en,
        }
    }

    /// True when the Chinese form is missing or blank.
    pub fn lacks_zh(&self) -> bool {
        self.zh.as_deref().is_none_or(|s| s.trim().is_empty())
    }

    pub fn map(&self, f: impl Fn(&str) -> String) -> Text {
        Text {
            en: f(&self.en),
            zh: self.zh.as_deref().map(f),
        }
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // The compiled rules (`rules::frozen`): a plain pair.
        if !s.is_human_readable() {
            return (&self.en, &self.zh).serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("en", &self.en)?;
        if let Some(zh) = &self.zh {
            m.serialize_entry("zh", zh)?;
        }
        m.end()
    }
}

/// The longest text (one language of one field) a rule file may hold, in
/// characters: far more than a step needs, little enough for a screen.
pub const MAX_TEXT_CHARS: usize = 4000;

fn checked_len<E: de::Error>(v: &str) -> Result<String, E> {
    let n = v.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(E::custom(format!(
            "the text is {n} characters long, more than the limit of {MAX_TEXT_CHARS}"
        )));
    }
    Ok(v.to_owned())
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        if !d.is_human_readable() {
            let (en, zh) = <(String, Option<String>)>::deserialize(d)?;
            return Ok(Text { en, zh });
        }
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, or a mapping with `en` and `zh`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text {
                    en: checked_len(v)?,
                    zh: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut en: Option<String> = None;
                let mut zh: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "en" if en.is_some() => return Err(de::Error::duplicate_field("en")),
                        "zh" if zh.is_some() => return Err(de::Error::duplicate_field("zh")),
                        "en" => en = Some(checked_len(&map.next_value::<String>()?)?),
                        "zh" => zh = Some(checked_len(&map.next_value::<String>()?)?),
                        other => return Err(de::Error::unknown_field(other, &["en", "zh"])),
                    }
                }
                let en = en.ok_or_else(|| de::Error::missing_field("en"))?;
                Ok(Text { en, zh })
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Text a person reads: a plain string (English) or {en, zh}.",
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "en": {"type": "string", "description": "English"},
                        "zh": {"type": "string", "description": "Simplified Chinese (简体中文)"}
                    },
                    "required": ["en"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

macro_rules! messages {
    ($($name:ident => $en:expr, $zh:expr;)*) => {
        /// The tool's own words. `{name}` marks a value filled in by [`fill`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($name,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];

            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::En) => $en,
                      (Msg::$name, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

messages! {
    Yes => "Yes", "是";
    No => "No", "否";
    Back => "← Back", "← 返回上一步";
    Quit => "Quit (progress is saved)", "退出（进度已保存）";
    Continue => "Next →", "下一步 →";
    Step => "step {n}", "第 {n} 步";
    Caution => "Caution: ", "注意：";
    Destructive => "This step cannot be undone", "此步骤无法撤销";
    ConfirmDestructive => "Go ahead with this step?", "确定要执行这一步吗？";
    ConfirmDo => "I understand — do it now", "我已了解，现在执行";
    ConfirmSkip => "Don't do it — skip this step", "不执行，跳过这一步";
    DidItHelp => "Did that fix it?", "问题解决了吗？";
    Do => "Do this:", "请操作：";
    SelectHelp => "↑↓ move · Enter choose · Esc back · Ctrl-C quit", "↑↓ 移动 · 回车 选择 · Esc 返回 · Ctrl-C 退出";
    TextHelp => "Enter to confirm · Esc back · Ctrl-C quit", "回车 确认 · Esc 返回 · Ctrl-C 退出";
    AnswerRequired => "Please type an answer.", "请输入内容。";
    Preset => "(answered from the script)", "（已由脚本回答）";
    ResolvedTitle => "Resolved", "已解决";
    ResolvedForShopTitle => "Nothing for the shop to fix: the terminal works", "POS机正常，店里不用处理";
    TellCustomer => "Tell the customer:", "请这样告诉顾客：";
    EscalateTitle => "Call for help", "需要联系";
    StoppedTitle => "Stopped", "已停止";
    NeedsInputTitle => "Needs an answer", "需要回答";
    HaveReady => "Have ready:", "请准备好：";
    Tried => "What was tried:", "已尝试：";
    Skipped => "Skipped (not done)", "已跳过（未执行）";
    Helped => "fixed it", "已解决";
    DidNotHelp => "didn't help", "没有解决";
    LogSaved => "Session log: {path}", "会话记录：{path}";
    QuitSaved => "Stopped before an outcome. The session log keeps every step.", "在得出结论前停止。会话记录保存了每一步。";
    Interrupted => "Interrupted. The session log keeps every step answered so far.", "已中断。会话记录保存了已回答的每一步。";
    PickStopped => "Stopped: nothing was started.", "已停止：还没有开始任何检查。";
    PendingAt => "No answer for `{node}`: {prompt}", "没有为 `{node}` 提供答案：{prompt}";
    ValidAnswers => "Valid answers: {list}", "有效答案：{list}";
    GiveAnswer => "Give one with --answer {node}=VALUE", "可用 --answer {node}=答案 提供";
    AnyText => "any text", "任意文字";
    FindVendor => "Where to find their number: the label on the terminal, your purchase or service contract, or the footer of a receipt.", "联系电话可在以下位置找到：POS机机身标签、购买或服务合同、小票底部。";
    FindAcquirer => "Where to find their number: your merchant contract, the acquirer's app or statements, or the footer of a receipt.", "联系电话可在以下位置找到：商户合同、收单机构的应用或对账单、小票底部。";
    FindIssuer => "The cardholder calls the number on the back of their card; the shop does not call for them.", "由持卡人拨打其银行卡背面的电话，商户无需代为联系。";
    FindIsp => "Where to find their number: your internet or mobile bill or contract, or the label on the router.", "联系电话可在以下位置找到：网络或手机账单、合同，或路由器上的标签。";
    FindPower => "Where to find their number: your electricity bill, or the supplier's outage line or app.", "联系电话可在以下位置找到：电费账单，或供电公司的停电报修电话或应用。";
    InfoPrompt => "When you're ready", "准备好后";
    FactMerchant => "Merchant name", "商户名称";
    FactMid => "Merchant ID (MID, printed on receipts)", "商户号（MID，印在小票上）";
    FactTid => "Terminal ID (TID, printed on receipts)", "终端号（TID，印在小票上）";
    FactMake => "Terminal make", "POS机品牌";
    FactModel => "Terminal model", "POS机型号";
    FactSerial => "Serial number (label on the back or under the battery)", "序列号（机身背面或电池下方的标签）";
    FactPurchaseDate => "Purchase date and warranty state", "购买日期与保修状态";
    FactConnection => "How it connects (Wi-Fi, mobile data, Ethernet, base)", "联网方式（Wi-Fi、移动数据、网线、底座）";
    FactScreenMessage => "The exact message or code on the screen", "屏幕上显示的准确提示或代码";
    FactTried => "What was tried and what happened", "已尝试的操作和结果";
    FactStarted => "When it started", "问题开始的时间";
    FactLastTransaction => "Time and amount of the last transaction", "最后一笔交易的时间和金额";
    FactCardholderContact => "The bank's number on the back of the customer's card (the customer calls it)", "顾客卡背面的银行电话（由顾客本人拨打）";
    PartyVendor => "the terminal vendor / service provider", "POS机服务商 / 厂商";
    PartyAcquirer => "the acquirer / payment service provider", "收单机构 / 支付服务商";
    PartyIssuer => "the card issuer (the cardholder's bank)", "发卡行（持卡人的银行）";
    PartyIsp => "the internet or mobile provider", "网络或移动运营商";
    PartyPower => "the electricity supplier", "供电公司";
    CallParty => "Call {party}", "请联系{party}";
    WarnMoreUnused => "warning: answers for {count} more nodes were not used either", "警告：另有 {count} 个节点的答案也未被使用";
    WarnUnreached => "warning: an answer was given for `{node}`, but the walk never reached it", "警告：为 `{node}` 提供了答案，但流程没有经过该节点";
    WarnUnusedAnswers => "warning: {count} answer(s) for `{node}` were left unused", "警告：还有 {count} 个 `{node}` 的答案未被使用";
    WarnLog => "warning: the session log cannot be written ({reason}); the run goes on without it", "警告：无法写入会话记录（{reason}）；继续运行，但不保存记录";
    OwnerNobody => "nobody: the sale went through", "无：交易成功";
    OwnerCardholder => "the cardholder", "持卡人";
    OwnerCard => "the card", "银行卡本身";
    OwnerCounter => "the counter (how the sale was entered)", "收银员输入的信息（金额或单号）";
    OwnerTerminal => "the terminal or its settings", "POS机或其参数设置";
    OwnerNetwork => "the network or payment host", "网络或收单机构的后台";
    CodeTitle => "Code {code}", "代码 {code}";
    CodeWhose => "Usually whose problem: ", "通常是谁的问题：";
    CodeDo => "What to do:", "处理方法：";
    CodeNext => "Next: ", "下一步：";

    CodeVaries => "Codes differ by card network and acquirer: this is the usual meaning. Your acquirer's list wins.", "不同卡组织和收单机构的代码含义可能不同：这里是通常的含义，以收单机构的说明为准。";
    UnknownCode => "`{code}` is not a known response code", "`{code}` 不是已知的交易应答码";
    UnknownCodeHint => "check the code on the receipt, or ask your acquirer; this helps either way:\n  {command}", "请核对小票上的代码或咨询收单机构；也可以运行：\n  {command}";
    NoMatch => "No tree matches that description. See them all with {command}", "没有找到匹配的问题。可用 {command} 查看全部。";
    WhatsWrong => "What's wrong?", "遇到了什么问题？";
    PickHelp => "type to filter · ↑↓ move · Enter choose · Esc cancel", "输入文字筛选 · ↑↓ 移动 · 回车 选择 · Esc 取消";
    Colon => ": ", "：";
    Bought => "bought {date}", "购于 {date}";
    WarrantyUntil => "under warranty until {date}", "保修至 {date}";
    WarrantyEnded => "warranty ended {date}", "已过保（{date} 到期）";
    StepsBelow => "{n} steps, listed below", "{n} 个步骤，见下方";
    ListSep => "; ", "；";
    OutcomeResolved => "resolved", "已解决";
    OutcomeEscalated => "escalated (call for help)", "需要联系相关方";
    OutcomeNeedsInput => "stopped: an answer was missing", "已停止：缺少答案";
    OutcomeAborted => "stopped before an outcome", "在得出结论前停止";
    OutcomeUnfinished => "unfinished", "未完成";
    NotKnown => "(not known)", "（未知）";
    AskFor => "Ask for: remote guidance, a mail-in repair or an on-site visit. A replacement is usually due only inside the warranty and when the terminal cannot be repaired.", "可以要求：远程指导、寄修或上门维修。通常只有在保修期内且无法修复时才会更换POS机。";
    KeepReport => "Keep this report until the matter is closed.", "请保留这份报告，直到问题处理完毕。";
    KeepProof => "Keep the proof of purchase, repair records and this report.", "请保留购买凭证、维修记录和这份报告。";
    ReportTitle => "Escalation report", "问题上报报告";
    SessionReportTitle => "Session report", "会话报告";
    ReportOutcome => "Outcome", "结果";
    ReportTree => "Problem", "问题";
    ReportStarted => "Started", "开始时间";
    ReportDuration => "Duration", "用时";
    ReportWho => "Who to call", "联系谁";
    ReportFacts => "Facts", "信息";
    ReportSteps => "What was tried", "已尝试的步骤";
    ReportEntered => "Codes and messages entered", "输入的代码和提示";
    ReportWhy => "Why", "原因";
    ReportSaved => "Report: {path}", "报告：{path}";
    ReportFailed => "warning: the report cannot be written ({reason})", "警告：无法写入报告（{reason}）";
    MinutesSeconds => "{m} min {s} s", "{m} 分 {s} 秒";
    AskFact => "{label} (Enter to skip)", "{label}（回车跳过）";
    Masked => "A card number was masked to its last four digits: posdoctor never stores card numbers.", "已将卡号隐藏为后四位：posdoctor 从不保存卡号。";
    ContactName => "Name", "名称";
    ContactPhone => "Phone", "电话";
    ContactHours => "Hours", "服务时间";
    ContactWeb => "Web", "网址";
    ResumeDone => "Already done:", "已完成的步骤：";
    ResumeFinished => "This session already ended ({outcome}). See its report: posdoctor report {path}", "此会话已结束（{outcome}）。查看报告：posdoctor report {path}";
    TornLine => "warning: a line of {path} was cut off (a power cut or a kill?) and is left out; everything before it was read", "警告：{path} 中有一行不完整（可能是断电或进程被终止），已跳过；其前面的内容都已读取";
    LockWaiting => "waiting for another posdoctor that is changing the profile…", "正在等待另一个正在修改资料的 posdoctor…";
    LockBusy => "another program has held {path} for 10 seconds: wait until it finishes (another posdoctor profile set?) and try again; if none is running, delete {path}", "另一个程序已占用 {path} 达 10 秒：请等它结束（是否有另一个 posdoctor profile set？）后重试；如果没有在运行的程序，请删除 {path}";
    ProfileMasked => "warning: {path} holds a card number; posdoctor masked it in everything it shows and keeps. Remove it from the file.", "警告：{path} 中有卡号；posdoctor 在显示和保存的内容中都已将其隐藏。请从文件中删除它。";

    ClKeepSelling => "KEEP SELLING", "先保证收款";

    ClSteps => "STEPS", "步骤";
    ClIfYes => "If yes", "如果是";
    ClIfNo => "If no", "如果否";
    ClIfSkip => "If you don't do it", "如果不执行";
    ClIfChoice => "If “{label}”", "如果“{label}”";
    ClIfChoiceQuoting => "If {label}", "如果{label}";
    ClIfMatches => "If it is {list}", "如果是{list}";
    ClOtherwise => "Otherwise", "其他情况";
    ClThen => "Then", "然后";
    ClGoTo => "go to step {n}", "转到第 {n} 步";
    ClSolved => "SOLVED: {text}", "已解决：{text}";
    ClCall => "CALL {party} (see below): {text}", "联系{party}（见下方）：{text}";
    ClContinue => "continue with the checklist “{title}” ({id})", "转到检查单“{title}”（{id}）";
    ClComeBack => "; once that has solved it, come back to step {n}", "；那边解决后，回到第 {n} 步";
    ClCaution => "(!) CAUTION: ", "(!) 注意：";
    ClDestructive => "(!!) CANNOT BE UNDONE — confirm before you do it", "(!!) 无法撤销——执行前请确认";
    ClCallForHelp => "WHO TO CALL", "联系谁";
    ClFillIn => "Have this ready (fill in):", "请提前填好：";
    ClWhatTried => "What was tried", "已尝试的操作";
    ClWhenStarted => "When it started", "开始时间";
    ClFooter => "{id} · printed {date}", "{id} · 打印于 {date}";
    DidYouMean =>
 "did you mean `{name}`?", "你是想输入 `{name}` 吗？";

    // At the counter (issue 8).
    ClTellCustomer => "NOTHING FOR THE SHOP TO FIX — {text} Tell the customer: {customer}", "店里无需处理——{text}请告诉顾客：{customer}";
    TodayAt => "today {time}", "今天 {time}";
    YesterdayAt => "yesterday {time}", "昨天 {time}";
    ProfileSaved => "Saved to your profile ({path}): next time these are filled in.", "已保存到档案（{path}）：下次会自动填写。";
    ProfileSaveFailed => "warning: the profile cannot be saved ({reason})", "警告：无法保存档案（{reason}）";
    DecisionDone => "done; whether it helped is not known yet", "已执行；是否解决尚不清楚";
    FactsAsk => "The caller will ask for {n} facts that are not filled in yet. Fill them in now?", "对方会问到 {n} 项还没有填写的信息。现在填写吗？";
    FactsAskOne => "The caller will ask for 1 fact that is not filled in yet. Fill it in now?", "对方会问到 1 项还没有填写的信息。现在填写吗？";
    FactsFill => "Yes, fill them in (Enter skips one, Esc skips the rest)", "是，现在填写（回车跳过一项，Esc 跳过其余）";
    FactsSkip => "No, skip them all", "否，全部跳过";
    ConnWifi => "Wi-Fi", "Wi-Fi 无线网络";
    ConnMobile => "Mobile data (a SIM card in the terminal)", "移动数据（POS机里插着 SIM 卡）";
    ConnEthernet => "A network cable to the terminal", "网线直接连到POS机";
    ConnBase => "Through its base (the base has the cable)", "通过底座联网（网线接在底座上）";
    SkipOne => "Skip", "跳过";
    AskPurchaseDate => "Purchase date, YYYY-MM-DD (Enter to skip)", "购买日期，格式 YYYY-MM-DD（回车跳过）";
    AskWarrantyUntil => "Under warranty until, YYYY-MM-DD (Enter to skip)", "保修截止日期，格式 YYYY-MM-DD（回车跳过）";
    PurchaseDateShort => "Purchase date", "购买日期";
    WarrantyShort => "Warranty until", "保修截止";
    SaveAsk => "Keep these in your profile, so the next call is filled in for you?", "把这些保存到档案，下次自动填写吗？";
    SaveYes => "Yes, keep them", "是，保存";
    SaveNo => "No", "否，不保存";
    FactHelp => "Enter to confirm (empty: skip it) · Esc skips the rest", "回车确认（留空则跳过）· Esc 跳过其余";
    OfferResume => "Continue “{title}”, stopped at step {n}, {when}?", "继续处理“{title}”吗？上次停在第 {n} 步（{when}）";
    ResumeYes => "Yes, continue where it stopped", "是，从停下的地方继续";
    ResumeNo => "No, something else is wrong", "否，处理别的问题";
    PickNoMatch => "No match — try other words", "没有匹配的问题——换个说法试试";
    Crashed => "posdoctor stopped unexpectedly (a bug; please report it). Every step answered so far is saved.", "posdoctor 意外停止（这是程序错误，请反馈）。已回答的每一步都已保存。";
    ResumeHint => "To continue later:", "稍后继续：";

    // Packs: broken files at the counter, unknown trees, suggested commands.
    BuiltinRules => "the built-in rules", "内置规则";
    NoRulesLoaded => "no rules at all (--no-builtin without --rules)", "没有任何规则（使用了 --no-builtin 但没有 --rules）";
    LeftOut => "warning: left out {file} — {error}{more}. Everything else works; all its problems: {command}", "警告：已跳过 {file}——{error}{more}。其他内容照常可用；查看它的全部问题：{command}";
    SoftDropped => "warning: {file} — {error}; the rest of that file is used. All its problems: {command}", "警告：{file}——{error}；该文件的其余内容照常使用。查看它的全部问题：{command}";
    LeftOutNeeds => " (it needs {file}, which is left out)", "（它依赖已被跳过的 {file}）";
    LeftOutRestored => "; the built-in {trees} is used instead", "；改用内置的 {trees}";
    RulesHaveErrors => "{n} error(s) in the rules", "规则中有 {n} 个错误";
    ShownAbove => " (shown above)", "（见上方）";
    SeeThemAll => "see them all with: {command}", "查看全部：{command}";
    NoTreeCalled => "no tree is called `{id}`", "没有名为 `{id}` 的问题树";
    LoadedFrom => ". Loaded: {list}", "。已加载：{list}";
    DidYouMeanRun => "did you mean `{name}`? Run it with:\n  {command}", "你是想输入 `{name}` 吗？可以这样运行：\n  {command}";
    TreeLeftOut => ": it is in {file}, which is left out because it has errors", "：它在 {file} 中，该文件有错误，已被跳过";
    FilesLeftOut => " (left out for errors: {files})", "（因有错误被跳过：{files}）";
    PatStartsWith => "anything starting with {x}", "以{x}开头的内容";
    PatEndsWith => "anything ending with {x}", "以{x}结尾的内容";
    PatContains => "anything containing {x}", "包含{x}的内容";
    PatCodeStarting => "a code starting with {x}", "以{x}开头的代码";
    PatCodeStartingDigits => "a {n}-digit code starting with {x}", "{n} 位、以{x}开头的代码";
    PatCodeStartingChars => "a {n}-character code starting with {x}", "{n} 位、以{x}开头的代码";
    PatDigitsAtLeast => "a number of {n} or more digits", "{n} 位或更多位数字";
    PatDigitsBetween => "a number of {a} to {b} digits", "{a} 到 {b} 位数字";
    PatAnyNumber => "any number", "任意数字";
    PatDigits => "a {n}-digit number", "{n} 位数字";
    PatAnyAnswer => "any answer", "任意内容";
    PatOther => "another answer the rules expect", "规则中设定的其他答案";
    PatSep => ", ", "、";
    PatOr => " or ", "或";
    PatMore => "others", "其他";
    TestExpected => "expected:", "预期：";
    TestGot => "got:     ", "实际：";
    TestPath => "path:    ", "路径：";
    TestWarning => "warning:", "警告：";
    TestRunIt => "run it:  ", "复现：";
    TestLeftAt => "left the expected path at step {step}, `{node}`: the answer `{answer}` leads away from {toward}{instead}", "在第 {step} 步 `{node}` 偏离了预期路径：答案 `{answer}` 无法到达 {toward}{instead}";
    TestInstead => "; {answers} leads there", "；{answers} 才能到达";
    TestSummary => "{passed} passed, {failed} failed", "{passed} 个通过，{failed} 个失败";
    TestProblems => ", plus {n} problem(s) in the files (above)", "，另有 {n} 个文件问题（见上方）";
    TestNoCases => " — no scenario cases were found (tests/*.yaml or *.test.yaml in a pack)", "——没有找到任何测试用例（规则包中的 tests/*.yaml 或 *.test.yaml）";
    TestCoverage => "Coverage (what the cases reach, and what no case reaches):", "覆盖情况（用例经过的内容，以及没有任何用例经过的内容）：";
    TestCoverageLine => "{nodes} of {all_nodes} nodes and {edges} of {all_edges} answers reached", "经过了 {nodes}/{all_nodes} 个节点、{edges}/{all_edges} 个答案";
    TestNodesMissed => "nodes no case reaches:", "没有用例经过的节点：";
    TestEdgeMissed => "answer no case gives:", "没有用例给出的答案：";
    PathsNodes => "Nodes ({n}), as answers name them:", "节点（{n} 个），答案中使用这些名称：";
    PathsPaths => "Paths ({n}; loops are walked once), each as answers for --answers or a scenario case:", "路径（{n} 条；循环只走一次），每条都可作为 --answers 或测试用例的答案：";
    PathsMore => "(only the first {n} paths are listed; the tree has more)", "（只列出前 {n} 条路径；该问题树还有更多）";
    PackTreeHint => "a tree from a pack needs its pack (DIR):\n  {command}", "规则包中的问题树需要加载该规则包（DIR）：\n  {command}";

    Value => "VALUE", "值";
    Milliseconds => "{n} ms", "{n} 毫秒";
    BadHost => "`{value}` is not an IP address or host name for `{key}`: write it like 192.168.1.50, fe80::1 or pos.example.com", "`{value}` 不是 `{key}` 可用的 IP 地址或主机名：请写成 192.168.1.50、fe80::1 或 pos.example.com 这样的形式";
    BadPort => "`{value}` is not a port for `{key}`: use a number from 1 to 65535", "`{value}` 不是 `{key}` 可用的端口：请使用 1 到 65535 之间的数字";
    BadUrl => "`{value}` is not a web address for `{key}`: write it with http:// or https://, e.g. https://www.example.com/", "`{value}` 不是 `{key}` 可用的网址：请以 http:// 或 https:// 开头，例如 https://www.example.com/";
    ValueEmpty => "the value for `{key}` is empty; use `posdoctor profile unset {key}` to remove it", "`{key}` 的值是空的；要删除它，请用 `posdoctor profile unset {key}`";
    ValueTooLong => "the value for `{key}` is longer than 200 characters", "`{key}` 的值超过了 200 个字符";
    ValueLooksLikeCard => "`{value}` looks like a card number, not a {what}: posdoctor never stores card numbers", "`{value}` 看起来是银行卡号，不是{what}：posdoctor 从不保存卡号";
    WhatMid => "merchant ID", "商户号";
    WhatTid => "terminal ID", "终端号";
    WhatSerial => "serial number", "序列号";
    BadMid => "`{value}` is not a merchant ID: use the 4–20 letters and digits printed on your receipts (MID)", "`{value}` 不是商户号：请填写签购单上印的 4–20 位字母和数字（商户号）";
    BadTid => "`{value}` is not a terminal ID: use the 4–16 letters and digits printed on your receipts (TID)", "`{value}` 不是终端号：请填写签购单上印的 4–16 位字母和数字（终端号）";
    BadSerial => "`{value}` is not a serial number: letters, digits, spaces and . _ / - only, up to 40", "`{value}` 不是序列号：只能包含字母、数字、空格和 . _ / -，最多 40 个字符";
    BadDate => "`{value}` is not a date: write it as YYYY-MM-DD, e.g. 2025-03-31", "`{value}` 不是日期：请按 YYYY-MM-DD 填写，例如 2025-03-31";
    BadConnection => "`{value}` is not a connection: use wifi, mobile, ethernet or base", "`{value}` 不是连接方式：请用 wifi、mobile、ethernet 或 base";
    BadPhone => "`{value}` is not a phone number: use digits, spaces and + - ( ) . / only, and write an extension as `ext 5`", "`{value}` 不是电话号码：只能使用数字、空格和 + - ( ) . /，分机号写成 `ext 5`";
    TargetIsCard => "`{value}` holds a card number: posdoctor never stores card numbers", "`{value}` 中含有卡号：posdoctor 从不保存卡号";
    ProbeLinePass => "{mark} {label} {target} {detail} in {ms} ms", "{mark} {label} {target} {detail}，用时 {ms} 毫秒";
    ProbeLineFail => "{mark} {label} {target} {detail} ({ms} ms)", "{mark} {label} {target} {detail}（{ms} 毫秒）";
    ProbeLineSkipped => "{mark} {label} {target}: {detail}", "{mark} {label} {target}：{detail}";
    ProbeAnswered => "answered", "有应答";
    ProbeRefused => "refused the connection", "拒绝了连接";
    ProbeNoAnswer => "did not answer within {ms} ms", "在 {ms} 毫秒内没有应答";
    ProbeConnectFailed => "could not connect: {reason}", "无法连接：{reason}";
    ProbeNoResolve => "the name does not resolve: {reason}", "无法解析该名称：{reason}";
    ProbeResolves => "resolves to {addrs}", "解析为 {addrs}";
    ProbeHttpOk => "answered HTTP {status}", "返回 HTTP {status}";
    ProbeHttpBad => "answered HTTP {status}, expected {expected}", "返回 HTTP {status}，应为 {expected}";
    ProbeHttpFailed => "no answer: {reason}", "没有应答：{reason}";
    ProbeCert => "certificate problem: {reason}", "证书有问题：{reason}";
    ProbeCertClock => "certificate problem: the server's certificate reads as {state}, which usually means this computer's date or time is wrong: check them", "证书有问题：服务器的证书显示为{state}，这通常说明这台电脑的日期或时间不对，请检查";
    CertExpired => "expired", "已过期";
    CertNotYetValid => "not yet valid", "尚未生效";
    ProbeClockOk => "is right: {skew} from the server's (at most {max} min allowed)", "准确：与服务器相差 {skew}（最多允许 {max} 分钟）";
    ProbeClockAhead => "is {skew} ahead of the server's (at most {max} min allowed)", "比服务器快 {skew}（最多允许 {max} 分钟）";
    ProbeClockBehind => "is {skew} behind the server's (at most {max} min allowed)", "比服务器慢 {skew}（最多允许 {max} 分钟）";
    SkewMinutes => "{n} min", "{n} 分钟";
    SkewSeconds => "{n} s", "{n} 秒";
    ProbeNoDate => "not checked: the server sent no date to compare with", "未检查：服务器没有返回可比较的日期";
    ProbeClockUnreachable => "not checked: {reason}", "未检查：{reason}";
    ProbeExists => "exists", "存在";
    ProbeMissing => "does not exist", "不存在";
    ProbePathError => "cannot be looked at: {reason}", "无法查看：{reason}";
    ProbeNoTarget => "not checked, no target set: {cmd}", "未检查，没有设置目标：{cmd}";
    ProbeBadTarget => "the target is not usable: {reason}", "目标不可用：{reason}";
    ProbeTimedOut => "did not finish within {ms} ms", "在 {ms} 毫秒内没有完成";
    ProbeCrashed => "not checked: the probe stopped unexpectedly", "未检查：检查意外中止";
    ProbeBudget => "not checked: the automatic checks of this run have taken {s} s already", "未检查：本次运行的自动检查已用了 {s} 秒";
    ProbeOverride => "Checked automatically — change the answer if you know better.", "已自动检查——如果你确定结果不同，可以改选答案。";
    ProbeAnsweredStep => "checked automatically", "自动检查";
    ReportProbes => "Checked automatically", "自动检查";
    CheckSummary => "{pass} passed, {fail} failed, {skipped} not checked", "{pass} 项通过，{fail} 项失败，{skipped} 项未检查";
    CheckNone => "No probes are loaded: a rule file defines them under `probes:`.", "没有加载任何自动检查：规则文件在 `probes:` 下定义它们。";
}

/// Full-width ASCII forms (U+FF01–U+FF5E: `０５`, `ｙｅｓ`, `－`) and the
/// ideographic space as the ASCII they stand for: what a Chinese input
/// method types for codes, ids and yes/no.
pub fn narrow(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '\u{ff01}'..='\u{ff5e}' | '\u{3000}'))
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// Replaces each `{key}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.get(Lang::En).trim().is_empty(), "{m:?} en");
            assert!(!m.get(Lang::Zh).trim().is_empty(), "{m:?} zh");
            let keys = |s: &str| {
                s.split('{')
                    .skip(1)
                    .filter_map(|p| p.split('}').next())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                keys(m.get(Lang::En)),
                keys(m.get(Lang::Zh)),
                "{m:?} placeholders"
            );
        }
    }

    #[test]
    fn locale_detection() {
        assert_eq!(Lang::from_locale(None, Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(
            Lang::from_locale(Some("en_US.UTF-8"), Some("zh_CN")),
            Lang::En
        );
        assert_eq!(Lang::from_locale(Some(""), Some("zh_TW")), Lang::Zh);
        assert_eq!(Lang::from_locale(None, None), Lang::En);
        assert_eq!(Lang::from_locale(Some("C"), None), Lang::En);
    }

    #[test]
    fn text_falls_back_to_english() {
        let t: Text = serde_yaml::from_str("plain").unwrap();
        assert_eq!(t.get(Lang::Zh), "plain");
        let t: Text = serde_yaml::from_str("{en: a, zh: '  '}").unwrap();
        assert_eq!(t.get(Lang::Zh), "a");
        let t: Text = serde_yaml::from_str("{en: a, zh: 乙}").unwrap();
        assert_eq!(t.get(Lang::Zh), "乙");
        assert!(serde_yaml::from_str::<Text>("{en: a, fr: b}").is_err());
        assert!(serde_yaml::from_str::<Text>("{zh: b}").is_err());
    }
}
