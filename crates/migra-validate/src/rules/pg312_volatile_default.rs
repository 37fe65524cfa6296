//! PG312 volatile-default.
use super::prelude::*;
use migra_core::schema::ColumnDefault;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG312",
    name: "volatile-default",
    severity: Severity::Error,
    dialects: PG,
    detects: "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(), ...) on a table that existed before this migration; before PostgreSQL 11, any default.",
    why: "Each row needs its own value, so the whole table is rewritten under an ACCESS EXCLUSIVE lock. Since PostgreSQL 11 a constant (or stable, like now()) default is stored once and costs nothing.",
    instead: "Add the column without a default (or with a constant one), set the default for new rows, and backfill existing rows in batches.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int);",
            "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
            "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();",
        ),
        Example::new(
            PG,
            "CREATE TABLE users (id int);",
            "ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';",
            "ALTER TABLE users ADD COLUMN plan text;",
        )
        .at_version(10, 0),
    ],
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
            let Some(default) = &column.default else {
                continue;
            };
            if !cx.schema.is_existing(ns, table) {
                continue;
            }
            let text = match default {
                ColumnDefault::Literal(s) | ColumnDefault::Expression(s) => s,
            };
            let reason = if cx.target.known_below(11, 0) {
                "before PostgreSQL 11 any default rewrites the table".to_string()
            } else if let Some(f) = volatile(text) {
                format!("{f} is volatile, so every row gets its own value")
            } else {
                continue;
            };
            let obj = cx.object(ns, table, Some(&column.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!("adding {obj} with DEFAULT {text} rewrites the table: {reason}"),
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

/// The first volatile function a default calls, if any.
pub(crate) fn volatile(expr: &str) -> Option<&'static str> {
    const VOLATILE: &[&str] = &[
        "random",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "setseed",
        "txid_current",
    ];
    let lower = expr.to_lowercase();
    VOLATILE
        .iter()
        .copied()
        .find(|f| lower.contains(&format!("{f}(")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
