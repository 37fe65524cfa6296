//! Migration versions and their ordering.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A migration's version: the text as written in the file name, plus the key it sorts by.
///
/// Equality and ordering use only the sort key, so `2017-08-31-230457` (Diesel) and
/// `20170831230457` are the same version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Version {
    raw: String,
    key: String,
}

impl Version {
    /// A numeric version (native, sqlx, golang-migrate, dbmate, Flyway): compared as an integer.
    ///
    /// `raw` may contain separators (`20260101_120000`, `1.2`); only digits take part in the key.
    pub fn numeric(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let trimmed = digits.trim_start_matches('0');
        // Length first, then text: integer order for any number of digits.
        let key = format!("{:08}:{}", trimmed.len(), trimmed);
        Self { raw, key }
    }

    /// A numeric version with dotted parts compared part by part (Flyway `1.10` after `1.9`).
    pub fn dotted(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let key = raw
            .split(['.', '_'])
            .map(|p| {
                let t = p.trim_start_matches('0');
                format!("{:08}:{}", t.len(), t)
            })
            .collect::<Vec<_>>()
            .join("/");
        Self { raw, key }
    }

    /// A Diesel version: compared as text with every `-` removed, as Diesel itself orders them.
    pub fn diesel(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let key = raw.replace('-', "");
        Self { raw, key }
    }

    /// Rebuilds a version from what a history table stored.
    pub fn from_parts(raw: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            raw: raw.into(),
            key: key.into(),
        }
    }

    /// The version as written in the file name.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The key this version sorts by (stored in history so order survives renames of layout).
    pub fn sort_key(&self) -> &str {
        &self.key
    }

    /// True when `text` names this version, as written or in its compact form.
    pub fn matches(&self, text: &str) -> bool {
        let compact = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        };
        self.raw == text || compact(&self.raw) == compact(text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}
impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}
impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_orders_as_integers() {
        assert!(Version::numeric("9") < Version::numeric("10"));
        assert!(Version::numeric("0009") < Version::numeric("10"));
        assert_eq!(Version::numeric("007"), Version::numeric("7"));
        assert!(Version::numeric("20260101_000001") < Version::numeric("20260101_000002"));
    }

    #[test]
    fn diesel_orders_as_text_without_dashes() {
        let a = Version::diesel("20170318181441");
        let b = Version::diesel("2017-08-31-230457");
        assert!(a < b, "a plain name sort would put b first");
        let c = Version::diesel("2026-07-30-140000-0000");
        assert!(Version::diesel("2026-07-15-182934") < c);
    }

    #[test]
    fn dotted_compares_part_by_part() {
        assert!(Version::dotted("1.9") < Version::dotted("1.10"));
        assert!(Version::dotted("1_2") < Version::dotted("2"));
    }

    #[test]
    fn matches_compact_form() {
        let v = Version::numeric("20260101_120000");
        assert!(v.matches("20260101120000"));
        assert!(v.matches("20260101_120000"));
        assert!(!v.matches("20260101"));
    }
}
