//! A batched backfill of 1,000,000 rows killed with SIGKILL at three random points and restarted
//! each time: it finishes, every row is changed exactly once, and the checkpoint adds up.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ROWS: u64 = 1_000_000;
const SIZE: u64 = 10_000;

/// Three distinct batch counts in 2..95, different on every run (no seed to tune to).
fn kill_points() -> Vec<u64> {
    let mut x = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut points = Vec::new();
    while points.len() < 3 {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let p = 2 + x % 93;
        if points.iter().all(|q: &u64| q.abs_diff(p) > 2) {
            points.push(p);
        }
    }
    points.sort_unstable();
    points
}

fn batches_done(p: &Project) -> u64 {
    let body = p
        .query("SELECT body FROM migra_history_kv WHERE kind = 'checkpoint'")
        .pop();
    body.map_or(0, |b| {
        serde_json::from_str::<serde_json::Value>(&b).unwrap()["batches_done"]
            .as_u64()
            .unwrap()
    })
}

fn killed_backfill_finishes_exactly_once(kind: Kind, seed: &str) {
    let Some(p) = Project::on(kind) else { return };
    p.exec("CREATE TABLE big (id BIGINT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    p.exec(seed);
    p.native(
        "20260101_000001",
        "backfill",
        &format!(
            "ALTER TABLE big ADD COLUMN n INT NOT NULL DEFAULT 0;\n\
             -- migra:batch table=big key=id size={SIZE}\n\
             UPDATE big SET n = n + 1 WHERE {{batch}};"
        ),
        None,
    );
    let url = p.url();
    let points = kill_points();
    for (i, &at) in points.iter().enumerate() {
        let mut child = p
            .command(&["--database", &url, "apply", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        loop {
            let done = p.tables().iter().any(|t| t == "migra_history_kv") && batches_done(&p) >= at;
            if done {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "run {} ended before batch {at}",
                i + 1
            );
            assert!(t0.elapsed() < Duration::from_secs(120), "no progress");
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let status = p.query("SELECT status FROM migra_history");
        assert_eq!(
            status,
            vec!["partial"],
            "killed run {} at batch {at}",
            i + 1
        );
        // A finished checkpoint and history past the statement commit together: a finished one
        // next to history still at the statement would make the resumed run do it all again.
        let body = p.query("SELECT body FROM migra_history_kv WHERE kind = 'checkpoint'");
        let cp: serde_json::Value = serde_json::from_str(&body[0]).unwrap();
        let applied = p.query("SELECT applied_statements FROM migra_history");
        assert_eq!(
            cp["finished"] == true,
            applied == vec!["2"],
            "killed run {} at batch {at}: checkpoint {cp}, history at {applied:?}",
            i + 1
        );
    }
    let r = p
        .migra(&["apply", "--json", "--lock-timeout", "0"])
        .code(0)
        .json();
    assert_eq!(r["success"], true);
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    assert_eq!(
        p.query("SELECT count(*) FROM big WHERE n <> 1"),
        vec!["0"],
        "every row changed exactly once (kills at batches {points:?})"
    );
    assert_eq!(
        p.query("SELECT count(*) FROM big WHERE n = 1"),
        vec![ROWS.to_string()]
    );
    let body = p.query("SELECT body FROM migra_history_kv WHERE kind = 'checkpoint'");
    let cp: serde_json::Value = serde_json::from_str(&body[0]).unwrap();
    assert_eq!(cp["finished"], true);
    assert_eq!(cp["batches_done"], ROWS / SIZE, "{cp}");
    assert_eq!(cp["rows_done"], ROWS, "{cp}");
    assert_eq!(cp["last_key"], ROWS, "{cp}");
    assert_eq!(p.query("SELECT status FROM migra_history"), vec!["applied"]);
}

#[test]
fn postgres_killed_backfill_finishes_exactly_once() {
    killed_backfill_finishes_exactly_once(
        Kind::Postgres,
        &format!("INSERT INTO big (id) SELECT g FROM generate_series(1, {ROWS}) g"),
    );
}

#[test]
fn mysql_killed_backfill_finishes_exactly_once() {
    killed_backfill_finishes_exactly_once(
        Kind::Mysql,
        &format!("INSERT INTO big (id) SELECT seq FROM seq_1_to_{ROWS}"),
    );
}
