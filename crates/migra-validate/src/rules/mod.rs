//! The rule catalog, one rule per file (see `registry` for the list).

pub(crate) mod prelude {
    pub(crate) use crate::analyze::Problem;
    pub(crate) use crate::analyze::mongo::Command;
    pub(crate) use crate::finding::{Finding, Severity};
    pub(crate) use crate::probe::Probe;
    pub(crate) use crate::rule::{
        ANY, Example, FindingExt, Info, MONGO, MY, PG, Rule, SL, SQL, ScriptCx, ScriptInfo, StmtCx,
    };
    pub(crate) use migra_core::{Change, DialectId, TableChange};
}

/// "; foreign keys that reference it: t.fk, ..." for the foreign keys that point at `table` (of other
/// tables), or at its `column` (of any table, itself included); empty when none do.
pub(crate) fn referencing(
    cx: &prelude::StmtCx<'_>,
    ns: &str,
    table: &str,
    column: Option<&str>,
) -> String {
    let mut names = Vec::new();
    for n in &cx.schema.database().namespaces {
        for t in &n.tables {
            for k in &t.foreign_keys {
                let ref_ns = k.ref_namespace.as_deref().unwrap_or(&n.name);
                let hit = match column {
                    None => t.name != table,
                    Some(c) => k.ref_columns.iter().any(|r| r == c),
                };
                if k.ref_table == table && ref_ns == ns && hit {
                    // SQLite keys often have no name: the columns say which one it is.
                    if k.name.is_empty() {
                        names.push(format!("{}({})", t.name, k.columns.join(", ")));
                    } else {
                        names.push(format!("{}.{}", t.name, k.name));
                    }
                }
            }
        }
    }
    if names.is_empty() {
        String::new()
    } else {
        format!("; foreign keys that reference it: {}", names.join(", "))
    }
}

pub(crate) mod al000_allow_needs_reason;
pub(crate) mod bc601_rename_column;
pub(crate) mod bc602_rename_table;
pub(crate) mod bc603_rename_other;
pub(crate) mod bc604_rename_enum_value;
pub(crate) mod bc605_drop_not_null;
pub(crate) mod bc606_new_write_restriction;
pub(crate) mod bc607_enum_value_position;
pub(crate) mod bc608_json_not_jsonb;
pub(crate) mod bc609_drop_integrity;
pub(crate) mod bc610_privilege_change;
pub(crate) mod dd201_add_required_column;
pub(crate) mod dd202_set_not_null;
pub(crate) mod dd203_add_unique;
pub(crate) mod dd204_make_index_unique;
pub(crate) mod dd205_add_foreign_key;
pub(crate) mod dd206_add_check;
pub(crate) mod dd207_change_primary_key;
pub(crate) mod dd208_mysql_zero_fill;
pub(crate) mod dd209_tighten_validator;
pub(crate) mod dl101_drop_schema;
pub(crate) mod dl102_drop_table;
pub(crate) mod dl103_drop_column;
pub(crate) mod dl104_truncate;
pub(crate) mod dl105_recreate_column;
pub(crate) mod dl106_lossy_cast;
pub(crate) mod dl107_drop_enum_value;
pub(crate) mod dl108_drop_other_object;
pub(crate) mod dl109_drop_collection;
pub(crate) mod hi001_applied_file_changed;
pub(crate) mod hi002_out_of_order;
pub(crate) mod hi003_missing_applied_file;
pub(crate) mod hi004_duplicate_version;
pub(crate) mod hi005_irreversible;
pub(crate) mod my401_copy_algorithm;
pub(crate) mod my402_lock_option;
pub(crate) mod my403_enum_rebuild;
pub(crate) mod my404_set_rebuild;
pub(crate) mod my405_expression_default;
pub(crate) mod my406_inline_references_ignored;
pub(crate) mod my407_implicit_commit;
pub(crate) mod op801_missing_lock_timeout;
pub(crate) mod op802_missing_statement_timeout;
pub(crate) mod pg301_index_not_concurrent;
pub(crate) mod pg302_drop_index_not_concurrent;
pub(crate) mod pg303_reindex_not_concurrent;
pub(crate) mod pg304_detach_partition_not_concurrent;
pub(crate) mod pg305_full_rewrite_maintenance;
pub(crate) mod pg306_add_primary_key_inline;
pub(crate) mod pg307_add_unique_constraint_inline;
pub(crate) mod pg308_foreign_key_validated_inline;
pub(crate) mod pg309_check_validated_inline;
pub(crate) mod pg310_set_not_null_scan;
pub(crate) mod pg311_type_change_rewrite;
pub(crate) mod pg312_volatile_default;
pub(crate) mod pg313_add_serial_or_identity;
pub(crate) mod pg314_rewrite_table_option;
pub(crate) mod pg315_exclusion_constraint;
pub(crate) mod pg316_trigger_on_hot_table;
pub(crate) mod pg317_domain_check;
pub(crate) mod pg318_concurrent_index_bug;
pub(crate) mod pg319_varchar_length_change;
pub(crate) mod pg320_alignment_padding;
pub(crate) mod sl501_table_rebuild;
pub(crate) mod sl502_foreign_keys_during_rebuild;
pub(crate) mod tx701_non_transactional_in_transaction;
pub(crate) mod tx702_nested_transaction;
pub(crate) mod tx703_uncommitted_transaction;
pub(crate) mod tx704_non_idempotent_non_transactional;
pub(crate) mod tx705_opaque_statement;
pub(crate) mod tx706_backfill_in_ddl_transaction;
pub(crate) mod tx707_syntax_error;
pub(crate) mod tx708_missing_object;
