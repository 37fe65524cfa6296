//! `DiffHooks`: the few places where dialects disagree on whether two spellings are the same.
//! Every method has a dialect-neutral default; a dialect overrides only what it must.

use crate::schema::{ColumnDefault, ColumnType, TypeKind};

/// Equality questions the differ asks; the defaults compare the parsed model and normalized SQL
/// text. Implementations must be symmetric and deterministic.
pub trait DiffHooks: Send + Sync {
    /// Whether two column types are the same. Default: equal kinds; for kinds migra does not
    /// parse, equal raw text after [`normalize_sql`].
    fn types_equal(&self, from: &ColumnType, to: &ColumnType) -> bool {
        match (&from.kind, &to.kind) {
            (TypeKind::Unsupported, TypeKind::Unsupported) => {
                normalize_sql(&from.raw) == normalize_sql(&to.raw)
            }
            (a, b) => a == b,
        }
    }

    /// Whether two defaults are the same. Default: the same text after [`normalize_sql`],
    /// whether it was read as a literal or an expression.
    fn defaults_equal(&self, from: &ColumnDefault, to: &ColumnDefault) -> bool {
        let text = |d: &ColumnDefault| match d {
            ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => normalize_sql(v),
        };
        text(from) == text(to)
    }

    /// Whether two SQL expressions (checks, generation, index predicates and expressions, ON
    /// UPDATE) are the same. Default: equal after [`normalize_sql`].
    fn expressions_equal(&self, from: &str, to: &str) -> bool {
        normalize_sql(from) == normalize_sql(to)
    }

    /// Whether two view definitions are the same. Default: [`DiffHooks::expressions_equal`].
    fn views_equal(&self, from: &str, to: &str) -> bool {
        self.expressions_equal(from, to)
    }
}

/// The hooks with every default, for dialect-neutral diffs and tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultHooks;

impl DiffHooks for DefaultHooks {}

/// SQL text in a comparable form: runs of whitespace outside quotes become one space (none
/// before `(`, `)` and `,` or after `(` and `,`), text outside quotes is lowercased, a trailing `;` and parentheses
/// wrapping the whole text are removed. Quoted text (`'..'`, `".."`, `` `..` ``) is kept as is.
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    for c in sql.trim().trim_end_matches(';').trim_end().chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let tight = matches!(c, '(' | ')' | ',') || out.ends_with(['(', ',']);
        if pending_space && !out.is_empty() && !tight {
            out.push(' ');
        }
        pending_space = false;
        if matches!(c, '\'' | '"' | '`') {
            quote = Some(c);
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    while wrapped(&out) {
        out = out[1..out.len() - 1].to_string();
    }
    out
}

/// True when the first `(` closes at the very end (quotes respected).
fn wrapped(s: &str) -> bool {
    if !(s.starts_with('(') && s.ends_with(')')) {
        return false;
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_keeps_quoted_text_and_drops_layout() {
        assert_eq!(normalize_sql("( price  >  0 )"), "price > 0");
        assert_eq!(normalize_sql("((a > 0) AND (b > 0))"), "(a > 0) and(b > 0)");
        assert_eq!(normalize_sql("(a>0)and(b>0)"), "(a>0)and(b>0)");
        assert_eq!(normalize_sql("lower( Email )"), "lower(email)");
        assert_eq!(normalize_sql("'It  IS'"), "'It  IS'");
        assert_eq!(normalize_sql("f(a ,  b);"), "f(a,b)");
        assert_eq!(normalize_sql("(a) + (b)"), "(a) +(b)");
    }
}
