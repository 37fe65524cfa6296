//! Plans: the statements a change set turns into, each with its reverse and its hazards.

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
