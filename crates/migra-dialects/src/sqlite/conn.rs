//! Where the connection is: free for sqlx, or its SQLite handle held by this thread between
//! in-thread steps (see `direct.rs`).
//!
//! Taking the handle from sqlx's worker thread and giving it back costs two thread wake-ups;
//! paid once per step, that was about 0.3 ms per migration. So consecutive in-thread steps keep
//! it, and any other use of the connection gives it back first ([`Conn::get`]).

use super::backend::{Source, map_err};
use super::spin::wait_for;
use migra_core::BackendError;
use self_cell::{MutBorrow, self_cell};
use sqlx::sqlite::{LockedSqliteHandle, SqliteConnection};
use std::time::Duration;

type Locked<'a> = LockedSqliteHandle<'a>;

self_cell!(
    /// The connection with its handle taken from sqlx's worker thread.
    pub(super) struct Held {
        owner: MutBorrow<Source>,
        #[not_covariant]
        dependent: Locked,
    }
);

enum State {
    Free(Source),
    Held(Box<Held>),
    /// Only while the connection moves between the other two (never seen outside this file).
    Moving,
}

/// The backend's connection.
pub(super) struct Conn(State);

impl Conn {
    pub(super) fn new(source: Source) -> Self {
        Self(State::Free(source))
    }

    /// The connection, for sqlx (giving the handle back to sqlx's worker if this thread held it).
    pub(super) fn get(&mut self) -> &mut SqliteConnection {
        if matches!(self.0, State::Held(_))
            && let State::Held(held) = std::mem::replace(&mut self.0, State::Moving)
        {
            self.0 = State::Free(held.into_owner().into_inner());
        }
        match &mut self.0 {
            State::Free(source) => source.get(),
            State::Held(_) | State::Moving => unreachable!("the connection was freed above"),
        }
    }

    /// The connection with its handle held by this thread, taking it from sqlx's worker (and
    /// blocking this thread until the worker lets go: polling for up to `spin` first).
    ///
    /// Errors: the worker thread is gone (the connection is unusable).
    pub(super) fn hold(&mut self, spin: Option<Duration>) -> Result<&mut Held, BackendError> {
        if matches!(self.0, State::Free(_))
            && let State::Free(source) = std::mem::replace(&mut self.0, State::Moving)
        {
            let taken = Held::try_new_or_recover(MutBorrow::new(source), |owner| {
                wait_for(owner.borrow_mut().get().lock_handle(), spin)
            });
            match taken {
                Ok(held) => self.0 = State::Held(Box::new(held)),
                Err((owner, e)) => {
                    self.0 = State::Free(owner.into_inner());
                    return Err(map_err(e));
                }
            }
        }
        match &mut self.0 {
            State::Held(held) => Ok(held),
            State::Free(_) | State::Moving => unreachable!("the handle was taken above"),
        }
    }
}
