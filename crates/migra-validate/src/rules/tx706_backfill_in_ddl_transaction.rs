//! TX706 backfill-in-ddl-transaction.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "TX706",
    name: "backfill-in-ddl-transaction",
    severity: Severity::Warning,
    dialects: &[DialectId::Postgres, DialectId::Sqlite],
    detects: "An UPDATE or DELETE of an existing table in the same transactional migration as DDL, without batching.",
    why: "The DDL's locks are held until the whole backfill commits: on a big table every query on the altered tables waits for minutes, and the long transaction bloats the table.",
    instead: "Move the backfill to its own migration run in batches (`-- migra:batch`), after the DDL has committed.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE users (id int, plan text);",
            "ALTER TABLE users ADD COLUMN tier int;\nUPDATE users SET tier = 1 WHERE plan = 'pro';",
            "ALTER TABLE users ADD COLUMN tier int;",
        ),
        Example::new(
            SL,
            "CREATE TABLE users (id int, plan text);",
            "ALTER TABLE users ADD COLUMN tier int;\nUPDATE users SET tier = 1;",
            "ALTER TABLE users ADD COLUMN tier int;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_script(&self, cx: &ScriptCx<'_>, out: &mut Vec<Finding>) {
        use crate::analyze::Kind;
        if !cx.script.transactional || !cx.statements.iter().any(|(_, a)| a.kind == Kind::Ddl) {
            return;
        }
        for (i, (_, a)) in cx.statements.iter().enumerate() {
            let w = &a.words;
            let table = if w.starts_with(&["UPDATE"]) {
                w.get(1)
            } else if w.starts_with(&["DELETE", "FROM"]) {
                w.get(2)
            } else {
                None
            };
            if let Some(t) = table
                && !w.has("LIMIT")
            {
                let t = t.to_lowercase();
                out.push(
                    cx.finding(&INFO, Some(i), format!("backfilling {t} in the same transaction as DDL holds the DDL's locks until it finishes"))
                        .on(t.clone())
                        .probe(Probe::Rows { namespace: cx.target.default_namespace.clone(), table: t }),
                );
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
