//! `migra rules`: the validator's catalog.

use crate::fail::Failure;
use crate::output::{Out, say, say_raw, table};
use migra::validate::registry;
use serde::Serialize;

#[derive(Serialize)]
struct RuleDoc {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    dialects: Vec<&'static str>,
    detects: &'static str,
    why: &'static str,
    instead: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<&'static str>,
    opt_in: bool,
}

/// Prints the catalog: a table, JSON (`--json`) or Markdown (`--markdown`, the source of docs/rules.md).
pub fn run(out: Out, markdown: bool) -> Result<(), Failure> {
    if markdown {
        say_raw!("{}", migra::validate::docs::markdown());
        return Ok(());
    }
    let docs: Vec<RuleDoc> = registry::all()
        .iter()
        .map(|r| {
            let i = r.info();
            RuleDoc {
                code: i.code,
                name: i.name,
                severity: i.severity.name(),
                dialects: i.dialects.iter().map(|d| d.name()).collect(),
                detects: i.detects,
                why: i.why,
                instead: i.instead,
                probe: i.probe,
                opt_in: registry::OPT_IN.contains(&i.code),
            }
        })
        .collect();
    if out.json {
        out.json(&docs);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            vec![
                d.code.into(),
                d.name.into(),
                d.severity.into(),
                d.dialects.join(","),
            ]
        })
        .collect();
    say!(
        "{}",
        table(&["code", "name", "severity", "dialects"], &rows)
    );
    Ok(())
}
