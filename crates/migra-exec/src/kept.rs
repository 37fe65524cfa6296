//! A rollback that could not undo everything: a table that keeps changes outside transactions
//! (MySQL's MyISAM, Aria, MEMORY) kept what the migration did to it
//! ([`Backend::take_incomplete_rollback`]). How much of the migration is in effect is then
//! unknown: history says so ([`PROGRESS_UNKNOWN`]), and no run resumes it until `migra repair`.

use super::{Ctx, Failure};
use crate::result::Direction;
use migra_core::{Backend, BackendError, PROGRESS_UNKNOWN, RevisionStatus};

/// `error` saying that the rollback kept changes, as it is recorded and reported.
fn kept_error(error: &BackendError) -> BackendError {
    let code = match error {
        BackendError::Statement { code, .. } => code.clone(),
        _ => None,
    };
    BackendError::Statement {
        code,
        message: format!(
            "{error}; {}: make the database match one side by hand and record it with `migra repair`",
            crate::resume::KEPT
        ),
    }
}

impl Ctx<'_> {
    /// `f`, which a rollback that kept changes followed, recorded with the progress unknown
    /// (going up or down) and saying so; a refusal is returned as it is.
    pub(super) async fn kept_failure(&self, backend: &mut dyn Backend, f: Failure) -> Failure {
        let (f, sql) = match f {
            Failure::Statement { index, sql, error } => {
                let error = kept_error(&error);
                let f = Failure::Statement {
                    index,
                    sql: sql.clone(),
                    error,
                };
                (f, Some(sql))
            }
            Failure::Backend(e) => (Failure::Backend(kept_error(&e)), None),
            refused @ Failure::Refused(_) => return refused,
        };
        if let Failure::Statement { error, .. } | Failure::Backend(error) = &f {
            self.record_kept(backend, error, sql.as_deref()).await;
        }
        f
    }

    /// Records `error` of statement `sql` (`None`: it came from bookkeeping or transaction
    /// control) with the progress unknown.
    async fn record_kept(
        &self,
        backend: &mut dyn Backend,
        error: &BackendError,
        sql: Option<&str>,
    ) {
        let status = match self.direction {
            Direction::Up => RevisionStatus::Partial,
            Direction::Down => RevisionStatus::RollbackPartial,
        };
        let failing = sql.unwrap_or_default();
        let mut rev = self.revision(status, 0, Some((error, failing)));
        rev.progress_checksum = Some(PROGRESS_UNKNOWN.to_string());
        rev.failing_statement = sql.map(str::to_string);
        let mut log = self.log(migra_core::LogAction::Failure, Some((error, failing)));
        log.failing_statement = sql.map(str::to_string);
        self.write_failure(backend, Some(&rev), &log).await;
    }
}
