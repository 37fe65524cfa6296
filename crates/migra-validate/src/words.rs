//! A keyword-level view of a statement: its bare words, upper-cased, outside quotes and comments.
//!
//! The AST is the main source of facts, but some statements the parser does not know (`REINDEX`,
//! `DROP INDEX CONCURRENTLY`, `CLUSTER`, procedural bodies) still have to be classified and
//! reported; this view is what makes that possible without a second parser.

/// The bare words of one statement, in order, with their byte offsets in the statement text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    words: Vec<(String, usize)>,
}

impl Words {
    /// Scans `sql`: words are runs of letters, digits, `_` and `$` that start with a letter or `_`,
    /// outside `'...'`, `"..."`, `` `...` ``, `$tag$...$tag$` and comments; quoted identifiers are
    /// kept as they are written inside the quotes (without upper-casing) so names can be read.
    pub fn scan(sql: &str) -> Self {
        let b = sql.as_bytes();
        let mut words = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b'-' if b.get(i + 1) == Some(&b'-') => i = skip_to(b, i, b'\n'),
                b'#' => i = skip_to(b, i, b'\n'),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                }
                b'\'' => i = skip_quoted(b, i, b'\''),
                b'"' | b'`' => {
                    let end = skip_quoted(b, i, c);
                    let inner = &sql[i + 1..end.saturating_sub(1).max(i + 1)];
                    words.push((
                        inner.replace(
                            if c == b'"' { "\"\"" } else { "``" },
                            &(c as char).to_string(),
                        ),
                        i,
                    ));
                    i = end;
                }
                b'$' => i = skip_dollar(sql, i),
                _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                    let start = i;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric()
                            || b[i] == b'_'
                            || b[i] == b'$'
                            || b[i] >= 0x80)
                    {
                        i += 1;
                    }
                    words.push((sql[start..i].to_ascii_uppercase(), start));
                }
                _ => i += 1,
            }
        }
        Words { words }
    }

    /// The words, upper-cased (quoted identifiers as written).
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|(w, _)| w.as_str())
    }

    /// The `n`-th word.
    pub fn get(&self, n: usize) -> Option<&str> {
        self.words.get(n).map(|(w, _)| w.as_str())
    }

    /// True when the statement starts with these words (upper-case).
    pub fn starts_with(&self, head: &[&str]) -> bool {
        head.len() <= self.words.len() && head.iter().zip(&self.words).all(|(h, (w, _))| h == w)
    }

    /// True when the statement starts with these words, allowing `OR REPLACE` after the first.
    pub fn starts_with_create(&self, kind: &[&str]) -> bool {
        if self.get(0) != Some("CREATE") {
            return false;
        }
        let skip = if self.get(1) == Some("OR") && self.get(2) == Some("REPLACE") {
            3
        } else {
            1
        };
        kind.iter()
            .enumerate()
            .all(|(i, k)| self.get(skip + i) == Some(k))
    }

    /// True when `word` (upper-case) occurs anywhere.
    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|(w, _)| w == word)
    }

    /// Byte offset (in the statement) of the first occurrence of `word`.
    pub fn offset_of(&self, word: &str) -> Option<usize> {
        self.words.iter().find(|(w, _)| w == word).map(|(_, o)| *o)
    }

    /// Byte offset of the first word equal to `word` ignoring case (identifiers, quoted or not).
    pub fn offset_of_name(&self, word: &str) -> Option<usize> {
        self.words
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|(_, o)| *o)
    }

    /// The word after the first occurrence of `word`.
    pub fn after(&self, word: &str) -> Option<&str> {
        let i = self.words.iter().position(|(w, _)| w == word)?;
        self.get(i + 1)
    }

    /// The object name at word `i` or after it, past the qualifiers that can stand between a
    /// statement's kind and its object (`IF [NOT] EXISTS`, `ONLY`, `TABLE`, `VIEW`, `DATABASE`).
    pub fn name_from(&self, i: usize) -> Option<&str> {
        const QUALIFIERS: &[&str] = &["IF", "NOT", "EXISTS", "ONLY", "TABLE", "VIEW", "DATABASE"];
        (i..self.len())
            .map(|j| self.words[j].0.as_str())
            .find(|w| !QUALIFIERS.contains(w))
    }

    /// True when these words occur one after the other somewhere.
    pub fn has_seq(&self, seq: &[&str]) -> bool {
        self.words
            .windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|((a, _), b)| a == b))
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the statement has no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn skip_to(b: &[u8], i: usize, end: u8) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == end)
        .map_or(b.len(), |p| i + p)
}

/// Skips a quoted run starting at `i` (doubled quotes and backslash escapes stay inside).
fn skip_quoted(b: &[u8], i: usize, q: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' && q == b'\'' {
            j += 2;
            continue;
        }
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Skips `$tag$...$tag$` when `i` starts one; a lone `$` (a parameter like `$1`) is one byte.
fn skip_dollar(sql: &str, i: usize) -> usize {
    let rest = &sql[i + 1..];
    let tag_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    if rest.as_bytes().get(tag_len) != Some(&b'$')
        || rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
    {
        return i + 1;
    }
    let tag = &sql[i..i + tag_len + 2];
    let body = i + tag.len();
    sql[body..]
        .find(tag)
        .map_or(sql.len(), |p| body + p + tag.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_strings_comments_and_bodies() {
        let w = Words::scan(
            "create index /* concurrently */ \"My Idx\" on t -- concurrently\n(a) where b = 'concurrently' and $x$ concurrently $x$ = $1",
        );
        assert!(!w.has("CONCURRENTLY"));
        assert!(w.starts_with(&["CREATE", "INDEX", "My Idx", "ON", "T"]));
        assert_eq!(w.offset_of("ON"), Some(41));
    }

    #[test]
    fn create_or_replace() {
        assert!(Words::scan("CREATE OR REPLACE FUNCTION f()").starts_with_create(&["FUNCTION"]));
        assert!(!Words::scan("CREATE TABLE f()").starts_with_create(&["FUNCTION"]));
    }
}
