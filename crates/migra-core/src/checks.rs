//! Checks around a migration's up part: `-- migra:assert-before <query>`, `-- migra:assert-after
//! <query>`, `-- migra:assert <query>` (both), and the automatic row-count baseline of the tables
//! it alters or updates (`-- migra:rows-change T` exempts a table, `-- migra:no-baseline` all).
//! A query passes when it returns no row, or a first value that is true (or non-zero).

use serde::{Deserialize, Serialize};

/// When an assertion runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Before the first statement.
    Before,
    /// After the last statement (inside the transaction, where there is one).
    After,
}

/// One assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assertion {
    /// Before or after.
    pub when: When,
    /// The query.
    pub query: String,
    /// File and line of the directive.
    pub location: String,
}

/// A migration's checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    /// Assertions, in file order.
    pub assertions: Vec<Assertion>,
    /// Tables whose row counts must be the same before and after (they existed before the
    /// migration, it alters or updates them, and it does not say it changes their rows).
    pub baseline: Vec<String>,
}

impl Checks {
    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.assertions.is_empty() && self.baseline.is_empty()
    }
}

/// Reads one directive line's assertion: `(when, query)`; `assert` gives both.
pub(crate) fn assertion(name: &str, rest: &str) -> Option<Vec<When>> {
    let when = match name {
        "assert" => vec![When::Before, When::After],
        "assert-before" => vec![When::Before],
        "assert-after" => vec![When::After],
        _ => return None,
    };
    (!rest.trim().is_empty()).then_some(when)
}

/// A SQL name read from words: unquoted, last part of a dotted name kept whole (`s.t`).
fn name(word: &str) -> String {
    word.split(['(', ';', ','])
        .next()
        .unwrap_or("")
        .split('.')
        .map(|p| p.trim_matches(['"', '`', '[', ']']))
        .collect::<Vec<_>>()
        .join(".")
        .to_lowercase()
}

/// Words that start a statement `touched` reads; any other statement touches nothing it checks.
const VERBS: [&str; 9] = [
    "ALTER", "UPDATE", "CREATE", "INSERT", "DELETE", "REPLACE", "TRUNCATE", "DROP", "RENAME",
];

/// The tables a statement changes the shape of or updates in place (`ALTER TABLE`, `UPDATE`,
/// `CREATE INDEX ... ON`), the tables it creates, and those whose rows it adds or removes
/// (`INSERT`, `DELETE`, `TRUNCATE`, `DROP TABLE`). Only the first words are read: every form
/// names its table within them, and the loader runs this on every statement of a directory.
pub(crate) fn touched(sql: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    const READ: usize = 16;
    let mut words: Vec<&str> = Vec::with_capacity(READ);
    'lines: for line in sql.lines() {
        for w in line.split("--").next().unwrap_or("").split_whitespace() {
            if words.is_empty() && !VERBS.iter().any(|v| w.eq_ignore_ascii_case(v)) {
                return Default::default();
            }
            words.push(w);
            if words.len() == READ {
                break 'lines;
            }
        }
    }
    let is = |i: usize, k: &str| words.get(i).is_some_and(|w| w.eq_ignore_ascii_case(k));
    let pos = |k: &str| words.iter().position(|w| w.eq_ignore_ascii_case(k));
    let skip = [
        "IF",
        "NOT",
        "EXISTS",
        "ONLY",
        "CONCURRENTLY",
        "UNIQUE",
        "TABLE",
        "INTO",
        "FROM",
    ];
    let after = |i: usize| -> Option<String> {
        words
            .iter()
            .skip(i)
            .find(|w| !skip.iter().any(|k| w.eq_ignore_ascii_case(k)))
            .map(|w| name(w))
    };
    let (mut same, mut created, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    let renames = words
        .windows(2)
        .position(|p| p[0].eq_ignore_ascii_case("RENAME") && p[1].eq_ignore_ascii_case("TO"));
    if is(0, "ALTER") && is(1, "TABLE") {
        // A renamed (or moved) table is counted under neither name.
        if renames.is_some() || pos("SCHEMA").is_some() {
            changed.extend(after(2));
            created.extend(renames.and_then(|i| after(i + 2)));
        } else {
            same.extend(after(2));
        }
    } else if is(0, "RENAME") && is(1, "TABLE") {
        changed.extend(after(2));
        created.extend(pos("TO").and_then(|i| after(i + 1)));
    } else if is(0, "UPDATE") {
        same.extend(after(1));
    } else if is(0, "CREATE") && is(1, "TABLE") {
        created.extend(after(2));
    } else if is(0, "CREATE") && pos("INDEX").is_some() {
        same.extend(pos("ON").and_then(|on| after(on + 1)));
    } else if is(0, "INSERT") || is(0, "DELETE") || is(0, "REPLACE") || is(0, "TRUNCATE") {
        changed.extend(after(1));
    } else if is(0, "DROP") && is(1, "TABLE") {
        changed.extend(after(2));
    }
    (same, created, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tables_statements_touch() {
        assert_eq!(
            touched("ALTER TABLE IF EXISTS public.\"Users\" ADD COLUMN a int").0,
            ["public.users"]
        );
        assert_eq!(touched("update ONLY accounts set a = 1").0, ["accounts"]);
        assert_eq!(
            touched("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON `t` (a)").0,
            ["t"]
        );
        assert_eq!(touched("CREATE TABLE IF NOT EXISTS x (a int)").1, ["x"]);
        assert_eq!(touched("-- note\nDELETE FROM logs WHERE a").2, ["logs"]);
        assert_eq!(touched("INSERT INTO t (a) VALUES (1)").2, ["t"]);
        assert!(touched("SELECT 1").0.is_empty());
        assert_eq!(touched("CREATE INDEX i ON actor(last_name)").0, ["actor"]);
        let renamed = touched("ALTER TABLE packages RENAME TO crates");
        assert!(renamed.0.is_empty());
        assert_eq!(
            (renamed.1, renamed.2),
            (vec!["crates".to_string()], vec!["packages".to_string()])
        );
    }
}
