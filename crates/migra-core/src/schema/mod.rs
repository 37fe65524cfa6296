//! The dialect-neutral schema model: `Database` → `Namespace` → tables, views, enums, sequences,
//! collections. Vectors keep the database's order (column order matters); lookups are by name.

mod table;
mod types;

pub use table::{
    Check, Column, ColumnDefault, FkAction, ForeignKey, Generated, Identity, Index, IndexPart,
    PrimaryKey, Table,
};
pub use types::{ColumnType, TypeKind};

use serde::{Deserialize, Serialize};

/// A whole database (or the part of it that was inspected or declared).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Namespaces (PostgreSQL schemas, MySQL databases, SQLite `main`/attached).
    pub namespaces: Vec<Namespace>,
    /// Objects present in the database that the model does not describe.
    pub unmodelled: Vec<Unmodelled>,
}

impl Database {
    /// The namespace called `name`.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name == name)
    }

    /// The same namespaces with nothing in them: the database a schema is created into.
    pub fn emptied(&self) -> Database {
        Database {
            namespaces: self
                .namespaces
                .iter()
                .map(|n| Namespace {
                    name: n.name.clone(),
                    ..Namespace::default()
                })
                .collect(),
            unmodelled: Vec::new(),
        }
    }
}

/// A namespace and what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    /// Name (`public`, `main`, a MySQL database name).
    pub name: String,
    /// Tables.
    pub tables: Vec<Table>,
    /// Views and materialized views.
    pub views: Vec<View>,
    /// Enum types (PostgreSQL); MySQL inline enums live on the column type.
    pub enums: Vec<EnumType>,
    /// Sequences.
    pub sequences: Vec<Sequence>,
    /// Document collections (MongoDB).
    pub collections: Vec<Collection>,
    /// Comment.
    pub comment: Option<String>,
}

impl Namespace {
    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// A view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Name.
    pub name: String,
    /// Definition text as the database reports it.
    pub definition: String,
    /// True for a materialized view.
    pub materialized: bool,
    /// Comment.
    pub comment: Option<String>,
}

/// An enum type with ordered values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Name.
    pub name: String,
    /// Values in declaration order.
    pub values: Vec<String>,
}

/// A sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Name.
    pub name: String,
    /// Start value.
    pub start: i64,
    /// Increment.
    pub increment: i64,
    /// Minimum value, when set.
    pub min: Option<i64>,
    /// Maximum value, when set.
    pub max: Option<i64>,
    /// Wraps around at the end.
    pub cycle: bool,
    /// `table.column` that owns it, when it is owned.
    pub owned_by: Option<String>,
}

/// A document collection (MongoDB): indexes and an optional validator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// Name.
    pub name: String,
    /// Indexes (keys are field paths).
    pub indexes: Vec<Index>,
    /// `$jsonSchema` validator as canonical JSON text.
    pub validator: Option<String>,
}

/// Something present in a database that the model does not describe (trigger, function, policy,
/// rule, extension, partition, ...), reported so that nothing is silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unmodelled {
    /// Kind (`trigger`, `function`, ...).
    pub kind: String,
    /// Qualified name.
    pub name: String,
}
