//! Outside a transaction, a DML statement commits together with its progress row: when the
//! progress write fails (here a trigger on the history table refuses it, standing in for a run
//! stopped between the two), the statement's rows go back with it, and the resumed run inserts
//! them exactly once. Before, the rows stayed while history said the statement had not run.
//! And a migration of DML alone runs in one transaction even on MySQL/MariaDB: all or nothing.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const PROGRESS: &str = "SELECT concat(status, ' ', applied_statements, '/', total_statements) FROM migra_history \
     WHERE version = '20260101_000002'";

fn dml_commits_with_its_progress(kind: Kind, refuse: &[&str], allow: &str) {
    let Some(p) = Project::on(kind) else { return };
    p.native("20260101_000001", "t", "CREATE TABLE t (x INTEGER);", None);
    p.migra(&["apply"]).code(0);
    for sql in refuse {
        p.exec(sql);
    }
    p.native(
        "20260101_000002",
        "seed",
        "-- migra:no-transaction\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);",
        None,
    );
    let r = p.migra(&["apply"]).code(1);
    assert!(r.stderr.contains("progress refused"), "{}", r.stderr);
    assert_eq!(p.query("SELECT count(*) FROM t"), vec!["0"]);
    assert_eq!(p.query(PROGRESS), vec!["partial 0/2"]);

    p.exec(allow);
    let r = p.migra(&["apply", "--json"]).code(0).json();
    assert_eq!(r["steps_completed"], 1, "{r}");
    assert_eq!(p.query("SELECT x FROM t ORDER BY x"), vec!["1", "2"]);
    assert_eq!(p.query(PROGRESS), vec!["applied 2/2"]);
}

fn a_dml_only_migration_is_all_or_nothing(kind: Kind) {
    let Some(p) = Project::on(kind) else { return };
    p.native("20260101_000001", "t", "CREATE TABLE t (x INTEGER);", None);
    let seed = |second: &str| format!("INSERT INTO t VALUES (1);\n{second}");
    p.native(
        "20260101_000002",
        "seed",
        &seed("INSERT INTO nope VALUES (2);"),
        None,
    );
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
    assert_eq!(p.query("SELECT count(*) FROM t"), vec!["0"]);
    assert_eq!(p.query(PROGRESS), vec!["failed 0/2"]);

    p.native(
        "20260101_000002",
        "seed",
        &seed("INSERT INTO t VALUES (2);"),
        None,
    );
    p.migra(&["apply"]).code(0);
    assert_eq!(p.query("SELECT x FROM t ORDER BY x"), vec!["1", "2"]);
    assert_eq!(p.query(PROGRESS), vec!["applied 2/2"]);
}

#[test]
fn dml_only_migrations_are_all_or_nothing() {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mysql] {
        a_dml_only_migration_is_all_or_nothing(kind);
    }
}

#[test]
fn sqlite_dml_commits_with_its_progress() {
    let when = "WHEN NEW.status = 'partial' AND NEW.applied_statements = 1 \
                BEGIN SELECT RAISE(ABORT, 'progress refused'); END";
    dml_commits_with_its_progress(
        Kind::Sqlite,
        &[
            &format!("CREATE TRIGGER refuse_u BEFORE UPDATE ON migra_history {when}"),
            &format!("CREATE TRIGGER refuse_i BEFORE INSERT ON migra_history {when}"),
        ],
        "DROP TRIGGER refuse_u; DROP TRIGGER refuse_i",
    );
}

#[test]
fn postgres_dml_commits_with_its_progress() {
    dml_commits_with_its_progress(
        Kind::Postgres,
        &[
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.status = 'partial' AND NEW.applied_statements = 1 THEN \
             RAISE EXCEPTION 'progress refused'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON migra_history \
             FOR EACH ROW EXECUTE FUNCTION refuse()",
        ],
        "DROP TRIGGER refuse ON migra_history",
    );
}

#[test]
fn mysql_dml_commits_with_its_progress() {
    let body = "FOR EACH ROW BEGIN IF NEW.status = 'partial' AND NEW.applied_statements = 1 \
                THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'progress refused'; END IF; END";
    dml_commits_with_its_progress(
        Kind::Mysql,
        &[
            &format!("CREATE TRIGGER refuse_u BEFORE UPDATE ON migra_history {body}"),
            &format!("CREATE TRIGGER refuse_i BEFORE INSERT ON migra_history {body}"),
        ],
        "DROP TRIGGER refuse_u; DROP TRIGGER refuse_i",
    );
}
