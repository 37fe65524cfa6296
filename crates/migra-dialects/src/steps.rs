//! What every planner shares: the list of steps it builds, hazards, and the unsupported error.

use crate::sql::Sql;
use migra_core::{Hazard, HazardKind, Plan, PlanError, Step};

/// Steps in order, plus statements that must wait until every table exists (PostgreSQL
/// sequence owners).
#[derive(Default)]
pub(crate) struct Out {
    pub steps: Vec<Step>,
    pub last: Vec<Step>,
}

impl Out {
    /// Appends a step.
    pub fn push(&mut self, command: String, reverse: Option<String>, hazards: Vec<Hazard>) {
        self.steps.push(Step {
            command,
            reverse,
            hazards,
        });
    }

    /// The plan: the steps, then the deferred ones. It is transactional when the dialect's DDL
    /// is and no step says it cannot run in a transaction.
    pub fn finish(mut self, transactional_ddl: bool) -> Plan {
        let mut steps = self.steps;
        steps.append(&mut self.last);
        let transactional = transactional_ddl
            && !steps.iter().any(|s| {
                s.hazards
                    .iter()
                    .any(|h| h.kind == HazardKind::NonTransactional)
            });
        Plan {
            steps,
            transactional,
        }
    }
}

/// `DROP TABLE` for `table`, undone (structure only) by `undo`, flagged as losing its rows.
pub(crate) fn drop_table(out: &mut Out, qualified: String, table: &str, undo: Option<String>) {
    out.push(
        format!("DROP TABLE {qualified}"),
        undo,
        vec![hazard(
            HazardKind::DataLoss,
            format!("drops table {table} with all its rows"),
        )],
    );
}

/// `ALTER TABLE t ADD COLUMN def` (the same in every dialect here), undone by dropping it.
pub(crate) fn add_column(
    out: &mut Out,
    sql: &Sql,
    t: &str,
    name: &str,
    def: &str,
    hazards: Vec<Hazard>,
) {
    out.push(
        format!("ALTER TABLE {t} ADD COLUMN {def}"),
        Some(format!("ALTER TABLE {t} DROP COLUMN {}", sql.ident(name))),
        hazards,
    );
}

/// `ALTER TABLE t DROP COLUMN`, undone (without its values) by adding `def` back.
pub(crate) fn drop_column(out: &mut Out, sql: &Sql, t: &str, table: &str, name: &str, def: &str) {
    out.push(
        format!("ALTER TABLE {t} DROP COLUMN {}", sql.ident(name)),
        Some(format!("ALTER TABLE {t} ADD COLUMN {def}")),
        vec![hazard(
            HazardKind::DataLoss,
            format!("drops column {table}.{name} and its values"),
        )],
    );
}

/// `ALTER TABLE t RENAME COLUMN`, undone by renaming back.
pub(crate) fn rename_column(out: &mut Out, sql: &Sql, t: &str, from: &str, to: &str) {
    let rename = |a: &str, b: &str| {
        format!(
            "ALTER TABLE {t} RENAME COLUMN {} TO {}",
            sql.ident(a),
            sql.ident(b)
        )
    };
    out.push(rename(from, to), Some(rename(to, from)), vec![]);
}

/// A hazard.
pub(crate) fn hazard(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
    }
}

/// `dialect` cannot carry out `what`, because `why`.
pub(crate) fn unsupported(
    dialect: &'static str,
    what: impl Into<String>,
    why: impl Into<String>,
) -> PlanError {
    PlanError::Unsupported {
        dialect,
        what: what.into(),
        why: why.into(),
    }
}
