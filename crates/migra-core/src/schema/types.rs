//! Column types: the database's own spelling next to a parsed kind.

use serde::{Deserialize, Serialize};

/// A column type: `raw` is exactly what the database calls it; `kind` is migra's reading of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnType {
    /// Parsed kind (its fields appear beside `raw` in JSON).
    #[serde(flatten)]
    pub kind: TypeKind,
    /// The database's own spelling (`character varying(100)`, `int unsigned`, ...).
    pub raw: String,
}

/// The kinds of column types migra reasons about. Anything else is `Unsupported` with its raw
/// text, so nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TypeKind {
    /// Boolean.
    Boolean,
    /// Integer of `bits` width.
    Integer {
        /// 8, 16, 24, 32 or 64.
        bits: u8,
        /// Unsigned (MySQL).
        unsigned: bool,
    },
    /// Exact decimal.
    Decimal {
        /// Precision, when given.
        precision: Option<u32>,
        /// Scale, when given.
        scale: Option<u32>,
    },
    /// Floating point of `bits` width.
    Float {
        /// 32 or 64.
        bits: u8,
    },
    /// Character string.
    String {
        /// Maximum length, when bounded.
        length: Option<u32>,
        /// Fixed width (`CHAR`).
        fixed: bool,
    },
    /// Unbounded text.
    Text,
    /// Binary string.
    Binary {
        /// Maximum length, when bounded.
        length: Option<u32>,
    },
    /// Date.
    Date,
    /// Time of day.
    Time {
        /// With time zone.
        tz: bool,
    },
    /// Timestamp.
    Timestamp {
        /// With time zone.
        tz: bool,
    },
    /// Interval.
    Interval,
    /// UUID.
    Uuid,
    /// JSON (`binary` for PostgreSQL `jsonb`).
    Json {
        /// Stored in binary form.
        binary: bool,
    },
    /// A named enum type, or MySQL inline `ENUM(...)` values.
    Enum {
        /// Type name (PostgreSQL) or empty for inline.
        name: String,
        /// Inline values (MySQL), empty when named.
        values: Vec<String>,
    },
    /// MySQL inline `SET(...)`: any subset of `values`.
    Set {
        /// Allowed members, in declared order.
        values: Vec<String>,
    },
    /// Array of another type.
    Array {
        /// Element type.
        element: Box<TypeKind>,
    },
    /// Anything migra does not model; `raw` on the [`ColumnType`] says what it is.
    Unsupported,
}
