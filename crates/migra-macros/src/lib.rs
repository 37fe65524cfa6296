//! Procedural macros for migra.

use proc_macro::TokenStream;
use quote::quote;
use std::path::PathBuf;

/// `embed_migrations!("dir")` compiles the migration directory `dir` (relative to the crate's
/// `Cargo.toml`) into the binary as a `migra::EmbeddedMigrations`.
///
/// The layout and markers are checked at compile time: a malformed file is a compile error that
/// names the file and line. Every file is embedded with `include_bytes!`, so cargo rebuilds when
/// one changes; add `println!("cargo:rerun-if-changed=dir");` to `build.rs` to rebuild when files
/// are added or removed.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let lit = match syn::parse::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => return e.to_compile_error().into(),
    };
    let base = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let dir = base.join(lit.value());
    let sources = match migra_exec::read_dir(&dir) {
        Ok(f) => f,
        Err(e) => {
            return syn::Error::new(lit.span(), e.to_string())
                .to_compile_error()
                .into();
        }
    };
    // Generic lexical rules: the dialect is only known at run time, where files are split again.
    let opts = migra_core::LoadOptions::new(migra_core::SplitOptions::SQLITE);
    if let Err(e) = migra_core::load(&sources, &opts) {
        let msg = format!("invalid migrations in {}:\n{e}", dir.display());
        return syn::Error::new(lit.span(), msg).to_compile_error().into();
    }
    let entries = sources.iter().map(|f| {
        let rel = &f.path;
        let abs = dir.join(rel).to_string_lossy().into_owned();
        quote! { ::migra::EmbeddedFile { path: #rel, contents: include_bytes!(#abs) } }
    });
    quote! { ::migra::EmbeddedMigrations { files: &[ #(#entries),* ] } }.into()
}
