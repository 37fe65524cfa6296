use super::*;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        contents: text.as_bytes().to_vec(),
    }
}

fn load_all(files: &[SourceFile]) -> Result<Vec<Migration>, SourceErrors> {
    load(files, &LoadOptions::new(SplitOptions::SQLITE))
}

fn one_error(files: &[SourceFile]) -> SourceError {
    let mut errs = load_all(files).expect_err("must fail").0;
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.remove(0)
}

#[test]
fn native_with_both_directions() {
    let m = load_all(&[file(
        "20260101_120000_create_users.sql",
        "-- MIGRATION: create users\n-- DIRECTION: up\nCREATE TABLE users (id int);\nCREATE INDEX i ON users (id);\n-- DIRECTION: down\nDROP TABLE users;\n",
    )])
    .expect("loads");
    assert_eq!(m.len(), 1);
    let m = &m[0];
    assert_eq!(m.version.as_str(), "20260101_120000");
    assert_eq!(m.name, "create users");
    assert_eq!(m.layout, Layout::Native);
    assert_eq!(m.up.statements.len(), 2);
    assert_eq!(m.up.statements[1].line, 4);
    let down = m.down.as_ref().expect("reversible");
    assert_eq!(down.statements[0].line, 6);
    assert!(m.transaction);
}

#[test]
fn native_without_down_is_irreversible_and_directives_apply() {
    let m = load_all(&[file(
        "20260101_120000_x.sql",
        "-- migra:no-transaction\n-- DIRECTION: up\nCREATE INDEX i ON t (a);\n",
    )])
    .expect("loads");
    assert!(!m[0].is_reversible());
    assert_eq!(m[0].name, "x");
    assert!(!m[0].transaction);
    assert_eq!(
        m[0].irreversible_reason.as_deref(),
        Some("it has no down part")
    );
}

#[test]
fn native_errors_name_file_and_line() {
    let e = one_error(&[file(
        "20260101_120000_a.sql",
        "-- DIRECTION: down\nDROP TABLE a;\n-- DIRECTION: up\nCREATE TABLE a (x int);\n",
    )]);
    assert_eq!(
        (e.file.as_str(), e.line),
        ("20260101_120000_a.sql", Some(1))
    );
    assert!(matches!(e.kind, SourceErrorKind::DownBeforeUp { .. }));

    let e = one_error(&[file(
        "20260101_120000_a.sql",
        "-- DIRECTION: up\nSELECT 1;\n-- DIRECTION: sideways\n",
    )]);
    assert_eq!(e.line, Some(3));
    assert!(
        e.to_string()
            .contains("unknown marker `-- DIRECTION: sideways`"),
        "{e}"
    );

    let e = one_error(&[file(
        "20260101_120000_a.sql",
        "-- DIRECTION: up\n-- only a comment\n-- DIRECTION: down\nSELECT 1;\n",
    )]);
    assert_eq!(e.kind, SourceErrorKind::EmptyUp);
    assert_eq!(e.line, Some(2));

    let e = one_error(&[file(
        "20260101_120000_a.sql",
        "-- DIRECTION: up\n-- migra:frobnicate\nSELECT 1;\n",
    )]);
    assert_eq!(e.line, Some(2));

    let e = one_error(&[file("20260101_120000_a.sql", "CREATE TABLE a (x int);\n")]);
    assert!(matches!(e.kind, SourceErrorKind::SqlBeforeUp { .. }), "{e}");

    let mut bad = b"-- DIRECTION: up\nSELECT 'ok';\nSELECT '".to_vec();
    bad.extend_from_slice(&[0xff, 0xfe, b'\'', b';']);
    let e = one_error(&[SourceFile {
        path: "20260101_120000_a.sql".into(),
        contents: bad,
    }]);
    assert_eq!(e.line, Some(3));
    assert!(
        matches!(e.kind, SourceErrorKind::InvalidUtf8 { offset: 38 }),
        "{e:?}"
    );
}

#[test]
fn duplicate_versions_are_reported() {
    let e = one_error(&[
        file("20260101_120000_a.sql", "-- DIRECTION: up\nSELECT 1;\n"),
        file("20260101_120000_b.sql", "-- DIRECTION: up\nSELECT 2;\n"),
    ]);
    assert!(
        matches!(e.kind, SourceErrorKind::DuplicateVersion { .. }),
        "{e}"
    );
}

#[test]
fn paired_files_sorted_numerically() {
    let m = load_all(&[
        file("10_b.up.sql", "CREATE TABLE b (x int);"),
        file("9_a.up.sql", "CREATE TABLE a (x int);"),
        file("9_a.down.sql", "DROP TABLE a;"),
        file("V0011.Third_Thing.up.sql", "SELECT 3;"),
    ])
    .expect("loads");
    let v: Vec<_> = m
        .iter()
        .map(|m| (m.version.as_str(), m.name.as_str(), m.is_reversible()))
        .collect();
    assert_eq!(
        v,
        vec![
            ("9", "a", true),
            ("10", "b", false),
            ("0011", "Third_Thing", false)
        ]
    );
}

#[test]
fn diesel_folders_metadata_and_order() {
    let m = load_all(&[
        file("2017-08-31-230457_b/up.sql", "SELECT 2;"),
        file("20170318181441_a/up.sql", "SELECT 1;"),
        file("20170318181441_a/down.sql", ""),
        file(
            "2017-08-31-230457_b/metadata.toml",
            "run_in_transaction = false\n",
        ),
        file("README.md", "not a migration"),
    ])
    .expect("loads");
    assert_eq!(
        m.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        vec!["a", "b"]
    );
    assert!(m[0].transaction && !m[1].transaction);
    assert!(!m[0].is_reversible(), "an empty down.sql is not a rollback");
    assert!(
        m[0].irreversible_reason
            .as_deref()
            .is_some_and(|r| r.contains("empty"))
    );
}

