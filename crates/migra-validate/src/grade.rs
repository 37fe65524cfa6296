//! How a probe's answer moves a finding.

use crate::finding::{Finding, Severity};
use crate::probe::{Answer, Probe};

/// Re-grades `f` with what its probe found. Nothing affected → info. For data rules (DL, DD)
/// anything affected → error, with the count in the message. For lock and rewrite rules (PG, MY,
/// TX, OP) the row count sets the stakes: a table of at least `config.large_table_rows` rows → error,
/// a smaller one keeps the rule's severity.
pub fn grade(f: &mut Finding, answer: &Answer, config: &crate::Config) {
    let Some(p) = &f.probe else { return };
    let approx = if answer.estimated { "about " } else { "" };
    let n = answer.count;
    let one = n == 1;
    let (row, value) = if one {
        ("row", "value")
    } else {
        ("rows", "values")
    };
    let what = match p {
        Probe::Rows { .. } => format!("{approx}{n} {row}"),
        Probe::NonNull { .. } => format!("{approx}{n} non-NULL {value}"),
        Probe::Nulls { .. } => format!("{approx}{n} {row} with NULL"),
        Probe::Duplicates { .. } => {
            let group = if one { "group" } else { "groups" };
            format!("{approx}{n} {group} of duplicate rows")
        }
        Probe::Orphans { .. } => format!("{approx}{n} {row} without a referenced row"),
        Probe::Violations { .. } => format!("{approx}{n} {row} violating the check"),
        Probe::TooLong { max_length, .. } => {
            format!("{approx}{n} {value} longer than {max_length}")
        }
        Probe::ValueUse { .. } => format!("{approx}{n} {row} using the removed values"),
    };
    f.evidence = Some(what.clone());
    if n == 0 {
        f.severity = Severity::Info;
        f.message = format!("{} (probe: {what}, so nothing is affected)", f.message);
    } else if matches!(&f.code[..2], "DL" | "DD") {
        f.severity = Severity::Error;
        f.message = format!("{}: {what}", f.message);
    } else if n >= config.large_table_rows {
        f.severity = Severity::Error;
        f.message = format!("{} (a large table: {what})", f.message);
    } else {
        f.message = format!("{} ({what})", f.message);
    }
}
