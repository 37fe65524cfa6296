//! Validator settings: thresholds, and rules turned off or given another severity
//! (the `[validate]` table of `migra.toml`).

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Settings for one validation run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A table with at least this many rows is "large" (lock and backfill rules get stricter).
    pub large_table_rows: u64,
    /// Longest acceptable lock, in seconds, for the estimated-lock-time rule.
    pub max_lock_seconds: f64,
    /// Drops of tables and columns need a backup step (`--backup`) to pass.
    pub require_backup_for_drops: bool,
    /// Statement timeout for each live data probe, in seconds.
    pub probe_timeout_seconds: f64,
    /// Per-rule settings by code or name: `"off"`, `"info"`, `"warning"`, `"error"`.
    pub rules: BTreeMap<String, String>,
    /// Opt-in rules to turn on (by code or name).
    pub enable: Vec<String>,
    /// `migra apply` validates pending migrations first (turn off with `false` or `--no-validate`).
    pub on_apply: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            large_table_rows: 1_000_000,
            max_lock_seconds: 5.0,
            require_backup_for_drops: false,
            probe_timeout_seconds: 5.0,
            rules: BTreeMap::new(),
            enable: Vec::new(),
            on_apply: true,
        }
    }
}

/// What the config says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// Not run.
    Off,
    /// Run with this severity.
    Severity(Severity),
    /// Run with its default severity.
    Default,
}

/// A config value that is not `off`, `info`, `warning` or `error`, or names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validate.rules.{key} = {value:?}: {reason}")]
pub struct ConfigError {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
    /// What is wrong.
    pub reason: String,
}

impl Config {
    /// The statement timeout for each live data probe (at least 1 ms).
    pub fn probe_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.probe_timeout_seconds.max(0.001))
    }

    /// The setting for a rule, looked up by code, then by name.
    pub fn setting(&self, code: &str, name: &str) -> RuleSetting {
        match self
            .rules
            .get(code)
            .or_else(|| self.rules.get(name))
            .map(String::as_str)
        {
            Some("off") => RuleSetting::Off,
            Some(s) => Severity::from_name(s).map_or(RuleSetting::Default, RuleSetting::Severity),
            None => RuleSetting::Default,
        }
    }

    /// True when an opt-in rule was enabled by code or name.
    pub fn enabled(&self, code: &str, name: &str) -> bool {
        self.enable.iter().any(|e| e == code || e == name)
            || matches!(self.setting(code, name), RuleSetting::Severity(_))
    }

    /// Checks every key names a known rule (`known` yields code and name) and every value is valid.
    ///
    /// Errors: the first bad entry.
    pub fn check<'a>(
        &self,
        known: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Result<(), ConfigError> {
        for (key, value) in &self.rules {
            if !known.clone().any(|(c, n)| c == key || n == key) {
                return Err(ConfigError {
                    key: key.clone(),
                    value: value.clone(),
                    reason: "no rule has this code or name (see `migra rules`)".into(),
                });
            }
            if value != "off" && Severity::from_name(value).is_none() {
                return Err(ConfigError {
                    key: key.clone(),
                    value: value.clone(),
                    reason: "expected \"off\", \"info\", \"warning\" or \"error\"".into(),
                });
            }
        }
        Ok(())
    }
}
