//! SARIF 2.1.0 for code-scanning in CI.

use crate::finding::Severity;
use crate::report::Report;
use serde_json::{Value, json};

/// The report as one SARIF run of the `migra` tool, with every rule of the catalog described.
pub fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = crate::registry::all()
        .iter()
        .map(|r| {
            let i = r.info();
            json!({
                "id": i.code,
                "name": i.name,
                "shortDescription": {"text": i.detects},
                "fullDescription": {"text": i.why},
                "help": {"text": i.instead},
                "defaultConfiguration": {"level": level(i.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": {"text": match &f.suggestion {
                    Some(s) => format!("{} ({s})", f.message),
                    None => f.message.clone(),
                }},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.location.file},
                        "region": {"startLine": f.location.line, "startColumn": f.location.column},
                    },
                    "logicalLocations": f.location.object.as_ref().map(|o| vec![json!({"fullyQualifiedName": o})]).unwrap_or_default(),
                }],
            });
            if let Some(reason) = &f.allowed {
                r["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migra", "informationUri": "https://example.invalid/migra", "rules": rules}},
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
