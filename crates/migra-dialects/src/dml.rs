//! Which statements are plain DML: they change rows inside the current transaction and end none.
//! SQLite counts changed rows only for these; every SQL backend commits one together with its
//! progress row when a migration runs statement by statement.

/// True when the first keyword of `sql` (after leading comments) is `INSERT`, `UPDATE`,
/// `DELETE`, `REPLACE`, `MERGE` or `WITH` (a common table expression heads a query or DML,
/// never DDL).
pub(crate) fn is_dml(sql: &str) -> bool {
    migra_core::words::first_word_in(
        sql,
        &["INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "WITH"],
    )
}

#[cfg(test)]
mod tests {
    use super::is_dml;

    #[test]
    fn first_keyword_after_comments_decides() {
        assert!(is_dml("-- seed\n/* rows */ insert into t values (1)"));
        assert!(is_dml("WITH x AS (SELECT 1) UPDATE t SET a = 1"));
        assert!(is_dml(
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"
        ));
        assert!(!is_dml("CREATE TABLE t (x INTEGER)"));
        assert!(!is_dml("-- insert\nALTER TABLE t ADD COLUMN y INTEGER"));
        assert!(!is_dml("INSERTX"));
        assert!(!is_dml("CALL refresh()"));
        assert!(!is_dml(""));
    }
}
