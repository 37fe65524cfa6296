//! Migrations as loaded from a directory: versions, parts, statements and options.

use crate::checksum::Checksum;
use crate::split::Statement;
use crate::version::Version;
use serde::{Deserialize, Serialize};

/// The directory layouts migra reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Layout {
    /// migra's own: `YYYYMMDD_HHMMSS_description.sql` with `-- DIRECTION: up` / `-- DIRECTION: down`.
    Native,
    /// sqlx / golang-migrate pairs: `<version>_<name>.up.sql` + `.down.sql` (also `V0001.Name.up.sql`).
    Paired,
    /// sqlx single files `<version>_<name>.sql` (up only).
    Sqlx,
    /// Diesel folders `<version>_<name>/up.sql` + `down.sql` (+ `metadata.toml`).
    Diesel,
    /// dbmate: `-- migrate:up` / `-- migrate:down` in one file.
    Dbmate,
    /// Flyway `V<n>__<desc>.sql` (and `U<n>__<desc>.sql` as its undo).
    Flyway,
}

impl Layout {
    /// Every layout, in the order detection reports them.
    pub const ALL: [Layout; 6] = [
        Layout::Native,
        Layout::Paired,
        Layout::Sqlx,
        Layout::Diesel,
        Layout::Dbmate,
        Layout::Flyway,
    ];

    /// The name used on the command line (`--format NAME`) and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Native => "native",
            Layout::Paired => "paired",
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Dbmate => "dbmate",
            Layout::Flyway => "flyway",
        }
    }

    /// Parses a `--format` value; `golang-migrate` is an alias of `paired`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "golang-migrate" | "golang" => Some(Layout::Paired),
            _ => Self::ALL.into_iter().find(|l| l.name() == name),
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a script is sent to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScriptMode {
    /// Statement by statement, as split by [`crate::split::split`].
    Statements,
    /// The whole text as one multi-statement script (`-- migra:no-split`).
    Whole,
}

/// One direction of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    /// File the script comes from (relative to the migration directory).
    pub path: String,
    /// 1-based line of `path` where the script's text starts.
    pub first_line: u32,
    /// The script's text, as written.
    pub text: String,
    /// How it is sent.
    pub mode: ScriptMode,
    /// Its statements (always split, even in [`ScriptMode::Whole`], for reporting and counting).
    pub statements: Vec<Statement>,
    /// Statements run in batches (`-- migra:batch`), in statement order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batches: Vec<crate::batch::BatchSpec>,
}

impl Script {
    /// The batch spec of statement `index`, when it runs in batches.
    pub fn batch_of(&self, index: usize) -> Option<&crate::batch::BatchSpec> {
        self.batches.iter().find(|b| b.statement == index)
    }

    /// The units the executor sends: each statement, or the whole text once.
    pub fn units(&self) -> Vec<Statement> {
        match self.mode {
            ScriptMode::Statements => self.statements.clone(),
            ScriptMode::Whole => {
                vec![Statement {
                    sql: self.text.trim().to_string(),
                    line: self.first_line,
                    column: 1,
                }]
            }
        }
    }
}

/// A migration: a version, its up script, an optional down script, and how to run them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    /// Version (identity and order).
    pub version: Version,
    /// Human name (the `-- MIGRATION:` line, or the description from the file name).
    pub name: String,
    /// The layout it was read from.
    pub layout: Layout,
    /// The up script.
    pub up: Script,
    /// The down script; `None` means the migration is not reversible.
    pub down: Option<Script>,
    /// Why the migration is not reversible, when it is not.
    pub irreversible_reason: Option<String>,
    /// Run inside one transaction (false with `-- migra:no-transaction`, Diesel
    /// `run_in_transaction = false`, dbmate `transaction:false`).
    pub transaction: bool,
    /// Checksum of the normalized up and down text and the options.
    pub checksum: Checksum,
    /// Assertions and the row-count baseline around the up part.
    #[serde(default, skip_serializing_if = "crate::checks::Checks::is_empty")]
    pub checks: crate::checks::Checks,
}

impl Migration {
    /// True when a down part exists and holds at least one statement.
    pub fn is_reversible(&self) -> bool {
        self.down.is_some()
    }

    /// Checksum of the first `applied` statements of the up part, recorded as a non-transactional
    /// migration progresses, so a resumed run can check they are unchanged.
    pub fn progress_checksum(&self, applied: usize) -> String {
        script_progress(&self.up, applied)
    }

    /// [`Migration::progress_checksum`] of the down part: its first `ran` statements (empty
    /// without a down part).
    pub fn down_progress_checksum(&self, ran: usize) -> String {
        self.down
            .as_ref()
            .map_or_else(String::new, |d| script_progress(d, ran))
    }

    /// Computes the checksum for the given parts and options.
    pub fn compute_checksum(
        up: &str,
        down: Option<&str>,
        transaction: bool,
        whole: bool,
    ) -> Checksum {
        let opts = format!("transaction={transaction};whole={whole}");
        Checksum::of_parts(&[up, down.unwrap_or(""), &opts])
    }
}

/// The checksum of the first `n` statements of `script`.
fn script_progress(script: &Script, n: usize) -> String {
    let parts: Vec<&str> = script
        .statements
        .iter()
        .take(n)
        .map(|s| s.sql.as_str())
        .collect();
    Checksum::of_parts(&parts).hex
}
