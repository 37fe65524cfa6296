//! DD208 mysql-zero-fill.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD208",
    name: "mysql-zero-fill",
    severity: Severity::Warning,
    dialects: MY,
    detects: "ADD COLUMN ... NOT NULL without a default on an existing MySQL/MariaDB table.",
    why: "MySQL does not refuse it: every existing row silently gets the type's zero value (0, '', '0000-00-00'), which then looks like real data.",
    instead: "Give the column an explicit default that means 'unknown', or add it nullable and backfill.",
    probe: Some("Counts the rows that would get the zero value."),
    examples: &[Example::new(
        MY,
        "CREATE TABLE users (id int);",
        "ALTER TABLE users ADD COLUMN age int NOT NULL;",
        "ALTER TABLE users ADD COLUMN age int NULL;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddColumn { column } = tc else {
                continue;
            };
            if !super::dd201_add_required_column::required_without_value(column)
                || !cx.schema.is_existing(ns, table)
            {
                continue;
            }
            let obj = cx.object(ns, table, Some(&column.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "{obj} is NOT NULL without a default: existing rows silently get {}",
                        zero(&column.r#type.kind)
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

fn zero(k: &migra_core::schema::TypeKind) -> &'static str {
    use migra_core::schema::TypeKind as T;
    match k {
        T::Integer { .. } | T::Decimal { .. } | T::Float { .. } | T::Boolean => "0",
        T::Date | T::Timestamp { .. } => "a zero date",
        _ => "''",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
