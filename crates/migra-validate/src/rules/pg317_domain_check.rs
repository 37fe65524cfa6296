//! PG317 domain-check.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "PG317",
    name: "domain-check",
    severity: Severity::Warning,
    dialects: PG,
    detects: "CREATE DOMAIN or ALTER DOMAIN ... ADD CONSTRAINT with a CHECK.",
    why: "ALTER DOMAIN ADD CHECK validates every column of every table that uses the domain, under lock; domain checks also cannot be changed without that scan.",
    instead: "Prefer a CHECK constraint on the table (which has NOT VALID + VALIDATE); if you keep the domain, add its check NOT VALID and VALIDATE it separately.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TABLE t (id int);",
        "CREATE DOMAIN positive AS int CHECK (VALUE > 0);",
        "CREATE DOMAIN label AS text;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if (w.starts_with(&["CREATE", "DOMAIN"]) || w.starts_with(&["ALTER", "DOMAIN"]))
            && w.has("CHECK")
            && !w.has_seq(&["NOT", "VALID"])
        {
            let name = w.get(2).unwrap_or("").to_lowercase();
            out.push(cx.at_word(cx.finding(&INFO, format!("domain {name} has a CHECK: changing it scans every column that uses the domain")).on(name), "CHECK"));
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
