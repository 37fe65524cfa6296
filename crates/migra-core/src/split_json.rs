//! Splitting a MongoDB migration: a stream of JSON command documents (what `db.runCommand`
//! takes), each one statement. Between documents, `;`, whitespace and `--`/`//` comment lines
//! are allowed.

use crate::error::SourceErrorKind;
use crate::split::{SplitError, Statement};

/// Splits `text` (line `first_line` of its file) into one statement per top-level JSON document.
/// The documents are not parsed here (the validator and the backend do that); only strings and
/// brackets are followed to find where each ends.
///
/// Errors: a document, string or comment that does not end, at the line where it starts.
pub(crate) fn split_json(text: &str, first_line: u32) -> Result<Vec<Statement>, SplitError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = first_line;
    let mut line_start = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
                line_start = i;
            }
            b' ' | b'\t' | b'\r' | b';' | b',' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
            _ => {
                let start = i;
                let start_line = line;
                let column = text[line_start..start].chars().count() as u32 + 1;
                if !matches!(b[i], b'{' | b'[') {
                    // Not JSON (`db.t.drop()`): the rest of the line is one statement, which the
                    // validator and the backend reject with a clear message.
                    while i < b.len() && b[i] != b'\n' && b[i] != b';' {
                        i += 1;
                    }
                    out.push(Statement {
                        sql: text[start..i].trim_end().to_string(),
                        line: start_line,
                        column,
                    });
                    continue;
                }
                let mut depth = 0usize;
                let unterminated = |what: &str| SplitError {
                    line: start_line,
                    kind: SourceErrorKind::Unterminated { what: what.into() },
                };
                loop {
                    let Some(&c) = b.get(i) else {
                        return Err(unterminated("JSON document"));
                    };
                    match c {
                        b'"' => {
                            i += 1;
                            loop {
                                match b.get(i) {
                                    None => return Err(unterminated("JSON string")),
                                    Some(b'\\') => i += 2,
                                    Some(b'"') => break,
                                    Some(b'\n') => {
                                        line += 1;
                                        i += 1;
                                        line_start = i;
                                    }
                                    Some(_) => i += 1,
                                }
                            }
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        b'\n' => {
                            line += 1;
                            line_start = i + 1;
                        }
                        _ => {}
                    }
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
                let sql = text[start..i].trim_end().to_string();
                if !sql.is_empty() {
                    out.push(Statement {
                        sql,
                        line: start_line,
                        column,
                    });
                }
            }
        }
    }
    Ok(out)
}

fn skip_line(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::split_json;

    #[test]
    fn documents_comments_and_strings() {
        let text = "-- a comment\n{\"drop\": \"a;}\\\"\"};\n\n// another\n{\"collMod\": \"b\",\n \"validator\": {\"x\": [1, {\"y\": 2}]}}\n{\"drop\": \"c\"}";
        let s = split_json(text, 3).unwrap();
        let got: Vec<(&str, u32, u32)> = s
            .iter()
            .map(|s| (s.sql.as_str(), s.line, s.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("{\"drop\": \"a;}\\\"\"}", 4, 1),
                (
                    "{\"collMod\": \"b\",\n \"validator\": {\"x\": [1, {\"y\": 2}]}}",
                    7,
                    1
                ),
                ("{\"drop\": \"c\"}", 9, 1),
            ]
        );
    }

    #[test]
    fn an_open_document_is_an_error_at_its_line() {
        let e = split_json("{\"drop\": \"a\"}\n{\"drop\": \n", 1).unwrap_err();
        assert_eq!(e.line, 2);
        let e = split_json("{\"drop\": \"a}\n", 1).unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn a_bare_word_is_its_own_statement_for_the_validator_to_reject() {
        let s = split_json("db.users.createIndex({a: 1})\n{\"drop\": \"a\"}", 1).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].sql, "db.users.createIndex({a: 1})");
        assert_eq!((s[1].line, s[1].column), (2, 1));
    }
}
