//! A runner killed mid-run (`kill -9`) leaves its lock behind; the next runner on this host
//! takes over at once and finishes the work, each migration applied once.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;
use std::process::Stdio;
use std::time::Duration;

fn killed_runner_is_taken_over(kind: Kind, sleep: &str) {
    let Some(p) = Project::on(kind) else { return };
    for i in 1..=4 {
        p.native(
            &format!("20260101_00000{i}"),
            &format!("s{i}"),
            &format!("CREATE TABLE s{i} (x INTEGER);\nSELECT {sleep};"),
            None,
        );
    }
    let url = p.url();
    let mut first = p
        .command(&["--database", &url, "apply"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once progress is recorded (a statement done and written down). A kill between a
    // DDL statement and its progress row makes the resumed run repeat that statement: MySQL
    // cannot commit DDL and bookkeeping together (DML it can: see dml_progress.rs).
    let mut tries = 0;
    while !p.tables().iter().any(|t| t == "migra_history")
        || p.query("SELECT count(*) FROM migra_history WHERE applied_statements >= 1") == vec!["0"]
    {
        tries += 1;
        assert!(tries < 500, "the first runner never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    // No waiting for a lease: the holder is gone.
    let r = p
        .migra(&["apply", "--lock-timeout", "0", "--json"])
        .code(0)
        .json();
    assert!(r["steps_completed"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(
        p.query("SELECT count(*) FROM migra_history WHERE status = 'applied'"),
        vec!["4"]
    );
    assert_eq!(
        p.query("SELECT count(DISTINCT version) FROM migra_history_log WHERE action = 'apply'"),
        vec!["4"]
    );
}

#[test]
fn postgres_session_lock_dies_with_its_runner() {
    killed_runner_is_taken_over(Kind::Postgres, "pg_sleep(0.4)");
}

#[test]
fn mysql_lock_row_of_a_dead_runner_is_taken_over() {
    killed_runner_is_taken_over(Kind::Mysql, "SLEEP(0.4)");
}
