//! PostgreSQL: the dialect (always), and the sqlx backend, history and advisory lock (feature
//! `postgres`).

#[cfg(feature = "postgres")]
mod backend;
#[cfg(feature = "postgres")]
mod cic;
#[cfg(feature = "postgres")]
mod copy;
mod emit;
mod emit_table;
#[cfg(feature = "postgres")]
mod history;
mod hooks;
#[cfg(feature = "postgres")]
mod inspect;
#[cfg(feature = "postgres")]
mod literal;
#[cfg(feature = "postgres")]
mod lock;
#[cfg(feature = "postgres")]
mod probe;
#[cfg(feature = "postgres")]
mod tx;

#[cfg(feature = "postgres")]
pub use backend::{PostgresBackend, PostgresOptions};

pub use emit::PostgresPlanner;
pub use hooks::PostgresHooks;
pub(crate) use hooks::strip_casts;

use migra_core::{
    Capabilities, Dialect, DialectId, LockKind, Planner, SplitOptions, dialect::quote_with,
};

/// PostgreSQL's dialect.
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn verification_query(&self, change: &migra_core::Change) -> Option<String> {
        crate::checks::verification(self.id(), change)
    }
    fn id(&self) -> DialectId {
        DialectId::Postgres
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            concurrent_index: true,
            alter_column_type: true,
            lock: LockKind::AdvisoryLock,
            history_digest: true,
        }
    }
    fn split_options(&self) -> SplitOptions {
        SplitOptions::POSTGRES
    }
    fn quote_ident(&self, ident: &str) -> String {
        quote_with(ident, '"')
    }
    fn diff_hooks(&self) -> &dyn migra_core::DiffHooks {
        &PostgresHooks
    }
    fn planner(&self) -> Option<&dyn Planner> {
        Some(&PostgresPlanner)
    }
}
