//! Checksums of migration text.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The checksum algorithm migra records today. Stored next to every checksum so it can change later.
pub const CHECKSUM_ALGORITHM: &str = "sha256-norm-v1";

/// A checksum of a migration's normalized text, with the algorithm that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    /// Algorithm name, e.g. [`CHECKSUM_ALGORITHM`].
    pub algorithm: String,
    /// Lower-case hex digest.
    pub hex: String,
}

impl Checksum {
    /// SHA-256 over the normalized parts, each part framed by its length so parts cannot run together.
    ///
    /// Normalization: `\r\n` and `\r` become `\n`, trailing whitespace is removed from each line, and
    /// leading and trailing blank lines are dropped. So a re-saved file with other line endings is
    /// not drift, but any change to the SQL is.
    pub fn of_parts(parts: &[&str]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            let norm = normalize(part);
            hasher.update((norm.len() as u64).to_le_bytes());
            hasher.update(norm.as_bytes());
        }
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(64);
        for b in digest.iter() {
            hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            hex.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        Self {
            algorithm: CHECKSUM_ALGORITHM.to_string(),
            hex,
        }
    }
}

/// Normalizes text for checksums (see [`Checksum::of_parts`]).
pub fn normalize(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_trailing_space_do_not_matter() {
        let a = Checksum::of_parts(&["CREATE TABLE t (id int);\n\n"]);
        let b = Checksum::of_parts(&["\r\nCREATE TABLE t (id int);   \r\n"]);
        assert_eq!(a, b);
        assert_eq!(a.hex.len(), 64);
    }

    #[test]
    fn sql_changes_do() {
        let a = Checksum::of_parts(&["CREATE TABLE t (id int);"]);
        let b = Checksum::of_parts(&["CREATE TABLE t (id bigint);"]);
        assert_ne!(a, b);
    }

    #[test]
    fn parts_are_framed() {
        assert_ne!(
            Checksum::of_parts(&["ab", "c"]),
            Checksum::of_parts(&["a", "bc"])
        );
    }

    #[test]
    fn known_digest_of_empty_parts() {
        // sha256 of 8 zero bytes (one empty part, length-framed).
        assert_eq!(
            Checksum::of_parts(&[""]).hex,
            "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc"
        );
    }
}
