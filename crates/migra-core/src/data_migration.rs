//! Data migrations written in Rust, for transformations SQL cannot express. They run like a
//! batched statement: one key range per transaction, each committed with its checkpoint, so a
//! killed run resumes at the next batch; `validate` decides whether the result stands.

use crate::backend::Backend;
use crate::error::BackendError;
use async_trait::async_trait;

/// The key range of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRange {
    /// Keys above this one (`None`: from the smallest).
    pub after: Option<i64>,
    /// Keys up to and including this one.
    pub upto: i64,
    /// The range as a SQL condition on the quoted key column (`"id" > 5 AND "id" <= 10`), to put
    /// in a `WHERE`.
    pub condition: String,
}

/// What a data migration walks: a table's integer key, in batches of `size` rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataBatches {
    /// The table (`name` or `schema.name`, unquoted parts).
    pub table: Vec<String>,
    /// Its integer key column.
    pub key: String,
    /// Rows per batch.
    pub size: u64,
}

/// A data migration in Rust (see the module docs). `db` is the migration's connection, inside the
/// batch's transaction: use [`Backend::execute`], [`Backend::query_value`] and
/// [`Backend::query_rows`].
#[async_trait]
pub trait DataMigration: Send + Sync {
    /// Its version (identity in history and order among data migrations).
    fn version(&self) -> &str;
    /// Its name.
    fn name(&self) -> &str;
    /// The key range it walks.
    fn batches(&self) -> DataBatches;
    /// Transforms the rows of one key range; returns the rows changed.
    ///
    /// Errors: any; the batch's transaction is rolled back and the run stops (transient errors
    /// such as lock timeouts are retried first).
    async fn up(&self, db: &mut dyn Backend, range: &KeyRange) -> Result<u64, BackendError>;
    /// Undoes `up` for one key range. Default: not reversible.
    ///
    /// Errors: as `up`; the default returns [`BackendError::Unsupported`].
    async fn down(&self, db: &mut dyn Backend, range: &KeyRange) -> Result<u64, BackendError> {
        let _ = (db, range);
        Err(BackendError::Unsupported {
            dialect: String::new(),
            what: format!("data migration {} has no down", self.name()),
        })
    }
    /// Checks the result once every batch ran; `false` fails the migration (its batches stay
    /// committed: run `down` to undo them). Default: passes.
    ///
    /// Errors: the check's queries fail.
    async fn validate(&self, db: &mut dyn Backend) -> Result<bool, BackendError> {
        let _ = db;
        Ok(true)
    }
}
