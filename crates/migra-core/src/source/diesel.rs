//! Diesel layout: `<version>_<name>/up.sql` + `down.sql` (+ `metadata.toml`), ordered as Diesel
//! orders them: by the version with every `-` removed, compared as text.

use super::{RawMigration, RawPart, SourceFile, decode};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use crate::version::Version;
use std::collections::BTreeMap;

#[derive(Default)]
struct Folder<'a> {
    up: Option<&'a SourceFile>,
    down: Option<&'a SourceFile>,
    metadata: Option<&'a SourceFile>,
}

pub(crate) fn parse(files: &[&SourceFile], errors: &mut Vec<SourceError>) -> Vec<RawMigration> {
    let mut folders: BTreeMap<&str, Folder> = BTreeMap::new();
    for f in files {
        // Loose files next to the folders (READMEs, seed data) are not migrations, as in Diesel.
        let Some((folder, file)) = f.path.split_once('/') else {
            continue;
        };
        let slot = folders.entry(folder).or_default();
        match file {
            "up.sql" => slot.up = Some(f),
            "down.sql" => slot.down = Some(f),
            "metadata.toml" => slot.metadata = Some(f),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (folder, parts) in folders {
        match build(folder, parts) {
            Ok(Some(m)) => out.push(m),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    out
}

fn build(folder: &str, parts: Folder<'_>) -> Result<Option<RawMigration>, SourceError> {
    let Some(up) = parts.up else {
        if parts.down.is_some() {
            return Err(SourceError::new(
                format!("{folder}/"),
                None,
                SourceErrorKind::Layout {
                    message: "Diesel migration folder has down.sql but no up.sql".into(),
                },
            ));
        }
        return Ok(None);
    };
    let (version, name) = match folder.split_once('_') {
        Some((v, n)) => (v, n),
        None => (folder, folder),
    };
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(SourceError::new(
            format!("{folder}/"),
            None,
            SourceErrorKind::BadFileName {
                layout: "diesel".into(),
                reason: "folder must be named <version>_<name> with a version of digits and dashes"
                    .into(),
            },
        ));
    }
    let up_text = decode(up)?;
    let mut files = vec![(up.path.clone(), up_text.clone())];
    let down = match parts.down {
        Some(d) => {
            let t = decode(d)?;
            files.push((d.path.clone(), t.clone()));
            Some(RawPart {
                path: d.path.clone(),
                text: t,
                first_line: 1,
            })
        }
        None => None,
    };
    let transaction = match parts.metadata {
        Some(m) => run_in_transaction(m)?,
        None => true,
    };
    Ok(Some(RawMigration {
        version: Version::diesel(version),
        name: name.to_string(),
        layout: Layout::Diesel,
        up: RawPart {
            path: up.path.clone(),
            text: up_text,
            first_line: 1,
        },
        down,
        transaction,
        allow_empty_up: false,
        files,
    }))
}

#[derive(serde::Deserialize)]
struct Metadata {
    run_in_transaction: Option<bool>,
}

fn run_in_transaction(f: &SourceFile) -> Result<bool, SourceError> {
    let text = decode(f)?;
    let meta: Metadata = toml::from_str(&text).map_err(|e| {
        SourceError::new(
            f.path.clone(),
            None,
            SourceErrorKind::Metadata {
                message: e.to_string(),
            },
        )
    })?;
    Ok(meta.run_in_transaction.unwrap_or(true))
}
