//! PostgreSQL's equality hooks: the catalog prints literals with casts (`'x'::text`,
//! `'a'::character varying`) that DDL written by hand leaves out.

use migra_core::DiffHooks;
use migra_core::normalize_sql;
use migra_core::schema::ColumnDefault;

/// PostgreSQL's [`DiffHooks`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresHooks;

/// `text` without `::type` casts outside string literals (a cast ends at the next space,
/// comma or closing parenthesis; `character varying` and other two-word types included).
pub(crate) fn strip_casts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_string = !in_string;
        }
        if !in_string && c == ':' && chars.peek() == Some(&':') {
            chars.next();
            // The type name: words, `[]`, `(n)`, and the second word of two-word types.
            let mut name = String::new();
            while let Some(&n) = chars.peek() {
                let two_word = n == ' '
                    && ["character", "double", "timestamp", "time", "bit"]
                        .iter()
                        .any(|w| name.eq_ignore_ascii_case(w));
                if n.is_alphanumeric() || matches!(n, '_' | '.' | '[' | ']' | '"') || two_word {
                    name.push(n);
                    chars.next();
                } else if n == '(' && !name.is_empty() {
                    // A type modifier such as varchar(20).
                    for m in chars.by_ref() {
                        if m == ')' {
                            break;
                        }
                    }
                } else {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

impl DiffHooks for PostgresHooks {
    fn defaults_equal(&self, from: &ColumnDefault, to: &ColumnDefault) -> bool {
        let text = |d: &ColumnDefault| match d {
            ColumnDefault::Literal(v) | ColumnDefault::Expression(v) => {
                normalize_sql(&strip_casts(v))
            }
        };
        text(from) == text(to)
    }

    /// The catalog adds parentheses around every operand (`((a > 0) AND (b > 0))`): they are
    /// ignored, with casts. (Two expressions that differ only in grouping compare equal: a
    /// known limit.)
    fn expressions_equal(&self, from: &str, to: &str) -> bool {
        let canonical = |e: &str| normalize_sql(&strip_casts(e).replace(['(', ')'], " "));
        canonical(from) == canonical(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_are_not_differences() {
        assert_eq!(strip_casts("'x'::text"), "'x'");
        assert_eq!(strip_casts("'a'::character varying"), "'a'");
        assert_eq!(strip_casts("(price)::numeric(10,2) > 0"), "(price) > 0");
        assert_eq!(strip_casts("'a::b'"), "'a::b'");
        let h = PostgresHooks;
        assert!(h.expressions_equal("((age >= 0) AND (age <= 150))", "age >= 0 AND age <= 150"));
        assert!(h.defaults_equal(
            &ColumnDefault::Expression("'none'::text".into()),
            &ColumnDefault::Literal("'none'".into())
        ));
    }
}
