//! What the migration will run on: the dialect and, when known, the server version.

use migra_core::DialectId;
use serde::Serialize;

/// A server version (`15.4` → major 15, minor 4). MariaDB versions are kept as MariaDB's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ServerVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl ServerVersion {
    /// Parses `15`, `15.4`, `10.11.6-MariaDB` or `PostgreSQL 15.4 on ...`; `None` when no number.
    pub fn parse(s: &str) -> Option<Self> {
        let start = s.find(|c: char| c.is_ascii_digit())?;
        let mut nums = s[start..]
            .split(|c: char| !c.is_ascii_digit())
            .take(2)
            .map(|n| n.parse::<u32>().ok());
        let major = nums.next().flatten()?;
        let minor = nums.next().flatten().unwrap_or(0);
        Some(Self { major, minor })
    }

    /// True when this version is at least `major.minor`.
    pub fn at_least(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

/// The dialect, the server version when known, and the schema unqualified names resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Dialect.
    pub dialect: DialectId,
    /// Server version; `None` means "assume a currently supported release" (each rule says which).
    pub version: Option<ServerVersion>,
    /// MariaDB rather than MySQL (their online-DDL rules differ).
    pub mariadb: bool,
    /// Namespace of unqualified names (`public`, `main`, the MySQL database).
    pub default_namespace: String,
}

impl Target {
    /// A target with the dialect's usual default namespace and no known version.
    pub fn new(dialect: DialectId) -> Self {
        let default_namespace = match dialect {
            DialectId::Postgres => "public",
            DialectId::Sqlite => "main",
            _ => "",
        };
        Self {
            dialect,
            version: None,
            mariadb: false,
            default_namespace: default_namespace.to_string(),
        }
    }

    /// This target with the version a live server reports (`Inspector::server_version`):
    /// a MariaDB version string also marks the target as MariaDB. An unreadable string leaves
    /// the version unknown.
    pub fn with_server(mut self, reported: &str) -> Self {
        // Old MariaDB servers prefix their version with `5.5.5-` on the wire.
        let text = reported.strip_prefix("5.5.5-").unwrap_or(reported);
        self.version = ServerVersion::parse(text);
        self.mariadb |= text.to_ascii_lowercase().contains("mariadb");
        self
    }

    /// True when the version is known and below `major.minor`.
    pub fn known_below(&self, major: u32, minor: u32) -> bool {
        self.version.is_some_and(|v| !v.at_least(major, minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(
            ServerVersion::parse("PostgreSQL 14.2 on x86_64"),
            Some(ServerVersion {
                major: 14,
                minor: 2
            })
        );
        assert_eq!(
            ServerVersion::parse("10.11.6-MariaDB-0+deb12u1"),
            Some(ServerVersion {
                major: 10,
                minor: 11
            })
        );
        assert_eq!(
            ServerVersion::parse("15"),
            Some(ServerVersion {
                major: 15,
                minor: 0
            })
        );
        assert_eq!(ServerVersion::parse("none"), None);
        let t = Target::new(DialectId::Mysql).with_server("5.5.5-10.11.6-MariaDB-0+deb12u1");
        assert!(t.mariadb);
        assert_eq!(t.version.map(|v| (v.major, v.minor)), Some((10, 11)));
        let t = Target::new(DialectId::Postgres).with_server("16.4 (Debian 16.4-1.pgdg120+2)");
        assert_eq!(t.version.map(|v| (v.major, v.minor)), Some((16, 4)));
        assert!(!t.mariadb);
        assert!(
            ServerVersion {
                major: 12,
                minor: 0
            }
            .at_least(11, 5)
        );
    }
}
