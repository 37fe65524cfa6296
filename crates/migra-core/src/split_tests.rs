use super::*;

fn sqls(text: &str, opts: &SplitOptions) -> Vec<String> {
    split(text, 1, opts)
        .expect("splits")
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

#[test]
fn plain_statements_with_lines() {
    let got = split(
        "CREATE TABLE a (id int);\n\n-- note\n  CREATE INDEX i ON a (id);\n",
        10,
        &SplitOptions::SQLITE,
    )
    .expect("splits");
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0],
        Statement {
            sql: "CREATE TABLE a (id int)".into(),
            line: 10,
            column: 1
        }
    );
    assert_eq!(
        got[1],
        Statement {
            sql: "CREATE INDEX i ON a (id)".into(),
            line: 13,
            column: 3
        }
    );
}

#[test]
fn semicolons_inside_quotes_and_comments_do_not_split() {
    let text =
        "INSERT INTO t VALUES ('a;b', 'it''s;');\n/* x; y */ SELECT \"c;d\" -- e;f\n FROM t;";
    assert_eq!(
        sqls(text, &SplitOptions::SQLITE),
        vec![
            "INSERT INTO t VALUES ('a;b', 'it''s;')",
            "SELECT \"c;d\" -- e;f\n FROM t"
        ]
    );
}

#[test]
fn comment_only_statements_are_dropped() {
    assert!(
        sqls(
            "-- nothing here\n/* nor here */\n;\n",
            &SplitOptions::POSTGRES
        )
        .is_empty()
    );
}

#[test]
fn dollar_quoted_function_bodies() {
    let text = "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\nSELECT $$a;b$$, $1;";
    let got = split(text, 1, &SplitOptions::POSTGRES).expect("splits");
    assert_eq!(got.len(), 2);
    assert!(got[0].sql.ends_with("LANGUAGE plpgsql"));
    assert_eq!(got[1].line, 7);
}

#[test]
fn postgres_e_strings_have_backslash_escapes() {
    // E'' strings take backslash escapes; standard strings do not ('c\' is complete).
    let got = sqls(
        r"SELECT E'a\'; b'; SELECT 'c\'; SELECT 2;",
        &SplitOptions::POSTGRES,
    );
    assert_eq!(got, vec![r"SELECT E'a\'; b'", r"SELECT 'c\'", "SELECT 2"]);
}

#[test]
fn nested_comments_in_postgres() {
    assert_eq!(
        sqls(
            "/* a /* b; */ c; */ SELECT 1; SELECT 2",
            &SplitOptions::POSTGRES
        ),
        vec!["SELECT 1", "SELECT 2"]
    );
}

#[test]
fn sqlite_trigger_body() {
    let text = "CREATE TRIGGER trg AFTER INSERT ON t BEGIN\n  UPDATE t SET n = CASE WHEN n > 0 THEN n ELSE 0 END;\n  INSERT INTO log VALUES (1);\nEND;\nCREATE TABLE event (begin_at int);";
    let got = sqls(text, &SplitOptions::SQLITE);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].ends_with("END"));
}

#[test]
fn mysql_procedure_without_delimiter() {
    let text = "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN x INT)\nBEGIN\n  IF x > 0 THEN\n    SELECT 1;\n  END IF;\n  lbl: LOOP\n    LEAVE lbl;\n  END LOOP lbl;\n  CASE x WHEN 1 THEN SELECT 2; ELSE SELECT 3; END CASE;\nEND;\nSELECT 4;";
    let got = sqls(text, &SplitOptions::MYSQL);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1], "SELECT 4");
}

#[test]
fn mysql_delimiter_command() {
    let text = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\nSELECT 2;\n# hash comment;\nSELECT 3;";
    let got = split(text, 1, &SplitOptions::MYSQL).expect("splits");
    let s: Vec<_> = got.iter().map(|s| (s.sql.as_str(), s.line)).collect();
    assert_eq!(
        s,
        vec![
            ("CREATE PROCEDURE p() BEGIN SELECT 1; END", 2),
            ("SELECT 2", 4),
            ("SELECT 3", 6)
        ]
    );
}

