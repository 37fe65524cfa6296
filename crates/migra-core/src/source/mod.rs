//! Reading migration directories: layout detection, per-layout parsing, and checks that name the
//! file and line of every problem. Pure: callers hand in file contents (see `migra-exec` for disk).

mod dbmate;
mod detect;
mod diesel;
mod directives;
mod flyway;
mod native;
mod paired;

use crate::error::{SourceError, SourceErrorKind};
use crate::migration::{Layout, Migration, Script, ScriptMode};
use crate::split::{SplitOptions, split};
use crate::version::Version;
use std::collections::BTreeMap;

pub use detect::detect_layout;

/// One file of a migration directory, with its path relative to the directory (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative path, e.g. `20260101_120000_init.sql` or `2017-01-01-000000_init/up.sql`.
    pub path: String,
    /// Raw bytes (checked for UTF-8 when parsed).
    pub contents: Vec<u8>,
}

/// How to read a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// The layout, or `None` to detect it.
    pub layout: Option<Layout>,
    /// Lexical rules of the target dialect.
    pub split: SplitOptions,
    /// Send every script whole, as one multi-statement query (as if each had `-- migra:no-split`).
    pub whole_scripts: bool,
}

impl LoadOptions {
    /// Detect the layout, split with `split`.
    pub fn new(split: SplitOptions) -> Self {
        Self {
            layout: None,
            split,
            whole_scripts: false,
        }
    }
}

/// Every problem found while loading a directory (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct SourceErrors(pub Vec<SourceError>);

/// A migration before splitting: what a layout parser extracts.
pub(crate) struct RawMigration {
    pub version: Version,
    pub name: String,
    pub layout: Layout,
    pub up: RawPart,
    pub down: Option<RawPart>,
    /// What the layout itself says about transactions (Diesel metadata, dbmate options).
    pub transaction: bool,
    /// The layout's own tools accept an empty up part as a no-op version (golang-migrate, sqlx,
    /// dbmate, Flyway: authelia ships empty files for dialects a change does not concern).
    pub allow_empty_up: bool,
    /// Whole files scanned for `-- migra:` directives.
    pub files: Vec<(String, String)>,
}

/// One part's text and where it starts.
pub(crate) struct RawPart {
    pub path: String,
    pub text: String,
    pub first_line: u32,
}

/// Loads migrations from `files`, sorted by version.
///
/// Errors: every file that cannot be read as the layout (naming file and line), duplicate
/// versions, mixed layouts. Non-SQL files are ignored.
pub fn load(files: &[SourceFile], opts: &LoadOptions) -> Result<Vec<Migration>, SourceErrors> {
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let layout = match opts.layout {
        Some(l) => l,
        None => match detect_layout(&sorted) {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(Vec::new()),
            Err(e) => return Err(SourceErrors(vec![e])),
        },
    };
    let mut errors = Vec::new();
    let raws = match layout {
        Layout::Native => native::parse(&sorted, &mut errors),
        Layout::Paired => paired::parse(&sorted, &mut errors, false),
        Layout::Sqlx => paired::parse(&sorted, &mut errors, true),
        Layout::Diesel => diesel::parse(&sorted, &mut errors),
        Layout::Dbmate => dbmate::parse(&sorted, &mut errors),
        Layout::Flyway => flyway::parse(&sorted, &mut errors),
    };
    let mut by_version: BTreeMap<Version, Migration> = BTreeMap::new();
    for raw in raws {
        match finish(raw, opts) {
            Ok(m) => {
                if let Some(prev) = by_version.get(&m.version) {
                    errors.push(SourceError::new(
                        m.up.path.clone(),
                        None,
                        SourceErrorKind::DuplicateVersion {
                            version: m.version.to_string(),
                            other: prev.up.path.clone(),
                        },
                    ));
                } else {
                    by_version.insert(m.version.clone(), m);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(by_version.into_values().collect())
    } else {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(SourceErrors(errors))
    }
}

/// Parses every top-level `.sql` file with `parse`, one migration per file, collecting errors.
pub(crate) fn each_file(
    files: &[&SourceFile],
    errors: &mut Vec<SourceError>,
    parse: impl Fn(&SourceFile) -> Result<RawMigration, SourceError>,
) -> Vec<RawMigration> {
    let mut out = Vec::new();
    for f in files.iter().filter(|f| detect::is_top_level_sql(&f.path)) {
        match parse(f) {
            Ok(m) => out.push(m),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// Decodes a file as UTF-8, naming the line of the first bad byte.
pub(crate) fn decode(file: &SourceFile) -> Result<String, SourceError> {
    String::from_utf8(file.contents.clone()).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = file.contents[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32
            + 1;
        SourceError::new(
            file.path.clone(),
            Some(line),
            SourceErrorKind::InvalidUtf8 { offset },
        )
    })
}

/// The final path component.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn finish(raw: RawMigration, opts: &LoadOptions) -> Result<Migration, SourceError> {
    let mut d = directives::Directives::default();
    for (path, text) in &raw.files {
        d.scan(path, text)?;
    }
    // Each batch of a batched statement commits on its own.
    let transaction = raw.transaction && !d.no_transaction && !d.batched;
    let whole = opts.whole_scripts || d.no_split;
    let mode = if whole {
        ScriptMode::Whole
    } else {
        ScriptMode::Statements
    };
    let to_script = |part: RawPart| -> Result<Script, SourceError> {
        let statements = split(&part.text, part.first_line, &opts.split)
            .map_err(|e| SourceError::new(part.path.clone(), Some(e.line), e.kind))?;
        let mut script = Script {
            path: part.path,
            first_line: part.first_line,
            text: part.text,
            mode,
            statements,
            batches: Vec::new(),
        };
        if d.batched {
            script.batches = directives::batches(&script)?;
        }
        Ok(script)
    };
    let checksum = Migration::compute_checksum(
        &raw.up.text,
        raw.down.as_ref().map(|d| d.text.as_str()),
        transaction,
        whole,
    );
    let up = to_script(raw.up)?;
    let empty_up = up.statements.is_empty();
    if empty_up && !raw.allow_empty_up {
        return Err(SourceError::new(
            up.path.clone(),
            Some(up.first_line),
            SourceErrorKind::EmptyUp,
        ));
    }
    let (down, irreversible_reason) = match raw.down {
        None => (None, Some("it has no down part".to_string())),
        Some(part) => {
            let path = part.path.clone();
            let s = to_script(part)?;
            // An empty down undoes an empty up; otherwise it would undo nothing and is refused.
            if s.statements.is_empty() && !empty_up {
                (None, Some(format!("its down part in {path} is empty")))
            } else {
                (Some(s), None)
            }
        }
    };
    let checks = directives::checks(&d, &up);
    Ok(Migration {
        checks,
        version: raw.version,
        name: raw.name,
        layout: raw.layout,
        up,
        down,
        irreversible_reason,
        transaction,
        checksum,
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
