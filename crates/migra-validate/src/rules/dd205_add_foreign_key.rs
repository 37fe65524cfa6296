//! DD205 add-foreign-key.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD205",
    name: "add-foreign-key",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A foreign key added over existing columns of a table that existed before this migration.",
    why: "Rows whose value has no referenced row make the statement fail (after scanning both tables under lock).",
    instead: "Clean up or NULL the orphan rows first (the probe counts them); on PostgreSQL add the key NOT VALID and VALIDATE it separately.",
    probe: Some("Counts rows whose key has no referenced row."),
    examples: &[Example::new(
        &[DialectId::Postgres, DialectId::Mysql],
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int);",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        "ALTER TABLE orders ADD COLUMN buyer_id int REFERENCES users (id);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            let TableChange::AddForeignKey { key } = tc else {
                continue;
            };
            let Some(t) = cx.schema.table(ns, table) else {
                continue;
            };
            if !cx.schema.is_existing(ns, table)
                || key.columns.iter().any(|c| t.column(c).is_none())
            {
                continue;
            }
            let obj = cx.object(ns, table, None);
            let ref_ns = key.ref_namespace.clone().unwrap_or_else(|| ns.to_string());
            let cols = key.columns.join(", ");
            out.push(
                cx.finding(&INFO, format!("foreign key {} on {obj} ({cols}) → {}: rows without a referenced row make it fail", key.name, key.ref_table))
                    .on(obj.clone())
                    .probe(Probe::Orphans {
                        namespace: ns.into(),
                        table: table.into(),
                        columns: key.columns.clone(),
                        ref_namespace: ref_ns,
                        ref_table: key.ref_table.clone(),
                        ref_columns: key.ref_columns.clone(),
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
