//! The `migra` command-line tool.

mod args;
mod commands;
mod config;
mod fail;
mod output;

use clap::Parser;

// The validator and the differ allocate many small strings; mimalloc halves the time spent there.
// Built without transparent huge pages (feature `no_thp`): a short run otherwise pays for the
// kernel zeroing 2 MiB on each first touch, a quarter of a no-op `status`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let json = std::env::args().skip(1).any(|a| a == "--json");
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if json {
                output::Out::new(true).json(&serde_json::json!({ "error": { "kind": "usage", "message": e.to_string().trim() } }));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
    };
    let out = output::Out::new(cli.global.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli, out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.reported {
                commands::print_failure(&out, &f);
            }
            ExitCode::from(f.exit)
        }
    }
}
