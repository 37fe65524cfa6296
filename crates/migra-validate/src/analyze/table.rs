//! `CREATE TABLE` and column definitions → the model's tables and columns.

use super::names::{QName, ident, qname};
use super::types::{column_type, is_serial};
use crate::state::Schema;
use crate::target::Target;
use migra_core::DialectId;
use migra_core::schema::{
    Check, Column, ColumnDefault, FkAction, ForeignKey, Generated, Identity, Index, IndexPart,
    PrimaryKey, Table, TypeKind,
};
use sqlparser::ast::{
    ColumnDef, ColumnOption, CreateTable, Expr, GeneratedAs, GeneratedExpressionMode, IndexColumn,
    OrderBySort, ReferentialAction, TableConstraint, Value,
};

/// Constraints written on a column, which belong to its table in the model.
#[derive(Debug, Default)]
pub struct InlineConstraints {
    /// `PRIMARY KEY` on the column.
    pub primary_key: bool,
    /// The unique index `UNIQUE` on the column stands for.
    pub unique: Option<Index>,
    /// `REFERENCES` on the column (never on MySQL, which ignores it).
    pub foreign_key: Option<ForeignKey>,
    /// `CHECK` on the column.
    pub checks: Vec<Check>,
}

/// Lowers a column definition; constraints written on it come back separately.
pub fn column(
    target: &Target,
    schema: &Schema,
    table: &str,
    def: &ColumnDef,
) -> (Column, InlineConstraints) {
    let name = ident(target, &def.name);
    let ty = resolve_type(target, schema, &def.data_type);
    let mut col = Column {
        name: name.clone(),
        r#type: ty,
        nullable: true,
        default: None,
        identity: is_serial(&def.data_type).then_some(Identity {
            always: false,
            start: None,
            increment: None,
        }),
        generated: None,
        collation: None,
        comment: None,
        on_update: None,
    };
    let mut inline = InlineConstraints::default();
    for opt in &def.options {
        let cname = opt.name.as_ref().map(|n| ident(target, n));
        match &opt.option {
            ColumnOption::Null => col.nullable = true,
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => col.default = Some(default(e)),
            ColumnOption::PrimaryKey(_) => {
                inline.primary_key = true;
                col.nullable = false;
            }
            ColumnOption::Unique(_) => {
                let n = cname.unwrap_or_else(|| default_name(target, table, &[&name], "key"));
                inline.unique = Some(unique_index(
                    n,
                    vec![IndexPart::Column {
                        name: name.clone(),
                        desc: false,
                        prefix: None,
                        opclass: None,
                    }],
                ));
            }
            ColumnOption::ForeignKey(fk) if target.dialect != DialectId::Mysql => {
                inline.foreign_key =
                    Some(foreign_key(target, table, fk, vec![name.clone()], cname));
            }
            ColumnOption::Check(c) => inline.checks.push(Check {
                name: cname.or_else(|| Some(default_name(target, table, &[&name], "check"))),
                expression: c.expr.to_string(),
            }),
            ColumnOption::Collation(c) => col.collation = Some(c.to_string()),
            ColumnOption::Comment(c) => col.comment = Some(c.clone()),
            ColumnOption::OnUpdate(e) => col.on_update = Some(e.to_string()),
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                generation_expr_mode,
                ..
            } => match generation_expr {
                Some(e) => {
                    col.generated = Some(Generated {
                        expression: e.to_string(),
                        stored: matches!(
                            generation_expr_mode,
                            Some(GeneratedExpressionMode::Stored)
                        ) || matches!(generated_as, GeneratedAs::ExpStored),
                    })
                }
                None => {
                    col.identity = Some(Identity {
                        always: matches!(generated_as, GeneratedAs::Always),
                        start: None,
                        increment: None,
                    });
                    col.nullable = false;
                }
            },
            ColumnOption::DialectSpecific(tokens)
                if tokens.iter().any(|t| {
                    let t = t.to_string().to_ascii_uppercase();
                    t == "AUTO_INCREMENT" || t == "AUTOINCREMENT"
                }) =>
            {
                col.identity = Some(Identity {
                    always: false,
                    start: None,
                    increment: None,
                });
            }
            _ => {}
        }
    }
    if col.identity.is_some() && target.dialect == DialectId::Postgres {
        col.nullable = false;
    }
    (col, inline)
}

