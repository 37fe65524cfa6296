//! MySQL and MariaDB: the dialect (always), and the sqlx backend, history and lock row (feature
//! `mysql`).

#[cfg(feature = "mysql")]
mod backend;
mod emit;
mod emit_table;
#[cfg(feature = "mysql")]
mod heartbeat;
#[cfg(feature = "mysql")]
mod history;
mod hooks;
#[cfg(feature = "mysql")]
mod inspect;
#[cfg(feature = "mysql")]
mod lock;
#[cfg(feature = "mysql")]
mod probe;
#[cfg(feature = "mysql")]
mod record;
#[cfg(feature = "mysql")]
mod session;

#[cfg(feature = "mysql")]
pub use backend::{MysqlBackend, MysqlOptions};

pub use emit::MysqlPlanner;
pub use hooks::MysqlHooks;

use migra_core::{
    Capabilities, Dialect, DialectId, LockKind, Planner, SplitOptions, dialect::quote_with,
};

/// MySQL's and MariaDB's dialect.
pub struct MysqlDialect;

impl Dialect for MysqlDialect {
    fn verification_query(&self, change: &migra_core::Change) -> Option<String> {
        crate::checks::verification(self.id(), change)
    }
    fn id(&self) -> DialectId {
        DialectId::Mysql
    }
    fn capabilities(&self) -> Capabilities {
        // DDL commits implicitly: no transactional DDL. The lock is a committed row so that it
        // also holds on multi-primary clusters (Galera), where GET_LOCK is per node.
        Capabilities {
            transactional_ddl: false,
            concurrent_index: false,
            alter_column_type: true,
            lock: LockKind::LockRow,
            history_digest: true,
        }
    }
    fn split_options(&self) -> SplitOptions {
        SplitOptions::MYSQL
    }
    fn quote_ident(&self, ident: &str) -> String {
        quote_with(ident, '`')
    }
    fn diff_hooks(&self) -> &dyn migra_core::DiffHooks {
        &MysqlHooks
    }
    fn planner(&self) -> Option<&dyn Planner> {
        Some(&MysqlPlanner)
    }
}
