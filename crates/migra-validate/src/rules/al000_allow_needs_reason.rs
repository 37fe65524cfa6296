//! AL000 allow-needs-reason.
use super::prelude::*;
use crate::allow::Allow;

pub(crate) struct R;

static INFO: Info = Info {
    code: "AL000",
    name: "allow-needs-reason",
    severity: Severity::Error,
    dialects: SQL,
    detects: "A `-- migra:allow CODE` comment without `reason=\"...\"`.",
    why: "An allowed finding disappears from the report; the reason is what a reviewer reads instead. Without one the comment allows nothing.",
    instead: "Write the reason: `-- migra:allow DL103 reason=\"column unused since v2.3\"`.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "CREATE TABLE t (id int, legacy int);",
        "-- migra:allow DL103\nALTER TABLE t DROP COLUMN legacy;",
        "-- migra:allow DL103 reason=\"unused since v2.3\"\nALTER TABLE t DROP COLUMN legacy;",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }
}

/// The finding for a reason-less directive (raised by the engine, which reads directives).
pub(crate) fn finding(script: &ScriptInfo, a: &Allow) -> Finding {
    INFO.finding_at(
        &script.path,
        a.line,
        1,
        format!(
            "`-- migra:allow {}` has no reason, so it allows nothing",
            a.codes.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        crate::testing::check_examples(&super::R);
    }
}