#[test]
fn mysql_backslash_escapes() {
    assert_eq!(
        sqls(
            r"INSERT INTO t VALUES ('a\';b'); SELECT 1;",
            &SplitOptions::MYSQL
        )
        .len(),
        2
    );
}

#[test]
fn transaction_statements_are_not_blocks() {
    assert_eq!(
        sqls(
            "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;",
            &SplitOptions::POSTGRES
        )
        .len(),
        3
    );
}

#[test]
fn begin_atomic_function() {
    let text = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;";
    assert_eq!(sqls(text, &SplitOptions::POSTGRES).len(), 2);
}

#[test]
fn unterminated_constructs_name_their_line() {
    let e = split("SELECT 1;\nSELECT 'abc;\n", 1, &SplitOptions::SQLITE).expect_err("unterminated");
    assert_eq!(e.line, 2);
    let e = split("SELECT 1;\n\n/* open", 5, &SplitOptions::SQLITE).expect_err("unterminated");
    assert_eq!(e.line, 7);
    let e = split("DO $x$ BEGIN", 1, &SplitOptions::POSTGRES).expect_err("unterminated");
    assert!(matches!(e.kind, SourceErrorKind::Unterminated { .. }));
}

#[test]
fn last_statement_needs_no_semicolon_and_utf8_is_kept() {
    assert_eq!(
        sqls("SELECT 'héllo';\nSELECT 'ünï'", &SplitOptions::SQLITE),
        vec!["SELECT 'héllo'", "SELECT 'ünï'"]
    );
}

#[test]
fn copy_from_stdin_keeps_its_rows() {
    let text = "CREATE TABLE t (x int, s text);\nCOPY t (x, s) FROM stdin;\n1\ta; b\n2\t\\N\n\\.\nSELECT 1;\n";
    let got = split(text, 1, &SplitOptions::POSTGRES).expect("splits");
    let sql: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [
            "CREATE TABLE t (x int, s text)",
            "COPY t (x, s) FROM stdin;\n1\ta; b\n2\t\\N\n\\.",
            "SELECT 1"
        ]
    );
    assert_eq!(got[2].line, 6);
    assert_eq!(
        crate::client::client_copy(&got[1].sql),
        Some(crate::client::ClientCopy::Rows {
            command: "COPY t (x, s) FROM stdin".into(),
            rows: "1\ta; b\n2\t\\N\n".into()
        })
    );
    // Elsewhere the rows are not special, and without their end they are an error.
    assert_eq!(
        sqls("COPY t FROM stdin;\nx;\n", &SplitOptions::SQLITE).len(),
        2
    );
    let e = split("COPY t FROM stdin;\n1\n", 3, &SplitOptions::POSTGRES).expect_err("no end");
    assert_eq!(e.line, 3);
    // Not from the client: an ordinary statement.
    assert_eq!(
        sqls(
            "COPY t FROM '/srv/t.csv';\nSELECT 1;",
            &SplitOptions::POSTGRES
        )
        .len(),
        2
    );
}

#[test]
fn mysql_executable_comments_are_statements() {
    let text = "/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\n\
                /*!50001 CREATE VIEW v AS SELECT 1; */;\n\
                /* a note */ CREATE TABLE t (x int) /*!50100 ENGINE=InnoDB */;\n\
                /*M!100101 SET @x = 1 */;\n\
                /* only a note */;";
    assert_eq!(
        sqls(text, &SplitOptions::MYSQL),
        [
            "/*!40014 SET FOREIGN_KEY_CHECKS=0 */",
            "/*!50001 CREATE VIEW v AS SELECT 1; */",
            "CREATE TABLE t (x int) /*!50100 ENGINE=InnoDB */",
            "/*M!100101 SET @x = 1 */",
        ]
    );
    // Elsewhere `/*!` opens a comment like any other.
    assert_eq!(
        sqls("/*! a note */ SELECT 1;", &SplitOptions::POSTGRES),
        ["SELECT 1"]
    );
}
