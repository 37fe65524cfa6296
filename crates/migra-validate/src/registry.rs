//! The catalog: every rule, in code order.

use crate::rule::Rule;
use crate::rules::*;

static ALL: &[&dyn Rule] = &[
    &al000_allow_needs_reason::R,
    &bc601_rename_column::R,
    &bc602_rename_table::R,
    &bc603_rename_other::R,
    &bc604_rename_enum_value::R,
    &bc605_drop_not_null::R,
    &bc606_new_write_restriction::R,
    &bc607_enum_value_position::R,
    &bc608_json_not_jsonb::R,
    &bc609_drop_integrity::R,
    &bc610_privilege_change::R,
    &dd201_add_required_column::R,
    &dd202_set_not_null::R,
    &dd203_add_unique::R,
    &dd204_make_index_unique::R,
    &dd205_add_foreign_key::R,
    &dd206_add_check::R,
    &dd207_change_primary_key::R,
    &dd208_mysql_zero_fill::R,
    &dd209_tighten_validator::R,
    &dl101_drop_schema::R,
    &dl102_drop_table::R,
    &dl103_drop_column::R,
    &dl104_truncate::R,
    &dl105_recreate_column::R,
    &dl106_lossy_cast::R,
    &dl107_drop_enum_value::R,
    &dl108_drop_other_object::R,
    &dl109_drop_collection::R,
    &hi001_applied_file_changed::R,
    &hi002_out_of_order::R,
    &hi003_missing_applied_file::R,
    &hi004_duplicate_version::R,
    &hi005_irreversible::R,
    &my401_copy_algorithm::R,
    &my402_lock_option::R,
    &my403_enum_rebuild::R,
    &my404_set_rebuild::R,
    &my405_expression_default::R,
    &my406_inline_references_ignored::R,
    &my407_implicit_commit::R,
    &op801_missing_lock_timeout::R,
    &op802_missing_statement_timeout::R,
    &pg301_index_not_concurrent::R,
    &pg302_drop_index_not_concurrent::R,
    &pg303_reindex_not_concurrent::R,
    &pg304_detach_partition_not_concurrent::R,
    &pg305_full_rewrite_maintenance::R,
    &pg306_add_primary_key_inline::R,
    &pg307_add_unique_constraint_inline::R,
    &pg308_foreign_key_validated_inline::R,
    &pg309_check_validated_inline::R,
    &pg310_set_not_null_scan::R,
    &pg311_type_change_rewrite::R,
    &pg312_volatile_default::R,
    &pg313_add_serial_or_identity::R,
    &pg314_rewrite_table_option::R,
    &pg315_exclusion_constraint::R,
    &pg316_trigger_on_hot_table::R,
    &pg317_domain_check::R,
    &pg318_concurrent_index_bug::R,
    &pg319_varchar_length_change::R,
    &pg320_alignment_padding::R,
    &sl501_table_rebuild::R,
    &sl502_foreign_keys_during_rebuild::R,
    &tx701_non_transactional_in_transaction::R,
    &tx702_nested_transaction::R,
    &tx703_uncommitted_transaction::R,
    &tx704_non_idempotent_non_transactional::R,
    &tx705_opaque_statement::R,
    &tx706_backfill_in_ddl_transaction::R,
    &tx707_syntax_error::R,
    &tx708_missing_object::R,
];

/// Rules that run only when enabled in config (`validate.enable`).
pub static OPT_IN: &[&str] = &["SD906", "SD908"];

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    ALL
}

/// A rule by code or name.
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.info().code.eq_ignore_ascii_case(key) || r.info().name == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_sorted_and_documented() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut last = "";
        for r in ALL {
            let i = r.info();
            assert!(codes.insert(i.code), "duplicate code {}", i.code);
            assert!(names.insert(i.name), "duplicate name {}", i.name);
            assert!(i.code > last, "{} is out of order", i.code);
            last = i.code;
            assert!(
                i.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                i.name
            );
            for (what, text) in [
                ("detects", i.detects),
                ("why", i.why),
                ("instead", i.instead),
            ] {
                assert!(text.len() > 20, "{} has no real '{what}' text", i.code);
            }
            assert!(!i.examples.is_empty(), "{} has no examples", i.code);
            assert!(!i.dialects.is_empty(), "{} applies to no dialect", i.code);
        }
    }
}
