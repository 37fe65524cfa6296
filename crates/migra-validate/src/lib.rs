//! migra's safety validator: before a migration runs, say precisely what it will break.
//!
//! Each statement is parsed for the target dialect ([`analyze`]), lowered into the typed
//! [`migra_core::Change`]s it makes to the schema as it stands (replayed in memory from the
//! migrations before it, [`state::Schema`]), and checked by every rule of the catalog
//! ([`registry::all`]): one rule per file under `rules/`, each with its documentation and examples as
//! data ([`rule::Info`]), which the tests run and `migra rules` prints. A statement that cannot be
//! analysed is reported (TX705), never passed silently.
//!
//! Rules only describe the data questions that would sharpen a finding ([`probe::Probe`]); a dialect
//! answers them against a live database and [`grade`] moves the severity ("dropping
//! users.legacy_token deletes 45,000 non-NULL values").
//!
//! ```
//! use migra_core::{DialectId, SplitOptions, split::split};
//! use migra_validate::{Config, Report, Schema, Target, Validator, rule::{Direction, ScriptInfo}};
//!
//! let v = Validator::new(Target::new(DialectId::Postgres), Config::default());
//! let mut schema = Schema::default();
//! v.replay(&mut schema, &split("CREATE TABLE users (id int, legacy_token text);", 1, &SplitOptions::POSTGRES).unwrap());
//! let sql = "ALTER TABLE users DROP COLUMN legacy_token;";
//! let info = ScriptInfo { path: "up.sql".into(), version: None, direction: Direction::Up, transactional: true, has_down: false };
//! let mut report = Report::default();
//! v.check_script(&mut schema, &info, &split(sql, 1, &SplitOptions::POSTGRES).unwrap(), sql, 1, &mut report);
//! assert_eq!(report.findings[0].code, "DL103");
//! assert!(!report.is_safe());
//! ```

pub mod allow;
pub mod analyze;
pub mod config;
pub mod docs;
pub mod engine;
pub mod finding;
mod grade;
pub mod history;
pub mod probe;
pub mod registry;
pub mod render;
pub mod report;
pub mod rule;
mod rules;
pub mod state;
pub mod target;
#[cfg(test)]
mod testing;
pub mod words;

pub use config::{Config, ConfigError};
pub use engine::Validator;
pub use finding::{Finding, Location, Severity};
pub use grade::grade;
pub use history::{check_history, duplicate_versions};
pub use report::{MigrationValidation, Report};
pub use state::Schema;
pub use target::{ServerVersion, Target};
