//! Splits SQL scripts into statements, the way real migration files need it.
//!
//! Handles single/double/backtick quotes (doubled-quote and, where the dialect has them, backslash
//! escapes), `--`, `#` and (nested) `/* */` comments, PostgreSQL `$tag$` bodies, `BEGIN ... END`
//! bodies of triggers, procedures, functions and events (with `CASE ... END`, `END IF`, `END LOOP`),
//! and the MySQL client's `DELIMITER` command.

use crate::error::SourceErrorKind;
use serde::Serialize;

/// Lexical features of a dialect that decide where statements end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SplitOptions {
    /// `$tag$ ... $tag$` bodies (PostgreSQL).
    pub dollar_quotes: bool,
    /// `# comment` (MySQL).
    pub hash_comments: bool,
    /// `\'` inside strings (MySQL; PostgreSQL `E'...'` strings always).
    pub backslash_escapes: bool,
    /// The MySQL client's `DELIMITER xx` command.
    pub delimiter_command: bool,
    /// `[identifier]` quoting (SQLite, SQL Server).
    pub bracket_identifiers: bool,
    /// `/* /* */ */` nests (PostgreSQL).
    pub nested_comments: bool,
    /// The script is a stream of JSON command documents (MongoDB), one statement each.
    pub json_documents: bool,
    /// psql's `COPY ... FROM STDIN;` followed by its rows up to a line `\.` (PostgreSQL): the
    /// rows belong to the statement ([`crate::client::ClientCopy::Rows`]).
    pub copy_data: bool,
    /// `/*! ... */` and `/*M! ... */` are code the server runs, not comments (MySQL, MariaDB:
    /// `mysqldump` output is full of them): kept as statement text, `;` inside included.
    pub executable_comments: bool,
}

impl SplitOptions {
    /// PostgreSQL.
    pub const POSTGRES: Self = Self {
        dollar_quotes: true,
        hash_comments: false,
        backslash_escapes: false,
        delimiter_command: false,
        bracket_identifiers: false,
        nested_comments: true,
        json_documents: false,
        copy_data: true,
        executable_comments: false,
    };
    /// MySQL and MariaDB.
    pub const MYSQL: Self = Self {
        dollar_quotes: false,
        hash_comments: true,
        backslash_escapes: true,
        delimiter_command: true,
        bracket_identifiers: false,
        nested_comments: false,
        json_documents: false,
        copy_data: false,
        executable_comments: true,
    };
    /// MongoDB: JSON command documents.
    pub const MONGODB: Self = Self {
        dollar_quotes: false,
        hash_comments: false,
        backslash_escapes: true,
        delimiter_command: false,
        bracket_identifiers: false,
        nested_comments: false,
        json_documents: true,
        copy_data: false,
        executable_comments: false,
    };
    /// SQLite.
    pub const SQLITE: Self = Self {
        dollar_quotes: false,
        hash_comments: false,
        backslash_escapes: false,
        delimiter_command: false,
        bracket_identifiers: true,
        nested_comments: false,
        json_documents: false,
        copy_data: false,
        executable_comments: false,
    };
}

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Statement {
    /// The statement text without its trailing delimiter.
    pub sql: String,
    /// 1-based line of the file where the statement starts.
    pub line: u32,
    /// 1-based column (in characters) of that line where the statement starts.
    pub column: u32,
}

impl Statement {
    /// 1-based line of the file where the statement's text ends.
    pub fn end_line(&self) -> u32 {
        self.line + self.sql.bytes().filter(|b| *b == b'\n').count() as u32
    }
}

/// A splitting failure at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// Line where the unterminated construct starts.
    pub line: u32,
    /// What went wrong.
    pub kind: SourceErrorKind,
}

/// Splits `text` (whose first line is line `first_line` of its file) into statements.
///
/// Statements holding only comments are dropped (a MySQL executable comment is not one, with
/// [`SplitOptions::executable_comments`]). Errors on an unterminated quote, comment or
/// dollar-quoted body, naming the line where it starts.
pub fn split(
    text: &str,
    first_line: u32,
    opts: &SplitOptions,
) -> Result<Vec<Statement>, SplitError> {
    if opts.json_documents {
        return crate::split_json::split_json(text, first_line);
    }
    Splitter {
        b: text.as_bytes(),
        text,
        i: 0,
        line: first_line,
        opts: *opts,
        delim: ";".into(),
    }
    .run()
}

struct Splitter<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    opts: SplitOptions,
    delim: String,
}

/// Statement-level state used to recognise bodies that contain semicolons.
#[derive(Default)]
struct Body {
    words: usize,
    first_create: bool,
    kind_seen: bool,
    has_body: bool,
    depth: u32,
}

