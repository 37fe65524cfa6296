//! A driver that panics (sqlx's `Row::get` does when a column does not decode as expected)
//! must not take the process down: reading a schema turns such a panic into an error, so the
//! caller's clean-up (a scratch database, a lock) still runs.

use futures_util::FutureExt;
use migra_core::BackendError;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Runs `f`; a panic inside it becomes [`BackendError::Inspect`] with the panic's message.
pub(crate) async fn guarded<T>(
    f: impl Future<Output = Result<T, BackendError>>,
) -> Result<T, BackendError> {
    match AssertUnwindSafe(f).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "the driver panicked".into());
            Err(BackendError::Inspect { message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    #[allow(clippy::panic)] // The test is about a panic.
    async fn a_panic_becomes_an_error() {
        let r: Result<(), BackendError> = guarded(async {
            let columns: Vec<i16> = Vec::new();
            // The shape of a decode panic: an index that is not there.
            let _ = columns
                .get(3)
                .copied()
                .ok_or(())
                .map_err(|()| "missing")
                .unwrap_or_else(|e| std::panic::panic_any(format!("ColumnDecode: {e}")));
            Ok(())
        })
        .await;
        let Err(BackendError::Inspect { message }) = r else {
            unreachable!("the panic is caught");
        };
        assert_eq!(message, "ColumnDecode: missing");
    }
}
