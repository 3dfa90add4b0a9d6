//! `posdoctor code`: what a transaction response code means and what to do.

use anyhow::Result;

use super::{load_rules, print_json, print_out, shell_word, Ctx, Failure};
use crate::i18n::{fill, Msg};
use crate::term::{use_color_for, Stream};

pub fn code(ctx: &Ctx, input: &str, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let lang = ctx.lang;
    let Some(code) = rules.code_in(input) else {
        // The input is echoed: masked and with its controls made visible.
        let shown = crate::sanitize::visible(&crate::privacy::mask(input.trim())).into_owned();
        let msg = fill(Msg::UnknownCode.get(lang), &[("code", &shown)]);
        let hint = fill(
            Msg::UnknownCodeHint.get(lang),
            &[("command", &ctx.suggest("run transaction-failed"))],
        );
        return Err(Failure::new("unknown_code", msg).with_hint(hint).into());
    };
    if json {
        #[derive(serde::Serialize)]
        struct CodeJson<'a> {
            code: &'a str,
            meaning: &'a str,
            owner: &'static str,
            owner_name: &'static str,
            action: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            customer: Option<&'a str>,
            tree: Option<&'a str>,
        }
        print_json(&CodeJson {
            code: &code.code,
            meaning: code.meaning.get(lang),
            owner: code.owner.id(),
            owner_name: code.owner.name(lang),
            action: code.action.get(lang),
            customer: code.customer.as_ref().map(|c| c.get(lang)),
            tree: code.tree.as_deref().filter(|t| rules.tree(t).is_some()),
        })?;
    } else {
        use colored::Colorize;
        use_color_for(ctx.color, Stream::Stdout);
        let width = crate::term::width_for(Stream::Stdout);
        let m = |msg: Msg| msg.get(lang);
        // A response code is two or three characters ("05", "A0"); an entry
        // such as `timeout` is a situation, not a code: its meaning is the
        // title ("代码 timeout" read as English left in a Chinese screen).
        let is_code = code.code.len() <= 3 && code.code.chars().all(|c| c.is_ascii_alphanumeric());
        let mut text = if is_code {
            format!(
                "{} — {}\n",
                fill(m(Msg::CodeTitle), &[("code", &code.code)]).bold(),
                code.meaning.get(lang)
            )
        } else {
            format!("{}\n", code.meaning.get(lang).bold())
        };
        text.push_str(&format!(
            "{}{}\n",
            m(Msg::CodeWhose).bold(),
            code.owner.name(lang)
        ));
        text.push_str(&format!(
            "{}\n{}\n",
            m(Msg::CodeDo).bold(),
            crate::term::wrap(code.action.get(lang), width, "  ")
        ));
        if let Some(c) = &code.customer {
            text.push_str(&format!(
                "{}\n{}\n",
                m(Msg::TellCustomer).bold(),
                crate::term::wrap(c.get(lang), width, "  ")
            ));
        }
        // The command alone on its line, so that the line pastes whole.
        if let Some(t) = code.tree.as_deref().and_then(|t| rules.tree(t)) {
            text.push_str(&format!(
                "{}{}\n  {}\n",
                m(Msg::CodeNext).bold(),
                t.title.get(lang),
                ctx.suggest(&format!("run {}", shell_word(&t.id))),
            ));
        }
        text.push_str(&format!(
            "\n{}\n",
            crate::term::wrap(m(Msg::CodeVaries), width, "").dimmed()
        ));
        print_out(&text)?;
    }
    Ok(0)
}
