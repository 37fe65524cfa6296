//! The rule catalog, one rule per file (see `registry` for the list).

pub(crate) mod prelude {
    pub(crate) use crate::analyze::Problem;
    pub(crate) use crate::finding::{Finding, Severity};
    pub(crate) use crate::probe::Probe;
    pub(crate) use crate::rule::{
        Example, FindingExt, Info, MY, PG, Rule, SL, SQL, ScriptCx, ScriptInfo, StmtCx,
    };
    pub(crate) use migra_core::{Change, DialectId, TableChange};
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
pub(crate) mod dl101_drop_schema;
pub(crate) mod dl102_drop_table;
pub(crate) mod dl103_drop_column;
pub(crate) mod dl104_truncate;
pub(crate) mod dl105_recreate_column;
pub(crate) mod dl106_lossy_cast;
pub(crate) mod dl107_drop_enum_value;
pub(crate) mod dl108_drop_other_object;
pub(crate) mod my401_copy_algorithm;
pub(crate) mod my402_lock_option;
pub(crate) mod my403_enum_rebuild;
pub(crate) mod my404_set_rebuild;
pub(crate) mod my405_expression_default;
pub(crate) mod my406_inline_references_ignored;
pub(crate) mod my407_implicit_commit;
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
pub(crate) mod tx705_opaque_statement;
pub(crate) mod tx707_syntax_error;
pub(crate) mod tx708_missing_object;
