//! Statements PostgreSQL cannot run, in a migration: each fails as that statement, with its
//! file and line, recorded in history, and nothing of the migration stays.
//! - A syntax error: the server parses a whole simple query before running any of it, so the
//!   pipelined step failed before `BEGIN` and the error named no statement and went unrecorded.
//! - psql's `COPY ... FROM stdin` with its data lines: sent as a query it left the session
//!   waiting for rows forever; the validator and the backend refuse it before anything runs.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const STATE: &str =
    "SELECT concat(status, ' ', applied_statements, ': ', error) FROM migra_history";

fn fails_at(p: &Project, line: u32, says: &str) {
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    let at = format!("failed at 20260101_000001_m.sql:{line}: {says}");
    assert!(r.stderr.contains(&at), "{}", r.stderr);
    assert_eq!(p.query(STATE), vec![format!("failed 0: {says}")]);
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
    fails_at(&p, 4, "syntax error at or near \"SELEC\"");
}

#[test]
fn copy_from_stdin_is_refused_not_left_waiting() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    let refused = "unsupported by postgresql: COPY ... FROM STDIN / TO STDOUT";
    p.native(
        "20260101_000001",
        "m",
        "CREATE TABLE t (x int);\nCOPY t (x) FROM stdin;\n1\n2\n\\.\n",
        None,
    );
    // The validator refuses it before the run; past it, the backend does.
    let r = p.migra(&["apply"]).code(3);
    assert!(
        r.stderr.contains("TX707")
            && r.stderr
                .contains("COPY ... FROM STDIN / TO STDOUT moves rows"),
        "{}",
        r.stderr
    );
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(r.stderr.contains(refused), "{}", r.stderr);
    assert!(!p.tables().iter().any(|t| t == "t"), "{:?}", p.tables());
    // Outside a transaction too: the statements before it ran, it did not.
    p.native(
        "20260101_000001",
        "m",
        "-- migra:no-transaction\nCREATE TABLE t (x int);\nCOPY t FROM STDIN WITH (FORMAT csv);",
        None,
    );
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(
        r.stderr
            .contains(&format!("failed at 20260101_000001_m.sql:5: {refused}")),
        "{}",
        r.stderr
    );
    assert_eq!(
        p.query("SELECT concat(status, ' ', applied_statements) FROM migra_history"),
        vec!["failed 1"]
    );
}
