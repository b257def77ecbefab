//! `quid-bench`: parse the options, build the runtime, run the scenario, report errors.

use clap::Parser;
use quid_bench::cli::Cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // one worker per core: connects are spread over them (the sockets' reading is
    // `--threads`' job, off the runtime)
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("quid-bench: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(quid_bench::scenario::run(&cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quid-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
