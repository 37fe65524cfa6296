//! SQLite's equality hooks: a declared column type is free text that SQLite keeps as written
//! (`integer` and `INTEGER` are the same; `varchar(100)` and `varchar(200)` are not), so types
//! compare by that text, not by migra's reading of it.

use migra_core::DiffHooks;
use migra_core::normalize_sql;
use migra_core::schema::ColumnType;

/// SQLite's [`DiffHooks`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteHooks;

impl DiffHooks for SqliteHooks {
    fn types_equal(&self, from: &ColumnType, to: &ColumnType) -> bool {
        normalize_sql(&from.raw) == normalize_sql(&to.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migra_core::schema::TypeKind;

    #[test]
    fn declared_text_decides() {
        let t = |raw: &str, bits| ColumnType {
            kind: TypeKind::Integer {
                bits,
                unsigned: false,
            },
            raw: raw.into(),
        };
        assert!(SqliteHooks.types_equal(&t("integer", 32), &t("INTEGER", 64)));
        assert!(!SqliteHooks.types_equal(&t("INT", 64), &t("INTEGER", 64)));
    }
}
