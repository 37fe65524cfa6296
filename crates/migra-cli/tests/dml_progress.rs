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

/// Statements that make the history table refuse to record statement 1 of a migration as done
/// (`progress refused`), and the statement that lifts the refusal.
fn refuse_progress(kind: Kind) -> (Vec<String>, &'static str) {
    match kind {
        Kind::Sqlite => {
            let when = "WHEN NEW.status = 'partial' AND NEW.applied_statements = 1 \
                        BEGIN SELECT RAISE(ABORT, 'progress refused'); END";
            (
                vec![
                    format!("CREATE TRIGGER refuse_u BEFORE UPDATE ON migra_history {when}"),
                    format!("CREATE TRIGGER refuse_i BEFORE INSERT ON migra_history {when}"),
                ],
                "DROP TRIGGER refuse_u; DROP TRIGGER refuse_i",
            )
        }
        Kind::Postgres => (
            vec![
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.status = 'partial' AND NEW.applied_statements = 1 THEN \
                 RAISE EXCEPTION 'progress refused'; END IF; RETURN NEW; END $$"
                    .to_string(),
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON migra_history \
                 FOR EACH ROW EXECUTE FUNCTION refuse()"
                    .to_string(),
            ],
            "DROP TRIGGER refuse ON migra_history",
        ),
        Kind::Mysql => {
            let body = "FOR EACH ROW BEGIN IF NEW.status = 'partial' AND NEW.applied_statements = 1 \
                        THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'progress refused'; END IF; END";
            (
                vec![
                    format!("CREATE TRIGGER refuse_u BEFORE UPDATE ON migra_history {body}"),
                    format!("CREATE TRIGGER refuse_i BEFORE INSERT ON migra_history {body}"),
                ],
                "DROP TRIGGER refuse_u; DROP TRIGGER refuse_i",
            )
        }
    }
}

#[test]
fn dml_commits_with_its_progress_everywhere() {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mysql] {
        let (refuse, allow) = refuse_progress(kind);
        let refuse: Vec<&str> = refuse.iter().map(String::as_str).collect();
        dml_commits_with_its_progress(kind, &refuse, allow);
    }
}

/// DDL cannot commit with its progress row. When that write fails after the statement ran, the
/// error says the statement is in effect and which repair records it; following it, `apply`
/// goes on after the statement instead of running it twice.
fn refused_ddl_progress_says_how_to_record_it(kind: Kind) {
    let Some(p) = Project::on(kind) else { return };
    p.native("20260101_000001", "t", "CREATE TABLE t (x INTEGER);", None);
    p.migra(&["apply"]).code(0);
    let (refuse, allow) = refuse_progress(kind);
    for sql in &refuse {
        p.exec(sql);
    }
    let ab = "-- migra:no-transaction\nCREATE TABLE a (x INTEGER) -- ends in a comment\n;\n\
              CREATE TABLE b (x INTEGER);";
    p.native("20260101_000002", "ab", ab, None);
    let r = p.migra(&["apply"]).code(1);
    let repair = "migra repair 20260101_000002 --mark-progress 1";
    assert!(r.stderr.contains("progress refused"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("`{repair}`")), "{}", r.stderr);
    assert_eq!(p.query(PROGRESS), vec!["partial 0/2"]);
    assert_eq!(p.query("SELECT count(*) FROM a"), vec!["0"]);

    p.exec(allow);
    let args: Vec<&str> = repair.split(' ').skip(1).collect();
    p.migra(&args).code(0);
    p.migra(&["apply"]).code(0);
    assert_eq!(p.query("SELECT count(*) FROM b"), vec!["0"]);
    assert_eq!(p.query(PROGRESS), vec!["applied 2/2"]);
}

#[test]
fn refused_ddl_progress_says_how_to_record_it_everywhere() {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mysql] {
        refused_ddl_progress_says_how_to_record_it(kind);
    }
}

