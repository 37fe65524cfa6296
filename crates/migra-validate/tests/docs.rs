//! docs/rules.md is generated from the rules; this keeps it current.

#[test]
fn rules_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let generated = migra_validate::docs::markdown();
    assert!(
        on_disk == generated,
        "docs/rules.md is stale: run `cargo run -p migra-cli -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn every_rule_has_a_section() {
    let md = migra_validate::docs::markdown();
    for r in migra_validate::registry::all() {
        let i = r.info();
        assert!(
            md.contains(&format!("\n## {}\n", i.code)),
            "{} has no section",
            i.code
        );
    }
}