#[test]
fn dbmate_markers_and_options() {
    let m = load_all(&[file("20200101000000_x.sql", "-- migrate:up transaction:false\nCREATE TABLE x (a int);\n\n-- migrate:down\nDROP TABLE x;\n")])
        .expect("loads");
    assert_eq!(m[0].layout, Layout::Dbmate);
    assert!(!m[0].transaction);
    assert_eq!(m[0].down.as_ref().map(|d| d.statements.len()), Some(1));
    let e = one_error(&[file(
        "20200101000000_x.sql",
        "-- migrate:up\nSELECT 1;\n-- migrate:sideways\n",
    )]);
    assert_eq!(e.line, Some(3));
}

#[test]
fn flyway_versions_and_undo() {
    let m = load_all(&[
        file("V1_10__later.sql", "SELECT 2;"),
        file("V1_9__earlier_one.sql", "SELECT 1;"),
        file("U1_9__earlier_one.sql", "SELECT -1;"),
    ])
    .expect("loads");
    assert_eq!(
        m.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        vec!["earlier one", "later"]
    );
    assert!(m[0].is_reversible());
    let e = one_error(&[file("R__view.sql", "SELECT 1;")]);
    assert!(matches!(e.kind, SourceErrorKind::Unsupported { .. }));
}

#[test]
fn sqlx_single_files() {
    let m = load_all(&[file("20200101000000_init.sql", "CREATE TABLE a (x int);")]).expect("loads");
    assert_eq!(m[0].layout, Layout::Sqlx);
    assert!(!m[0].is_reversible());
}

#[test]
fn mixed_layouts_and_unknown_names_are_errors() {
    let e = one_error(&[
        file("1_a.up.sql", "SELECT 1;"),
        file("20260101_120000_b.sql", "-- DIRECTION: up\nSELECT 1;"),
    ]);
    assert!(e.to_string().contains("mixes layouts"), "{e}");
    let e = one_error(&[file("notes.sql", "SELECT 1;")]);
    assert!(e.to_string().contains("fits no known layout"), "{e}");
}

#[test]
fn checksum_tracks_sql_and_options_not_line_endings() {
    let a = load_all(&[file("1_a.up.sql", "SELECT 1;\n")]).expect("loads");
    let b = load_all(&[file("1_a.up.sql", "SELECT 1;\r\n")]).expect("loads");
    let c = load_all(&[file("1_a.up.sql", "SELECT 1;\n-- migra:no-transaction\n")]).expect("loads");
    assert_eq!(a[0].checksum, b[0].checksum);
    assert_ne!(a[0].checksum, c[0].checksum);
}

#[test]
fn whole_script_mode_sends_one_unit() {
    let m = load_all(&[file(
        "1_a.up.sql",
        "-- migra:no-split\nSELECT 1;\nSELECT 2;\n",
    )])
    .expect("loads");
    assert_eq!(m[0].up.statements.len(), 2);
    assert_eq!(m[0].up.units().len(), 1);
}

#[test]
fn foreign_layouts_accept_empty_no_op_files() {
    let m = load_all(&[
        file("9_a.up.sql", ""),
        file("9_a.down.sql", ""),
        file("10_b.up.sql", ""),
    ])
    .expect("loads");
    assert!(
        m[0].up.statements.is_empty() && m[0].is_reversible(),
        "empty up + empty down is a reversible no-op"
    );
    assert!(!m[1].is_reversible());
    let e = one_error(&[file("2024-01-01-000000_a/up.sql", "-- nothing\n")]);
    assert_eq!(
        e.kind,
        SourceErrorKind::EmptyUp,
        "Diesel refuses empty migrations, as Diesel does"
    );
}

#[test]
fn batch_directives_tie_to_their_statement_and_end_the_transaction() {
    let m = load_all(&[file(
        "20260101_120000_backfill.sql",
        "-- DIRECTION: up\nALTER TABLE c ADD COLUMN e text;\n-- migra:batch table=c key=id size=500\n\
         UPDATE c SET e = lower(name)\n  WHERE {batch};\n",
    )])
    .expect("loads");
    let b = &m[0].up.batches;
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].statement, b[0].size, b[0].line), (1, 500, 3));
    assert_eq!(b[0].table, vec!["c".to_string()]);
    assert!(m[0].up.batch_of(1).is_some() && m[0].up.batch_of(0).is_none());
    assert!(!m[0].transaction, "each batch commits on its own");
}

#[test]
fn batch_directive_errors_name_the_line() {
    let e = one_error(&[file(
        "20260101_120000_backfill.sql",
        "-- DIRECTION: up\n-- migra:batch table=c key=id\nUPDATE c SET e = 1;\n",
    )]);
    assert_eq!(e.line, Some(2));
    assert!(e.to_string().contains("no `{batch}`"), "{e}");
    let e = one_error(&[file(
        "20260101_120000_backfill.sql",
        "-- DIRECTION: up\nSELECT 1;\n-- migra:batch key=id\n",
    )]);
    assert_eq!(e.line, Some(3));
    assert!(e.to_string().contains("`table=` is missing"), "{e}");
}
