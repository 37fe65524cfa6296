//! Backups of data a migration destroys (`migra apply --backup`): before a statement that drops a
//! table or a column, its data is copied to a backup table, recorded in history (annotation kind
//! [`crate::AnnotationKind::Backup`]), and put back after the down part when the migration is
//! rolled back.

use serde::{Deserialize, Serialize};

/// A copy to make before one statement of a migration's up part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupAction {
    /// Sort key of the migration.
    pub sort_key: String,
    /// Index of the statement (in the up part) that destroys the data.
    pub statement: usize,
    /// What is destroyed: `table users` or `column users.email`.
    pub object: String,
    /// The backup table.
    pub backup_table: String,
    /// Statements making the copy (replacing a stale copy of the same name).
    pub copy: Vec<String>,
    /// Statements putting the data back once the down part re-created the structure; empty when
    /// it cannot be done automatically (a column of a table without a primary key).
    pub restore: Vec<String>,
    /// A query returning true once the restore took effect.
    pub verify: Option<String>,
}

/// What history records of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRecord {
    /// What was destroyed.
    pub object: String,
    /// The backup table.
    pub backup_table: String,
    /// Statements that put the data back (run by `migra rollback` after the down part).
    pub restore: Vec<String>,
    /// A query returning true once the restore took effect.
    #[serde(default)]
    pub verify: Option<String>,
    /// When the copy was made (RFC 3339, UTC).
    pub created_at: String,
    /// When a rollback last restored from it.
    pub restored_at: Option<String>,
}
