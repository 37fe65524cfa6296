//! OP802 missing-statement-timeout.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "OP802",
    name: "missing-statement-timeout",
    severity: Severity::Info,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "A long-running statement (index build, table rewrite, UPDATE or DELETE) with no statement timeout set earlier in the script (PostgreSQL `SET statement_timeout`, MySQL `SET SESSION max_execution_time` / MariaDB `max_statement_time`).",
    why: "Without a timeout, a statement that takes far longer than expected (a big table, a missing index) holds its locks until someone notices and kills it.",
    instead: "Set a statement timeout sized for the statement (`SET statement_timeout = '15min'`), so a surprise ends in a clean failure.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int, plan text);",
            "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
            "SET statement_timeout = '15min';\nUPDATE users SET plan = 'free' WHERE plan IS NULL;",
        ),
        Example::new(
            MY,
            "CREATE TABLE users (id int, plan text);",
            "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
            "SET SESSION max_statement_time = 900;\nUPDATE users SET plan = 'free' WHERE plan IS NULL;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        let mut timeout_set = false;
        for (i, (_, a)) in cx.statements.iter().enumerate() {
            let w = &a.words;
            if w.get(0) == Some("SET")
                && (w.has("STATEMENT_TIMEOUT")
                    || w.has("MAX_EXECUTION_TIME")
                    || w.has("MAX_STATEMENT_TIME"))
            {
                timeout_set = true;
                continue;
            }
            let long = w.starts_with(&["UPDATE"])
                || w.starts_with(&["DELETE"])
                || w.starts_with_create(&["INDEX"])
                || w.starts_with_create(&["UNIQUE"])
                || (w.starts_with(&["ALTER", "TABLE"])
                    && (w.has("TYPE") || w.has("MODIFY") || w.has("CHANGE")));
            if long && !timeout_set {
                out.push(cx.finding(
                    &INFO,
                    Some(i),
                    "this statement can run long and has no statement timeout",
                ));
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
