//! Indexes, drops, enums, views, sequences, schemas and renames → changes.

use super::names::{ident, qname};
use super::table::index_parts;
use super::{Lowered, Problem};
use crate::state::Schema;
use crate::target::Target;
use migra_core::schema::{EnumType, Index, Sequence, View};
use migra_core::{Change, DialectId, TableChange};
use sqlparser::ast::{
    AlterType, AlterTypeOperation, CreateIndex, CreateView, ObjectName, ObjectType,
};

/// Lowers `CREATE [UNIQUE] INDEX`.
pub fn create_index(target: &Target, schema: &Schema, ci: &CreateIndex, out: &mut Lowered) {
    let t = qname(target, &ci.table_name);
    let Some(table) = schema.table(&t.ns, &t.name) else {
        // Indexes on materialized views are outside the model.
        let on_view = schema
            .namespace(&t.ns)
            .is_some_and(|n| n.views.iter().any(|v| v.name == t.name));
        if on_view {
            if let Some(n) = &ci.name {
                let q = qname(target, n);
                out.others.push(("index", q.ns, q.name, true));
            }
        } else {
            out.problems.push(Problem::Missing {
                kind: "table",
                name: t.name,
                hint: None,
            });
        }
        return;
    };
    let parts = index_parts(target, &ci.columns);
    let name = match &ci.name {
        Some(n) => qname(target, n).name,
        None => {
            let cols = super::table::name_parts(&parts);
            let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
            super::table::default_name(target, &t.name, &refs, "idx")
        }
    };
    let taken = if target.dialect == DialectId::Mysql {
        table.indexes.iter().any(|i| i.name == name)
    } else {
        schema.table_of_index(&t.ns, &name).is_some()
    };
    if taken {
        if !ci.if_not_exists {
            out.problems.push(Problem::Exists {
                kind: "index",
                name,
            });
        }
        return;
    }
    out.changes.push(Change::ModifyTable {
        namespace: t.ns,
        table: t.name,
        changes: vec![TableChange::AddIndex {
            index: Index {
                name,
                parts,
                unique: ci.unique,
                predicate: ci.predicate.as_ref().map(ToString::to_string),
                method: ci.using.as_ref().map(ToString::to_string),
                include: ci.include.iter().map(|i| ident(target, i)).collect(),
                constraint: false,
            },
        }],
    });
}

/// Lowers `DROP <kind> [IF EXISTS] names` (and MySQL's `DROP INDEX i ON t`).
pub fn drop(
    target: &Target,
    schema: &Schema,
    kind: &ObjectType,
    names: &[ObjectName],
    if_exists: bool,
    on: Option<&ObjectName>,
    out: &mut Lowered,
) {
    for n in names {
        let q = qname(target, n);
        let found = match kind {
            ObjectType::Table => schema.table(&q.ns, &q.name).map(|t| Change::DropTable {
                namespace: q.ns.clone(),
                table: t.clone(),
            }),
            ObjectType::View | ObjectType::MaterializedView => schema
                .namespace(&q.ns)
                .and_then(|ns| ns.views.iter().find(|v| v.name == q.name))
                .map(|v| Change::DropView {
                    namespace: q.ns.clone(),
                    view: v.clone(),
                }),
            ObjectType::Index => {
                let table = match on {
                    Some(t) => {
                        let tq = qname(target, t);
                        schema.table(&tq.ns, &tq.name)
                    }
                    None => schema.table_of_index(&q.ns, &q.name),
                };
                table.and_then(|t| {
                    let index = t.indexes.iter().find(|i| i.name == q.name)?;
                    Some(Change::ModifyTable {
                        namespace: q.ns.clone(),
                        table: t.name.clone(),
                        changes: vec![TableChange::DropIndex {
                            index: index.clone(),
                        }],
                    })
                })
            }
            ObjectType::Schema | ObjectType::Database => {
                schema.namespace(&q.name).map(|_| Change::DropNamespace {
                    name: q.name.clone(),
                })
            }
            ObjectType::Type => schema
                .namespace(&q.ns)
                .and_then(|ns| ns.enums.iter().find(|e| e.name == q.name))
                .map(|e| Change::DropEnum {
                    namespace: q.ns.clone(),
                    r#enum: e.clone(),
                }),
            ObjectType::Sequence => schema
                .namespace(&q.ns)
                .and_then(|ns| ns.sequences.iter().find(|s| s.name == q.name))
                .map(|s| Change::DropSequence {
                    namespace: q.ns.clone(),
                    sequence: s.clone(),
                }),
            _ => {
                // Roles, users and the like are outside the model: nothing to lower.
                continue;
            }
        };
        match found {
            Some(c) => out.changes.push(c),
            // A type that is not an enum (composite, domain) is outside the model.
            None if matches!(kind, ObjectType::Index)
                && schema.has_other("index", &q.ns, &q.name) =>
            {
                out.others.push(("index", q.ns, q.name, false));
            }
            None if if_exists || matches!(kind, ObjectType::Type) => {}
            None => out.problems.push(Problem::Missing {
                kind: object_kind(kind),
                name: q.name,
                hint: None,
            }),
        }
    }
}