const OBJECT_WORDS: &[&str] = &[
    "TABLE",
    "INDEX",
    "UNIQUE",
    "VIEW",
    "SEQUENCE",
    "SCHEMA",
    "DATABASE",
    "TYPE",
    "DOMAIN",
    "EXTENSION",
    "ROLE",
    "USER",
    "MATERIALIZED",
    "POLICY",
    "RULE",
    "TRIGGER",
    "PROCEDURE",
    "FUNCTION",
    "EVENT",
    "VIRTUAL",
];
const BODY_WORDS: &[&str] = &["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"];

impl Splitter<'_> {
    fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        let mut out = Vec::new();
        let mut start: Option<(usize, u32)> = None;
        let mut body = Body::default();
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if start.is_none()
                && self.opts.delimiter_command
                && self.at_line_start()
                && let Some(d) = self.delimiter_command()
            {
                self.delim = d;
                continue;
            }
            if self.at_custom_delimiter() {
                self.finish(&mut out, &mut start, self.i);
                self.i += self.delim.len();
                body = Body::default();
                continue;
            }
            match c {
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0c => self.i += 1,
                b'-' if self.peek(1) == Some(b'-') => self.skip_line(),
                b'#' if self.opts.hash_comments => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => {
                    if self.opts.executable_comments
                        && start.is_none()
                        && (self.text[self.i..].starts_with("/*!")
                            || self.text[self.i..].starts_with("/*M!"))
                    {
                        start = Some((self.i, self.line));
                    }
                    self.block_comment()?
                }
                b';' if self.delim == ";" && body.depth == 0 => {
                    if let Some(end) = self.copy_rows(start)? {
                        self.finish(&mut out, &mut start, end);
                    } else {
                        self.finish(&mut out, &mut start, self.i);
                        self.i += 1;
                    }
                    body = Body::default();
                }
                _ => {
                    if start.is_none() {
                        start = Some((self.i, self.line));
                    }
                    self.token(&mut body)?;
                }
            }
        }
        self.finish(&mut out, &mut start, self.b.len());
        Ok(out)
    }

    /// At the `;` ending a statement that began at `start`: when it is a `COPY ... FROM STDIN`
    /// (with [`SplitOptions::copy_data`]), consumes its rows up to and including the line `\.`
    /// and returns where the statement ends.
    ///
    /// Errors: no line `\.` ends the rows.
    fn copy_rows(&mut self, start: Option<(usize, u32)>) -> Result<Option<usize>, SplitError> {
        let Some((s, line)) = start.filter(|_| self.opts.copy_data) else {
            return Ok(None);
        };
        if crate::client::copy_word(&self.text[s..self.i]) != Some("stdin") {
            return Ok(None);
        }
        let mut at = self.text[self.i..]
            .find('\n')
            .map_or(self.b.len(), |n| self.i + n + 1);
        let mut lines = 1;
        while at < self.b.len() {
            let end = self.text[at..].find('\n').map_or(self.b.len(), |n| at + n);
            if self.text[at..end].trim_end_matches('\r') == "\\." {
                self.i = end;
                self.line += lines;
                return Ok(Some(end));
            }
            lines += 1;
            at = end + 1;
        }
        Err(unterminated(
            line,
            "COPY ... FROM STDIN rows (no line `\\.` ends them)",
        ))
    }

    fn at_custom_delimiter(&self) -> bool {
        self.delim != ";" && self.text[self.i..].starts_with(self.delim.as_str())
    }

    fn peek(&self, n: usize) -> Option<u8> {
        self.b.get(self.i + n).copied()
    }

    fn at_line_start(&self) -> bool {
        self.text[..self.i]
            .rsplit('\n')
            .next()
            .is_none_or(|l| l.trim().is_empty())
    }

    fn finish(&self, out: &mut Vec<Statement>, start: &mut Option<(usize, u32)>, end: usize) {
        if let Some((s, line)) = start.take() {
            let sql = self.text[s..end].trim_end();
            if !sql.is_empty() {
                let line_start = self.text[..s].rfind('\n').map_or(0, |p| p + 1);
                out.push(Statement {
                    sql: sql.to_string(),
                    line,
                    column: self.text[line_start..s].chars().count() as u32 + 1,
                });
            }
        }
    }

    fn skip_line(&mut self) {
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// Recognises `DELIMITER xx` on its own line and returns the new delimiter.
    fn delimiter_command(&mut self) -> Option<String> {
        let rest = &self.text[self.i..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim();
        let (word, arg) = line.split_once(char::is_whitespace)?;
        if !word.eq_ignore_ascii_case("DELIMITER") {
            return None;
        }
        let d = arg.trim();
        if d.is_empty() {
            return None;
        }
        self.i += line_end;
        Some(d.to_string())
    }

    fn block_comment(&mut self) -> Result<(), SplitError> {
        let line = self.line;
        let mut depth = 0u32;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == b'/' && self.peek(1) == Some(b'*') && (depth == 0 || self.opts.nested_comments)
            {
                depth += 1;
                self.i += 2;
            } else if c == b'*' && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.i += 2;
                if depth == 0 {
                    return Ok(());
                }
            } else {
                if c == b'\n' {
                    self.line += 1;
                }
                self.i += 1;
            }
        }
        Err(unterminated(line, "block comment"))
    }

    /// Consumes one significant token: a quoted item, a dollar body, a word or one other byte.
    fn token(&mut self, body: &mut Body) -> Result<(), SplitError> {
        let c = self.b[self.i];
        match c {
            b'\'' => {
                let e_string = self.opts.dollar_quotes
                    && self.i > 0
                    && matches!(self.b[self.i - 1], b'E' | b'e')
                    && (self.i < 2 || !is_ident(self.b[self.i - 2]));
                self.quoted(b'\'', self.opts.backslash_escapes || e_string, "string")
            }
            b'"' => self.quoted(b'"', self.opts.backslash_escapes, "quoted identifier"),
            b'`' => self.quoted(b'`', false, "backtick identifier"),
            b'[' if self.opts.bracket_identifiers => self.quoted(b']', false, "bracket identifier"),
            b'$' if self.opts.dollar_quotes && (self.i == 0 || !is_ident(self.b[self.i - 1])) => {
                self.dollar()
            }
            _ if is_ident(c) => {
                let s = self.i;
                while self.i < self.b.len()
                    && (is_ident(self.b[self.i]) || self.b[self.i] == b'$')
                    && !self.at_custom_delimiter()
                {
                    self.i += 1;
                }
                let text = self.text;
                self.word(&text[s..self.i], body);
                Ok(())
            }
            _ => {
                // Advance over one UTF-8 character.
                self.i += self.text[self.i..].chars().next().map_or(1, char::len_utf8);
                Ok(())
            }
        }
    }

    fn quoted(&mut self, close: u8, backslash: bool, what: &str) -> Result<(), SplitError> {
        let line = self.line;
        self.i += 1;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == b'\n' {
                self.line += 1;
            }
            if backslash && c == b'\\' {
                if self.peek(1) == Some(b'\n') {
                    self.line += 1;
                }
                self.i += 2;
                continue;
            }
            self.i += 1;
            if c == close {
                if self.b.get(self.i) == Some(&close) && close != b']' {
                    self.i += 1;
                    continue;
                }
                return Ok(());
            }
        }
        Err(unterminated(line, what))
    }

    fn dollar(&mut self) -> Result<(), SplitError> {
        let rest = &self.text[self.i + 1..];
        let tag_len = rest.bytes().take_while(|&b| is_ident(b)).count();
        let tag_ok = rest.as_bytes().get(tag_len) == Some(&b'$')
            && !rest.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if !tag_ok {
            self.i += 1;
            return Ok(());
        }
        let delim = &self.text[self.i..self.i + tag_len + 2];
        let line = self.line;
        let body_start = self.i + delim.len();
        match self.text[body_start..].find(delim) {
            Some(off) => {
                let end = body_start + off + delim.len();
                self.line += self.text[self.i..end]
                    .bytes()
                    .filter(|&b| b == b'\n')
                    .count() as u32;
                self.i = end;
                Ok(())
            }
            None => Err(unterminated(line, &format!("{delim} body"))),
        }
    }

    /// Tracks the words that decide whether `;` ends the statement (compared without allocating).
    fn word(&mut self, word: &str, body: &mut Body) {
        let is = |k: &str| word.eq_ignore_ascii_case(k);
        body.words += 1;
        if body.words == 1 {
            body.first_create = is("CREATE");
            return;
        }
        if !body.first_create || (body.kind_seen && !body.has_body) {
            return;
        }
        if !body.kind_seen {
            if let Some(kind) = OBJECT_WORDS.iter().find(|k| is(k)) {
                body.kind_seen = true;
                body.has_body = BODY_WORDS.contains(kind);
            }
            return;
        }
        if is("BEGIN") || (is("CASE") && body.depth > 0) {
            body.depth += 1;
        } else if is("END") {
            let next = self.peek_word();
            let block_end = matches!(next.as_deref(), Some("IF" | "LOOP" | "WHILE" | "REPEAT"));
            if !block_end {
                body.depth = body.depth.saturating_sub(1);
            }
            if block_end || next.as_deref() == Some("CASE") {
                self.skip_ws_and_word();
            }
        }
    }

    fn peek_word(&self) -> Option<String> {
        let rest = &self.text[self.i..];
        let t = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let w: String = t
            .bytes()
            .take_while(|&b| is_ident(b))
            .map(|b| b as char)
            .collect();
        (!w.is_empty()).then(|| w.to_ascii_uppercase())
    }

    fn skip_ws_and_word(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            if self.b[self.i] == b'\n' {
                self.line += 1;
            }
            self.i += 1;
        }
        while self.i < self.b.len() && is_ident(self.b[self.i]) {
            self.i += 1;
        }
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn unterminated(line: u32, what: &str) -> SplitError {
    SplitError {
        line,
        kind: SourceErrorKind::Unterminated {
            what: what.to_string(),
        },
    }
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
