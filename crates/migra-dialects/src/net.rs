//! Describing network-level connection failures (shared by the server backends).

/// Says what failed below the database protocol: TLS or reaching the host. `None` for other
/// errors (the caller describes database errors itself).
pub(crate) fn transport_error(e: &sqlx::Error, host: &str, port: u16) -> Option<String> {
    match e {
        sqlx::Error::Tls(tls) => Some(format!("TLS with {host}:{port} failed ({tls})")),
        // rustls reports certificate problems through the I/O layer.
        sqlx::Error::Io(io) if io.to_string().contains("certificate") => {
            Some(format!("TLS with {host}:{port} failed ({io})"))
        }
        sqlx::Error::Io(io) => Some(format!("cannot reach {host}:{port} ({io})")),
        _ => None,
    }
}
