//! History writes that must be kept or lost together.

use crate::annotation::Annotation;
use crate::backend::Backend;
use crate::error::BackendError;
use crate::revision::{LogEntry, Revision};

/// Writes `annotations`, then `rev` and `log` when given, in one transaction of their own (never
/// called inside another): all of it is kept or none. [`Backend::record`]'s default, and how a
/// finished checkpoint goes with the state that moves past its statement.
///
/// Errors: a write or the commit fails; the transaction is then rolled back.
pub async fn write_together<B: Backend + ?Sized>(
    b: &mut B,
    annotations: &[&Annotation],
    rev: Option<&Revision>,
    log: Option<&LogEntry>,
) -> Result<(), BackendError> {
    b.begin().await?;
    let written = async {
        for a in annotations {
            b.put_annotation(a).await?;
        }
        if let Some(rev) = rev {
            b.write_revision(rev, false).await?;
        }
        if let Some(log) = log {
            b.append_log(log).await?;
        }
        Ok::<(), BackendError>(())
    }
    .await;
    match written {
        Ok(()) => b.commit().await,
        Err(e) => {
            let _ = b.rollback().await;
            Err(e)
        }
    }
}

/// Why [`Backend::execute_then_progress`] failed.
#[derive(Debug)]
pub enum ProgressFailure {
    /// The statement failed: nothing was written.
    Statement(BackendError),
    /// The statement ran; writing the progress after it failed.
    Progress(BackendError),
}

/// [`Backend::execute_then_progress`]'s default: the statement, then the write, one call each.
///
/// Errors: as [`Backend::execute_then_progress`].
pub async fn execute_then_progress_stepwise<B: Backend + ?Sized>(
    b: &mut B,
    sql: &str,
    progress: &Revision,
) -> Result<u64, ProgressFailure> {
    let rows = b.execute(sql).await.map_err(ProgressFailure::Statement)?;
    b.write_revision(progress, false)
        .await
        .map_err(ProgressFailure::Progress)?;
    Ok(rows)
}
