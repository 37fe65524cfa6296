//! SL501 table-rebuild.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "SL501",
    name: "table-rebuild",
    severity: Severity::Warning,
    dialects: SL,
    detects: "A table rebuild (CREATE TABLE new, copy, DROP TABLE old, RENAME new) — the way SQLite makes any change ALTER TABLE cannot — and ALTER TABLE forms SQLite rejects (ALTER COLUMN, ADD/DROP CONSTRAINT), which need one.",
    why: "A rebuild copies every row while holding the write lock, and drops the old table's indexes, triggers and views, which must be re-created by hand; the ALTER forms SQLite lacks simply fail.",
    instead: "Keep the rebuild in one transaction with every index, trigger and view re-created after it (migra's planner emits exactly that); for a column SQLite can add in place, use ADD COLUMN.",
    probe: None,
    examples: &[
        Example::new(
            SL,
            "CREATE TABLE t (id integer PRIMARY KEY, n text);\nCREATE INDEX t_n ON t (n);",
            "CREATE TABLE t_new (id integer PRIMARY KEY, n text NOT NULL);\nINSERT INTO t_new SELECT id, n FROM t;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;",
            "ALTER TABLE t ADD COLUMN m text;",
        ),
        Example::new(
            SL,
            "CREATE TABLE t (id integer PRIMARY KEY, n text);",
            "ALTER TABLE t ALTER COLUMN n SET NOT NULL;",
            "ALTER TABLE t ADD COLUMN m text NOT NULL DEFAULT '';",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if !w.starts_with(&["ALTER", "TABLE"]) {
            return;
        }
        let unsupported = [
            &["ALTER", "COLUMN"][..],
            &["ADD", "CONSTRAINT"],
            &["DROP", "CONSTRAINT"],
            &["ADD", "PRIMARY"],
            &["ADD", "FOREIGN"],
            &["ADD", "UNIQUE"],
            &["ADD", "CHECK"],
        ]
        .into_iter()
        .find(|s| w.has_seq(s));
        if let Some(s) = unsupported {
            let f = cx
                .finding(&INFO, format!("SQLite has no ALTER TABLE ... {}: this statement fails; the table must be rebuilt", s.join(" ")))
                .severity(Severity::Error);
            out.push(cx.at_word(f, s[0]));
        }
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        for (table, i, _) in rebuilds(cx) {
            out.push(cx.finding(&INFO, Some(i), format!("table {table} is rebuilt: every row is copied under the write lock, and its indexes and triggers must be re-created")).on(table));
        }
    }
}

/// Rebuilt tables: a table dropped and another renamed to its name in one script, with the index of
/// the rename and whether either side has foreign keys.
pub(crate) fn rebuilds(cx: &ScriptCx<'_>) -> Vec<(String, usize, bool)> {
    let mut dropped: Vec<(&str, bool)> = Vec::new();
    let mut created: Vec<(&str, bool)> = Vec::new();
    let mut out = Vec::new();
    for (i, (_, a)) in cx.statements.iter().enumerate() {
        for c in a.changes() {
            match c {
                Change::AddTable { table, .. } => {
                    created.push((&table.name, !table.foreign_keys.is_empty()))
                }
                Change::DropTable { table, .. } => {
                    dropped.push((&table.name, !table.foreign_keys.is_empty()))
                }
                Change::RenameTable { from, to, .. } => {
                    if let Some((_, fk_old)) = dropped.iter().find(|(n, _)| n == to) {
                        let fk_new = created.iter().any(|(n, fk)| n == from && *fk);
                        out.push((to.clone(), i, *fk_old || fk_new));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
