//! # migra-diff
//!
//! One generic, deterministic differ: two [`Database`]s in, ordered [`Change`]s out. Dialect
//! quirks come in only through [`DiffHooks`]; renames only through [`Renames`] hints.
//!
//! The order is one that a database can carry out:
//! new namespaces; views that go or change are dropped; foreign keys that go or change are
//! dropped; enums and sequences are created or changed; new tables are created (those they
//! reference first; a reference that would close a cycle is added at the end); existing tables
//! are changed; tables are dropped (referencing ones first); foreign keys are added; views are
//! created (views they read first); sequences, enums and namespaces are dropped. Within a phase
//! objects come by namespace and name, so equal inputs give byte-equal output.
//!
//! Column order is not compared: `ADD COLUMN` appends, and no database here reorders columns in
//! place. A table the target has that the source lacks is created with the target's order.
//!
//! ```
//! use migra_core::schema::{Database, Namespace, Table};
//! use migra_core::{Change, DefaultHooks};
//!
//! let empty = Database { namespaces: vec![Namespace { name: "public".into(), ..Default::default() }], ..Default::default() };
//! let mut target = empty.clone();
//! target.namespaces[0].tables.push(Table { name: "users".into(), ..Default::default() });
//! let changes = migra_diff::diff(&empty, &target, &migra_diff::DiffOptions::new(&DefaultHooks)).unwrap();
//! assert!(matches!(&changes[..], [Change::AddTable { table, .. }] if table.name == "users"));
//! ```

mod assemble;
mod order;
mod renames;
mod table;

pub use renames::Renames;

use migra_core::schema::Database;
use migra_core::{Change, DiffHooks};

/// What the differ needs besides the two schemas.
#[derive(Clone, Copy)]
pub struct DiffOptions<'a> {
    /// The dialect's equality hooks.
    pub hooks: &'a dyn DiffHooks,
    /// Rename hints; `None` means none.
    pub renames: Option<&'a Renames>,
}

impl<'a> DiffOptions<'a> {
    /// Options with `hooks` and no rename hints.
    pub fn new(hooks: &'a dyn DiffHooks) -> Self {
        DiffOptions {
            hooks,
            renames: None,
        }
    }
}

/// Why a diff cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// A rename hint names something absent from the side it should be on.
    #[error("rename {from} -> {to}: {why}")]
    RenameMismatch {
        /// Old qualified name.
        from: String,
        /// New qualified name.
        to: String,
        /// What is missing or already there.
        why: String,
    },
    /// A rename hint is malformed.
    #[error("bad rename hint {hint:?}: {why}")]
    BadRename {
        /// The hint as given.
        hint: String,
        /// What is wrong with it.
        why: String,
    },
}

/// The changes that turn `from` into `to`, in an order a database can carry out (see the crate
/// docs). `diff(a, a)` is empty. Objects listed as unmodelled are not compared.
///
/// Errors: [`DiffError::RenameMismatch`] when a rename hint does not fit the two schemas.
pub fn diff(
    from: &Database,
    to: &Database,
    opts: &DiffOptions<'_>,
) -> Result<Vec<Change>, DiffError> {
    assemble::diff(from, to, opts)
}
