//! TX701 non-transactional-in-transaction.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX701",
    name: "non-transactional-in-transaction",
    severity: Severity::Error,
    dialects: &[DialectId::Postgres, DialectId::Sqlite],
    detects: "A statement that cannot run inside a transaction (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM; ALTER TYPE ... ADD VALUE before PostgreSQL 12) in a migration that runs in one.",
    why: "The migration fails at that statement every time it runs: the executor wraps the migration in a transaction.",
    instead: "Put the statement in its own migration marked `-- migra:no-transaction` (Diesel: run_in_transaction = false), written to be safe to re-run.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE crates (id int, downloads int);",
            "CREATE INDEX CONCURRENTLY crates_downloads ON crates (downloads);",
            "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY crates_downloads ON crates (downloads);",
        ),
        Example::new(
            SL,
            "CREATE TABLE t (id int);",
            "VACUUM;",
            "CREATE INDEX t_id ON t (id);",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if !cx.script.transactional {
            return;
        }
        let w = &cx.analysis.words;
        let what = if w.has("CONCURRENTLY")
            && (w.get(0) == Some("CREATE")
                || w.get(0) == Some("DROP")
                || w.get(0) == Some("REINDEX"))
        {
            "CONCURRENTLY"
        } else if w.starts_with(&["VACUUM"]) {
            "VACUUM"
        } else if cx.is_pg()
            && (w.starts_with(&["CREATE", "DATABASE"]) || w.starts_with(&["DROP", "DATABASE"]))
        {
            "CREATE/DROP DATABASE"
        } else if cx.is_pg() && w.starts_with(&["ALTER", "SYSTEM"]) {
            "ALTER SYSTEM"
        } else if cx.is_pg()
            && cx.target.known_below(12, 0)
            && w.starts_with(&["ALTER", "TYPE"])
            && w.has_seq(&["ADD", "VALUE"])
        {
            "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)"
        } else {
            return;
        };
        let f = cx
            .finding(&INFO, format!("{what} cannot run inside a transaction, and this migration runs in one: it fails every time"))
            .step("move the statement to its own migration with `-- migra:no-transaction`");
        let word = what
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or(what);
        out.push(cx.at_word(f, word));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
