//! BC609 drop-integrity.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC609",
    name: "drop-integrity",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "A foreign key, CHECK or primary key dropped from an existing table.",
    why: "Nothing stops bad rows any more: orphans, duplicates and out-of-range values can be written from then on, and re-adding the constraint later fails on them.",
    instead: "Keep the constraint, or replace it in the same migration (e.g. a new key before dropping the old).",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
            "ALTER TABLE orders DROP CONSTRAINT orders_user_fk;",
            "ALTER TABLE orders ADD COLUMN note text;",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
            "ALTER TABLE orders DROP FOREIGN KEY orders_user_fk;",
            "ALTER TABLE orders ADD COLUMN note text;",
        ),
        Example::new(
            SL,
            "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int REFERENCES users (id));",
            "CREATE TABLE orders_new (id int, user_id int);\nDROP TABLE orders;\nALTER TABLE orders_new RENAME TO orders;",
            "ALTER TABLE orders ADD COLUMN note text;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        for (ns, table, tc) in cx.table_changes() {
            if !cx.schema.is_existing(ns, table) {
                continue;
            }
            let what = match tc {
                TableChange::DropForeignKey { key } => format!("foreign key {}", key.name),
                TableChange::DropCheck { check } => format!(
                    "check {}",
                    check
                        .name
                        .clone()
                        .unwrap_or_else(|| check.expression.clone())
                ),
                TableChange::SetPrimaryKey {
                    from: Some(pk),
                    to: None,
                } => format!("primary key ({})", pk.columns.join(", ")),
                _ => continue,
            };
            let obj = cx.object(ns, table, None);
            out.push(
                cx.finding(
                    &INFO,
                    format!("dropping {what} from {obj}: nothing stops invalid rows from now on"),
                )
                .on(obj),
            );
        }
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        // A rebuild (SQLite's way to change a table) that leaves some of the old table's integrity behind.
        let mut dropped: Vec<&migra_core::schema::Table> = Vec::new();
        let mut created: Vec<&migra_core::schema::Table> = Vec::new();
        for (i, (_, a)) in cx.statements.iter().enumerate() {
            for c in a.changes() {
                match c {
                    Change::AddTable { table, .. } => created.push(table),
                    Change::DropTable { table, .. } => dropped.push(table),
                    Change::RenameTable {
                        namespace,
                        from,
                        to,
                    } => {
                        let (Some(old), Some(new)) = (
                            dropped.iter().find(|t| &t.name == to),
                            created.iter().find(|t| &t.name == from),
                        ) else {
                            continue;
                        };
                        let mut lost = Vec::new();
                        if new.foreign_keys.len() < old.foreign_keys.len() {
                            lost.push("foreign keys");
                        }
                        if new.checks.len() < old.checks.len() {
                            lost.push("checks");
                        }
                        if old.primary_key.is_some() && new.primary_key.is_none() {
                            lost.push("the primary key");
                        }
                        if !lost.is_empty() {
                            let obj =
                                crate::analyze::names::display(cx.target, namespace, to, None);
                            out.push(cx.finding(&INFO, Some(i), format!("the rebuilt {obj} loses {}: nothing stops invalid rows from now on", lost.join(" and "))).on(obj));
                        }
                    }
                    _ => {}
                }
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
