//! DL103 drop-column.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL103",
    name: "drop-column",
    severity: Severity::Error,
    dialects: SQL,
    detects: "DROP COLUMN on a table that existed before this migration.",
    why: "The column's values are deleted, and application code (or an ORM that lists columns) still reading it fails until it is deployed without it.",
    instead: "Deploy code that no longer reads or writes the column first, copy the values aside if they may be needed, then drop it in a later migration.",
    probe: Some("Counts the column's non-NULL values: a column with none is only info."),
    examples: &[Example::new(
        SQL,
        "CREATE TABLE users (id int, legacy_token text);",
        "ALTER TABLE users DROP COLUMN legacy_token;",
        "ALTER TABLE users ADD COLUMN token_v2 text;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::DropColumn { column } = tc else {
                continue;
            };
            if !cx.schema.is_existing(ns, table) || cx.schema.is_new_column(ns, table, &column.name)
            {
                continue;
            }
            let obj = cx.object(ns, table, Some(&column.name));
            let t = cx.object(ns, table, None);
            let keys = super::referencing(cx, ns, table, Some(&column.name));
            let f = cx
                .finding(&INFO, format!("dropping {obj} deletes its values{keys}"))
                .on(obj)
                .probe(Probe::NonNull {
                    namespace: ns.into(),
                    table: table.into(),
                    column: column.name.clone(),
                })
                .step(format!(
                    "CREATE TABLE {}_{}_backup AS SELECT {} FROM {t};",
                    table,
                    column.name,
                    key_and(cx, ns, table, &column.name)
                ));
            out.push(cx.at_word(f, &column.name.to_uppercase()));
        }
    }
}

/// The primary key columns and `column`, for a backup that can be joined back.
fn key_and(cx: &StmtCx<'_>, ns: &str, table: &str, column: &str) -> String {
    let mut cols: Vec<String> = cx
        .schema
        .table(ns, table)
        .and_then(|t| t.primary_key.as_ref())
        .map(|pk| pk.columns.clone())
        .unwrap_or_default();
    cols.push(column.to_string());
    cols.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
