//! Migration directories compiled into the binary.

use migra_core::SourceFile;

/// One embedded file: its path relative to the migration directory and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// Relative path (`/`-separated).
    pub path: &'static str,
    /// Contents.
    pub contents: &'static [u8],
}

/// A migration directory embedded by [`crate::embed_migrations!`].
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigrations {
    /// The files, sorted by path.
    pub files: &'static [EmbeddedFile],
}

impl EmbeddedMigrations {
    /// The files as [`SourceFile`]s for [`migra_core::load`].
    pub fn source_files(&self) -> Vec<SourceFile> {
        self.files
            .iter()
            .map(|f| SourceFile {
                path: f.path.to_string(),
                contents: f.contents.to_vec(),
            })
            .collect()
    }
}
