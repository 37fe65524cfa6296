//! Small, careful readers of SQLite's stored `CREATE` text, for what its pragmas do not report
//! (check expressions, generated-column expressions, index expressions and predicates).

/// The text inside the parenthesis that opens at byte `open` (which must be `(`), honouring
/// quotes and nesting; `None` when unbalanced.
pub(super) fn balanced(sql: &str, open: usize) -> Option<&str> {
    let b = sql.as_bytes();
    if b.get(open) != Some(&b'(') {
        return None;
    }
    let (mut depth, mut i, mut quote) = (0usize, open, None::<u8>);
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&sql[open + 1..i]);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Splits `list` at commas that are outside parentheses and quotes.
pub(super) fn split_top(list: &str) -> Vec<&str> {
    let b = list.as_bytes();
    let (mut out, mut start, mut depth, mut quote) = (Vec::new(), 0, 0usize, None::<u8>);
    for (i, &c) in b.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => {
                    out.push(list[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    out.push(list[start..].trim());
    out
}

/// Finds `word` (ASCII, case-insensitive) as a whole word at or after `from`, outside quotes.
pub(super) fn find_word(sql: &str, word: &str, from: usize) -> Option<usize> {
    let lower = sql.to_ascii_lowercase();
    let w = word.to_ascii_lowercase();
    let b = lower.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut quote = None::<u8>;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, b'\'' | b'"' | b'`') => quote = Some(c),
            None if c == b'[' => quote = Some(b']'),
            None => {
                if lower[i..].starts_with(&w)
                    && (i == 0 || !is_ident(b[i - 1]))
                    && !b.get(i + w.len()).is_some_and(|&n| is_ident(n))
                {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// The table's column and constraint definitions: the body of `CREATE TABLE name (...)`.
pub(super) fn table_body(sql: &str) -> Option<&str> {
    balanced(sql, sql.find('(')?)
}

/// Check constraints of a table: (constraint name, expression), table-level and column-level.
pub(super) fn checks(sql: &str) -> Vec<(Option<String>, String)> {
    let Some(body) = table_body(sql) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_word(body, "check", from) {
        let open = body[at + 5..].find('(').map(|o| at + 5 + o);
        let Some(expr) = open.and_then(|o| balanced(body, o)) else {
            break;
        };
        // `CONSTRAINT name CHECK (...)`: the two words before CHECK.
        let before: Vec<&str> = body[..at].split_whitespace().rev().take(2).collect();
        let name = match before.as_slice() {
            [n, kw] if kw.eq_ignore_ascii_case("constraint") => Some(unquote(n).to_string()),
            _ => None,
        };
        out.push((name, expr.trim().to_string()));
        from = at + 5 + expr.len();
    }
    out
}

/// The expression of generated column `column`, and whether it is stored.
pub(super) fn generated(sql: &str, column: &str) -> Option<(String, bool)> {
    let body = table_body(sql)?;
    let def = split_top(body)
        .into_iter()
        .find(|d| unquote(d.split_whitespace().next().unwrap_or("")) == column)?;
    let at = find_word(def, "as", 0)?;
    let open = at + def[at..].find('(')?;
    let expr = balanced(def, open)?;
    let stored = find_word(def, "stored", open + expr.len()).is_some();
    Some((expr.trim().to_string(), stored))
}

/// The collation written on column `column` (`COLLATE NOCASE`), if any.
pub(super) fn collation(sql: &str, column: &str) -> Option<String> {
    let body = table_body(sql)?;
    let def = split_top(body)
        .into_iter()
        .find(|d| unquote(d.split_whitespace().next().unwrap_or("")) == column)?;
    let at = find_word(def, "collate", 0)?;
    let name = def[at + "collate".len()..].split_whitespace().next()?;
    Some(unquote(name.trim_end_matches(',')).to_string())
}

/// The key parts (as written) and the `WHERE` predicate of a `CREATE INDEX` statement.
pub(super) fn index_parts(sql: &str) -> (Vec<String>, Option<String>) {
    let Some(on) = find_word(sql, "on", 0) else {
        return (Vec::new(), None);
    };
    let Some(open) = sql[on..].find('(').map(|o| on + o) else {
        return (Vec::new(), None);
    };
    let Some(list) = balanced(sql, open) else {
        return (Vec::new(), None);
    };
    let parts = split_top(list).into_iter().map(str::to_string).collect();
    let predicate =
        find_word(sql, "where", open + list.len()).map(|w| sql[w + 5..].trim().to_string());
    (parts, predicate)
}

/// Removes one layer of identifier quoting.
pub(super) fn unquote(s: &str) -> &str {
    let s = s.trim();
    for (a, b) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if s.len() >= 2 && s.starts_with(a) && s.ends_with(b) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_checks_generated_and_index_text() {
        let t = "CREATE TABLE t (a INT CHECK (a > 0), b TEXT, c INT GENERATED ALWAYS AS (a * 2) STORED, \
                 CONSTRAINT b_len CHECK (length(b) < 10 AND b <> 'check (x)'))";
        assert_eq!(
            checks(t),
            vec![
                (None, "a > 0".into()),
                (
                    Some("b_len".into()),
                    "length(b) < 10 AND b <> 'check (x)'".into()
                )
            ]
        );
        assert_eq!(generated(t, "c"), Some(("a * 2".into(), true)));
        assert_eq!(generated(t, "a"), None);
        let (parts, pred) = index_parts("CREATE INDEX i ON t (lower(b), a DESC) WHERE a > 1");
        assert_eq!(parts, vec!["lower(b)", "a DESC"]);
        assert_eq!(pred.as_deref(), Some("a > 1"));
    }
}
