//! A run killed after a DDL statement took effect and before its progress was written (MySQL
//! cannot commit the two together) leaves history one statement behind. The resumed run then
//! fails on that statement; the error says how to record it, and `repair --mark-progress N`
//! lets `migra apply` go on after it. History is put in that state by hand here, as the kill
//! would leave it: the window is too narrow to hit with a real kill.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const V: &str = "20260101_000001";
const PROGRESS: &str =
    "SELECT concat(status, ' ', applied_statements, '/', total_statements) FROM migra_history";

fn interrupted_ddl_is_recorded_with_mark_progress(kind: Kind) {
    let Some(p) = Project::on(kind) else { return };
    p.native(
        V,
        "ab",
        "-- migra:no-transaction\nCREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);",
        None,
    );
    p.migra(&["apply"]).code(0);
    // Statement 1 in effect, statement 2 not, history still at "running, 0 done".
    p.exec(&format!(
        "UPDATE migra_history SET status = 'partial', applied_statements = 0, \
         progress_checksum = NULL, finished_at = NULL WHERE version = '{V}'"
    ));
    p.exec("DROP TABLE b");

    // The validator sees statement 1 fail and says what may explain it...
    let r = p.migra(&["apply"]).code(3);
    assert!(
        r.stderr.contains(&format!(
            "The last run of {V} was stopped after 0 statement(s) and may have run this one \
             without recording it: if it is in effect, `migra repair {V} --mark-progress 1`"
        )),
        "{}",
        r.stderr
    );
    // ...and so does the failure itself.
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(
        r.stderr.contains(&format!(
            "may have run this one without recording it: if this statement is in effect, \
             `migra repair {V} --mark-progress 1` records that"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(p.query(PROGRESS), vec!["failed 0/2"]);

    // Out of range, or on a no-split reading of the file: refused, nothing written.
    let e = p.migra(&["repair", V, "--mark-progress", "3"]).code(2);
    assert!(
        e.stderr
            .contains("it has 2 statement(s), so at most 2 can be in effect"),
        "{}",
        e.stderr
    );
    assert_eq!(p.query(PROGRESS), vec!["failed 0/2"]);

    let j = p
        .migra(&[
            "repair",
            V,
            "--mark-progress",
            "1",
            "--reason",
            "a exists",
            "--json",
        ])
        .code(0)
        .json();
    assert_eq!(j["status"], "partial", "{j}");
    assert_eq!(j["applied_statements"], 1, "{j}");
    assert_eq!(
        p.query("SELECT error FROM migra_history_log WHERE action = 'repair'"),
        vec!["marked 1 of 2 statements in effect by hand: a exists"]
    );
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(r["migrations"][0]["resumed_at_statement"], 2, "{r}");
    assert_eq!(p.query(PROGRESS), vec!["applied 2/2"]);

    // An applied migration takes no progress mark.
    let e = p.migra(&["repair", V, "--mark-progress", "1"]).code(2);
    assert!(
        e.stderr.contains("it is recorded as applied"),
        "{}",
        e.stderr
    );
}

#[test]
fn sqlite_interrupted_ddl_is_recorded_with_mark_progress() {
    interrupted_ddl_is_recorded_with_mark_progress(Kind::Sqlite);
}

#[test]
fn postgres_interrupted_ddl_is_recorded_with_mark_progress() {
    interrupted_ddl_is_recorded_with_mark_progress(Kind::Postgres);
}

#[test]
fn mysql_interrupted_ddl_is_recorded_with_mark_progress() {
    interrupted_ddl_is_recorded_with_mark_progress(Kind::Mysql);
}
