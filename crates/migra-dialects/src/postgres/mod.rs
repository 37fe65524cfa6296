//! PostgreSQL. Only the dialect data exists today; the backend is not written yet.

use migra_core::{Capabilities, Dialect, DialectId, LockKind, SplitOptions, dialect::quote_with};

/// PostgreSQL's dialect.
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn id(&self) -> DialectId {
        DialectId::Postgres
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            concurrent_index: true,
            alter_column_type: true,
            lock: LockKind::AdvisoryLock,
        }
    }
    fn split_options(&self) -> SplitOptions {
        SplitOptions::POSTGRES
    }
    fn quote_ident(&self, ident: &str) -> String {
        quote_with(ident, '"')
    }
}
