//! Typed schema changes, as the differ produces them and the validator and planners consume them.

use crate::schema::{
    Check, Column, EnumType, ForeignKey, Index, PrimaryKey, Sequence, Table, View,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One change to a database, addressed by namespace and object name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Create a namespace.
    AddNamespace {
        /// Name.
        name: String,
    },
    /// Drop a namespace.
    DropNamespace {
        /// Name.
        name: String,
    },
    /// Set a namespace's comment.
    SetNamespaceComment {
        /// Namespace.
        name: String,
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// Create a table.
    AddTable {
        /// Namespace.
        namespace: String,
        /// The table.
        table: Table,
    },
    /// Drop a table (the old definition is kept so the change can be reversed).
    DropTable {
        /// Namespace.
        namespace: String,
        /// The table as it was.
        table: Table,
    },
    /// Rename a table.
    RenameTable {
        /// Namespace.
        namespace: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Change a table's parts.
    ModifyTable {
        /// Namespace.
        namespace: String,
        /// Table name.
        table: String,
        /// The changes, in order.
        changes: Vec<TableChange>,
    },
    /// Create an enum type.
    AddEnum {
        /// Namespace.
        namespace: String,
        /// The type.
        r#enum: EnumType,
    },
    /// Drop an enum type.
    DropEnum {
        /// Namespace.
        namespace: String,
        /// The type as it was.
        r#enum: EnumType,
    },
    /// Change an enum's values.
    ModifyEnum {
        /// Namespace.
        namespace: String,
        /// Before.
        from: EnumType,
        /// After.
        to: EnumType,
    },
    /// Create a view.
    AddView {
        /// Namespace.
        namespace: String,
        /// The view.
        view: View,
    },
    /// Drop a view.
    DropView {
        /// Namespace.
        namespace: String,
        /// The view as it was.
        view: View,
    },
    /// Create a sequence.
    AddSequence {
        /// Namespace.
        namespace: String,
        /// The sequence.
        sequence: Sequence,
    },
    /// Drop a sequence.
    DropSequence {
        /// Namespace.
        namespace: String,
        /// The sequence as it was.
        sequence: Sequence,
    },
    /// Change a sequence's parameters.
    ModifySequence {
        /// Namespace.
        namespace: String,
        /// Before.
        from: Sequence,
        /// After.
        to: Sequence,
    },
}

/// A change inside one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TableChange {
    /// Add a column.
    AddColumn {
        /// The column.
        column: Column,
    },
    /// Drop a column.
    DropColumn {
        /// The column as it was.
        column: Column,
    },
    /// Rename a column.
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Change a column's aspects.
    ModifyColumn {
        /// Before.
        from: Box<Column>,
        /// After.
        to: Box<Column>,
        /// Which aspects differ.
        what: BTreeSet<ColumnAspect>,
    },
    /// Add an index.
    AddIndex {
        /// The index.
        index: Index,
    },
    /// Drop an index.
    DropIndex {
        /// The index as it was.
        index: Index,
    },
    /// Set or replace the primary key.
    SetPrimaryKey {
        /// Before.
        from: Option<PrimaryKey>,
        /// After.
        to: Option<PrimaryKey>,
    },
    /// Add a foreign key.
    AddForeignKey {
        /// The key.
        key: ForeignKey,
    },
    /// Drop a foreign key.
    DropForeignKey {
        /// The key as it was.
        key: ForeignKey,
    },
    /// Add a check.
    AddCheck {
        /// The check.
        check: Check,
    },
    /// Drop a check.
    DropCheck {
        /// The check as it was.
        check: Check,
    },
    /// Set the table comment.
    SetComment {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
}

/// The aspects of a column that a [`TableChange::ModifyColumn`] can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnAspect {
    /// Type.
    Type,
    /// Nullability.
    Nullability,
    /// Default.
    Default,
    /// Identity / auto-increment.
    Identity,
    /// Generation expression.
    Generated,
    /// Collation.
    Collation,
    /// Comment.
    Comment,
    /// MySQL `ON UPDATE` expression.
    OnUpdate,
}
