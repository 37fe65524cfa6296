//! Statements PostgreSQL cannot run, in a migration: each fails as that statement, with its
//! file and line, recorded in history, and nothing of the migration stays.
//! - A syntax error: the server parses a whole simple query before running any of it, so the
//!   pipelined step failed before `BEGIN` and the error named no statement and went unrecorded.
//! - psql's `COPY ... FROM stdin` with its rows after it runs as psql runs it (it used to leave
//!   the session waiting for rows forever); `COPY ... TO STDOUT` is refused by the validator
//!   and the backend before anything runs, and a COPY FROM STDIN without its rows is a
//!   malformed file.
//! - A failed `CREATE INDEX CONCURRENTLY` drops the INVALID index it left, so the fixed run can
//!   build it; one whose `IF NOT EXISTS` met an invalid index fails instead of passing.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const STATE: &str =
    "SELECT concat(status, ' ', applied_statements, ': ', error) FROM migra_history";

/// `apply --no-validate` exits with `code` saying `says`, and no table `t` stays.
fn stops(p: &Project, code: i32, says: &str) {
    let r = p.migra(&["apply", "--no-validate"]).code(code);
    assert!(r.stderr.contains(says), "{}", r.stderr);
    assert!(!p.tables().iter().any(|t| t == "t"), "{:?}", p.tables());
}

#[test]
fn a_syntax_error_fails_as_its_statement() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native(
        "20260101_000001",
        "m",
        "CREATE TABLE t (x int);\nSELEC 1;",
        None,
    );
    let says = "syntax error at or near \"SELEC\"";
    stops(&p, 1, &format!("failed at 20260101_000001_m.sql:4: {says}"));
    assert_eq!(p.query(STATE), vec![format!("failed 0: {says}")]);
}

#[test]
fn copy_from_stdin_runs_its_rows_as_psql_does() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let copy = |rows: &str, then: &str| {
        format!("CREATE TABLE t (x int, s text);\nCOPY t (x, s) FROM stdin;\n{rows}\\.\n{then}")
    };
    // A bad row fails as the COPY statement, and nothing of the migration stays.
    p.native("20260101_000001", "m", &copy("1\ta\nzz\tb\n", ""), None);
    stops(
        &p,
        1,
        "failed at 20260101_000001_m.sql:4: invalid input syntax for type integer",
    );
    // Rows with a `;`, a tab and a NULL, then a statement after them on its own line number.
    p.native(
        "20260101_000001",
        "m",
        &copy("1\ta; b\n2\t\\N\n", "INSERT INTO t VALUES (3, 'c');"),
        None,
    );
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(r["rows_affected"], 3, "{r}");
    assert_eq!(
        p.query("SELECT concat(x, ':', coalesce(s, 'NULL')) FROM t ORDER BY x"),
        vec!["1:a; b", "2:NULL", "3:c"]
    );
}

#[test]
fn copy_without_its_rows_is_refused_not_left_waiting() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let refused = "unsupported by postgresql: COPY ... TO STDOUT sends rows to the client";
    p.native(
        "20260101_000001",
        "m",
        "CREATE TABLE t (x int);\nCOPY (SELECT 1) TO STDOUT;",
        None,
    );
    // The validator refuses it before the run; past it, the backend does.
    let r = p.migra(&["apply"]).code(3);
    assert!(
        r.stderr.contains("TX707") && r.stderr.contains("COPY ... TO STDOUT sends rows"),
        "{}",
        r.stderr
    );
    stops(
        &p,
        1,
        &format!("failed at 20260101_000001_m.sql:4: {refused}"),
    );
    // COPY FROM STDIN with no rows after it: the file is malformed, and nothing runs.
    p.native(
        "20260101_000001",
        "m",
        "CREATE TABLE t (x int);\nCOPY t FROM STDIN WITH (FORMAT csv);\nSELECT 1;",
        None,
    );
    stops(
        &p,
        2,
        "20260101_000001_m.sql:4: unterminated COPY ... FROM STDIN rows",
    );
}

/// A unique index built concurrently over duplicates fails part-way and leaves it INVALID:
/// dropped at once, the run after the data is fixed builds it (it used to fail "already
/// exists"). `IF NOT EXISTS` meeting such an index (left by a build outside migra) fails
/// instead of calling an index that is not there done.
#[test]
fn a_failed_concurrent_index_leaves_no_invalid_index() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native(
        "20260101_000001",
        "t",
        "CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (1);",
        None,
    );
    p.migra(&["apply"]).code(0);
    let build = "-- migra:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_x ON t (x);";
    p.native("20260101_000002", "unique_x", build, None);
    let r = p.migra(&["apply", "--no-validate", "--json"]).code(1);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("could not create unique index")
            && msg.contains("t_x it left behind was dropped"),
        "{msg}"
    );
    let invalid = "SELECT count(*)::int FROM pg_class WHERE relname LIKE 't\\_%'";
    assert_eq!(p.query(invalid), vec!["0"]);
    p.exec("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)");
    p.migra(&["apply", "--no-validate"]).code(0);
    assert_eq!(
        p.query("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 't_x'::regclass"),
        vec!["true"]
    );

    p.exec("CREATE TABLE u (x INT); INSERT INTO u VALUES (2), (2)");
    let outside = p.try_exec("CREATE UNIQUE INDEX CONCURRENTLY t_y ON u (x)");
    assert!(outside.is_err(), "the duplicate 2 fails the build");
    let again =
        "-- migra:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_y ON u (x);";
    p.native("20260101_000003", "unique_y", again, None);
    let r = p.migra(&["apply", "--no-validate", "--json"]).code(1);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("index t_y already exists but is INVALID"),
        "{msg}"
    );
    let state = &p.query(&format!("{STATE} WHERE version = '20260101_000003'"))[0];
    assert!(
        state.starts_with("failed 0: index t_y already exists but is INVALID"),
        "{state}"
    );
}
