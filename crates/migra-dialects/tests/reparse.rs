//! Every statement a planner emits parses with sqlparser for its dialect, over generated schema
//! pairs (each fitted to what the dialect can express; anything else must plan without error).
#![allow(clippy::unwrap_used)]

use migra_core::schema::{Database, IndexPart};
use migra_core::strategy::arb_pair;
use migra_core::{DefaultHooks, DialectId};
use migra_diff::{DiffOptions, diff};
use proptest::prelude::*;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// `db` without what `dialect` has no syntax for (the planners refuse those with typed errors,
/// tested elsewhere): MySQL and SQLite have no enum types, sequences, materialized views,
/// deferrable keys or schema comments; MySQL no partial or expression indexes; SQLite no
/// comments, and a single unnamed schema.
fn fit(db: &Database, dialect: DialectId) -> Database {
    let mut db = db.clone();
    if dialect == DialectId::Postgres {
        return db;
    }
    if dialect == DialectId::Sqlite {
        // One schema, always there (`main`).
        db.namespaces.retain(|n| n.name == "public");
        if db.namespaces.is_empty() {
            db.namespaces.push(migra_core::schema::Namespace::default());
        }
    }
    for n in &mut db.namespaces {
        if dialect == DialectId::Sqlite {
            n.name.clear();
        }
        n.enums.clear();
        n.sequences.clear();
        n.comment = None;
        n.views.retain(|v| !v.materialized);
        for t in &mut n.tables {
            for k in &mut t.foreign_keys {
                k.deferrable = false;
                k.initially_deferred = false;
            }
            for c in &mut t.columns {
                if dialect == DialectId::Sqlite {
                    c.comment = None;
                    c.collation = None;
                    // Only an INTEGER PRIMARY KEY made with its table can be AUTOINCREMENT.
                    c.identity = None;
                }
            }
            if dialect == DialectId::Sqlite {
                t.comment = None;
            }
            for i in &mut t.indexes {
                i.method = None;
                for p in &mut i.parts {
                    if let IndexPart::Expression { opclass, .. } = p {
                        *opclass = None;
                    }
                }
            }
            if dialect == DialectId::Mysql {
                t.indexes.retain(|i| {
                    i.predicate.is_none()
                        && i.parts
                            .iter()
                            .all(|p| matches!(p, IndexPart::Column { .. }))
                });
            }
        }
    }
    db
}

/// Statement forms the databases accept and sqlparser 0.63 does not parse yet, each checked on a
/// real server by the convergence tests instead. Matched by the statement's start and a part of
/// it; everything else must parse.
const SQLPARSER_GAPS: &[(DialectId, &str, &[&str])] = &[
    (DialectId::Postgres, "ALTER SEQUENCE ", &[]),
    (
        DialectId::Postgres,
        "ALTER TABLE ",
        &[" ALTER COLUMN ", " TYPE ", " COLLATE "],
    ),
    (
        DialectId::Postgres,
        "ALTER TABLE ",
        &[" ALTER COLUMN ", " DROP IDENTITY"],
    ),
    (
        DialectId::Postgres,
        "ALTER TABLE ",
        &[" ALTER COLUMN ", " SET GENERATED "],
    ),
    (DialectId::Mysql, "ALTER TABLE ", &[" COMMENT = "]),
];

fn known_gap(dialect: DialectId, sql: &str) -> bool {
    SQLPARSER_GAPS.iter().any(|(d, start, parts)| {
        *d == dialect && sql.starts_with(start) && parts.iter().all(|p| sql.contains(p))
    })
}

fn check(
    dialect: DialectId,
    parser: &dyn Dialect,
    a: &Database,
    b: &Database,
) -> Result<(), TestCaseError> {
    let (a, b) = (fit(a, dialect), fit(b, dialect));
    let changes = diff(&a, &b, &DiffOptions::new(&DefaultHooks)).unwrap();
    let planner = migra_dialects::dialect(dialect).planner().unwrap();
    let plan = match planner.plan(&a, &changes) {
        Ok(plan) => plan,
        // Removing or reordering enum values is refused on purpose (tests/diff.rs covers it).
        Err(_)
            if dialect == DialectId::Postgres
                && changes
                    .iter()
                    .any(|c| matches!(c, migra_core::Change::ModifyEnum { .. })) =>
        {
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("{dialect:?}: {e}"))),
    };
    for step in &plan.steps {
        if known_gap(dialect, &step.command) {
            continue;
        }
        if let Err(e) = Parser::parse_sql(parser, &step.command) {
            return Err(TestCaseError::fail(format!(
                "{dialect:?} statement does not parse ({e}):\n{}",
                step.command
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn postgres_statements_parse((a, b) in arb_pair()) {
        check(DialectId::Postgres, &PostgreSqlDialect {}, &a, &b)?;
    }

    #[test]
    fn mysql_statements_parse((a, b) in arb_pair()) {
        check(DialectId::Mysql, &MySqlDialect {}, &a, &b)?;
    }

    #[test]
    fn sqlite_statements_parse((a, b) in arb_pair()) {
        check(DialectId::Sqlite, &SQLiteDialect {}, &a, &b)?;
    }
}
