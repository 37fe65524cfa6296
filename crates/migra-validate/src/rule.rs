//! The rule contract: documentation as data, and checks over statements and scripts.

use crate::analyze::Analysis;
use crate::config::Config;
use crate::finding::{Finding, Location, Severity};
use crate::state::Schema;
use crate::target::Target;
use migra_core::schema::Column;
use migra_core::{Change, ColumnAspect, DialectId, Statement, TableChange};

/// A worked example: `bad` triggers the rule after `setup` ran; `good` is the safe alternative and
/// does not. Tests run every example; docs print them.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Dialects the example is written for.
    pub dialects: &'static [DialectId],
    /// Earlier migrations (already applied): the schema the example starts from.
    pub setup: &'static str,
    /// The migration the rule flags.
    pub bad: &'static str,
    /// The safe alternative.
    pub good: &'static str,
    /// Run the example as a non-transactional migration (`-- migra:no-transaction`).
    pub no_transaction: bool,
    /// Server version the example targets (`None`: unknown).
    pub version: Option<(u32, u32)>,
    /// `bad` and `good` are down parts (checked as such, after `setup`).
    pub down: bool,
}

impl Example {
    /// A transactional example.
    pub const fn new(
        dialects: &'static [DialectId],
        setup: &'static str,
        bad: &'static str,
        good: &'static str,
    ) -> Self {
        Self {
            dialects,
            setup,
            bad,
            good,
            no_transaction: false,
            version: None,
            down: false,
        }
    }

    /// The same example with `bad` and `good` as down parts.
    pub const fn as_down(mut self) -> Self {
        self.down = true;
        self
    }

    /// The same example as a non-transactional migration.
    pub const fn outside_transaction(mut self) -> Self {
        self.no_transaction = true;
        self
    }

