//! A server address that accepts connections and never answers (a wrong port, a hung server, a
//! proxy holding the line): connecting gives up after the URL's `connect_timeout`.
#![allow(clippy::unwrap_used)]

mod common;
use common::Project;
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// Accepts every connection on a loopback port and keeps it open without a byte; the port.
fn silent_listener() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            held.push(conn);
        }
    });
    port
}

#[test]
fn connecting_to_a_silent_server_gives_up_after_connect_timeout() {
    let port = silent_listener();
    let p = Project::new();
    for (scheme, server) in [("postgres", "PostgreSQL"), ("mysql", "MySQL or MariaDB")] {
        let url = format!("{scheme}://u:s3cret@127.0.0.1:{port}/db?connect_timeout=1");
        let started = Instant::now();
        let run = p.migra_raw(&["status", "--json", "-d", &url]).code(1);
        let waited = started.elapsed();
        let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            msg.contains(&format!(
                "no answer from 127.0.0.1:{port} within 1 s (is a {server} server listening there?"
            )) && !msg.contains("s3cret"),
            "{msg}"
        );
        // It gave up rather than waiting on the peer (which never closes).
        assert!(waited < Duration::from_secs(20), "waited {waited:?}");
    }
}

#[test]
fn a_connect_timeout_that_is_not_whole_seconds_is_a_url_error() {
    let p = Project::new();
    let url = "postgres://u:p@127.0.0.1:1/db?connect_timeout=soon";
    let run = p.migra_raw(&["status", "--json", "-d", url]).code(2);
    let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.ends_with(
            "connect_timeout must be a whole number of seconds (0 waits forever), not `soon`"
        ),
        "{msg}"
    );
}
