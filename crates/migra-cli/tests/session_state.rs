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
