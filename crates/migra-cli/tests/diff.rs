//! `migra diff` on real servers: the convergence check. Apply the up plan, introspect, diff
//! against the target: nothing. Apply the down plan: nothing against the source either.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

fn diff(p: &Project, from: &Project, to: &Project) -> serde_json::Value {
    p.migra(&["diff", "--from", &from.url(), "--to", &to.url(), "--json"])
        .code(0)
        .json()
}

/// Runs each step on its own (autocommit): an enum value added in a transaction cannot be used
/// before it commits. SQLite runs the script on one connection: its rebuilds switch
/// `PRAGMA foreign_keys` off and on, which holds per connection.
fn run_steps(p: &Project, plan: &serde_json::Value) {
    if p.url().starts_with("sqlite:") {
        let script: String = plan["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{};\n", s["command"].as_str().unwrap()))
            .collect();
        p.exec(&script);
        return;
    }
    for step in plan["steps"].as_array().unwrap() {
        p.exec(step["command"].as_str().unwrap());
    }
}

fn changes(r: &serde_json::Value) -> Vec<serde_json::Value> {
    r["changes"].as_array().unwrap().clone()
}

/// Loads `from` and `to`, snapshots both scripts, and checks both directions converge.
fn converges(kind: Kind, from_sql: &str, to_sql: &str, snapshot: &str) {
    let (Some(a), Some(b), Some(a2)) = (Project::on(kind), Project::on(kind), Project::on(kind))
    else {
        return;
    };
    a.exec(from_sql);
    a2.exec(from_sql);
    b.exec(to_sql);
    let r = diff(&a, &a, &b);
    insta::assert_snapshot!(format!("{snapshot}_up"), r["up_script"].as_str().unwrap());
    insta::assert_snapshot!(
        format!("{snapshot}_down"),
        r["down_script"].as_str().unwrap()
    );
    run_steps(&a, &r["up"]);
    let after = diff(&a, &a, &b);
    assert_eq!(
        changes(&after),
        Vec::<serde_json::Value>::new(),
        "up left differences"
    );
    run_steps(&a, &r["down"]);
    let back = diff(&a, &a, &a2);
    assert_eq!(
        changes(&back),
        Vec::<serde_json::Value>::new(),
        "down left differences"
    );
}

#[test]
fn postgres_fixture_converges_both_ways() {
    converges(
        Kind::Postgres,
        &common::diff_fixture("pg_from.sql"),
        &common::diff_fixture("pg_to.sql"),
        "pg_fixture",
    );
}

#[test]
fn mariadb_fixture_converges_both_ways() {
    converges(
        Kind::Mysql,
        &common::diff_fixture("my_from.sql"),
        &common::diff_fixture("my_to.sql"),
        "my_fixture",
    );
}

#[test]
fn sqlite_fixture_converges_both_ways() {
    converges(
        Kind::Sqlite,
        &common::diff_fixture("sl_from.sql"),
        &common::diff_fixture("sl_to.sql"),
        "sl_fixture",
    );
}

#[test]
fn enum_values_are_added_in_place_and_removing_them_is_refused_with_a_reason() {
    let (Some(a), Some(b)) = (Project::on(Kind::Postgres), Project::on(Kind::Postgres)) else {
        return;
    };
    a.exec("CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood DEFAULT 'happy')");
    b.exec("CREATE TYPE mood AS ENUM ('sad', 'neutral', 'happy', 'ecstatic'); CREATE TABLE t (m mood DEFAULT 'neutral')");
    let r = diff(&a, &a, &b);
    insta::assert_snapshot!(r["up_script"].as_str().unwrap());
    assert!(r["down"].is_null());
    assert!(
        r["down_unsupported"]
            .as_str()
            .unwrap()
            .contains("can only add enum values"),
        "{r}"
    );
    run_steps(&a, &r["up"]);
    assert!(changes(&diff(&a, &a, &b)).is_empty());
}

#[test]
fn a_diff_with_itself_is_empty_and_says_so() {
    let Some(a) = Project::on(Kind::Postgres) else {
        return;
    };
    a.exec(&common::diff_fixture("pg_to.sql"));
    assert!(changes(&diff(&a, &a, &a)).is_empty());
    let text = a
        .migra(&["diff", "--from", &a.url(), "--to", &a.url()])
        .code(0)
        .stdout;
    assert_eq!(text, "No differences.\n");
}

/// Renames (from hints), a primary-key change and a new sequence or identity, both ways.
fn renames_converge(kind: Kind) {
    let (Some(a), Some(b), Some(a2)) = (Project::on(kind), Project::on(kind), Project::on(kind))
    else {
        return;
    };
    let from =
        "CREATE TABLE people (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, PRIMARY KEY (id));
                INSERT INTO people (id, name) VALUES (1, 'Ada');";
    let to = "CREATE TABLE persons (id INTEGER NOT NULL, full_name VARCHAR(50) NOT NULL, PRIMARY KEY (id, full_name));";
    a.exec(from);
    a2.exec(from);
    b.exec(to);
    let r = a
        .migra(&[
            "diff",
            "--from",
            &a.url(),
            "--to",
            &b.url(),
            "--json",
            "--rename",
            "people=persons",
            "--rename",
            "persons.name=persons.full_name",
        ])
        .code(0)
        .json();
    let kinds: Vec<&str> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"rename_table") && !kinds.contains(&"drop_table"),
        "{kinds:?}"
    );
    run_steps(&a, &r["up"]);
    assert_eq!(
        a.query("SELECT full_name FROM persons"),
        ["Ada"],
        "a rename keeps the data"
    );
    assert!(changes(&diff(&a, &a, &b)).is_empty());
    run_steps(&a, &r["down"]);
    assert!(changes(&diff(&a, &a, &a2)).is_empty());
    assert_eq!(a.query("SELECT name FROM people"), ["Ada"]);
}

#[test]
fn renames_converge_on_postgres() {
    renames_converge(Kind::Postgres);
}

#[test]
fn renames_converge_on_mariadb() {
    renames_converge(Kind::Mysql);
}

#[test]
fn renames_converge_on_sqlite() {
    renames_converge(Kind::Sqlite);
}

#[test]
fn a_primary_key_under_foreign_keys_is_replaced_around_them() {
    // Renaming the key constraint means dropping it, and posts' key stands on it.
    converges(
        Kind::Postgres,
        "CREATE TABLE users (id integer CONSTRAINT users_pk PRIMARY KEY);
         CREATE TABLE posts (id integer PRIMARY KEY, user_id integer CONSTRAINT posts_user REFERENCES users (id));",
        "CREATE TABLE users (id integer CONSTRAINT users_key PRIMARY KEY);
         CREATE TABLE posts (id integer PRIMARY KEY, user_id integer CONSTRAINT posts_user REFERENCES users (id));",
        "pg_rekey",
    );
}
