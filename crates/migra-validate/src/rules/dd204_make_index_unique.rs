//! DD204 make-index-unique.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "DD204",
    name: "make-index-unique",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A non-unique index dropped and re-created as unique over the same columns.",
    why: "Duplicates the old index allowed make the new one fail; between the drop and the failed create, queries run without the index.",
    instead: "Build the unique index under a new name first (concurrently on PostgreSQL), then drop the old one.",
    probe: Some("Counts groups of duplicate rows."),
    examples: &[Example::new(
        SQL,
        "CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);",
        "DROP INDEX users_email;\nCREATE UNIQUE INDEX users_email ON users (email);",
        "CREATE INDEX users_email2 ON users (email, id);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let mut dropped = Vec::new();
        for (i, ns, table, tc) in cx.table_changes() {
            match tc {
                TableChange::DropIndex { index } if !index.unique => {
                    dropped.push((ns, table, &index.parts))
                }
                TableChange::AddIndex { index }
                    if index.unique && dropped.contains(&(ns, table, &index.parts)) =>
                {
                    let obj = crate::analyze::names::display(cx.target, ns, table, None);
                    let cols = crate::analyze::table::part_columns(&index.parts);
                    out.push(
                        cx.finding(&INFO, Some(i), format!("index {} on {obj} becomes unique: existing duplicates make it fail", index.name))
                            .on(obj)
                            .probe(Probe::Duplicates { namespace: ns.into(), table: table.into(), columns: cols }),
                    );
                }
                _ => {}
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
