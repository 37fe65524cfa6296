//! Live data probes on real servers: `migra validate -d URL` turns "may" into "will".
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::Project;
use common::db::Kind;

/// 45,000 users with a token; one duplicate email; one order without a user; one email too long
/// for varchar(20).
fn seed(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => {
            "CREATE TABLE users (id int PRIMARY KEY, legacy_token text, email varchar(100), unused text);\n\
             CREATE TABLE orders (id int PRIMARY KEY, user_id int);\n\
             INSERT INTO users SELECT g, 'tok' || g, 'u' || g || '@x.io', NULL FROM generate_series(1, 45000) g;\n\
             UPDATE users SET email = 'u1@x.io' WHERE id = 2;\n\
             UPDATE users SET email = 'a-very-long-address@example.com' WHERE id = 3;\n\
             INSERT INTO orders VALUES (1, 1), (2, 999999);"
        }
        Kind::Mysql => {
            "CREATE TABLE users (id int PRIMARY KEY, legacy_token text, email varchar(100), unused text);\n\
             CREATE TABLE orders (id int PRIMARY KEY, user_id int);\n\
             SET SESSION max_recursive_iterations = 100000;\n\
             INSERT INTO users WITH RECURSIVE g (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 45000) SELECT n, CONCAT('tok', n), CONCAT('u', n, '@x.io'), NULL FROM g;\n\
             UPDATE users SET email = 'u1@x.io' WHERE id = 2;\n\
             UPDATE users SET email = 'a-very-long-address@example.com' WHERE id = 3;\n\
             INSERT INTO orders VALUES (1, 1), (2, 999999);"
        }
        Kind::Sqlite => {
            "CREATE TABLE users (id int PRIMARY KEY, legacy_token text, email varchar(100), unused text);\n\
             INSERT INTO users WITH RECURSIVE g (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 45000) SELECT n, 'tok' || n, 'u' || n || '@x.io', NULL FROM g;\n\
             UPDATE users SET email = 'u1@x.io' WHERE id = 2;"
        }
    }
}

fn pending(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => {
            "ALTER TABLE users DROP COLUMN legacy_token;\n\
             ALTER TABLE users DROP COLUMN unused;\n\
             CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);\n\
             ALTER TABLE users ALTER COLUMN email TYPE varchar(20);"
        }
        Kind::Mysql => {
            "ALTER TABLE users DROP COLUMN legacy_token;\n\
             ALTER TABLE users DROP COLUMN unused;\n\
             CREATE UNIQUE INDEX users_email ON users (email);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);\n\
             ALTER TABLE users MODIFY email varchar(20);"
        }
        Kind::Sqlite => {
            "ALTER TABLE users DROP COLUMN legacy_token;\n\
             ALTER TABLE users DROP COLUMN unused;\n\
             CREATE UNIQUE INDEX users_email ON users (email);"
        }
    }
}

/// Finds the entry of `code` about `object` in errors or warnings: (severity, message).
fn entry(v: &serde_json::Value, code: &str, object: &str) -> (String, String) {
    for list in ["errors", "warnings"] {
        for e in v[list].as_array().unwrap() {
            if e["type"] == code && e["object"] == object {
                return (
                    e["severity"].as_str().unwrap().into(),
                    e["message"].as_str().unwrap().into(),
                );
            }
        }
    }
    panic!("no {code} on {object} in {v:#}");
}

fn check(kind: Kind) {
    let Some(p) = Project::on(kind) else { return };
    p.native("20260101_000000", "seed", seed(kind), None);
    p.migra(&["apply"]).code(0);
    let mark = if kind == Kind::Postgres {
        "-- migra:no-transaction\n"
    } else {
        ""
    };
    p.native(
        "20260102_000000",
        "tighten",
        &format!("{mark}{}", pending(kind)),
        None,
    );
    let v = p.migra(&["validate", "--json"]).code(3).json();

    let (sev, msg) = entry(&v, "DL103", "users.legacy_token");
    assert_eq!(sev, "error");
    assert!(
        msg.ends_with("deletes its values: 45000 non-NULL values"),
        "{msg}"
    );
    let (sev, msg) = entry(&v, "DL103", "users.unused");
    assert_eq!(
        sev, "info",
        "a column holding only NULLs loses nothing: {msg}"
    );
    let (sev, msg) = entry(&v, "DD203", "users");
    assert_eq!(sev, "error");
    assert!(msg.ends_with(": 1 group of duplicate rows"), "{msg}");
    if kind != Kind::Sqlite {
        let (sev, msg) = entry(&v, "DD205", "orders");
        assert_eq!(sev, "error");
        assert!(msg.ends_with(": 1 row without a referenced row"), "{msg}");
        let (sev, msg) = entry(&v, "DL106", "users.email");
        assert_eq!(sev, "error");
        assert!(msg.ends_with(": 1 value longer than 20"), "{msg}");
    }
    // The server version comes from the live database, as the database itself reports it.
    let reported = p.query(match kind {
        Kind::Postgres => "SHOW server_version",
        Kind::Mysql => "SELECT VERSION()",
        Kind::Sqlite => "SELECT sqlite_version()",
    });
    let major: u64 = reported[0]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let target = &v["summary"]["target"];
    assert_eq!(
        target["version"]["major"], major,
        "{target} vs {reported:?}"
    );
    assert_eq!(
        target["mariadb"],
        reported[0].contains("MariaDB"),
        "{target} vs {reported:?}"
    );
    // Nothing ran: validation only reads.
    assert_eq!(p.query("SELECT count(*) FROM users"), vec!["45000"]);
}

#[test]
fn probes_on_postgres() {
    check(Kind::Postgres);
}

#[test]
fn probes_on_mariadb() {
    check(Kind::Mysql);
}

#[test]
fn probes_on_sqlite() {
    check(Kind::Sqlite);
}
