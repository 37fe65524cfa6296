//! Dialects: identity, capabilities as plain data, and lexical rules.

use crate::hooks::{DefaultHooks, DiffHooks};
use crate::plan::Planner;
use crate::split::SplitOptions;
use serde::Serialize;

/// The databases migra knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DialectId {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// MongoDB (collections, indexes and validators instead of SQL).
    Mongodb,
}

impl DialectId {
    /// Lower-case name used in URLs, JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            DialectId::Postgres => "postgres",
            DialectId::Mysql => "mysql",
            DialectId::Sqlite => "sqlite",
            DialectId::Mongodb => "mongodb",
        }
    }

    /// Quotes an identifier for this dialect (backticks for MySQL, double quotes otherwise).
    pub fn quote_ident(self, ident: &str) -> String {
        quote_with(ident, if self == DialectId::Mysql { '`' } else { '"' })
    }

    /// The dialect a URL scheme names (`postgres`, `postgresql`, `mysql`, `mariadb`, `sqlite`,
    /// `mongodb`, `mongodb+srv`), or `None`.
    pub fn from_scheme(scheme: &str) -> Option<Self> {
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Self::Postgres),
            "mysql" | "mariadb" => Some(Self::Mysql),
            "sqlite" => Some(Self::Sqlite),
            "mongodb" | "mongodb+srv" => Some(Self::Mongodb),
            _ => None,
        }
    }
}

/// How a dialect locks out concurrent runners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LockKind {
    /// A row in a lock table, written with compare-and-set, with an owner and an expiry.
    LockRow,
    /// PostgreSQL session advisory lock on a dedicated connection.
    AdvisoryLock,
    /// A lock document with an expiry (MongoDB).
    LockDocument,
}

/// What a dialect can do, as data (docs print a matrix from it; generic code asks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// DDL can run inside a transaction and roll back.
    pub transactional_ddl: bool,
    /// Indexes can be built without blocking writes.
    pub concurrent_index: bool,
    /// A column's type can be changed in place (without rebuilding the table).
    pub alter_column_type: bool,
    /// How runners are locked out.
    pub lock: LockKind,
    /// The backend computes the history digest in one row
    /// ([`HistoryStore::read_digest`](crate::HistoryStore::read_digest) returns `Some`), so the
    /// no-op check can compare it with a cached summary of the directory.
    pub history_digest: bool,
}

/// A database dialect: the entry point handing out its per-concern parts.
pub trait Dialect: Send + Sync {
    /// Which dialect this is.
    fn id(&self) -> DialectId;
    /// Its capabilities.
    fn capabilities(&self) -> Capabilities;
    /// Lexical rules for splitting scripts into statements.
    fn split_options(&self) -> SplitOptions;
    /// Quotes an identifier, escaping the quote character; the only way migra writes identifiers.
    fn quote_ident(&self, ident: &str) -> String;
    /// The differ's equality hooks for this dialect (default: dialect-neutral).
    fn diff_hooks(&self) -> &dyn DiffHooks {
        &DefaultHooks
    }
    /// The planner turning changes into this dialect's statements, when it has one.
    fn planner(&self) -> Option<&dyn Planner> {
        None
    }
    /// A query returning true once `change` is in effect (catalog lookups), for the verification
    /// of a rollback step; `None` when the catalog cannot tell. Default: none.
    fn verification_query(&self, change: &crate::change::Change) -> Option<String> {
        let _ = change;
        None
    }
}

/// Quotes `ident` with `q` on both sides, doubling any `q` inside.
pub fn quote_with(ident: &str, q: char) -> String {
    let mut s = String::with_capacity(ident.len() + 2);
    s.push(q);
    for c in ident.chars() {
        if c == q {
            s.push(q);
        }
        s.push(c);
    }
    s.push(q);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote() {
        assert_eq!(quote_with("a\"b", '"'), "\"a\"\"b\"");
        assert_eq!(quote_with("t`x", '`'), "`t``x`");
    }

    #[test]
    fn schemes() {
        assert_eq!(
            DialectId::from_scheme("postgresql"),
            Some(DialectId::Postgres)
        );
        assert_eq!(DialectId::from_scheme("MariaDB"), Some(DialectId::Mysql));
        assert_eq!(DialectId::from_scheme("oracle"), None);
    }
}
