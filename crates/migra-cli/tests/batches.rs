//! Batched statements (`-- migra:batch`) on every dialect: each batch commits with its checkpoint,
//! a failed batch leaves the earlier ones done and the run resumes at the failed one, and every row
//! is changed exactly once.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;

/// SQL inserting rows `1..=n` (id only) into `table`.
pub fn seed(kind: Kind, table: &str, n: u64) -> String {
    match kind {
        Kind::Postgres => {
            format!("INSERT INTO {table} (id) SELECT g FROM generate_series(1, {n}) g")
        }
        // MariaDB's sequence engine: no recursion limit, no helper table.
        Kind::Mysql => format!("INSERT INTO {table} (id) SELECT seq FROM seq_1_to_{n}"),
        Kind::Sqlite => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) \
             INSERT INTO {table} (id) SELECT x FROM c"
        ),
    }
}

fn checkpoint(p: &Project) -> serde_json::Value {
    let body = p.query("SELECT body FROM migra_history_kv WHERE kind = 'checkpoint'");
    assert_eq!(body.len(), 1, "one checkpoint: {body:?}");
    serde_json::from_str(&body[0]).unwrap()
}

fn backfill_resumes_after_a_failed_batch(p: &Project, kind: Kind) {
    p.exec(
        "CREATE TABLE acct (id BIGINT PRIMARY KEY, n INT NOT NULL DEFAULT 0, \
         bad INT NOT NULL DEFAULT 0, CHECK (bad = 0 OR n = 0))",
    );
    p.exec(&seed(kind, "acct", 2500));
    p.exec("UPDATE acct SET bad = 1 WHERE id = 1500");
    p.native(
        "20260101_000001",
        "backfill",
        "-- migra:batch table=acct key=id size=1000\nUPDATE acct SET n = n + 1 WHERE {batch};",
        None,
    );
    let dry = p.migra(&["apply", "--dry-run"]).code(0).stdout;
    assert!(
        dry.contains("-- migra:batch table=acct key=id size=1000 (runs once per key range)\nUPDATE acct SET n = n + 1 WHERE {batch};"),
        "{dry}"
    );
    let r = p.migra(&["apply", "--json"]).code(1);
    assert_eq!(r.json()["success"], false, "{}", r.stdout);
    assert_eq!(
        p.query("SELECT count(*) FROM acct WHERE n = 1"),
        vec!["1000"]
    );
    let cp = checkpoint(p);
    assert_eq!(
        (cp["batches_done"].as_u64(), cp["last_key"].as_i64()),
        (Some(1), Some(1000))
    );
    assert_eq!(cp["finished"], false);
    assert_eq!(p.query("SELECT status FROM migra_history"), vec!["failed"]);

    p.exec("UPDATE acct SET bad = 0");
    let r = p.migra(&["apply", "--json"]).code(0);
    assert_eq!(r.json()["rows_affected"], 1500, "{}", r.stdout);
    // Progress events are JSON lines on stderr; stdout holds the one result document.
    let events: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &serde_json::Value| e["event"] == "batch")
        .collect();
    assert_eq!(events.len(), 2, "{}", r.stderr);
    assert_eq!(
        (events[1]["batch"].as_u64(), events[1]["batches"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(events[1]["rows_done"], 2500);
    assert_eq!(p.query("SELECT count(*) FROM acct WHERE n <> 1"), vec!["0"]);
    let cp = checkpoint(p);
    assert_eq!(cp["finished"], true);
    assert_eq!(
        (cp["batches_done"].as_u64(), cp["rows_done"].as_u64()),
        (Some(3), Some(2500))
    );
    assert_eq!(p.query("SELECT status FROM migra_history"), vec!["applied"]);
}

fn a_batch_directive_needs_an_integer_key(p: &Project, _kind: Kind) {
    p.exec("CREATE TABLE tags (name VARCHAR(20) PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
    p.exec("INSERT INTO tags (name) VALUES ('a'), ('b')");
    p.native(
        "20260101_000001",
        "backfill",
        "-- migra:batch table=tags key=name size=10\nUPDATE tags SET n = 1 WHERE {batch};",
        None,
    );
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(
        r.stderr.contains("batches walk an integer key column"),
        "{}",
        r.stderr
    );
    assert_eq!(p.query("SELECT count(*) FROM tags WHERE n = 1"), vec!["0"]);
}

macro_rules! on_each {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn backfill_resumes_after_a_failed_batch() {
                if let Some(p) = Project::on($kind) {
                    super::backfill_resumes_after_a_failed_batch(&p, $kind);
                }
            }
            #[test]
            fn a_batch_directive_needs_an_integer_key() {
                if let Some(p) = Project::on($kind) {
                    super::a_batch_directive_needs_an_integer_key(&p, $kind);
                }
            }
        }
    };
}

on_each!(sqlite, Kind::Sqlite);
on_each!(postgres, Kind::Postgres);
on_each!(mysql, Kind::Mysql);

/// `migra status` in another process sees the running backfill: statement, batch n of m, rows,
/// start and ETA (the seed's `MigrationStatus`).
#[test]
fn status_from_another_process_shows_the_running_backfill() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.exec("CREATE TABLE acct (id BIGINT PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
    p.exec(&seed(Kind::Postgres, "acct", 20_000));
    p.native(
        "20260101_000001",
        "backfill",
        "ALTER TABLE acct ADD COLUMN m INT;\n\
         -- migra:batch table=acct key=id size=1000\nUPDATE acct SET n = n + 1 WHERE {batch};",
        None,
    );
    let url = p.url();
    let mut child = p
        .command(&["--database", &url, "apply", "--batch-sleep", "150"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    let seen = loop {
        let s = p.migra(&["status", "--json"]).code(0).json();
        if s["running"][0]["batch"]["batch"].as_u64().unwrap_or(0) >= 2 {
            break s;
        }
        assert!(
            t0.elapsed().as_secs() < 60,
            "never saw the backfill running: {s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let r = &seen["running"][0];
    assert_eq!(r["version"], "20260101_000001");
    assert_eq!(
        (r["statement"].as_u64(), r["statements"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(r["batch"]["batches"], 20);
    assert_eq!(r["batch"]["rows_total"], 20_000);
    assert!(r["batch"]["eta_seconds"].as_f64().unwrap() > 0.0, "{seen}");
    let human = p.migra(&["status"]).code(0).stdout;
    assert!(
        human.contains("Running:") && human.contains(" of 20, ") && human.contains("ETA"),
        "{human}"
    );
    assert!(child.wait().unwrap().success());
    let done = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(done["running"], serde_json::json!([]));
}

/// A batch that hits `lock_timeout` (another session holds a row) is retried with backoff and
/// succeeds once the lock is gone; every row is still changed once.
#[test]
fn a_lock_timeout_is_retried_until_the_row_is_free() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.exec("CREATE TABLE acct (id BIGINT PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
    p.exec(&seed(Kind::Postgres, "acct", 3000));
    p.native(
        "20260101_000001",
        "backfill",
        "SET lock_timeout = '100ms';\n\
         -- migra:batch table=acct key=id size=1000\nUPDATE acct SET n = n + 1 WHERE {batch};",
        None,
    );
    let url = p.url();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        common::block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            let mut tx = c.begin().await.unwrap();
            sqlx::query("SELECT id FROM acct WHERE id = 1500 FOR UPDATE")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            locked_tx.send(()).unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
            tx.commit().await.unwrap();
        })
    });
    locked_rx.recv().unwrap();
    let r = p.migra(&["apply", "--json"]).code(0);
    holder.join().unwrap();
    let run = r.json();
    assert_eq!(run["rows_affected"], 3000, "{run}");
    let retries: u64 = r
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["retries"].as_u64())
        .sum();
    assert!(retries >= 1, "the locked batch was retried: {}", r.stderr);
    assert_eq!(p.query("SELECT count(*) FROM acct WHERE n <> 1"), vec!["0"]);
}

/// A batched statement in a down part that fails part-way continues from its checkpoint when the
/// rollback is run again: no row is changed twice.
#[test]
fn a_failed_batched_down_continues_where_it_stopped() {
    let p = Project::new();
    p.exec(
        "CREATE TABLE acct (id INTEGER PRIMARY KEY, n INT NOT NULL DEFAULT 1, \
         bad INT NOT NULL DEFAULT 0, CHECK (bad = 0 OR n >= 2))",
    );
    p.exec(&seed(Kind::Sqlite, "acct", 2500));
    p.native(
        "20260101_000001",
        "bump",
        "-- migra:batch table=acct key=id size=1000\nUPDATE acct SET n = n + 1 WHERE {batch};",
        Some(
            "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY);\n\
             -- migra:batch table=acct key=id size=1000\nUPDATE acct SET n = n - 1 WHERE {batch};",
        ),
    );
    p.migra(&["apply"]).code(0);
    p.exec("UPDATE acct SET bad = 1 WHERE id = 1500");
    p.migra(&["rollback"]).code(1);
    assert_eq!(
        p.query("SELECT count(*) FROM acct WHERE n = 1"),
        vec!["1000"]
    );
    // Part of the down ran: history says so, and `apply` must not record it applied while
    // 1,000 rows are undone. The rollback, run again, continues its down part: after the
    // statement that ran and after the batch that committed.
    assert_eq!(
        p.query("SELECT concat(status, ' ', applied_statements) FROM migra_history"),
        vec!["rollback_partial 1"]
    );
    p.migra(&["apply"]).code(3);
    p.exec("UPDATE acct SET bad = 0");
    let r = p.migra(&["rollback", "--json"]).code(0).json();
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    assert_eq!(p.query("SELECT count(*) FROM acct WHERE n <> 1"), vec!["0"]);
    assert_eq!(
        p.query("SELECT status FROM migra_history"),
        vec!["rolled_back"]
    );
}
