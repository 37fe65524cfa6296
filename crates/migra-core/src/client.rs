//! Commands of the database clients (psql, the sqlite3 shell, the mysql client) written into
//! migrations: they are not SQL the server runs, and migra sends statements to the server only.

use crate::DialectId;
use crate::words::{contains_ignore_case, first_word, unquoted_words};

/// Why a [`ClientCopy::Refused`] statement cannot run, and what to write instead.
pub const CLIENT_COPY: &str = "COPY ... TO STDOUT sends rows to the client, and COPY ... FROM \
     STDIN waits for rows from it unless they follow it in the file (up to a line `\\.`, as psql \
     reads them): migra reads no rows back and sends no others; put the rows after the COPY, write \
     them as INSERT statements, or COPY from or to a file on the database server";

/// What a PostgreSQL statement's `COPY` exchanges with the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCopy {
    /// `COPY ... FROM STDIN` followed by its rows, as psql reads them from a script and the
    /// splitter keeps them (the lines after the statement's `;` up to a line `\.`).
    Rows {
        /// The COPY statement, without its `;`.
        command: String,
        /// The rows, each line ended by a newline.
        rows: String,
    },
    /// `COPY ... TO STDOUT`, or `COPY ... FROM STDIN` without its rows: their rows would travel
    /// in the copy sub-protocol, and sent as a plain query the statement would leave the session
    /// waiting ([`CLIENT_COPY`] says what to write instead).
    Refused,
}

/// How `sql` (one statement, or several for a `no-split` script) copies rows from or to the
/// client; `None` when it does not.
pub fn client_copy(sql: &str) -> Option<ClientCopy> {
    // Most statements name neither: no split, no allocation.
    if !contains_ignore_case(sql, "stdin") && !contains_ignore_case(sql, "stdout") {
        return None;
    }
    if let Some(rows) = copy_rows(sql) {
        return Some(rows);
    }
    statements(sql)
        .iter()
        .any(|s| copy_word(&s.sql).is_some())
        .then_some(ClientCopy::Refused)
}

/// [`ClientCopy::Rows`] when `sql` is a `COPY ... FROM STDIN` statement followed by its rows.
fn copy_rows(sql: &str) -> Option<ClientCopy> {
    let body = sql.trim_end();
    let without_end = body.strip_suffix("\\.")?;
    if !(without_end.is_empty() || without_end.ends_with('\n')) {
        return None;
    }
    let first = statements(sql).into_iter().next()?;
    if copy_word(&first.sql) != Some("stdin") {
        return None;
    }
    // The command ends at its `;`; the rows start on the next line.
    let after = body.get(first.sql.len()..)?;
    let rows_at = after.find('\n').map(|i| first.sql.len() + i + 1)?;
    let rows = body.get(rows_at..without_end.len()).unwrap_or("");
    Some(ClientCopy::Rows {
        command: first.sql,
        rows: rows.to_string(),
    })
}

/// `stdin` or `stdout` when `statement` is a COPY from or to the client.
pub(crate) fn copy_word(statement: &str) -> Option<&'static str> {
    // The splitter asks this at the end of every PostgreSQL statement: the first word decides
    // before any word is collected.
    if !first_word(statement).eq_ignore_ascii_case("copy") {
        return None;
    }
    let words = unquoted_words(statement);
    if words.iter().any(|w| w == "stdin") {
        Some("stdin")
    } else if words.iter().any(|w| w == "stdout") {
        Some("stdout")
    } else {
        None
    }
}

/// `sql` split by PostgreSQL's rules, keeping no COPY rows (so a row never reads as SQL here).
fn statements(sql: &str) -> Vec<crate::Statement> {
    let opts = crate::SplitOptions {
        copy_data: false,
        ..crate::SplitOptions::POSTGRES
    };
    crate::split::split(sql, 1, &opts).unwrap_or_else(|_| {
        vec![crate::Statement {
            sql: sql.to_string(),
            line: 1,
            column: 1,
        }]
    })
}

