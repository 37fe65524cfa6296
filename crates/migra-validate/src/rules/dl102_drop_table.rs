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
            let referencing = referencing_keys(cx, namespace, &table.name);
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
                .step(backup_step(cx, &obj));
            if cx.config.require_backup_for_drops {
                f = f.step("run with --backup (require_backup_for_drops is set)");
            }
            out.push(f);
        }
    }
}

/// ", referenced by a.b_fk, ..." for foreign keys of other tables that point at this one.
pub(crate) fn referencing_keys(cx: &StmtCx<'_>, ns: &str, table: &str) -> String {
    let mut names = Vec::new();
    for n in &cx.schema.database().namespaces {
        for t in &n.tables {
            for k in &t.foreign_keys {
                let ref_ns = k.ref_namespace.as_deref().unwrap_or(&n.name);
                if k.ref_table == table && ref_ns == ns && t.name != table {
                    names.push(format!("{}.{}", t.name, k.name));
                }
            }
        }
    }
    if names.is_empty() {
        String::new()
    } else {
        format!("; foreign keys that reference it: {}", names.join(", "))
    }
}

/// A statement that copies `obj` aside first.
pub(crate) fn backup_step(cx: &StmtCx<'_>, obj: &str) -> String {
    let backup = format!("{}_backup", obj.replace('.', "_"));
    match cx.target.dialect {
        DialectId::Mysql => format!("CREATE TABLE {backup} AS SELECT * FROM {obj};"),
        _ => format!("CREATE TABLE {backup} AS SELECT * FROM {obj};"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
