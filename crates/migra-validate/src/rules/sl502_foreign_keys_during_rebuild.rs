//! SL502 foreign-keys-during-rebuild.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "SL502",
    name: "foreign-keys-during-rebuild",
    severity: Severity::Error,
    dialects: SL,
    detects: "A table rebuild involving foreign keys without `PRAGMA foreign_keys=OFF` before it (outside any transaction) and `PRAGMA foreign_key_check` after it.",
    why: "With foreign keys on, DROP TABLE deletes (or fails on) referencing rows; inside a transaction PRAGMA foreign_keys is silently ignored, so turning it off must happen before the migration's transaction.",
    instead: "Run the migration outside a transaction (`-- migra:no-transaction`), begin with PRAGMA foreign_keys=OFF, do the rebuild in BEGIN...COMMIT, then PRAGMA foreign_key_check and PRAGMA foreign_keys=ON.",
    probe: None,
    examples: &[
        Example::new(SL, "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE orders (id integer PRIMARY KEY, user_id int REFERENCES users (id));", "CREATE TABLE orders_new (id integer PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));\nINSERT INTO orders_new SELECT * FROM orders;\nDROP TABLE orders;\nALTER TABLE orders_new RENAME TO orders;", "PRAGMA foreign_keys=OFF;\nBEGIN;\nCREATE TABLE orders_new (id integer PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));\nINSERT INTO orders_new SELECT * FROM orders;\nDROP TABLE orders;\nALTER TABLE orders_new RENAME TO orders;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;").outside_transaction(),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let pragma_at = |j: usize, prefix: &str| {
            cx.statements[j]
                .0
                .sql
                .to_lowercase()
                .replace(' ', "")
                .starts_with(prefix)
        };
        for (table, i, fks) in super::sl501_table_rebuild::rebuilds(cx) {
            if !fks {
                continue;
            }
            let off = (0..i).any(|j| {
                pragma_at(j, "pragmaforeign_keys=off") || pragma_at(j, "pragmaforeign_keys=0")
            });
            let check =
                (i + 1..cx.statements.len()).any(|j| pragma_at(j, "pragmaforeign_key_check"));
            let mut problems = Vec::new();
            if cx.script.transactional {
                problems.push(
                    "the migration runs in a transaction, where PRAGMA foreign_keys has no effect",
                );
            } else if !off {
                problems.push("foreign keys are not turned off first");
            }
            if !check {
                problems.push("no PRAGMA foreign_key_check follows");
            }
            if !problems.is_empty() {
                out.push(
                    cx.finding(
                        &INFO,
                        Some(i),
                        format!(
                            "rebuilding {table} with foreign keys: {}",
                            problems.join("; ")
                        ),
                    )
                    .on(table),
                );
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
