//! `quid`: the terminal chat, and subcommands for scripts. Parses the command line, runs it,
//! and turns a failure into a message on stderr and a meaningful exit code.

use std::process::ExitCode;

use clap::Parser;
use quid_client::cli::{self, Cli};

fn main() -> ExitCode {
    // Before any thread exists: the only sound moment to read the local time zone.
    quid_client::timefmt::init_local_offset();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("quid: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(cli::run(cli));
    // Do not wait for background tasks (e.g. a blocked stdin reader).
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.is_reported() {
                eprintln!("quid: {error}");
            }
            ExitCode::from(error.exit_code())
        }
    }
}
