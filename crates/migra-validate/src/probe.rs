//! Live data probes: the questions a rule asks a reachable database, and how the answer moves a
//! finding's severity. The validator only describes probes; a dialect runs them (read-only, under a
//! statement timeout) and hands back [`Answer`]s.

use serde::Serialize;

/// A data question about the database as it is before the migration runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "probe", rename_all = "snake_case")]
pub enum Probe {
    /// Rows in a table.
    Rows {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
    },
    /// Rows where the column is not NULL (values a drop would delete).
    NonNull {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// Rows where the column is NULL (rows a NOT NULL would reject).
    Nulls {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// Groups of rows sharing a value of these columns (rows a unique key would reject).
    Duplicates {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Columns of the new key.
        columns: Vec<String>,
    },
    /// Rows whose key has no referenced row (rows a foreign key would reject).
    Orphans {
        /// Namespace.
        namespace: String,
        /// Referencing table.
        table: String,
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced namespace.
        ref_namespace: String,
        /// Referenced table.
        ref_table: String,
        /// Referenced columns.
        ref_columns: Vec<String>,
    },
    /// Rows for which the CHECK expression is false.
    Violations {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// The check's expression, as written.
        expression: String,
    },
    /// Rows whose value does not fit the new type.
    TooLong {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Longest value the new type keeps (characters).
        max_length: u32,
    },
    /// Rows using one of these enum values.
    ValueUse {
        /// Namespace.
        namespace: String,
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Values being removed.
        values: Vec<String>,
    },
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The count the probe asks for (rows, values, groups).
    pub count: u64,
    /// True when the count comes from a sample or the planner's estimate, not an exact scan.
    pub estimated: bool,
}
