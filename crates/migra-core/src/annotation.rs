//! Annotations: small JSON records the history store keeps next to the state table, keyed by
//! kind, version and a key (batch checkpoints, round-trip verification results, backups).

use serde::{Deserialize, Serialize};

/// What an annotation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AnnotationKind {
    /// Progress of a batched statement ([`crate::Checkpoint`]); key: `up:<index>` / `down:<index>`.
    Checkpoint,
    /// A round trip (`migra verify`) that ran on a scratch database; key: the file's checksum.
    Verified,
    /// Data copied aside before a destructive step; key: the backup table's name.
    Backup,
    /// The state of a Rust data migration ([`crate::DataMigration`]); key: `state`.
    Data,
}

impl AnnotationKind {
    /// The text stored in the annotation table.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::Checkpoint => "checkpoint",
            AnnotationKind::Verified => "verified",
            AnnotationKind::Backup => "backup",
            AnnotationKind::Data => "data",
        }
    }
}

/// One annotation row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// What it records.
    pub kind: AnnotationKind,
    /// Sort key of the version it belongs to.
    pub sort_key: String,
    /// Its key within the kind and version.
    pub key: String,
    /// The record, as JSON text.
    pub value: String,
    /// When it was last written (RFC 3339, UTC).
    pub updated_at: String,
}

/// One value a query returned, as [`crate::Backend::query_value`] hands it over.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer type.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Text (and anything the backend reads as text).
    Text(String),
}

impl SqlValue {
    /// The integer, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SqlValue::Int(n) => Some(*n),
            SqlValue::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// True for `true`, a non-zero number and the texts `t`, `true`, `1` (how databases without a
    /// boolean type spell one).
    pub fn is_true(&self) -> bool {
        match self {
            SqlValue::Bool(b) => *b,
            SqlValue::Int(n) => *n != 0,
            SqlValue::Float(f) => *f != 0.0,
            SqlValue::Text(t) => matches!(t.as_str(), "t" | "true" | "TRUE" | "1"),
            SqlValue::Null => false,
        }
    }
}

impl std::fmt::Display for SqlValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlValue::Null => f.write_str("NULL"),
            SqlValue::Bool(b) => write!(f, "{b}"),
            SqlValue::Int(n) => write!(f, "{n}"),
            SqlValue::Float(x) => write!(f, "{x}"),
            SqlValue::Text(t) => write!(f, "'{t}'"),
        }
    }
}
