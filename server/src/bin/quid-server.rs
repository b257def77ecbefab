//! `quid-server`: parse the configuration, set up logging, run until SIGINT or SIGTERM.
//! (The end-to-end tests build this file too, as `quid-node`: a dependency added
//! here goes into `tests/Cargo.toml` as well.)

use std::io::IsTerminal;

use clap::Parser;
use quid_server::config::{Config, LogFormat};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// mimalloc: per-thread free lists, so the many small allocations of connection and
/// message handling on several threads do not contend in one arena.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut config = Config::parse();
    init_logging(config.log_format);
    if let Some(task) = config.command.take() {
        return quid_server::task::run(task).await;
    }
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let listener = match quid_server::listen(&config) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(error = %e, "cannot bind {}:{}", config.bind, config.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    match quid_server::serve(config, listener, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // colours only for a terminal: piped to a file or a log collector, plain text
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn stop_on_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("signal received");
    shutdown.cancel();
}
