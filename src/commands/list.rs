//! `posdoctor list`: every tree, as a table or JSON.

use anyhow::Result;

use super::{load_rules, print_json, print_out, Ctx};
use crate::render;
use crate::term::{use_color_for, Stream};

pub fn list(ctx: &Ctx, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    if json {
        let items: Vec<_> = rules
            .trees()
            .iter()
            .map(|t| render::tree_json(t, ctx.lang))
            .collect();
        print_json(&items)?;
    } else {
        use_color_for(ctx.color, Stream::Stdout);
        print_out(&render::list_text(&rules, ctx.lang))?;
    }
    Ok(0)
}
