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
    /// SHA-256 over the normalized parts, each part followed by a `0xFF` byte (which never occurs
    /// in UTF-8 text) so parts cannot run together.
    ///
    /// Normalization: lines end at `\n` or `\r\n`, trailing whitespace is removed from each
    /// line, and leading and trailing blank lines are dropped. So a re-saved file with other line
    /// endings is not drift, but any change to the SQL is.
    pub fn of_parts(parts: &[&str]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            for_each_normalized_line(part, |chunk| hasher.update(chunk));
            hasher.update([0xFF]);
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

/// Feeds the normalized text to `emit` in pieces, without building it.
fn for_each_normalized_line(text: &str, mut emit: impl FnMut(&[u8])) {
    let mut started = false;
    let mut pending_blank = 0usize;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            pending_blank += usize::from(started);
            continue;
        }
        if started {
            emit(b"\n");
        }
        for _ in 0..pending_blank {
            emit(b"\n");
        }
        pending_blank = 0;
        emit(line.as_bytes());
        started = true;
    }
}

/// Normalizes text for checksums (see [`Checksum::of_parts`]).
pub fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    for_each_normalized_line(text, |chunk| out.extend_from_slice(chunk));
    String::from_utf8(out).unwrap_or_default()
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
    fn known_digests() {
        // sha256 of the single byte 0xFF (one empty part and its terminator).
        assert_eq!(
            Checksum::of_parts(&[""]).hex,
            "a8100ae6aa1940d0b663bb31cd466142ebbdbd5187131b92d93818987832eb89"
        );
        // sha256 of "a\n\nb" + 0xFF: inner blank lines count, outer ones do not.
        assert_eq!(
            Checksum::of_parts(&["\n\na  \r\n\r\nb\n\n"]),
            Checksum::of_parts(&["a\n\nb"])
        );
        assert_eq!(normalize("\n\na  \r\n\r\nb\n\n"), "a\n\nb");
    }
}