fn object_kind(k: &ObjectType) -> &'static str {
    match k {
        ObjectType::Table => "table",
        ObjectType::View => "view",
        ObjectType::MaterializedView => "materialized view",
        ObjectType::Index => "index",
        ObjectType::Schema => "schema",
        ObjectType::Database => "database",
        ObjectType::Sequence => "sequence",
        _ => "object",
    }
}

/// Lowers `CREATE TYPE ... AS ENUM`.
pub fn create_enum(
    target: &Target,
    name: &ObjectName,
    labels: &[sqlparser::ast::Ident],
    out: &mut Lowered,
) {
    let q = qname(target, name);
    out.changes.push(Change::AddEnum {
        namespace: q.ns,
        r#enum: EnumType {
            name: q.name,
            values: labels.iter().map(|l| l.value.clone()).collect(),
        },
    });
}

/// Lowers `ALTER TYPE` on an enum (add, rename value; rename type is kept in the model only).
pub fn alter_type(target: &Target, schema: &Schema, at: &AlterType, out: &mut Lowered) {
    let q = qname(target, &at.name);
    let Some(from) = schema
        .namespace(&q.ns)
        .and_then(|ns| ns.enums.iter().find(|e| e.name == q.name))
        .cloned()
    else {
        return;
    };
    let mut to = from.clone();
    match &at.operation {
        AlterTypeOperation::AddValue(a) => {
            if to.values.contains(&a.value.value) {
                if !a.if_not_exists {
                    out.problems.push(Problem::Exists {
                        kind: "enum value",
                        name: a.value.value.clone(),
                    });
                }
                return;
            }
            let at_pos = match &a.position {
                Some(sqlparser::ast::AlterTypeAddValuePosition::Before(v)) => {
                    to.values.iter().position(|x| *x == v.value)
                }
                Some(sqlparser::ast::AlterTypeAddValuePosition::After(v)) => {
                    to.values.iter().position(|x| *x == v.value).map(|p| p + 1)
                }
                None => None,
            };
            match at_pos {
                Some(p) => to.values.insert(p, a.value.value.clone()),
                None => to.values.push(a.value.value.clone()),
            }
        }
        AlterTypeOperation::RenameValue(r) => {
            let Some(v) = to.values.iter_mut().find(|v| **v == r.from.value) else {
                out.problems.push(Problem::Missing {
                    kind: "enum value",
                    name: r.from.value.clone(),
                    hint: None,
                });
                return;
            };
            *v = r.to.value.clone();
        }
        AlterTypeOperation::Rename(r) => {
            // The model has no rename for types: drop and add quietly, keeping columns' kinds.
            let mut renamed = from.clone();
            renamed.name = ident(target, &r.new_name);
            out.quiet.push(Change::DropEnum {
                namespace: q.ns.clone(),
                r#enum: from,
            });
            out.quiet.push(Change::AddEnum {
                namespace: q.ns,
                r#enum: renamed,
            });
            return;
        }
    }
    out.changes.push(Change::ModifyEnum {
        namespace: q.ns,
        from,
        to,
    });
}

/// Lowers `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
pub fn create_view(target: &Target, schema: &Schema, cv: &CreateView, out: &mut Lowered) {
    let q = qname(target, &cv.name);
    let existing = schema
        .namespace(&q.ns)
        .and_then(|ns| ns.views.iter().find(|v| v.name == q.name))
        .cloned();
    if let Some(v) = existing {
        if cv.if_not_exists {
            return;
        }
        if !cv.or_replace {
            out.problems.push(Problem::Exists {
                kind: "view",
                name: q.name,
            });
            return;
        }
        out.quiet.push(Change::DropView {
            namespace: q.ns.clone(),
            view: v,
        });
    }
    out.changes.push(Change::AddView {
        namespace: q.ns,
        view: View {
            name: q.name,
            definition: cv.query.to_string(),
            materialized: cv.materialized,
            comment: None,
        },
    });
}

/// Lowers `CREATE SEQUENCE` (options beyond the name are not needed by any rule).
pub fn create_sequence(target: &Target, name: &ObjectName, out: &mut Lowered) {
    let q = qname(target, name);
    out.changes.push(Change::AddSequence {
        namespace: q.ns,
        sequence: Sequence {
            name: q.name,
            start: 1,
            increment: 1,
            min: None,
            max: None,
            cycle: false,
            owned_by: None,
        },
    });
}

/// Lowers MySQL's `RENAME TABLE a TO b, ...`.
pub fn rename_tables(target: &Target, pairs: &[sqlparser::ast::RenameTable], out: &mut Lowered) {
    for p in pairs {
        let (from, to) = (qname(target, &p.old_name), qname(target, &p.new_name));
        out.changes.push(Change::RenameTable {
            namespace: from.ns,
            from: from.name,
            to: to.name,
        });
    }
}
