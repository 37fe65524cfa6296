//! `migra generate`: the generated file is a real migration. migra applies it, the database then
//! matches the target, and its down part brings the database back to where it was.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

fn no_difference(p: &Project, a: &Project, b: &Project) {
    let r = p
        .migra(&["diff", "--from", &a.url(), "--to", &b.url(), "--json"])
        .code(0)
        .json();
    assert_eq!(r["changes"], serde_json::json!([]));
}

/// Generates from `from` to `to`, applies the file with migra, checks, rolls it back, checks.
fn generated_file_applies_and_rolls_back(kind: Kind, from: &str, to: &str) {
    let (Some(db), Some(target), Some(original)) =
        (Project::on(kind), Project::on(kind), Project::on(kind))
    else {
        return;
    };
    db.exec(from);
    original.exec(from);
    target.exec(to);
    let r = db
        .migra(&[
            "generate",
            "--from",
            &db.url(),
            "--to",
            &target.url(),
            "--json",
        ])
        .code(0)
        .json();
    // Relative to the working directory, like --dir.
    let path = db.path().join(r["path"].as_str().unwrap());
    assert!(
        path.parent().unwrap().ends_with("migrations") && path.is_file(),
        "written to the migration directory: {}",
        path.display()
    );
    assert!(
        r["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["data_loss_risk"] == "high")
    );
    assert!(!r["data_at_risk"].as_array().unwrap().is_empty());
    // The validator that gates `apply` sees the same risk, and needs a stated reason.
    let refused = db.migra(&["apply"]).code(3);
    assert!(
        refused.stderr.contains("blocking finding"),
        "{}",
        refused.stderr
    );
    db.migra(&["apply", "--allow-unsafe", "test data only"])
        .code(0);
    no_difference(&db, &db, &target);
    db.migra(&["rollback"]).code(0);
    no_difference(&db, &db, &original);
}

#[test]
fn on_sqlite() {
    generated_file_applies_and_rolls_back(
        Kind::Sqlite,
        &common::diff_fixture("sl_from.sql"),
        &common::diff_fixture("sl_to.sql"),
    );
}

#[test]
fn on_postgres() {
    generated_file_applies_and_rolls_back(
        Kind::Postgres,
        &common::diff_fixture("pg_from.sql"),
        &common::diff_fixture("pg_to.sql"),
    );
}

#[test]
fn on_mariadb() {
    generated_file_applies_and_rolls_back(
        Kind::Mysql,
        &common::diff_fixture("my_from.sql"),
        &common::diff_fixture("my_to.sql"),
    );
}

#[test]
fn names_come_from_the_changes_and_an_empty_diff_writes_nothing() {
    let (a, b) = (Project::new(), Project::new());
    a.exec("CREATE TABLE payments (id INTEGER PRIMARY KEY)");
    b.exec("CREATE TABLE payments (id INTEGER PRIMARY KEY, retry_count INTEGER)");
    let r = a
        .migra(&["generate", "--from", &a.url(), "--to", &b.url(), "--json"])
        .code(0)
        .json();
    assert_eq!(r["name"], "add_retry_count_to_payments");
    assert!(
        r["path"]
            .as_str()
            .unwrap()
            .ends_with("_add_retry_count_to_payments.sql")
    );
    let text = std::fs::read_to_string(a.path().join(r["path"].as_str().unwrap())).unwrap();
    assert!(
        text.contains(
            "-- DIRECTION: up\nALTER TABLE \"payments\" ADD COLUMN \"retry_count\" INTEGER;"
        ),
        "{text}"
    );
    assert!(
        text.contains("-- DIRECTION: down\nALTER TABLE \"payments\" DROP COLUMN \"retry_count\";"),
        "{text}"
    );
    let same = a
        .migra(&["generate", "--from", &a.url(), "--to", &a.url()])
        .code(2);
    assert!(same.stderr.contains("do not differ"), "{}", same.stderr);
}

#[test]
fn the_estimate_comes_from_the_source_tables_rows() {
    let (a, b) = (Project::new(), Project::new());
    a.exec(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
         INSERT INTO events (kind) SELECT 'k' || (i % 7) FROM n;",
    );
    b.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT); CREATE INDEX events_kind ON events (kind);");
    let r = a
        .migra(&["generate", "--from", &a.url(), "--to", &b.url(), "--json"])
        .code(0)
        .json();
    assert_eq!(
        r["estimated_work"],
        serde_json::json!(["events: 5000 rows indexed"])
    );
    assert!(r["estimated_duration"].as_str().unwrap().ends_with(" s"));
}

#[test]
fn renames_written_in_the_target_sql_keep_the_data() {
    let p = Project::new();
    p.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'Ada');");
    std::fs::write(
        p.path().join("schema.sql"),
        "CREATE TABLE persons ( -- migra:renamed-from people\n    id INTEGER PRIMARY KEY,\n    full_name TEXT -- migra:renamed-from name\n);\n",
    )
    .unwrap();
    let r = p
        .migra(&[
            "generate",
            "--from",
            &p.url(),
            "--to",
            "schema.sql",
            "--json",
        ])
        .code(0)
        .json();
    let up = r["up_script"].as_str().unwrap();
    assert!(
        up.contains("RENAME TO \"persons\"")
            && up.contains("RENAME COLUMN \"name\" TO \"full_name\""),
        "{up}"
    );
    assert!(!up.contains("DROP TABLE"), "{up}");
    p.migra(&["apply"]).code(0);
    assert_eq!(p.query("SELECT full_name FROM persons"), ["Ada"]);
}
