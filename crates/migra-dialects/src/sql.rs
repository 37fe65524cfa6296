//! The one escaping writer: every identifier and string literal a planner emits goes through it.

use migra_core::dialect::quote_with;

/// A dialect's quoting rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sql {
    /// Identifier quote (`"` or `` ` ``).
    pub quote: char,
    /// Backslash is an escape in string literals (MySQL's default), so it is doubled too.
    pub backslash_escapes: bool,
}

impl Sql {
    /// A quoted identifier.
    pub fn ident(&self, name: &str) -> String {
        quote_with(name, self.quote)
    }

    /// `ns.name` quoted; just `name` when `ns` is empty.
    pub fn qualified(&self, ns: &str, name: &str) -> String {
        if ns.is_empty() {
            self.ident(name)
        } else {
            format!("{}.{}", self.ident(ns), self.ident(name))
        }
    }

    /// Quoted identifiers separated by `, `.
    pub fn idents(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `CONSTRAINT name ` before a key or check, or nothing for an unnamed one.
    pub fn constraint(&self, name: &str) -> String {
        if name.is_empty() {
            String::new()
        } else {
            format!("CONSTRAINT {} ", self.ident(name))
        }
    }

    /// A string literal.
    pub fn literal(&self, text: &str) -> String {
        if self.backslash_escapes {
            quote_with(&text.replace('\\', "\\\\"), '\'')
        } else {
            quote_with(text, '\'')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_backslashes_where_they_escape() {
        let pg = Sql {
            quote: '"',
            backslash_escapes: false,
        };
        let my = Sql {
            quote: '`',
            backslash_escapes: true,
        };
        assert_eq!(pg.qualified("a\"b", "t"), "\"a\"\"b\".\"t\"");
        assert_eq!(pg.literal("it's \\n"), "'it''s \\n'");
        assert_eq!(my.literal("it's \\n"), "'it''s \\\\n'");
        assert_eq!(my.ident("x`y"), "`x``y`");
    }
}
