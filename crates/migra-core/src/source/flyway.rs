//! Flyway layout: `V<version>__<description>.sql` (versions like `1`, `1.2`, `1_2`), with Flyway
//! Teams' `U<version>__<description>.sql` read as the undo (down) part. Repeatable `R__` scripts
//! are refused: migra has no equivalent yet.

use super::{RawMigration, RawPart, SourceFile, decode, file_name};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use crate::version::Version;
use std::collections::BTreeMap;

/// True for `V<n>__x.sql`, `U<n>__x.sql` and `R__x.sql`.
pub(crate) fn is_flyway_name(name: &str) -> bool {
    name.starts_with("R__") || split(name).is_some()
}

/// (kind `V`/`U`, version, description).
fn split(name: &str) -> Option<(char, String, String)> {
    let stem = name.strip_suffix(".sql")?;
    let kind = stem.chars().next().filter(|c| *c == 'V' || *c == 'U')?;
    let (v, desc) = stem[1..].split_once("__")?;
    let ok = !v.is_empty()
        && v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_');
    ok.then(|| (kind, v.to_string(), desc.replace('_', " ")))
}

pub(crate) fn parse(files: &[&SourceFile], errors: &mut Vec<SourceError>) -> Vec<RawMigration> {
    let mut ups: BTreeMap<Version, (&SourceFile, String)> = BTreeMap::new();
    let mut undos: BTreeMap<Version, &SourceFile> = BTreeMap::new();
    for f in files
        .iter()
        .filter(|f| super::detect::is_top_level_sql(&f.path))
    {
        let name = file_name(&f.path);
        if name.starts_with("R__") {
            errors.push(SourceError::new(
                f.path.clone(),
                None,
                SourceErrorKind::Unsupported {
                    what: "Flyway repeatable migrations (R__); turn it into a versioned migration"
                        .into(),
                },
            ));
            continue;
        }
        let Some((kind, v, desc)) = split(name) else {
            errors.push(SourceError::new(
                f.path.clone(),
                None,
                SourceErrorKind::BadFileName {
                    layout: "flyway".into(),
                    reason: "expected V<version>__<description>.sql".into(),
                },
            ));
            continue;
        };
        let version = Version::dotted(v);
        let dup = if kind == 'V' {
            ups.insert(version.clone(), (f, desc))
                .map(|(p, _)| p.path.clone())
        } else {
            undos.insert(version.clone(), f).map(|p| p.path.clone())
        };
        if let Some(other) = dup {
            errors.push(SourceError::new(
                f.path.clone(),
                None,
                SourceErrorKind::DuplicateVersion {
                    version: version.to_string(),
                    other,
                },
            ));
        }
    }
    let mut out = Vec::new();
    for (version, (f, desc)) in ups {
        let undo = undos.remove(&version);
        let texts = decode(f).and_then(|up| Ok((up, undo.map(decode).transpose()?)));
        match texts {
            Ok((up, down)) => {
                let mut files = vec![(f.path.clone(), up.clone())];
                let down = match (undo, down) {
                    (Some(u), Some(t)) => {
                        files.push((u.path.clone(), t.clone()));
                        Some(RawPart {
                            path: u.path.clone(),
                            text: t,
                            first_line: 1,
                        })
                    }
                    _ => None,
                };
                out.push(RawMigration {
                    version,
                    name: desc,
                    layout: Layout::Flyway,
                    up: RawPart {
                        path: f.path.clone(),
                        text: up,
                        first_line: 1,
                    },
                    down,
                    transaction: true,
                    allow_empty_up: true,
                    files,
                });
            }
            Err(e) => errors.push(e),
        }
    }
    for (version, u) in undos {
        errors.push(SourceError::new(
            u.path.clone(),
            None,
            SourceErrorKind::Layout {
                message: format!("undo script without a V{version}__ migration"),
            },
        ));
    }
    out
}
