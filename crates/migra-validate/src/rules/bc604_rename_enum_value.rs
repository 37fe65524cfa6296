//! BC604 rename-enum-value.
use super::prelude::*;

pub(crate) struct R;

static INFO: Info = Info {
    code: "BC604",
    name: "rename-enum-value",
    severity: Severity::Warning,
    dialects: PG,
    detects: "ALTER TYPE ... RENAME VALUE.",
    why: "Code of the running release writes the old label and fails with 'invalid input value for enum'; stored rows change meaning for readers that compare against the old label.",
    instead: "Add the new value, move rows and code over to it, and leave the old value unused.",
    probe: None,
    examples: &[Example::new(
        PG,
        "CREATE TYPE mood AS ENUM ('sad', 'ok');",
        "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';",
        "ALTER TYPE mood ADD VALUE 'fine';",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }

    fn check_statement(&self, cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
        let w = &cx.analysis.words;
        if w.starts_with(&["ALTER", "TYPE"]) && w.has_seq(&["RENAME", "VALUE"]) {
            let name = w.get(2).unwrap_or("").to_lowercase();
            out.push(
                cx.finding(
                    &INFO,
                    format!(
                        "renaming a value of enum {name} breaks code that writes the old label"
                    ),
                )
                .on(name),
            );
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
