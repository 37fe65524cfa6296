//! HI002 out-of-order.
use super::prelude::*;
use migra_core::drift::Drift;

pub(crate) struct R;

static INFO: Info = Info {
    code: "HI002",
    name: "out-of-order",
    severity: Severity::Warning,
    dialects: SQL,
    detects: "A pending migration whose version sorts before the newest applied one (typically a branch merged after a newer migration was deployed).",
    why: "It will run after migrations that, by version, come later: if it depends on or conflicts with them, databases upgraded in order and databases built from scratch end up different.",
    instead: "Give the migration a new version after the newest applied one (rename the file), or check that it is independent and apply it knowingly.",
    probe: None,
    examples: &[Example::new(
        SQL,
        "applied: 1_init.sql, 3_users.sql",
        "pending: 2_orders.sql",
        "pending: 4_orders.sql",
    )],
};

impl Rule for R {
    fn info(&self) -> &'static Info {
        &INFO
    }
}

/// The finding for a pending migration older than the newest applied one.
pub(crate) fn finding(d: &Drift) -> Option<Finding> {
    let Drift::OutOfOrder {
        version,
        file,
        newest_applied,
        ..
    } = d
    else {
        return None;
    };
    Some(INFO.finding_at(
        file,
        1,
        1,
        format!("pending migration {version} is older than applied migration {newest_applied}"),
    ))
}

#[cfg(test)]
mod tests {
    use crate::history::tests_support::{applied, migrations, render};

    #[test]
    fn examples() {
        crate::testing::snapshot_per_dialect(&super::R, |d| {
            let ms = migrations(
                d,
                &[
                    ("1_init.sql", "CREATE TABLE a (id int);"),
                    ("2_orders.sql", "CREATE TABLE o (id int);"),
                    ("3_users.sql", "CREATE TABLE u (id int);"),
                ],
            )
            .unwrap_or_default();
            let history = vec![applied(&ms[0], None), applied(&ms[2], None)];
            let bad = crate::history::check_history(&ms, &history);
            let in_order = vec![applied(&ms[0], None), applied(&ms[1], None)];
            let good = crate::history::check_history(&ms, &in_order);
            assert_eq!(bad.len(), 1);
            assert!(good.is_empty());
            format!(
                "-- 2 pending after 3 applied\n{}-- in order\n{}",
                render(&bad),
                render(&good)
            )
        });
    }
}
