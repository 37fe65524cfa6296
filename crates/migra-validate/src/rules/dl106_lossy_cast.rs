//! DL106 lossy-cast.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL106",
    name: "lossy-cast",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A column type change that narrows: a shorter varchar, fewer decimal digits, a smaller integer, text to a bounded string, or a change of type family (text to integer, float to integer).",
    why: "Values that do not fit make the statement fail on PostgreSQL (and strict MySQL), or are truncated silently on non-strict MySQL.",
    instead: "Check the data first (the probe does), widen instead, or add a new column, convert with a checked UPDATE, and swap.",
    probe: Some("Counts values longer than the new length."),
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int, email varchar(255));",
            "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);",
            "ALTER TABLE users ALTER COLUMN email TYPE varchar(320);",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int, email varchar(255));",
            "ALTER TABLE users MODIFY email varchar(100);",
            "ALTER TABLE users MODIFY email varchar(320);",
        ),
    ],
};

/// Why `to` cannot hold every value of `from`, when it cannot.
pub(crate) fn narrowing(from: &TypeKind, to: &TypeKind) -> Option<String> {
    use TypeKind as T;
    match (from, to) {
        (
            T::String { length: a, .. },
            T::String {
                length: Some(b), ..
            },
        ) if a.is_none_or(|a| a > *b) => {
            Some(format!("values longer than {b} characters do not fit"))
        }
        (
            T::Text,
            T::String {
                length: Some(b), ..
            },
        ) => Some(format!("values longer than {b} characters do not fit")),
        (
            T::Decimal {
                precision: p1,
                scale: s1,
            },
            T::Decimal {
                precision: p2,
                scale: s2,
            },
        ) => {
            let (p1, p2) = (p1.unwrap_or(1000), p2.unwrap_or(1000));
            let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
            (p2 - s2.min(p2) < p1 - s1.min(p1) || s2 < s1)
                .then(|| "fewer digits: large values fail or fractions are rounded".to_string())
        }
        (T::Integer { bits: a, .. }, T::Integer { bits: b, .. }) if b < a => {
            Some(format!("{b}-bit integers cannot hold every {a}-bit value"))
        }
        (T::Float { .. } | T::Decimal { .. }, T::Integer { .. }) => {
            Some("fractions are lost".into())
        }
        (T::Float { bits: 64 }, T::Float { bits: 32 }) => {
            Some("double precision values lose digits".into())
        }
        (T::Timestamp { .. }, T::Date) => Some("the time of day is lost".into()),
        (T::Binary { length: a }, T::Binary { length: Some(b) }) if a.is_none_or(|a| a > *b) => {
            Some(format!("values longer than {b} bytes do not fit"))
        }
        (
            T::Text | T::String { .. },
            T::Integer { .. }
            | T::Decimal { .. }
            | T::Float { .. }
            | T::Boolean
            | T::Date
            | T::Timestamp { .. }
            | T::Uuid,
        ) => Some("text that is not a valid value of the new type fails the conversion".into()),
        _ => None,
    }
}

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            let Some(why) = narrowing(&from.r#type.kind, &to.r#type.kind) else {
                continue;
            };
            let obj = cx.object(ns, table, Some(&to.name));
            let mut f = cx
                .finding(
                    &INFO,
                    format!(
                        "{obj} changes from {} to {}: {why}",
                        from.r#type.raw, to.r#type.raw
                    ),
                )
                .on(obj.clone());
            if let TypeKind::String {
                length: Some(n), ..
            } = to.r#type.kind
            {
                f = f.probe(Probe::TooLong {
                    namespace: ns.into(),
                    table: table.into(),
                    column: to.name.clone(),
                    max_length: n,
                });
                f = f.step(format!(
                    "SELECT count(*) FROM {} WHERE length({}) > {n};",
                    cx.object(ns, table, None),
                    to.name
                ));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
