//! DD207 change-primary-key.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD207",
    name: "change-primary-key",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A primary key added to, or changed on, a table that existed before this migration.",
    why: "Duplicate or NULL values in the new key columns make it fail; the table is rewritten or locked while the index builds, and foreign keys pointing at the old key must be recreated.",
    instead: "Check the new key's columns for duplicates and NULLs (the probe does); on PostgreSQL build a unique index concurrently and add the key USING INDEX.",
    probe: Some("Counts duplicate groups in the new key."),
    examples: &[Example::new(
        &[DialectId::Postgres, DialectId::Mysql],
        "CREATE TABLE downloads (crate_id int NOT NULL, day date NOT NULL, n int);",
        "ALTER TABLE downloads ADD PRIMARY KEY (crate_id, day);",
        "CREATE TABLE downloads2 (crate_id int, day date, n int, PRIMARY KEY (crate_id, day));",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::SetPrimaryKey { from, to: Some(to) } = tc else {
                continue;
            };
            let Some(t) = cx.schema.table(ns, table) else {
                continue;
            };
            if !cx.schema.is_existing(ns, table) || to.columns.iter().any(|c| t.column(c).is_none())
            {
                continue;
            }
            if from.as_ref().is_some_and(|f| f.columns == to.columns) {
                continue;
            }
            let obj = cx.object(ns, table, None);
            let verb = if from.is_some() { "changes" } else { "gets" };
            out.push(
                cx.finding(&INFO, format!("{obj} {verb} a primary key on ({}): duplicates or NULLs in those columns make it fail", to.columns.join(", ")))
                    .on(obj)
                    .probe(Probe::Duplicates { namespace: ns.into(), table: table.into(), columns: to.columns.clone() }),
            );
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
