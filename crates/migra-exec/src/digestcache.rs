//! The history digest of a database file, remembered beside the directory cache while the
//! file's [`FileStamp`] holds: the no-op startup check on SQLite then answers without opening
//! the database, whose first read parses the whole schema.
//!
//! A digest is remembered only when the stamp read before the history was read is the one read
//! after it (no commit in between), and it is used only while the file's stamp is that one; it
//! is kept per file and history table. Anything unreadable or stale is a miss, never an error.

use crate::dircache::{digest, replace};
use migra_core::{FileStamp, HistoryDigest};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when the file's shape changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Remembered {
    format: u32,
    /// The migra version that computed the digest (the terms are its definition).
    migra: String,
    path: String,
    table: String,
    stamp: String,
    digest: HistoryDigest,
}

/// The digest remembered in `cache_dir` for history table `table` of the file `file` names, if
/// it was remembered for exactly `file.stamp`.
pub fn remembered_digest(cache_dir: &Path, file: &FileStamp, table: &str) -> Option<HistoryDigest> {
    let bytes = std::fs::read(path_for(cache_dir, file, table)).ok()?;
    let r: Remembered = serde_json::from_slice(&bytes).ok()?;
    let same = r.format == FORMAT && r.migra == env!("CARGO_PKG_VERSION");
    (same && r.path == file.path && r.table == table && r.stamp == file.stamp).then_some(r.digest)
}

/// Remembers `digest` for history table `table` of `file` as stamped (replacing what was
/// remembered for it before). The caller read the history between taking `file` and seeing the
/// stamp unchanged afterwards. A cache that cannot be written is skipped.
pub fn remember_digest(cache_dir: &Path, file: &FileStamp, table: &str, digest: &HistoryDigest) {
    let r = Remembered {
        format: FORMAT,
        migra: env!("CARGO_PKG_VERSION").to_string(),
        path: file.path.clone(),
        table: table.to_string(),
        stamp: file.stamp.clone(),
        digest: *digest,
    };
    if let Ok(bytes) = serde_json::to_vec(&r) {
        let target = path_for(cache_dir, file, table);
        let _ = std::fs::create_dir_all(cache_dir).and_then(|()| replace(&target, &bytes));
    }
}

fn path_for(cache_dir: &Path, file: &FileStamp, table: &str) -> PathBuf {
    cache_dir.join(format!(
        "db-{}.json",
        &digest(&format!("{}\n{table}", file.path))[..20]
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn stamp(s: &str) -> FileStamp {
        FileStamp {
            path: "/data/app.db".into(),
            target: "sqlite:///data/app.db".into(),
            stamp: s.into(),
        }
    }

    fn some_digest() -> HistoryDigest {
        let mut d = HistoryDigest::default();
        d.add("1", "1", "sha256", "ab", true);
        d
    }

    #[test]
    fn a_digest_is_recalled_only_for_the_same_file_table_and_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let (c, d) = (dir.path(), some_digest());
        remember_digest(c, &stamp("s1"), "migra_history", &d);
        assert_eq!(remembered_digest(c, &stamp("s1"), "migra_history"), Some(d));
        assert_eq!(remembered_digest(c, &stamp("s2"), "migra_history"), None);
        assert_eq!(remembered_digest(c, &stamp("s1"), "other_history"), None);
        let elsewhere = FileStamp {
            path: "/data/other.db".into(),
            ..stamp("s1")
        };
        assert_eq!(remembered_digest(c, &elsewhere, "migra_history"), None);
        // A newer stamp replaces the older one.
        remember_digest(c, &stamp("s2"), "migra_history", &HistoryDigest::default());
        assert_eq!(remembered_digest(c, &stamp("s1"), "migra_history"), None);
        assert_eq!(
            remembered_digest(c, &stamp("s2"), "migra_history"),
            Some(HistoryDigest::default())
        );
    }

    #[test]
    fn a_damaged_or_missing_cache_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        assert_eq!(remembered_digest(c, &stamp("s1"), "t"), None);
        remember_digest(c, &stamp("s1"), "t", &some_digest());
        let file = path_for(c, &stamp("s1"), "t");
        std::fs::write(&file, b"{\"format\":1,").unwrap();
        assert_eq!(remembered_digest(c, &stamp("s1"), "t"), None);
        // An unwritable cache directory costs nothing but the miss.
        let blocked = c.join("blocked");
        std::fs::write(&blocked, b"a file, not a directory").unwrap();
        remember_digest(&blocked, &stamp("s1"), "t", &some_digest());
        assert_eq!(remembered_digest(&blocked, &stamp("s1"), "t"), None);
    }
}
