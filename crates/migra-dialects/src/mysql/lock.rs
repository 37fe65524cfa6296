//! The migration lock in MySQL/MariaDB: one committed row in `<table>_lock` with an owner and a
//! lease, taken by compare-and-set (insert, or take over an expired or dead holder's row with
//! `UPDATE ... WHERE owner = <the owner seen>`). `GET_LOCK` is not used: it is local to one
//! server, so on a multi-primary cluster (Galera) two nodes could both hold it. On Galera a
//! conflicting write aborts at commit with a deadlock error (SQLSTATE 40001): that means "lost
//! the race", and the runner tries again.

use super::backend::{MysqlBackend, map_err};
use super::heartbeat::Heartbeat;
use migra_core::{BackendError, RunnerId};
use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Row};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// True when the process is known to be gone (only checkable for this host, on Linux).
fn process_gone(pid: i64) -> bool {
    cfg!(target_os = "linux") && pid > 0 && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

struct Holder {
    owner: String,
    holder: String,
    since: String,
}

enum Attempt {
    Acquired,
    Held(Holder),
    /// Lost a race (another runner changed the row first): try again at once.
    Raced,
}

pub(super) async fn acquire(
    b: &mut MysqlBackend,
    runner: &RunnerId,
    wait: Duration,
) -> Result<(), BackendError> {
    let create = b.tables.create_lock.clone();
    b.raw(&create).await?;
    let t0 = Instant::now();
    let mut delay = Duration::from_millis(20);
    loop {
        match attempt(b, runner).await? {
            Attempt::Acquired => {
                b.last_refresh = Some(Instant::now());
                // Without a second connection (the server's connection limit), the lease is
                // still extended between statements.
                b.heartbeat = Heartbeat::start(b, runner).await.ok();
                return Ok(());
            }
            Attempt::Raced => continue,
            Attempt::Held(h) if t0.elapsed() >= wait => {
                return Err(BackendError::LockHeld {
                    holder: format!("{} (owner {})", h.holder, h.owner),
                    since: h.since,
                    waited_ms: t0.elapsed().as_millis() as u64,
                });
            }
            Attempt::Held(_) => {
                tokio::time::sleep(delay.min(wait.saturating_sub(t0.elapsed()))).await;
                delay = (delay * 2).min(Duration::from_millis(250));
            }
        }
    }
}

fn raced(e: &BackendError) -> bool {
    // 23000: the row was inserted by someone else; 40001: Galera certification / deadlock.
    matches!(e, BackendError::Statement { code: Some(c), .. } if c == "23000" || c == "40001")
}

async fn attempt(b: &mut MysqlBackend, runner: &RunnerId) -> Result<Attempt, BackendError> {
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let expires = now_ms() + b.lease.as_millis() as i64;
    let inserted = sqlx::query(AssertSqlSafe(b.tables.lock_insert.clone()))
        .bind(&runner.id)
        .bind(&runner.display)
        .bind(&runner.host)
        .bind(i64::from(runner.pid))
        .bind(&since)
        .bind(expires)
        .execute(&mut b.conn)
        .await
        .map_err(map_err);
    match inserted {
        Ok(_) => return Ok(Attempt::Acquired),
        Err(e) if raced(&e) => {}
        Err(e) => return Err(e),
    }
    let row = sqlx::query(AssertSqlSafe(b.tables.lock_select.clone()))
        .fetch_optional(&mut b.conn)
        .await
        .map_err(map_err)?;
    let Some(row) = row else {
        return Ok(Attempt::Raced);
    };
    let get = |i: usize| row.try_get::<String, _>(i).unwrap_or_default();
    let (owner, holder, host, since_seen) = (get(0), get(1), get(2), get(4));
    let pid: i64 = row.try_get(3).unwrap_or(0);
    let expires_at: i64 = row.try_get(5).unwrap_or(0);
    let free =
        owner == runner.id || expires_at < now_ms() || (host == runner.host && process_gone(pid));
    if !free {
        return Ok(Attempt::Held(Holder {
            owner,
            holder,
            since: since_seen,
        }));
    }
    let taken = sqlx::query(AssertSqlSafe(b.tables.lock_takeover.clone()))
        .bind(&runner.id)
        .bind(&runner.display)
        .bind(&runner.host)
        .bind(i64::from(runner.pid))
        .bind(&since)
        .bind(expires)
        .bind(&owner)
        .execute(&mut b.conn)
        .await
        .map_err(map_err);
    match taken {
        Ok(r) if r.rows_affected() == 1 => Ok(Attempt::Acquired),
        Ok(_) => Ok(Attempt::Raced),
        Err(e) if raced(&e) => Ok(Attempt::Raced),
        Err(e) => Err(e),
    }
}

/// Extends the lease when a quarter of it has passed; fails if another runner took the lock.
pub(super) async fn refresh(b: &mut MysqlBackend, runner: &RunnerId) -> Result<(), BackendError> {
    if b.heartbeat.as_ref().is_some_and(Heartbeat::lost) {
        return Err(lost());
    }
    if b.last_refresh.is_some_and(|t| t.elapsed() < b.lease / 4) {
        return Ok(());
    }
    let held = extend(&mut b.conn, &b.tables.lock_refresh, &runner.id, b.lease)
        .await
        .map_err(map_err)?;
    if !held {
        return Err(lost());
    }
    b.last_refresh = Some(Instant::now());
    Ok(())
}

/// Extends `owner`'s lease by `lease` from now with `refresh` (the lock table's compare-and-set
/// update) on `conn`; false when the lock row names another owner.
///
/// Errors: the update fails.
pub(super) async fn extend(
    conn: &mut MySqlConnection,
    refresh: &str,
    owner: &str,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(AssertSqlSafe(refresh))
        .bind(now_ms() + lease.as_millis() as i64)
        .bind(owner)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

fn lost() -> BackendError {
    BackendError::LockLost {
        message:
            "the lock row no longer names this runner (lease expired and another runner took over)"
                .into(),
    }
}

pub(super) async fn release(b: &mut MysqlBackend, runner: &RunnerId) -> Result<(), BackendError> {
    b.heartbeat = None;
    sqlx::query(AssertSqlSafe(b.tables.lock_delete.clone()))
        .bind(&runner.id)
        .execute(&mut b.conn)
        .await
        .map_err(map_err)?;
    b.last_refresh = None;
    Ok(())
}