/// The model type of a written type; a name the parser does not know is looked up among the
/// schema's enum types.
pub fn resolve_type(
    target: &Target,
    schema: &Schema,
    dt: &sqlparser::ast::DataType,
) -> migra_core::schema::ColumnType {
    let mut ty = column_type(dt);
    if ty.kind == TypeKind::Unsupported {
        let raw = ty
            .raw
            .rsplit('.')
            .next()
            .unwrap_or(&ty.raw)
            .trim_matches('"')
            .to_string();
        let found = schema.database().namespaces.iter().find_map(|n| {
            n.enums
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(&raw))
                .filter(|_| n.name == target.default_namespace || ty.raw.contains('.'))
        });
        if let Some(e) = found {
            ty.kind = TypeKind::Enum {
                name: e.name.clone(),
                values: e.values.clone(),
            };
        }
    }
    ty
}

/// A literal default stays a literal; anything else is an expression.
pub fn default(e: &Expr) -> ColumnDefault {
    match e {
        Expr::Value(v) if !matches!(v.value, Value::Placeholder(_)) => {
            ColumnDefault::Literal(e.to_string())
        }
        _ => ColumnDefault::Expression(e.to_string()),
    }
}

/// The referential action, `NO ACTION` when absent.
pub fn action(a: Option<&ReferentialAction>) -> FkAction {
    match a {
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The name the database gives an unnamed constraint or index (PostgreSQL's `t_a_b_key` scheme;
/// MySQL names a unique key after its first column and a foreign key `t_ibfk_n`).
pub fn default_name(target: &Target, table: &str, columns: &[&str], suffix: &str) -> String {
    match (target.dialect, suffix) {
        (DialectId::Mysql, "key") => columns
            .first()
            .map_or_else(|| table.to_string(), |c| (*c).to_string()),
        (DialectId::Mysql, "fkey") => format!("{table}_ibfk"),
        (_, "pkey") => format!("{table}_pkey"),
        _ => {
            let mut n = table.to_string();
            for c in columns {
                n.push('_');
                n.push_str(c);
            }
            n.push('_');
            n.push_str(suffix);
            // PostgreSQL keeps 63 bytes of a name.
            let mut end = n.len().min(63);
            while !n.is_char_boundary(end) {
                end -= 1;
            }
            n.truncate(end);
            n
        }
    }
}

/// Lowers index columns: plain column references become columns, anything else an expression.
pub fn index_parts(target: &Target, cols: &[IndexColumn]) -> Vec<IndexPart> {
    cols.iter()
        .map(|c| {
            let desc = matches!(c.column.options.sort, Some(OrderBySort::Desc));
            let opclass = c.operator_class.as_ref().map(ToString::to_string);
            match &c.column.expr {
                Expr::Identifier(id) => IndexPart::Column {
                    name: ident(target, id),
                    desc,
                    prefix: None,
                    opclass,
                },
                Expr::Function(f)
                    if target.dialect == DialectId::Mysql
                        && f.args
                            .to_string()
                            .trim_matches(|c| c == '(' || c == ')')
                            .parse::<u32>()
                            .is_ok() =>
                {
                    IndexPart::Column {
                        name: f.name.to_string(),
                        desc,
                        prefix: f
                            .args
                            .to_string()
                            .trim_matches(|c| c == '(' || c == ')')
                            .parse()
                            .ok(),
                        opclass,
                    }
                }
                e => IndexPart::Expression {
                    sql: e.to_string(),
                    desc,
                    opclass,
                },
            }
        })
        .collect()
}

/// Column names of index parts (expressions omitted).
pub fn part_columns(parts: &[IndexPart]) -> Vec<String> {
    parts
        .iter()
        .filter_map(|p| match p {
            IndexPart::Column { name, .. } => Some(name.clone()),
            IndexPart::Expression { .. } => None,
        })
        .collect()
}

/// The words PostgreSQL builds an unnamed index's name from: column names, and for an expression
/// the function it calls (or `expr`).
pub fn name_parts(parts: &[IndexPart]) -> Vec<String> {
    parts
        .iter()
        .map(|p| match p {
            IndexPart::Column { name, .. } => name.clone(),
            IndexPart::Expression { sql, .. } => {
                let head = sql.split('(').next().unwrap_or("").trim();
                if sql.contains('(')
                    && !head.is_empty()
                    && head
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    head.rsplit('.').next().unwrap_or(head).to_lowercase()
                } else {
                    "expr".to_string()
                }
            }
        })
        .collect()
}

/// A unique index standing for a `UNIQUE` constraint.
pub fn unique_index(name: String, parts: Vec<IndexPart>) -> Index {
    Index {
        name,
        parts,
        unique: true,
        predicate: None,
        method: None,
        include: Vec::new(),
        constraint: true,
    }
}

/// Applies a table-level constraint to `t`. Returns false for a kind the model does not hold
/// (exclusion, full-text), which the caller reports.
pub fn add_constraint(target: &Target, t: &mut Table, c: &TableConstraint) -> bool {
    let tname = t.name.clone();
    match c {
        TableConstraint::PrimaryKey(pk) => {
            let parts = index_parts(target, &pk.columns);
            let cols = part_columns(&parts);
            for col in &mut t.columns {
                if cols.contains(&col.name) {
                    col.nullable = false;
                }
            }
            t.primary_key = Some(PrimaryKey {
                name: pk.name.as_ref().map(|n| ident(target, n)),
                columns: cols,
            });
        }
        TableConstraint::Unique(u) => {
            let parts = index_parts(target, &u.columns);
            let cols = part_columns(&parts);
            let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
            let name = u
                .name
                .as_ref()
                .or(u.index_name.as_ref())
                .map(|n| ident(target, n))
                .unwrap_or_else(|| default_name(target, &tname, &refs, "key"));
            t.indexes.push(unique_index(name, parts));
        }
        TableConstraint::Index(i) => {
            let parts = index_parts(target, &i.columns);
            let cols = part_columns(&parts);
            let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
            t.indexes.push(Index {
                name: i
                    .name
                    .as_ref()
                    .map(|n| ident(target, n))
                    .unwrap_or_else(|| default_name(target, &tname, &refs, "key")),
                parts,
                unique: false,
                predicate: None,
                method: i.index_type.as_ref().map(ToString::to_string),
                include: Vec::new(),
                constraint: false,
            });
        }
        TableConstraint::ForeignKey(fk) => {
            let cols: Vec<String> = fk.columns.iter().map(|c| ident(target, c)).collect();
            let name = fk.name.as_ref().map(|n| ident(target, n));
            t.foreign_keys
                .push(foreign_key(target, &tname, fk, cols, name));
        }
        TableConstraint::Check(ch) => t.checks.push(Check {
            name: Some(
                ch.name
                    .as_ref()
                    .map(|n| ident(target, n))
                    .unwrap_or_else(|| default_name(target, &tname, &[], "check")),
            ),
            expression: ch.expr.to_string(),
        }),
        _ => return false,
    }
    true
}

/// Lowers `CREATE TABLE` (without `AS SELECT`, which the caller treats as opaque).
pub fn create_table(
    target: &Target,
    schema: &Schema,
    ct: &CreateTable,
) -> (QName, Table, Vec<String>) {
    let q = qname(target, &ct.name);
    let mut t = Table {
        name: q.name.clone(),
        ..Table::default()
    };
    let mut unmodelled = Vec::new();
    for def in &ct.columns {
        let (col, inline) = column(target, schema, &q.name, def);
        if inline.primary_key {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: vec![col.name.clone()],
            });
        }
        t.indexes.extend(inline.unique);
        t.foreign_keys.extend(inline.foreign_key);
        t.checks.extend(inline.checks);
        t.columns.push(col);
    }
    for c in &ct.constraints {
        if !add_constraint(target, &mut t, c) {
            unmodelled.push(c.to_string());
        }
    }
    (q, t, unmodelled)
}

/// The foreign key a `REFERENCES` clause declares, inline on a column or as a table constraint:
/// `columns` reference the key's target; a key without `name` gets the dialect's default name.
fn foreign_key(
    target: &Target,
    table: &str,
    fk: &sqlparser::ast::ForeignKeyConstraint,
    columns: Vec<String>,
    name: Option<String>,
) -> ForeignKey {
    let to: QName = qname(target, &fk.foreign_table);
    let name = name.unwrap_or_else(|| {
        let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        default_name(target, table, &refs, "fkey")
    });
    ForeignKey {
        name,
        columns,
        ref_namespace: (to.ns != target.default_namespace).then_some(to.ns),
        ref_table: to.name,
        ref_columns: fk
            .referred_columns
            .iter()
            .map(|c| ident(target, c))
            .collect(),
        on_update: action(fk.on_update.as_ref()),
        on_delete: action(fk.on_delete.as_ref()),
        deferrable: false,
        initially_deferred: false,
    }
}
