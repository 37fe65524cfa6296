//! The migration lock in PostgreSQL: a session advisory lock held by a dedicated connection,
//! outside any transaction, taken with `pg_try_advisory_lock` in a polling loop (so a waiting
//! runner never sits in a transaction that `CREATE INDEX CONCURRENTLY` would wait for).

use super::backend::{PostgresBackend, map_err, open};
use migra_core::{BackendError, RunnerId};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use std::time::{Duration, Instant};

/// The advisory lock key for a history table: FNV-1a of its name, kept positive.
pub(super) fn lock_key(table: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("migra:{table}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h & 0x7fff_ffff_ffff_ffff) as i64
}

pub(super) async fn acquire(
    b: &mut PostgresBackend,
    runner: &RunnerId,
    wait: Duration,
) -> Result<(), BackendError> {
    if b.lock_conn.is_some() {
        return Ok(());
    }
    let key = lock_key(&b.tables.name);
    // The application name is what a blocked runner reports as the holder.
    let name: String = format!("migra {}", runner.display)
        .chars()
        .take(63)
        .collect();
    let options = b.options.clone().application_name(&name);
    let mut c = open(&options, &b.target, b.connect_timeout).await?;
    // This session sits idle while the migrations run on the other one: a server that ends idle
    // sessions (PostgreSQL 14+, from its configuration, the role or the URL's options) would end
    // it, and the lock with it, in the middle of a long migration.
    if c.server_version_num().is_some_and(|v| v >= 140_000) {
        sqlx::raw_sql("SET idle_session_timeout = 0")
            .execute(&mut c)
            .await
            .map_err(map_err)?;
    }
    let t0 = Instant::now();
    let mut delay = Duration::from_millis(20);
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut c)
            .await
            .map_err(map_err)?;
        if got {
            b.lock_conn = Some(c);
            return Ok(());
        }
        if t0.elapsed() >= wait {
            let (holder, since) = holder(&mut c, key).await;
            let _ = c.close().await;
            return Err(BackendError::LockHeld {
                holder,
                since,
                waited_ms: t0.elapsed().as_millis() as u64,
            });
        }
        tokio::time::sleep(delay.min(wait.saturating_sub(t0.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_millis(250));
    }
}

/// Who holds the advisory lock: application name, user, client and backend pid.
async fn holder(c: &mut PgConnection, key: i64) -> (String, String) {
    let row = sqlx::query(
        "SELECT a.application_name, a.usename::text, coalesce(host(a.client_addr), 'local socket'), a.pid, \
                coalesce(a.backend_start::text, 'unknown') \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
           AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid",
    )
    .bind(key)
    .fetch_optional(c)
    .await;
    match row {
        Ok(Some(r)) => {
            let app: String = r.try_get(0).unwrap_or_default();
            let user: String = r.try_get(1).unwrap_or_default();
            let client: String = r.try_get(2).unwrap_or_default();
            let pid: i32 = r.try_get(3).unwrap_or_default();
            let since: String = r.try_get(4).unwrap_or_default();
            let who = if app.is_empty() {
                "a session".to_string()
            } else {
                format!("`{app}`")
            };
            (
                format!("{who} (user {user} from {client}, server pid {pid})"),
                since,
            )
        }
        _ => (
            "another session (its details are not visible to this user)".into(),
            "unknown".into(),
        ),
    }
}

/// Fails with [`BackendError::LockLost`] if the lock connection is gone (its session ended, and
/// with it the lock).
pub(super) async fn check(b: &mut PostgresBackend) -> Result<(), BackendError> {
    check_conn(b.lock_conn.as_mut()).await
}

/// [`check`] on the lock connection alone, so it can run beside a statement on the other one.
pub(super) async fn check_conn(lock_conn: Option<&mut PgConnection>) -> Result<(), BackendError> {
    match lock_conn {
        None => Err(BackendError::LockLost {
            message: "this runner does not hold the lock".into(),
        }),
        Some(c) => c.ping().await.map_err(|e| BackendError::LockLost {
            message: format!("the connection holding the advisory lock failed: {e}"),
        }),
    }
}

/// Runs `work` (on the main connection) while the lock's connection, when held, is checked:
/// at once when `now` (beside the work, not before it), then every `every` until the work is
/// done, so a long statement leaves neither connection idle. Returns the first failed check
/// (`Ok` when none failed, or none ran) and the work's output.
pub(super) async fn beside<T>(
    lock_conn: Option<&mut PgConnection>,
    every: Duration,
    now: bool,
    work: impl std::future::Future<Output = T>,
) -> (Result<(), BackendError>, T) {
    let Some(c) = lock_conn else {
        let checked = if now { check_conn(None).await } else { Ok(()) };
        return (checked, work.await);
    };
    let (done, mut finished) = tokio::sync::oneshot::channel::<()>();
    let work = async {
        let out = work.await;
        let _ = done.send(());
        out
    };
    let pings = async {
        let mut status = if now {
            check_conn(Some(&mut *c)).await
        } else {
            Ok(())
        };
        while status.is_ok() {
            tokio::select! {
                _ = &mut finished => break,
                () = tokio::time::sleep(every) => status = check_conn(Some(&mut *c)).await,
            }
        }
        status
    };
    let (out, status) = futures_util::future::join(work, pings).await;
    (status, out)
}

pub(super) async fn release(b: &mut PostgresBackend) -> Result<(), BackendError> {
    let Some(mut c) = b.lock_conn.take() else {
        return Ok(());
    };
    let key = lock_key(&b.tables.name);
    let released: Result<bool, _> = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
        .bind(key)
        .fetch_one(&mut c)
        .await;
    // Closing the session releases the lock in any case.
    let _ = c.close().await;
    match released {
        Ok(true) => Ok(()),
        Ok(false) => Err(BackendError::LockLost {
            message: "pg_advisory_unlock found no lock held by this session".into(),
        }),
        Err(e) => Err(map_err(e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_stable_positive_and_distinct() {
        let a = super::lock_key("migra_history");
        assert!(a > 0);
        assert_eq!(a, super::lock_key("migra_history"));
        assert_ne!(a, super::lock_key("other_history"));
    }
}
