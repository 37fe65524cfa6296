//! SQLite: the dialect (always), and the sqlx backend, history and lock (feature `sqlite`).

#[cfg(feature = "sqlite")]
mod backend;
#[cfg(feature = "sqlite")]
mod batch;
mod coalesce;
#[cfg(feature = "sqlite")]
mod conn;
#[cfg(feature = "sqlite")]
mod direct;
mod emit;
mod emit_table;
#[cfg(feature = "sqlite")]
mod history;
mod hooks;
#[cfg(feature = "sqlite")]
mod inspect;
#[cfg(feature = "sqlite")]
mod journal;
#[cfg(feature = "sqlite")]
mod lock;
#[cfg(feature = "sqlite")]
mod probe;
#[cfg(feature = "sqlite")]
mod spin;
#[cfg(feature = "sqlite")]
mod sqltext;
#[cfg(feature = "sqlite")]
mod stamp;

#[cfg(feature = "sqlite")]
pub use backend::{SqliteBackend, SqliteOptions};
#[cfg(feature = "sqlite")]
pub use stamp::file_stamp;

pub use emit::SqlitePlanner;
pub use hooks::SqliteHooks;

use migra_core::{
    Capabilities, Dialect, DialectId, LockKind, Planner, SplitOptions, dialect::quote_with,
};

/// SQLite's dialect.
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn verification_query(&self, change: &migra_core::Change) -> Option<String> {
        crate::checks::verification(self.id(), change)
    }
    fn id(&self) -> DialectId {
        DialectId::Sqlite
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            concurrent_index: false,
            alter_column_type: false,
            lock: LockKind::LockRow,
            history_digest: false,
        }
    }
    fn split_options(&self) -> SplitOptions {
        SplitOptions::SQLITE
    }
    fn quote_ident(&self, ident: &str) -> String {
        quote_with(ident, '"')
    }
    fn diff_hooks(&self) -> &dyn migra_core::DiffHooks {
        &SqliteHooks
    }
    fn planner(&self) -> Option<&dyn Planner> {
        Some(&SqlitePlanner)
    }
}
