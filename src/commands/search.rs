//! `posdoctor search`: trees ranked by how well they match a description.

use anyhow::Result;

use super::{load_rules, print_json, print_out, shell_word, Ctx};
use crate::i18n::{fill, Msg};
use crate::term::{use_color_for, Stream};

pub fn search(ctx: &Ctx, query: &str, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let index = super::search_index(ctx, &rules);
    let hits = index.search(query);
    if json {
        #[derive(serde::Serialize)]
        struct HitJson<'a> {
            id: &'a str,
            title: &'a str,
            category: &'static str,
            score: f64,
        }
        let out: Vec<HitJson> = hits
            .iter()
            .map(|h| HitJson {
                id: &h.tree.id,
                title: h.tree.title.get(ctx.lang),
                category: h.tree.category.id(),
                score: (h.score * 100.0).round() / 100.0,
            })
            .collect();
        print_json(&out)?;
    } else if hits.is_empty() {
        super::print_err(&fill(
            Msg::NoMatch.get(ctx.lang),
            &[("command", &ctx.suggest("list"))],
        ));
    } else {
        use colored::Colorize;
        use_color_for(ctx.color, Stream::Stdout);
        // Show the strong matches only; weak ones (a word deep in a node's
        // text) stay in --json.
        let best = hits.first().map_or(0.0, |h| h.score);
        let shown: Vec<_> = hits
            .iter()
            .take_while(|h| h.score >= best * 0.3)
            .take(5)
            .collect();
        let width = shown.iter().map(|h| h.tree.id.len()).max().unwrap_or(0);
        let mut text = String::new();
        for (i, h) in shown.iter().enumerate() {
            let pad = " ".repeat(width - h.tree.id.len());
            text.push_str(&format!(
                "{:>2}. {}{pad}  {}\n",
                i + 1,
                h.tree.id.bold(),
                h.tree.title.get(ctx.lang)
            ));
        }
        if let Some(best) = hits.first() {
            let run = ctx.suggest(&format!("run {}", shell_word(&best.tree.id)));
            text.push_str(&format!("\n→ {run}\n"));
        }
        print_out(&text)?;
    }
    Ok(if hits.is_empty() { 1 } else { 0 })
}
