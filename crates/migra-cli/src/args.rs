//! Command-line arguments.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// migra: safe, repeatable database schema migrations.
#[derive(Debug, Parser)]
#[command(name = "migra", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Options accepted before or after the command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Migration directory [default: migrations, or `dir` in the config file].
    #[arg(
        long,
        global = true,
        visible_alias = "migrations-dir",
        value_name = "DIR"
    )]
    pub dir: Option<PathBuf>,
    /// Database URL [env: DATABASE_URL, then DB_URL; default: sqlite://migra.db].
    #[arg(short = 'd', long, global = true, value_name = "URL")]
    pub database: Option<String>,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Config file [default: migra.toml when present].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// History table name [default: migra_history].
    #[arg(long, global = true, value_name = "NAME")]
    pub table: Option<String>,
    /// Directory layout: native, paired (sqlx, golang-migrate), sqlx, diesel, dbmate, flyway
    /// [default: detected].
    #[arg(long, global = true, value_name = "LAYOUT")]
    pub format: Option<String>,
    /// Send every script whole, as one multi-statement query (as if each had `-- migra:no-split`).
    #[arg(long, global = true)]
    pub no_split: bool,
    /// Seconds to wait for another runner's lock [default: 60].
    #[arg(long, global = true, value_name = "SECONDS")]
    pub lock_timeout: Option<u64>,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new migration file in the native format.
    New {
        /// What the migration does (words are joined with `_`).
        #[arg(required = true, num_args = 1..)]
        name: Vec<String>,
    },
    /// Show applied and pending migrations and any drift (reads only).
    Plan {
        /// Also compare the live schema with what the applied migrations produce (replayed on a
        /// scratch database, as `migra drift` does) and list the differences.
        #[arg(long)]
        check_schema: bool,
        /// Server for that scratch database [default: the live database's server].
        #[arg(long, value_name = "URL", requires = "check_schema")]
        dev_url: Option<String>,
    },
    /// Apply pending migrations.
    Apply {
        /// Print the statements that would run; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply up to and including this version.
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Run even though applied files changed or versions are out of order.
        #[arg(long)]
        allow_drift: bool,
        /// Skip the safety validation that runs before applying (pending migrations checked
        /// against the live schema and data; blocking findings stop the run with exit 3).
        /// `[validate] on_apply = false` in migra.toml does the same.
        #[arg(long, conflicts_with = "allow_unsafe")]
        no_validate: bool,
        /// Apply even though validation finds blocking errors; the reason is written to the
        /// audit log with each migration applied.
        #[arg(long, value_name = "REASON")]
        allow_unsafe: Option<String>,
        /// Before a statement drops a table or a column, copy its data to a backup table
        /// (`<history>_bk_<version>_<table>`), recorded in history; rolling the migration back
        /// puts it back. `[validate] require_backup_for_drops = true` turns it on.
        #[arg(long)]
        backup: bool,
        /// When a migration that runs outside a transaction fails, run its down part so the
        /// database is not left half-way (the JSON result says `rollback_triggered`).
        #[arg(long)]
        rollback_on_failure: bool,
        #[command(flatten)]
        batch: BatchFlags,
    },
    /// Roll back applied migrations with their down parts (default: the latest one).
    Rollback {
        /// Roll back the newest N migrations.
        #[arg(long, value_name = "N", conflicts_with = "to")]
        steps: Option<usize>,
        /// Roll back every migration newer than VERSION (0 = all).
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Print the statements that would run; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Run even though applied files changed.
        #[arg(long)]
        allow_drift: bool,
        #[command(flatten)]
        batch: BatchFlags,
    },
    /// Summarize the database's migration state (reads only).
    Status,
    /// Print the live schema: the neutral model as JSON with --json, or a readable summary (reads only).
    Inspect,
    /// Compare two schemas and print the changes and the SQL that turns FROM into TO (reads only).
    Diff {
        /// The schema as it is: a database URL, or a migration directory (`dir:PATH` or a path),
        /// replayed on a scratch database.
        #[arg(long, value_name = "SOURCE")]
        from: String,
        /// The schema as it should be: a database URL or a migration directory, same dialect.
        #[arg(long, value_name = "SOURCE", required_unless_present = "to_dialect")]
        to: Option<String>,
        /// Instead of --to: the --from schema written for another dialect (postgres, mysql,
        /// sqlite), with a list of what could not be carried over.
        #[arg(long, value_name = "DIALECT", conflicts_with = "to")]
        to_dialect: Option<String>,
        /// Server for scratch databases when a side is a directory (a temporary database is
        /// created there and dropped) [default: the other side's server, else a SQLite file].
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
        /// A rename, never guessed: `old=new` for a table, `table.old=table.new` for a column
        /// (repeatable). Without one, a rename is a drop plus an add.
        #[arg(long, value_name = "OLD=NEW")]
        rename: Vec<String>,
    },
    /// Write the difference between two schemas as a new migration file with both directions.
    Generate {
        /// The schema as it is: a database URL, or a migration directory (`dir:PATH` or a path),
        /// replayed on a scratch database.
        #[arg(long, value_name = "SOURCE")]
        from: String,
        /// The schema as it should be: a database URL or a migration directory, same dialect.
        #[arg(long, value_name = "SOURCE")]
        to: String,
        /// Server for scratch databases when a side is a directory (a temporary database is
        /// created there and dropped) [default: the other side's server, else a SQLite file].
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
        /// The migration's name [default: made from the changes, e.g. add_retry_count_to_payments].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// A rename, never guessed: `old=new` for a table, `table.old=table.new` for a column.
        #[arg(long, value_name = "OLD=NEW")]
        rename: Vec<String>,
    },
    /// Compare the live schema (-d) with the schema the applied migrations of --dir produce
    /// (replayed on a scratch database); exit 3 when they differ (reads only).
    Drift {
        /// Server for the scratch database [default: the live database's server].
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
    },
    /// Check migrations for what they would break, before they run (reads only). Exit 3 when a
    /// blocking finding is not allowed. With --database: only pending migrations, plus history checks.
    Validate {
        /// Migration files or directories [default: the migration directory].
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Dialect of the SQL: postgres, mysql, mariadb, sqlite [default: the database URL's].
        #[arg(long, value_name = "DIALECT")]
        dialect: Option<String>,
        /// Server version the migrations target, e.g. 15 or 10.11 [default: read from the
        /// database when one is given, else assume a current release].
        #[arg(long, visible_alias = "pg-version", value_name = "VERSION")]
        server_version: Option<String>,
        /// With a database: validate every migration, not only the pending ones.
        #[arg(long)]
        all: bool,
        /// Output: human, json, sarif [default: human; json with --json]. `--format sarif` works too.
        #[arg(long, value_name = "FORMAT")]
        output: Option<String>,
    },
    /// List the validator's rules (the catalog), or print it as Markdown (docs/rules.md).
    Rules {
        /// Print the catalog as Markdown.
        #[arg(long)]
        markdown: bool,
    },
    /// Show how an applied migration would be rolled back (default: the newest applied): each
    /// step with a query that checks it took effect, the data it cannot bring back, an estimated
    /// duration, and whether `migra verify` tested this exact file (reads only).
    PlanRollback {
        /// The version to plan for.
        #[arg(value_name = "VERSION")]
        migration: Option<String>,
    },
    /// Test migrations' down parts on a scratch database (a temporary database on the same
    /// server, a temporary file for SQLite): apply everything before, snapshot schema and data,
    /// up, down, compare, up again. Results are recorded in history (rollback plans show
    /// `tested`). Exit 1 when a round trip fails.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["migration", "all"])))]
    Verify {
        /// The version to verify.
        #[arg(value_name = "VERSION")]
        migration: Option<String>,
        /// Every migration, forward (a round trip each), then the whole directory back.
        #[arg(long)]
        all: bool,
        /// Do not record the results in the database's history.
        #[arg(long)]
        no_record: bool,
    },
    /// List the backups `apply --backup` made (reads only), or remove some: the backup table is
    /// dropped and its record deleted.
    Backups {
        /// Remove this backup table.
        #[arg(long, value_name = "TABLE", conflicts_with = "remove_version")]
        remove: Option<String>,
        /// Remove every backup of this version.
        #[arg(long, value_name = "VERSION")]
        remove_version: Option<String>,
    },
    /// Record by hand that a half-applied migration is now applied, rolled back, or in effect up
    /// to a statement (after you made the database match, or checked that it does); logged as a
    /// repair.
    #[command(group(clap::ArgGroup::new("mark").required(true).args(["mark_applied", "mark_rolled_back", "mark_progress"])))]
    Repair {
        /// The version to record.
        #[arg(value_name = "VERSION")]
        migration: String,
        /// Every statement of its up part is now in effect.
        #[arg(long)]
        mark_applied: bool,
        /// None of it is in effect (the version is pending again).
        #[arg(long)]
        mark_rolled_back: bool,
        /// Exactly its first N statements are in effect (a run stopped after one took effect and
        /// before its progress was written): `migra apply` resumes at statement N+1.
        #[arg(long, value_name = "N")]
        mark_progress: Option<u32>,
        /// Why, for the audit log.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

/// Pacing of batched statements (`-- migra:batch`).
#[derive(Debug, Clone, clap::Args)]
pub struct BatchFlags {
    /// Pause this many milliseconds after each batch.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub batch_sleep: u64,
    /// Resize batches to keep each one (its commit included) under this many milliseconds.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_batch_ms: Option<u64>,
}

impl BatchFlags {
    /// The executor's options for these flags.
    pub fn options(&self) -> migra::exec::BatchOptions {
        migra::exec::BatchOptions {
            sleep: std::time::Duration::from_millis(self.batch_sleep),
            max_batch: self.max_batch_ms.map(std::time::Duration::from_millis),
            ..Default::default()
        }
    }
}
