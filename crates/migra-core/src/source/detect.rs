//! Tells a directory's layout from its file names and markers.

use super::{SourceFile, file_name};
use crate::error::{SourceError, SourceErrorKind};
use crate::migration::Layout;
use std::collections::BTreeMap;

/// Detects the layout of `files` (sorted by path). `Ok(None)` when there are no migrations.
///
/// Diesel when any `<folder>/up.sql` exists; otherwise every top-level `.sql` file must fit one
/// layout. Errors: a file that fits none, or files that fit different layouts.
pub fn detect_layout(files: &[&SourceFile]) -> Result<Option<Layout>, SourceError> {
    if files
        .iter()
        .any(|f| f.path.contains('/') && file_name(&f.path) == "up.sql")
    {
        return Ok(Some(Layout::Diesel));
    }
    let mut seen: BTreeMap<Layout, &str> = BTreeMap::new();
    for f in files.iter().filter(|f| is_top_level_sql(&f.path)) {
        match classify(f) {
            Some(l) => {
                seen.entry(l).or_insert(&f.path);
            }
            None => {
                return Err(SourceError::new(
                    f.path.clone(),
                    None,
                    SourceErrorKind::Layout {
                        message: "file name fits no known layout (native `YYYYMMDD_HHMMSS_name.sql`, \
                                  `<version>_<name>.up.sql`/`.down.sql`, `<version>_<name>.sql`, \
                                  Diesel `<version>_<name>/up.sql`, dbmate, Flyway `V<n>__<name>.sql`)"
                            .into(),
                    },
                ));
            }
        }
    }
    let mut it = seen.iter();
    match (it.next(), it.next()) {
        (None, _) => Ok(None),
        (Some((l, _)), None) => Ok(Some(*l)),
        (Some((a, fa)), Some((b, fb))) => Err(SourceError::new(
            (*fb).to_string(),
            None,
            SourceErrorKind::Layout {
                message: format!(
                    "the directory mixes layouts: {fa} is {a}, {fb} is {b}; use one layout or pass --format"
                ),
            },
        )),
    }
}

/// A top-level `.sql` file, or a native-named `.json` one (a MongoDB migration).
pub(crate) fn is_top_level_sql(path: &str) -> bool {
    !path.contains('/')
        && (path.ends_with(".sql")
            || (path.ends_with(".json") && super::native::parse_name(path).is_some()))
}

fn classify(f: &SourceFile) -> Option<Layout> {
    let name = file_name(&f.path);
    if super::native::parse_name(name).is_some() {
        return Some(Layout::Native);
    }
    let text = String::from_utf8_lossy(&f.contents);
    if has_line_marker(&text, "DIRECTION:") {
        return Some(Layout::Native);
    }
    if text
        .lines()
        .any(|l| l.trim_start().starts_with("-- migrate:up"))
    {
        return Some(Layout::Dbmate);
    }
    if name.ends_with(".up.sql") || name.ends_with(".down.sql") {
        return Some(Layout::Paired);
    }
    if super::flyway::is_flyway_name(name) {
        return Some(Layout::Flyway);
    }
    if super::paired::parse_simple_name(name).is_some() {
        return Some(Layout::Sqlx);
    }
    None
}

/// True when a line reads `-- <marker>` (case-insensitive, spaces allowed after `--`).
pub(crate) fn has_line_marker(text: &str, marker: &str) -> bool {
    text.lines().any(|l| marker_rest(l, marker).is_some())
}

/// For a line `-- MARKER rest`, returns `rest` (trimmed).
pub(crate) fn marker_rest<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let body = line.trim().strip_prefix("--")?.trim_start();
    let head = body.get(..marker.len())?;
    head.eq_ignore_ascii_case(marker)
        .then(|| body[marker.len()..].trim())
}
