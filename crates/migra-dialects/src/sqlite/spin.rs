//! Waiting on sqlx's SQLite worker thread without sleeping (see [`super::SqliteOptions::spin`]).

use futures_util::StreamExt;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The output of `fut`, polled without sleeping for up to `spin` (yielding the core between
/// polls), then awaited as usual.
pub(super) async fn spin_until<F: Future>(fut: F, spin: Option<Duration>) -> F::Output {
    let mut fut = pin!(fut);
    if let Some(spin) = spin {
        let start = Instant::now();
        loop {
            // The context is not `Send`: it must not live across the await below.
            let polled = {
                let mut cx = Context::from_waker(Waker::noop());
                fut.as_mut().poll(&mut cx)
            };
            match polled {
                Poll::Ready(out) => return out,
                Poll::Pending if start.elapsed() < spin => std::thread::yield_now(),
                Poll::Pending => break,
            }
        }
    }
    fut.await
}

/// The next item of `s`, as [`spin_until`].
pub(super) async fn next_spinning<S: futures_util::Stream + Unpin>(
    s: &mut S,
    spin: Option<Duration>,
) -> Option<S::Item> {
    spin_until(s.next(), spin).await
}

/// Blocks this thread on `fut` (which another thread completes): polled without sleeping for
/// up to `spin`, then parked until woken.
pub(super) fn wait_for<F: Future>(fut: F, spin: Option<Duration>) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut fut = pin!(fut);
    let start = Instant::now();
    let waker = Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    loop {
        let spinning = spin.is_some_and(|s| start.elapsed() < s);
        let polled = if spinning {
            fut.as_mut().poll(&mut Context::from_waker(Waker::noop()))
        } else {
            fut.as_mut().poll(&mut Context::from_waker(&waker))
        };
        match polled {
            Poll::Ready(out) => return out,
            Poll::Pending if spinning => std::thread::yield_now(),
            Poll::Pending => std::thread::park(),
        }
    }
}
