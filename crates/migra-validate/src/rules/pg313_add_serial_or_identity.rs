//! PG313 add-serial-or-identity.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG313",
    name: "add-serial-or-identity",
    severity: Severity::Error,
    dialects: PG,
    detects: "ADD COLUMN of type serial/bigserial, GENERATED ... AS IDENTITY, or GENERATED ALWAYS AS (...) STORED on a table that existed before this migration.",
    why: "Every existing row gets a value computed on the spot: the table is rewritten under an ACCESS EXCLUSIVE lock.",
    instead: "Add a plain nullable column, attach a sequence default for new rows, backfill existing rows in batches, then add the constraint; or compute generated values in a view.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE events (name text);",
        "ALTER TABLE events ADD COLUMN id bigserial;",
        "CREATE TABLE events2 (id bigserial, name text);",
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
            let what = if column.identity.is_some() {
                "an identity/serial column"
            } else if column.generated.as_ref().is_some_and(|g| g.stored) {
                "a stored generated column"
            } else {
                continue;
            };
            if !cx.schema.is_existing(ns, table) {
                continue;
            }
            let obj = cx.object(ns, table, Some(&column.name));
            out.push(
                cx.finding(
                    &INFO,
                    format!("adding {obj} as {what} rewrites the table to fill every row"),
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

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
