//! Opening server connections and describing their failures (shared by the server backends).

use migra_core::BackendError;
use std::time::Duration;

/// The URL query parameters that name TLS files: PostgreSQL's, then MySQL's.
const TLS_FILE_PARAMS: [&str; 6] = [
    "sslrootcert",
    "sslcert",
    "sslkey",
    "ssl-ca",
    "ssl-cert",
    "ssl-key",
];

/// The environment variables libpq (and so the driver) reads for the same files.
const TLS_FILE_VARS: [(&str, &str); 3] = [
    ("PGSSLROOTCERT", "sslrootcert"),
    ("PGSSLCERT", "sslcert"),
    ("PGSSLKEY", "sslkey"),
];

/// Where a server connection goes, for the messages of its failures.
pub(crate) struct Endpoint<'a> {
    /// The URL connected to, redacted (its query names the TLS files).
    pub target: &'a str,
    /// `host:port`, or the Unix socket's path.
    pub place: String,
    /// The kind of server, for people (`PostgreSQL`).
    pub server: &'static str,
    /// How long connecting may take; `None` waits forever.
    pub limit: Option<Duration>,
}

/// Runs `connecting` within `to.limit`.
///
/// Errors: [`BackendError::Connect`] saying what failed: no answer in time, a TLS file that
/// cannot be read, TLS, reaching the place, or a database error, which `database` words for
/// the dialect (a refused login, a missing database; `None` keeps the server's message).
pub(crate) async fn open<C>(
    to: &Endpoint<'_>,
    connecting: impl std::future::Future<Output = Result<C, sqlx::Error>>,
    database: impl Fn(&dyn sqlx::error::DatabaseError) -> Option<String>,
) -> Result<C, BackendError> {
    let failed = |message| BackendError::Connect {
        target: to.target.to_string(),
        message,
    };
    let outcome = match to.limit {
        None => connecting.await,
        Some(limit) => tokio::time::timeout(limit, connecting)
            .await
            .map_err(|_| failed(no_answer(to, limit)))?,
    };
    outcome.map_err(|e| {
        failed(match &e {
            sqlx::Error::Database(db) => {
                database(db.as_ref()).unwrap_or_else(|| db.message().to_string())
            }
            other => transport_error(other, to).unwrap_or_else(|| other.to_string()),
        })
    })
}

fn no_answer(to: &Endpoint<'_>, limit: Duration) -> String {
    format!(
        "no answer from {} within {} s (is a {} server listening there? \
         `connect_timeout=SECONDS` in the URL waits longer, 0 forever)",
        to.place,
        limit.as_secs(),
        to.server
    )
}

/// Says what failed below the database protocol: a TLS file that cannot be read, TLS itself, or
/// reaching the place. `None` for other errors.
fn transport_error(e: &sqlx::Error, to: &Endpoint<'_>) -> Option<String> {
    let place = &to.place;
    match e {
        sqlx::Error::Tls(tls) => Some(format!("TLS with {place} failed ({tls})")),
        // rustls reports certificate problems through the I/O layer.
        sqlx::Error::Io(io) if io.to_string().contains("certificate") => {
            Some(format!("TLS with {place} failed ({io})"))
        }
        // The driver reads the TLS files while connecting and reports a missing one as a bare
        // I/O error, which would otherwise read as an unreachable host. Only such an error
        // (not a refused or reset connection) sends us to look at the files.
        sqlx::Error::Io(io) => {
            let file_error = matches!(
                io.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            );
            Some(
                file_error
                    .then(|| unreadable_tls_file(to.target, |var| std::env::var(var).ok()))
                    .flatten()
                    .unwrap_or_else(|| format!("cannot reach {place} ({io})")),
            )
        }
        _ => None,
    }
}

/// A refused login: `user` and the server's own words (which say why: the password, a missing
/// `pg_hba.conf` entry, peer authentication, the client host; never the password itself).
pub(crate) fn login_refused(user: &str, server: &str) -> String {
    format!("authentication failed for user `{user}`: {server}")
}

/// The first TLS file named in `url` (or, for PostgreSQL, in the variable `env` gives) that
/// cannot be opened, described with the reason; `None` when every named file opens. Inline PEM
/// text is no file.
fn unreadable_tls_file(url: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let mut named: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .filter(|(k, _)| TLS_FILE_PARAMS.contains(&k.as_str()))
        .collect();
    if parsed.scheme().starts_with("postgres") {
        for (var, param) in TLS_FILE_VARS {
            if !named.iter().any(|(k, _)| k == param)
                && let Some(path) = env(var)
            {
                named.push((var.to_string(), path));
            }
        }
    }
    named
        .into_iter()
        .filter(|(_, path)| !path.trim_start().starts_with("-----BEGIN"))
        .find_map(|(name, path)| {
            let e = std::fs::File::open(&path).err()?;
            Some(format!(
                "cannot read the TLS file `{path}` named by `{name}` ({e})"
            ))
        })
}

