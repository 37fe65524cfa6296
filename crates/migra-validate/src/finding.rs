//! What a rule reports: a finding with its severity, place and advice.

use serde::Serialize;

/// How much a finding matters. Errors block `apply`; warnings advise; info only informs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never blocks.
    Info,
    /// Likely a problem; does not block.
    Warning,
    /// Blocks `apply` unless allowed.
    Error,
}

impl Severity {
    /// Lower-case name, as in JSON and config files.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a config name (`error`, `warning`, `info`).
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Self::Info),
            "warning" | "warn" => Some(Self::Warning),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

/// Where a finding is: the file position of the statement (or of the token that matters) and the
/// database object it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// File path as given (relative to the migration directory for directories).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The object: `table`, `table.column`, `schema.table.column` outside the default schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

impl Location {
    /// `file:line:col`.
    pub fn position(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule code, e.g. `DL103`.
    pub code: &'static str,
    /// Rule name, e.g. `drop-column`.
    pub rule: &'static str,
    /// Severity after configuration and probes.
    pub severity: Severity,
    /// What will happen, in one sentence with the object named.
    pub message: String,
    /// Where.
    pub location: Location,
    /// The safer way, in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Concrete steps to take instead, in order (SQL where it can be written).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// What a live probe found, when one ran (`"45000 non-NULL values"`), or why none did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The data question a live database could answer to sharpen this finding.
    #[serde(skip)]
    pub probe: Option<crate::probe::Probe>,
    /// The `-- migra:allow` reason, when the finding is allowed (it then neither blocks nor warns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

impl Finding {
    /// True when this finding blocks: an error that no `-- migra:allow` covers.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.allowed.is_none()
    }
}
