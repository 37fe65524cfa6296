//! BC603 rename-other.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC603",
    name: "rename-other",
    severity: Severity::Warning,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A schema, view, index, sequence, type or function renamed, or moved with SET SCHEMA.",
    why: "Code, views and grants that name the object by its old name or schema break when the change commits.",
    instead: "Create the object under the new name, move users over, then drop the old one in a later release.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE VIEW active AS SELECT 1 AS x;",
            "ALTER VIEW active RENAME TO active_users;",
            "CREATE VIEW active_users AS SELECT 1 AS x;",
        ),
        Example::new(
            MY,
            "CREATE TABLE t (id int, KEY t_id (id));",
            "ALTER TABLE t RENAME INDEX t_id TO t_id2;",
            "ALTER TABLE t ADD INDEX t_id2 (id);",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let kind = w.get(1).unwrap_or("");
        let other = w.get(0) == Some("ALTER")
            && kind != "TABLE"
            && (w.has_seq(&["RENAME", "TO"]) || w.has_seq(&["SET", "SCHEMA"]));
        let in_table = w.starts_with(&["ALTER", "TABLE"])
            && (w.has_seq(&["RENAME", "INDEX"])
                || w.has_seq(&["RENAME", "KEY"])
                || w.has_seq(&["SET", "SCHEMA"]));
        if other || in_table {
            let what = if w.has_seq(&["SET", "SCHEMA"]) {
                "moving"
            } else {
                "renaming"
            };
            let (kind, name) = match (w.after("INDEX").or_else(|| w.after("KEY")), in_table) {
                (Some(index), true) if !w.has_seq(&["SET", "SCHEMA"]) => ("index", index),
                _ => (kind, w.get(2).unwrap_or("")),
            };
            let f = cx.finding(
                &INFO,
                format!(
                    "{what} {} {}: code using the old name breaks",
                    kind.to_lowercase(),
                    name.to_lowercase()
                ),
            );
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
