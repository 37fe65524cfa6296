//! # migra
//!
//! Safe, repeatable database schema migrations. This facade re-exports migra's crates, opens a
//! backend from a URL, and embeds a migration directory in your binary:
//!
//! ```no_run
//! # async fn start() -> Result<(), migra::Error> {
//! static MIGRATIONS: migra::EmbeddedMigrations = migra::embed_migrations!("../../examples/startup-app/migrations");
//! let result = migra::Migrator::new(&MIGRATIONS).run("sqlite://app.db").await?;
//! println!("{} migration(s) applied", result.steps_completed);
//! # Ok(()) }
//! ```
//!
//! Cargo rebuilds when an embedded file changes. To also rebuild when a file is *added*, put
//! `println!("cargo:rerun-if-changed=migrations");` in your `build.rs`.

pub mod backup;
mod connect;
mod embed;
mod migrator;
pub mod probe;
pub mod rollback_plan;
pub mod scratch;
pub mod verify;

pub use connect::{ConnectOptions, connect, dialect_of_url, file_stamp};
pub use embed::{EmbeddedFile, EmbeddedMigrations};
pub use migra_macros::embed_migrations;
pub use migrator::{Error, Migrator};

pub use migra_core as core;
pub use migra_dialects as dialects;
pub use migra_diff as diff;
pub use migra_exec as exec;
pub use migra_validate as validate;

pub use migra_core::{
    Backend, BackendError, DialectId, Layout, LoadOptions, Migration, SourceErrors,
};
pub use migra_exec::{
    ExecError, ExecutionResult, Executor, PlanReport, RollbackTarget, RunOptions, StatusReport,
};

/// The dialect for `id` (capabilities, quoting, lexical rules).
pub fn dialect(id: DialectId) -> &'static dyn migra_core::Dialect {
    migra_dialects::dialect(id)
}
