//! # migra-exec
//!
//! The executor: `plan`, `apply`, `rollback` and `status` for a directory of migrations against
//! any [`migra_core::Backend`], with a lock against concurrent runners, drift detection, dry runs,
//! and history written in the migration's own transaction where the database allows it.
//!
//! It never names a driver: backends come from `migra-dialects`.

mod batch;
mod data;
mod digestcache;
mod dircache;
mod error;
mod executor;
mod fsource;
mod guards;
mod recover;
mod repair;
mod result;
mod resume;
mod rollback;
mod runner;
mod running;
mod status;
mod step;
mod units;

pub use batch::BatchOptions;
pub use data::DataState;
pub use digestcache::{remember_digest, remembered_digest};
pub use dircache::{DirSummary, SETTLE, dir_summary_cached, load_dir_cached};
pub use error::ExecError;
pub use executor::{Executor, RollbackTarget, RunOptions};
pub use fsource::read_dir;
pub use guards::CheckResult;
pub use repair::RepairMark;
pub use result::{Direction, Event, ExecutionResult, StepError, StepRecord};
pub use runner::{current_runner, now_rfc3339};
pub use running::{BatchProgress, RunningMigration, running};
pub use status::{AppliedItem, Drift, PendingItem, PlanReport, Progress, StatusReport, compare};

use migra_core::{LoadOptions, Migration, SourceErrors};
use std::path::Path;

/// Reads and parses the migration directory at `dir`.
///
/// Errors: every problem found, each naming its file and line.
pub fn load_dir(dir: &Path, opts: &LoadOptions) -> Result<Vec<Migration>, SourceErrors> {
    let files = read_dir(dir).map_err(|e| SourceErrors(vec![e]))?;
    migra_core::load(&files, opts)
}
