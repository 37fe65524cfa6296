//! Rebuild when a migration file is added or removed (edits are tracked by `include_bytes!`).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
