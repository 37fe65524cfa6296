//! The check `apply` runs under its lock, after reading history and before changing anything:
//! migra's safety validator, or any other policy an embedding tool wants to enforce.

use crate::{Backend, BackendError, Migration};
use async_trait::async_trait;

/// One migration `apply` is about to run.
#[derive(Debug, Clone, Copy)]
pub struct Pending<'a> {
    /// The migration.
    pub migration: &'a Migration,
    /// Up statements already in effect (a half-applied migration being resumed); the rest run.
    pub done: usize,
    /// Its last run was interrupted (killed, not failed), so statement `done + 1` may have taken
    /// effect before the stop without its progress being written.
    pub interrupted: bool,
}

/// What a gate decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Run.
    Pass,
    /// Run, and write this note to the audit log with every migration applied (an override).
    PassWithNote(String),
    /// Run nothing.
    Refuse {
        /// Blocking problems found.
        blocking: usize,
        /// One line saying what they are (the gate reports details itself).
        summary: String,
    },
}

/// A check before `apply` runs anything. It sees the database in the state the run starts from,
/// with the run's lock held, so concurrent runners cannot change what it judged.
#[async_trait]
pub trait ApplyGate: Send {
    /// Judges `pending` (in run order) against the database behind `backend`; must not change it.
    ///
    /// Errors: reading the database fails (the run stops; nothing was applied).
    async fn check(
        &mut self,
        backend: &mut dyn Backend,
        pending: &[Pending<'_>],
    ) -> Result<Verdict, BackendError>;
}
