//! `--rollback-on-failure`: when a migration that ran outside a transaction fails, run its down
//! part so the database is not left half-way, and say so in `rollback_triggered`.

use crate::error::ExecError;
use crate::result::{Direction, ExecutionResult};
use crate::step;
use migra_core::{Backend, Migration, RunnerId};

/// True when `m`'s up part ran outside a transaction (so a failure left part of it in effect).
pub(crate) fn ran_outside_transaction(b: &dyn Backend, m: &Migration, start_at: usize) -> bool {
    step::stepwise(m, &m.up, start_at, b)
}

/// Runs `m`'s down part after its up part failed with `err`; returns `err` saying what happened.
pub(crate) async fn roll_back(
    b: &mut dyn Backend,
    runner: &RunnerId,
    m: &Migration,
    hooks: step::Hooks<'_, '_>,
    err: ExecError,
) -> ExecError {
    let ExecError::MigrationFailed {
        version,
        name,
        message,
        line,
        mut report,
    } = err
    else {
        return err;
    };
    let mut scratch = ExecutionResult::new(Direction::Down, false);
    let outcome = match &m.down {
        None => Err(format!(
            "it has no down part ({})",
            m.irreversible_reason.clone().unwrap_or_default()
        )),
        Some(_) => step::run(b, runner, m, (Direction::Down, hooks), 0, &mut scratch)
            .await
            .map_err(|e| e.to_string()),
    };
    let message = match outcome {
        Ok(_) => {
            report.rollback_triggered = true;
            format!(
                "{message} (--rollback-on-failure: its down part ran; the migration is pending again)"
            )
        }
        Err(why) => {
            format!("{message} (--rollback-on-failure: the down part could not run: {why})")
        }
    };
    ExecError::MigrationFailed {
        version,
        name,
        message,
        line,
        report,
    }
}
