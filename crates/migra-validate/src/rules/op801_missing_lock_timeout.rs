//! OP801 missing-lock-timeout.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "OP801",
    name: "missing-lock-timeout",
    severity: Severity::Warning,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "DDL that takes a strong lock on a table that existed before this migration, with no lock timeout set earlier in the script (PostgreSQL `SET lock_timeout`, MySQL `SET lock_wait_timeout`).",
    why: "An ALTER waiting for its lock behind one long-running query blocks every query that arrives after it: a harmless migration becomes an outage for as long as that query runs.",
    instead: "Start the migration with `SET lock_timeout = '5s'` (PostgreSQL) or `SET SESSION lock_wait_timeout = 5` (MySQL), and retry when it times out.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int);",
            "ALTER TABLE users ADD COLUMN plan text;",
            "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN plan text;",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int);",
            "ALTER TABLE users ADD COLUMN plan text;",
            "SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN plan text;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let mut timeout_set = false;
        // A set: a schema file creates tens of thousands of tables.
        let mut created: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for (i, (_, a)) in cx.statements.iter().enumerate() {
            let w = &a.words;
            if w.get(0) == Some("SET") && (w.has("LOCK_TIMEOUT") || w.has("LOCK_WAIT_TIMEOUT")) {
                timeout_set = true;
                continue;
            }
            // Tables this script created are not in use yet: locking them blocks nobody.
            let locks_existing = a.changes().iter().any(|c| match c {
                Change::ModifyTable { table, .. } | Change::RenameTable { from: table, .. } => {
                    !created.contains(table.as_str())
                }
                Change::DropTable { table, .. } => !created.contains(table.name.as_str()),
                _ => false,
            });
            for c in a.changes() {
                if let Change::AddTable { table, .. } = c {
                    created.insert(&table.name);
                }
            }
            if timeout_set || a.kind != crate::analyze::Kind::Ddl || w.has("CONCURRENTLY") {
                continue;
            }
            if locks_existing {
                out.push(cx.finding(&INFO, Some(i), "this DDL waits for its lock without a lock timeout: queued behind a long query, it blocks every query after it"));
                return;
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
