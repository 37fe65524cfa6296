//! Identifies this runner and reads the clock.

use migra_core::RunnerId;
use std::time::{SystemTime, UNIX_EPOCH};

/// Builds the id of this process: host, pid, user and a per-run nonce.
pub fn current_runner() -> RunnerId {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "localhost".to_string());
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let pid = std::process::id();
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        % 1_000_000_007;
    RunnerId {
        id: format!("{host}:{pid}:{nonce:x}"),
        display: format!("{user}@{host} pid {pid}"),
        host,
        pid,
    }
}

/// The current time as RFC 3339 UTC with milliseconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
