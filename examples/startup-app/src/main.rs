//! An application that applies its embedded migrations at startup.
//!
//! Run: `cargo run -p startup-app -- sqlite://app.db` (the default URL is `sqlite://startup-app.db`).

static MIGRATIONS: migra::EmbeddedMigrations = migra::embed_migrations!("migrations");

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite://startup-app.db".to_string());
    match migra::Migrator::new(&MIGRATIONS).run(&url).await {
        Ok(result) => {
            println!(
                "database ready: {} migration(s) applied",
                result.steps_completed
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot start: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
