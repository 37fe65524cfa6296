//! How a probe's answer moves a finding.

use crate::finding::{Finding, Severity};
use crate::probe::{Answer, Probe};

/// Re-grades `f` with what its probe found: nothing affected → info ("the table is empty"),
/// something affected → error, with the count in the message and the evidence.
pub fn grade(f: &mut Finding, answer: &Answer) {
    let Some(p) = &f.probe else { return };
    let approx = if answer.estimated { "about " } else { "" };
    let n = answer.count;
    let what = match p {
        Probe::Rows { .. } => format!("{approx}{n} rows"),
        Probe::NonNull { .. } => format!("{approx}{n} non-NULL values"),
        Probe::Nulls { .. } => format!("{approx}{n} rows with NULL"),
        Probe::Duplicates { .. } => format!("{approx}{n} groups of duplicate rows"),
        Probe::Orphans { .. } => format!("{approx}{n} rows without a referenced row"),
        Probe::Violations { .. } => format!("{approx}{n} rows violating the check"),
        Probe::TooLong { max_length, .. } => format!("{approx}{n} values longer than {max_length}"),
        Probe::ValueUse { .. } => format!("{approx}{n} rows using the removed values"),
    };
    f.evidence = Some(what.clone());
    if n == 0 {
        f.severity = Severity::Info;
        f.message = format!("{} (probe: {what}, so nothing is affected)", f.message);
    } else {
        f.severity = Severity::Error;
        f.message = format!("{}: {what}", f.message);
    }
}
