//! The result of a validation run and its JSON shape (`MigrationValidation`).

use crate::finding::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// Findings of a run, in file order, plus counts.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding, allowed ones included.
    pub findings: Vec<Finding>,
    /// Statements checked.
    pub statements: usize,
    /// Scripts checked.
    pub scripts: usize,
    /// Statements whose effect could not be analysed.
    pub unanalysed: usize,
    /// What the run checked against (dialect, server version when known).
    pub target: Option<crate::target::Target>,
}

impl Report {
    /// True when no finding blocks.
    pub fn is_safe(&self) -> bool {
        !self.findings.iter().any(Finding::is_blocking)
    }

    /// Counts of findings by rule code (allowed ones excluded).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for f in self.findings.iter().filter(|f| f.allowed.is_none()) {
            *m.entry(f.code).or_insert(0) += 1;
        }
        m
    }

    /// The `MigrationValidation` shape.
    pub fn validation(&self) -> MigrationValidation<'_> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut allowed = Vec::new();
        let mut recommendations: Vec<String> = Vec::new();
        for f in &self.findings {
            let entry = Entry {
                r#type: f.code,
                rule: f.rule,
                severity: f.severity,
                message: &f.message,
                location: f.location.position(),
                object: f.location.object.as_deref(),
                suggestion: f.suggestion.as_deref(),
                evidence: f.evidence.as_deref(),
                blocking: f.is_blocking().then_some(true),
                reason: f.allowed.as_deref(),
            };
            if f.allowed.is_some() {
                allowed.push(entry);
                continue;
            }
            for s in &f.steps {
                if !recommendations.contains(s) {
                    recommendations.push(s.clone());
                }
            }
            if f.severity == Severity::Error {
                errors.push(entry);
            } else {
                warnings.push(entry);
            }
        }
        MigrationValidation {
            safe: self.is_safe(),
            errors,
            warnings,
            recommendations,
            allowed,
            summary: Summary {
                scripts: self.scripts,
                statements: self.statements,
                unanalysed: self.unanalysed,
                by_rule: self.counts(),
                target: self.target.as_ref(),
            },
        }
    }
}

/// The seed contract's validation result.
#[derive(Debug, Serialize)]
pub struct MigrationValidation<'a> {
    /// No blocking finding.
    pub safe: bool,
    /// Blocking findings.
    pub errors: Vec<Entry<'a>>,
    /// Warnings and information.
    pub warnings: Vec<Entry<'a>>,
    /// Concrete steps, in order, from every finding.
    pub recommendations: Vec<String>,
    /// Findings silenced by `-- migra:allow`, with the reason.
    pub allowed: Vec<Entry<'a>>,
    /// Counts.
    pub summary: Summary<'a>,
}

/// One finding in the JSON shape.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    /// Rule code.
    pub r#type: &'static str,
    /// Rule name.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: &'a str,
    /// `file:line:col`.
    pub location: String,
    /// `table.column`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<&'a str>,
    /// The safer way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<&'a str>,
    /// What a probe found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a str>,
    /// Present (true) on errors that block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocking: Option<bool>,
    /// The allow reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

/// Counts of a run.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// Scripts checked.
    pub scripts: usize,
    /// Statements checked.
    pub statements: usize,
    /// Statements not analysed (each also reported as TX705 or TX707).
    pub unanalysed: usize,
    /// Findings per rule.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// What the run checked against: dialect, server version (`null`: unknown), MariaDB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a crate::target::Target>,
}
