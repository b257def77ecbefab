//! The one-off tasks of `quid-server` (its subcommands), run instead of serving.

use crate::config::Task;
use crate::datadir::DataDirLock;
use crate::secret::without_credentials;
use crate::store::migrate;

/// Runs `task`, printing what it did; the process's exit code.
pub async fn run(task: Task) -> std::process::ExitCode {
    match task {
        Task::Migrate { from, to } => {
            // the source must not change while it is copied: a server using it holds the
            // data directory's lock, and so does this copy until it is done
            let lock = match DataDirLock::acquire(&from) {
                Ok(lock) => lock,
                Err(e) => {
                    eprintln!("quid-server migrate: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let target = without_credentials(to.expose_str());
            let url = to.expose_str().to_owned();
            let source = from.clone();
            let copied =
                tokio::task::spawn_blocking(move || migrate::sqlite_to_postgres(&source, &url))
                    .await;
            lock.release();
            match copied {
                Ok(Ok(copied)) => {
                    println!("copied {} into {target}:", from.display());
                    for (table, rows) in copied.0 {
                        println!("  {table:<22} {rows:>9} rows (counts equal)");
                    }
                    std::process::ExitCode::SUCCESS
                }
                Ok(Err(e)) => {
                    eprintln!("quid-server migrate: {e}");
                    std::process::ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("quid-server migrate: the copy failed: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
    }
}