/// What is wrong with `sql` when it is a client command rather than SQL for `dialect`: a psql or
/// mysql client backslash command (`\set`, `\connect`, `\.`), a sqlite3 shell dot command
/// (`.import`), the mysql client's `source`, or PostgreSQL's [`ClientCopy::Refused`]. `None` for
/// SQL.
pub fn client_command(dialect: DialectId, sql: &str) -> Option<String> {
    let text = sql.trim_start();
    let first_line = text.lines().next().unwrap_or("").trim();
    let client = match dialect {
        DialectId::Postgres => "the psql client",
        DialectId::Mysql => "the mysql client",
        DialectId::Sqlite => "a database client",
        DialectId::Mongodb => return None,
    };
    if text.starts_with('\\')
        || (dialect == DialectId::Mysql && first_word(text).eq_ignore_ascii_case("source"))
    {
        return Some(format!(
            "`{first_line}` is a command of {client}, not SQL: migra sends statements to the \
             database only"
        ));
    }
    if dialect == DialectId::Sqlite
        && text.starts_with('.')
        && text[1..].starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return Some(format!(
            "`{first_line}` is a command of the sqlite3 shell, not SQL: migra sends statements to \
             the database only"
        ));
    }
    if dialect == DialectId::Postgres && client_copy(sql) == Some(ClientCopy::Refused) {
        return Some(CLIENT_COPY.into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{ClientCopy, client_command, client_copy};
    use crate::DialectId;

    #[test]
    fn copy_with_client_data_is_recognised_outside_quotes_and_bodies() {
        let refused = |sql: &str| client_copy(sql) == Some(ClientCopy::Refused);
        assert!(refused("COPY t (x) FROM stdin"));
        assert!(refused("copy t from STDIN with (format csv)"));
        assert!(refused("COPY (SELECT 1) TO STDOUT"));
        assert!(refused("CREATE TABLE a (x int);\nCOPY a FROM stdin;"));
        assert_eq!(client_copy("COPY t FROM '/srv/data.csv'"), None);
        assert_eq!(client_copy("COPY t FROM '/tmp/stdin'"), None);
        assert_eq!(
            client_copy("COPY t /* not stdin */ FROM '/srv/t.csv'"),
            None
        );
        assert_eq!(client_copy("INSERT INTO stdin VALUES (1)"), None);
        assert_eq!(client_copy("-- COPY t FROM stdin\nSELECT 1"), None);
        assert_eq!(
            client_copy(
                "CREATE FUNCTION f() RETURNS void AS $$ BEGIN COPY t FROM stdin; END $$ LANGUAGE plpgsql"
            ),
            None
        );
        assert_eq!(
            client_copy("COPY t FROM stdin;\n1\n\\.\n"),
            Some(ClientCopy::Rows {
                command: "COPY t FROM stdin".into(),
                rows: "1\n".into()
            })
        );
    }

    #[test]
    fn client_commands_are_named_with_their_client() {
        let pg = client_command(DialectId::Postgres, "\\set ON_ERROR_STOP on\nSELECT 1")
            .unwrap_or_default();
        assert!(
            pg.starts_with("`\\set ON_ERROR_STOP on` is a command of the psql client"),
            "{pg}"
        );
        let lite = client_command(DialectId::Sqlite, ".import x.csv t").unwrap_or_default();
        assert!(lite.contains("sqlite3 shell"), "{lite}");
        assert!(client_command(DialectId::Mysql, "SOURCE seed.sql").is_some());
        assert!(client_command(DialectId::Postgres, "COPY t FROM stdin").is_some());
        assert!(client_command(DialectId::Mysql, "COPY t FROM stdin").is_none());
        assert!(client_command(DialectId::Sqlite, "SELECT .5").is_none());
        assert!(client_command(DialectId::Postgres, "SELECT source FROM t").is_none());
    }
}
