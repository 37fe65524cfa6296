//! Types and defaults in another dialect's spelling.

use migra_core::DialectId;
use migra_core::schema::{ColumnDefault, ColumnType, TypeKind};

/// The target's spelling of a parsed type, or `None` when it has none.
pub fn type_sql(kind: &TypeKind, to: DialectId) -> Option<String> {
    use DialectId::{Mysql, Postgres, Sqlite};
    let s = match (kind, to) {
        (TypeKind::Boolean, Mysql) => "tinyint(1)".into(),
        (TypeKind::Boolean, _) => "boolean".into(),
        (TypeKind::Integer { bits, unsigned }, Mysql) => {
            let base = match bits {
                8 => "tinyint",
                16 => "smallint",
                24 => "mediumint",
                32 => "int",
                _ => "bigint",
            };
            if *unsigned {
                format!("{base} unsigned")
            } else {
                base.into()
            }
        }
        (TypeKind::Integer { bits, .. }, Postgres) => match bits {
            8 | 16 => "smallint",
            24 | 32 => "integer",
            _ => "bigint",
        }
        .into(),
        (TypeKind::Integer { .. }, Sqlite) => "INTEGER".into(),
        (TypeKind::Decimal { precision, scale }, _) => match (precision, scale) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            (Some(p), None) => format!("numeric({p})"),
            _ => "numeric".into(),
        },
        (TypeKind::Float { bits }, Postgres) => if *bits <= 32 {
            "real"
        } else {
            "double precision"
        }
        .into(),
        (TypeKind::Float { bits }, Mysql) => if *bits <= 32 { "float" } else { "double" }.into(),
        (TypeKind::Float { .. }, Sqlite) => "REAL".into(),
        (TypeKind::String { length, fixed }, _) => {
            let base = if *fixed { "char" } else { "varchar" };
            match (length, to) {
                (Some(n), _) => format!("{base}({n})"),
                (None, Mysql) => "text".into(),
                (None, _) => if *fixed { "char" } else { "varchar" }.into(),
            }
        }
        (TypeKind::Text, _) => "text".into(),
        (TypeKind::Binary { .. }, Postgres) => "bytea".into(),
        (TypeKind::Binary { length: Some(n) }, Mysql) => format!("varbinary({n})"),
        (TypeKind::Binary { .. }, _) => "blob".into(),
        (TypeKind::Date, _) => "date".into(),
        (TypeKind::Time { tz: true }, Postgres) => "time with time zone".into(),
        (TypeKind::Time { .. }, _) => "time".into(),
        (TypeKind::Timestamp { tz: true }, Postgres) => "timestamp with time zone".into(),
        (TypeKind::Timestamp { .. }, Postgres) => "timestamp without time zone".into(),
        (TypeKind::Timestamp { .. }, Mysql) => "datetime".into(),
        (TypeKind::Timestamp { .. }, Sqlite) => "TIMESTAMP".into(),
        (TypeKind::Interval, Postgres) => "interval".into(),
        (TypeKind::Uuid, Postgres) => "uuid".into(),
        (TypeKind::Uuid, Mysql) => "char(36)".into(),
        (TypeKind::Uuid, Sqlite) => "TEXT".into(),
        (TypeKind::Json { binary }, Postgres) => if *binary { "jsonb" } else { "json" }.into(),
        (TypeKind::Json { .. }, Mysql) => "json".into(),
        (TypeKind::Json { .. }, Sqlite) => "TEXT".into(),
        (TypeKind::Array { element }, Postgres) => format!("{}[]", type_sql(element, to)?),
        _ => return None,
    };
    Some(s)
}

/// Types migra does not parse but knows an equivalent for: MySQL `YEAR` is a small integer,
/// MySQL `SET(...)` becomes text (its members are no longer checked).
pub(super) fn respell(
    t: &ColumnType,
    to: DialectId,
) -> Option<(TypeKind, String, Option<&'static str>)> {
    let lower = t.raw.to_ascii_lowercase();
    if lower == "year" || lower.starts_with("year(") {
        let kind = TypeKind::Integer {
            bits: 16,
            unsigned: false,
        };
        return Some((kind.clone(), type_sql(&kind, to)?, None));
    }
    if matches!(t.kind, TypeKind::Set { .. }) && to != DialectId::Mysql {
        return Some((
            TypeKind::Text,
            type_sql(&TypeKind::Text, to)?,
            Some("SET becomes text: its members are no longer checked"),
        ));
    }
    None
}

/// A default the target understands: the current-time family respelled, PostgreSQL casts on
/// literals removed; `None` for a sequence default, which the target expresses as identity.
pub(super) fn default_for(d: &ColumnDefault, to: DialectId) -> (Option<ColumnDefault>, bool) {
    let text = match d {
        ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => v.trim(),
    };
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("nextval(") {
        return (None, true);
    }
    if [
        "now()",
        "current_timestamp",
        "current_timestamp()",
        "localtimestamp",
    ]
    .contains(&lower.as_str())
    {
        return (
            Some(ColumnDefault::Expression("CURRENT_TIMESTAMP".into())),
            true,
        );
    }
    // 'x'::text, 0::integer: the literal without its PostgreSQL cast (the same cast reading as
    // PostgreSQL's diff hooks, which knows `'a::b'` is a string).
    let uncast = crate::postgres::strip_casts(text);
    if uncast != text {
        let literal = uncast.trim().trim_start_matches('(').trim_end_matches(')');
        if literal.starts_with('\'') || literal.parse::<f64>().is_ok() {
            return (Some(ColumnDefault::Literal(literal.to_string())), true);
        }
    }
    let keep = matches!(d, ColumnDefault::Literal(_))
        || text.parse::<f64>().is_ok()
        || (text.starts_with('\'') && text.ends_with('\''))
        || to == DialectId::Postgres && matches!(lower.as_str(), "true" | "false");
    (Some(d.clone()), keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_come_off_literal_defaults() {
        let d = |v: &str| ColumnDefault::Expression(v.into());
        assert_eq!(
            default_for(&d("'a::b'::text"), DialectId::Mysql).0,
            Some(ColumnDefault::Literal("'a::b'".into()))
        );
        assert_eq!(
            default_for(&d("0::integer"), DialectId::Sqlite).0,
            Some(ColumnDefault::Literal("0".into()))
        );
        assert_eq!(
            default_for(&d("nextval('s'::regclass)"), DialectId::Mysql).0,
            None
        );
    }
}
