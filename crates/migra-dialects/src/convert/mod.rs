//! Cross-dialect conversion of a schema model (`--to-dialect`): column types are respelled from
//! their parsed kind, identity and enums take the target's form, and everything that cannot be
//! carried over, or is kept as written and may need editing, is listed.

mod exprs;
mod table;
mod types;

pub use types::type_sql;

use exprs::unique_index_names;
use migra_core::DialectId;
use migra_core::schema::{Database, EnumType, Namespace};
use table::convert_table;

/// `db` (read from `from`) in `to`'s terms, and what did not carry over or was kept as written.
pub fn convert(db: &Database, from: DialectId, to: DialectId) -> (Database, Vec<String>) {
    let mut lost: Vec<String> = db
        .unmodelled
        .iter()
        .map(|u| format!("{} {} is not carried over", u.kind, u.name))
        .collect();
    let mut out = Database::default();
    for (i, n) in db.namespaces.iter().enumerate() {
        let mut ns = Namespace {
            name: match to {
                DialectId::Postgres if n.name.is_empty() => "public".into(),
                DialectId::Postgres => n.name.clone(),
                _ => String::new(),
            },
            comment: if to == DialectId::Postgres {
                n.comment.clone()
            } else {
                None
            },
            ..Namespace::default()
        };
        if to != DialectId::Postgres && i > 0 {
            lost.push(format!(
                "schema {} is merged into the one {} database",
                n.name,
                to.name()
            ));
        }
        let named_enums: Vec<&EnumType> = n.enums.iter().collect();
        for s in &n.sequences {
            let owned = s.owned_by.is_some();
            if to == DialectId::Postgres {
                ns.sequences.push(s.clone());
            } else if !owned {
                lost.push(format!(
                    "sequence {} is not carried over ({} has none)",
                    s.name,
                    to.name()
                ));
            }
        }
        for v in &n.views {
            if v.materialized && to != DialectId::Postgres {
                lost.push(format!("materialized view {} is not carried over", v.name));
                continue;
            }
            if from == to {
                ns.views.push(v.clone());
            } else {
                // A definition is a query in the source's SQL: not rewritten, so not carried.
                lost.push(format!(
                    "view {} is not carried over (its query is {} SQL)",
                    v.name,
                    from.name()
                ));
            }
        }
        for t in &n.tables {
            ns.tables.push(convert_table(
                t,
                from,
                to,
                &named_enums,
                &mut ns.enums,
                &mut lost,
            ));
        }
        if to != DialectId::Mysql {
            unique_index_names(&mut ns, &mut lost);
        }
        if to == DialectId::Postgres || out.namespaces.is_empty() {
            out.namespaces.push(ns);
        } else if let Some(first) = out.namespaces.first_mut() {
            first.tables.extend(ns.tables);
            first.views.extend(ns.views);
        }
    }
    (out, lost)
}
