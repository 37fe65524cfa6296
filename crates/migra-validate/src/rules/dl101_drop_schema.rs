//! DL101 drop-schema.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL101",
    name: "drop-schema",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "DROP SCHEMA or DROP DATABASE.",
    why: "Every table in it goes, with its rows; CASCADE takes dependent objects in other schemas too.",
    instead: "Drop the objects one by one (each is then checked on its own), after a backup; keep the schema until nothing uses it.",
    probe: Some("Counts the tables in the schema and their rows."),
    examples: &[
        Example::new(
            PG,
            "CREATE SCHEMA legacy;\nCREATE TABLE legacy.t (id int);",
            "DROP SCHEMA legacy CASCADE;",
            "DROP TABLE legacy.t;",
        ),
        Example::new(
            MY,
            "CREATE DATABASE legacy;",
            "DROP DATABASE legacy;",
            "CREATE DATABASE legacy2;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let kind = if w.starts_with(&["DROP", "SCHEMA"]) {
            "schema"
        } else if w.starts_with(&["DROP", "DATABASE"]) {
            "database"
        } else {
            return;
        };
        let name = w.name_from(2).unwrap_or("?").to_lowercase();
        let tables = cx.schema.namespace(&name).map_or(0, |n| n.tables.len());
        let mut f = cx
            .finding(
                &INFO,
                format!(
                    "dropping {kind} {name} deletes everything in it ({tables} table(s) known)"
                ),
            )
            .on(name.clone());
        if cx.is_pg() {
            f = f.step(format!("pg_dump --schema={name} > {name}.sql"));
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