/// Migration 2 of a MyISAM table `t` (and `u`, unique): `up`.
fn on_myisam(up: &str) -> Option<Project> {
    let p = Project::on(Kind::Mysql)?;
    let tables = "CREATE TABLE t (x INTEGER) ENGINE=MyISAM;\n\
                  CREATE TABLE u (x INTEGER PRIMARY KEY) ENGINE=MyISAM;";
    p.native("20260101_000001", "t", tables, None);
    p.migra(&["apply"]).code(0);
    p.native("20260101_000002", "seed", up, None);
    Some(p)
}

/// `apply` fails saying the rollback kept changes, query `count` then gives `kept`, history says
/// the migration stopped with its progress unknown and status claims no resume point. Then,
/// with the file rewritten to `fixed` (if given), `apply` refuses to run it again, saying
/// `refusal`, and changes nothing.
fn kept_then_refused(p: &Project, count: &str, kept: &str, fixed: Option<&str>, refusal: &str) {
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(r.stderr.contains("warning 1196"), "{}", r.stderr);
    assert_eq!(p.query(count), vec![kept]);
    assert_eq!(p.query(PROGRESS), vec!["partial 0/2"]);
    let s = p.migra(&["status"]).code(0);
    let unknown = "how much of it took effect is unknown";
    assert!(s.stdout.contains(unknown), "{}", s.stdout);
    assert!(!s.stdout.contains("resumes at statement"), "{}", s.stdout);
    if let Some(up) = fixed {
        p.native("20260101_000002", "seed", up, None);
    }
    let r = p.migra(&["apply"]).code(3);
    assert!(r.stderr.contains(refusal), "{}", r.stderr);
    assert_eq!(p.query(count), vec![kept]);
}

/// A rollback on MySQL/MariaDB cannot take back what went into a table outside transactions
/// (MyISAM here; warning 1196). History then says how much of the migration took effect is
/// unknown, and `apply` refuses to run it again (it would insert the kept rows twice) until
/// `migra repair` records what is in effect.
#[test]
fn mysql_a_rollback_that_keeps_changes_leaves_progress_unknown() {
    // DML alone runs in one transaction: the failure at statement 2 rolls back statement 1,
    // except for its MyISAM row.
    let Some(p) = on_myisam("INSERT INTO t VALUES (1);\nINSERT INTO nope VALUES (2);") else {
        return;
    };
    let fixed = "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);";
    let refusal = "cannot be resumed because rolling back";
    kept_then_refused(&p, "SELECT count(*) FROM t", "1", Some(fixed), refusal);

    // By hand: exactly its first statement is in effect.
    p.migra(&["repair", "20260101_000002", "--mark-progress", "1"])
        .code(0);
    p.migra(&["apply"]).code(0);
    assert_eq!(p.query("SELECT x FROM t ORDER BY x"), vec!["1", "2"]);
    assert_eq!(p.query(PROGRESS), vec!["applied 2/2"]);
}

/// A failed post-check rolls a checked migration back: its MyISAM rows stay all the same, and
/// that is what history says.
#[test]
fn mysql_a_failed_check_over_myisam_leaves_progress_unknown() {
    let up = "-- migra:assert-after SELECT count(*) = 5 FROM t\n\
              INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);";
    let Some(p) = on_myisam(up) else { return };
    let refusal = "an unknown part of its 2 statements";
    kept_then_refused(&p, "SELECT count(*) FROM t", "2", None, refusal);
}

/// Outside a transaction, a DML statement that fails part-way through a MyISAM table keeps the
/// rows it wrote before the error: its rollback says so, and progress is unknown the same way.
#[test]
fn mysql_a_statement_that_fails_part_way_in_myisam_leaves_progress_unknown() {
    let up = "-- migra:no-transaction\nINSERT INTO t VALUES (1);\nINSERT INTO u VALUES (5), (5);";
    let Some(p) = on_myisam(up) else { return };
    let refusal = "how much of it took effect is unknown";
    kept_then_refused(&p, "SELECT count(*) FROM u", "1", None, refusal);
}
