//! MY406 inline-references-ignored.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "MY406",
    name: "inline-references-ignored",
    severity: Severity::Error,
    dialects: MY,
    detects: "A column-level REFERENCES clause (`col int REFERENCES t(id)`) in MySQL/MariaDB.",
    why: "MySQL parses and silently ignores it: no foreign key is created, so the integrity the schema promises does not exist.",
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
}
