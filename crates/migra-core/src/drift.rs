//! Drift: where the migration directory and the history table disagree. The executor refuses to
//! run on it, and the validator reports it (HI001–HI003); both read it from here.

use crate::migration::Migration;
use crate::revision::{Revision, RevisionStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// A disagreement between history and the migration directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Drift {
    /// An applied migration's file changed since it was applied.
    ChecksumMismatch {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// File.
        file: String,
        /// Checksum recorded when applied.
        recorded: String,
        /// Checksum of the file now.
        current: String,
    },
    /// An applied version has no file in the directory.
    MissingFile {
        /// Version.
        version: String,
        /// Name recorded in history.
        name: String,
    },
    /// A pending migration is older than the newest applied one.
    OutOfOrder {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// File.
        file: String,
        /// Newest applied version.
        newest_applied: String,
    },
}

impl Drift {
    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            Drift::ChecksumMismatch {
                version,
                file,
                recorded,
                current,
                ..
            } => format!(
                "{version}: {file} changed after it was applied (checksum {} recorded, {} now)",
                short(recorded),
                short(current)
            ),
            Drift::MissingFile { version, name } => {
                format!("{version} ({name}) is applied but its file is not in the directory")
            }
            Drift::OutOfOrder {
                version,
                file,
                newest_applied,
                ..
            } => {
                format!(
                    "{version}: {file} is pending but older than the newest applied version {newest_applied}"
                )
            }
        }
    }

    /// Every drift, one per line, indented.
    pub fn describe_all(drift: &[Drift]) -> String {
        drift
            .iter()
            .map(|d| format!("  - {}", d.describe()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

/// Every disagreement between `migrations` (sorted by version) and `history`: applied versions whose
/// file is gone or changed (in version order), then pending migrations older than the newest applied
/// one (in directory order).
pub fn drift(migrations: &[Migration], history: &[Revision]) -> Vec<Drift> {
    let by_key: BTreeMap<&str, &Revision> =
        history.iter().map(|r| (r.sort_key.as_str(), r)).collect();
    let files: BTreeMap<&str, &Migration> = migrations
        .iter()
        .map(|m| (m.version.sort_key(), m))
        .collect();
    let mut drift = Vec::new();
    let mut newest_applied: Option<&Revision> = None;
    for rev in by_key
        .values()
        .filter(|r| r.status == RevisionStatus::Applied)
    {
        newest_applied = Some(rev);
        match files.get(rev.sort_key.as_str()) {
            None => drift.push(Drift::MissingFile {
                version: rev.version.clone(),
                name: rev.name.clone(),
            }),
            Some(m)
                if m.checksum.hex != rev.checksum
                    || m.checksum.algorithm != rev.checksum_algorithm =>
            {
                drift.push(Drift::ChecksumMismatch {
                    version: rev.version.clone(),
                    name: m.name.clone(),
                    file: m.up.path.clone(),
                    recorded: rev.checksum.clone(),
                    current: m.checksum.hex.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for m in migrations {
        let rev = by_key.get(m.version.sort_key());
        if rev.is_some_and(|r| r.status == RevisionStatus::Applied) {
            continue;
        }
        if let Some(newest) = newest_applied.filter(|n| n.sort_key.as_str() > m.version.sort_key())
        {
            drift.push(Drift::OutOfOrder {
                version: m.version.to_string(),
                name: m.name.clone(),
                file: m.up.path.clone(),
                newest_applied: newest.version.clone(),
            });
        }
    }
    drift
}
