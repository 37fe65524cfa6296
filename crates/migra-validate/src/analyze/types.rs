//! Parsed column types → the model's type kinds.

use migra_core::schema::{ColumnType, TypeKind};
use sqlparser::ast::{
    ArrayElemTypeDef, BinaryLength, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo,
};

/// The model type for a parsed type, keeping the written spelling in `raw`.
pub fn column_type(dt: &DataType) -> ColumnType {
    ColumnType {
        kind: kind(dt),
        raw: dt.to_string(),
    }
}

fn chars(l: &Option<CharacterLength>) -> Option<u32> {
    match l {
        Some(CharacterLength::IntegerLength { length, .. }) => u32::try_from(*length).ok(),
        _ => None,
    }
}

fn decimal(i: &ExactNumberInfo) -> TypeKind {
    let (precision, scale) = match i {
        ExactNumberInfo::None => (None, None),
        ExactNumberInfo::Precision(p) => (u32::try_from(*p).ok(), Some(0)),
        ExactNumberInfo::PrecisionAndScale(p, s) => {
            (u32::try_from(*p).ok(), u32::try_from(*s).ok())
        }
    };
    TypeKind::Decimal { precision, scale }
}

fn int(bits: u8, unsigned: bool) -> TypeKind {
    TypeKind::Integer { bits, unsigned }
}

fn kind(dt: &DataType) -> TypeKind {
    use DataType as D;
    match dt {
        D::Bool | D::Boolean => TypeKind::Boolean,
        D::TinyInt(_) => int(8, false),
        D::TinyIntUnsigned(_) | D::UTinyInt => int(8, true),
        D::SmallInt(_) | D::Int2(_) => int(16, false),
        D::SmallIntUnsigned(_) | D::Int2Unsigned(_) | D::USmallInt => int(16, true),
        D::MediumInt(_) => int(24, false),
        D::MediumIntUnsigned(_) => int(24, true),
        D::Int(_) | D::Integer(_) | D::Int4(_) | D::Int32 | D::Signed | D::SignedInteger => {
            int(32, false)
        }
        D::IntUnsigned(_)
        | D::IntegerUnsigned(_)
        | D::Int4Unsigned(_)
        | D::UInt32
        | D::Unsigned
        | D::UnsignedInteger => int(32, true),
        D::BigInt(_) | D::Int8(_) | D::Int64 => int(64, false),
        D::BigIntUnsigned(_) | D::Int8Unsigned(_) | D::UBigInt | D::UInt64 => int(64, true),
        D::Numeric(i) | D::Decimal(i) | D::Dec(i) | D::BigNumeric(i) | D::BigDecimal(i) => {
            decimal(i)
        }
        D::DecimalUnsigned(i) | D::DecUnsigned(i) => decimal(i),
        D::Real | D::Float4 | D::Float32 => TypeKind::Float { bits: 32 },
        D::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => TypeKind::Float { bits: 32 },
        D::Float(_) | D::Float8 | D::Float64 | D::Double(_) | D::DoublePrecision => {
            TypeKind::Float { bits: 64 }
        }
        D::Char(l) | D::Character(l) => TypeKind::String {
            length: chars(l).or(Some(1)),
            fixed: true,
        },
        D::Varchar(l) | D::CharacterVarying(l) | D::CharVarying(l) | D::Nvarchar(l) => {
            TypeKind::String {
                length: chars(l),
                fixed: false,
            }
        }
        D::Text | D::TinyText | D::MediumText | D::LongText | D::Clob(_) | D::String(None) => {
            TypeKind::Text
        }
        D::Bytea | D::Blob(_) | D::TinyBlob | D::MediumBlob | D::LongBlob => {
            TypeKind::Binary { length: None }
        }
        D::Binary(l) => TypeKind::Binary {
            length: l.and_then(|l| u32::try_from(l).ok()),
        },
        D::Varbinary(Some(BinaryLength::IntegerLength { length })) => TypeKind::Binary {
            length: u32::try_from(*length).ok(),
        },
        D::Varbinary(_) => TypeKind::Binary { length: None },
        D::Date => TypeKind::Date,
        D::Time(_, tz) => TypeKind::Time {
            tz: matches!(tz, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz),
        },
        D::Timestamp(_, tz) => TypeKind::Timestamp {
            tz: matches!(tz, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz),
        },
        D::Datetime(_) | D::TimestampNtz(_) => TypeKind::Timestamp { tz: false },
        D::Interval { .. } => TypeKind::Interval,
        D::Uuid => TypeKind::Uuid,
        D::JSON => TypeKind::Json { binary: false },
        D::JSONB => TypeKind::Json { binary: true },
        D::Enum(members, _) => TypeKind::Enum {
            name: String::new(),
            values: members
                .iter()
                .map(|m| match m {
                    sqlparser::ast::EnumMember::Name(n)
                    | sqlparser::ast::EnumMember::NamedValue(n, _) => n.clone(),
                })
                .collect(),
        },
        D::Set(values) => TypeKind::Set {
            values: values.clone(),
        },
        D::Array(
            ArrayElemTypeDef::SquareBracket(e, _)
            | ArrayElemTypeDef::AngleBracket(e)
            | ArrayElemTypeDef::Parenthesis(e)
            | ArrayElemTypeDef::Qualified(e, _),
        ) => TypeKind::Array {
            element: Box::new(kind(e)),
        },
        D::Custom(name, _) => custom(&name.to_string().to_ascii_lowercase()),
        _ => TypeKind::Unsupported,
    }
}

/// Names the parser does not know as types but PostgreSQL and SQLite do.
fn custom(name: &str) -> TypeKind {
    match name {
        "serial" | "serial4" => int(32, false),
        "bigserial" | "serial8" => int(64, false),
        "smallserial" | "serial2" => int(16, false),
        "timestamptz" => TypeKind::Timestamp { tz: true },
        "timetz" => TypeKind::Time { tz: true },
        "citext" => TypeKind::Text,
        _ => TypeKind::Unsupported,
    }
}

/// `serial`-family types (PostgreSQL): an integer with an owned sequence as its default.
pub fn is_serial(dt: &DataType) -> bool {
    matches!(dt, DataType::Custom(n, _) if matches!(n.to_string().to_ascii_lowercase().as_str(),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"))
}
