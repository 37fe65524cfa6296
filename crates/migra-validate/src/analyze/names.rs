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

/// The identifiers and keywords of an SQL expression, outside string literals: quoted ones
/// (`"x"`, `` `x` ``) as written, bare ones lowercased (as PostgreSQL folds them).
pub fn identifiers(expression: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // '' inside a literal is a quote: the literal just continues after it.
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' | '`' => {
                let word: String = chars.by_ref().take_while(|&q| q != c).collect();
                out.push(word);
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut word = c.to_lowercase().to_string();
                while let Some(&n) = chars.peek() {
                    if !(n.is_alphanumeric() || n == '_' || n == '$') {
                        break;
                    }
                    word.extend(n.to_lowercase());
                    chars.next();
                }
                out.push(word);
            }
            c if c.is_ascii_digit() => {
                while chars
                    .peek()
                    .is_some_and(|n| n.is_alphanumeric() || *n == '.')
                {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod identifier_tests {
    #[test]
    fn identifiers_skip_literals_and_numbers() {
        assert_eq!(
            super::identifiers(r#"octet_length(Zip) = 32 AND "Odd" <> 'it''s x' OR 1e5 > y2"#),
            vec!["octet_length", "zip", "and", "Odd", "or", "y2"]
        );
    }
}
