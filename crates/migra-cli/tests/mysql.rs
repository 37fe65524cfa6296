//! MySQL/MariaDB-only behaviour: introspection of inline ENUMs, unsigned and prefix indexes,
//! generated columns, checks, routines and triggers; a migration's own SQL-level prepared
//! statements next to the driver's; connection errors that say what failed; TLS from the URL.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use common::db::Kind;

const MY_SCHEMA: &str = "CREATE TABLE people (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(200) NOT NULL COMMENT 'login',
    mood ENUM('sad','ok','it''s fine') NOT NULL DEFAULT 'ok',
    score DECIMAL(5,2),
    bio TEXT,
    email_lower VARCHAR(200) GENERATED ALWAYS AS (lower(email)) STORED,
    joined DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY people_email (email),
    KEY people_bio (bio(20)),
    FULLTEXT KEY people_ft (bio),
    CONSTRAINT score_positive CHECK (score >= 0)
) COMMENT 'who is who';
CREATE TABLE posts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    person_id INT UNSIGNED NOT NULL,
    CONSTRAINT posts_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE
);
CREATE VIEW happy AS SELECT id, email FROM people WHERE mood = 'ok';
DELIMITER //
CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW BEGIN SET NEW.id = NEW.id; END//
DELIMITER ;";

#[test]
fn inspect_reads_information_schema_into_the_model() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    p.native("20260101_000001", "schema", MY_SCHEMA, None);
    p.migra(&["apply"]).code(0);
    let out = p.migra(&["inspect", "--json"]).code(0).stdout;
    let db: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ns = &db["namespaces"][0];
    let tables: Vec<&str> = ns["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        vec!["people", "posts"],
        "migra's own tables are left out"
    );
    // The test database's name is random: views spell it in their definitions.
    let name = ns["name"].as_str().unwrap().to_string();
    let text = serde_json::to_string_pretty(ns)
        .unwrap()
        .replace(&name, "[DB]");
    insta::assert_snapshot!("mysql_inspect_db", text);
    insta::assert_snapshot!(
        "mysql_inspect_unmodelled",
        serde_json::to_string_pretty(&db["unmodelled"]).unwrap()
    );
}

/// A migration's own SQL-level `PREPARE` / `EXECUTE` / `DEALLOCATE PREPARE` (the usual way to
/// run conditional DDL in MySQL) is apart from the driver's protocol-level statements: the history
/// writes after it, on the same session, still work, both ways.
#[test]
fn sql_level_prepared_statements_leave_the_bookkeeping_alone() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    let dynamic = "SET @s = 'CREATE TABLE dyn1 (x INT)';\nPREPARE stmt FROM @s;\nEXECUTE stmt;\nDEALLOCATE PREPARE stmt;\n";
    p.native(
        "20260101_000001",
        "dynamic",
        dynamic,
        Some("SET @s = 'DROP TABLE dyn1';\nPREPARE stmt FROM @s;\nEXECUTE stmt;\nDEALLOCATE PREPARE stmt;\n"),
    );
    p.native(
        "20260101_000002",
        "plain",
        "CREATE TABLE dyn2 (x INT);",
        Some("DROP TABLE dyn2;"),
    );
    let user_tables = || -> Vec<String> {
        let mut t = p.tables();
        t.retain(|n| !n.starts_with("migra_history"));
        t
    };
    p.migra(&["apply"]).code(0);
    assert_eq!(user_tables(), vec!["dyn1", "dyn2"]);
    let status = p.migra(&["status", "--json"]).code(0).json();
    assert_eq!(
        (status["applied"].as_u64(), status["pending"].as_u64()),
        (Some(2), Some(0))
    );
    p.migra(&["rollback", "--steps", "2"]).code(0);
    assert!(user_tables().is_empty(), "{:?}", user_tables());
    p.migra(&["apply"]).code(0);
    assert_eq!(user_tables(), vec!["dyn1", "dyn2"]);
}

#[test]
fn connection_errors_say_what_failed_without_the_password() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    p.native("20260101_000001", "a", "SELECT 1;", None);
    p.check_login_errors("Access denied for user 'migra_test'");
    let socket = p.dir.path().join("no-server.sock");
    let msg = p.connect_error(&format!("{}?socket={}", p.url(), socket.display()), 1);
    assert!(
        msg.contains(&format!("cannot reach {} (", socket.display())),
        "{msg}"
    );
}

#[test]
fn tls_options_come_from_the_url() {
    let Some(p) = Project::on(Kind::Mysql) else {
        return;
    };
    // The CA that signed the server's certificate (scripts/servers.sh makes both).
    let Some(ca) = common::db::required_env("MIGRA_TEST_MYSQL_CA", "MySQL test CA") else {
        return;
    };
    // A user the server admits only over TLS: every connection it lets in was encrypted.
    let good = p.url();
    let (_, db) = good.rsplit_once('/').unwrap();
    p.exec(&format!(
        "CREATE USER IF NOT EXISTS 'migra_tls'@'127.0.0.1' IDENTIFIED BY 's3cret-tls';
         ALTER USER 'migra_tls'@'127.0.0.1' IDENTIFIED BY 's3cret-tls' REQUIRE SSL;
         GRANT ALL PRIVILEGES ON `{db}`.* TO 'migra_tls'@'127.0.0.1';"
    ));
    let tls = good.replacen("migra_test:migra_test@", "migra_tls:s3cret-tls@", 1);
    p.native("20260101_000001", "a", "CREATE TABLE a (x INT);", None);

    let msg = p.connect_error(&format!("{tls}?ssl-mode=DISABLED"), 1);
    assert!(
        msg.contains("authentication failed for user `migra_tls`: Access denied"),
        "{msg}"
    );
    p.migra_raw(&["apply", "-d", &format!("{tls}?ssl-mode=REQUIRED")])
        .code(0);
    assert!(p.tables().contains(&"a".to_string()));
    // Verified against the CA that signed the server's certificate, name included.
    let verified = format!("{tls}?ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}");
    let j = p
        .migra_raw(&["status", "-d", &verified, "--json"])
        .code(0)
        .json();
    assert_eq!(j["applied"], 1, "{j}");
    // Without the CA the same certificate is refused: verification really runs.
    let msg = p.connect_error(&format!("{tls}?ssl-mode=VERIFY_CA"), 1);
    assert!(
        msg.contains("TLS with 127.0.0.1:") && msg.contains("UnknownIssuer"),
        "{msg}"
    );
    // No ssl-mode: TLS when the server offers it, as the mysql client does.
    p.migra_raw(&["status", "-d", &tls]).code(0);
}
