//! Failures and their exit codes: 1 a migration or connection failed; 2 bad usage or bad input
//! files; 3 refused for safety (drift, lock held, irreversible, half applied).

use migra::exec::{Drift, ExecutionResult};
use migra::{BackendError, ExecError, SourceErrors};
use serde::Serialize;

/// A command's failure, ready to print.
#[derive(Debug, Serialize)]
pub struct Failure {
    /// Process exit code.
    #[serde(skip)]
    pub exit: u8,
    /// Stable machine-readable kind.
    pub kind: &'static str,
    /// Message for people.
    pub message: String,
    /// Drift that caused a refusal.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<Drift>,
    /// What ran before a failure.
    #[serde(skip)]
    pub report: Option<Box<ExecutionResult>>,
    /// The command already printed its full report: only the exit code is left to give.
    #[serde(skip)]
    pub reported: bool,
}

impl Failure {
    fn new(exit: u8, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            exit,
            kind,
            message: message.into(),
            drift: Vec::new(),
            report: None,
            reported: false,
        }
    }

    /// The live schema differs from its migrations (exit 3); the report is already printed.
    pub fn drift_found(changes: usize) -> Self {
        Self {
            reported: true,
            ..Self::new(
                3,
                "schema_drift",
                format!("{changes} change(s) made outside migra"),
            )
        }
    }

    /// Validation found blocking findings (exit 3); the report is already printed.
    pub fn unsafe_migration(errors: usize) -> Self {
        Self {
            reported: true,
            ..Self::new(
                3,
                "unsafe_migration",
                format!("{errors} blocking finding(s)"),
            )
        }
    }

    /// A round trip of `migra verify` failed (exit 1); the report is already printed.
    pub fn verify_failed(failed: usize) -> Self {
        Self {
            reported: true,
            ..Self::new(
                1,
                "verify_failed",
                format!("{failed} migration(s) did not pass their round trip"),
            )
        }
    }

    /// Bad usage or configuration (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(2, "usage", message)
    }

    /// An I/O failure writing files (exit 1).
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(1, "io", message)
    }

    /// The same failure, its message prefixed with what was being done.
    pub fn context(mut self, doing: &str) -> Self {
        self.message = format!("{doing}: {}", self.message);
        self
    }
}

impl From<SourceErrors> for Failure {
    fn from(e: SourceErrors) -> Self {
        let message = match e.0.as_slice() {
            [one] => one.to_string(),
            many => format!(
                "{} problems in the migration files:\n{}",
                many.len(),
                many.iter()
                    .map(|p| format!("  - {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
        Self::new(2, "invalid_migrations", message)
    }
}

impl From<migra::diff::DiffError> for Failure {
    fn from(e: migra::diff::DiffError) -> Self {
        Self::new(2, "bad_rename", e.to_string())
    }
}

impl From<migra::core::PlanError> for Failure {
    fn from(e: migra::core::PlanError) -> Self {
        match &e {
            migra::core::PlanError::Unsupported { .. } => {
                Self::new(2, "unsupported", e.to_string())
            }
            _ => Self::new(1, "internal", e.to_string()),
        }
    }
}

impl From<BackendError> for Failure {
    fn from(e: BackendError) -> Self {
        let (exit, kind) = match &e {
            BackendError::InvalidUrl { .. } => (2, "invalid_url"),
            BackendError::Unsupported { .. } => (2, "unsupported"),
            BackendError::Connect { .. } => (1, "connection_failed"),
            BackendError::LockHeld { .. } => (3, "lock_held"),
            BackendError::LockLost { .. } => (3, "lock_lost"),
            BackendError::History { .. } => (1, "history_unreadable"),
            _ => (1, "database_error"),
        };
        Self::new(exit, kind, e.to_string())
    }
}

impl From<ExecError> for Failure {
    fn from(e: ExecError) -> Self {
        let message = e.to_string();
        match e {
            ExecError::Source(s) => s.into(),
            ExecError::Backend(b) => b.into(),
            ExecError::Drift { drift } => Self {
                drift,
                ..Self::new(3, "drift", message)
            },
            ExecError::Irreversible { .. } => Self::new(3, "irreversible", message),
            ExecError::HalfApplied { .. } => Self::new(3, "half_applied", message),
            ExecError::UnknownVersion { .. } => Self::new(2, "unknown_version", message),
            ExecError::RepairRefused { .. } => Self::new(2, "repair_refused", message),
            // The gate printed its findings; the exit code says "unsafe".
            ExecError::Refused { blocking, .. } => Self::unsafe_migration(blocking),
            ExecError::MigrationFailed { report, .. } => Self {
                report: Some(report),
                ..Self::new(1, "migration_failed", message)
            },
            _ => Self::new(1, "error", message),
        }
    }
}

impl From<migra::Error> for Failure {
    fn from(e: migra::Error) -> Self {
        match e {
            migra::Error::Source(s) => s.into(),
            migra::Error::Backend(b) => b.into(),
            migra::Error::Exec(x) => x.into(),
            other => Self::new(1, "failed", other.to_string()),
        }
    }
}
