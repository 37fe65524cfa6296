//! TX704 non-idempotent-non-transactional.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX704",
    name: "non-idempotent-non-transactional",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "In a migration that does not run in a transaction: CREATE without IF NOT EXISTS, DROP without IF EXISTS, ADD/DROP COLUMN without IF [NOT] EXISTS.",
    why: "If the migration fails halfway, the statements before the failure stay applied; re-running it then fails on the first one (already exists / does not exist).",
    instead: "Write each statement so it can run twice: IF NOT EXISTS / IF EXISTS (CREATE INDEX CONCURRENTLY IF NOT EXISTS, DROP INDEX CONCURRENTLY IF EXISTS).",
    probe: None,
    examples: &[
        Example::new(PG, "CREATE TABLE crates (id int, downloads int);", "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY crates_downloads ON crates (downloads);", "-- migra:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS crates_downloads ON crates (downloads);").outside_transaction(),
        Example::new(SL, "CREATE TABLE t (id int);", "CREATE INDEX t_id ON t (id);", "CREATE INDEX IF NOT EXISTS t_id ON t (id);").outside_transaction(),
        Example::new(MY, "CREATE TABLE t (id int);", "CREATE TABLE u (id int);", "CREATE TABLE IF NOT EXISTS u (id int);").outside_transaction(),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        if cx.script.transactional {
            return;
        }
        let w = &cx.analysis.words;
        let creates = w.get(0) == Some("CREATE")
            && !w.has_seq(&["OR", "REPLACE"])
            && !w.has_seq(&["IF", "NOT", "EXISTS"]);
        let drops = w.get(0) == Some("DROP") && !w.has_seq(&["IF", "EXISTS"]);
        let alters = w.starts_with(&["ALTER", "TABLE"])
            && ((w.has_seq(&["ADD", "COLUMN"]) && !w.has_seq(&["IF", "NOT", "EXISTS"]))
                || (w.has_seq(&["DROP", "COLUMN"]) && !w.has_seq(&["IF", "EXISTS"])));
        let ddl = matches!(
            cx.analysis.kind,
            crate::analyze::Kind::Ddl | crate::analyze::Kind::Privilege
        );
        if (creates || drops || alters) && ddl {
            let f = cx.finding(&INFO, "not safe to re-run: if the migration fails after this statement, retrying fails here");
            out.push(f);
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
