//! The change catalog: every change kind (and every column aspect) planned for each dialect,
//! kept as one insta snapshot per kind. A dialect that cannot carry a change out shows its
//! typed error instead of statements.
#![allow(clippy::unwrap_used)]

use migra_core::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, EnumType, FkAction, ForeignKey, Generated,
    Identity, Index, IndexPart, Namespace, PrimaryKey, Sequence, Table, TypeKind, View,
};
use migra_core::{Change, ColumnAspect, DialectId, TableChange};
use std::collections::BTreeSet;

const DIALECTS: [DialectId; 3] = [DialectId::Postgres, DialectId::Mysql, DialectId::Sqlite];

fn ns_of(d: DialectId) -> &'static str {
    if d == DialectId::Postgres {
        "public"
    } else {
        ""
    }
}

fn col(name: &str, kind: TypeKind, raw: &str, nullable: bool) -> Column {
    Column {
        name: name.into(),
        r#type: ColumnType {
            kind,
            raw: raw.into(),
        },
        nullable,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        on_update: None,
    }
}

fn bigint() -> TypeKind {
    TypeKind::Integer {
        bits: 64,
        unsigned: false,
    }
}

fn users() -> Table {
    Table {
        name: "users".into(),
        columns: vec![
            col("id", bigint(), "bigint", false),
            col(
                "email",
                TypeKind::String {
                    length: Some(100),
                    fixed: false,
                },
                "varchar(100)",
                false,
            ),
            col("note", TypeKind::Text, "text", true),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        indexes: vec![index("users_email", "email", true)],
        foreign_keys: Vec::new(),
        checks: vec![Check {
            name: Some("users_id_positive".into()),
            expression: "id > 0".into(),
        }],
        comment: None,
    }
}

fn index(name: &str, column: &str, unique: bool) -> Index {
    Index {
        name: name.into(),
        parts: vec![IndexPart::Column {
            name: column.into(),
            desc: false,
            prefix: None,
            opclass: None,
        }],
        unique,
        predicate: None,
        method: None,
        include: Vec::new(),
        constraint: false,
    }
}

fn fk() -> ForeignKey {
    ForeignKey {
        name: "posts_user".into(),
        columns: vec!["user_id".into()],
        ref_namespace: None,
        ref_table: "users".into(),
        ref_columns: vec!["id".into()],
        on_update: FkAction::NoAction,
        on_delete: FkAction::Cascade,
        deferrable: false,
        initially_deferred: false,
    }
}

fn posts(with_fk: bool) -> Table {
    Table {
        name: "posts".into(),
        columns: vec![
            col("id", bigint(), "bigint", false),
            col("user_id", bigint(), "bigint", true),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        foreign_keys: if with_fk { vec![fk()] } else { Vec::new() },
        ..Table::default()
    }
}

fn mood(values: &[&str]) -> EnumType {
    EnumType {
        name: "mood".into(),
        values: values.iter().map(|v| (*v).into()).collect(),
    }
}

fn sequence(increment: i64) -> Sequence {
    Sequence {
        name: "tickets".into(),
        start: 1,
        increment,
        min: None,
        max: None,
        cycle: false,
        owned_by: None,
    }
}

fn view() -> View {
    View {
        name: "user_emails".into(),
        definition: "SELECT id, email FROM users".into(),
        materialized: false,
        comment: None,
    }
}

/// The schema every change is planned against.
fn base(d: DialectId) -> Database {
    let mut n = Namespace {
        name: ns_of(d).into(),
        tables: vec![users(), posts(true)],
        views: vec![view()],
        ..Namespace::default()
    };
    if d == DialectId::Postgres {
        n.enums.push(mood(&["sad", "happy"]));
        n.sequences.push(sequence(1));
    }
    Database {
        namespaces: vec![n],
        unmodelled: Vec::new(),
    }
}

fn modify(d: DialectId, table: &str, changes: Vec<TableChange>) -> Change {
    Change::ModifyTable {
        namespace: ns_of(d).into(),
        table: table.into(),
        changes,
    }
}

fn column_change(d: DialectId, aspect: ColumnAspect) -> Change {
    // Identity goes on the key column; the other aspects change the free-text column.
    let from = users().columns[if aspect == ColumnAspect::Identity {
        0
    } else {
        2
    }]
    .clone();
    let mut to = from.clone();
    match aspect {
        ColumnAspect::Type => {
            to.r#type = ColumnType {
                kind: TypeKind::String {
                    length: Some(20),
                    fixed: false,
                },
                raw: "varchar(20)".into(),
            }
        }
        ColumnAspect::Nullability => to.nullable = false,
        ColumnAspect::Default => to.default = Some(ColumnDefault::Literal("'none'".into())),
        ColumnAspect::Identity => {
            to.identity = Some(Identity {
                always: false,
                start: None,
                increment: None,
            });
        }
        ColumnAspect::Generated => {
            to.generated = Some(Generated {
                expression: "upper(email)".into(),
                stored: true,
            })
        }
        ColumnAspect::Collation => to.collation = Some("C".into()),
        ColumnAspect::Comment => to.comment = Some("free text".into()),
        ColumnAspect::OnUpdate => to.on_update = Some("CURRENT_TIMESTAMP".into()),
    }
    let what = BTreeSet::from([aspect]);
    modify(
        d,
        "users",
        vec![TableChange::ModifyColumn {
            from: Box::new(from),
            to: Box::new(to),
            what,
        }],
    )
}

/// Every change kind, by name.
fn catalog(d: DialectId) -> Vec<(&'static str, Change)> {
    let ns = || ns_of(d).to_string();
    let mut tags = Table {
        name: "tags".into(),
        ..posts(false)
    };
    tags.indexes.push(index("tags_user", "user_id", false));
    vec![
        (
            "add_namespace",
            Change::AddNamespace {
                name: "reporting".into(),
            },
        ),
        (
            "drop_namespace",
            Change::DropNamespace {
                name: "reporting".into(),
            },
        ),
        (
            "set_namespace_comment",
            Change::SetNamespaceComment {
                name: ns(),
                from: None,
                to: Some("the app".into()),
            },
        ),
        (
            "add_table",
            Change::AddTable {
                namespace: ns(),
                table: tags,
            },
        ),
        (
            "drop_table",
            Change::DropTable {
                namespace: ns(),
                table: posts(true),
            },
        ),
        (
            "rename_table",
            Change::RenameTable {
                namespace: ns(),
                from: "posts".into(),
                to: "articles".into(),
            },
        ),
        (
            "add_enum",
            Change::AddEnum {
                namespace: ns(),
                r#enum: mood(&["a", "b"]),
            },
        ),
        (
            "drop_enum",
            Change::DropEnum {
                namespace: ns(),
                r#enum: mood(&["sad", "happy"]),
            },
        ),
        (
            "modify_enum",
            Change::ModifyEnum {
                namespace: ns(),
                from: mood(&["sad", "happy"]),
                to: mood(&["sad", "meh", "happy"]),
            },
        ),
        (
            "add_view",
            Change::AddView {
                namespace: ns(),
                view: View {
                    name: "emails".into(),
                    ..view()
                },
            },
        ),
        (
            "drop_view",
            Change::DropView {
                namespace: ns(),
                view: view(),
            },
        ),
        (
            "add_sequence",
            Change::AddSequence {
                namespace: ns(),
                sequence: Sequence {
                    name: "orders_no".into(),
                    ..sequence(1)
                },
            },
        ),
        (
            "drop_sequence",
            Change::DropSequence {
                namespace: ns(),
                sequence: sequence(1),
            },
        ),
        (
            "modify_sequence",
            Change::ModifySequence {
                namespace: ns(),
                from: sequence(1),
                to: sequence(10),
            },
        ),
        (
            "add_column",
            modify(
                d,
                "users",
                vec![TableChange::AddColumn {
                    column: col(
                        "age",
                        TypeKind::Integer {
                            bits: 32,
                            unsigned: false,
                        },
                        "integer",
                        true,
                    ),
                }],
            ),
        ),
        (
            "drop_column",
            modify(
                d,
                "users",
                vec![TableChange::DropColumn {
                    column: users().columns[2].clone(),
                }],
            ),
        ),
        (
            "rename_column",
            modify(
                d,
                "users",
                vec![TableChange::RenameColumn {
                    from: "note".into(),
                    to: "remark".into(),
                }],
            ),
        ),
        ("modify_column_type", column_change(d, ColumnAspect::Type)),
        (
            "modify_column_nullability",
            column_change(d, ColumnAspect::Nullability),
        ),
        (
            "modify_column_default",
            column_change(d, ColumnAspect::Default),
        ),
        (
            "modify_column_identity",
            column_change(d, ColumnAspect::Identity),
        ),
        (
            "modify_column_generated",
            column_change(d, ColumnAspect::Generated),
        ),
        (
            "modify_column_collation",
            column_change(d, ColumnAspect::Collation),
        ),
        (
            "modify_column_comment",
            column_change(d, ColumnAspect::Comment),
        ),
        (
            "modify_column_on_update",
            column_change(d, ColumnAspect::OnUpdate),
        ),
        (
            "add_index",
            modify(
                d,
                "users",
                vec![TableChange::AddIndex {
                    index: index("users_note", "note", false),
                }],
            ),
        ),
        (
            "drop_index",
            modify(
                d,
                "users",
                vec![TableChange::DropIndex {
                    index: index("users_email", "email", true),
                }],
            ),
        ),
        (
            "set_primary_key",
            modify(
                d,
                "users",
                vec![TableChange::SetPrimaryKey {
                    from: users().primary_key,
                    to: Some(PrimaryKey {
                        name: None,
                        columns: vec!["id".into(), "email".into()],
                    }),
                }],
            ),
        ),
        (
            "add_foreign_key",
            modify(
                d,
                "posts",
                vec![TableChange::AddForeignKey {
                    key: ForeignKey {
                        name: "posts_user2".into(),
                        ..fk()
                    },
                }],
            ),
        ),
        (
            "drop_foreign_key",
            modify(d, "posts", vec![TableChange::DropForeignKey { key: fk() }]),
        ),
        (
            "add_check",
            modify(
                d,
                "users",
                vec![TableChange::AddCheck {
                    check: Check {
                        name: Some("users_email_long".into()),
                        expression: "length(email) > 3".into(),
                    },
                }],
            ),
        ),
        (
            "drop_check",
            modify(
                d,
                "users",
                vec![TableChange::DropCheck {
                    check: users().checks[0].clone(),
                }],
            ),
        ),
        (
            "set_comment",
            modify(
                d,
                "users",
                vec![TableChange::SetComment {
                    from: None,
                    to: Some("people".into()),
                }],
            ),
        ),
    ]
}

#[test]
fn every_change_kind_for_every_dialect() {
    let per_dialect: Vec<Vec<(&str, Change)>> = DIALECTS.iter().map(|d| catalog(*d)).collect();
    for i in 0..per_dialect[0].len() {
        let name = per_dialect[0][i].0;
        let mut text = String::new();
        for (d, changes) in DIALECTS.iter().zip(&per_dialect) {
            let planner = migra_dialects::dialect(*d).planner().unwrap();
            text.push_str(&format!("== {}\n", d.name()));
            match planner.plan(&base(*d), std::slice::from_ref(&changes[i].1)) {
                Ok(plan) => {
                    for s in &plan.steps {
                        text.push_str(&format!("{};\n", s.command));
                        for h in &s.hazards {
                            text.push_str(&format!("  -- {:?}: {}\n", h.kind, h.message));
                        }
                    }
                }
                Err(e) => text.push_str(&format!("error: {e}\n")),
            }
        }
        insta::assert_snapshot!(name, text);
    }
}
