//! MY407 implicit-commit.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY407",
    name: "implicit-commit",
    severity: Severity::Warning,
    dialects: MY,
    detects: "A migration that mixes DDL with data changes (INSERT/UPDATE/DELETE) on MySQL/MariaDB.",
    why: "Every DDL statement commits implicitly: if a later statement fails, the earlier ones stay applied, and the migration is half done with no rollback.",
    instead: "Put DDL and data changes in separate migrations, each small enough to re-run (use IF [NOT] EXISTS).",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE t (id int, kind int);",
        "ALTER TABLE t ADD COLUMN flag int;\nUPDATE t SET flag = 1 WHERE kind = 2;",
        "ALTER TABLE t ADD COLUMN flag int;\nALTER TABLE t ADD INDEX t_flag (flag);",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let ddl = cx
            .statements
            .iter()
            .position(|(_, a)| a.kind == crate::analyze::Kind::Ddl);
        let dml = cx
            .statements
            .iter()
            .position(|(_, a)| a.kind == crate::analyze::Kind::Dml);
        if let (Some(d), Some(m)) = (ddl, dml) {
            out.push(cx.finding(&INFO, Some(d.max(m)), "DDL and data changes in one migration: each DDL statement commits, so a failure leaves it half applied"));
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
