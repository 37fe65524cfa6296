//! Human diagnostics: the offending line quoted with a caret under the place.

use crate::finding::Finding;
use crate::report::Report;
use std::fmt::Write;

/// Renders every finding; `source(file)` gives a file's text (files count lines from 1). Allowed
/// findings are listed last with their reason.
pub fn human(report: &Report, source: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.allowed.is_none()) {
        one(&mut out, f, source);
    }
    for f in report.findings.iter().filter(|f| f.allowed.is_some()) {
        let _ = writeln!(
            out,
            "allowed[{}] {} at {}: {}",
            f.code,
            f.rule,
            f.location.position(),
            f.allowed.as_deref().unwrap_or("")
        );
    }
    let v = report.validation();
    let _ = writeln!(
        out,
        "{}: {} error(s), {} warning(s) in {} statement(s) of {} script(s){}",
        if v.safe { "safe" } else { "not safe" },
        v.errors.len(),
        v.warnings.len(),
        report.statements,
        report.scripts,
        if report.unanalysed > 0 {
            format!(", {} not analysed", report.unanalysed)
        } else {
            String::new()
        }
    );
    out
}

fn one(out: &mut String, f: &Finding, source: &dyn Fn(&str) -> Option<String>) {
    let _ = writeln!(
        out,
        "{}[{}] {}: {}",
        f.severity.name(),
        f.code,
        f.rule,
        f.message
    );
    let _ = writeln!(out, "  --> {}", f.location.position());
    let line = source(&f.location.file).and_then(|t| {
        t.lines()
            .nth(f.location.line.saturating_sub(1) as usize)
            .map(str::to_string)
    });
    if let Some(text) = line {
        let num = f.location.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{num} | {}", text.trim_end());
        let caret_at: String = text
            .chars()
            .take(f.location.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{pad} | {caret_at}^");
    }
    if let Some(o) = &f.location.object {
        let _ = writeln!(out, "  = object: {o}");
    }
    if let Some(e) = &f.evidence {
        let _ = writeln!(out, "  = found: {e}");
    }
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "  = help: {s}");
    }
    for (i, s) in f.steps.iter().enumerate() {
        let _ = writeln!(out, "  = step {}: {s}", i + 1);
    }
    out.push('\n');
}
