//! Typed errors shared by every migra crate.

use std::fmt;

/// A problem with a migration file or directory: always names the file, and the line when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SourceError {
    /// Path of the offending file, relative to the migration directory (or as given).
    pub file: String,
    /// 1-based line number, when the problem is on one line.
    pub line: Option<u32>,
    /// What is wrong.
    pub kind: SourceErrorKind,
}

impl SourceError {
    /// Builds an error for `file` at an optional `line`.
    pub fn new(file: impl Into<String>, line: Option<u32>, kind: SourceErrorKind) -> Self {
        Self {
            file: file.into(),
            line,
            kind,
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

/// The kinds of [`SourceError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceErrorKind {
    /// The file is not valid UTF-8.
    #[error("file is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// Two migrations claim the same version.
    #[error("duplicate version {version}: also defined by {other}")]
    DuplicateVersion {
        /// The version both files claim.
        version: String,
        /// The other file with that version.
        other: String,
    },
    /// A `-- DIRECTION:`, `-- migrate:` or `-- migra:` marker that migra does not know.
    #[error("unknown marker `{marker}`{}", hint_suffix(.hint))]
    UnknownMarker {
        /// The marker as written.
        marker: String,
        /// What the known markers are.
        hint: Option<String>,
    },
    /// A marker appears twice where it may appear once.
    #[error("marker `{marker}` appears more than once (first on line {first_line})")]
    RepeatedMarker {
        /// The repeated marker.
        marker: String,
        /// Where it first appeared.
        first_line: u32,
    },
    /// The down marker comes before the up marker.
    #[error("`{down}` comes before `{up}`: the up part must come first")]
    DownBeforeUp {
        /// The down marker as written.
        down: String,
        /// The expected up marker.
        up: String,
    },
    /// No up marker in a file whose layout requires one.
    #[error("missing `{marker}` marker: a migration file must say where its up part starts")]
    MissingUpMarker {
        /// The marker that was expected.
        marker: String,
    },
    /// SQL appears before the up marker.
    #[error("SQL before the `{marker}` marker: put statements after it")]
    SqlBeforeUp {
        /// The up marker.
        marker: String,
    },
    /// The up part holds no statement.
    #[error("the up part is empty: a migration must do something")]
    EmptyUp,
    /// A quote, comment or dollar-quoted body is never closed.
    #[error("unterminated {what} starting here")]
    Unterminated {
        /// What was left open (`string`, `block comment`, `$tag$ body`, ...).
        what: String,
    },
    /// The file name does not fit the layout.
    #[error("file name does not fit the {layout} layout: {reason}")]
    BadFileName {
        /// The layout being read.
        layout: String,
        /// Why the name was rejected.
        reason: String,
    },
    /// The directory mixes layouts, or its layout cannot be told.
    #[error("{message}")]
    Layout {
        /// What is wrong with the directory as a whole.
        message: String,
    },
    /// A migration metadata file (Diesel `metadata.toml`) could not be read.
    #[error("invalid metadata: {message}")]
    Metadata {
        /// What the parser said.
        message: String,
    },
    /// The file or directory could not be read.
    #[error("cannot read: {message}")]
    Io {
        /// The operating system's message.
        message: String,
    },
    /// A `-- migra:` directive with arguments migra cannot use.
    #[error("invalid `-- migra:{directive}` directive: {reason}")]
    BadDirective {
        /// The directive's name (`batch`, `assert-after`, ...).
        directive: String,
        /// What is wrong and what a correct one looks like.
        reason: String,
    },
    /// A feature of the layout that migra does not support.
    #[error("unsupported: {what}")]
    Unsupported {
        /// What is not supported, and what to do instead.
        what: String,
    },
}

impl BackendError {
    /// True for [`BackendError::ConnectionLost`]: the session is gone, and
    /// [`crate::Backend::reconnect`] is the way to go on talking to the database.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, BackendError::ConnectionLost { .. })
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
}

/// An error from a database backend, with the driver's error boxed at the boundary.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// Could not connect (or the URL was unusable). The message never contains a password.
    #[error("cannot connect to {target}: {message}")]
    Connect {
        /// The database as shown to users (password removed).
        target: String,
        /// What failed.
        message: String,
    },
    /// The URL is malformed or names an unknown scheme.
    #[error("invalid database URL {url}: {reason}")]
    InvalidUrl {
        /// The URL as shown to users (password removed).
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A statement failed.
    #[error("{message}")]
    Statement {
        /// The database's error message.
        message: String,
        /// The database's error code, when it gave one.
        code: Option<String>,
    },
    /// The connection to the server broke (killed, server restarted, network lost): what was in
    /// flight may or may not have taken effect, and nothing more can be sent on it.
    #[error("lost the connection to the database: {message}")]
    ConnectionLost {
        /// What the driver or the server said.
        message: String,
    },
    /// Another runner holds the migration lock.
    #[error("migration lock is held by {holder} (since {since}); waited {waited_ms} ms")]
    LockHeld {
        /// Who holds it (host, process, owner id).
        holder: String,
        /// When they took it.
        since: String,
        /// How long this runner waited before giving up.
        waited_ms: u64,
    },
    /// This runner's lock was taken over (its lease expired) while it worked.
    #[error("migration lock was lost: {message}")]
    LockLost {
        /// What was found instead of our lock.
        message: String,
    },
    /// The history table exists but cannot be understood.
    #[error("history table {table} is not readable: {message}")]
    History {
        /// The history table.
        table: String,
        /// What is wrong.
        message: String,
    },
    /// The backend cannot do this.
    #[error("unsupported by {dialect}: {what}")]
    Unsupported {
        /// The dialect.
        dialect: String,
        /// What is not supported.
        what: String,
    },
    /// Reading the schema failed in a way the driver did not report as an error (it panicked
    /// on a column it could not decode).
    #[error("reading the schema failed: {message}")]
    Inspect {
        /// What went wrong.
        message: String,
    },
    /// Any other driver failure.
    #[error("database error: {0}")]
    Driver(#[source] Box<dyn std::error::Error + Send + Sync>),
}
