//! Tables and what they hold.

use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Name.
    pub name: String,
    /// Columns in table order.
    pub columns: Vec<Column>,
    /// Primary key.
    pub primary_key: Option<PrimaryKey>,
    /// Indexes (including unique constraints' indexes).
    pub indexes: Vec<Index>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    pub checks: Vec<Check>,
    /// Comment.
    pub comment: Option<String>,
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Type.
    pub r#type: ColumnType,
    /// Accepts NULL.
    pub nullable: bool,
    /// Default.
    pub default: Option<ColumnDefault>,
    /// Identity / auto-increment.
    pub identity: Option<Identity>,
    /// Generated column.
    pub generated: Option<Generated>,
    /// Collation, when not the default.
    pub collation: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// MySQL `ON UPDATE` expression (`current_timestamp()`); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
}

/// A column default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ColumnDefault {
    /// A literal, as SQL text (`'abc'`, `42`, `TRUE`).
    Literal(String),
    /// An expression, as SQL text (`now()`, `CURRENT_TIMESTAMP`).
    Expression(String),
}

/// Identity or auto-increment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `ALWAYS` (true) or `BY DEFAULT` (false); MySQL auto-increment is by default.
    pub always: bool,
    /// Start value, when known.
    pub start: Option<i64>,
    /// Increment, when known.
    pub increment: Option<i64>,
}

/// A generated column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// Expression text.
    pub expression: String,
    /// Stored (true) or virtual (false).
    pub stored: bool,
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name, when named.
    pub name: Option<String>,
    /// Columns in key order.
    pub columns: Vec<String>,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Name.
    pub name: String,
    /// Key parts in order.
    pub parts: Vec<IndexPart>,
    /// Unique.
    pub unique: bool,
    /// Partial-index predicate.
    pub predicate: Option<String>,
    /// Access method (`btree`, `gin`, `FULLTEXT`, ...), when not the default.
    pub method: Option<String>,
    /// Non-key columns (`INCLUDE`).
    pub include: Vec<String>,
    /// Backs a `UNIQUE` constraint (PostgreSQL, SQLite): created and dropped as the constraint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub constraint: bool,
}

/// One key part of an index: a column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexPart {
    /// A column.
    Column {
        /// Column name.
        name: String,
        /// Descending.
        desc: bool,
        /// Prefix length (MySQL).
        prefix: Option<u32>,
        /// Operator class, when not the type's default (PostgreSQL `gin_trgm_ops`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opclass: Option<String>,
    },
    /// An expression, as SQL text.
    Expression {
        /// Expression text.
        sql: String,
        /// Descending.
        desc: bool,
        /// Operator class, when not the type's default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opclass: Option<String>,
    },
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced namespace, when not the same.
    pub ref_namespace: Option<String>,
    /// Referenced table.
    pub ref_table: String,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON UPDATE` action.
    pub on_update: FkAction,
    /// `ON DELETE` action.
    pub on_delete: FkAction,
    /// Deferrable (PostgreSQL, SQLite).
    pub deferrable: bool,
    /// Initially deferred.
    pub initially_deferred: bool,
}

/// A referential action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// `NO ACTION`.
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The action's SQL keywords (`NO ACTION`, `SET NULL`, ...): the same in every dialect here.
    pub fn keywords(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name, when named.
    pub name: Option<String>,
    /// Expression text.
    pub expression: String,
}
