//! PG308 foreign-key-validated-inline.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG308",
    name: "foreign-key-validated-inline",
    severity: Severity::Error,
    dialects: PG,
    detects: "ALTER TABLE ... ADD FOREIGN KEY on a table that existed before this migration, without NOT VALID.",
    why: "Adding the key scans the whole table to validate it while holding a SHARE ROW EXCLUSIVE lock on both tables: writes to either wait.",
    instead: "Add the key NOT VALID (instant; new rows are checked), then VALIDATE CONSTRAINT in a separate statement, which only takes a light lock.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int);",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if cx.analysis.words.has_seq(&["NOT", "VALID"]) {
            return;
        }
        for (ns, table, tc) in cx.table_changes() {
            if let TableChange::AddForeignKey { key } = tc
                && cx.schema.is_existing(ns, table)
            {
                let obj = cx.object(ns, table, None);
                let f = cx
                    .finding(&INFO, format!("foreign key {} is validated inline: writes to {obj} and {} wait for a full scan", key.name, key.ref_table))
                    .on(obj.clone())
                    .probe(Probe::Rows { namespace: ns.into(), table: table.into() })
                    .step(format!("ALTER TABLE {obj} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) NOT VALID;", key.name, key.columns.join(", "), key.ref_table, key.ref_columns.join(", ")))
                    .step(format!("ALTER TABLE {obj} VALIDATE CONSTRAINT {};", key.name));
                out.push(cx.at_word(f, "FOREIGN"));
            }
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
