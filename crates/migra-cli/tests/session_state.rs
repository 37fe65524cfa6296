//! A migration may change which schema (PostgreSQL `SET search_path`, as `pg_dump` output does
//! first thing) or database (MySQL `USE`) unqualified names mean for the rest of the session.
//! The bookkeeping must not follow: history stays where it was, in the transaction's final
//! record and in the progress written after each statement outside a transaction. Before, the
//! record failed ("relation migra_history does not exist") after the migration had run. And the
//! next migration starts where names pointed before, as it would in a later `apply`.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const APPLIED: &str = "SELECT count(*) FROM migra_history WHERE status = 'applied'";

#[test]
fn postgres_search_path_changes_leave_history_where_it_is() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.exec("CREATE SCHEMA other");
    // pg_dump's own first line: nothing unqualified resolves after it.
    let dump = "SELECT pg_catalog.set_config('search_path', '', false);\n\
                CREATE TABLE public.a (x INTEGER);";
    p.native("20260101_000001", "dump", dump, None);
    let moved = "-- migra:no-transaction\nSET search_path = other;\n\
                 CREATE TABLE b (x INTEGER);\nCREATE TABLE c (x INTEGER);";
    p.native("20260101_000002", "moved", moved, None);
    p.native(
        "20260101_000003",
        "after",
        "CREATE TABLE d (x INTEGER);",
        None,
    );
    p.migra(&["apply", "--no-validate"]).code(0);

    assert_eq!(p.query(APPLIED), vec!["3"]);
    let other = "SELECT string_agg(tablename::text, ' ' ORDER BY tablename) FROM pg_tables \
                 WHERE schemaname = 'other'";
    assert_eq!(p.query(other), vec!["b c"]);
    assert_eq!(
        p.query("SELECT to_regclass('public.d') IS NOT NULL"),
        vec!["true"]
    );
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        (&status["applied"], &status["pending"]),
        (&3.into(), &0.into()),
        "{status}"
    );
}

#[test]
fn mysql_use_leaves_history_where_it_is() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    let url = p.url();
    let db = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let other = format!("{db}_o");
    p.exec(&format!("CREATE DATABASE IF NOT EXISTS {other}"));
    let moved = format!("USE {other};\nCREATE TABLE b (x INTEGER);\nCREATE TABLE c (x INTEGER);");
    p.native("20260101_000001", "moved", &moved, None);
    p.native(
        "20260101_000002",
        "after",
        "CREATE TABLE d (x INTEGER);",
        None,
    );
    let r = p.migra(&["apply", "--no-validate"]);
    let tables = p.query(&format!(
        "SELECT group_concat(table_name ORDER BY table_name SEPARATOR ' ') \
         FROM information_schema.tables WHERE table_schema = '{other}'"
    ));
    p.exec(&format!("DROP DATABASE {other}"));
    r.code(0);
    assert_eq!(p.query(APPLIED), vec!["2"]);
    assert_eq!(tables, vec!["b c"]);
    assert_eq!(p.query("SELECT count(*) FROM d"), vec!["0"]);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        (&status["applied"], &status["pending"]),
        (&2.into(), &0.into()),
        "{status}"
    );
}

/// A setting a migration leaves behind (here the date order, as a dump's `SET` lines would) does
/// not reach the next migration: it reads dates as a later `apply` would.
#[test]
fn postgres_settings_do_not_outlive_their_migration() {
    let Some(p) = Project::on(Kind::Postgres) else {
        return;
    };
    p.native(
        "20260101_000001",
        "dmy",
        "SET DateStyle = 'ISO, DMY';",
        None,
    );
    let read = "CREATE TABLE dates AS SELECT '01/02/2020'::date::text AS d;";
    p.native("20260101_000002", "read", read, None);
    p.migra(&["apply", "--no-validate"]).code(0);
    assert_eq!(p.query("SELECT d FROM dates"), vec!["2020-01-02"]);
}

/// `mysqldump` output turns foreign key checks off in an executable comment; left off, the next
/// migration would write a row no parent has.
#[test]
fn mysql_foreign_key_checks_do_not_stay_off() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    let parent = "/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\n\
                  CREATE TABLE parent (id INTEGER PRIMARY KEY);\n\
                  CREATE TABLE child (id INTEGER, parent_id INTEGER REFERENCES parent (id));";
    p.native("20260101_000001", "tables", parent, None);
    let orphan = "INSERT INTO child VALUES (1, 42);";
    p.native("20260101_000002", "orphan", orphan, None);
    let r = p.migra(&["apply", "--no-validate"]).code(1);
    assert!(
        r.stderr.contains("foreign key constraint fails"),
        "{}",
        r.stderr
    );
    assert_eq!(p.query("SELECT count(*) FROM child"), vec!["0"]);
}

/// A dump's `SQL_MODE` and `TIME_ZONE` lines do not reach the next migration either: it runs with
/// the session the run began with (the driver's `PIPES_AS_CONCAT` and UTC among it).
#[test]
fn mysql_dump_settings_do_not_reach_the_next_migration() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    let dump = "/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\
                /*!40103 SET TIME_ZONE='+05:00' */;\n\
                CREATE TABLE t (x INTEGER);";
    p.native("20260101_000001", "dump", dump, None);
    let read = "CREATE TABLE s AS SELECT @@session.time_zone AS z, \
                @@session.sql_mode LIKE '%PIPES_AS_CONCAT%' AS pipes;";
    p.native("20260101_000002", "read", read, None);
    p.migra(&["apply", "--no-validate"]).code(0);
    assert_eq!(
        p.query("SELECT concat(z, ' ', pipes) FROM s"),
        vec!["+00:00 1"]
    );
}
