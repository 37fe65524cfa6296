//! `COPY ... FROM STDIN` / `TO STDOUT` (as `pg_dump` writes data for psql): recognised and
//! refused with what to write instead, before anything is sent.

use migra_core::BackendError;

/// True when `sql` holds a `COPY ... FROM STDIN` or `TO STDOUT`: its rows travel in the copy
/// sub-protocol from or to the client (psql sends the lines after the statement up to `\.`),
/// which migra does not speak, and sent as a plain query it would leave the session waiting.
pub(super) fn client_copy(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    if !lower.contains("stdin") && !lower.contains("stdout") {
        return false;
    }
    let statements = migra_core::split::split(sql, 1, &migra_core::SplitOptions::POSTGRES)
        .unwrap_or_else(|_| {
            vec![migra_core::Statement {
                sql: sql.to_string(),
                line: 1,
                column: 1,
            }]
        });
    statements.iter().any(|s| {
        let words = unquoted_words(&s.sql);
        words.first().is_some_and(|w| w == "copy")
            && words.iter().any(|w| w == "stdin" || w == "stdout")
    })
}

/// The lowercase words of `sql` outside quotes and comments.
fn unquoted_words(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                word.push(c.to_ascii_lowercase());
                continue;
            }
            _ => {}
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The error for a [`client_copy`] statement, saying what to write instead.
pub(super) fn refused() -> BackendError {
    BackendError::Unsupported {
        dialect: "postgresql".into(),
        what: "COPY ... FROM STDIN / TO STDOUT: its data travels between psql and the server, \
               and migra sends statements only; write the rows as INSERT statements, or COPY \
               from a file on the database server"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::client_copy;

    #[test]
    fn copy_with_client_data_is_recognised_outside_quotes_and_bodies() {
        assert!(client_copy("COPY t (x) FROM stdin"));
        assert!(client_copy("copy t from STDIN with (format csv)"));
        assert!(client_copy("COPY (SELECT 1) TO STDOUT"));
        assert!(client_copy("CREATE TABLE a (x int);\nCOPY a FROM stdin;"));
        assert!(!client_copy("COPY t FROM '/srv/data.csv'"));
        assert!(!client_copy("COPY t FROM '/tmp/stdin'"));
        assert!(!client_copy("INSERT INTO stdin VALUES (1)"));
        assert!(!client_copy("-- COPY t FROM stdin\nSELECT 1"));
        assert!(!client_copy(
            "CREATE FUNCTION f() RETURNS void AS $$ BEGIN COPY t FROM stdin; END $$ LANGUAGE plpgsql"
        ));
    }
}
