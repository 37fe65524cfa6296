//! What every planner shares: the list of steps it builds, hazards, and the unsupported error.

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
