//! migra's native layout: `YYYYMMDD_HHMMSS_description.sql` with direction markers.

use super::detect::marker_rest;
use super::{RawMigration, RawPart, SourceFile, decode, file_name};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use crate::version::Version;

const UP: &str = "-- DIRECTION: up";
const DOWN: &str = "-- DIRECTION: down";

/// Splits a native file name into (`YYYYMMDD_HHMMSS`, description).
pub(crate) fn parse_name(name: &str) -> Option<(&str, &str)> {
    // `.json`: a MongoDB migration (JSON command documents), same markers and naming.
    let stem = name
        .strip_suffix(".sql")
        .or_else(|| name.strip_suffix(".json"))?;
    let b = stem.as_bytes();
    let ok = b.len() > 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'_'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'_';
    ok.then(|| (&stem[..15], &stem[16..]))
}

pub(crate) fn parse(files: &[&SourceFile], errors: &mut Vec<SourceError>) -> Vec<RawMigration> {
    super::each_file(files, errors, parse_file)
}

fn parse_file(f: &SourceFile) -> Result<RawMigration, SourceError> {
    let err = |line: Option<u32>, kind| SourceError::new(f.path.clone(), line, kind);
    let (version, description) = parse_name(file_name(&f.path)).ok_or_else(|| {
        err(
            None,
            SourceErrorKind::BadFileName {
                layout: "native".into(),
                reason: "expected YYYYMMDD_HHMMSS_description.sql".into(),
            },
        )
    })?;
    let text = decode(f)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut name: Option<(String, u32)> = None;
    let mut up_line: Option<u32> = None;
    let mut down_line: Option<u32> = None;
    for (i, line) in lines.iter().enumerate() {
        let n = i as u32 + 1;
        if let Some(rest) = marker_rest(line, "MIGRATION:") {
            if let Some((_, first)) = &name {
                return Err(err(
                    Some(n),
                    SourceErrorKind::RepeatedMarker {
                        marker: "-- MIGRATION:".into(),
                        first_line: *first,
                    },
                ));
            }
            name = Some((rest.to_string(), n));
        } else if let Some(dir) = marker_rest(line, "DIRECTION:") {
            match dir.to_ascii_lowercase().as_str() {
                "up" => {
                    if let Some(first) = up_line {
                        return Err(err(
                            Some(n),
                            SourceErrorKind::RepeatedMarker {
                                marker: UP.into(),
                                first_line: first,
                            },
                        ));
                    }
                    if down_line.is_some() {
                        return Err(err(
                            Some(n),
                            SourceErrorKind::DownBeforeUp {
                                down: DOWN.into(),
                                up: UP.into(),
                            },
                        ));
                    }
                    up_line = Some(n);
                }
                "down" => {
                    if let Some(first) = down_line {
                        return Err(err(
                            Some(n),
                            SourceErrorKind::RepeatedMarker {
                                marker: DOWN.into(),
                                first_line: first,
                            },
                        ));
                    }
                    if up_line.is_none() {
                        return Err(err(
                            Some(n),
                            SourceErrorKind::DownBeforeUp {
                                down: DOWN.into(),
                                up: UP.into(),
                            },
                        ));
                    }
                    down_line = Some(n);
                }
                other => {
                    return Err(err(
                        Some(n),
                        SourceErrorKind::UnknownMarker {
                            marker: format!("-- DIRECTION: {other}"),
                            hint: Some("expected `up` or `down`".into()),
                        },
                    ));
                }
            }
        } else if up_line.is_none() && is_sql(line) {
            return Err(err(
                Some(n),
                SourceErrorKind::SqlBeforeUp { marker: UP.into() },
            ));
        }
    }
    let up_line =
        up_line.ok_or_else(|| err(None, SourceErrorKind::MissingUpMarker { marker: UP.into() }))?;
    let part = |from: u32, to: u32| -> String { lines[from as usize..to as usize].concat() };
    let end = lines.len() as u32;
    let up_end = down_line.map_or(end, |d| d - 1);
    let up = RawPart {
        path: f.path.clone(),
        text: part(up_line, up_end),
        first_line: up_line + 1,
    };
    let down = down_line.map(|d| RawPart {
        path: f.path.clone(),
        text: part(d, end),
        first_line: d + 1,
    });
    let name = name
        .map(|(n, _)| n)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| description.to_string());
    Ok(RawMigration {
        version: Version::numeric(version),
        name,
        layout: Layout::Native,
        up,
        down,
        transaction: true,
        allow_empty_up: false,
        files: vec![(f.path.clone(), text)],
    })
}

/// True when a line holds something other than whitespace or a `--` comment.
pub(crate) fn is_sql(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with("--")
}
