//! The change catalog's cases, shared by the snapshot test here and the convergence test on
//! real servers (migra-cli): a base schema per dialect and one change of every kind.
#![allow(dead_code)]

use migra_core::schema::{
    Check, Column, ColumnDefault, ColumnType, Database, EnumType, FkAction, ForeignKey, Generated,
    Identity, Index, IndexPart, Namespace, PrimaryKey, Sequence, Table, TypeKind, View,
};
use migra_core::{Change, ColumnAspect, DialectId, TableChange};
use std::collections::BTreeSet;

pub const DIALECTS: [DialectId; 3] = [DialectId::Postgres, DialectId::Mysql, DialectId::Sqlite];

pub fn ns_of(d: DialectId) -> &'static str {
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
            name: Some("users_email_set".into()),
            expression: "email <> ''".into(),
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
            col("rank", bigint(), "bigint", false),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        // An explicit index on the key's column: MySQL would otherwise create (and rename) its
        // own for each foreign key.
        indexes: vec![index("posts_user_idx", "user_id", false)],
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
pub fn base(d: DialectId) -> Database {
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
    let mut db = Database {
        namespaces: vec![n],
        unmodelled: Vec::new(),
    };
    if d == DialectId::Sqlite {
        for t in &mut db.namespaces[0].tables {
            for k in &mut t.foreign_keys {
                k.name.clear();
            }
        }
    }
    db
}

/// SQLite does not report foreign keys' names: its cases use unnamed keys, as it reads them.
fn unnamed_keys(c: &mut Change) {
    if let Change::ModifyTable { changes, .. } = c {
        for tc in changes {
            if let TableChange::AddForeignKey { key } | TableChange::DropForeignKey { key } = tc {
                key.name.clear();
            }
        }
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
        ColumnAspect::Collation => {
            to.collation = Some(
                match d {
                    DialectId::Postgres => "C",
                    DialectId::Mysql => "utf8mb4_bin",
                    _ => "NOCASE",
                }
                .into(),
            )
        }
        ColumnAspect::Comment => to.comment = Some("free text".into()),
        ColumnAspect::OnUpdate => {
            // ON UPDATE belongs on a timestamp column.
            to.r#type = ColumnType {
                kind: TypeKind::Timestamp { tz: false },
                raw: "timestamp".into(),
            };
            to.on_update = Some("CURRENT_TIMESTAMP".into());
        }
    }
    let mut what = BTreeSet::from([aspect]);
    if aspect == ColumnAspect::OnUpdate {
        what.insert(ColumnAspect::Type);
    }
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
pub fn catalog(d: DialectId) -> Vec<(&'static str, Change)> {
    let ns = || ns_of(d).to_string();
    let mut tags = Table {
        name: "tags".into(),
        ..posts(false)
    };
    tags.indexes.clear();
    tags.indexes.push(index("tags_user", "user_id", false));
    let mut cases = vec![
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
                r#enum: EnumType {
                    name: "kind".into(),
                    values: vec!["a".into(), "b".into()],
                },
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
                    index: index("users_email_plain", "email", false),
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
                "posts",
                vec![TableChange::SetPrimaryKey {
                    from: posts(true).primary_key,
                    to: Some(PrimaryKey {
                        name: None,
                        columns: vec!["id".into(), "rank".into()],
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
                    // Another key on the same column (SQLite keys are unnamed: it must differ).
                    key: ForeignKey {
                        name: "posts_user2".into(),
                        on_delete: FkAction::SetNull,
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
    ];
    if d == DialectId::Sqlite {
        for (_, c) in &mut cases {
            unnamed_keys(c);
        }
    }
    cases
}
