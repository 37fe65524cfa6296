//! Names as the database folds them.

use crate::target::Target;
use migra_core::DialectId;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

/// A schema-qualified object name, resolved against the target's default namespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QName {
    /// Namespace.
    pub ns: String,
    /// Object name.
    pub name: String,
}

/// The identifier as the database stores it: PostgreSQL folds unquoted names to lower case.
pub fn ident(target: &Target, id: &Ident) -> String {
    if id.quote_style.is_none() && target.dialect == DialectId::Postgres {
        id.value.to_lowercase()
    } else {
        id.value.clone()
    }
}

/// Resolves `[ns.]name` (a three-part `db.ns.name` keeps the last two).
pub fn qname(target: &Target, name: &ObjectName) -> QName {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => ident(target, id),
            other => other.to_string(),
        })
        .collect();
    match parts.as_slice() {
        [.., ns, n] => QName {
            ns: ns.clone(),
            name: n.clone(),
        },
        [n] => QName {
            ns: target.default_namespace.clone(),
            name: n.clone(),
        },
        [] => QName {
            ns: target.default_namespace.clone(),
            name: String::new(),
        },
    }
}

/// Shows a table (or `table.column`) the way a user wrote it: the namespace only when it is not the
/// default one.
pub fn display(target: &Target, ns: &str, table: &str, column: Option<&str>) -> String {
    let mut s = String::new();
    if ns != target.default_namespace && !ns.is_empty() {
        s.push_str(ns);
        s.push('.');
    }
    s.push_str(table);
    if let Some(c) = column {
        s.push('.');
        s.push_str(c);
    }
    s
}