    /// The same example for a known server version.
    pub const fn at_version(mut self, major: u32, minor: u32) -> Self {
        self.version = Some((major, minor));
        self
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Info {
    /// Stable code (`DL103`).
    pub code: &'static str,
    /// Kebab-case name (`drop-column`).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Dialects it applies to.
    pub dialects: &'static [DialectId],
    /// What it detects (one sentence).
    pub detects: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// The safe alternative.
    pub instead: &'static str,
    /// What a live probe adds, if any.
    pub probe: Option<&'static str>,
    /// Examples, one per dialect family at least.
    pub examples: &'static [Example],
}

impl Info {
    /// A finding of this rule at `file:line:column`, with its default severity and its safe
    /// alternative as the suggestion.
    pub fn finding_at(&self, file: &str, line: u32, column: u32, message: String) -> Finding {
        Finding {
            code: self.code,
            rule: self.name,
            severity: self.severity,
            message,
            location: Location {
                file: file.to_string(),
                line,
                column,
                object: None,
            },
            suggestion: Some(self.instead.to_string()),
            steps: Vec::new(),
            evidence: None,
            probe: None,
            allowed: None,
        }
    }
}

/// Every SQL dialect.
pub const SQL: &[DialectId] = &[DialectId::Postgres, DialectId::Mysql, DialectId::Sqlite];
/// PostgreSQL only.
pub const PG: &[DialectId] = &[DialectId::Postgres];
/// MySQL/MariaDB only.
pub const MY: &[DialectId] = &[DialectId::Mysql];
/// SQLite only.
pub const SL: &[DialectId] = &[DialectId::Sqlite];
/// MongoDB only.
pub const MONGO: &[DialectId] = &[DialectId::Mongodb];
/// Every dialect, MongoDB included.
pub const ANY: &[DialectId] = &[
    DialectId::Postgres,
    DialectId::Mysql,
    DialectId::Sqlite,
    DialectId::Mongodb,
];

/// A safety rule. Checks are pure: they read the statement, its analysis and the schema before it,
/// and push findings.
pub trait Rule: Sync {
    /// Identity and docs.
    fn info(&self) -> &'static Info;

    /// Checks one statement against the schema as it stands before it.
    fn check_statement(&self, _cx: &StmtCx<'_>, _out: &mut Vec<Finding>) {}

    /// Checks a whole script after its statements were analysed.
    fn check_script(&self, _cx: &ScriptCx<'_>, _out: &mut Vec<Finding>) {}
}

/// Which part of a migration a script is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The up part (or a plain script).
    Up,
    /// The down part.
    Down,
}

/// The script being validated.
#[derive(Debug, Clone)]
pub struct ScriptInfo {
    /// File the statements come from.
    pub path: String,
    /// Migration version, when the script belongs to one.
    pub version: Option<String>,
    /// Up or down.
    pub direction: Direction,
    /// Run inside one transaction by the executor.
    pub transactional: bool,
    /// The migration has a down part.
    pub has_down: bool,
}

/// What a statement check sees.
pub struct StmtCx<'a> {
    /// Dialect and version.
    pub target: &'a Target,
    /// Thresholds.
    pub config: &'a Config,
    /// The script.
    pub script: &'a ScriptInfo,
    /// Position of the statement in its script.
    pub index: usize,
    /// The statement.
    pub stmt: &'a Statement,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The schema before it.
    pub schema: &'a Schema,
}

impl<'a> StmtCx<'a> {
    /// A finding of `info` at this statement, with the rule's default severity.
    pub fn finding(&self, info: &'static Info, message: impl Into<String>) -> Finding {
        info.finding_at(
            &self.script.path,
            self.stmt.line,
            self.stmt.column,
            message.into(),
        )
    }

    /// The changes the statement makes.
    pub fn changes(&self) -> &'a [Change] {
        self.analysis.changes()
    }

    /// Each table change with its namespace and table.
    pub fn table_changes(&self) -> impl Iterator<Item = (&'a str, &'a str, &'a TableChange)> {
        // Every rule calls this for every statement: no allocation.
        self.analysis.changes().iter().flat_map(|c| {
            let (ns, table, changes) = match c {
                Change::ModifyTable {
                    namespace,
                    table,
                    changes,
                } => (namespace.as_str(), table.as_str(), changes.as_slice()),
                _ => ("", "", &[][..]),
            };
            changes.iter().map(move |tc| (ns, table, tc))
        })
    }

    /// Column type changes on tables that existed before the migration: (namespace, table, from, to).
    pub fn type_changes(
        &self,
    ) -> impl Iterator<Item = (&'a str, &'a str, &'a Column, &'a Column)> + '_ {
        self.table_changes().filter_map(|(ns, table, tc)| match tc {
            TableChange::ModifyColumn { from, to, what }
                if what.contains(&ColumnAspect::Type) && self.schema.is_existing(ns, table) =>
            {
                Some((ns, table, &**from, &**to))
            }
            _ => None,
        })
    }

    /// True when a new CHECK on `ns.table` cannot fail on existing rows: every column it names
    /// was added by this migration (earlier, or by this statement) with no default, so existing
    /// rows hold NULL there, and nothing in it turns NULL into false (`IS`, `COALESCE`, `CASE`...).
    pub fn check_vacuous_on_existing_rows(&self, ns: &str, table: &str, expression: &str) -> bool {
        const NULL_AWARE: &[&str] = &[
            "IS",
            "ISNULL",
            "NOTNULL",
            "COALESCE",
            "IFNULL",
            "NULLIF",
            "NVL",
            "CASE",
            "GREATEST",
            "LEAST",
            "CONCAT",
            "CONCAT_WS",
            "NUM_NULLS",
            "NUM_NONNULLS",
            "IIF",
            "IF",
        ];
        let added_here = |c: &str| {
            self.table_changes().find_map(|(n, t, tc)| match tc {
                TableChange::AddColumn { column }
                    if n == ns && t == table && column.name.eq_ignore_ascii_case(c) =>
                {
                    Some(column)
                }
                _ => None,
            })
        };
        let existing = self.schema.table(ns, table);
        let mut named = 0;
        for word in crate::analyze::names::identifiers(expression) {
            if NULL_AWARE.iter().any(|k| word.eq_ignore_ascii_case(k)) {
                return false;
            }
            let column = added_here(&word).or_else(|| {
                existing
                    .and_then(|t| t.column(&word))
                    .filter(|_| self.schema.is_new_column(ns, table, &word))
            });
            let old = existing.is_some_and(|t| t.column(&word).is_some());
            match column {
                Some(c) if c.default.is_none() && c.generated.is_none() && c.identity.is_none() => {
                    named += 1
                }
                Some(_) => return false,
                None if old => return false,
                None => {}
            }
        }
        named > 0
    }

