//! BC610 privilege-change.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC610",
    name: "privilege-change",
    severity: Severity::Warning,
    dialects: &[DialectId::Postgres, DialectId::Mysql],
    detects: "REVOKE, row-level security switched on or off, and CREATE/ALTER/DROP of policies, roles and users.",
    why: "The running application's database user can lose access mid-deploy (REVOKE, a new policy filtering its rows), or gain access it should not have.",
    instead: "Review privilege changes separately from schema changes and test them with the application's own role.",
    probe: None,
    examples: &[
        Example::new(
            PG,
            "CREATE TABLE docs (id int, owner text);",
            "ALTER TABLE docs ENABLE ROW LEVEL SECURITY;",
            "ALTER TABLE docs ADD COLUMN title text;",
        ),
        Example::new(
            MY,
            "CREATE TABLE docs (id int);",
            "REVOKE SELECT ON docs FROM app;",
            "GRANT SELECT ON docs TO app;",
        ),
    ],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        let what = if w.starts_with(&["REVOKE"]) {
            "REVOKE removes privileges"
        } else if w.has_seq(&["ROW", "LEVEL", "SECURITY"]) {
            "row-level security changes which rows each role sees"
        } else if ["POLICY", "ROLE", "USER"]
            .iter()
            .any(|k| w.get(1) == Some(k))
            && matches!(w.get(0), Some("CREATE" | "ALTER" | "DROP"))
        {
            "a policy, role or user changes"
        } else {
            return;
        };
        out.push(cx.finding(
            &INFO,
            format!("{what}: the application's access may change mid-deploy"),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
