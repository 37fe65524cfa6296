//! sqlx / golang-migrate layouts: `<version>_<name>.up.sql` + `.down.sql` pairs (also authelia's
//! `V0001.Name.up.sql`), and sqlx's single `<version>_<name>.sql` files (up only).

use super::{RawMigration, RawPart, SourceFile, decode, file_name};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use crate::version::Version;
use std::collections::BTreeMap;

/// (version digits, name, is_down) of a paired file name.
pub(crate) fn parse_pair_name(name: &str) -> Option<(String, String, bool)> {
    let (stem, down) = if let Some(s) = name.strip_suffix(".up.sql") {
        (s, false)
    } else {
        (name.strip_suffix(".down.sql")?, true)
    };
    let (version, title) = split_version(stem)?;
    Some((version, title, down))
}

/// (version digits, name) of a sqlx single-file name `<digits>_<name>.sql`.
pub(crate) fn parse_simple_name(name: &str) -> Option<(String, String)> {
    let stem = name.strip_suffix(".sql")?;
    if stem.ends_with(".up") || stem.ends_with(".down") {
        return None;
    }
    let (v, t) = split_version(stem)?;
    (!t.is_empty() && !stem.starts_with(['V', 'v'])).then_some((v, t))
}

/// `[V]<digits>[._-]<title>` → (digits, title).
fn split_version(stem: &str) -> Option<(String, String)> {
    let s = stem.strip_prefix(['V', 'v']).unwrap_or(stem);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &s[digits.len()..];
    let title = match rest.chars().next() {
        None => "",
        Some('_' | '.' | '-') => &rest[1..],
        Some(_) => return None,
    };
    Some((digits, title.to_string()))
}

#[derive(Default)]
struct Pair<'a> {
    up: Option<(&'a SourceFile, String)>,
    down: Option<&'a SourceFile>,
}

pub(crate) fn parse(
    files: &[&SourceFile],
    errors: &mut Vec<SourceError>,
    simple: bool,
) -> Vec<RawMigration> {
    let layout = if simple { Layout::Sqlx } else { Layout::Paired };
    let mut pairs: BTreeMap<Version, Pair> = BTreeMap::new();
    for f in files
        .iter()
        .filter(|f| super::detect::is_top_level_sql(&f.path))
    {
        let name = file_name(&f.path);
        let parsed = if simple {
            parse_simple_name(name).map(|(v, t)| (v, t, false))
        } else {
            parse_pair_name(name)
        };
        let Some((v, title, is_down)) = parsed else {
            let reason = if simple {
                "expected <version>_<name>.sql"
            } else {
                "expected <version>_<name>.up.sql or .down.sql"
            };
            errors.push(SourceError::new(
                f.path.clone(),
                None,
                SourceErrorKind::BadFileName {
                    layout: layout.name().into(),
                    reason: reason.into(),
                },
            ));
            continue;
        };
        let version = Version::numeric(v);
        let slot = pairs.entry(version.clone()).or_default();
        let dup = if is_down {
            slot.down.replace(f).map(|p| p.path.clone())
        } else {
            slot.up.replace((f, title)).map(|(p, _)| p.path.clone())
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
    for (version, pair) in pairs {
        let Some((up_file, title)) = pair.up else {
            if let Some(d) = pair.down {
                errors.push(SourceError::new(
                    d.path.clone(),
                    None,
                    SourceErrorKind::Layout {
                        message: format!("down file without an up file for version {version}"),
                    },
                ));
            }
            continue;
        };
        match build(version, title, up_file, pair.down, layout) {
            Ok(m) => out.push(m),
            Err(e) => errors.push(e),
        }
    }
    out
}

fn build(
    version: Version,
    title: String,
    up: &SourceFile,
    down: Option<&SourceFile>,
    layout: Layout,
) -> Result<RawMigration, SourceError> {
    let up_text = decode(up)?;
    let down_text = down.map(decode).transpose()?;
    let mut files = vec![(up.path.clone(), up_text.clone())];
    let down_part = match (down, down_text) {
        (Some(f), Some(t)) => {
            files.push((f.path.clone(), t.clone()));
            Some(RawPart {
                path: f.path.clone(),
                text: t,
                first_line: 1,
            })
        }
        _ => None,
    };
    let name = if title.is_empty() {
        version.to_string()
    } else {
        title
    };
    Ok(RawMigration {
        version,
        name,
        layout,
        up: RawPart {
            path: up.path.clone(),
            text: up_text,
            first_line: 1,
        },
        down: down_part,
        transaction: true,
        allow_empty_up: true,
        files,
    })
}