    /// `table` or `table.column` as the user would write it.
    pub fn object(&self, ns: &str, table: &str, column: Option<&str>) -> String {
        crate::analyze::names::display(self.target, ns, table, column)
    }

    /// True for PostgreSQL.
    pub fn is_pg(&self) -> bool {
        self.target.dialect == DialectId::Postgres
    }

    /// Moves a finding's position to the first occurrence of `word` (any case) in the statement.
    pub fn at_word(&self, mut f: Finding, word: &str) -> Finding {
        if let Some(off) = self.analysis.words.offset_of_name(word) {
            let (line, column) = position(self.stmt, off);
            f.location.line = line;
            f.location.column = column;
        }
        f
    }
}

/// File line and column of byte `off` of a statement's text.
pub fn position(stmt: &Statement, off: usize) -> (u32, u32) {
    let before = &stmt.sql[..off.min(stmt.sql.len())];
    let newlines = before.bytes().filter(|b| *b == b'\n').count() as u32;
    match before.rfind('\n') {
        Some(p) => (
            stmt.line + newlines,
            before[p + 1..].chars().count() as u32 + 1,
        ),
        None => (stmt.line, stmt.column + before.chars().count() as u32),
    }
}

/// What a script check sees: every statement with its analysis.
pub struct ScriptCx<'a> {
    /// Dialect and version.
    pub target: &'a Target,
    /// Thresholds.
    pub config: &'a Config,
    /// The script.
    pub script: &'a ScriptInfo,
    /// Statements and their analyses, in order.
    pub statements: &'a [(&'a Statement, Analysis)],
}

impl<'a> ScriptCx<'a> {
    /// Every table change of the script with its statement's index, namespace and table.
    pub fn table_changes(
        &self,
    ) -> impl Iterator<Item = (usize, &'a str, &'a str, &'a TableChange)> {
        self.statements.iter().enumerate().flat_map(|(i, (_, a))| {
            a.changes().iter().flat_map(move |c| {
                let (ns, table, changes) = match c {
                    Change::ModifyTable {
                        namespace,
                        table,
                        changes,
                    } => (namespace.as_str(), table.as_str(), changes.as_slice()),
                    _ => ("", "", &[][..]),
                };
                changes.iter().map(move |tc| (i, ns, table, tc))
            })
        })
    }

    /// A finding of `info` at statement `i` (or the script's start when there is none).
    pub fn finding(
        &self,
        info: &'static Info,
        i: Option<usize>,
        message: impl Into<String>,
    ) -> Finding {
        let (line, column) = i
            .and_then(|i| self.statements.get(i))
            .map_or((1, 1), |(s, _)| (s.line, s.column));
        info.finding_at(&self.script.path, line, column, message.into())
    }
}

/// Builder-style additions to a finding.
pub trait FindingExt {
    /// Names the object.
    fn on(self, object: String) -> Self;
    /// Attaches a probe.
    fn probe(self, p: crate::probe::Probe) -> Self;
    /// Adds a concrete step.
    fn step(self, s: impl Into<String>) -> Self;
    /// Overrides the severity.
    fn severity(self, s: Severity) -> Self;
    /// Replaces the suggestion.
    fn suggest(self, s: impl Into<String>) -> Self;
}

impl FindingExt for Finding {
    fn on(mut self, object: String) -> Self {
        self.location.object = Some(object);
        self
    }
    fn probe(mut self, p: crate::probe::Probe) -> Self {
        self.probe = Some(p);
        self
    }
    fn step(mut self, s: impl Into<String>) -> Self {
        self.steps.push(s.into());
        self
    }
    fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    fn suggest(mut self, s: impl Into<String>) -> Self {
        self.suggestion = Some(s.into());
        self
    }
}
