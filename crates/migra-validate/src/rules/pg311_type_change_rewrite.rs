//! PG311 type-change-rewrite.
use super::prelude::*;
use migra_core::schema::TypeKind;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG311",
    name: "type-change-rewrite",
    severity: Severity::Warning,
    dialects: PG,
    detects: "ALTER COLUMN ... TYPE on a table that existed before this migration, except the changes PostgreSQL makes without a rewrite (varchar widening, varchar to text, numeric precision increase at the same scale, dropping a length limit).",
    why: "The table and all its indexes are rewritten under an ACCESS EXCLUSIVE lock: no reads or writes for the duration.",
    instead: "Add a new column of the new type, backfill it in batches, switch the application, drop the old column; or pick a change that needs no rewrite (e.g. text with a CHECK on length).",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int, amount int, note varchar(50));",
        "ALTER TABLE t ALTER COLUMN amount TYPE bigint;",
        "ALTER TABLE t ALTER COLUMN note TYPE varchar(100);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, from, to) in cx.type_changes() {
            if no_rewrite(&from.r#type.kind, &to.r#type.kind) {
                continue;
            }
            let obj = cx.object(ns, table, Some(&to.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "changing {obj} from {} to {} rewrites the table under an exclusive lock",
                        from.r#type.raw, to.r#type.raw
                    ),
                )
                .on(obj)
                .probe(Probe::Rows {
                    namespace: ns.into(),
                    table: table.into(),
                }),
            );
        }
    }
}

/// Type changes PostgreSQL makes by updating the catalog only.
pub(crate) fn no_rewrite(from: &TypeKind, to: &TypeKind) -> bool {
    use TypeKind as T;
    match (from, to) {
        (
            T::String {
                length: a,
                fixed: false,
            },
            T::String {
                length: b,
                fixed: false,
            },
        ) => match (a, b) {
            (_, None) => true,
            (Some(a), Some(b)) => b >= a,
            (None, Some(_)) => false,
        },
        (T::String { fixed: false, .. }, T::Text) => true,
        (
            T::Text,
            T::String {
                length: None,
                fixed: false,
            },
        ) => true,
        (
            T::Decimal {
                precision: Some(p1),
                scale: s1,
            },
            T::Decimal {
                precision: Some(p2),
                scale: s2,
            },
        ) => p2 >= p1 && s1 == s2,
        (
            T::Decimal { .. },
            T::Decimal {
                precision: None, ..
            },
        ) => true,
        (T::Binary { .. }, T::Binary { length: None }) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
