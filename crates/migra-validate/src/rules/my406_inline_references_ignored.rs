//! MY406 inline-references-ignored.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY406",
    name: "inline-references-ignored",
    severity: Severity::Error,
    dialects: MY,
    detects: "A column-level REFERENCES clause (`col int REFERENCES t(id)`) in MySQL/MariaDB.",
    why: "MySQL before 9.0 (and MariaDB before 10.5) parses and silently ignores it: no foreign key is created, so the integrity the schema promises does not exist.",
    instead: "Write the key as a table constraint: FOREIGN KEY (col) REFERENCES t (id).",
    probe: None,
    examples: &[Example::new(
        MY,
        "CREATE TABLE users (id int PRIMARY KEY);",
        "CREATE TABLE orders (id int, user_id int REFERENCES users (id));",
        "CREATE TABLE orders (id int, user_id int, FOREIGN KEY (user_id) REFERENCES users (id));",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        // MariaDB creates the key since 10.5 (every supported release), MySQL since 9.0.
        let t = cx.target;
        if (t.mariadb && !t.known_below(10, 5))
            || (!t.mariadb && !t.known_below(9, 0) && t.version.is_some())
        {
            return;
        }
        let Some(ast) = &cx.analysis.ast else { return };
        let columns: Vec<&sqlparser::ast::ColumnDef> = match ast {
            sqlparser::ast::Statement::CreateTable(ct) => ct.columns.iter().collect(),
            sqlparser::ast::Statement::AlterTable(at) => at
                .operations
                .iter()
                .filter_map(|op| match op {
                    sqlparser::ast::AlterTableOperation::AddColumn { column_def, .. } => {
                        Some(column_def)
                    }
                    _ => None,
                })
                .collect(),
            _ => return,
        };
        for c in columns {
            if c.options
                .iter()
                .any(|o| matches!(o.option, sqlparser::ast::ColumnOption::ForeignKey(_)))
            {
                let f = cx.finding(&INFO, format!("REFERENCES on column {} is ignored by MySQL: no foreign key is created", c.name.value)).on(c.name.value.clone());
                out.push(cx.at_word(f, "REFERENCES"));
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

    #[test]
    fn servers_that_create_the_key_are_not_flagged() {
        use crate::rule::Direction;
        use crate::target::Target;
        use migra_core::DialectId;
        let sql = "CREATE TABLE orders (id int, user_id int REFERENCES users (id));";
        let run = |reported: &str| {
            let t = Target::new(DialectId::Mysql).with_server(reported);
            let setup = "CREATE TABLE users (id int PRIMARY KEY);";
            crate::testing::check(t, "MY406", setup, sql, true, Direction::Up, true)
                .findings
                .len()
        };
        assert_eq!(run("10.11.6-MariaDB-0+deb12u1"), 0);
        assert_eq!(run("9.1.0"), 0);
        assert_eq!(run("8.0.36"), 1);
        assert_eq!(run("10.4.34-MariaDB"), 1);
    }
}
