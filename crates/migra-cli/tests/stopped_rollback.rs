//! A rollback that stops part-way, outside a transaction, on every dialect: history says so,
//! `apply` refuses to paper over it, and `migra rollback` finishes it once the down part is
//! fixed, after the down statements that already ran (refusing when those were edited). A
//! rollback killed mid-way (on the servers, which can sleep in a statement) resumes the same way.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::Project;
use common::db::Kind;
use std::process::Stdio;
use std::time::{Duration, Instant};

const STATE: &str =
    "SELECT concat(status, ' ', applied_statements, '/', total_statements) FROM migra_history";

fn user_tables(p: &Project) -> Vec<String> {
    p.tables()
        .into_iter()
        .filter(|t| !t.starts_with("migra_history"))
        .collect()
}

fn ab(p: &Project, down: &str) {
    p.native(
        "20260101_000001",
        "ab",
        "-- migra:no-transaction\nCREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);",
        Some(down),
    );
}

fn a_stopped_rollback_is_finished_by_rollback(p: &Project) {
    ab(p, "DROP TABLE b;\nDROP TABLE nope;\nDROP TABLE a;");
    p.migra(&["apply"]).code(0);
    let failed = p.migra(&["rollback"]).code(1);
    assert!(failed.stderr.contains("nope"), "{}", failed.stderr);
    assert_eq!(p.query(STATE), vec!["rollback_partial 1/3"]);
    assert_eq!(user_tables(p), vec!["a"]);

    // `b` is gone: apply must not record the migration applied as it stands.
    let e = p.migra(&["apply"]).code(3);
    assert!(
        e.stderr.contains("stopped while rolling back")
            && e.stderr.contains("finish it with `migra rollback`"),
        "{}",
        e.stderr
    );
    assert_eq!(user_tables(p), vec!["a"]);
    assert_eq!(p.query(STATE), vec!["rollback_partial 1/3"]);

    // A down statement that already ran was edited: how to resume is unknown.
    ab(p, "DROP TABLE bb;\nDROP TABLE a;");
    let e = p.migra(&["rollback"]).code(3);
    assert!(
        e.stderr
            .contains("its rollback cannot be resumed because the first 1 statement(s)"),
        "{}",
        e.stderr
    );

    // Only the failed statement fixed: the rollback resumes there.
    ab(p, "DROP TABLE b;\nDROP TABLE a;");
    let r = p.migra(&["rollback", "--json"]).code(0).json();
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    assert!(user_tables(p).is_empty());
    assert_eq!(
        p.query("SELECT status FROM migra_history"),
        vec!["rolled_back"]
    );
    p.migra(&["apply"]).code(0);
    assert_eq!(user_tables(p), vec!["a", "b"]);
}

/// A rollback killed while its second down statement (`sleep`) runs resumes at that statement.
fn a_killed_rollback_resumes_where_it_stopped(p: &Project, sleep: &str) {
    ab(p, &format!("DROP TABLE b;\n{sleep};\nDROP TABLE a;"));
    p.migra(&["apply"]).code(0);
    let mut child = p
        .command(&["--database", &p.url(), "rollback"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while p.query(STATE) != vec!["rollback_partial 1/3"] {
        assert!(child.try_wait().unwrap().is_none(), "the rollback ended");
        assert!(t0.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(p.query(STATE), vec!["rollback_partial 1/3"]);
    assert_eq!(user_tables(p), vec!["a"]);
    // Killed, so no error was recorded: status says how far the rollback got.
    let human = p.migra(&["status"]).code(0).stdout;
    assert!(
        human.contains(
            "20260101_000001 ab last run rollback_partial: interrupted after 1 of 3 down statements"
        ),
        "{human}"
    );
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        status["failed"][0]["progress"],
        serde_json::json!({"ran": 1, "of": 3})
    );
    p.migra(&["apply"]).code(3);
    let r = p.migra(&["rollback", "--json"]).code(0).json();
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    assert!(user_tables(p).is_empty());
}

#[test]
fn postgres_killed() {
    if let Some(p) = Project::on(Kind::Postgres) {
        a_killed_rollback_resumes_where_it_stopped(&p, "SELECT pg_sleep(2)");
    }
}

#[test]
fn mysql_killed() {
    if let Some(p) = Project::on(Kind::Mysql) {
        a_killed_rollback_resumes_where_it_stopped(&p, "DO SLEEP(2)");
    }
}

macro_rules! on {
    ($name:ident, $kind:expr) => {
        #[test]
        fn $name() {
            if let Some(p) = Project::on($kind) {
                a_stopped_rollback_is_finished_by_rollback(&p);
            }
        }
    };
}

on!(sqlite, Kind::Sqlite);
on!(postgres, Kind::Postgres);
on!(mysql, Kind::Mysql);
