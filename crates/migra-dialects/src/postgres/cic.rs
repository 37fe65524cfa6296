//! `CREATE INDEX CONCURRENTLY` that fails part-way leaves its index behind, marked INVALID: not
//! used by queries, still updated by every write, and in the way of the statement's next run
//! ("relation already exists"), which `IF NOT EXISTS` turns into a silent success with the index
//! still invalid. The backend drops what its own failed statement left, and refuses to call a
//! statement done whose `IF NOT EXISTS` skipped an invalid index.

use migra_core::BackendError;

/// What a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] [name] ON [ONLY] table` says.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Concurrent {
    /// The index's name as the catalog spells it (unquoted and folded to lower case unless
    /// quoted); `None` when the statement lets PostgreSQL choose one.
    pub index: Option<String>,
    /// The table as written (quoted parts kept), for `to_regclass`.
    pub table: String,
    /// The statement says `IF NOT EXISTS`.
    pub if_not_exists: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Tok<'a> {
    Word(&'a str),
    Quoted(String),
    Dot,
    Other,
}

/// The tokens of `sql` up to its first `(`: words, quoted identifiers, dots; comments skipped.
fn tokens(sql: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut rest = sql;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, t)| t);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, t)| t);
        } else if let Some(r) = rest.strip_prefix('"') {
            let mut name = String::new();
            let mut chars = r.char_indices();
            let mut end = r.len();
            while let Some((i, c)) = chars.next() {
                if c != '"' {
                    name.push(c);
                } else if r[i + 1..].starts_with('"') {
                    name.push('"');
                    chars.next();
                } else {
                    end = i + 1;
                    break;
                }
            }
            out.push(Tok::Quoted(name));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('.') {
            out.push(Tok::Dot);
            rest = r;
        } else {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            if len == 0 {
                if !rest.is_empty() && !rest.starts_with('(') {
                    out.push(Tok::Other);
                }
                return out;
            }
            out.push(Tok::Word(&rest[..len]));
            rest = &rest[len..];
        }
    }
}

type Toks<'a, 't> = std::iter::Peekable<std::slice::Iter<'a, Tok<'t>>>;

/// Takes keyword `w` (any case) from `it` when it comes next.
fn eat(it: &mut Toks<'_, '_>, w: &str) -> bool {
    let hit = matches!(it.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w));
    if hit {
        it.next();
    }
    hit
}

/// Reads `sql` as a concurrent index build; `None` for anything else.
pub(super) fn parse(sql: &str) -> Option<Concurrent> {
    // Every statement run on its own comes here: most are read no further than a word.
    if !migra_core::words::first_word_in(sql, &["CREATE"]) {
        return None;
    }
    let toks = tokens(sql);
    let it = &mut toks.iter().peekable();
    if !eat(it, "CREATE") {
        return None;
    }
    eat(it, "UNIQUE");
    if !(eat(it, "INDEX") && eat(it, "CONCURRENTLY")) {
        return None;
    }
    let if_not_exists = eat(it, "IF");
    if if_not_exists && !(eat(it, "NOT") && eat(it, "EXISTS")) {
        return None;
    }
    let index = if eat(it, "ON") {
        None
    } else {
        let parts = name(it)?;
        if !eat(it, "ON") {
            return None;
        }
        parts.last().map(|(_, folded)| folded.clone())
    };
    eat(it, "ONLY");
    let table = name(it)?;
    let written: Vec<&str> = table.iter().map(|(w, _)| w.as_str()).collect();
    Some(Concurrent {
        index,
        table: written.join("."),
        if_not_exists,
    })
}

/// A dotted name: each part as written (quoted again) and as the catalog spells it.
fn name(it: &mut Toks<'_, '_>) -> Option<Vec<(String, String)>> {
    let mut parts = Vec::new();
    loop {
        match it.next()? {
            Tok::Word(w) => parts.push((w.to_string(), w.to_ascii_lowercase())),
            Tok::Quoted(q) => parts.push((format!("\"{}\"", q.replace('"', "\"\"")), q.clone())),
            _ => return None,
        }
        if it.peek() != Some(&&Tok::Dot) {
            return Some(parts);
        }
        it.next();
    }
}

/// The query returning the invalid index `c` names on its table (as `regclass` text, quoted
/// and qualified as needed), if there is one.
pub(super) fn invalid_index_sql(c: &Concurrent, index: &str) -> String {
    let lit = |s: &str| migra_core::dialect::quote_with(s, '\'');
    format!(
        "SELECT x.indexrelid::regclass::text FROM pg_index x \
         JOIN pg_class c ON c.oid = x.indexrelid \
         WHERE x.indrelid = to_regclass({}) AND c.relname = {} AND NOT x.indisvalid",
        lit(&c.table),
        lit(index)
    )
}

/// `e` (the failed build's error) saying what became of the invalid index it left.
pub(super) fn left_behind(e: BackendError, index: &str, dropped: bool) -> BackendError {
    let note = if dropped {
        format!("the invalid index {index} it left behind was dropped")
    } else {
        format!(
            "it left the invalid index {index} behind: `DROP INDEX CONCURRENTLY {index}` before \
             running it again"
        )
    };
    match e {
        BackendError::Statement { message, code } => BackendError::Statement {
            message: format!("{message} ({note})"),
            code,
        },
        e => e,
    }
}

/// The error for an `IF NOT EXISTS` build that skipped the invalid index `index`.
pub(super) fn skipped_invalid(index: &str) -> BackendError {
    BackendError::Statement {
        message: format!(
            "index {index} already exists but is INVALID (an earlier CREATE INDEX CONCURRENTLY of \
             it failed), so IF NOT EXISTS did not build it: `DROP INDEX CONCURRENTLY {index}`, \
             then run the migration again"
        ),
        code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(index: Option<&str>, table: &str, if_not_exists: bool) -> Option<Concurrent> {
        Some(Concurrent {
            index: index.map(str::to_string),
            table: table.to_string(),
            if_not_exists,
        })
    }

    #[test]
    fn reads_the_index_and_its_table() {
        assert_eq!(
            parse("CREATE UNIQUE INDEX CONCURRENTLY Users_Email ON app.users (email)"),
            c(Some("users_email"), "app.users", false)
        );
        assert_eq!(
            parse(
                "-- why\ncreate index concurrently if not exists \"Odd \"\"Name\"\" \" on only \"T\"(x)"
            ),
            c(Some("Odd \"Name\" "), "\"T\"", true)
        );
        assert_eq!(
            parse("CREATE INDEX CONCURRENTLY s.i ON s.t USING gin (x)"),
            c(Some("i"), "s.t", false)
        );
        assert_eq!(
            parse("CREATE INDEX CONCURRENTLY ON t (x)"),
            c(None, "t", false)
        );
    }

    #[test]
    fn anything_else_is_not_a_concurrent_build() {
        for sql in [
            "CREATE INDEX i ON t (x)",
            "CREATE TABLE concurrently (x int)",
            "REINDEX INDEX CONCURRENTLY i",
            "CREATE INDEX CONCURRENTLY IF EXISTS i ON t (x)",
            "CREATE INDEX CONCURRENTLY i (x)",
        ] {
            assert_eq!(parse(sql), None, "{sql}");
        }
    }
}
