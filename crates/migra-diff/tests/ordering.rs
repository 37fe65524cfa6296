//! The order and shape of changes on small hand-written schemas, as insta snapshots.
#![allow(clippy::unwrap_used)]

use migra_core::schema::{
    Column, ColumnType, Database, FkAction, ForeignKey, Namespace, PrimaryKey, Table, TypeKind,
    View,
};
use migra_core::{Change, DefaultHooks, apply_all};
use migra_diff::{DiffError, DiffOptions, Renames, diff};

fn col(name: &str) -> Column {
    Column {
        name: name.into(),
        r#type: ColumnType {
            kind: TypeKind::Integer {
                bits: 64,
                unsigned: false,
            },
            raw: "bigint".into(),
        },
        nullable: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        on_update: None,
    }
}

fn fk(name: &str, column: &str, to: &str) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: vec![column.into()],
        ref_namespace: None,
        ref_table: to.into(),
        ref_columns: vec!["id".into()],
        on_update: FkAction::NoAction,
        on_delete: FkAction::Cascade,
        deferrable: false,
        initially_deferred: false,
    }
}

fn table(name: &str, columns: &[&str], fks: Vec<ForeignKey>) -> Table {
    Table {
        name: name.into(),
        columns: columns.iter().map(|c| col(c)).collect(),
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        foreign_keys: fks,
        ..Table::default()
    }
}

fn db(tables: Vec<Table>, views: Vec<View>) -> Database {
    Database {
        namespaces: vec![Namespace {
            name: "public".into(),
            tables,
            views,
            ..Namespace::default()
        }],
        unmodelled: Vec::new(),
    }
}

fn view(name: &str, sql: &str) -> View {
    View {
        name: name.into(),
        definition: sql.into(),
        materialized: false,
        comment: None,
    }
}

/// One line per change: its type, target and, for table changes, the parts.
fn outline(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let v = serde_json::to_value(c).unwrap();
        let target = [
            &v["table"]["name"],
            &v["table"],
            &v["view"]["name"],
            &v["name"],
            &v["to"],
        ]
        .into_iter()
        .find_map(|x| x.as_str())
        .unwrap_or("");
        out.push_str(&format!("{} {target}", v["type"].as_str().unwrap()));
        if let Some(fks) = v["table"]["foreign_keys"].as_array() {
            let names: Vec<&str> = fks.iter().map(|k| k["name"].as_str().unwrap()).collect();
            out.push_str(&format!(" fks={names:?}"));
        }
        out.push('\n');
        for part in v["changes"].as_array().into_iter().flatten() {
            let what = [&part["column"]["name"], &part["key"]["name"], &part["from"]]
                .into_iter()
                .find_map(|x| x.as_str())
                .unwrap_or("");
            out.push_str(&format!("  {} {what}\n", part["type"].as_str().unwrap()));
        }
    }
    out
}

fn converges(a: &Database, b: &Database, changes: &[Change]) {
    let mut got = a.clone();
    apply_all(&mut got, changes).unwrap();
    assert!(
        diff(&got, b, &DiffOptions::new(&DefaultHooks))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn new_tables_come_after_what_they_reference_and_cycles_close_at_the_end() {
    let a = db(vec![], vec![]);
    let b = db(
        vec![
            table(
                "orders",
                &["id", "user_id"],
                vec![fk("orders_user", "user_id", "users")],
            ),
            table(
                "users",
                &["id", "last_order"],
                vec![fk("users_last", "last_order", "orders")],
            ),
            table(
                "items",
                &["id", "order_id"],
                vec![fk("items_order", "order_id", "orders")],
            ),
        ],
        vec![
            view("big_orders", "SELECT * FROM order_totals WHERE total > 100"),
            view("order_totals", "SELECT id, 1 AS total FROM orders"),
        ],
    );
    let changes = diff(&a, &b, &DiffOptions::new(&DefaultHooks)).unwrap();
    insta::assert_snapshot!(outline(&changes));
    converges(&a, &b, &changes);
    // And back: views first, then the cycle's open key, then referencing tables first.
    let back = diff(&b, &a, &DiffOptions::new(&DefaultHooks)).unwrap();
    insta::assert_snapshot!("dropping_the_same", outline(&back));
    converges(&b, &a, &back);
}

#[test]
fn renames_come_only_from_hints() {
    let a = db(vec![table("people", &["id", "name"], vec![])], vec![]);
    let b = db(vec![table("persons", &["id", "full_name"], vec![])], vec![]);
    let guessed = diff(&a, &b, &DiffOptions::new(&DefaultHooks)).unwrap();
    insta::assert_snapshot!("without_hints", outline(&guessed));

    let mut hints = Renames::default();
    hints.add_hint("public", "people=persons").unwrap();
    hints
        .add_hint("public", "persons.name=persons.full_name")
        .unwrap();
    let opts = DiffOptions {
        hooks: &DefaultHooks,
        renames: Some(&hints),
    };
    let renamed = diff(&a, &b, &opts).unwrap();
    insta::assert_snapshot!("with_hints", outline(&renamed));
    converges(&a, &b, &renamed);

    let mut wrong = Renames::default();
    wrong.add_hint("public", "ghosts=persons").unwrap();
    let err = diff(
        &a,
        &b,
        &DiffOptions {
            hooks: &DefaultHooks,
            renames: Some(&wrong),
        },
    )
    .unwrap_err();
    assert!(matches!(err, DiffError::RenameMismatch { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "rename public.ghosts -> public.persons: table public.ghosts does not exist"
    );
}

#[test]
fn a_changed_column_lists_exactly_what_changed() {
    let a = db(vec![table("t", &["id", "n"], vec![])], vec![]);
    let mut b = a.clone();
    let n = &mut b.namespaces[0].tables[0].columns[1];
    n.nullable = true;
    n.r#type = ColumnType {
        kind: TypeKind::Text,
        raw: "text".into(),
    };
    let changes = diff(&a, &b, &DiffOptions::new(&DefaultHooks)).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&changes).unwrap());
    converges(&a, &b, &changes);
}
