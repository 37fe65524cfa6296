//! The migration lock in SQLite: one row in `<table>_lock`, written under `BEGIN IMMEDIATE`
//! (compare-and-set), with an owner and a lease. A lock whose lease expired, or whose holder
//! process on this host is gone, is taken over; a live runner extends its lease as it works.

use super::backend::{SqliteBackend, map_err};
use migra_core::{BackendError, RunnerId};
use sqlx::{AssertSqlSafe, Row};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Lease bookkeeping of this connection.
pub(super) struct LockState {
    lease: Duration,
    last_refresh: Option<Instant>,
}

impl LockState {
    pub fn new(lease: Duration) -> Self {
        Self {
            lease,
            last_refresh: None,
        }
    }
}

struct Holder {
    owner: String,
    holder: String,
    host: String,
    pid: i64,
    since: String,
    expires_at_ms: i64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// True when the process is known to be gone (only checkable for this host, on Linux).
fn process_gone(pid: i64) -> bool {
    cfg!(target_os = "linux") && pid > 0 && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

pub(super) async fn acquire(
    b: &mut SqliteBackend,
    runner: &RunnerId,
    wait: Duration,
) -> Result<(), BackendError> {
    let create = b.tables.create_lock.clone();
    b.raw(&create).await?;
    let t0 = Instant::now();
    let mut delay = Duration::from_millis(20);
    loop {
        let holder = match try_acquire(b, runner).await {
            Ok(None) => {
                b.lock.last_refresh = Some(Instant::now());
                b.keep_journal().await;
                return Ok(());
            }
            Ok(Some(h)) => Some(h),
            // Another connection holds SQLite's write lock (busy_timeout ran out): still held.
            Err(BackendError::Statement { code: Some(c), .. }) if c == "5" || c == "517" => None,
            Err(e) => return Err(e),
        };
        if t0.elapsed() >= wait {
            let (who, since) = match holder {
                Some(h) => (format!("{} (owner {})", h.holder, h.owner), h.since),
                None => (
                    "another connection writing to the database".to_string(),
                    "unknown".to_string(),
                ),
            };
            return Err(BackendError::LockHeld {
                holder: who,
                since,
                waited_ms: t0.elapsed().as_millis() as u64,
            });
        }
        let left = wait.saturating_sub(t0.elapsed());
        tokio::time::sleep(delay.min(left)).await;
        delay = (delay * 2).min(Duration::from_millis(250));
    }
}

/// One compare-and-set attempt. `Ok(None)` = acquired; `Ok(Some(holder))` = held by someone live.
async fn try_acquire(
    b: &mut SqliteBackend,
    runner: &RunnerId,
) -> Result<Option<Holder>, BackendError> {
    b.raw("BEGIN IMMEDIATE").await?;
    let r = cas(b, runner).await;
    let end = match &r {
        Ok(None) => b.raw("COMMIT").await,
        _ => b.raw("ROLLBACK").await,
    };
    match (r, end) {
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(e),
        (Ok(h), Ok(_)) => Ok(h),
    }
}

async fn cas(b: &mut SqliteBackend, runner: &RunnerId) -> Result<Option<Holder>, BackendError> {
    let sql = b.tables.lock_select.clone();
    let row = sqlx::query(AssertSqlSafe(sql))
        .fetch_optional(b.conn())
        .await
        .map_err(map_err)?;
    let current = row
        .map(|r| -> Result<Holder, sqlx::Error> {
            Ok(Holder {
                owner: r.try_get(0)?,
                holder: r.try_get(1)?,
                host: r.try_get(2)?,
                pid: r.try_get(3)?,
                since: r.try_get(4)?,
                expires_at_ms: r.try_get(5)?,
            })
        })
        .transpose()
        .map_err(map_err)?;
    let now = now_ms();
    if let Some(h) = current {
        let ours = h.owner == runner.id;
        let expired = h.expires_at_ms < now;
        let dead = h.host == runner.host && process_gone(h.pid);
        if !(ours || expired || dead) {
            return Ok(Some(h));
        }
    }
    let sql = b.tables.lock_upsert.clone();
    sqlx::query(AssertSqlSafe(sql))
        .bind(&runner.id)
        .bind(&runner.display)
        .bind(&runner.host)
        .bind(i64::from(runner.pid))
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .bind(now + b.lock.lease.as_millis() as i64)
        .execute(b.conn())
        .await
        .map_err(map_err)?;
    Ok(None)
}

/// Extends the lease when a quarter of it has passed; fails if another runner took the lock.
pub(super) async fn refresh(b: &mut SqliteBackend, runner: &RunnerId) -> Result<(), BackendError> {
    if b.lock
        .last_refresh
        .is_some_and(|t| t.elapsed() < b.lock.lease / 4)
    {
        return Ok(());
    }
    let sql = b.tables.lock_refresh.clone();
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(now_ms() + b.lock.lease.as_millis() as i64)
        .bind(&runner.id)
        .execute(b.conn())
        .await
        .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(BackendError::LockLost { message: "the lock row no longer names this runner (lease expired and another runner took over)".into() });
    }
    b.lock.last_refresh = Some(Instant::now());
    Ok(())
}

pub(super) async fn release(b: &mut SqliteBackend, runner: &RunnerId) -> Result<(), BackendError> {
    let sql = b.tables.lock_delete.clone();
    let deleted = sqlx::query(AssertSqlSafe(sql))
        .bind(&runner.id)
        .execute(b.conn())
        .await
        .map_err(map_err);
    b.drop_journal().await;
    deleted?;
    b.lock.last_refresh = None;
    Ok(())
}

impl SqliteBackend {
    /// True when a quarter of the lease has passed since it was last extended.
    fn lease_due(&self) -> bool {
        self.lock
            .last_refresh
            .is_none_or(|t| t.elapsed() >= self.lock.lease / 4)
    }

    /// The lease's new expiry (ms since the epoch) when it is due for extension, else `None`.
    pub(super) fn lease_until(&self) -> Option<i64> {
        self.lease_due()
            .then(|| now_ms() + self.lock.lease.as_millis() as i64)
    }

    /// Notes that the lease was just extended (by a batched step).
    pub(super) fn lease_extended(&mut self) {
        self.lock.last_refresh = Some(Instant::now());
    }
}
