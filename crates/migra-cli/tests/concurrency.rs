//! The SQLite lock row: a held lock stops a runner with "locked by ..."; expired and dead-owner
//! locks are taken over. (Concurrent runners on every dialect: `suite.rs`.)
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;

/// Puts a lock row in place as another runner would.
fn hold_lock(p: &Project, host: &str, pid: u32, expires_in_ms: i64) {
    let url = p.url();
    let (host, pid) = (host.to_string(), i64::from(pid));
    common::block_on(async move {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        sqlx::query("INSERT OR REPLACE INTO migra_history_lock (id, owner, holder, host, pid, acquired_at, expires_at_ms) VALUES (1, 'other-runner', ?1, ?2, ?3, '2026-01-01T00:00:00.000Z', ?4)")
            .bind(format!("ci@{host} pid {pid}"))
            .bind(&host)
            .bind(pid)
            .bind(now + expires_in_ms)
            .execute(&mut c)
            .await
            .unwrap();
    });
}

fn this_host() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

#[test]
fn a_held_lock_stops_a_runner_with_locked_by_and_stale_locks_are_taken_over() {
    let p = Project::new();
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);
    p.migra(&["apply"]).code(0);
    p.native("20260101_000002", "b", "CREATE TABLE b (x INT);", None);

    // A live runner on this host (this test process) holds it.
    hold_lock(&p, &this_host(), std::process::id(), 60_000);
    let r = p.migra(&["apply", "--lock-timeout", "1", "--json"]).code(3);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with(&format!("migration lock is held by ci@{} pid {} (owner other-runner) (since 2026-01-01T00:00:00.000Z); waited", this_host(), std::process::id())), "{msg}");
    let h = p.migra(&["apply", "--lock-timeout", "0"]).code(3);
    assert!(
        h.stderr.contains("migration lock is held by"),
        "{}",
        h.stderr
    );
    assert!(!p.tables().contains(&"b".into()));

    // A live runner on another host, lease not expired: held.
    hold_lock(&p, "elsewhere.example", 1, 60_000);
    p.migra(&["apply", "--lock-timeout", "0"]).code(3);

    // Its lease expired: taken over.
    hold_lock(&p, "elsewhere.example", 1, -1);
    p.migra(&["apply", "--lock-timeout", "0"]).code(0);
    assert!(p.tables().contains(&"b".into()));

    // A runner on this host whose process is gone (killed): taken over at once.
    p.native("20260101_000003", "c", "CREATE TABLE c (x INT);", None);
    let mut dead = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    hold_lock(&p, &this_host(), dead_pid, 60_000);
    p.migra(&["apply", "--lock-timeout", "0"]).code(0);
    assert!(p.tables().contains(&"c".into()));
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history_lock"),
        vec!["0"]
    );
}
