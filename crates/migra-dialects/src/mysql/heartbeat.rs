//! While a runner holds the MySQL lock, a task on a connection of its own extends the lease
//! every quarter of it. The runner's own connection can only extend it between statements, so
//! without this a statement that runs longer than the lease (an `ALTER TABLE` copying a big
//! table) would let another runner take the lock over from a live one.

use super::backend::{MysqlBackend, open};
use super::lock::extend;
use migra_core::{BackendError, RunnerId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The running extension task; dropping it stops the task (and closes its connection).
pub(super) struct Heartbeat {
    task: tokio::task::JoinHandle<()>,
    lost: Arc<AtomicBool>,
}

impl Heartbeat {
    /// Opens a connection like `b`'s and starts extending `runner`'s lease on it.
    ///
    /// Errors: the connection cannot be opened.
    pub(super) async fn start(b: &MysqlBackend, runner: &RunnerId) -> Result<Self, BackendError> {
        let (options, target, limit) = (b.options.clone(), b.target.clone(), b.connect_timeout);
        let mut conn = Some(open(&options, &target, limit).await?);
        let (sql, owner, lease) = (b.tables.lock_refresh.clone(), runner.id.clone(), b.lease);
        let lost = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&lost);
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 4).await;
                // A connection the server ended (wait_timeout, a restart) is opened again.
                let c = match conn.as_mut() {
                    Some(c) => c,
                    None => match open(&options, &target, limit).await {
                        Ok(c) => conn.insert(c),
                        Err(_) => continue,
                    },
                };
                match extend(c, &sql, &owner, lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        flag.store(true, Ordering::SeqCst);
                        return;
                    }
                    // Tried again at the next tick (the runner's own extensions go on
                    // meanwhile): a Galera write conflict as it is, a broken session anew.
                    Err(e) => {
                        if crate::faults::connection_gone(&e) {
                            conn = None;
                        }
                    }
                }
            }
        });
        Ok(Self { task, lost })
    }

    /// True once an extension found the lock row naming another runner.
    pub(super) fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.task.abort();
    }
}
