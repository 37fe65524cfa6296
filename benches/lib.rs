//! Shared workloads for migra's benchmarks.

use migra::core::SourceFile;

/// The DDL of migration `i` in `../shared/bench/gen_migrations.py`: a 5-column table and an index.
pub fn ddl(i: usize) -> String {
    format!(
        "CREATE TABLE t_{i} (\n    id BIGINT NOT NULL PRIMARY KEY,\n    name VARCHAR(100) NOT NULL,\n    amount NUMERIC(12,2),\n    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    active BOOLEAN NOT NULL DEFAULT TRUE\n);\nCREATE INDEX t_{i}_name_idx ON t_{i} (name);\n"
    )
}

/// `n` migrations in migra's native layout, as the generator writes them.
pub fn native_workload(n: usize) -> Vec<SourceFile> {
    (1..=n)
        .map(|i| {
            let (hh, rem) = (i / 3600, i % 3600);
            let (mm, ss) = (rem / 60, rem % 60);
            let text = format!(
                "-- MIGRATION: t{i}\n-- DIRECTION: up\n{}\n-- DIRECTION: down\nDROP TABLE t_{i};\n",
                ddl(i)
            );
            SourceFile {
                path: format!("20260101_{hh:02}{mm:02}{ss:02}_t{i}.sql"),
                contents: text.into_bytes(),
            }
        })
        .collect()
}
