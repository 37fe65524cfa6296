//! A summary of the history state table small enough to travel in one row: the no-op startup
//! check compares it with the one the directory implies instead of reading every revision.
//!
//! Each state row contributes a 60-bit term: the first 15 hex digits of the SHA-256 of
//! `"<sort_key> <version> <checksum_algorithm> <checksum>"`. Terms are summed, so the order of
//! rows (and the server's collation) does not matter, and the server can compute the same value
//! with its own SHA-256 (PostgreSQL `sha256`, MySQL `SHA2`) and integer sums.

use crate::{Migration, Revision, RevisionStatus};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The digest of a state table: row count, applied-row count and the sum of the rows' terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryDigest {
    /// State rows, whatever their status.
    pub rows: u64,
    /// State rows whose status is `applied`.
    pub applied: u64,
    /// Sum of every row's [`digest_term`].
    pub sum: u128,
}

/// A database file as it stands, read without opening the database: the history digest
/// remembered for it stays true exactly while `stamp` is unchanged (see
/// `migra_dialects::sqlite::file_stamp` for what goes into one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    /// The file's absolute path (what identifies the database).
    pub path: String,
    /// How the backend names the database (what [`crate::Backend::target`] says).
    pub target: String,
    /// Changes with every committed write to the file.
    pub stamp: String,
}

/// The 60-bit term of one state row (see the module documentation).
pub fn digest_term(sort_key: &str, version: &str, algorithm: &str, checksum: &str) -> u64 {
    let mut h = Sha256::new();
    for (i, part) in [sort_key, version, algorithm, checksum].iter().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(part.as_bytes());
    }
    let d = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    u64::from_be_bytes(first) >> 4
}

impl HistoryDigest {
    /// Adds one state row.
    pub fn add(
        &mut self,
        sort_key: &str,
        version: &str,
        algorithm: &str,
        checksum: &str,
        applied: bool,
    ) {
        self.rows += 1;
        self.applied += u64::from(applied);
        self.sum += u128::from(digest_term(sort_key, version, algorithm, checksum));
    }

    /// The digest of `history`, the state rows as read.
    pub fn of_history(history: &[Revision]) -> Self {
        let mut d = Self::default();
        for r in history {
            d.add(
                &r.sort_key,
                &r.version,
                &r.checksum_algorithm,
                &r.checksum,
                r.status == RevisionStatus::Applied,
            );
        }
        d
    }

    /// The digest history has when exactly `migrations` are applied, each with its current
    /// checksum under its current version spelling.
    pub fn all_applied(migrations: &[Migration]) -> Self {
        let mut d = Self::default();
        for m in migrations {
            let version = m.version.to_string();
            d.add(
                m.version.sort_key(),
                &version,
                &m.checksum.algorithm,
                &m.checksum.hex,
                true,
            );
        }
        d
    }

    /// Reads the `"<rows> <applied> <sum>"` text the servers' digest queries return.
    ///
    /// Errors: anything else, named in the message.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.split(' ');
        let bad = || format!("malformed history digest `{text}`");
        let (Some(rows), Some(applied), Some(sum), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            rows: rows.parse().map_err(|_| bad())?,
            applied: applied.parse().map_err(|_| bad())?,
            sum: sum.parse().map_err(|_| bad())?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn term_is_the_first_fifteen_hex_digits_of_sha256() {
        // What the servers compute: the hex digest's first 15 digits as a number.
        let expected = u64::from_str_radix(&hex_prefix("a b c d"), 16).unwrap();
        assert_eq!(digest_term("a", "b", "c", "d"), expected);
        assert!(expected < 1 << 60);
    }

    fn hex_prefix(s: &str) -> String {
        let d = Sha256::digest(s.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()[..15].to_string()
    }

    #[test]
    fn order_does_not_matter_and_status_counts() {
        let mut a = HistoryDigest::default();
        a.add("1", "1", "x", "aa", true);
        a.add("2", "2", "x", "bb", false);
        let mut b = HistoryDigest::default();
        b.add("2", "2", "x", "bb", false);
        b.add("1", "1", "x", "aa", true);
        assert_eq!(a, b);
        assert_eq!((a.rows, a.applied), (2, 1));
        let mut c = HistoryDigest::default();
        c.add("1", "1", "x", "ab", true);
        c.add("2", "2", "x", "bb", false);
        assert_ne!(a.sum, c.sum);
    }

    #[test]
    fn parses_server_text() {
        let d = HistoryDigest::parse("3 2 123456789012345678901").unwrap();
        assert_eq!((d.rows, d.applied, d.sum), (3, 2, 123456789012345678901));
        for bad in ["", "1 2", "1 2 3 4", "a 1 1", "1 1 -1"] {
            assert!(HistoryDigest::parse(bad).is_err(), "{bad}");
        }
    }
}
