//! DL102 drop-table.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DL102",
    name: "drop-table",
    severity: Severity::Error,
    dialects: SQL,
    detects: "DROP TABLE of a table that existed before this migration.",
    why: "The rows are gone for good once it commits, and code still reading the table fails.",
    instead: "Stop using the table first; rename it (or keep a backup copy) and drop it in a later release. Dropping a table created in the same migration is fine.",
    probe: Some("Counts the table's rows: an empty table is only info."),
    examples: &[Example::new(
        SQL,
        "CREATE TABLE sessions (id int);\nCREATE TABLE audit (id int);",
        "DROP TABLE sessions;",
        "CREATE TABLE tmp (id int);\nDROP TABLE tmp;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for c in cx.changes() {
            let Change::DropTable { namespace, table } = c else {
                continue;
            };
            if !cx.schema.is_existing(namespace, &table.name) {
                continue;
            }
            let obj = cx.object(namespace, &table.name, None);
            let referencing = super::referencing(cx, namespace, &table.name, None);
            let mut f = cx
                .finding(
                    &INFO,
                    format!("dropping table {obj} deletes all its rows{referencing}"),
                )
                .on(obj.clone())
                .probe(Probe::Rows {
                    namespace: namespace.clone(),
                    table: table.name.clone(),
                })
                .step(backup_step(&obj));
            if cx.config.require_backup_for_drops {
                f = f.step("run with --backup (require_backup_for_drops is set)");
            }
            out.push(f);
        }
    }
}

/// A statement that copies `obj` aside first.
fn backup_step(obj: &str) -> String {
    format!(
        "CREATE TABLE {}_backup AS SELECT * FROM {obj};",
        obj.replace('.', "_")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