/// How long connecting may take before it is given up: the URL's `connect_timeout` (seconds,
/// libpq's name; `0` waits forever), else `default`. `None` waits forever.
///
/// Errors: [`BackendError::InvalidUrl`] (shown as `target`) for a `connect_timeout` that is
/// not a whole number of seconds.
pub(crate) fn connect_timeout(
    url: &str,
    target: &str,
    default: Option<Duration>,
) -> Result<Option<Duration>, BackendError> {
    timeout_of(url, default).map_err(|reason| BackendError::InvalidUrl {
        url: target.to_string(),
        reason,
    })
}

fn timeout_of(url: &str, default: Option<Duration>) -> Result<Option<Duration>, String> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(default);
    };
    let Some((_, v)) = parsed.query_pairs().find(|(k, _)| k == "connect_timeout") else {
        return Ok(default);
    };
    match v.trim().parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(s) => Ok(Some(Duration::from_secs(s))),
        Err(_) => Err(format!(
            "connect_timeout must be a whole number of seconds (0 waits forever), not `{v}`"
        )),
    }
}

/// A driver's URL error without the driver's repeated "error with configuration" prefixes;
/// `socket_form` shows the dialect's way to a Unix socket, for a URL with `user@` and no host.
pub(crate) fn url_error(e: &sqlx::Error, socket_form: &str) -> String {
    let text = e.to_string();
    let mut rest = text.as_str();
    while let Some(r) = rest.strip_prefix("error with configuration: ") {
        rest = r;
    }
    if rest == "empty host" {
        return format!(
            "empty host (a user needs a host after it; for a Unix socket: {socket_form})"
        );
    }
    rest.to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{unreadable_tls_file, url_error};

    #[test]
    fn a_missing_tls_file_is_named_with_its_parameter() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("ca.pem");
        std::fs::write(&present, "x").unwrap();
        let missing = dir.path().join("client.key");
        let url = format!(
            "postgres://u:p@h/d?sslmode=verify-full&sslrootcert={}&sslkey={}",
            present.display(),
            missing.display()
        );
        let said = unreadable_tls_file(&url, |_| None).unwrap();
        assert!(said.starts_with(&format!(
            "cannot read the TLS file `{}` named by `sslkey` (",
            missing.display()
        )));
        let mysql = format!(
            "mysql://u:p@h/d?ssl-mode=VERIFY_CA&ssl-ca={}",
            missing.display()
        );
        assert!(
            unreadable_tls_file(&mysql, |_| None)
                .unwrap()
                .contains("`ssl-ca`")
        );
    }

    #[test]
    fn readable_inline_or_absent_files_say_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("ca.pem");
        std::fs::write(&present, "x").unwrap();
        let url = format!("postgres://u:p@h/d?sslrootcert={}", present.display());
        assert_eq!(unreadable_tls_file(&url, |_| None), None);
        let inline = "postgres://u:p@h/d?sslrootcert=-----BEGIN%20CERTIFICATE-----";
        assert_eq!(unreadable_tls_file(inline, |_| None), None);
        assert_eq!(unreadable_tls_file("postgres://u:p@h/d", |_| None), None);
    }

    #[test]
    fn postgres_reads_the_libpq_variables_where_the_url_names_no_file() {
        let env = |v: &str| (v == "PGSSLROOTCERT").then(|| "/nonexistent/root.crt".to_string());
        let said = unreadable_tls_file("postgres://u@h/d", env).unwrap();
        assert!(
            said.contains("`/nonexistent/root.crt` named by `PGSSLROOTCERT`"),
            "{said}"
        );
        // The URL wins over the variable, and MySQL does not read PostgreSQL's variables.
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("ca.pem");
        std::fs::write(&present, "x").unwrap();
        let url = format!("postgres://u@h/d?sslrootcert={}", present.display());
        assert_eq!(unreadable_tls_file(&url, env), None);
        assert_eq!(unreadable_tls_file("mysql://u@h/d", env), None);
    }

    #[test]
    fn connect_timeout_comes_from_the_url_else_the_default() {
        use super::timeout_of as connect_timeout;
        use std::time::Duration;
        let d = Some(Duration::from_secs(30));
        assert_eq!(connect_timeout("postgres://u@h/d", d), Ok(d));
        let five = connect_timeout("postgres://u@h/d?sslmode=disable&connect_timeout=5", d);
        assert_eq!(five, Ok(Some(Duration::from_secs(5))));
        assert_eq!(
            connect_timeout("mysql://u@h/d?connect_timeout=0", d),
            Ok(None)
        );
        let bad = connect_timeout("mysql://u@h/d?connect_timeout=2.5", d).unwrap_err();
        assert!(bad.contains("not `2.5`"), "{bad}");
    }

    #[test]
    fn url_errors_lose_the_repeated_prefix() {
        let e = sqlx::Error::Configuration("error with configuration: bad port".into());
        assert_eq!(url_error(&e, "x"), "bad port");
        let e = sqlx::Error::Configuration("empty host".into());
        assert_eq!(
            url_error(&e, "`y`"),
            "empty host (a user needs a host after it; for a Unix socket: `y`)"
        );
    }
}
