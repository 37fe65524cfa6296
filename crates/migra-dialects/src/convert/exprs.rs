//! Expressions and names across dialects: what can be sent as written, identifier quotes,
//! index names that must be unique per schema.

use migra_core::DialectId;
use migra_core::schema::Namespace;

/// Whether an expression can be sent to the target as written: same dialect, or no PostgreSQL
/// cast (`::type`) in it.
pub(super) fn portable(expr: &str, from: DialectId, to: DialectId) -> bool {
    if from == to {
        return true;
    }
    // Functions every dialect here has; another call may exist only in the source.
    const COMMON: &[&str] = &[
        "lower", "upper", "length", "abs", "coalesce", "substr", "round", "trim", "in", "and",
        "or", "not", "between", "like", "is",
    ];
    let calls_only_common = expr
        .char_indices()
        .filter(|(_, c)| *c == '(')
        .all(|(i, _)| {
            let name: String = expr[..i]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            name.is_empty() || COMMON.contains(&name.to_ascii_lowercase().as_str())
        });
    !expr.contains("::") && calls_only_common
}

/// `expr` with identifiers quoted the target's way (MySQL backticks and standard double quotes
/// swapped outside string literals); the rest of the text is kept.
pub(super) fn requote(expr: &str, from: DialectId, to: DialectId) -> String {
    let (a, b) = match (from == DialectId::Mysql, to == DialectId::Mysql) {
        (true, false) => ('`', '"'),
        (false, true) => ('"', '`'),
        _ => return expr.to_string(),
    };
    let mut in_string = false;
    expr.chars()
        .map(|c| {
            if c == '\'' {
                in_string = !in_string;
            }
            if !in_string && c == a { b } else { c }
        })
        .collect()
}

/// PostgreSQL and SQLite name indexes per schema, MySQL per table: an index name used twice, or
/// by a table, is prefixed with its table's name.
pub(super) fn unique_index_names(ns: &mut Namespace, lost: &mut Vec<String>) {
    let mut seen: std::collections::BTreeSet<String> =
        ns.tables.iter().map(|t| t.name.clone()).collect();
    for t in &mut ns.tables {
        for i in &mut t.indexes {
            if !seen.insert(i.name.clone()) {
                let renamed = format!("{}_{}", t.name, i.name);
                lost.push(format!(
                    "{}.{}: index renamed {renamed} (index names are per schema)",
                    t.name, i.name
                ));
                i.name = renamed.clone();
                seen.insert(renamed);
            }
        }
    }
}
