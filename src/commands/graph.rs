//! `posdoctor graph`: a tree as Graphviz DOT or Mermaid.

use anyhow::Result;

use super::{load_rules, print_out, shell_word, tree_or_explain, Ctx};
use crate::cli::GraphFormat;

pub fn graph(ctx: &Ctx, id: &str, format: GraphFormat) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let tree = tree_or_explain(ctx, &rules, id, &format!("graph {}", shell_word(id)))?;
    let text = match format {
        GraphFormat::Dot => crate::render::graph::dot(tree, &rules, ctx.lang),
        GraphFormat::Mermaid => crate::render::graph::mermaid(tree, &rules, ctx.lang),
    };
    print_out(&text)?;
    Ok(0)
}
