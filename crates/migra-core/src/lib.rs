//! # migra-core
//!
//! The dialect-neutral heart of migra: the schema model, typed changes and plans, migrations as
//! read from a directory (every supported layout, a statement splitter, checksums), history
//! records, and the traits (`Dialect`, `Backend`, `HistoryStore`, `Inspector`) that the executor,
//! the dialect plugins and the differ meet at. No I/O and no database drivers live here.

pub mod annotation;
pub mod apply;
pub mod backend;
pub mod backup;
pub mod batch;
pub mod change;
pub mod checks;
pub mod checksum;
pub mod client;
pub mod column_diff;
pub mod data_migration;
pub mod describe;
pub mod dialect;
pub mod digest;
pub mod drift;
pub mod error;
pub mod estimate;
pub mod gate;
pub mod hooks;
pub mod migration;
pub mod plan;
pub mod revision;
pub mod schema;
pub mod source;
pub mod split;
mod split_json;
#[cfg(feature = "proptest")]
pub mod strategy;
#[cfg(feature = "proptest")]
mod strategy_edit;
mod together;
pub mod version;
pub mod words;

pub use annotation::{Annotation, AnnotationKind, SqlValue};
pub use apply::{ApplyError, apply, apply_all, apply_table_changes};
pub use backend::{
    Backend, HistoryStore, Inspector, RunnerId, TableFingerprint, TxFailure, TxStep,
};
pub use backup::{BackupAction, BackupRecord};
pub use batch::{BATCH_PLACEHOLDER, BatchSpec, Checkpoint};
pub use change::{Change, ColumnAspect, TableChange};
pub use checks::{Assertion, Checks, When};
pub use checksum::{CHECKSUM_ALGORITHM, Checksum};
pub use column_diff::column_aspects;
pub use data_migration::{DataBatches, DataMigration, KeyRange};
pub use describe::describe;
pub use dialect::{Capabilities, Dialect, DialectId, LockKind};
pub use digest::{FileStamp, HistoryDigest};
pub use error::{BackendError, SourceError, SourceErrorKind};
pub use estimate::{Estimate, estimate};
pub use gate::{ApplyGate, Pending, Verdict};
pub use hooks::{DefaultHooks, DiffHooks, normalize_sql};
pub use migration::{Layout, Migration, Script, ScriptMode};
pub use plan::{Hazard, HazardKind, Plan, PlanError, Planner, Step};
pub use revision::{Fingerprint, LogAction, LogEntry, PROGRESS_UNKNOWN, Revision, RevisionStatus};
pub use source::{LoadOptions, SourceErrors, SourceFile, load};
pub use split::{SplitOptions, Statement};
pub use together::{ProgressFailure, execute_then_progress_stepwise, write_together};
pub use version::Version;

pub use async_trait::async_trait;
