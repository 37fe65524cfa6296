//! Plans: the statements a change set turns into, each with its reverse and its hazards.

use crate::change::Change;
use crate::schema::Database;
use serde::{Deserialize, Serialize};

/// An ordered list of steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// Whether the steps may run in one transaction.
    pub transactional: bool,
}

/// One statement, how to undo it, and what can go wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The statement.
    pub command: String,
    /// The statement that undoes it, when one exists.
    pub reverse: Option<String>,
    /// What running it risks.
    pub hazards: Vec<Hazard>,
}

/// A risk of running a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hazard {
    /// Kind.
    pub kind: HazardKind,
    /// Explanation for people.
    pub message: String,
}

/// Kinds of hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HazardKind {
    /// Data is deleted and the reverse cannot bring it back.
    DataLoss,
    /// The table is rewritten (time and space proportional to its size).
    TableRewrite,
    /// Takes a lock that blocks reads and writes.
    ExclusiveLock,
    /// Takes a lock that blocks writes.
    WriteLock,
    /// May fail on existing data.
    MayFail,
    /// Cannot run inside a transaction.
    NonTransactional,
}

impl HazardKind {
    /// The kind in words, for people (`data loss`, `table rewrite`, ...).
    pub fn label(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data loss",
            HazardKind::TableRewrite => "table rewrite",
            HazardKind::ExclusiveLock => "exclusive lock",
            HazardKind::WriteLock => "write lock",
            HazardKind::MayFail => "may fail",
            HazardKind::NonTransactional => "not in a transaction",
        }
    }
}

/// Turns typed changes into a dialect's statements.
pub trait Planner: Send + Sync {
    /// The statements for `changes` applied to the schema `from`, in order, each with its
    /// reverse (when one statement undoes it) and its hazards. `from` is what a planner that
    /// rebuilds tables (SQLite) needs to know about the tables it rebuilds.
    ///
    /// Errors: [`PlanError::Unsupported`] for a change the dialect cannot carry out (a plan is
    /// complete or not returned); [`PlanError::Inconsistent`] when `changes` do not fit `from`.
    fn plan(&self, from: &Database, changes: &[Change]) -> Result<Plan, PlanError>;
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The dialect cannot carry out this change.
    #[error("{dialect} cannot {what}: {why}")]
    Unsupported {
        /// Dialect name.
        dialect: &'static str,
        /// The change, in words (`remove a value from enum public.mood`).
        what: String,
        /// Why, and what to do instead.
        why: String,
    },
    /// The changes do not fit the schema they are planned against.
    #[error("the changes do not fit the schema: {0}")]
    Inconsistent(String),
}
