//! Word-level reading of SQL text, without parsing it: the first keyword of a statement and the
//! words outside quotes and comments.

/// The first word of `sql` after whitespace and leading `--` and `/* */` comments (letters,
/// digits and `_`; empty when the text starts with anything else).
pub fn first_word(sql: &str) -> &str {
    let mut rest = sql.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, t)| t).trim_start();
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, t)| t).trim_start();
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// True when [`first_word`] of `sql` is one of `keywords` (given in upper case), in any case.
pub fn first_word_in(sql: &str, keywords: &[&str]) -> bool {
    let word = first_word(sql);
    keywords.iter().any(|k| word.eq_ignore_ascii_case(k))
}

/// True when `sql` may change the session for the statements after it: where unqualified names
/// point or how they run: a `SET` or `RESET`, `USE` (MySQL's database), or a call of `set_config`
/// (as `pg_dump` output starts), also inside a MySQL executable comment (`/*!40014 SET ... */`,
/// as `mysqldump` output starts). Errs on the side of true.
pub fn may_move_names(sql: &str) -> bool {
    let sql = unwrap_executable_comments(sql);
    first_word_in(&sql, &["SET", "RESET", "USE"]) || contains_ignore_case(&sql, "set_config")
}

/// `sql` with its MySQL executable comments opened: `/*!50001 CREATE VIEW v ... */` reads as the
/// `CREATE VIEW v ...` the server runs (also `/*M!` for MariaDB), so what a dump hides in them is
/// analysed like any statement. Text without one is returned as it is.
pub fn unwrap_executable_comments(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains("/*!") && !sql.contains("/*M!") {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = ["/*!", "/*M!"]
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
        .min()
    {
        out.push_str(&rest[..at.0]);
        let inner = rest[at.0 + at.1..].trim_start_matches(|c: char| c.is_ascii_digit());
        let (code, after) = inner.split_once("*/").unwrap_or((inner, ""));
        out.push_str(code);
        rest = after;
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// True when `text` holds `word`, in any letter case (ASCII), anywhere.
pub fn contains_ignore_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// The lowercase words of `sql` outside quotes and `--` / `/* */` comments.
pub fn unquoted_words(sql: &str) -> Vec<String> {
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
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for n in chars.by_ref() {
                    if star && n == '/' {
                        break;
                    }
                    star = n == '*';
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

#[cfg(test)]
mod tests {
    use super::{
        contains_ignore_case, first_word, may_move_names, unquoted_words,
        unwrap_executable_comments,
    };

    #[test]
    fn words_outside_quotes_and_comments() {
        assert_eq!(first_word("-- seed\n/* rows */ insert into t"), "insert");
        assert_eq!(first_word("  (SELECT 1)"), "");
        assert_eq!(
            unquoted_words("COPY t /* from stdin */ FROM 'x y' -- z\n;"),
            ["copy", "t", "from"]
        );
        assert!(contains_ignore_case("copy t from STDIN", "stdin"));
        assert!(!contains_ignore_case("copy t from x", "stdin"));
    }

    #[test]
    fn executable_comments_open_into_their_code() {
        assert_eq!(
            unwrap_executable_comments("/*!50001 DROP TABLE x */"),
            " DROP TABLE x "
        );
        assert_eq!(
            unwrap_executable_comments(
                "/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`%`*/ /*M!100101 TRIGGER t */"
            ),
            " CREATE  DEFINER=`u`@`%`  TRIGGER t "
        );
        assert_eq!(
            unwrap_executable_comments("SELECT 1 /* x */"),
            "SELECT 1 /* x */"
        );
    }

    #[test]
    fn statements_that_may_move_unqualified_names() {
        assert!(may_move_names("set search_path = other"));
        assert!(may_move_names("-- db\nUSE other"));
        assert!(may_move_names("RESET ALL"));
        assert!(may_move_names("/*!40014 SET FOREIGN_KEY_CHECKS=0 */"));
        assert!(may_move_names("/*M!100101 SET @x = 1 */"));
        assert!(!may_move_names("/*!50001 CREATE VIEW v AS SELECT 1 */"));
        assert!(may_move_names(
            "SELECT pg_catalog.set_config('search_path', '', false)"
        ));
        assert!(!may_move_names("CREATE TABLE settings (x INT)"));
        assert!(!may_move_names("UPDATE t SET x = 1"));
    }
}
