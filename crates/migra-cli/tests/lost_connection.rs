//! A connection the server breaks in the middle of a run (`KILL`, `pg_terminate_backend`): the
//! failure is still recorded, over a new connection, the lock is released at once, and the next
//! `apply` goes on where history says.
#![allow(clippy::unwrap_used)]

mod common;
use common::db::Kind;
use common::{Project, Run};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs `migra apply --json` in the background until `find` (a query) returns the server's id
/// of the session running the migration's sleep, has `kill` end that session, and returns how
/// the run ended.
fn apply_killed_midway(p: &Project, find: &str, kill: impl Fn(&str)) -> Run {
    let url = p.url();
    let child = p
        .command(&["--database", &url, "apply", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(id) = p.query(find).first() {
            kill(id);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the migration's sleep never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Run::from(child.wait_with_output().unwrap())
}

/// The error message of a failed `--json` run.
fn message(r: &Run) -> String {
    r.json()["error"]["message"].as_str().unwrap().to_string()
}

/// The migration under test: a table, a long sleep (killed), a table. The sleep lasts long
/// enough that a run the kill missed fails the exit-code check instead of passing late.
fn write_sleeper(p: &Project, sleep: &str) {
    let up = format!("CREATE TABLE a (x INT);\n{sleep};\nCREATE TABLE b (x INT);");
    p.native("20260101_000001", "sleeper", &up, None);
}

#[test]
fn mysql_statement_whose_session_is_killed_is_recorded_and_resumed() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    write_sleeper(&p, "SELECT SLEEP(60)");
    let find = "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
                WHERE db = DATABASE() AND info LIKE 'SELECT SLEEP(60)%'";
    let r = apply_killed_midway(&p, find, |id| p.exec(&format!("KILL {id}"))).code(1);
    let msg = message(&r);
    assert!(
        msg.contains("lost the connection to the database: the server closed it")
            && msg.contains("statement 2 may have taken effect")
            && msg.contains("migra repair 20260101_000001 --mark-progress 2"),
        "{msg}"
    );
    // Recorded over a new connection: statement 1 in effect, and why it stopped.
    assert_eq!(
        p.query("SELECT CONCAT(status, ' ', applied_statements) FROM migra_history"),
        vec!["failed 1"]
    );
    assert_eq!(
        p.query("SELECT CAST(count(*) AS CHAR) FROM migra_history WHERE error LIKE 'lost the connection%'"),
        vec!["1"]
    );
    // The lock row went with the run, not with the lease.
    assert_eq!(
        p.query("SELECT CAST(count(*) AS CHAR) FROM migra_history_lock"),
        vec!["0"]
    );
    write_sleeper(&p, "SELECT SLEEP(0)");
    let j = p
        .migra(&["apply", "--lock-timeout", "1", "--json"])
        .code(0)
        .json();
    assert_eq!(j["migrations"][0]["resumed_at_statement"], 2, "{j}");
    assert!(p.tables().contains(&"b".to_string()));
}

#[test]
fn postgres_transaction_whose_session_is_terminated_is_recorded_as_failed() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    write_sleeper(&p, "SELECT pg_sleep(60)");
    let find = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()";
    let kill = |pid: &str| {
        p.query(&format!("SELECT pg_terminate_backend({pid})"));
    };
    let r = apply_killed_midway(&p, find, kill).code(1);
    let msg = message(&r);
    assert!(
        msg.contains(
            "lost the connection to the database: terminating connection due to administrator command"
        ),
        "{msg}"
    );
    // The transaction rolled back: nothing in effect, and the failure is on record.
    assert_eq!(
        p.query("SELECT status || ' ' || applied_statements FROM migra_history"),
        vec!["failed 0"]
    );
    assert!(!p.tables().contains(&"a".to_string()));
    write_sleeper(&p, "SELECT pg_sleep(0)");
    p.migra(&["apply", "--lock-timeout", "1"]).code(0);
    assert!(p.tables().contains(&"b".to_string()));
}

/// The session ends while the progress after a statement is written (a trigger on the history
/// table terminates it): the statement ran, so history is told so over a new connection, and
/// the next `apply` goes on after it instead of running it twice.
#[test]
fn postgres_progress_write_on_a_terminated_session_is_made_again() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native("20260101_000001", "t", "CREATE TABLE t (x INT);", None);
    p.migra(&["apply"]).code(0);
    p.exec(
        "CREATE FUNCTION cut() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF NEW.status = 'partial' AND NEW.applied_statements = 1 THEN \
         PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END $$;
         CREATE TRIGGER cut BEFORE INSERT OR UPDATE ON migra_history \
         FOR EACH ROW EXECUTE FUNCTION cut();",
    );
    let ab = "-- migra:no-transaction\nCREATE TABLE a (x INT);\nCREATE TABLE b (x INT);";
    p.native("20260101_000002", "ab", ab, None);
    let r = p.migra(&["apply", "--json"]).code(1);
    let msg = message(&r);
    assert!(
        msg.contains("after statement 1 ran; history records that"),
        "{msg}"
    );
    assert_eq!(
        p.query("SELECT status || ' ' || applied_statements FROM migra_history WHERE version = '20260101_000002'"),
        vec!["failed 1"]
    );
    p.exec("DROP TRIGGER cut ON migra_history");
    let j = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(j["migrations"][0]["resumed_at_statement"], 2, "{j}");
    assert!(p.tables().contains(&"b".to_string()));
}

/// On MySQL a DDL statement and the progress after it go as one query: a session killed while
/// the progress is written (a trigger on the history table holds it there) ran the statement,
/// and history is told so over a new connection; the next `apply` goes on after it.
#[test]
fn mysql_progress_write_in_a_killed_session_is_made_again() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    p.native("20260101_000001", "t", "CREATE TABLE t (x INT);", None);
    p.migra(&["apply"]).code(0);
    for event in ["INSERT", "UPDATE"] {
        p.exec(&format!(
            "CREATE TRIGGER hold_{event} BEFORE {event} ON migra_history FOR EACH ROW \
             BEGIN IF NEW.status = 'partial' AND NEW.applied_statements = 1 THEN \
             DO SLEEP(60); END IF; END"
        ));
    }
    p.native(
        "20260101_000002",
        "ab",
        "CREATE TABLE a (x INT);\nCREATE TABLE b (x INT);",
        None,
    );
    let find = "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
                WHERE db = DATABASE() AND info LIKE 'DO SLEEP(60)%'";
    let r = apply_killed_midway(&p, find, |id| p.exec(&format!("KILL {id}"))).code(1);
    let msg = message(&r);
    assert!(
        msg.contains("after statement 1 ran; history records that"),
        "{msg}"
    );
    assert_eq!(
        p.query(
            "SELECT CONCAT(status, ' ', applied_statements) FROM migra_history \
             WHERE version = '20260101_000002'"
        ),
        vec!["failed 1"]
    );
    p.exec("DROP TRIGGER hold_INSERT; DROP TRIGGER hold_UPDATE");
    let j = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(j["migrations"][0]["resumed_at_statement"], 2, "{j}");
    assert!(p.tables().contains(&"b".to_string()));
}
