//! dbmate layout: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` markers and
//! `transaction:false` options on the marker lines.

use super::native::is_sql;
use super::{RawMigration, RawPart, SourceFile, decode, file_name};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use crate::version::Version;

pub(crate) fn parse(files: &[&SourceFile], errors: &mut Vec<SourceError>) -> Vec<RawMigration> {
    super::each_file(files, errors, parse_file)
}

fn parse_file(f: &SourceFile) -> Result<RawMigration, SourceError> {
    let err = |line: Option<u32>, kind| SourceError::new(f.path.clone(), line, kind);
    let stem = file_name(&f.path).trim_end_matches(".sql");
    let (version, name) = stem.split_once('_').unwrap_or((stem, stem));
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
        return Err(err(
            None,
            SourceErrorKind::BadFileName {
                layout: "dbmate".into(),
                reason: "expected <digits>_<name>.sql".into(),
            },
        ));
    }
    let text = decode(f)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (mut up, mut down): (Option<u32>, Option<u32>) = (None, None);
    let mut transaction = true;
    for (i, line) in lines.iter().enumerate() {
        let n = i as u32 + 1;
        let Some(rest) = line.trim().strip_prefix("-- migrate:") else {
            if up.is_none() && is_sql(line) {
                return Err(err(
                    Some(n),
                    SourceErrorKind::SqlBeforeUp {
                        marker: "-- migrate:up".into(),
                    },
                ));
            }
            continue;
        };
        let mut words = rest.split_whitespace();
        let which = words.next().unwrap_or("");
        for opt in words {
            match opt {
                "transaction:false" => transaction = false,
                "transaction:true" => {}
                other => {
                    return Err(err(
                        Some(n),
                        SourceErrorKind::UnknownMarker {
                            marker: other.into(),
                            hint: Some("dbmate options: transaction:false".into()),
                        },
                    ));
                }
            }
        }
        match which {
            "up" if up.is_some() => {
                return Err(err(
                    Some(n),
                    SourceErrorKind::RepeatedMarker {
                        marker: "-- migrate:up".into(),
                        first_line: up.unwrap_or(0),
                    },
                ));
            }
            "up" if down.is_some() => {
                return Err(err(
                    Some(n),
                    SourceErrorKind::DownBeforeUp {
                        down: "-- migrate:down".into(),
                        up: "-- migrate:up".into(),
                    },
                ));
            }
            "up" => up = Some(n),
            "down" if down.is_some() => {
                return Err(err(
                    Some(n),
                    SourceErrorKind::RepeatedMarker {
                        marker: "-- migrate:down".into(),
                        first_line: down.unwrap_or(0),
                    },
                ));
            }
            "down" if up.is_none() => {
                return Err(err(
                    Some(n),
                    SourceErrorKind::DownBeforeUp {
                        down: "-- migrate:down".into(),
                        up: "-- migrate:up".into(),
                    },
                ));
            }
            "down" => down = Some(n),
            other => {
                return Err(err(
                    Some(n),
                    SourceErrorKind::UnknownMarker {
                        marker: format!("-- migrate:{other}"),
                        hint: Some("expected up or down".into()),
                    },
                ));
            }
        }
    }
    let up = up.ok_or_else(|| {
        err(
            None,
            SourceErrorKind::MissingUpMarker {
                marker: "-- migrate:up".into(),
            },
        )
    })?;
    let end = lines.len() as u32;
    let part = |from: u32, to: u32| lines[from as usize..to as usize].concat();
    Ok(RawMigration {
        version: Version::numeric(version),
        name: name.to_string(),
        layout: Layout::Dbmate,
        up: RawPart {
            path: f.path.clone(),
            text: part(up, down.map_or(end, |d| d - 1)),
            first_line: up + 1,
        },
        down: down.map(|d| RawPart {
            path: f.path.clone(),
            text: part(d, end),
            first_line: d + 1,
        }),
        transaction,
        allow_empty_up: true,
        files: vec![(f.path.clone(), text)],
    })
}
