//! MongoDB. The dialect data and its migration format (JSON command documents) exist; the
//! backend is not written yet.

use migra_core::{Capabilities, Dialect, DialectId, LockKind, SplitOptions, dialect::quote_with};

/// MongoDB's dialect (collections, indexes, validators).
pub struct MongoDialect;

impl Dialect for MongoDialect {
    fn id(&self) -> DialectId {
        DialectId::Mongodb
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: false,
            concurrent_index: true,
            alter_column_type: false,
            lock: LockKind::LockDocument,
            history_digest: false,
        }
    }
    fn split_options(&self) -> SplitOptions {
        SplitOptions::MONGODB
    }
    fn quote_ident(&self, ident: &str) -> String {
        quote_with(ident, '"')
    }
}
